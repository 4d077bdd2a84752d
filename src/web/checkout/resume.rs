//! Resuming an attempt after a reload, in another tab or back from the OTP page. When the attempt
//! is saved and when it is forgotten is the core's to say ([`Effect::SaveResume`],
//! [`Effect::ClearResume`]); this keeps it in the browser's [`storage`] and, on load, picks it up.
//! Each takes the attempt's `key`: the order's reference ([`redirect::resume_key`]).
//!
//! [`Effect::SaveResume`]: crate::core::state::Effect::SaveResume
//! [`Effect::ClearResume`]: crate::core::state::Effect::ClearResume

use crate::core::redirect;
use crate::core::state::Event;
use crate::web::api::Backend;
use crate::web::browser;
use crate::web::storage::{self, SavedAttempt};

/// Keeps the attempt that created `payment_id`, in place of any saved before under `key`, with
/// the secret `backend` holds for it (without which it could not be read back).
pub fn save(key: &str, payment_id: String, backend: &dyn Backend) {
    let Some(client_secret) = backend.client_secret(&payment_id) else {
        return;
    };
    storage::save(&SavedAttempt {
        payment_id,
        client_secret,
        order: key.to_string(),
        saved_at: browser::now_ms(),
    });
}

/// Forgets the attempt saved under `key`.
pub fn forget(key: &str) {
    storage::clear(key);
}

/// On load: the event that picks up the payment this page was returned to or reloaded in the
/// middle of, if this browser saved its attempt, whose secret `backend` then holds. Only the
/// backend's answer then decides the outcome, never the URL. Attempts past their age are
/// deleted first.
pub fn on_load(key: &str, backend: &dyn Backend) -> Option<Event> {
    let href = browser::page_href();
    let now = browser::now_ms();
    storage::forget_stale(now);
    // Without a saved attempt, a resume marker is a link this browser did not start (a forged or
    // shared link, or storage refused): never someone else's outcome, only the form. The marker
    // is left to any other widget on the page whose attempt it is.
    let saved = storage::load(key, now)?;
    if redirect::resume_marker(&href).as_deref() == Some(saved.payment_id.as_str()) {
        browser::replace_href(&redirect::strip_resume_marker(&href));
    }
    backend.keep_client_secret(&saved.payment_id, saved.client_secret);
    Some(Event::Returned {
        payment_id: saved.payment_id,
    })
}
