//! Yassir payment gateway adapter (Payment Intents API, Yassir Cash `WALLET_V2`).

use std::time::Duration;

/// Where and how to reach Yassir. From `YASSIR_*` environment variables in production.
#[derive(Debug, Clone)]
pub struct YassirConfig {
    /// `https://api.payment.yassir.io`, `https://stg-api.payment.yassir.io`, or the sandbox
    /// (`http://127.0.0.1:8787/sandbox/yassir`). Paths `/api/v1/...` are appended.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// `x-service`, given at onboarding.
    pub service: String,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// Speaks Yassir's HTTP API.
#[derive(Debug, Clone)]
pub struct YassirClient {
    config: YassirConfig,
    http: reqwest::Client,
}

impl YassirClient {
    pub fn new(config: YassirConfig, http: reqwest::Client) -> Self {
        Self { config, http }
    }
}
