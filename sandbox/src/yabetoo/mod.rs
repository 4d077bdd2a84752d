//! Simulator of the Yabetoo Pay API (payment intents with mobile money), mounted at
//! [`crate::YABETOO_MOUNT`].
//!
//! - `POST /v1/payment-intents`: create (200, camelCase body with `clientSecret`).
//! - `POST /v1/payment-intents/{id}/confirm`: confirm with `payment_method_data.momo`. Like the
//!   real API's examples, it answers the final status, so it waits until the prompt settles;
//!   `captured` is true once the charge succeeded, and a failure carries one free-text reason
//!   in both `failureCode` and `failureMessage`, as the document's example does ("Transaction
//!   timed out"; see [`numbers`]).
//! - `GET  /v1/payment-intents/{id}`: retrieve (`pending`, `processing`, `succeeded`, `failed`,
//!   `expired`), with `captured` and the latest charge's failure as confirm answers them.
//! - `GET  /phone`: the sandbox handset, where a person approves or declines prompts sent to
//!   numbers that are not test numbers (see [`phone`]).
//!
//! Every API request is checked in the same order: the secret key (`sk_test_sandbox`), then the
//! intent id, then the body. Errors use the shapes Yabetoo documents for each endpoint.
//!
//! Webhooks are sent when a charge settles (see [`crate::webhooks`]).
//!
//! Not simulated: checkout sessions, the intent list, Connect fields, live keys.

mod errors;
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

use crate::held::HeldIntent;
use crate::SandboxConfig;
pub(crate) use errors::refusal;
use errors::{confirm_unauthorized, internal_error, not_permitted, row_not_found, unauthorized};
use numbers::{behaviour_for, Behaviour};
use store::{ConfirmRefusal, Sandbox};
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

    /// The late success of [`crate::late`]: the latest charge, still on the phone, succeeds.
    pub(crate) fn succeed(&self, id: &str) -> Result<HeldIntent, crate::held::Refusal> {
        self.0.succeed_late(id)?;
        self.0.held_intent(id).ok_or(crate::held::Refusal::Unknown)
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
        None => errors::intent_not_found(),
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
        return confirm_unauthorized();
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
        Err(ConfirmRefusal::NotPermitted) => {
            return not_permitted(&format!("/v1/payment-intents/{id}/confirm"))
        }
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
