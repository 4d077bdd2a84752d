//! Which order a widget names, and the rule that an order is paid at most once: at most one
//! payment of an order is in flight at a time, and at most one ends paid.

use checkout_contract::{OrderState, PaymentStatus};
use rand::distributions::Alphanumeric;
use rand::Rng;

use super::PaymentService;
use super::ServiceError;
use crate::order_token::{self, OrderSigner, TokenOrder};
use crate::orders::Order;
use crate::store::PaymentRow;

impl PaymentService {
    /// The order a widget names: a catalog reference, or an order token signed by the merchant.
    pub fn find_order(&self, reference: &str) -> Result<Order, ServiceError> {
        if OrderSigner::looks_like_token(reference) {
            let Some(signer) = &self.inner.order_signer else {
                return Err(ServiceError::invalid(
                    "order",
                    "order tokens are not enabled on this server: set ORDER_SIGNING_SECRET",
                ));
            };
            return signer
                .verify(reference, self.inner.clock.unix_seconds())
                .map_err(|error| ServiceError::invalid("order", error.to_string()));
        }
        self.inner
            .orders
            .find(reference)
            .ok_or_else(|| ServiceError::not_found(format!("no order `{reference}`")))
    }

    /// Mints an order token, for merchants trying tokens out through the admin API. A token
    /// asked for without an expiry gets the configured lifetime.
    pub fn sign_order(&self, order: &TokenOrder) -> Result<(String, TokenOrder), ServiceError> {
        let Some(signer) = &self.inner.order_signer else {
            return Err(ServiceError::conflict(
                "order_tokens_disabled",
                "order tokens are not enabled on this server: set ORDER_SIGNING_SECRET",
            ));
        };
        let mut order = order.clone();
        let now = self.inner.clock.unix_seconds();
        let expires_at = *order.expires_at.get_or_insert(
            now + i64::try_from(self.inner.settings.order_token_ttl.as_secs()).unwrap_or(i64::MAX),
        );
        if expires_at <= now {
            return Err(ServiceError::unprocessable(
                "invalid_order",
                Some("expires_at"),
                "expires_at must be in the future (Unix seconds)",
            ));
        }
        order_token::validate(&order).map_err(|error| {
            ServiceError::unprocessable("invalid_order", None, error.to_string())
        })?;
        Ok((signer.sign(&order), order))
    }

    /// The reference a new payment of `order` is recorded under: the order's own, or for a demo
    /// product a fresh one, since each checkout of a product is an order of its own.
    pub(super) fn payment_order_ref(order: &Order) -> String {
        if !order.product {
            return order.reference.clone();
        }
        let suffix: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(10)
            .map(|byte| char::from(byte).to_ascii_lowercase())
            .collect();
        format!("{}-{suffix}", order.reference)
    }

    /// Where `order` stands for a shopper loading its checkout: the rule of [`Self::order_attempt`]
    /// told without naming the payment. A payment in flight is first brought up to date with the
    /// provider, as a create would, so a finished one does not hold the order.
    pub async fn order_state(&self, order: &Order) -> Result<OrderState, ServiceError> {
        if order.product {
            return Ok(OrderState::Open);
        }
        let Some(existing) = self.inner.store.order_attempt(&order.reference).await? else {
            return Ok(OrderState::Open);
        };
        let existing = self.refresh(existing).await;
        Ok(if existing.status.is_paid() {
            OrderState::Paid
        } else if existing.attention.is_some() && existing.status.is_final() {
            OrderState::OnHold
        } else if existing.status.is_final() {
            // Ended unpaid since it was read: nothing holds the order any more.
            OrderState::Open
        } else {
            OrderState::InFlight
        })
    }

    /// Whether a new payment of `order` may start under idempotency key `key`: not while
    /// another payment of the order is in flight, paid or waiting for the merchant. The browser
    /// that started the one in flight resumes it with its secret (kept for the order); any
    /// other caller is told only that the order is taken.
    pub(super) async fn order_attempt(&self, order: &Order, key: &str) -> Result<(), ServiceError> {
        if order.product {
            return Ok(());
        }
        match self.inner.store.order_attempt(&order.reference).await? {
            // A replay of the create that made it: answered as any replay.
            Some(existing) if existing.idempotency_key == key => Ok(()),
            Some(existing) => Err(order_taken(existing.status, existing.attention.is_some())),
            None => Ok(()),
        }
    }
}

/// The answer to paying an order that another payment has paid. No answer names another
/// payment: a payment id must not leak to whoever holds the order.
pub(super) fn already_paid() -> ServiceError {
    ServiceError::conflict("order_already_paid", "this order is already paid")
}

/// The answer to paying an order whose payment waits for the merchant: the shopper may have
/// paid, so nobody pays it again until the merchant has looked.
pub(super) fn on_hold() -> ServiceError {
    ServiceError::conflict(
        "order_on_hold",
        "a payment of this order waits for the shop to check it with the provider; the order cannot be paid again until then",
    )
}

/// The answer to submitting a payment while another payment of its order is in flight, paid,
/// or waiting for the merchant.
pub(super) fn order_taken(status: PaymentStatus, held: bool) -> ServiceError {
    if status.is_paid() {
        already_paid()
    } else if held && status.is_final() {
        on_hold()
    } else {
        ServiceError::conflict(
            "order_in_progress",
            format!(
                "another payment of this order is `{status}`: wait for its outcome before paying the order again"
            ),
        )
    }
}

impl PaymentService {
    /// True when the order a payment pays can no longer be paid.
    pub(super) fn order_expired(&self, row: &PaymentRow) -> bool {
        self.passed(row.order_expires_at.as_deref(), std::time::Duration::ZERO)
    }
}
