//! Yabetoo's error answers, each in the shape its document shows for that endpoint: they differ
//! (`{"error": "Unauthorized"}` at create and retrieve, `{"error": {message, code}}` at
//! confirm), and a client has to read them all. The fault switch's `http_error` answers them too.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::store::timestamp;
use crate::faults::Operation;

fn answer(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// Create's and retrieve's 401.
pub(crate) fn unauthorized() -> Response {
    answer(StatusCode::UNAUTHORIZED, json!({ "error": "Unauthorized" }))
}

/// Confirm's documented 401.
pub(crate) fn confirm_unauthorized() -> Response {
    answer(
        StatusCode::UNAUTHORIZED,
        json!({ "error": { "message": "Unauthorized", "code": "Unauthorized" } }),
    )
}

/// Confirm's documented 404 for an unknown intent.
pub(crate) fn row_not_found() -> Response {
    answer(StatusCode::NOT_FOUND, json!({ "message": "Row not found" }))
}

/// Retrieve's documented 404.
pub(crate) fn intent_not_found() -> Response {
    answer(
        StatusCode::NOT_FOUND,
        json!({ "message": "Payment intent not found" }),
    )
}

/// Confirm's documented 422 when the operation is refused, for the request at `path` (the
/// provider's own, without the sandbox mount).
pub(crate) fn not_permitted(path: &str) -> Response {
    answer(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({
            "status": 422,
            "path": path,
            "timestamp": timestamp(OffsetDateTime::now_utc()),
            "code": "E_OPERATION_NOT_PERMITTED",
            "message": "Operation not permitted",
            "detail": "You are not permitted to perform this operation.",
        }),
    )
}

/// The 401, 404 or 422 of `operation`'s endpoint, for the request at `path`: its documented
/// body where it has one, confirm's otherwise (no 404 is documented for create, no 422 but
/// the validation errors' for create and retrieve). `None` for another status.
pub(crate) fn refusal(operation: Operation, path: &str, status: StatusCode) -> Option<Response> {
    let confirm = operation == Operation::Confirm;
    Some(match status {
        StatusCode::UNAUTHORIZED if confirm => confirm_unauthorized(),
        StatusCode::UNAUTHORIZED => unauthorized(),
        StatusCode::NOT_FOUND if operation == Operation::Retrieve => intent_not_found(),
        StatusCode::NOT_FOUND => row_not_found(),
        StatusCode::UNPROCESSABLE_ENTITY => not_permitted(path),
        _ => return None,
    })
}

/// The 500 `{"status", "code": "E_…", "message"}` of a confirm that failed at Yabetoo.
pub(crate) fn internal_error() -> Response {
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "status": 500, "code": "E_INTERNAL", "message": "Internal server error" }),
    )
}
