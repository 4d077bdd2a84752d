//! Yabetoo Pay adapter (payment intents, mobile money confirm and retrieve).

use std::time::Duration;

/// Where and how to reach Yabetoo. From `YABETOO_*` environment variables in production.
#[derive(Debug, Clone)]
pub struct YabetooConfig {
    /// `https://pay.api.yabetoopay.com`, `https://pay.sandbox.yabetoopay.com`, or the sandbox
    /// (`http://127.0.0.1:8787/sandbox/yabetoo`). Paths `/v1/...` are appended.
    pub base_url: String,
    /// `sk_live_…` / `sk_test_…`.
    pub secret_key: String,
    /// Timeout of ordinary requests.
    pub timeout: Duration,
    /// Timeout of confirm, which holds the request until the shopper answers (~90 s).
    pub confirm_timeout: Duration,
}

/// Speaks Yabetoo's HTTP API.
#[derive(Debug, Clone)]
pub struct YabetooClient {
    config: YabetooConfig,
    http: reqwest::Client,
}

impl YabetooClient {
    pub fn new(config: YabetooConfig, http: reqwest::Client) -> Self {
        Self { config, http }
    }
}
