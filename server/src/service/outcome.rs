//! Recording provider answers, and checking in-flight payments at the provider until it gives a
//! definite answer. A payment becomes final only on the provider's word; a check that fails, an
//! unknown status or an earlier state than the one recorded changes nothing.
//!
//! The writes of an answer are here; the rest is one concern a module:
//!
//! - [`answer`]: what an answer makes of a payment's record, pure;
//! - [`check`]: one check at the provider, and what its answer means for the payment;
//! - [`follow_up`]: when payments are checked: a shopper's poll, and reconcile's rounds;
//! - [`schedule`]: when each payment was last checked, and how long until the next check;
//! - [`give_back`]: the money of a payment that paid an order already paid, given back.

mod answer;
mod check;
mod follow_up;
mod give_back;
mod schedule;

use checkout_contract::StatusChange;

use super::ServiceError;
use super::{PaymentService, WRITE_ATTEMPTS};
use crate::providers::ProviderStatus;
use crate::store::{Attention, Decider, PaymentRow, StoreError};

use answer::settled;

pub(super) use answer::in_flight;
pub(super) use schedule::CheckSchedule;

impl PaymentService {
    /// Records an answer on the payment, retrying when another request wrote it meanwhile; the
    /// stored payment when the answer says nothing new. A payment that becomes paid while
    /// another payment of its order is paid asks for the merchant's attention in the same
    /// write, and is refunded (or released) where its provider can.
    pub(super) async fn record_answer(
        &self,
        mut row: PaymentRow,
        answer: &ProviderStatus,
        decider: Decider,
    ) -> Result<PaymentRow, ServiceError> {
        for _ in 0..WRITE_ATTEMPTS {
            let Some((mut updated, detail)) = settled(&row, answer, decider) else {
                return Ok(row);
            };
            updated.updated_at = self.now_rfc3339();
            let change = StatusChange {
                status: updated.status,
                at: updated.updated_at.clone(),
                detail,
            };
            match self.write_status(&row, &updated, &change).await {
                Ok(written) => return Ok(written),
                Err(StoreError::Conflict) => row = self.load(&row.id).await?,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }

    /// Writes a payment's new status, `before` being the payment as read. One that becomes paid
    /// while another payment of its order is paid already (decided in the write's own
    /// transaction) is written asking for the merchant's attention instead, and its money is
    /// given back where the provider can.
    pub(super) async fn write_status(
        &self,
        before: &PaymentRow,
        updated: &PaymentRow,
        change: &StatusChange,
    ) -> Result<PaymentRow, StoreError> {
        if !updated.status.is_paid() || before.status.is_paid() {
            return self
                .inner
                .store
                .update(updated, Some(change), &self.events())
                .await;
        }
        let mut twice = updated.clone();
        twice.attention = Some(Attention::PaidTwice);
        let written = self
            .inner
            .store
            .update_paid(updated, &twice, change, &self.events())
            .await?;
        if written.attention == Some(Attention::PaidTwice) {
            tracing::error!(
                alert = "order_paid_twice",
                payment = %written.id,
                order = %written.order_ref,
                "ALERT: a payment succeeded on an order another payment had paid; giving the money back"
            );
            let service = self.clone();
            let id = written.id.clone();
            tokio::spawn(async move { service.give_back(&id).await });
        }
        Ok(written)
    }
}
