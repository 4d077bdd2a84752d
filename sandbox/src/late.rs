//! A late success on demand, at `POST /sandbox/intents/{intent_id}/succeed`: the shopper
//! approved the OTP, or the operator confirmed the charge, after the merchant's server gave up
//! on the payment. It is no part of either provider's API; it is how a test checks that a
//! server which closed a payment on its own clock still catches the provider's late word.
//!
//! - A Yassir intent awaiting its OTP (statusCode 12), or past its `expiresAt` while it still
//!   awaited it, becomes 2 (captured), or 13 for a reservation (`captureMethod: RESERVATION`).
//! - A Yabetoo intent whose latest charge is still on the phone (confirm said `pending`,
//!   retrieve says `processing`) succeeds, with a `financialTransactionId`.
//!
//! The provider sends its webhook as for any settlement ([`crate::webhooks`]). The answer is 200
//! with the intent as [`crate::inspect`] lists it; the same for an intent that already
//! succeeded so (nothing changes, nothing is sent again). 409 with `{"error": "…"}` for an
//! intent that is final in another way, or has nothing awaiting an answer (a Yassir intent
//! never proceeded, a Yabetoo intent never confirmed); 404 for an unknown intent.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;

use crate::held::Refusal;
use crate::inspect::Ledgers;
use crate::INTENTS_MOUNT;

pub(crate) fn routes(ledgers: Ledgers) -> Router {
    Router::new()
        .route(
            &format!("{INTENTS_MOUNT}/{{intent_id}}/succeed"),
            post(succeed),
        )
        .with_state(ledgers)
}

async fn succeed(
    State(ledgers): State<Ledgers>,
    Path(intent_id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Some(refusal) = crate::guard::json_only(&headers) {
        return refusal;
    }
    let outcome = match ledgers.yassir.succeed(&intent_id) {
        Err(Refusal::Unknown) => ledgers.yabetoo.succeed(&intent_id),
        outcome => outcome,
    };
    match outcome {
        Ok(intent) => Json(intent).into_response(),
        Err(Refusal::Unknown) => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("there is no intent with id `{intent_id}`") })),
        )
            .into_response(),
        Err(Refusal::Conflict(why)) => {
            (StatusCode::CONFLICT, Json(json!({ "error": why }))).into_response()
        }
    }
}
