//! The providers' webhooks: `POST /webhooks/yabetoo` and `POST /webhooks/yassir`. A verified
//! notification only makes the server check the payment it names at the provider, after the
//! answer (sent at once); a bad signature, a stale or replayed one, a duplicate or one about an
//! unknown payment changes nothing, and the answer and the log say which.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::ApiError;
use crate::providers::notices::{self, Notice, Refusal};
use crate::AppState;

pub async fn yabetoo(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let secret = state
        .webhooks
        .yabetoo_secret
        .as_ref()
        .map(|secret| secret.expose());
    let now = state.clock.unix_seconds();
    let notice = notices::yabetoo(secret, &headers, &body, now);
    handle(&state, "yabetoo", notice).await
}

pub async fn yassir(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let secret = state
        .webhooks
        .yassir_secret
        .as_ref()
        .map(|secret| secret.expose());
    let notice = notices::yassir(secret, &headers, &body);
    handle(&state, "yassir", notice).await
}

async fn handle(
    state: &AppState,
    provider: &'static str,
    notice: Result<Notice, Refusal>,
) -> Response {
    // Bounded before anything is stored or checked: a flood is answered 429, which a provider
    // retries later, and reconcile finds outcomes meanwhile.
    if let Err(limited) = state.limits.check_notice(provider) {
        return ApiError::from(limited).into_response();
    }
    let notice = match notice {
        Ok(notice) => notice,
        Err(refusal) => {
            tracing::warn!(provider, reason = %refusal, "provider webhook refused; nothing changed");
            let status = match refusal {
                Refusal::Malformed(_) => StatusCode::BAD_REQUEST,
                Refusal::NotConfigured => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::UNAUTHORIZED,
            };
            return (
                status,
                Json(json!({ "received": false, "error": refusal.to_string() })),
            )
                .into_response();
        }
    };
    let first = match state
        .outbox
        .record_inbound(provider, &notice.event_id, &state.clock.now_rfc3339())
        .await
    {
        Ok(first) => first,
        Err(error) => {
            // Not recorded: the provider retries, and reconcile finds the outcome anyway.
            tracing::error!(provider, %error, "could not record a provider webhook");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    if !first {
        tracing::info!(provider, event = %notice.event_id, "provider webhook received before; ignored");
        return answer("duplicate");
    }
    match state
        .service
        .provider_notice(provider, &notice.intent_id)
        .await
    {
        Ok(outcome) => {
            let payment = match &outcome {
                crate::service::NoticeOutcome::Checking { payment_id }
                | crate::service::NoticeOutcome::AlreadyScheduled { payment_id }
                | crate::service::NoticeOutcome::Deferred { payment_id }
                | crate::service::NoticeOutcome::AlreadySettled { payment_id, .. } => {
                    Some(payment_id.clone())
                }
                crate::service::NoticeOutcome::UnknownPayment => None,
            };
            tracing::info!(
                provider,
                event = %notice.event_id,
                kind = %notice.kind,
                payment = payment.as_deref().unwrap_or("-"),
                outcome = outcome.as_str(),
                "provider webhook"
            );
            answer(outcome.as_str())
        }
        Err(error) => {
            tracing::error!(provider, ?error, "could not handle a provider webhook");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// 200 with what the notification led to; neither the payment's outcome (the check decides,
/// after this answer) nor the payment's id (which would map a provider's id to ours for anyone
/// holding one) is in it.
fn answer(outcome: &str) -> Response {
    Json(json!({ "received": true, "outcome": outcome })).into_response()
}
