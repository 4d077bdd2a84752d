//! The attempt in flight, kept in `localStorage` so it survives the trip to the OTP page, a
//! reload and a second tab of the same browser: the widget resumes polling it instead of
//! creating another payment. Only an attempt saved here is ever resumed: a resume link alone
//! never shows an outcome. It is kept under the order's reference
//! ([`redirect::resume_key`](crate::core::redirect::resume_key)), not the order token the page
//! names, so a fresh token for the same order still finds it.

use checkout_contract::MethodKind;

use crate::web::wire::{self, Writer};

const KEY_PREFIX: &str = "checkout-widget:attempt:";

/// What the widget remembers about a payment it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAttempt {
    pub payment_id: String,
    /// The key it is saved under: the order's reference (`redirect::resume_key`).
    pub order: String,
    pub method: MethodKind,
    pub phone: Option<String>,
    pub idempotency_key: String,
    /// Milliseconds since the Unix epoch.
    pub started_at: u64,
}

/// How long a saved attempt stays worth resuming: past it the payment is long decided.
const MAX_AGE_MS: u64 = 24 * 60 * 60 * 1000;

fn attempt_storage() -> Option<web_sys::Storage> {
    // Storage can be refused (privacy settings, sandboxed iframes): the widget then works
    // without resuming.
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(order: &str) -> String {
    format!("{KEY_PREFIX}{order}")
}

/// Remembers the attempt under its key (`attempt.order`), replacing an earlier one.
pub fn save(attempt: &SavedAttempt) {
    let Some(storage) = attempt_storage() else {
        return;
    };
    let json = Writer::new()
        .str("payment_id", &attempt.payment_id)
        .str("order", &attempt.order)
        .str("method", attempt.method.as_str())
        .opt_str("phone", attempt.phone.as_deref())
        .str("idempotency_key", &attempt.idempotency_key)
        .number("started_at", attempt.started_at as f64)
        .finish();
    let _ = storage.set_item(&key(&attempt.order), &json);
}

/// The attempt saved under `order` (a [`resume_key`](crate::core::redirect::resume_key)), if any
/// and recent enough.
pub fn load(order: &str, now_ms: u64) -> Option<SavedAttempt> {
    let json = attempt_storage()?.get_item(&key(order)).ok().flatten()?;
    let json = wire::parse(&json).ok()?;
    let attempt = SavedAttempt {
        payment_id: wire::read_string(&json, "payment_id")?,
        order: wire::read_string(&json, "order")?,
        method: wire::read_method(&json, "method")?,
        phone: wire::read_string(&json, "phone"),
        idempotency_key: wire::read_string(&json, "idempotency_key")?,
        started_at: u64::try_from(wire::read_integer(&json, "started_at")?).ok()?,
    };
    let fresh = now_ms.saturating_sub(attempt.started_at) < MAX_AGE_MS;
    (fresh && attempt.order == order).then_some(attempt)
}

/// Forgets the attempt saved under `order`.
pub fn clear(order: &str) {
    if let Some(storage) = attempt_storage() {
        let _ = storage.remove_item(&key(order));
    }
}
