//! Webhooks both ways: the merchant's endpoints and secrets (`WEBHOOK_*`), the delivery
//! retries, and the secrets the providers sign their notifications with.

use std::time::Duration;

use super::live::refuse_published;
use super::read::{parse, split_list};
use super::{ConfigError, ProviderMode};
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
pub(super) fn read(
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
        crate::merchant_webhooks::signing::check_secret(secret.expose()).map_err(|error| {
            ConfigError {
                variable: "WEBHOOK_SECRET",
                message: error.to_string(),
            }
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
    let defaults = crate::merchant_webhooks::dispatch::RetryPolicy::default();
    let retry = crate::merchant_webhooks::dispatch::RetryPolicy {
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
