//! What load balancers and monitoring ask: whether the process lives (`/healthz`), whether it
//! should get traffic (`/readyz`: its database answers, and it is not draining after SIGTERM),
//! and its metrics (`/metrics`, Prometheus text, behind the admin token).

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;

use super::admin::Admin;
use super::ApiError;
use crate::AppState;

/// `GET /healthz`: the process answers.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: 200 while the database answers and the server is not draining, else 503.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.draining.load(Ordering::Relaxed) {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining\n");
    }
    match state.service.store_ready().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(error) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// `GET /metrics`: the Prometheus text exposition.
pub async fn metrics(
    _: Admin,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, ApiError> {
    let payments = state.service.counts().await?;
    let deliveries = state.outbox.delivery_counts().await?;
    let text = state.metrics.render(&payments, &deliveries);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    ))
}
