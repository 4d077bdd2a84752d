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

/// Declares the contract's routes once: the router serves them, and [`CONTRACT_ROUTES`] lists
/// them for the test that holds `openapi.yaml` to the same set.
macro_rules! contract_routes {
    ($($method:ident $path:literal => $handler:path,)*) => {
        /// Every route of the contract with its method, as the router serves it.
        pub const CONTRACT_ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        fn contract_router() -> Router<AppState> {
            Router::new()$(.route($path, $method($handler)))*
        }
    };
}

contract_routes! {
    get "/api/v1/checkout" => shopper::checkout_get,
    post "/api/v1/payments" => shopper::payments_create,
    get "/api/v1/payments/{id}" => shopper::payments_get,
    post "/api/v1/payments/{id}/submit" => shopper::payments_submit,
    get "/api/v1/admin/payments" => admin::payments_list,
    get "/api/v1/admin/payments/{id}" => admin::payments_get,
    post "/api/v1/admin/payments/{id}/resolve" => admin::payments_resolve,
    post "/api/v1/admin/payments/{id}/capture" => admin::payments_capture,
    post "/api/v1/admin/payments/{id}/release" => admin::payments_release,
    post "/api/v1/admin/payments/{id}/refund" => admin::payments_refund,
    post "/api/v1/admin/payments/{id}/operations/{operation}/settle" => admin::operations_settle,
    post "/api/v1/admin/order-tokens" => admin::order_tokens_create,
    get "/api/v1/admin/webhooks/events" => events::list,
    get "/api/v1/admin/webhooks/events/{id}" => events::get,
    post "/api/v1/admin/webhooks/events/{id}/replay" => events::replay,
    post "/webhooks/yabetoo" => notices::yabetoo,
    post "/webhooks/yassir" => notices::yassir,
}

/// The contract's routes, and what operations reads (health, readiness, metrics), which
/// `openapi.yaml` leaves out.
pub fn router() -> Router<AppState> {
    contract_router()
        .route("/api/{*rest}", any(api_not_found))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
}

async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no endpoint at `{}`", uri.path()))
}
