//! Thin wrappers over the browser APIs the widget uses instead of crates: the clock, randomness,
//! UUIDs, the page URL and page visibility.

use js_sys::{Date, Function, Math, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn window() -> web_sys::Window {
    web_sys::window().expect("the widget runs in a browser window")
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    Date::now() as u64
}

/// A uniform draw in `[0, 1)`, for polling jitter.
pub fn random_unit() -> f64 {
    Math::random()
}

/// A fresh idempotency key: `crypto.randomUUID()`, or a v4 UUID from `getRandomValues` where
/// `randomUUID` is missing (pages served over plain HTTP from a non-local host).
pub fn new_idempotency_key() -> String {
    let Ok(crypto) = window().crypto() else {
        return fallback_uuid();
    };
    let has_random_uuid = Reflect::get(&crypto, &JsValue::from_str("randomUUID"))
        .map(|value| value.is_function())
        .unwrap_or(false);
    if has_random_uuid {
        crypto.random_uuid()
    } else {
        let mut bytes = [0u8; 16];
        if crypto.get_random_values_with_u8_array(&mut bytes).is_err() {
            return fallback_uuid();
        }
        uuid_v4(bytes)
    }
}

fn fallback_uuid() -> String {
    let mut bytes = [0u8; 16];
    for byte in &mut bytes {
        *byte = (Math::random() * 256.0) as u8;
    }
    uuid_v4(bytes)
}

fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut uuid = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            uuid.push('-');
        }
        uuid.push(char::from(HEX[usize::from(byte >> 4)]));
        uuid.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    uuid
}

/// The page's address (`location.href`).
pub fn page_href() -> String {
    window().location().href().unwrap_or_default()
}

/// Replaces the page's address without a navigation or a history entry.
pub fn replace_href(href: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(href));
    }
}

/// True while the page is in a background tab or the screen is off.
pub fn document_hidden() -> bool {
    window()
        .document()
        .map(|document| document.hidden())
        .unwrap_or(false)
}

/// Resolves once the page is visible (at once if it already is).
pub async fn until_visible() {
    while document_hidden() {
        let Some(document) = window().document() else {
            return;
        };
        let changed = Promise::new(&mut |resolve: Function, _reject: Function| {
            let options = web_sys::AddEventListenerOptions::new();
            options.set_once(true);
            let _ = document.add_event_listener_with_callback_and_add_event_listener_options(
                "visibilitychange",
                &resolve,
                &options,
            );
        });
        let _ = JsFuture::from(changed).await;
    }
}

/// Moves the keyboard focus to the element with `id` inside `scope` (the widget's root, which
/// may sit in a shadow root, out of `document.getElementById`'s reach).
pub fn focus_within(scope: &yew::NodeRef, id: &str) {
    let element = scope
        .cast::<web_sys::Element>()
        .and_then(|scope| scope.query_selector(&["#", id].concat()).ok().flatten());
    if let Some(element) =
        element.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The browser's own reading of `url`'s origin, compared with each allowed origin: a second
/// opinion on the core's check before the page leaves for `url`.
pub fn origin_is_allowed(url: &str, allowlist: &[String]) -> bool {
    let Ok(parsed) = web_sys::Url::new(url) else {
        return false;
    };
    let origin = parsed.origin();
    let scheme_ok = matches!(parsed.protocol().as_str(), "https:" | "http:");
    scheme_ok
        && origin != "null"
        && allowlist.iter().any(|allowed| {
            web_sys::Url::new(allowed).is_ok_and(|allowed| allowed.origin() == origin)
        })
}

/// The browser's preferred languages (`navigator.languages`), most preferred first.
pub fn preferred_languages() -> Vec<String> {
    let navigator = window().navigator();
    let languages: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    if languages.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        languages
    }
}
