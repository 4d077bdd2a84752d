//! The HTTP API: the shopper endpoints the widget calls and the merchant's admin endpoints.

mod admin;
mod error;
mod events;
mod health;
mod notices;
mod shopper;

pub use error::ApiError;

use axum::extract::{FromRequest, FromRequestParts};
use axum::routing::{any, get, post};
use axum::Router;

use crate::AppState;

/// JSON bodies whose rejections answer in the contract's error shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct AppJson<T>(pub T);

/// Query strings whose rejections answer in the contract's error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct AppQuery<T>(pub T);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/checkout", get(shopper::checkout_get))
        .route("/api/v1/payments", post(shopper::payments_create))
        .route("/api/v1/payments/{id}", get(shopper::payments_get))
        .route(
            "/api/v1/payments/{id}/submit",
            post(shopper::payments_submit),
        )
        .route("/api/v1/admin/payments", get(admin::payments_list))
        .route("/api/v1/admin/payments/{id}", get(admin::payments_get))
        .route(
            "/api/v1/admin/payments/{id}/resolve",
            post(admin::payments_resolve),
        )
        .route(
            "/api/v1/admin/payments/{id}/capture",
            post(admin::payments_capture),
        )
        .route(
            "/api/v1/admin/payments/{id}/release",
            post(admin::payments_release),
        )
        .route(
            "/api/v1/admin/payments/{id}/refund",
            post(admin::payments_refund),
        )
        .route(
            "/api/v1/admin/payments/{id}/operations/{operation}/settle",
            post(admin::operations_settle),
        )
        .route(
            "/api/v1/admin/order-tokens",
            post(admin::order_tokens_create),
        )
        .route("/api/v1/admin/webhooks/events", get(events::list))
        .route("/api/v1/admin/webhooks/events/{id}", get(events::get))
        .route(
            "/api/v1/admin/webhooks/events/{id}/replay",
            post(events::replay),
        )
        .route("/webhooks/yabetoo", post(notices::yabetoo))
        .route("/webhooks/yassir", post(notices::yassir))
        .route("/api/{*rest}", any(api_not_found))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
}

async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no endpoint at `{}`", uri.path()))
}
