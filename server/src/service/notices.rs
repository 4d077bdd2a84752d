//! What the providers' notifications make the service do: check the payment they name at the
//! provider, soon. The notification's body decides nothing; the check does, as for a poll.

use std::collections::HashSet;
use std::sync::Mutex;

use checkout_contract::PaymentStatus;

use super::settle::in_flight;
use super::{PaymentService, ServiceError};

/// What a notification led to, as the webhook's answer and the log say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeOutcome {
    /// A check of the payment is on its way.
    Checking { payment_id: String },
    /// A check prompted by an earlier notification has not run yet: this one adds nothing.
    AlreadyScheduled { payment_id: String },
    /// The payment is settled and no operation on it is unsettled: there is nothing to check.
    AlreadySettled {
        payment_id: String,
        status: PaymentStatus,
    },
    /// No payment of this server has that provider intent.
    UnknownPayment,
}

impl NoticeOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            NoticeOutcome::Checking { .. } => "checking",
            NoticeOutcome::AlreadyScheduled { .. } => "check_already_scheduled",
            NoticeOutcome::AlreadySettled { .. } => "already_settled",
            NoticeOutcome::UnknownPayment => "unknown_payment",
        }
    }
}

/// The payments with a notice-prompted check still to run: however many notifications come
/// for one payment, at most one check waits for it.
#[derive(Default)]
pub(super) struct PendingNotices(Mutex<HashSet<String>>);

impl PendingNotices {
    fn claim(&self, id: &str) -> bool {
        self.0.lock().expect("lock").insert(id.to_string())
    }

    fn release(&self, id: &str) {
        self.0.lock().expect("lock").remove(id);
    }
}

impl PaymentService {
    /// A provider said something happened to its intent `intent_id`: the payment is checked at
    /// the provider in the background (after the poll interval, if it was just checked), and
    /// its unsettled operations are followed up.
    pub async fn provider_notice(
        &self,
        provider: &str,
        intent_id: &str,
    ) -> Result<NoticeOutcome, ServiceError> {
        let row = match self.inner.store.get_by_intent(intent_id).await? {
            Some(row) if row.provider == provider => row,
            _ => return Ok(NoticeOutcome::UnknownPayment),
        };
        let unsettled_operation = self
            .inner
            .store
            .operations(&row.id)
            .await?
            .iter()
            .any(|operation| operation.state == crate::store::OperationState::Pending);
        if !in_flight(&row) && !unsettled_operation {
            return Ok(NoticeOutcome::AlreadySettled {
                payment_id: row.id,
                status: row.status,
            });
        }
        if !self.inner.notices.claim(&row.id) {
            return Ok(NoticeOutcome::AlreadyScheduled { payment_id: row.id });
        }
        let service = self.clone();
        let payment_id = row.id.clone();
        tokio::spawn(async move {
            let interval = service.inner.settings.check_interval;
            if !service.inner.checks.claim_for_poll(&payment_id, interval) {
                tokio::time::sleep(interval).await;
            }
            // Released first: a notification arriving during the check gets a check of its own.
            service.inner.notices.release(&payment_id);
            match service.load(&payment_id).await {
                Ok(row) if in_flight(&row) => {
                    let checked = service.check(row).await;
                    tracing::info!(payment = %payment_id, status = %checked.status.as_str(), "checked after a provider notification");
                }
                Ok(_) => service.reconcile_operations().await,
                Err(error) => {
                    tracing::warn!(payment = %payment_id, ?error, "could not load a notified payment")
                }
            }
        });
        Ok(NoticeOutcome::Checking { payment_id: row.id })
    }
}
