//! The merchant's word on a payment that waits for it: what the provider's dashboard shows,
//! recorded with a note in the history. Only then is the payment's order freed or closed.

use checkout_contract::{CaptureMethod, PaymentRecord, PaymentStatus, StatusChange};

use super::outcome::in_flight;
use super::{PaymentService, ServiceError, WRITE_ATTEMPTS};
use crate::store::{Attention, Decider, StoreError};

/// What the merchant found in the provider's dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Resolution {
    /// The provider took the money: the order is paid.
    Succeeded,
    /// The provider took no money: the order may be paid again.
    Failed,
    /// The provider took the money and the merchant gave it back.
    Refunded,
}

impl Resolution {
    pub fn parse(value: &str) -> Option<Self> {
        value.parse().ok()
    }

    fn as_str(self) -> &'static str {
        self.into()
    }
}

impl PaymentService {
    /// Records what the merchant found for a payment that waits for its attention. Refused for
    /// a payment that does not wait: the provider's word decides those.
    pub async fn resolve_payment(
        &self,
        id: &str,
        outcome: Resolution,
        note: Option<&str>,
    ) -> Result<PaymentRecord, ServiceError> {
        let _guard = self.inner.store.lock_payment(id).await?;
        // The provider's word first: a payment it decides now is not the merchant's to decide.
        let row = self.load(id).await?;
        if row.attention.is_some() && in_flight(&row) {
            let checked = self.check(row).await;
            if checked.attention.is_none() || checked.status.is_final() {
                return Err(ServiceError::conflict(
                    "provider_decided",
                    format!(
                        "the provider has just answered for payment `{id}`: it is `{}`",
                        checked.status
                    ),
                ));
            }
        }
        for _ in 0..WRITE_ATTEMPTS {
            let row = self.load(id).await?;
            let Some(attention) = row.attention else {
                return Err(ServiceError::conflict(
                    "no_attention_needed",
                    format!("payment `{id}` does not wait for the merchant: the provider's answers decide it"),
                ));
            };
            let given_back = row.refunded_minor > 0
                || matches!(
                    row.status,
                    PaymentStatus::Refunded
                        | PaymentStatus::PartiallyRefunded
                        | PaymentStatus::Canceled
                );
            if outcome != Resolution::Refunded && (given_back || attention == Attention::PaidTwice)
            {
                return Err(ServiceError::conflict(
                    "not_resolvable",
                    format!(
                        "payment `{id}` is `{}`{}: only `refunded` can be recorded for it",
                        row.status,
                        if attention == Attention::PaidTwice {
                            " and paid an order paid already"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            let mut updated = row.clone();
            updated.attention = None;
            updated.decided_by = Some(Decider::Merchant);
            updated.outcome_unknown = None;
            match outcome {
                Resolution::Succeeded => {
                    // A reservation the provider holds is pre-authorized: a capture collects it.
                    let (status, captured) = match row.capture_method {
                        CaptureMethod::Reservation => (PaymentStatus::PreAuthorized, 0),
                        CaptureMethod::Direct => (PaymentStatus::Succeeded, row.amount_minor),
                    };
                    updated.status = status;
                    updated.captured_minor = captured;
                    updated.failure_code = None;
                    updated.failure_message = None;
                }
                Resolution::Refunded => {
                    updated.status = PaymentStatus::Refunded;
                    updated.captured_minor = updated.captured_minor.max(updated.amount_minor);
                    updated.refunded_minor = updated.captured_minor;
                }
                Resolution::Failed => {
                    updated.status = PaymentStatus::Failed;
                    if updated.failure_code.is_none() || !row.status.is_final() {
                        updated.failure_code = Some("failed".into());
                        updated.failure_message =
                            Some("The payment could not be completed.".into());
                    }
                }
            }
            updated.updated_at = self.now_rfc3339();
            let change = StatusChange {
                status: updated.status,
                at: updated.updated_at.clone(),
                detail: format!(
                    "resolved by the merchant as {} ({}): {}",
                    outcome.as_str(),
                    attention.as_str(),
                    note.unwrap_or("as the provider's dashboard shows it")
                ),
            };
            tracing::info!(
                payment = id,
                outcome = outcome.as_str(),
                "payment resolved by the merchant"
            );
            // Paid on the merchant's word: should another payment of the order be paid, this
            // one is given back where the provider can.
            match self.write_status(&row, &updated, &change).await {
                Ok(written) => return self.record(written).await,
                Err(StoreError::Conflict) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }
}
