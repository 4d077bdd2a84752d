//! Configuration from the environment. Everything has a default that runs the demo on the
//! embedded sandbox; `PROVIDER_MODE=live` switches to the real providers.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use checkout_sandbox::SandboxConfig;

use crate::orders::Coverage;
use crate::providers::{yabetoo, yassir, YabetooConfig, YassirConfig};
use crate::secrets::{
    self, Secret, SANDBOX_ADMIN_TOKEN, SANDBOX_ORDER_SIGNING_SECRET, SANDBOX_WEBHOOK_SECRET,
};

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

/// Webhooks both ways: the providers' notifications in, the merchant's events out.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// The merchant's endpoints; every event goes to each.
    pub urls: Vec<String>,
    /// `whsec_` secrets that sign each event (several during a rotation).
    pub secrets: Vec<Secret>,
    pub retry: crate::webhooks::dispatch::RetryPolicy,
    /// How long an endpoint may take to answer one delivery.
    pub timeout: Duration,
    /// The secret Yabetoo signs its notifications with; without one they are refused.
    pub yabetoo_secret: Option<Secret>,
    /// The secret of Yassir's signed notifications; without one they are read unsigned.
    pub yassir_secret: Option<Secret>,
    /// Certificate authorities (PEM) trusted for the merchant's endpoints besides the built-in
    /// ones (`WEBHOOK_CA_FILE`): an endpoint behind a private authority.
    pub ca_pem: Option<Vec<u8>>,
}

/// Where a sandbox server sends the merchant's events when `WEBHOOK_URLS` is not set: the
/// demo's receiver, on the server itself.
pub const DEMO_RECEIVER_PATH: &str = "/demo/webhooks";

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

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let port: u16 = parse(&lookup, "PORT", 8787)?;
        let host = lookup("BIND").unwrap_or_else(|| "127.0.0.1".into());
        let bind: SocketAddr = format!("{host}:{port}")
            .parse()
            .or_else(|_| format!("[{host}]:{port}").parse())
            .map_err(|_| ConfigError {
                variable: "BIND",
                message: format!("`{host}` is not an IP address"),
            })?;
        // How this machine reaches the server itself (the embedded sandbox, the demo's webhook
        // receiver): its own address, or loopback when it listens on every address.
        let local_base = if bind.ip().is_unspecified() {
            format!("http://127.0.0.1:{port}")
        } else {
            format!("http://{bind}")
        };
        let shown_host = if bind.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            host.clone()
        };
        let public_url = lookup("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{shown_host}:{port}"))
            .trim_end_matches('/')
            .to_string();

        let mode = match lookup("PROVIDER_MODE").as_deref() {
            None | Some("sandbox") => ProviderMode::Sandbox,
            Some("live") => ProviderMode::Live,
            Some(other) => {
                return Err(ConfigError {
                    variable: "PROVIDER_MODE",
                    message: format!("`{other}` is neither `sandbox` nor `live`"),
                })
            }
        };
        let timeout = Duration::from_millis(parse(&lookup, "PROVIDER_TIMEOUT_MS", 15_000)?);
        let confirm_timeout =
            Duration::from_millis(parse(&lookup, "YABETOO_CONFIRM_TIMEOUT_MS", 120_000)?);

        let sandbox_base = local_base.clone();
        let prefix_setting = lookup("YASSIR_API_PREFIX");
        let api_prefix = match prefix_setting.as_deref().map(str::trim) {
            None => yassir::API_PREFIX.to_string(),
            Some("none" | "/") => String::new(),
            Some(prefix) if prefix.starts_with('/') && !prefix.contains(['?', '#', ' ']) => {
                prefix.trim_end_matches('/').to_string()
            }
            Some(other) => {
                return Err(ConfigError {
                    variable: "YASSIR_API_PREFIX",
                    message: format!(
                        "`{other}` is neither a path such as /api/v1 nor `none` (the staging docs' paths)"
                    ),
                })
            }
        };
        let (mut yassir, yabetoo) = match mode {
            ProviderMode::Sandbox => (
                YassirConfig {
                    base_url: lookup("YASSIR_BASE_URL").unwrap_or_else(|| {
                        format!("{sandbox_base}{}", checkout_sandbox::YASSIR_MOUNT)
                    }),
                    client_id: lookup("YASSIR_CLIENT_ID")
                        .unwrap_or_else(|| checkout_sandbox::yassir::CLIENT_ID.into()),
                    client_secret: lookup("YASSIR_CLIENT_SECRET")
                        .unwrap_or_else(|| checkout_sandbox::yassir::CLIENT_SECRET.into()),
                    service: lookup("YASSIR_SERVICE").unwrap_or_else(|| "EXT_DEMO_SHOP".into()),
                    api_prefix: api_prefix.clone(),
                    timeout,
                },
                YabetooConfig {
                    base_url: lookup("YABETOO_BASE_URL").unwrap_or_else(|| {
                        format!("{sandbox_base}{}", checkout_sandbox::YABETOO_MOUNT)
                    }),
                    secret_key: lookup("YABETOO_SECRET_KEY")
                        .unwrap_or_else(|| checkout_sandbox::yabetoo::SECRET_KEY.into()),
                    timeout,
                    confirm_timeout,
                },
            ),
            ProviderMode::Live => (
                YassirConfig {
                    base_url: required(&lookup, "YASSIR_BASE_URL")?,
                    client_id: required(&lookup, "YASSIR_CLIENT_ID")?,
                    client_secret: required(&lookup, "YASSIR_CLIENT_SECRET")?,
                    service: required(&lookup, "YASSIR_SERVICE")?,
                    api_prefix: api_prefix.clone(),
                    timeout,
                },
                YabetooConfig {
                    base_url: required(&lookup, "YABETOO_BASE_URL")?,
                    secret_key: required(&lookup, "YABETOO_SECRET_KEY")?,
                    timeout,
                    confirm_timeout,
                },
            ),
        };

        // A base URL given with its prefix (`…/api/v1`) is the same API: the prefix is not
        // sent twice.
        let base = yassir.base_url.trim_end_matches('/').to_string();
        if !yassir.api_prefix.is_empty() && base.ends_with(&yassir.api_prefix) {
            yassir.base_url = base[..base.len() - yassir.api_prefix.len()].to_string();
        } else if prefix_setting.is_none() && base.ends_with(yassir::API_PREFIX) {
            yassir.base_url = base[..base.len() - yassir::API_PREFIX.len()].to_string();
        }
        let yassir_production = yassir.base_url.trim_end_matches('/') == YASSIR_PRODUCTION;
        let yassir_test_mode = mode == ProviderMode::Sandbox
            || yassir.base_url.trim_end_matches('/') == YASSIR_STAGING;
        let yabetoo_test_mode =
            mode == ProviderMode::Sandbox || yabetoo::is_test_key(&yabetoo.secret_key);

        let coverage = match lookup("MOBILE_MONEY_UNVERIFIED_COUNTRIES") {
            // The demo's Cameroon order: the sandbox serves it, Yabetoo is not known to.
            None => Coverage {
                cameroon_unverified: mode == ProviderMode::Sandbox,
            },
            Some(list) => {
                let mut coverage = Coverage::default();
                for code in split_list(&list) {
                    match code.as_str() {
                        "cm" => coverage.cameroon_unverified = true,
                        "none" => {}
                        other => {
                            return Err(ConfigError {
                                variable: "MOBILE_MONEY_UNVERIFIED_COUNTRIES",
                                message: format!(
                                    "`{other}` is not a country that can be offered unverified (only `cm`, or `none`)"
                                ),
                            })
                        }
                    }
                }
                coverage
            }
        };

        if mode == ProviderMode::Live {
            refuse_the_sandbox(&yassir, &yabetoo, &[&local_base, &public_url])?;
        }

        let admin_token_is_default = lookup("ADMIN_TOKEN").is_none();
        let admin_token = match (lookup("ADMIN_TOKEN"), mode) {
            (Some(token), ProviderMode::Live) => {
                live_secret("ADMIN_TOKEN", &token, LIVE_ADMIN_TOKEN_LENGTH)?;
                Secret::from(token)
            }
            (Some(token), _) if token.len() >= 16 => Secret::from(token),
            (Some(_), _) => {
                return Err(ConfigError {
                    variable: "ADMIN_TOKEN",
                    message: "must be at least 16 characters".into(),
                })
            }
            (None, ProviderMode::Sandbox) => Secret::from(SANDBOX_ADMIN_TOKEN.to_string()),
            (None, ProviderMode::Live) => {
                return Err(ConfigError {
                    variable: "ADMIN_TOKEN",
                    message: "is required in live mode".into(),
                })
            }
        };

        let redirect_origins = match lookup("REDIRECT_ORIGINS") {
            Some(list) => split_list(&list),
            None if mode == ProviderMode::Sandbox => vec![public_url.clone()],
            None if yassir_production => vec![YASSIR_PRODUCTION_OTP.into()],
            // Staging's OTP pages are on an origin no document gives: the first proceed's
            // `payUrl` shows it, and the widget follows none it was not told of.
            None => {
                return Err(ConfigError {
                    variable: "REDIRECT_ORIGINS",
                    message: format!(
                        "is required in live mode when YASSIR_BASE_URL is not {YASSIR_PRODUCTION}: \
                         the origin of that Yassir's OTP pages (the payUrl of a first proceed shows it)"
                    ),
                })
            }
        };

        // The `SANDBOX_*` variables are the sandbox's own; its links point at this server
        // unless `SANDBOX_PUBLIC_URL` says otherwise.
        let mut sandbox = SandboxConfig::from_lookup(&lookup)?;
        sandbox
            .public_base_url
            .get_or_insert_with(|| public_url.clone());
        // The OTP page sends shoppers back only to the shop: this server's pages and the
        // merchant pages allowed to call it.
        sandbox.return_origins.push(public_url.clone());
        if let Some(list) = lookup("CORS_ORIGINS") {
            sandbox
                .return_origins
                .extend(split_list(&list).into_iter().filter(|origin| origin != "*"));
        }
        let webhooks = webhook_config(&lookup, mode, &local_base)?;
        let sandbox_webhooks = lookup("SANDBOX_WEBHOOKS").as_deref() != Some("off");
        // The embedded sandbox notifies this server, signed with the secrets it expects.
        if mode == ProviderMode::Sandbox && sandbox_webhooks {
            use checkout_sandbox::WebhookTarget;
            sandbox.webhooks.yassir.get_or_insert(WebhookTarget {
                url: format!("{local_base}/webhooks/yassir"),
                secret: webhooks
                    .yassir_secret
                    .as_ref()
                    .map(|s| s.expose().to_string()),
            });
            sandbox.webhooks.yabetoo.get_or_insert(WebhookTarget {
                url: format!("{local_base}/webhooks/yabetoo"),
                secret: webhooks
                    .yabetoo_secret
                    .as_ref()
                    .map(|s| s.expose().to_string()),
            });
        }
        // Outcomes are announced by webhooks when Yabetoo signs them to this server, or when the
        // embedded sandbox is the provider and sends them.
        let embedded_sandbox = lookup("YASSIR_BASE_URL").is_none()
            && lookup("YABETOO_BASE_URL").is_none()
            && sandbox_webhooks;
        let provider_webhooks = match mode {
            ProviderMode::Sandbox => embedded_sandbox,
            ProviderMode::Live => webhooks.yabetoo_secret.is_some(),
        };
        let check_interval = Duration::from_millis(parse(&lookup, "CHECK_INTERVAL_MS", 1_000)?);
        let reconcile_first_check = Duration::from_millis(parse(
            &lookup,
            "RECONCILE_FIRST_CHECK_MS",
            if provider_webhooks {
                30_000
            } else {
                u64::try_from(check_interval.as_millis()).unwrap_or(u64::MAX)
            },
        )?);

        let order_signing_secret = match (lookup("ORDER_SIGNING_SECRET"), mode) {
            (Some(secret), ProviderMode::Live) => {
                live_secret("ORDER_SIGNING_SECRET", &secret, 32)?;
                Some(Secret::from(secret))
            }
            (Some(secret), _) if secret.len() >= 32 => Some(Secret::from(secret)),
            (Some(_), _) => {
                return Err(ConfigError {
                    variable: "ORDER_SIGNING_SECRET",
                    message: "must be at least 32 characters".into(),
                })
            }
            (None, ProviderMode::Sandbox) => {
                Some(Secret::from(SANDBOX_ORDER_SIGNING_SECRET.to_string()))
            }
            (None, ProviderMode::Live) => None,
        };

        Ok(Self {
            bind,
            order_signing_secret,
            public_url,
            database_url: lookup("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://checkout.sqlite3".into()),
            mode,
            admin_token,
            admin_token_is_default,
            yassir,
            yabetoo,
            sandbox,
            redirect_origins,
            coverage,
            yassir_test_mode,
            yabetoo_test_mode,
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

/// `WEBHOOK_URLS`, `WEBHOOK_SECRET`, the retry knobs and the providers' webhook secrets.
fn webhook_config(
    lookup: &impl Fn(&str) -> Option<String>,
    mode: ProviderMode,
    local_base: &str,
) -> Result<WebhookConfig, ConfigError> {
    let urls = match lookup("WEBHOOK_URLS") {
        Some(list) if list.trim() == "off" => Vec::new(),
        Some(list) => split_list(&list),
        None if mode == ProviderMode::Sandbox => vec![format!("{local_base}{DEMO_RECEIVER_PATH}")],
        None => Vec::new(),
    };
    for url in &urls {
        let lower = url.to_ascii_lowercase();
        let secure = lower.starts_with("https://");
        if !(secure || lower.starts_with("http://")) {
            return Err(ConfigError {
                variable: "WEBHOOK_URLS",
                message: format!("`{url}` is not an absolute http:// or https:// URL"),
            });
        }
        if mode == ProviderMode::Live && !secure && !loopback(url) {
            return Err(ConfigError {
                variable: "WEBHOOK_URLS",
                message: format!(
                    "`{url}`: live events carry payment data, so only https:// URLs (or http:// to this machine's loopback)"
                ),
            });
        }
    }
    let secrets: Vec<Secret> = match lookup("WEBHOOK_SECRET") {
        Some(list) => list
            .split([',', ' '])
            .filter(|secret| !secret.is_empty())
            .map(|secret| Secret::from(secret.to_string()))
            .collect(),
        None if mode == ProviderMode::Sandbox => {
            vec![Secret::from(SANDBOX_WEBHOOK_SECRET.to_string())]
        }
        None => Vec::new(),
    };
    for secret in &secrets {
        crate::webhooks::signing::check_secret(secret.expose()).map_err(|error| ConfigError {
            variable: "WEBHOOK_SECRET",
            message: error.to_string(),
        })?;
        if mode == ProviderMode::Live {
            refuse_published("WEBHOOK_SECRET", secret.expose())?;
        }
    }
    if !urls.is_empty() && secrets.is_empty() {
        return Err(ConfigError {
            variable: "WEBHOOK_SECRET",
            message: "is required with WEBHOOK_URLS: every event is signed".into(),
        });
    }
    let defaults = crate::webhooks::dispatch::RetryPolicy::default();
    let retry = crate::webhooks::dispatch::RetryPolicy {
        first_retry: Duration::from_millis(parse(lookup, "WEBHOOK_FIRST_RETRY_MS", 5_000)?),
        max_interval: Duration::from_millis(parse(
            lookup,
            "WEBHOOK_MAX_RETRY_INTERVAL_MS",
            u64::try_from(defaults.max_interval.as_millis()).unwrap_or(u64::MAX),
        )?),
        give_up_after: Duration::from_secs(parse(
            lookup,
            "WEBHOOK_RETRY_FOR_SECONDS",
            defaults.give_up_after.as_secs(),
        )?),
    };
    let provider_secret = |variable: &'static str, sandbox_default: Option<&str>| {
        lookup(variable)
            .or_else(|| {
                (mode == ProviderMode::Sandbox)
                    .then(|| sandbox_default.map(str::to_string))
                    .flatten()
            })
            .map(Secret::from)
    };
    let ca_pem = match lookup("WEBHOOK_CA_FILE") {
        Some(path) => {
            let pem = std::fs::read(&path).map_err(|error| ConfigError {
                variable: "WEBHOOK_CA_FILE",
                message: format!("cannot read `{path}`: {error}"),
            })?;
            match reqwest::Certificate::from_pem_bundle(&pem) {
                Ok(certificates) if !certificates.is_empty() => Some(pem),
                _ => {
                    return Err(ConfigError {
                        variable: "WEBHOOK_CA_FILE",
                        message: format!("`{path}` holds no PEM certificate"),
                    })
                }
            }
        }
        None => None,
    };
    // The providers issue their secrets: only the published ones are refused.
    if mode == ProviderMode::Live {
        for variable in ["YABETOO_WEBHOOK_SECRET", "YASSIR_WEBHOOK_SECRET"] {
            if let Some(secret) = lookup(variable) {
                refuse_published(variable, &secret)?;
            }
        }
    }
    Ok(WebhookConfig {
        ca_pem,
        urls,
        secrets,
        retry,
        timeout: Duration::from_millis(parse(lookup, "WEBHOOK_TIMEOUT_MS", 10_000)?),
        yabetoo_secret: provider_secret(
            "YABETOO_WEBHOOK_SECRET",
            Some(checkout_sandbox::yabetoo::WEBHOOK_SECRET),
        ),
        yassir_secret: provider_secret(
            "YASSIR_WEBHOOK_SECRET",
            Some(checkout_sandbox::yassir::WEBHOOK_SECRET),
        ),
    })
}

/// A live server talks to the providers with the credentials they issued: the sandbox's
/// well-known ones, or a provider URL that is this server itself (which serves no sandbox in
/// live mode), can only be a deployment that took the demo's settings for production's.
fn refuse_the_sandbox(
    yassir: &YassirConfig,
    yabetoo: &YabetooConfig,
    this_server: &[&str],
) -> Result<(), ConfigError> {
    let sandbox = checkout_sandbox::Credentials::default();
    let refusal = |variable: &'static str, what: &str| ConfigError {
        variable,
        message: format!(
            "{what}: live mode needs the provider's own (PROVIDER_MODE=sandbox runs the sandbox)"
        ),
    };
    if yassir.client_secret == sandbox.yassir_client_secret {
        return Err(refusal(
            "YASSIR_CLIENT_SECRET",
            "is the sandbox's client secret",
        ));
    }
    if yabetoo.secret_key == sandbox.yabetoo_secret_key {
        return Err(refusal("YABETOO_SECRET_KEY", "is the sandbox's secret key"));
    }
    let origin = |url: &str| {
        let lower = url.trim().to_ascii_lowercase();
        let (scheme, rest) = lower.split_once("://").unwrap_or(("", &lower));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = authority
            .replace("localhost", "127.0.0.1")
            .replace("[::1]", "127.0.0.1");
        format!("{scheme}://{authority}")
    };
    let own: Vec<String> = this_server.iter().map(|url| origin(url)).collect();
    for (variable, url) in [
        ("YASSIR_BASE_URL", &yassir.base_url),
        ("YABETOO_BASE_URL", &yabetoo.base_url),
    ] {
        if own.contains(&origin(url)) {
            return Err(refusal(
                variable,
                &format!("`{url}` is this server's own sandbox"),
            ));
        }
    }
    Ok(())
}

/// Whether `url` is on this machine's loopback (`127.0.0.0/8`, `::1`, `localhost`): a delivery
/// there never crosses a network, so plain HTTP exposes nothing.
fn loopback(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
    {
        Ok(address) => address.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// The shortest admin token live mode takes.
const LIVE_ADMIN_TOKEN_LENGTH: usize = 24;

/// A secret the merchant chooses for live mode: none the project publishes, none too short or
/// too simple.
fn live_secret(variable: &'static str, value: &str, min_length: usize) -> Result<(), ConfigError> {
    match secrets::refusal(value, min_length) {
        Some(message) => Err(ConfigError { variable, message }),
        None => Ok(()),
    }
}

fn refuse_published(variable: &'static str, value: &str) -> Result<(), ConfigError> {
    if secrets::published(value) {
        return Err(ConfigError {
            variable,
            message: "is a value published with this project (the sandbox's, an example's or a test's): live mode needs your own".into(),
        });
    }
    Ok(())
}

fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(|item| item.trim().trim_end_matches('/').to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

fn required(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
) -> Result<String, ConfigError> {
    lookup(variable).ok_or(ConfigError {
        variable,
        message: "is required in live mode".into(),
    })
}

fn parse<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match lookup(variable) {
        None => Ok(default),
        Some(value) => value.parse().map_err(|_| ConfigError {
            variable,
            message: format!("`{value}` is not a valid number"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_run_the_sandbox_on_8787() {
        let config = config(&[]).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:8787");
        assert_eq!(config.mode, ProviderMode::Sandbox);
        assert_eq!(
            config.yassir.base_url,
            "http://127.0.0.1:8787/sandbox/yassir"
        );
        assert_eq!(
            config.yabetoo.base_url,
            "http://127.0.0.1:8787/sandbox/yabetoo"
        );
        assert_eq!(
            config.redirect_origins,
            vec!["http://127.0.0.1:8787".to_string()]
        );
    }

    #[test]
    fn port_and_bind_move_the_sandbox_too() {
        let config = config(&[("PORT", "9000"), ("BIND", "0.0.0.0")]).unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0:9000");
        assert_eq!(config.public_url, "http://127.0.0.1:9000");
        assert!(config.yassir.base_url.starts_with("http://127.0.0.1:9000/"));
    }

    #[test]
    fn a_lan_bind_reaches_the_embedded_sandbox_and_the_demo_receiver_on_that_address() {
        let config = config(&[("PORT", "9100"), ("BIND", "192.168.1.20")]).unwrap();
        assert_eq!(
            config.yassir.base_url,
            "http://192.168.1.20:9100/sandbox/yassir"
        );
        assert_eq!(
            config.yabetoo.base_url,
            "http://192.168.1.20:9100/sandbox/yabetoo"
        );
        assert_eq!(
            config.webhooks.urls,
            vec!["http://192.168.1.20:9100/demo/webhooks".to_string()]
        );
        assert_eq!(
            config.sandbox.webhooks.yassir.unwrap().url,
            "http://192.168.1.20:9100/webhooks/yassir"
        );
    }

    /// A secret of this run's own: live mode refuses every value written in the repository.
    fn fresh_secret() -> &'static str {
        Box::leak(crate::ids::random_id("live").into_boxed_str())
    }

    /// A `whsec_` secret of this run's own.
    fn fresh_whsec() -> &'static str {
        use base64::Engine;
        let key: [u8; 32] = rand::random();
        let encoded = base64::engine::general_purpose::STANDARD.encode(key);
        Box::leak(format!("whsec_{encoded}").into_boxed_str())
    }

    /// Every variable live mode needs, with secrets of this run's own.
    fn live_pairs() -> Vec<(&'static str, &'static str)> {
        vec![
            ("PROVIDER_MODE", "live"),
            ("YASSIR_BASE_URL", "https://api.payment.yassir.io"),
            ("YASSIR_CLIENT_ID", "client"),
            ("YASSIR_CLIENT_SECRET", "secret"),
            ("YASSIR_SERVICE", "SHOP"),
            ("YABETOO_BASE_URL", "https://pay.api.yabetoopay.com"),
            ("YABETOO_SECRET_KEY", "sk_live_x"),
            ("ADMIN_TOKEN", fresh_secret()),
        ]
    }

    #[test]
    fn live_mode_refuses_every_published_secret_and_weak_ones() {
        let mut base = live_pairs();
        base.extend([
            (
                "ORDER_SIGNING_SECRET",
                &*Box::leak(format!("{}{}", fresh_secret(), fresh_secret()).into_boxed_str()),
            ),
            ("WEBHOOK_URLS", "https://shop.example/hooks"),
            ("WEBHOOK_SECRET", fresh_whsec()),
            ("YABETOO_WEBHOOK_SECRET", fresh_whsec()),
            ("YASSIR_WEBHOOK_SECRET", fresh_whsec()),
        ]);
        let with = |variable: &'static str, value: &'static str| {
            let mut pairs: Vec<_> = base
                .iter()
                .filter(|(name, _)| *name != variable)
                .copied()
                .collect();
            pairs.push((variable, value));
            config(&pairs)
        };
        if let Err(error) = config(&base) {
            panic!("{}: {}", error.variable, error.message);
        }
        let published = [
            ("ADMIN_TOKEN", crate::secrets::SANDBOX_ADMIN_TOKEN),
            (
                "ORDER_SIGNING_SECRET",
                crate::secrets::SANDBOX_ORDER_SIGNING_SECRET,
            ),
            (
                "ORDER_SIGNING_SECRET",
                "a-merchant-signing-secret-of-32-chars-or-more",
            ),
            ("WEBHOOK_SECRET", crate::secrets::SANDBOX_WEBHOOK_SECRET),
            (
                "YABETOO_WEBHOOK_SECRET",
                checkout_sandbox::yabetoo::WEBHOOK_SECRET,
            ),
            (
                "YASSIR_WEBHOOK_SECRET",
                checkout_sandbox::yassir::WEBHOOK_SECRET,
            ),
        ];
        for (variable, value) in published {
            let error = with(variable, value).unwrap_err();
            assert_eq!(error.variable, variable);
            assert!(error.message.contains("published"), "{}", error.message);
            assert!(!error.message.contains(value), "the error shows no secret");
        }
        let short = with("ADMIN_TOKEN", "Zq8#kP2mXv4!").unwrap_err();
        assert!(short.message.contains("at least 24"), "{}", short.message);
        let simple = with(
            "ORDER_SIGNING_SECRET",
            "abababababababababababababababababab",
        )
        .unwrap_err();
        assert!(simple.message.contains("too simple"), "{}", simple.message);
        // The sandbox keeps its well-known defaults.
        assert!(config(&[]).is_ok());
    }

    #[test]
    fn webhook_settings_are_checked() {
        let live = live_pairs();
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = live.to_vec();
            pairs.extend_from_slice(extra);
            config(&pairs)
        };
        let plain = with(&[]).unwrap();
        assert!(plain.webhooks.urls.is_empty());
        assert!(plain.webhooks.yabetoo_secret.is_none());
        assert_eq!(plain.reconcile_first_check, plain.check_interval);
        let error = with(&[("WEBHOOK_URLS", "https://shop.example/hooks")]).unwrap_err();
        assert_eq!(error.variable, "WEBHOOK_SECRET");
        let error = with(&[
            ("WEBHOOK_URLS", "http://shop.example/hooks"),
            ("WEBHOOK_SECRET", fresh_whsec()),
        ])
        .unwrap_err();
        assert_eq!(error.variable, "WEBHOOK_URLS");
        // Plain HTTP only to this machine's loopback, where nothing crosses a network.
        for local in [
            "http://127.0.0.1:9000/hooks",
            "http://localhost/in",
            "http://[::1]:81/",
        ] {
            let loopback = with(&[("WEBHOOK_URLS", local), ("WEBHOOK_SECRET", fresh_whsec())]);
            assert!(loopback.is_ok(), "{local}");
        }
        let error = with(&[
            ("WEBHOOK_URLS", "https://shop.example/hooks"),
            ("WEBHOOK_SECRET", "not-a-whsec"),
        ])
        .unwrap_err();
        assert_eq!(error.variable, "WEBHOOK_SECRET");
        assert!(!error.message.contains("not-a-whsec"));
        let rotating = with(&[
            (
                "WEBHOOK_URLS",
                "https://shop.example/hooks, https://erp.example/in",
            ),
            (
                "WEBHOOK_SECRET",
                Box::leak(format!("{} {}", fresh_whsec(), fresh_whsec()).into_boxed_str()),
            ),
            ("YABETOO_WEBHOOK_SECRET", fresh_whsec()),
        ])
        .unwrap();
        assert_eq!(rotating.webhooks.urls.len(), 2);
        assert_eq!(rotating.webhooks.secrets.len(), 2);
        assert_eq!(rotating.reconcile_first_check, Duration::from_secs(30));
        let off = config(&[("WEBHOOK_URLS", "off"), ("SANDBOX_WEBHOOKS", "off")]).unwrap();
        assert!(off.webhooks.urls.is_empty());
        assert!(off.sandbox.webhooks.yassir.is_none());
    }

    #[test]
    fn live_mode_refuses_the_sandboxs_credentials_and_itself() {
        let live = |pairs: &[(&'static str, &'static str)]| {
            let mut all = vec![
                ("PROVIDER_MODE", "live"),
                ("PORT", "9200"),
                ("YASSIR_BASE_URL", "https://api.payment.yassir.io"),
                ("YASSIR_CLIENT_ID", "client"),
                ("YASSIR_CLIENT_SECRET", "issued-secret"),
                ("YASSIR_SERVICE", "SHOP"),
                ("YABETOO_BASE_URL", "https://pay.api.yabetoopay.com"),
                ("YABETOO_SECRET_KEY", "sk_live_issued"),
                ("ADMIN_TOKEN", fresh_secret()),
            ];
            all.extend_from_slice(pairs);
            config(&all)
        };
        assert!(live(&[]).is_ok());
        // A test key of the provider's own sandbox is the provider's: taken.
        assert!(live(&[
            ("YABETOO_SECRET_KEY", "sk_test_issued"),
            ("YABETOO_BASE_URL", "https://pay.sandbox.yabetoopay.com"),
        ])
        .is_ok());
        for (pairs, variable) in [
            (
                vec![("YASSIR_CLIENT_SECRET", "test_secret")],
                "YASSIR_CLIENT_SECRET",
            ),
            (
                vec![("YABETOO_SECRET_KEY", "sk_test_sandbox")],
                "YABETOO_SECRET_KEY",
            ),
            (
                vec![("YASSIR_BASE_URL", "http://127.0.0.1:9200/sandbox/yassir")],
                "YASSIR_BASE_URL",
            ),
            (
                vec![("YABETOO_BASE_URL", "http://localhost:9200/sandbox/yabetoo")],
                "YABETOO_BASE_URL",
            ),
        ] {
            let error = live(&pairs).unwrap_err();
            assert_eq!(error.variable, variable, "{pairs:?}");
            assert!(!error.message.contains("test_secret"), "{error}");
        }
    }

    #[test]
    fn live_mode_names_the_missing_variable() {
        let error = config(&[("PROVIDER_MODE", "live")]).unwrap_err();
        assert_eq!(error.variable, "YASSIR_BASE_URL");
    }

    /// Every variable live mode needs, with Yassir's `base` and Yabetoo's `key`.
    fn live(
        base: &str,
        key: &str,
        more: &[(&'static str, &'static str)],
    ) -> Result<Config, ConfigError> {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("PROVIDER_MODE", "live"),
            ("YASSIR_BASE_URL", base),
            ("YASSIR_CLIENT_ID", "client"),
            ("YASSIR_CLIENT_SECRET", "secret"),
            ("YASSIR_SERVICE", "EXT_SHOP"),
            ("YABETOO_BASE_URL", "https://pay.sandbox.yabetoopay.com"),
            ("YABETOO_SECRET_KEY", key),
            ("ADMIN_TOKEN", fresh_secret()),
        ];
        pairs.extend_from_slice(more);
        config(&pairs)
    }

    #[test]
    fn staging_needs_the_origin_of_its_otp_pages() {
        let error = live(YASSIR_STAGING, "sk_test_x", &[]).unwrap_err();
        assert_eq!(error.variable, "REDIRECT_ORIGINS");
        let staging = live(
            YASSIR_STAGING,
            "sk_test_x",
            &[("REDIRECT_ORIGINS", "https://stg-otp.example")],
        )
        .unwrap();
        assert_eq!(staging.redirect_origins, ["https://stg-otp.example"]);
        assert!(staging.yassir_test_mode);
        let production = live(YASSIR_PRODUCTION, "sk_live_x", &[]).unwrap();
        assert_eq!(production.redirect_origins, [YASSIR_PRODUCTION_OTP]);
        assert!(!production.yassir_test_mode && !production.yabetoo_test_mode);
    }

    #[test]
    fn the_yassir_path_prefix_is_set_or_left_out() {
        let default = live(YASSIR_PRODUCTION, "sk_live_x", &[]).unwrap();
        assert_eq!(default.yassir.api_prefix, "/api/v1");
        let none = live(
            YASSIR_PRODUCTION,
            "sk_live_x",
            &[("YASSIR_API_PREFIX", "none")],
        )
        .unwrap();
        assert_eq!(none.yassir.api_prefix, "");
        let in_the_url = live("https://api.payment.yassir.io/api/v1/", "sk_live_x", &[]).unwrap();
        assert_eq!(in_the_url.yassir.base_url, YASSIR_PRODUCTION);
        assert_eq!(in_the_url.yassir.api_prefix, "/api/v1");
        assert_eq!(in_the_url.redirect_origins, [YASSIR_PRODUCTION_OTP]);
        let error = live(
            YASSIR_PRODUCTION,
            "sk_live_x",
            &[("YASSIR_API_PREFIX", "v1")],
        )
        .unwrap_err();
        assert_eq!(error.variable, "YASSIR_API_PREFIX");
    }

    #[test]
    fn test_numbers_follow_the_yabetoo_key() {
        let test_key = live(YASSIR_PRODUCTION, "sk_test_abc", &[]).unwrap();
        assert!(test_key.yabetoo_test_mode);
        let live_key = live(YASSIR_PRODUCTION, "sk_live_abc", &[]).unwrap();
        assert!(!live_key.yabetoo_test_mode);
    }

    #[test]
    fn cameroon_is_offered_only_when_named_unverified() {
        assert!(config(&[]).unwrap().coverage.cameroon_unverified);
        assert!(
            !live(YASSIR_PRODUCTION, "sk_live_x", &[])
                .unwrap()
                .coverage
                .cameroon_unverified
        );
        let named = live(
            YASSIR_PRODUCTION,
            "sk_live_x",
            &[("MOBILE_MONEY_UNVERIFIED_COUNTRIES", "cm")],
        )
        .unwrap();
        assert!(named.coverage.cameroon_unverified);
        let off = config(&[("MOBILE_MONEY_UNVERIFIED_COUNTRIES", "none")]).unwrap();
        assert!(!off.coverage.cameroon_unverified);
        let error = config(&[("MOBILE_MONEY_UNVERIFIED_COUNTRIES", "ga")]).unwrap_err();
        assert_eq!(error.variable, "MOBILE_MONEY_UNVERIFIED_COUNTRIES");
    }

    #[test]
    fn bad_numbers_are_refused() {
        let error = config(&[("PORT", "eighty")]).unwrap_err();
        assert_eq!(error.variable, "PORT");
    }
}
