//! Webhooks both ways: the merchant's endpoints and secrets (`WEBHOOK_*`), the delivery
//! retries, and the secrets the providers sign their notifications with.

use std::time::Duration;

use super::live::refuse_published;
use super::{split_list, ConfigError, ProviderMode, Settings};
use crate::secrets::{Secret, SANDBOX_WEBHOOK_SECRET};

/// Webhooks both ways: the providers' notifications in, the merchant's events out.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// The merchant's endpoints; every event goes to each.
    pub urls: Vec<String>,
    /// `whsec_` secrets that sign each event (several during a rotation).
    pub secrets: Vec<Secret>,
    pub retry: crate::merchant_webhooks::dispatch::RetryPolicy,
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

/// `WEBHOOK_URLS`, `WEBHOOK_SECRET`, the retry knobs and the providers' webhook secrets.
pub(super) fn read(settings: &Settings, local_base: &str) -> Result<WebhookConfig, ConfigError> {
    let mode = settings.provider_mode;
    let urls = match &settings.webhook_urls {
        Some(list) if list.trim() == "off" => Vec::new(),
        Some(list) => split_list(list),
        None if mode == ProviderMode::Sandbox => vec![format!("{local_base}{DEMO_RECEIVER_PATH}")],
        None => Vec::new(),
    };
    for url in &urls {
        let lower = url.to_ascii_lowercase();
        let secure = lower.starts_with("https://");
        if !(secure || lower.starts_with("http://")) {
            return Err(ConfigError::new(
                "WEBHOOK_URLS",
                format!("`{url}` is not an absolute http:// or https:// URL"),
            ));
        }
        if mode == ProviderMode::Live && !secure && !loopback(url) {
            return Err(ConfigError::new("WEBHOOK_URLS", format!(
                    "`{url}`: live events carry payment data, so only https:// URLs (or http:// to this machine's loopback)"
                )));
        }
    }
    let secrets: Vec<Secret> = match &settings.webhook_secret {
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
        crate::merchant_webhooks::signing::check_secret(secret.expose())
            .map_err(|error| ConfigError::new("WEBHOOK_SECRET", error.to_string()))?;
        if mode == ProviderMode::Live {
            refuse_published("WEBHOOK_SECRET", secret.expose())?;
        }
    }
    if !urls.is_empty() && secrets.is_empty() {
        return Err(ConfigError::new(
            "WEBHOOK_SECRET",
            "is required with WEBHOOK_URLS: every event is signed",
        ));
    }
    let retry = crate::merchant_webhooks::dispatch::RetryPolicy {
        first_retry: Duration::from_millis(settings.webhook_first_retry_ms),
        max_interval: Duration::from_millis(settings.webhook_max_retry_interval_ms),
        give_up_after: Duration::from_secs(settings.webhook_retry_for_seconds),
    };
    // The providers' secrets: the embedded sandbox's in sandbox mode unless given.
    let provider_secret = |given: &Option<String>, sandbox_default: &str| {
        given
            .clone()
            .or_else(|| (mode == ProviderMode::Sandbox).then(|| sandbox_default.to_string()))
            .map(Secret::from)
    };
    let ca_pem = match &settings.webhook_ca_file {
        Some(path) => {
            let shown = path.display();
            let pem = std::fs::read(path).map_err(|error| {
                ConfigError::new("WEBHOOK_CA_FILE", format!("cannot read `{shown}`: {error}"))
            })?;
            match reqwest::Certificate::from_pem_bundle(&pem) {
                Ok(certificates) if !certificates.is_empty() => Some(pem),
                _ => {
                    return Err(ConfigError::new(
                        "WEBHOOK_CA_FILE",
                        format!("`{shown}` holds no PEM certificate"),
                    ))
                }
            }
        }
        None => None,
    };
    // The providers issue their secrets: only the published ones are refused.
    if mode == ProviderMode::Live {
        for (variable, given) in [
            ("YABETOO_WEBHOOK_SECRET", &settings.yabetoo_webhook_secret),
            ("YASSIR_WEBHOOK_SECRET", &settings.yassir_webhook_secret),
        ] {
            if let Some(secret) = given {
                refuse_published(variable, secret)?;
            }
        }
    }
    Ok(WebhookConfig {
        ca_pem,
        urls,
        secrets,
        retry,
        timeout: Duration::from_millis(settings.webhook_timeout_ms),
        yabetoo_secret: provider_secret(
            &settings.yabetoo_webhook_secret,
            checkout_sandbox::yabetoo::WEBHOOK_SECRET,
        ),
        yassir_secret: provider_secret(
            &settings.yassir_webhook_secret,
            checkout_sandbox::yassir::WEBHOOK_SECRET,
        ),
    })
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
