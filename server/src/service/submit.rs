//! Sending the shopper's method details to the provider. What is about to be sent is written
//! first (the payment in flight, its outcome unknown), so a crash in between is reconciled; any
//! answer that is not a definite status leaves the payment in flight, and checks decide.

use checkout_contract::{MethodKind, MobileMoneyDetails, Payment, PaymentStatus, StatusChange};

use super::orders::order_taken;
use super::outcome::in_flight;
use super::ServiceError;
use super::{PaymentService, WRITE_ATTEMPTS};
use crate::providers::{IntentRef, ProviderError, ProviderStatus, SubmitDetails};
use crate::store::{Decider, PaymentRow, StoreError};

/// Written when a request leaves for the provider, until its answer arrives.
const AWAITING_ANSWER: &str = "sent to the provider, no answer yet";

/// What the provider's answer to a submit says.
enum SubmitAnswer {
    Definite(ProviderStatus),
    /// The request left and may or may not have been acted on.
    Unknown(String),
}

fn read_answer(result: Result<ProviderStatus, ProviderError>) -> SubmitAnswer {
    match result {
        // "Not started" in answer to "start" is no answer at all.
        Ok(status) if status.status == PaymentStatus::Created => {
            SubmitAnswer::Unknown(format!("the provider answered {}", status.raw))
        }
        Ok(status) => SubmitAnswer::Definite(status),
        Err(error) => SubmitAnswer::Unknown(error.to_string()),
    }
}

impl PaymentService {
    /// The payment, if the caller holds its secret and it takes a submit of `details`: created
    /// for that method, with its provider intent, and not submitted yet.
    pub(super) async fn submittable(
        &self,
        id: &str,
        client_secret: &str,
        details: &SubmitDetails,
    ) -> Result<PaymentRow, ServiceError> {
        let row = self.load_for_shopper(id, client_secret).await?;
        let submitted_method = match details {
            SubmitDetails::YassirCash => MethodKind::YassirCash,
            SubmitDetails::MobileMoney(_) => MethodKind::MobileMoney,
        };
        if submitted_method != row.method {
            return Err(ServiceError::unprocessable(
                "method_mismatch",
                Some("type"),
                format!(
                    "payment `{id}` was created for `{}`, not `{}`",
                    row.method.as_str(),
                    submitted_method.as_str()
                ),
            ));
        }
        if row.provider_intent_id.is_none() {
            return Err(ServiceError::conflict(
                "payment_not_ready",
                "the provider intent of this payment was not created; repeat the create request with the same Idempotency-Key",
            ));
        }
        if row.status != PaymentStatus::Created {
            return Err(ServiceError::conflict(
                "payment_already_submitted",
                format!(
                    "payment `{id}` was already submitted and is `{}`; poll it for its outcome, or create a new payment for a new attempt",
                    row.status
                ),
            ));
        }
        Ok(row)
    }

    /// Starts the payment with the shopper's method details, for `client` (its address: a
    /// mobile-money confirmation takes a place of that client's share).
    pub async fn submit(
        &self,
        id: &str,
        client_secret: &str,
        details: SubmitDetails,
        client: &str,
    ) -> Result<Payment, ServiceError> {
        let row = self.submittable(id, client_secret, &details).await?;
        if self.order_expired(&row) {
            let expired = ProviderStatus {
                failure: Some((
                    "order_expired".into(),
                    "The order can no longer be paid.".into(),
                )),
                ..ProviderStatus::plain(PaymentStatus::Expired, "the order expired before submit")
            };
            self.record_answer(row, &expired, Decider::Server).await?;
            return Err(ServiceError::conflict(
                "order_expired",
                "this order can no longer be paid: its order token expired",
            ));
        }
        if self.passed(row.expires_at.as_deref(), std::time::Duration::ZERO) {
            let expired = ProviderStatus {
                failure: Some((
                    "expired".into(),
                    "the payment expired before it was submitted".into(),
                )),
                ..ProviderStatus::plain(PaymentStatus::Expired, "expired before submit")
            };
            let row = self.record_answer(row, &expired, Decider::Server).await?;
            return Ok(self.view(&row));
        }
        let (status, detail) = match &details {
            SubmitDetails::YassirCash => (PaymentStatus::Processing, "proceed sent (WALLET_V2)"),
            SubmitDetails::MobileMoney(_) => {
                (PaymentStatus::AwaitingApproval, "confirm sent (momo)")
            }
        };
        let mut sending = row;
        if let SubmitDetails::MobileMoney(details) = &details {
            sending.phone = Some(details.msisdn.clone());
        }
        // A confirm holds its request for up to two minutes: only so many at once, shared
        // between clients and phones, and the place is taken before anything is written or sent.
        let place = match &details {
            SubmitDetails::MobileMoney(details) => Some(
                self.inner
                    .confirms
                    .take(client, &details.msisdn)
                    .map_err(|refused| ServiceError::Busy(refused.to_string()))?,
            ),
            SubmitDetails::YassirCash => None,
        };
        let row = self.mark_in_flight(sending, status, detail).await?;
        let intent = Self::intent_ref(&row).expect("checked above");
        match (details, place) {
            (SubmitDetails::MobileMoney(details), Some(place)) => {
                self.confirm_in_background(row, intent, details, place);
                Ok(self.view(&self.load(id).await?))
            }
            _ => self.proceed(row, intent).await,
        }
    }

    /// Marks the payment in flight, its outcome unknown until the provider answers. Refused
    /// while another submit of it, or another payment of its order, is in flight or paid.
    async fn mark_in_flight(
        &self,
        mut row: PaymentRow,
        status: PaymentStatus,
        detail: &str,
    ) -> Result<PaymentRow, ServiceError> {
        row.status = status;
        row.updated_at = self.now_rfc3339();
        row.submitted_at = Some(row.updated_at.clone());
        row.outcome_unknown = Some(AWAITING_ANSWER.into());
        let change = StatusChange {
            status,
            at: row.updated_at.clone(),
            detail: detail.into(),
        };
        match self
            .inner
            .store
            .update_taking_order(&row, &change, &self.events())
            .await
        {
            Ok(row) => Ok(row),
            Err(StoreError::Conflict) => Err(ServiceError::conflict(
                "payment_already_submitted",
                format!("payment `{}` is being submitted by another request", row.id),
            )),
            Err(StoreError::OrderTaken {
                status, on_hold, ..
            }) => Err(order_taken(status, on_hold)),
            Err(error) => Err(error.into()),
        }
    }

    /// A submit answered at once (Yassir Cash's proceed with `WALLET_V2`): recorded, or, when its
    /// outcome is unknown, checked once at once, since an answer lost on the way back is often
    /// there already.
    async fn proceed(&self, row: PaymentRow, intent: IntentRef) -> Result<Payment, ServiceError> {
        let result = self
            .provider(row.method)
            .submit(&intent, &SubmitDetails::YassirCash)
            .await;
        let row = match read_answer(result) {
            SubmitAnswer::Definite(status) => {
                self.record_answer(row, &status, Decider::Provider).await?
            }
            SubmitAnswer::Unknown(reason) => {
                tracing::warn!(payment = %row.id, %reason, "proceed outcome unknown");
                let row = self.mark_unknown(row, &reason, None).await?;
                self.refresh(row).await
            }
        };
        Ok(self.view(&row))
    }

    /// Mobile money: confirm holds the request until the shopper answers on the phone, so the
    /// widget gets its answer now and polls while the confirm finishes here.
    fn confirm_in_background(
        &self,
        row: PaymentRow,
        intent: IntentRef,
        details: MobileMoneyDetails,
        place: super::confirms::ConfirmPlace,
    ) {
        let service = self.clone();
        tokio::spawn(async move {
            // Held until the outcome is written: `drain` waits for every place to come back.
            let _place = place;
            let result = service
                .inner
                .yabetoo
                .submit(&intent, &SubmitDetails::MobileMoney(details))
                .await;
            let timed_out = matches!(result, Err(ProviderError::Timeout));
            let outcome = match read_answer(result) {
                SubmitAnswer::Definite(status) => {
                    service.record_answer(row, &status, Decider::Provider).await
                }
                SubmitAnswer::Unknown(reason) => {
                    tracing::warn!(payment = %row.id, %reason, "confirm outcome unknown");
                    // After a timeout the prompt is most likely on the phone; after anything else
                    // nobody knows, and the shopper is told the payment is being confirmed.
                    let status = (!timed_out).then_some(PaymentStatus::Processing);
                    service.mark_unknown(row, &reason, status).await
                }
            };
            if let Err(error) = outcome {
                tracing::error!(?error, "could not record the confirm outcome");
            }
        });
    }

    /// Records that a request's outcome is unknown (and, for a payment waiting on the phone,
    /// that it is now only being confirmed), unless an answer came meanwhile.
    async fn mark_unknown(
        &self,
        mut row: PaymentRow,
        reason: &str,
        status: Option<PaymentStatus>,
    ) -> Result<PaymentRow, ServiceError> {
        for _ in 0..WRITE_ATTEMPTS {
            if !in_flight(&row) || row.outcome_unknown.as_deref() != Some(AWAITING_ANSWER) {
                return Ok(row);
            }
            let mut updated = row.clone();
            updated.outcome_unknown = Some(reason.into());
            if let Some(status) = status {
                updated.status = status;
            }
            let detail = format!("outcome unknown ({reason}): checking the provider");
            match self.write(updated, detail).await {
                Ok(written) => return Ok(written),
                Err(StoreError::Conflict) => row = self.load(&row.id).await?,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_definite_status_is_an_answer_to_a_submit() {
        let unclear = [
            Err(ProviderError::Timeout),
            Err(ProviderError::Unavailable("HTTP 503".into())),
            Err(ProviderError::UnknownStatus("statusCode 99".into())),
            // A 4xx after the request left: the provider may still have acted on an earlier copy.
            Err(ProviderError::Refused {
                code: "invalid_request".into(),
                message: "already proceeded".into(),
            }),
            Ok(ProviderStatus::plain(
                PaymentStatus::Created,
                "statusCode 0",
            )),
        ];
        for result in unclear {
            assert!(matches!(read_answer(result), SubmitAnswer::Unknown(_)));
        }
        let otp = ProviderStatus::plain(PaymentStatus::RequiresAction, "statusCode 12");
        assert!(matches!(read_answer(Ok(otp)), SubmitAnswer::Definite(_)));
    }
}
