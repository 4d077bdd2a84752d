//! The reference merchant backend: implements the checkout contract against the real provider
//! APIs, and mounts a sandbox of both providers for demos and tests.

pub mod api;
pub mod client_address;
pub mod clock;
pub mod config;
mod demo;
mod headers;
pub mod ids;
pub mod limits;
pub mod merchant_webhooks;
pub mod metrics;
pub mod order_token;
pub mod orders;
pub mod providers;
pub mod secrets;
pub mod serve;
pub mod service;
pub mod store;
mod validate;
mod widget_assets;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use clock::Clock;
use config::{Config, ProviderMode};
use order_token::OrderSigner;
use orders::{DemoCatalog, NoCatalog};
use providers::{Measured, YabetooClient, YassirClient};
use service::{PaymentService, ServiceParts, ServiceSettings};
use store::{PaymentStore, PgStore, SqliteStore, StoreError, WebhookStore};

/// The largest request body the API takes: its requests are a few hundred bytes.
const API_BODY_LIMIT: usize = 16 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub service: PaymentService,
    pub limits: Arc<limits::RateLimits>,
    pub admin_token: Arc<str>,
    pub redirect_origins: Arc<[String]>,
    /// The webhook outbox (the same database as the payments).
    pub outbox: Arc<dyn WebhookStore>,
    pub webhooks: Arc<config::WebhookConfig>,
    /// The reverse proxies whose forwarded addresses are believed.
    pub trusted_proxies: Arc<client_address::TrustedProxies>,
    pub metrics: Arc<metrics::Metrics>,
    /// Set once the server is asked to stop: `/readyz` then sends traffic elsewhere.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// Where the server reads the time (the service reads the same one).
    pub clock: Clock,
}

impl axum::extract::FromRef<AppState> for Arc<client_address::TrustedProxies> {
    fn from_ref(state: &AppState) -> Self {
        state.trusted_proxies.clone()
    }
}

/// Builds the service from the configuration: store, order book, provider adapters. A
/// `postgres://` or `postgresql://` `DATABASE_URL` opens the shared PostgreSQL store (migrated
/// at once); anything else is a SQLite file. The server reads the system's clock.
pub async fn build_state(config: &Config) -> Result<AppState, StoreError> {
    build_state_with_clock(config, Clock::system()).await
}

/// Like [`build_state`], reading the time from `clock` (a manual one lets tests move it).
pub async fn build_state_with_clock(config: &Config, clock: Clock) -> Result<AppState, StoreError> {
    if PgStore::handles(&config.database_url) {
        let store = Arc::new(PgStore::open(&config.database_url).await?);
        return Ok(build_state_with_store(config, store.clone(), store, clock));
    }
    let store = Arc::new(SqliteStore::open_url(&config.database_url)?);
    Ok(build_state_with_store(config, store.clone(), store, clock))
}

/// Builds the service on stores already open: the payments and the webhook outbox, which are
/// one database (a payment change and its merchant events are written together).
pub fn build_state_with_store(
    config: &Config,
    store: Arc<dyn PaymentStore>,
    outbox: Arc<dyn WebhookStore>,
    clock: Clock,
) -> AppState {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    let metrics = Arc::new(metrics::Metrics::default());
    let yassir = YassirClient::new(config.yassir.clone(), http.clone(), clock.clone());
    let yabetoo = YabetooClient::new(config.yabetoo.clone(), http);
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
            yassir: Arc::new(Measured::new(yassir, metrics.clone())),
            yabetoo: Arc::new(Measured::new(yabetoo, metrics.clone())),
            clock: clock.clone(),
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
            max_confirms_per_client: config.max_confirms_per_client,
            allowances: service::SharedAllowances::from_limits(&config.rate_limits),
            live: config.mode == ProviderMode::Live,
            reconcile_first_check: config.reconcile_first_check,
            reconcile_max_age: config.reconcile_max_age,
            attention_after: config.attention_after,
        },
    );
    AppState {
        service,
        limits: Arc::new(limits::RateLimits::new(config.rate_limits)),
        admin_token: config.admin_token.expose().into(),
        redirect_origins: config.redirect_origins.clone().into(),
        outbox,
        webhooks: Arc::new(config.webhooks.clone()),
        trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        metrics,
        draining: Arc::default(),
        clock,
    }
}

/// The server's work besides answering requests: following up payments nobody polls,
/// delivering the merchant's webhooks, forgetting idle rate-limit keys. Aborted when dropped.
pub struct Background {
    loops: Vec<tokio::task::JoinHandle<()>>,
    dispatcher: Option<merchant_webhooks::dispatch::Dispatcher>,
}

impl Background {
    /// Delivers every merchant webhook due now, at once rather than at the loop's next turn,
    /// and waits until each attempt is recorded; answers how many were made (none when no
    /// endpoint is configured).
    pub async fn deliver_due_webhooks(&self) -> usize {
        match &self.dispatcher {
            Some(dispatcher) => dispatcher.deliver_due().await,
            None => 0,
        }
    }

    /// Stops the loops, then waits up to `limit` for the webhook deliveries under way.
    pub async fn drain(mut self, limit: Duration) -> bool {
        for task in self.loops.drain(..) {
            task.abort();
        }
        match self.dispatcher.take() {
            Some(dispatcher) => dispatcher.drain(limit).await,
            None => true,
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        for task in &self.loops {
            task.abort();
        }
    }
}

/// Starts the [`Background`] work. Call it once the server listens: the reconcile checks may
/// go to the embedded sandbox, and the demo's webhook receiver is the server itself.
pub async fn start_background(config: &Config, state: &AppState) -> Result<Background, StoreError> {
    let mut tasks = Vec::new();
    // Payments in flight and merchant operations of unknown outcome are followed up even when
    // no widget polls them any more (a shopper who closed the tab, a restart during a confirm):
    // none is forgotten.
    let service = state.service.clone();
    let every = config.reconcile_interval;
    tasks.push(tokio::spawn(async move {
        let mut rounds = tokio::time::interval(every);
        rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            rounds.tick().await;
            service.reconcile().await;
        }
    }));
    // Provider notifications and merchant events are kept `RETENTION_DAYS`, so the outbox and
    // the de-duplication table stay bounded.
    let pruned = state.clone();
    let retention = config.retention;
    tasks.push(tokio::spawn(async move {
        let mut rounds = tokio::time::interval(Duration::from_secs(3600));
        loop {
            rounds.tick().await;
            forget_old_webhooks(&pruned, retention).await;
        }
    }));
    let limits = state.limits.clone();
    let service = state.service.clone();
    tasks.push(tokio::spawn(async move {
        let mut rounds = tokio::time::interval(Duration::from_secs(60));
        loop {
            rounds.tick().await;
            limits.forget_idle();
            service.forget_spent_leases().await;
        }
    }));
    // Events written from now on go to today's endpoints; those already written keep theirs.
    state.outbox.set_endpoints(&config.webhooks.urls).await?;
    let mut dispatcher = None;
    if !config.webhooks.urls.is_empty() {
        let signer = merchant_webhooks::signing::Signer::new(&config.webhooks.secrets)
            .map_err(|error| StoreError::Database(error.to_string()))?;
        let worker = merchant_webhooks::dispatch::Dispatcher::new(
            state.outbox.clone(),
            signer,
            config.webhooks.retry,
            config.webhooks.timeout,
            config.webhooks.ca_pem.as_deref(),
            state.clock.clone(),
        );
        tasks.push(tokio::spawn(worker.clone().run()));
        dispatcher = Some(worker);
    }
    Ok(Background {
        loops: tasks,
        dispatcher,
    })
}

/// Forgets the provider notifications and the finished merchant events older than
/// `retention`: what the background does every hour.
pub async fn forget_old_webhooks(state: &AppState, retention: Duration) {
    let before = state.clock.now() - retention;
    match state.outbox.prune(&clock::rfc3339(before)).await {
        Ok((0, 0)) => {}
        Ok((notices, events)) => {
            tracing::info!(notices, events, "forgot webhooks past their retention")
        }
        Err(error) => tracing::warn!(%error, "could not prune old webhooks"),
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
    // Live mode serves no demo page and no sandbox: nothing that says no real money moves.
    if config.mode == ProviderMode::Sandbox {
        router = router
            .merge(checkout_sandbox::router(config.sandbox.clone()))
            .merge(demo::shop_router(&config.widget_dir, &config.examples_dir))
            .merge(demo::receiver::router(&config.webhooks.secrets));
    }
    router
        .merge(widget_assets::router(&config.widget_dir))
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
            HeaderName::from_static("client-secret"),
        ])
        .max_age(Duration::from_secs(600))
}
