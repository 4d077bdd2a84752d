//! What a page on another site cannot send: a browser sends a form or `text/plain` there
//! without asking first, never `application/json` (that needs a CORS preflight, which the
//! sandbox does not grant). So the control endpoints (`POST /sandbox/faults`,
//! `POST /sandbox/intents/{id}/succeed`) take JSON only, and the phone page and the OTP page
//! take a form only with their CSRF token ([`crate::csrf`]); the phone page takes JSON from a
//! script too.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Whether the request says its body is JSON.
pub(crate) fn sends_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// `Some(415)` unless the request says its body is JSON.
pub(crate) fn json_only(headers: &HeaderMap) -> Option<Response> {
    (!sends_json(headers)).then(|| {
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({
                "error": "send the body as JSON, with Content-Type: application/json"
            })),
        )
            .into_response()
    })
}
