//! Simulator of the Yabetoo Pay API (payment intents with mobile money), mounted at
//! [`crate::YABETOO_MOUNT`].
//!
//! - `POST /v1/payment-intents`: create (200, camelCase body with `clientSecret`).
//! - `POST /v1/payment-intents/{id}/confirm`: confirm with `payment_method_data.momo`. Like the
//!   real API's examples, it answers the final status, so it waits until the prompt settles.
//! - `GET  /v1/payment-intents/{id}`: retrieve (`pending`, `processing`, `succeeded`, `failed`,
//!   `expired`).
//! - `GET  /phone`: the sandbox handset, where a person approves or declines prompts sent to
//!   numbers that are not test numbers (see [`phone`]).
//!
//! Every API request is checked in the same order: the secret key (`sk_test_sandbox`), then the
//! intent id, then the body. Errors use the shapes Yabetoo documents for each endpoint.
//!
//! Webhooks are sent when a charge settles (see [`crate::webhooks`]).
//!
//! Not simulated: checkout sessions, the intent list, Connect fields, live keys.

pub mod numbers;
mod phone;
mod store;
mod validate;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::inspect::HeldIntent;
use crate::SandboxConfig;
use numbers::{behaviour_for, Behaviour};
use store::{timestamp, ConfirmRefusal, Sandbox};
use validate::{errors_body, FieldError};

/// The secret the sandbox signs Yabetoo's webhooks with when none is configured.
pub const WEBHOOK_SECRET: &str = "whsec_sandbox_yabetoo_webhooks";

/// The only secret key the sandbox accepts.
pub const SECRET_KEY: &str = "sk_test_sandbox";

/// What the Yabetoo simulator holds, read by [`crate::inspect`].
#[derive(Clone)]
pub(crate) struct Ledger(Shared);

impl Ledger {
    pub(crate) fn intents(&self) -> Vec<HeldIntent> {
        self.0.held_intents()
    }
}

/// The Yabetoo simulator's routes, relative to its mount point.
pub fn router(config: SandboxConfig) -> Router {
    let notifier = crate::webhooks::Notifier::new(
        crate::faults::Provider::Yabetoo,
        config.webhooks.yabetoo.clone(),
        crate::Faults::default(),
    );
    router_and_ledger(config, notifier).0
}

/// [`router`], and the view of its intents.
pub(crate) fn router_and_ledger(
    config: SandboxConfig,
    webhooks: crate::webhooks::Notifier,
) -> (Router, Ledger) {
    let sandbox = Sandbox::new(config, webhooks);
    let router = Router::new()
        .route("/v1/payment-intents", post(intents_create))
        .route("/v1/payment-intents/{id}", get(intents_retrieve))
        .route("/v1/payment-intents/{id}/confirm", post(intents_confirm))
        .merge(phone::routes())
        .with_state(sandbox.clone());
    (router, Ledger(sandbox))
}

type Shared = Arc<Sandbox>;

fn answer(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// True when the request carries `Authorization: Bearer sk_test_sandbox`.
fn authorized(credentials: &crate::Credentials, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let key = parts.next().unwrap_or_default().trim();
    scheme.eq_ignore_ascii_case("bearer") && key == credentials.yabetoo_secret_key
}

/// Create and retrieve answer 401 with this body.
fn unauthorized() -> Response {
    answer(StatusCode::UNAUTHORIZED, json!({ "error": "Unauthorized" }))
}

/// Parses a JSON body; an empty body counts as `{}` so that the missing fields get reported.
fn json_body(bytes: &Bytes) -> Option<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some(json!({}));
    }
    serde_json::from_slice(bytes).ok()
}

/// A body that is not JSON: 400 in the validation errors' shape.
fn malformed_json() -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        errors_body(&[FieldError {
            rule: "json",
            field: "body".into(),
        }]),
    )
}

fn validation_failed(errors: &[FieldError]) -> Response {
    answer(StatusCode::UNPROCESSABLE_ENTITY, errors_body(errors))
}

/// `POST /v1/payment-intents`.
async fn intents_create(
    State(sandbox): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&sandbox.config.credentials, &headers) {
        return unauthorized();
    }
    let Some(body) = json_body(&body) else {
        return malformed_json();
    };
    match validate::new_intent(&body) {
        Ok(new) => answer(StatusCode::OK, sandbox.create_intent(new)),
        Err(errors) => validation_failed(&errors),
    }
}

/// `GET /v1/payment-intents/{id}`.
async fn intents_retrieve(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&sandbox.config.credentials, &headers) {
        return unauthorized();
    }
    match sandbox.retrieve(&id) {
        Some(body) => answer(StatusCode::OK, body),
        None => answer(
            StatusCode::NOT_FOUND,
            json!({ "message": "Payment intent not found" }),
        ),
    }
}

/// `POST /v1/payment-intents/{id}/confirm`.
async fn intents_confirm(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&sandbox.config.credentials, &headers) {
        return answer(
            StatusCode::UNAUTHORIZED,
            json!({ "error": { "message": "Unauthorized", "code": "Unauthorized" } }),
        );
    }
    if !sandbox.exists(&id) {
        return row_not_found();
    }
    let Some(body) = json_body(&body) else {
        return malformed_json();
    };
    let confirmation = match validate::confirmation(&body) {
        Ok(confirmation) => confirmation,
        Err(errors) => return validation_failed(&errors),
    };
    if sandbox.config.strict.momo_numbers {
        let errors = validate::strict_momo(&confirmation.momo);
        if !errors.is_empty() {
            return validation_failed(&errors);
        }
    }
    let behaviour = behaviour_for(&confirmation.momo.msisdn);
    let started = match sandbox.start_charge(&id, &confirmation, behaviour) {
        Ok(started) => started,
        Err(ConfirmRefusal::NotFound) => return row_not_found(),
        Err(ConfirmRefusal::NotPermitted) => return not_permitted(&id),
        Err(ConfirmRefusal::ServerError) => return internal_error(),
    };
    if behaviour == Behaviour::OnPhone {
        tracing::info!(intent = %id, msisdn = %confirmation.momo.msisdn, "yabetoo sandbox: prompt waiting on the phone page");
    }
    let charge_id = started.charge_id.clone();
    if started.blocks {
        // Like the real API, answer only once the shopper (or the test number) has answered.
        // If the client gives up first, the charge still settles on its own.
        started.settled().await;
    }
    match sandbox.charge_body(&id, &charge_id) {
        Some(body) => answer(StatusCode::OK, body),
        None => internal_error(),
    }
}

/// Confirm's 404 for an unknown intent.
fn row_not_found() -> Response {
    answer(StatusCode::NOT_FOUND, json!({ "message": "Row not found" }))
}

/// Confirm's 422 when the operation is refused (wrong client secret, already succeeded, or a
/// prompt already waiting). The path is the provider's own, without the sandbox mount.
fn not_permitted(intent_id: &str) -> Response {
    answer(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({
            "status": 422,
            "path": format!("/v1/payment-intents/{intent_id}/confirm"),
            "timestamp": timestamp(OffsetDateTime::now_utc()),
            "code": "E_OPERATION_NOT_PERMITTED",
            "message": "Operation not permitted",
            "detail": "You are not permitted to perform this operation.",
        }),
    )
}

fn internal_error() -> Response {
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "status": 500, "code": "E_INTERNAL", "message": "Internal server error" }),
    )
}
