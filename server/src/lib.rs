//! The reference merchant backend: implements the checkout contract against the real provider
//! APIs, and mounts a sandbox of both providers for demos and tests.

pub mod api;
pub mod config;
mod demo;
mod headers;
pub mod limits;
pub mod order_token;
pub mod orders;
pub mod providers;
pub mod service;
pub mod store;
mod validate;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use config::{Config, ProviderMode};
use order_token::OrderSigner;
use orders::{DemoCatalog, NoCatalog};
use providers::{YabetooClient, YassirClient};
use service::{PaymentService, ServiceParts, ServiceSettings};
use store::{PaymentStore, SqliteStore, StoreError};

/// The largest request body the API takes: its requests are a few hundred bytes.
const API_BODY_LIMIT: usize = 16 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub service: PaymentService,
    pub limits: Arc<limits::RateLimits>,
    pub admin_token: Arc<str>,
    pub redirect_origins: Arc<[String]>,
}

/// Builds the service from the configuration: store, order book, provider adapters.
pub fn build_state(config: &Config) -> Result<AppState, StoreError> {
    let store: Arc<dyn PaymentStore> = Arc::new(SqliteStore::open_url(&config.database_url)?);
    Ok(build_state_with_store(config, store))
}

pub fn build_state_with_store(config: &Config, store: Arc<dyn PaymentStore>) -> AppState {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    let service = PaymentService::new(
        ServiceParts {
            store,
            orders: match config.mode {
                ProviderMode::Sandbox => Arc::new(DemoCatalog::default()),
                ProviderMode::Live => Arc::new(NoCatalog),
            },
            order_signer: config
                .order_signing_secret
                .as_ref()
                .map(|secret| OrderSigner::new(secret.expose().as_bytes())),
            yassir: Arc::new(YassirClient::new(config.yassir.clone(), http.clone())),
            yabetoo: Arc::new(YabetooClient::new(config.yabetoo.clone(), http)),
        },
        ServiceSettings {
            yassir_test_mode: config.yassir_test_mode,
            yabetoo_test_mode: config.yabetoo_test_mode,
            coverage: config.coverage,
            check_interval: config.check_interval,
            unknown_outcome_grace: config.unknown_outcome_grace,
            max_reconcile_interval: config.max_reconcile_interval,
            order_token_ttl: config.order_token_ttl,
            max_confirms_in_flight: config.max_confirms_in_flight,
        },
    );
    AppState {
        service,
        limits: Arc::new(limits::RateLimits::new(config.rate_limits)),
        admin_token: config.admin_token.expose().into(),
        redirect_origins: config.redirect_origins.clone().into(),
    }
}

/// The whole HTTP application: contract API, demo pages and, in sandbox mode, the sandbox.
pub fn app(config: &Config, state: AppState) -> Router {
    let mut router = api::router()
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(cors(&config.cors_origins))
        .with_state(state);
    if config.mode == ProviderMode::Sandbox {
        router = router.merge(checkout_sandbox::router(config.sandbox.clone()));
    }
    router
        .merge(demo::router(&config.widget_dir, &config.examples_dir))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(TraceLayer::new_for_http())
}

/// Lets a merchant's page on another origin call the shopper API, when configured.
fn cors(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| origin.parse::<HeaderValue>().ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(Duration::from_secs(600))
}
