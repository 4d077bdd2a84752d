//! Configuration from the environment. Everything has a default that runs the demo on the
//! embedded sandbox; `PROVIDER_MODE=live` switches to the real providers. Each part reads its
//! own variables: where the server listens ([`listen`]), the providers ([`providers`]), the
//! secrets live mode insists on ([`live`]), the webhooks both ways ([`webhooks`]) and the
//! embedded sandbox ([`embedded`]); the limits and timings are read here.

mod embedded;
mod listen;
mod live;
mod providers;
mod read;
mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use checkout_sandbox::SandboxConfig;

use crate::orders::Coverage;
use crate::providers::{YabetooConfig, YassirConfig};
use crate::secrets::Secret;
use read::{parse, split_list};

pub use webhooks::{WebhookConfig, DEMO_RECEIVER_PATH};

/// Yassir's production API, the one host whose OTP pages the server knows by default.
pub const YASSIR_PRODUCTION: &str = "https://api.payment.yassir.io";
/// Yassir's staging API ("sandbox credentials" in Yassir's words).
pub const YASSIR_STAGING: &str = "https://stg-api.payment.yassir.io";
/// The origin of the OTP pages of Yassir's production.
pub const YASSIR_PRODUCTION_OTP: &str = "https://otp.payment.yassir.io";

/// Whether the server talks to its own embedded sandbox or to the providers' APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderMode {
    Sandbox,
    Live,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// How browsers reach this server (`http://127.0.0.1:8787`).
    pub public_url: String,
    pub database_url: String,
    pub mode: ProviderMode,
    /// Bearer token of the merchant's admin API.
    pub admin_token: Secret,
    /// True when no `ADMIN_TOKEN` was set and the sandbox's well-known one is in use.
    pub admin_token_is_default: bool,
    pub yassir: YassirConfig,
    pub yabetoo: YabetooConfig,
    pub sandbox: SandboxConfig,
    /// Origins the widget may follow a `payUrl` to (Yassir's OTP pages).
    pub redirect_origins: Vec<String>,
    /// Mobile-money countries offered beyond the ones Yabetoo is known to serve.
    pub coverage: Coverage,
    /// Yassir is reached with test credentials: the sandbox or Yassir's staging host.
    pub yassir_test_mode: bool,
    /// Yabetoo is reached with a test key (`sk_test_…`) or through the sandbox.
    pub yabetoo_test_mode: bool,
    /// Origins allowed to call the shopper API from another page (CORS); empty = same origin
    /// only, `*` = any.
    pub cors_origins: Vec<String>,
    /// The widget's release build (trunk's `dist/`), served by the demo when present.
    pub widget_dir: PathBuf,
    /// The embedding examples (`examples/`), served by the demo on `/examples/`.
    pub examples_dir: PathBuf,
    /// Key of the merchant's order tokens; tokens are refused without one.
    pub order_signing_secret: Option<Secret>,
    /// Shortest time between two provider checks of one payment while the widget polls.
    pub check_interval: Duration,
    /// How often in-flight payments nobody polls are followed up (each with its own backoff).
    pub reconcile_interval: Duration,
    /// The longest wait between two follow-up checks of one payment.
    pub max_reconcile_interval: Duration,
    /// How long the provider may show a payment untouched after a request whose outcome is
    /// unknown before that is taken as "the request never arrived".
    pub unknown_outcome_grace: Duration,
    /// Lifetime of an order token minted without an expiry.
    pub order_token_ttl: Duration,
    /// The longest an API request may take before it is answered 408.
    pub request_timeout: Duration,
    /// The reverse proxies in front (`TRUSTED_PROXIES`), whose forwarded client addresses the
    /// rate limits believe.
    pub trusted_proxies: crate::client_address::TrustedProxies,
    /// How long provider notifications and delivered merchant events are kept.
    pub retention: Duration,
    /// The header-read timeout and the bound on open connections.
    pub connections: crate::serve::ConnectionLimits,
    pub rate_limits: crate::limits::LimitSettings,
    /// Mobile-money confirmations waiting for shoppers at once; past it a submit answers 503.
    pub max_confirms_in_flight: usize,
    /// Of those, how many one client address may hold.
    pub max_confirms_per_client: usize,
    /// The first wait of reconcile's backoff for a payment nobody polls: short when only
    /// reconcile can find an outcome, longer when the providers' webhooks announce them.
    pub reconcile_first_check: Duration,
    /// In-flight payments older than this are no longer followed up by reconcile.
    pub reconcile_max_age: Duration,
    /// How long a payment may stay in flight after it was sent to its provider before it asks
    /// for the merchant's attention.
    pub attention_after: Duration,
    pub webhooks: WebhookConfig,
}

/// A configuration error, naming the variable.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl From<checkout_sandbox::ConfigError> for ConfigError {
    fn from(error: checkout_sandbox::ConfigError) -> Self {
        Self {
            variable: error.variable,
            message: error.message,
        }
    }
}

impl ProviderMode {
    fn read(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        match lookup("PROVIDER_MODE").as_deref() {
            None | Some("sandbox") => Ok(ProviderMode::Sandbox),
            Some("live") => Ok(ProviderMode::Live),
            Some(other) => Err(ConfigError {
                variable: "PROVIDER_MODE",
                message: format!("`{other}` is neither `sandbox` nor `live`"),
            }),
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let listen = listen::Listen::read(&lookup)?;
        let mode = ProviderMode::read(&lookup)?;
        let providers = providers::Providers::read(&lookup, mode, &listen)?;
        let (admin_token, admin_token_is_default) = live::admin_token(&lookup, mode)?;
        let order_signing_secret = live::order_signing_secret(&lookup, mode)?;
        let webhooks = webhooks::read(&lookup, mode, &listen.local_base)?;
        let embedded = embedded::Embedded::read(&lookup, mode, &listen, &webhooks)?;
        let check_interval = Duration::from_millis(parse(&lookup, "CHECK_INTERVAL_MS", 1_000)?);
        let reconcile_first_check = Duration::from_millis(parse(
            &lookup,
            "RECONCILE_FIRST_CHECK_MS",
            if embedded.provider_webhooks {
                30_000
            } else {
                u64::try_from(check_interval.as_millis()).unwrap_or(u64::MAX)
            },
        )?);

        Ok(Self {
            bind: listen.bind,
            order_signing_secret,
            public_url: listen.public_url,
            database_url: lookup("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://checkout.sqlite3".into()),
            mode,
            admin_token,
            admin_token_is_default,
            yassir: providers.yassir,
            yabetoo: providers.yabetoo,
            sandbox: embedded.sandbox,
            redirect_origins: providers.redirect_origins,
            coverage: providers.coverage,
            yassir_test_mode: providers.yassir_test_mode,
            yabetoo_test_mode: providers.yabetoo_test_mode,
            cors_origins: match lookup("CORS_ORIGINS") {
                Some(list) => split_list(&list),
                // The sandbox moves no money: any page may try it, e.g. a merchant's own test page.
                None if mode == ProviderMode::Sandbox => vec!["*".into()],
                None => Vec::new(),
            },
            widget_dir: lookup("WIDGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("dist")),
            examples_dir: lookup("EXAMPLES_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("examples")),
            check_interval,
            reconcile_first_check,
            reconcile_max_age: Duration::from_secs(parse(
                &lookup,
                "RECONCILE_MAX_AGE_SECONDS",
                7 * 24 * 3600,
            )?),
            attention_after: Duration::from_secs(parse(&lookup, "ATTENTION_AFTER_SECONDS", 3600)?),
            webhooks,
            reconcile_interval: Duration::from_millis(
                parse(&lookup, "RECONCILE_INTERVAL_MS", 5_000)?.max(1),
            ),
            max_reconcile_interval: Duration::from_millis(parse(
                &lookup,
                "RECONCILE_MAX_INTERVAL_MS",
                300_000,
            )?),
            unknown_outcome_grace: Duration::from_millis(parse(
                &lookup,
                "UNKNOWN_OUTCOME_GRACE_MS",
                120_000,
            )?),
            order_token_ttl: Duration::from_secs(parse(
                &lookup,
                "ORDER_TOKEN_TTL_SECONDS",
                86_400,
            )?),
            // Longer than a proceed and the check after it can take together.
            request_timeout: Duration::from_millis(parse(&lookup, "REQUEST_TIMEOUT_MS", 45_000)?),
            trusted_proxies: crate::client_address::TrustedProxies::parse(
                &lookup("TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|message| ConfigError {
                variable: "TRUSTED_PROXIES",
                message,
            })?,
            connections: crate::serve::ConnectionLimits {
                header_read_timeout: Duration::from_millis(
                    parse(&lookup, "HEADER_READ_TIMEOUT_MS", 10_000)?.max(1),
                ),
                max_connections: parse(&lookup, "MAX_CONNECTIONS", 4096)?,
            },
            max_confirms_in_flight: parse(&lookup, "MAX_CONFIRMS_IN_FLIGHT", 256)?,
            max_confirms_per_client: parse(&lookup, "MAX_CONFIRMS_PER_CLIENT", 32)?,
            rate_limits: crate::limits::LimitSettings {
                per_client_per_minute: parse(&lookup, "RATE_LIMIT_PER_CLIENT_PER_MINUTE", 120)?,
                // The sandbox sends no text message and no USSD prompt to anyone.
                per_phone_per_hour: parse(
                    &lookup,
                    "RATE_LIMIT_PER_PHONE_PER_HOUR",
                    if mode == ProviderMode::Live { 5 } else { 0 },
                )?,
                notices_per_minute: parse(&lookup, "RATE_LIMIT_WEBHOOKS_PER_MINUTE", 600)?,
                creates_per_order_per_minute: parse(
                    &lookup,
                    "RATE_LIMIT_CREATES_PER_ORDER_PER_MINUTE",
                    20,
                )?,
                // Like the prompts: the sandbox registers nobody anywhere.
                creates_per_phone_per_hour: parse(
                    &lookup,
                    "RATE_LIMIT_CREATES_PER_PHONE_PER_HOUR",
                    if mode == ProviderMode::Live { 20 } else { 0 },
                )?,
            },
            retention: Duration::from_secs(
                parse(&lookup, "RETENTION_DAYS", 30u64)?.max(1) * 24 * 3600,
            ),
        })
    }
}

#[cfg(test)]
mod tests;
