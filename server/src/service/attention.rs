//! The merchant's word on a payment that waits for it: what the provider's dashboard shows,
//! recorded with a note in the history. Only then is the payment's order freed or closed.

use checkout_contract::{PaymentRecord, PaymentStatus};

use super::{PaymentService, ServiceError, WRITE_ATTEMPTS};
use crate::store::{Decider, StoreError};

/// What the merchant found in the provider's dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        match value {
            "succeeded" => Some(Resolution::Succeeded),
            "failed" => Some(Resolution::Failed),
            "refunded" => Some(Resolution::Refunded),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Resolution::Succeeded => "succeeded",
            Resolution::Failed => "failed",
            Resolution::Refunded => "refunded",
        }
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
        let _guard = self.inner.locks.lock(id).await;
        for _ in 0..WRITE_ATTEMPTS {
            let row = self.load(id).await?;
            let Some(attention) = row.attention else {
                return Err(ServiceError::conflict(
                    "no_attention_needed",
                    format!("payment `{id}` does not wait for the merchant: the provider's answers decide it"),
                ));
            };
            let mut updated = row.clone();
            updated.attention = None;
            updated.decided_by = Some(Decider::Merchant);
            updated.outcome_unknown = None;
            match outcome {
                Resolution::Succeeded => {
                    updated.status = PaymentStatus::Succeeded;
                    updated.captured_minor = updated.amount_minor;
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
            let detail = format!(
                "resolved by the merchant as {} ({}): {}",
                outcome.as_str(),
                attention.as_str(),
                note.unwrap_or("as the provider's dashboard shows it")
            );
            tracing::info!(
                payment = id,
                outcome = outcome.as_str(),
                "payment resolved by the merchant"
            );
            match self.write(updated, detail).await {
                Ok(written) => return self.record(written).await,
                Err(StoreError::Conflict) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }
}
