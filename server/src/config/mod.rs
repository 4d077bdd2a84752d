//! Configuration: the settings as [`settings`] declares them (each variable, its default and
//! what it does), and what they make once the policies have read them. Everything has a default
//! that runs the demo on the embedded sandbox; `PROVIDER_MODE=live` switches to the real
//! providers. Each policy reads its own settings: where the server listens ([`listen`]), the
//! providers ([`providers`]), the secrets live mode insists on ([`live`]), the webhooks both
//! ways ([`webhooks`]) and the embedded sandbox ([`embedded`]); the limits and timings are
//! turned into durations here.

mod embedded;
mod listen;
mod live;
mod providers;
mod settings;
mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use checkout_sandbox::SandboxConfig;

use crate::orders::Coverage;
use crate::providers::{YabetooConfig, YassirConfig};
use crate::secrets::Secret;

pub use settings::{ProviderMode, Settings};
pub use webhooks::{WebhookConfig, DEMO_RECEIVER_PATH};

/// Yassir's production API, the one host whose OTP pages the server knows by default.
pub const YASSIR_PRODUCTION: &str = "https://api.payment.yassir.io";
/// Yassir's staging API ("sandbox credentials" in Yassir's words).
pub const YASSIR_STAGING: &str = "https://stg-api.payment.yassir.io";
/// The origin of the OTP pages of Yassir's production.
pub const YASSIR_PRODUCTION_OTP: &str = "https://otp.payment.yassir.io";

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
    pub variable: String,
    pub message: String,
}

impl ConfigError {
    fn new(variable: &str, message: impl Into<String>) -> Self {
        Self {
            variable: variable.to_string(),
            message: message.into(),
        }
    }
}

impl From<checkout_sandbox::ConfigError> for ConfigError {
    fn from(error: checkout_sandbox::ConfigError) -> Self {
        Self {
            variable: error.variable,
            message: error.message,
        }
    }
}

/// The comma-separated items of a list, trimmed and without a trailing slash (origins), without
/// empty ones.
fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(|item| item.trim().trim_end_matches('/').to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

impl Config {
    /// Reads configuration through `lookup` (as the environment would give it), so tests need
    /// not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::from_settings(&Settings::from_lookup(lookup)?)
    }

    /// What the settings make, or the first one that cannot be used.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let mode = settings.provider_mode;
        let listen = listen::Listen::read(settings)?;
        let providers = providers::Providers::read(settings, &listen)?;
        let (admin_token, admin_token_is_default) =
            live::admin_token(settings.admin_token.as_deref(), mode)?;
        let order_signing_secret =
            live::order_signing_secret(settings.order_signing_secret.as_deref(), mode)?;
        let webhooks = webhooks::read(settings, &listen.local_base)?;
        let embedded = embedded::Embedded::read(settings, &listen, &webhooks)?;
        let millis = Duration::from_millis;
        let seconds = Duration::from_secs;
        let check_interval = millis(settings.check_interval_ms);
        let reconcile_first_check = millis(settings.reconcile_first_check_ms.unwrap_or(
            if embedded.provider_webhooks {
                30_000
            } else {
                settings.check_interval_ms
            },
        ));
        // The sandbox sends no text message and no USSD prompt, and registers nobody anywhere.
        let live_only = |limit: Option<u32>, live: u32| {
            limit.unwrap_or(if mode == ProviderMode::Live { live } else { 0 })
        };

        Ok(Self {
            bind: listen.bind,
            order_signing_secret,
            public_url: listen.public_url,
            database_url: settings.database_url.clone(),
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
            cors_origins: match &settings.cors_origins {
                Some(list) => split_list(list),
                // The sandbox moves no money: any page may try it, e.g. a merchant's own test page.
                None if mode == ProviderMode::Sandbox => vec!["*".into()],
                None => Vec::new(),
            },
            widget_dir: settings.widget_dir.clone(),
            examples_dir: settings.examples_dir.clone(),
            check_interval,
            reconcile_first_check,
            reconcile_max_age: seconds(settings.reconcile_max_age_seconds),
            attention_after: seconds(settings.attention_after_seconds),
            webhooks,
            reconcile_interval: millis(settings.reconcile_interval_ms.max(1)),
            max_reconcile_interval: millis(settings.reconcile_max_interval_ms),
            unknown_outcome_grace: millis(settings.unknown_outcome_grace_ms),
            order_token_ttl: seconds(settings.order_token_ttl_seconds),
            // Longer than a proceed and the check after it can take together.
            request_timeout: millis(settings.request_timeout_ms),
            trusted_proxies: crate::client_address::TrustedProxies::parse(
                &settings.trusted_proxies,
            )
            .map_err(|message| ConfigError::new("TRUSTED_PROXIES", message))?,
            connections: crate::serve::ConnectionLimits {
                header_read_timeout: millis(settings.header_read_timeout_ms.max(1)),
                max_connections: settings.max_connections,
            },
            max_confirms_in_flight: settings.max_confirms_in_flight,
            max_confirms_per_client: settings.max_confirms_per_client,
            rate_limits: crate::limits::LimitSettings {
                per_client_per_minute: settings.rate_limit_per_client_per_minute,
                per_phone_per_hour: live_only(settings.rate_limit_per_phone_per_hour, 5),
                notices_per_minute: settings.rate_limit_webhooks_per_minute,
                creates_per_order_per_minute: settings.rate_limit_creates_per_order_per_minute,
                creates_per_phone_per_hour: live_only(
                    settings.rate_limit_creates_per_phone_per_hour,
                    20,
                ),
            },
            retention: seconds(settings.retention_days.max(1) * 24 * 3600),
        })
    }
}

#[cfg(test)]
mod tests;
