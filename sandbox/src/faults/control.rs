//! The control API of the fault switch, at [`crate::FAULTS_MOUNT`]:
//!
//! - `GET /sandbox/faults`: `{"faults": [rule, …]}`, each rule with its `id` and `fired` count.
//! - `POST /sandbox/faults` with a JSON rule, e.g.
//!   `{"provider":"yabetoo","operation":"confirm","fault":"reset","phase":"after","count":1}`:
//!   201 with the rule as it applies (defaults filled in), its `id` and `Location`; 400 when
//!   the body is not JSON, 422 when the rule is not valid, with `{"error": "…"}` saying why.
//! - `GET /sandbox/faults/{id}`: one rule.
//! - `DELETE /sandbox/faults`: removes every rule (204).
//! - `DELETE /sandbox/faults/{id}`: removes one (204; 404 when there is none).
//!
//! Optional fields of a rule: `phase`, `count`, `share`, and the fault's parameter
//! (`delay_ms`, `retry_after` or `status`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;

use super::rule::RuleJson;
use super::{ActiveRule, FaultRule, Faults};
use crate::FAULTS_MOUNT;

pub(crate) fn routes(faults: Faults) -> Router {
    Router::new()
        .route(
            FAULTS_MOUNT,
            get(faults_list).post(faults_add).delete(faults_clear),
        )
        .route(
            &format!("{FAULTS_MOUNT}/{{id}}"),
            get(faults_get).delete(faults_remove),
        )
        .with_state(faults)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// The answer of `GET /sandbox/faults`.
#[derive(Serialize)]
struct Listing {
    faults: Vec<ActiveRule>,
}

async fn faults_list(State(faults): State<Faults>) -> Json<Listing> {
    Json(Listing {
        faults: faults.list(),
    })
}

async fn faults_add(
    State(faults): State<Faults>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refusal) = crate::guard::json_only(&headers) {
        return refusal;
    }
    let request: RuleJson = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(problem) if problem.is_data() => {
            return error(StatusCode::UNPROCESSABLE_ENTITY, problem.to_string())
        }
        Err(problem) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "the body must be a JSON fault rule such as {{\"provider\":\"yabetoo\",\"operation\":\"confirm\",\"fault\":\"reset\",\"phase\":\"after\",\"count\":1}} ({problem})"
                ),
            )
        }
    };
    match FaultRule::try_from(request) {
        Ok(rule) => {
            let active = faults.add(rule);
            let location = format!("{FAULTS_MOUNT}/{}", active.id);
            (
                StatusCode::CREATED,
                [(header::LOCATION, location)],
                Json(active),
            )
                .into_response()
        }
        Err(problem) => error(StatusCode::UNPROCESSABLE_ENTITY, problem.to_string()),
    }
}

async fn faults_clear(State(faults): State<Faults>) -> StatusCode {
    faults.clear();
    StatusCode::NO_CONTENT
}

fn no_rule(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!("there is no fault rule with id `{id}`"),
    )
}

async fn faults_get(State(faults): State<Faults>, Path(id): Path<String>) -> Response {
    match id.parse().ok().and_then(|number| faults.get(number)) {
        Some(active) => Json(active).into_response(),
        None => no_rule(&id),
    }
}

async fn faults_remove(State(faults): State<Faults>, Path(id): Path<String>) -> Response {
    match id.parse() {
        Ok(number) if faults.remove(number) => StatusCode::NO_CONTENT.into_response(),
        _ => no_rule(&id),
    }
}
