//! The attempt in flight, kept in `localStorage` so it survives the trip to the OTP page, a
//! reload and a second tab of the same browser: the widget resumes polling it instead of
//! creating another payment. Only an attempt saved here is ever resumed: a resume link alone
//! never shows an outcome. It is kept under the order's reference
//! ([`redirect::resume_key`](crate::core::redirect::resume_key)), not the order token the page
//! names, so a fresh token for the same order still finds it.
//!
//! Nothing personal is kept: the payment id and its secret (what resume reads), the order and
//! when it was saved. An attempt is deleted once its payment is final, and any attempt past its
//! age is deleted the next time a widget loads on the same origin.

use crate::web::wire::{self, Writer};

const KEY_PREFIX: &str = "checkout-widget:attempt:";

/// What the widget remembers about a payment it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAttempt {
    pub payment_id: String,
    /// The payment's `client_secret`, which its reads need.
    pub client_secret: String,
    /// The key it is saved under: the order's reference (`redirect::resume_key`).
    pub order: String,
    /// Milliseconds since the Unix epoch.
    pub saved_at: u64,
}

/// How long a saved attempt stays worth resuming: a payment still undecided past it is the
/// merchant's to follow, and the page says so when it loads.
const MAX_AGE_MS: u64 = 6 * 60 * 60 * 1000;

fn attempt_storage() -> Option<web_sys::Storage> {
    // Storage can be refused (privacy settings, sandboxed iframes): the widget then works
    // without resuming.
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(order: &str) -> String {
    [KEY_PREFIX, order].concat()
}

/// Remembers the attempt under its key (`attempt.order`), replacing an earlier one.
pub fn save(attempt: &SavedAttempt) {
    let Some(storage) = attempt_storage() else {
        return;
    };
    let json = Writer::new()
        .str("payment_id", &attempt.payment_id)
        .str("client_secret", &attempt.client_secret)
        .str("order", &attempt.order)
        .number("saved_at", attempt.saved_at as f64)
        .finish();
    let _ = storage.set_item(&key(&attempt.order), &json);
}

fn read(json: &str) -> Option<SavedAttempt> {
    let json = wire::parse(json).ok()?;
    Some(SavedAttempt {
        payment_id: wire::read_string(&json, "payment_id")?,
        client_secret: wire::read_string(&json, "client_secret")?,
        order: wire::read_string(&json, "order")?,
        saved_at: u64::try_from(wire::read_integer(&json, "saved_at")?).ok()?,
    })
}

fn fresh(attempt: &SavedAttempt, now_ms: u64) -> bool {
    now_ms.saturating_sub(attempt.saved_at) < MAX_AGE_MS
}

/// The attempt saved under `order` (a [`resume_key`](crate::core::redirect::resume_key)), if any
/// and recent enough.
pub fn load(order: &str, now_ms: u64) -> Option<SavedAttempt> {
    let json = attempt_storage()?.get_item(&key(order)).ok().flatten()?;
    read(&json).filter(|attempt| fresh(attempt, now_ms) && attempt.order == order)
}

/// Deletes every saved attempt past its age, or unreadable (saved by an older widget).
pub fn forget_stale(now_ms: u64) {
    let Some(storage) = attempt_storage() else {
        return;
    };
    let count = storage.length().unwrap_or(0);
    let stale: Vec<String> = (0..count)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|name| name.starts_with(KEY_PREFIX))
        .filter(|name| {
            let saved = storage.get_item(name).ok().flatten();
            !saved
                .as_deref()
                .and_then(read)
                .is_some_and(|attempt| fresh(&attempt, now_ms))
        })
        .collect();
    for name in stale {
        let _ = storage.remove_item(&name);
    }
}

/// Forgets the attempt saved under `order`.
pub fn clear(order: &str) {
    if let Some(storage) = attempt_storage() {
        let _ = storage.remove_item(&key(order));
    }
}
