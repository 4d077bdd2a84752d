//! The sandbox's control endpoints (`POST /sandbox/faults`, `POST /sandbox/intents/{id}/succeed`)
//! take JSON only. A page on another site can make a browser send a form or `text/plain`
//! without asking first, never `application/json` (that needs a CORS preflight, which the
//! sandbox does not grant), so no other site can change what the sandbox does.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// `Some(415)` unless the request says its body is JSON.
pub(crate) fn json_only(headers: &HeaderMap) -> Option<Response> {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    (!json).then(|| {
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({
                "error": "send the body as JSON, with Content-Type: application/json"
            })),
        )
            .into_response()
    })
}
