//! What the providers' notifications make the service do: check the payment they name at the
//! provider, soon. The notification's body decides nothing; the check does, as for a poll.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use checkout_contract::PaymentStatus;

use super::{PaymentService, ServiceError};

/// What a notification led to, as the webhook's answer and the log say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeOutcome {
    /// A check of the payment is on its way.
    Checking { payment_id: String },
    /// A check prompted by an earlier notification has not run yet: this one adds nothing.
    AlreadyScheduled { payment_id: String },
    /// Too many notice-prompted checks are waiting: this one is left to reconcile.
    Deferred { payment_id: String },
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
            NoticeOutcome::Deferred { .. } => "deferred_to_reconcile",
            NoticeOutcome::AlreadySettled { .. } => "already_settled",
            NoticeOutcome::UnknownPayment => "unknown_payment",
        }
    }
}

/// Notice-prompted checks running or waiting at once; past it, reconcile finds the outcome.
const MAX_NOTICE_CHECKS: usize = 256;

/// The payments with a notice-prompted check still to run: however many notifications come
/// for one payment, at most one check waits for it; and the checks' slots, which a shutdown
/// waits for.
pub(super) struct PendingNotices {
    payments: Mutex<HashSet<String>>,
    slots: Arc<Semaphore>,
}

impl Default for PendingNotices {
    fn default() -> Self {
        Self {
            payments: Mutex::default(),
            slots: Arc::new(Semaphore::new(MAX_NOTICE_CHECKS)),
        }
    }
}

impl PendingNotices {
    /// Waits, up to `limit`, for every notice-prompted check to finish.
    pub(super) async fn drain(&self, limit: std::time::Duration) -> bool {
        let all = u32::try_from(MAX_NOTICE_CHECKS).unwrap_or(u32::MAX);
        tokio::time::timeout(limit, self.slots.acquire_many(all))
            .await
            .is_ok()
    }

    fn claim(&self, id: &str) -> bool {
        self.payments.lock().expect("lock").insert(id.to_string())
    }

    fn release(&self, id: &str) {
        self.payments.lock().expect("lock").remove(id);
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
        // A settled payment is worth a look only when the server closed it on its own clock
        // or waits for the merchant, or for an operation whose outcome is unknown.
        let worth_checking = row.followed_up()
            || self
                .inner
                .store
                .operations(&row.id)
                .await?
                .iter()
                .any(|operation| operation.state == crate::store::OperationState::Pending);
        if !worth_checking {
            return Ok(NoticeOutcome::AlreadySettled {
                payment_id: row.id,
                status: row.status,
            });
        }
        let Ok(slot) = self.inner.notices.slots.clone().try_acquire_owned() else {
            return Ok(NoticeOutcome::Deferred { payment_id: row.id });
        };
        if !self.inner.notices.claim(&row.id) {
            return Ok(NoticeOutcome::AlreadyScheduled { payment_id: row.id });
        }
        let service = self.clone();
        let payment_id = row.id.clone();
        tokio::spawn(async move {
            let interval = service.inner.settings.check_interval;
            if !service.inner.checks.claim_for_poll(
                &payment_id,
                service.inner.clock.instant(),
                interval,
            ) {
                tokio::time::sleep(interval).await;
            }
            // Released first: a notification arriving during the check gets a check of its own.
            service.inner.notices.release(&payment_id);
            match service.load(&payment_id).await {
                Ok(row) if row.followed_up() => {
                    let checked = service.check(row).await;
                    tracing::info!(payment = %payment_id, status = %checked.status.as_str(), "checked after a provider notification");
                }
                Ok(_) => service.reconcile_operations().await,
                Err(error) => {
                    tracing::warn!(payment = %payment_id, ?error, "could not load a notified payment")
                }
            }
            drop(slot);
        });
        Ok(NoticeOutcome::Checking { payment_id: row.id })
    }
}
