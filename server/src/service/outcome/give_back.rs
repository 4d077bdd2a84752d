//! Giving back the money of a payment that paid an order already paid, once, where its
//! provider can; the payment asks for the merchant's attention until it is done.

use checkout_contract::PaymentStatus;

use super::super::PaymentService;
use crate::store::{Attention, OperationState};

impl PaymentService {
    /// Gives back the money of a payment that paid an order already paid: a refund of a
    /// success, a release of a reservation, under one idempotency key so that a repeat (after a
    /// crash, by reconcile) never gives it back twice. Where the provider cannot (Yabetoo has no
    /// refund API), the payment keeps asking for the merchant's attention.
    pub(super) async fn give_back(&self, id: &str) {
        let Ok(row) = self.load(id).await else {
            return;
        };
        if row.attention != Some(Attention::PaidTwice) {
            return;
        }
        let key = format!("paid-twice-{id}");
        // Given back already (its outcome found by reconcile, or settled by the merchant).
        let earlier = self.inner.store.operations(id).await.unwrap_or_default();
        match earlier
            .iter()
            .find(|operation| operation.idempotency_key == key)
        {
            Some(operation) if operation.state == OperationState::Succeeded => {
                return self.given_back(id).await;
            }
            Some(operation) if operation.state == OperationState::Pending => return,
            _ => {}
        }
        let key = Some(key);
        let result = match row.status {
            PaymentStatus::PreAuthorized => self.release(id, key).await,
            PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded => {
                self.refund(
                    id,
                    None,
                    "Paid twice: the order was already paid",
                    Some("duplicate"),
                    key,
                )
                .await
            }
            _ => return,
        };
        match result {
            Ok(done) if !done.pending => self.given_back(id).await,
            Ok(_) => {
                tracing::warn!(payment = %id, "giving back a payment of an order paid twice is pending at the provider")
            }
            Err(error) => {
                tracing::warn!(payment = %id, ?error, "a payment of an order paid twice could not be given back: the merchant must")
            }
        }
    }

    /// Records that a payment of an order paid twice was given back: it waits for nobody.
    async fn given_back(&self, id: &str) {
        let Ok(row) = self.load(id).await else {
            return;
        };
        if row.attention != Some(Attention::PaidTwice) {
            return;
        }
        let mut updated = row;
        updated.attention = None;
        let detail = "the order was paid twice: this payment was given back to the shopper";
        if let Err(error) = self.write(updated, detail.into()).await {
            tracing::warn!(payment = %id, ?error, "could not record the money given back");
        }
    }
}
