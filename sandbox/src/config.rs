use std::fmt;
use std::time::Duration;

use crate::faults::FaultRule;
use crate::webhooks::{WebhookTarget, WebhookTargets};

/// Knobs of the simulators. Defaults suit the demo; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Base URL the shopper's browser uses to reach the sandbox (`http://127.0.0.1:8787`),
    /// used to build absolute `payUrl`s and page links. When `None`, the request's `Host` is used.
    pub public_base_url: Option<String>,
    /// How long Yabetoo's documented test numbers take to settle by themselves.
    pub momo_settle_delay: Duration,
    /// How long a prompt waits on the sandbox phone page before it expires (Yabetoo: ~90 s).
    pub momo_prompt_timeout: Duration,
    /// Lifetime of a Yassir intent (`expiresAt` = creation + this).
    pub yassir_intent_ttl: Duration,
    /// How long the "slow provider" test numbers make a request wait.
    pub slow_delay: Duration,
    /// Faults in force from the start; more can be added at [`crate::FAULTS_MOUNT`].
    pub faults: Vec<FaultRule>,
    /// Where the providers' webhooks go (none by default).
    pub webhooks: WebhookTargets,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            public_base_url: None,
            momo_settle_delay: Duration::from_secs(3),
            momo_prompt_timeout: Duration::from_secs(90),
            yassir_intent_ttl: Duration::from_secs(15 * 60),
            slow_delay: Duration::from_secs(30),
            faults: Vec::new(),
            webhooks: WebhookTargets::default(),
        }
    }
}

/// A `SANDBOX_*` variable that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl SandboxConfig {
    /// Reads the `SANDBOX_*` variables of the process environment (an empty one counts as unset).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads the `SANDBOX_*` variables through `lookup`; what is not set keeps its default.
    ///
    /// | variable | default | |
    /// |---|---|---|
    /// | `SANDBOX_SETTLE_DELAY_MS` | 3000 | [`Self::momo_settle_delay`] |
    /// | `SANDBOX_PROMPT_TIMEOUT_MS` | 90000 | [`Self::momo_prompt_timeout`] |
    /// | `SANDBOX_SLOW_DELAY_MS` | 30000 | [`Self::slow_delay`] |
    /// | `SANDBOX_PUBLIC_URL` | none: the request's `Host` | [`Self::public_base_url`] |
    /// | `SANDBOX_FAULTS` | none | [`Self::faults`], in the compact form of [`crate::faults`] |
    /// | `SANDBOX_YASSIR_WEBHOOK_URL` | none | where Yassir's webhooks go ([`Self::webhooks`]) |
    /// | `SANDBOX_YASSIR_WEBHOOK_SECRET` | none: unsigned | the secret that signs them |
    /// | `SANDBOX_YABETOO_WEBHOOK_URL` | none | where Yabetoo's webhooks go |
    /// | `SANDBOX_YABETOO_WEBHOOK_SECRET` | [`crate::yabetoo::WEBHOOK_SECRET`] | the secret that signs them |
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let millis = |variable: &'static str, default: Duration| match lookup(variable) {
            None => Ok(default),
            Some(value) => value
                .trim()
                .parse()
                .map(Duration::from_millis)
                .map_err(|_| ConfigError {
                    variable,
                    message: format!("`{value}` is not a valid number of milliseconds"),
                }),
        };
        let public_base_url = match lookup("SANDBOX_PUBLIC_URL") {
            None => None,
            Some(url) => {
                let url = url.trim().trim_end_matches('/');
                let lower = url.to_ascii_lowercase();
                let host = lower
                    .strip_prefix("http://")
                    .or_else(|| lower.strip_prefix("https://"));
                if host.is_none_or(|host| host.is_empty()) {
                    return Err(ConfigError {
                        variable: "SANDBOX_PUBLIC_URL",
                        message: format!(
                            "`{url}` is not an absolute http:// or https:// URL such as http://127.0.0.1:8788"
                        ),
                    });
                }
                Some(url.to_string())
            }
        };
        let faults = match lookup("SANDBOX_FAULTS") {
            None => Vec::new(),
            Some(list) => FaultRule::parse_list(&list).map_err(|error| ConfigError {
                variable: "SANDBOX_FAULTS",
                message: error.to_string(),
            })?,
        };
        let mut webhooks = WebhookTargets::default();
        for (slot, url_variable, secret_variable) in [
            (
                &mut webhooks.yassir,
                "SANDBOX_YASSIR_WEBHOOK_URL",
                "SANDBOX_YASSIR_WEBHOOK_SECRET",
            ),
            (
                &mut webhooks.yabetoo,
                "SANDBOX_YABETOO_WEBHOOK_URL",
                "SANDBOX_YABETOO_WEBHOOK_SECRET",
            ),
        ] {
            if let Some(url) = lookup(url_variable) {
                let url = url.trim().to_string();
                let lower = url.to_ascii_lowercase();
                if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                    return Err(ConfigError {
                        variable: url_variable,
                        message: format!("`{url}` is not an absolute http:// or https:// URL"),
                    });
                }
                *slot = Some(WebhookTarget {
                    url,
                    secret: lookup(secret_variable),
                });
            }
        }
        Ok(Self {
            public_base_url,
            webhooks,
            momo_settle_delay: millis("SANDBOX_SETTLE_DELAY_MS", defaults.momo_settle_delay)?,
            momo_prompt_timeout: millis("SANDBOX_PROMPT_TIMEOUT_MS", defaults.momo_prompt_timeout)?,
            slow_delay: millis("SANDBOX_SLOW_DELAY_MS", defaults.slow_delay)?,
            faults,
            ..defaults
        })
    }
}
