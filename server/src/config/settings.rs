//! The server's settings, declared once: each variable with its default and what it does, as
//! `checkout-server --help` prints them and as `docs/configuration.md` is checked against them.
//! Each is a variable or the flag of the same name (`PORT=9000` or `--port 9000`; the flag
//! wins), and an empty variable counts as unset. A setting whose default depends on the mode is
//! optional here; its module in [`super`] says what unset means.

use std::path::PathBuf;

use checkout_sandbox::SandboxSettings;
use clap::{Parser, ValueEnum};

/// Whether the server talks to its own embedded sandbox or to the providers' APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderMode {
    Sandbox,
    Live,
}

// Not `Debug`: it holds secrets as they were given.
#[derive(Clone, Parser)]
#[command(
    name = "checkout-server",
    version,
    about = "The checkout's merchant backend, with an embedded sandbox of Yassir Cash and Yabetoo \
             mobile money",
    after_help = "Every setting is a variable or the flag of the same name (the flag wins; keep \
                  secrets in variables); an empty variable counts as unset. Live mode refuses \
                  to start on any secret published with the project. docs/configuration.md \
                  says more of each; docs/going-live.md lists what live mode needs. Health: \
                  GET /healthz and GET /readyz; metrics: GET /metrics with the admin token. \
                  Build for production with `cargo build --release -p checkout-server`."
)]
pub struct Settings {
    // Where it listens, where payments live.
    /// `sandbox`: the embedded simulators, no money moves; `live`: the real providers
    #[arg(long, env = "PROVIDER_MODE", value_name = "MODE", value_enum, default_value_t = ProviderMode::Sandbox, help_heading = "Where it listens, where payments live")]
    pub provider_mode: ProviderMode,
    /// The port it listens on
    #[arg(
        long,
        env = "PORT",
        default_value_t = 8787,
        help_heading = "Where it listens, where payments live"
    )]
    pub port: u16,
    /// The address it listens on (IPv4 or IPv6)
    #[arg(
        long,
        env = "BIND",
        value_name = "ADDRESS",
        default_value = "127.0.0.1",
        help_heading = "Where it listens, where payments live"
    )]
    pub bind: String,
    /// How browsers reach the server [default: http://BIND:PORT, 127.0.0.1 for 0.0.0.0]
    #[arg(
        long,
        env = "PUBLIC_URL",
        value_name = "URL",
        help_heading = "Where it listens, where payments live"
    )]
    pub public_url: Option<String>,
    /// Where payments live: sqlite://path, or postgres://user:password@host:5432/database
    #[arg(
        long,
        env = "DATABASE_URL",
        value_name = "URL",
        default_value = "sqlite://checkout.sqlite3",
        hide_env_values = true,
        help_heading = "Where it listens, where payments live"
    )]
    pub database_url: String,
    /// The widget's release build, served on /widget/
    #[arg(
        long,
        env = "WIDGET_DIR",
        value_name = "DIR",
        default_value = "dist",
        help_heading = "Where it listens, where payments live"
    )]
    pub widget_dir: PathBuf,
    /// The embedding example pages, served on /examples/ in sandbox mode
    #[arg(
        long,
        env = "EXAMPLES_DIR",
        value_name = "DIR",
        default_value = "examples",
        help_heading = "Where it listens, where payments live"
    )]
    pub examples_dir: PathBuf,
    /// What the log shows (tracing's EnvFilter syntax)
    #[arg(
        long,
        env = "RUST_LOG",
        value_name = "FILTER",
        default_value = "info,tower_http=warn",
        help_heading = "Where it listens, where payments live"
    )]
    pub rust_log: String,

    /// Bearer token of the admin API [default: admin_test_token in sandbox mode; required in live mode]
    #[arg(
        long,
        env = "ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true,
        help_heading = "Secrets the merchant chooses"
    )]
    pub admin_token: Option<String>,
    /// Key of the merchant's order tokens [default: the sandbox's in sandbox mode; none, tokens refused, in live mode]
    #[arg(
        long,
        env = "ORDER_SIGNING_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        help_heading = "Secrets the merchant chooses"
    )]
    pub order_signing_secret: Option<String>,
    /// The whsec_ secrets that sign the merchant's webhooks, space- or comma-separated [default: the sandbox's in sandbox mode]
    #[arg(
        long,
        env = "WEBHOOK_SECRET",
        value_name = "SECRETS",
        hide_env_values = true,
        help_heading = "Secrets the merchant chooses"
    )]
    pub webhook_secret: Option<String>,

    /// Yassir's API [default: the embedded sandbox; required in live mode]
    #[arg(
        long,
        env = "YASSIR_BASE_URL",
        value_name = "URL",
        help_heading = "Providers"
    )]
    pub yassir_base_url: Option<String>,
    /// The path before Yassir's routes, or `none` [default: /api/v1]
    #[arg(
        long,
        env = "YASSIR_API_PREFIX",
        value_name = "PATH",
        help_heading = "Providers"
    )]
    pub yassir_api_prefix: Option<String>,
    /// Yassir's client id [default: test_client in sandbox mode; required in live mode]
    #[arg(
        long,
        env = "YASSIR_CLIENT_ID",
        value_name = "ID",
        help_heading = "Providers"
    )]
    pub yassir_client_id: Option<String>,
    /// Yassir's client secret [default: test_secret in sandbox mode; required in live mode]
    #[arg(
        long,
        env = "YASSIR_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        help_heading = "Providers"
    )]
    pub yassir_client_secret: Option<String>,
    /// The x-service given at onboarding [default: EXT_DEMO_SHOP in sandbox mode; required in live mode]
    #[arg(
        long,
        env = "YASSIR_SERVICE",
        value_name = "SERVICE",
        help_heading = "Providers"
    )]
    pub yassir_service: Option<String>,
    /// Yabetoo's API [default: the embedded sandbox; required in live mode]
    #[arg(
        long,
        env = "YABETOO_BASE_URL",
        value_name = "URL",
        help_heading = "Providers"
    )]
    pub yabetoo_base_url: Option<String>,
    /// sk_live_… or sk_test_… [default: sk_test_sandbox in sandbox mode; required in live mode]
    #[arg(
        long,
        env = "YABETOO_SECRET_KEY",
        value_name = "KEY",
        hide_env_values = true,
        help_heading = "Providers"
    )]
    pub yabetoo_secret_key: Option<String>,
    /// Mobile-money countries offered although Yabetoo is not known to serve them: cm, or none [default: cm in sandbox mode, none in live mode]
    #[arg(
        long,
        env = "MOBILE_MONEY_UNVERIFIED_COUNTRIES",
        value_name = "COUNTRIES",
        help_heading = "Providers"
    )]
    pub mobile_money_unverified_countries: Option<String>,
    /// Origins the widget may follow a payUrl to, comma-separated [default: PUBLIC_URL in sandbox mode; Yassir production's OTP pages in live mode]
    #[arg(
        long,
        env = "REDIRECT_ORIGINS",
        value_name = "ORIGINS",
        help_heading = "Providers"
    )]
    pub redirect_origins: Option<String>,
    /// Origins of merchant pages allowed to call the shopper API, comma-separated, or * [default: any in sandbox mode, none in live mode]
    #[arg(
        long,
        env = "CORS_ORIGINS",
        value_name = "ORIGINS",
        help_heading = "Providers"
    )]
    pub cors_origins: Option<String>,
    /// Per-request provider timeout (ms)
    #[arg(
        long,
        env = "PROVIDER_TIMEOUT_MS",
        value_name = "MS",
        default_value_t = 15_000,
        help_heading = "Providers"
    )]
    pub provider_timeout_ms: u64,
    /// How long a mobile-money confirm may wait for the shopper (ms)
    #[arg(
        long,
        env = "YABETOO_CONFIRM_TIMEOUT_MS",
        value_name = "MS",
        default_value_t = 120_000,
        help_heading = "Providers"
    )]
    pub yabetoo_confirm_timeout_ms: u64,

    /// The longest an API request may take, then 408 (ms)
    #[arg(
        long,
        env = "REQUEST_TIMEOUT_MS",
        value_name = "MS",
        default_value_t = 45_000,
        help_heading = "Limits and timeouts"
    )]
    pub request_timeout_ms: u64,
    /// The reverse proxies in front, whose forwarded client addresses are believed (addresses or networks, comma-separated)
    #[arg(
        long,
        env = "TRUSTED_PROXIES",
        value_name = "NETWORKS",
        default_value = "",
        hide_default_value = true,
        help_heading = "Limits and timeouts"
    )]
    pub trusted_proxies: String,
    /// How long a connection may take to send a request head (ms)
    #[arg(
        long,
        env = "HEADER_READ_TIMEOUT_MS",
        value_name = "MS",
        default_value_t = 10_000,
        help_heading = "Limits and timeouts"
    )]
    pub header_read_timeout_ms: u64,
    /// Connections open at once
    #[arg(
        long,
        env = "MAX_CONNECTIONS",
        value_name = "COUNT",
        default_value_t = 4096,
        help_heading = "Limits and timeouts"
    )]
    pub max_connections: usize,
    /// Creates and submits per client address per minute (0: off)
    #[arg(
        long,
        env = "RATE_LIMIT_PER_CLIENT_PER_MINUTE",
        value_name = "COUNT",
        default_value_t = 120,
        help_heading = "Limits and timeouts"
    )]
    pub rate_limit_per_client_per_minute: u32,
    /// Submits per phone per hour (0: off) [default: 5 in live mode, off in sandbox mode]
    #[arg(
        long,
        env = "RATE_LIMIT_PER_PHONE_PER_HOUR",
        value_name = "COUNT",
        help_heading = "Limits and timeouts"
    )]
    pub rate_limit_per_phone_per_hour: Option<u32>,
    /// Creates per order per minute (0: off)
    #[arg(
        long,
        env = "RATE_LIMIT_CREATES_PER_ORDER_PER_MINUTE",
        value_name = "COUNT",
        default_value_t = 20,
        help_heading = "Limits and timeouts"
    )]
    pub rate_limit_creates_per_order_per_minute: u32,
    /// Creates per Yassir wallet phone per hour (0: off) [default: 20 in live mode, off in sandbox mode]
    #[arg(
        long,
        env = "RATE_LIMIT_CREATES_PER_PHONE_PER_HOUR",
        value_name = "COUNT",
        help_heading = "Limits and timeouts"
    )]
    pub rate_limit_creates_per_phone_per_hour: Option<u32>,
    /// Mobile-money confirmations waiting for shoppers at once
    #[arg(
        long,
        env = "MAX_CONFIRMS_IN_FLIGHT",
        value_name = "COUNT",
        default_value_t = 256,
        help_heading = "Limits and timeouts"
    )]
    pub max_confirms_in_flight: usize,
    /// Of those, how many one client address may hold
    #[arg(
        long,
        env = "MAX_CONFIRMS_PER_CLIENT",
        value_name = "COUNT",
        default_value_t = 32,
        help_heading = "Limits and timeouts"
    )]
    pub max_confirms_per_client: usize,

    /// Shortest time between two provider checks of one payment (ms)
    #[arg(
        long,
        env = "CHECK_INTERVAL_MS",
        value_name = "MS",
        default_value_t = 1_000,
        help_heading = "Following payments up"
    )]
    pub check_interval_ms: u64,
    /// How often payments nobody polls are followed up (ms)
    #[arg(
        long,
        env = "RECONCILE_INTERVAL_MS",
        value_name = "MS",
        default_value_t = 5_000,
        help_heading = "Following payments up"
    )]
    pub reconcile_interval_ms: u64,
    /// The longest backoff between two checks of one payment (ms)
    #[arg(
        long,
        env = "RECONCILE_MAX_INTERVAL_MS",
        value_name = "MS",
        default_value_t = 300_000,
        help_heading = "Following payments up"
    )]
    pub reconcile_max_interval_ms: u64,
    /// Reconcile's first wait for a payment nobody polls (ms) [default: 30000 with provider webhooks, else CHECK_INTERVAL_MS]
    #[arg(
        long,
        env = "RECONCILE_FIRST_CHECK_MS",
        value_name = "MS",
        help_heading = "Following payments up"
    )]
    pub reconcile_first_check_ms: Option<u64>,
    /// Payments older than this are left to polls, admin reads and webhooks (s)
    #[arg(long, env = "RECONCILE_MAX_AGE_SECONDS", value_name = "SECONDS", default_value_t = 7 * 24 * 3600, help_heading = "Following payments up")]
    pub reconcile_max_age_seconds: u64,
    /// How long the provider may show a payment untouched after an unclear answer before that means "never arrived" (ms)
    #[arg(
        long,
        env = "UNKNOWN_OUTCOME_GRACE_MS",
        value_name = "MS",
        default_value_t = 120_000,
        help_heading = "Following payments up"
    )]
    pub unknown_outcome_grace_ms: u64,
    /// A payment in flight this long after it was sent waits for the merchant (s)
    #[arg(
        long,
        env = "ATTENTION_AFTER_SECONDS",
        value_name = "SECONDS",
        default_value_t = 3600,
        help_heading = "Following payments up"
    )]
    pub attention_after_seconds: u64,
    /// Lifetime of an order token minted without an expiry (s)
    #[arg(
        long,
        env = "ORDER_TOKEN_TTL_SECONDS",
        value_name = "SECONDS",
        default_value_t = 86_400,
        help_heading = "Following payments up"
    )]
    pub order_token_ttl_seconds: u64,

    /// The merchant's webhook endpoints, comma-separated, or off [default: the demo receiver in sandbox mode; none in live mode]
    #[arg(
        long,
        env = "WEBHOOK_URLS",
        value_name = "URLS",
        help_heading = "Webhooks"
    )]
    pub webhook_urls: Option<String>,
    /// The first wait before a failed delivery is retried (ms)
    #[arg(
        long,
        env = "WEBHOOK_FIRST_RETRY_MS",
        value_name = "MS",
        default_value_t = 5_000,
        help_heading = "Webhooks"
    )]
    pub webhook_first_retry_ms: u64,
    /// The longest wait between two retries of a delivery (ms)
    #[arg(long, env = "WEBHOOK_MAX_RETRY_INTERVAL_MS", value_name = "MS", default_value_t = 6 * 3600 * 1000, help_heading = "Webhooks")]
    pub webhook_max_retry_interval_ms: u64,
    /// How long a delivery is retried (s)
    #[arg(long, env = "WEBHOOK_RETRY_FOR_SECONDS", value_name = "SECONDS", default_value_t = 3 * 24 * 3600, help_heading = "Webhooks")]
    pub webhook_retry_for_seconds: u64,
    /// How long an endpoint may take to answer one delivery (ms)
    #[arg(
        long,
        env = "WEBHOOK_TIMEOUT_MS",
        value_name = "MS",
        default_value_t = 10_000,
        help_heading = "Webhooks"
    )]
    pub webhook_timeout_ms: u64,
    /// A PEM file of certificate authorities also trusted for the webhook endpoints
    #[arg(
        long,
        env = "WEBHOOK_CA_FILE",
        value_name = "FILE",
        help_heading = "Webhooks"
    )]
    pub webhook_ca_file: Option<PathBuf>,
    /// The secret Yabetoo signs its webhooks with; they are refused without one [default: the sandbox's in sandbox mode]
    #[arg(
        long,
        env = "YABETOO_WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        help_heading = "Webhooks"
    )]
    pub yabetoo_webhook_secret: Option<String>,
    /// The secret of Yassir's signed webhooks; read unsigned without one [default: the sandbox's in sandbox mode]
    #[arg(
        long,
        env = "YASSIR_WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        help_heading = "Webhooks"
    )]
    pub yassir_webhook_secret: Option<String>,
    /// Provider notifications taken per provider per minute (0: off)
    #[arg(
        long,
        env = "RATE_LIMIT_WEBHOOKS_PER_MINUTE",
        value_name = "COUNT",
        default_value_t = 600,
        help_heading = "Webhooks"
    )]
    pub rate_limit_webhooks_per_minute: u32,
    /// How long provider notifications and delivered merchant events are kept (days)
    #[arg(
        long,
        env = "RETENTION_DAYS",
        value_name = "DAYS",
        default_value_t = 30,
        help_heading = "Webhooks"
    )]
    pub retention_days: u64,

    #[command(flatten)]
    pub sandbox: SandboxSettings,
}

impl Settings {
    /// The arguments and the environment of this process; `--help`, `--version`, a mistake or
    /// a value that cannot be used print and exit.
    pub fn read_or_exit() -> Self {
        checkout_sandbox::settings::read_or_exit()
    }

    /// Settings through `lookup` alone, never the process's environment.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, checkout_sandbox::ConfigError> {
        use clap::CommandFactory;
        checkout_sandbox::settings::from_lookup(Self::command(), lookup)
    }
}
