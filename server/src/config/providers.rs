//! The providers: Yassir's and Yabetoo's URLs and credentials (the embedded sandbox's in
//! sandbox mode, required in live mode), whether each is reached in test mode, the
//! mobile-money countries offered, and the origins of the OTP pages the widget may follow.

use std::time::Duration;

use super::listen::Listen;
use super::{split_list, ConfigError, ProviderMode, Settings};
use super::{YASSIR_PRODUCTION, YASSIR_PRODUCTION_OTP, YASSIR_STAGING};
use crate::orders::Coverage;
use crate::providers::{yabetoo, yassir, YabetooConfig, YassirConfig};

pub(super) struct Providers {
    pub yassir: YassirConfig,
    pub yabetoo: YabetooConfig,
    pub yassir_test_mode: bool,
    pub yabetoo_test_mode: bool,
    pub coverage: Coverage,
    pub redirect_origins: Vec<String>,
}

impl Providers {
    pub fn read(settings: &Settings, listen: &Listen) -> Result<Self, ConfigError> {
        let mode = settings.provider_mode;
        let timeout = Duration::from_millis(settings.provider_timeout_ms);
        let confirm_timeout = Duration::from_millis(settings.yabetoo_confirm_timeout_ms);
        // A setting given, or its sandbox default; live mode requires every one.
        let setting = |variable: &str, given: &Option<String>, sandbox: &dyn Fn() -> String| match (
            given, mode,
        ) {
            (Some(value), _) => Ok(value.clone()),
            (None, ProviderMode::Sandbox) => Ok(sandbox()),
            (None, ProviderMode::Live) => {
                Err(ConfigError::new(variable, "is required in live mode"))
            }
        };

        let sandbox_base = &listen.local_base;
        let prefix_setting = settings.yassir_api_prefix.as_deref();
        let api_prefix = match prefix_setting.map(str::trim) {
            None => yassir::API_PREFIX.to_string(),
            Some("none" | "/") => String::new(),
            Some(prefix) if prefix.starts_with('/') && !prefix.contains(['?', '#', ' ']) => {
                prefix.trim_end_matches('/').to_string()
            }
            Some(other) => {
                return Err(ConfigError::new(
                    "YASSIR_API_PREFIX",
                    format!(
                        "`{other}` is neither a path such as /api/v1 nor `none` (the staging docs' paths)"
                    ),
                ))
            }
        };
        let mut yassir = YassirConfig {
            base_url: setting("YASSIR_BASE_URL", &settings.yassir_base_url, &|| {
                format!("{sandbox_base}{}", checkout_sandbox::YASSIR_MOUNT)
            })?,
            client_id: setting("YASSIR_CLIENT_ID", &settings.yassir_client_id, &|| {
                checkout_sandbox::yassir::CLIENT_ID.into()
            })?,
            client_secret: setting(
                "YASSIR_CLIENT_SECRET",
                &settings.yassir_client_secret,
                &|| checkout_sandbox::yassir::CLIENT_SECRET.into(),
            )?,
            service: setting("YASSIR_SERVICE", &settings.yassir_service, &|| {
                "EXT_DEMO_SHOP".into()
            })?,
            api_prefix,
            timeout,
        };
        let yabetoo = YabetooConfig {
            base_url: setting("YABETOO_BASE_URL", &settings.yabetoo_base_url, &|| {
                format!("{sandbox_base}{}", checkout_sandbox::YABETOO_MOUNT)
            })?,
            secret_key: setting("YABETOO_SECRET_KEY", &settings.yabetoo_secret_key, &|| {
                checkout_sandbox::yabetoo::SECRET_KEY.into()
            })?,
            timeout,
            confirm_timeout,
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

        let coverage = match &settings.mobile_money_unverified_countries {
            // The demo's Cameroon order: the sandbox serves it, Yabetoo is not known to.
            None => Coverage {
                cameroon_unverified: mode == ProviderMode::Sandbox,
            },
            Some(list) => {
                let mut coverage = Coverage::default();
                for code in split_list(list) {
                    match code.as_str() {
                        "cm" => coverage.cameroon_unverified = true,
                        "none" => {}
                        other => {
                            return Err(ConfigError::new(
                                "MOBILE_MONEY_UNVERIFIED_COUNTRIES",
                                format!(
                                    "`{other}` is not a country that can be offered unverified (only `cm`, or `none`)"
                                ),
                            ))
                        }
                    }
                }
                coverage
            }
        };

        if mode == ProviderMode::Live {
            refuse_the_sandbox(&yassir, &yabetoo, &[&listen.local_base, &listen.public_url])?;
        }

        let redirect_origins = match &settings.redirect_origins {
            Some(list) => split_list(list),
            None if mode == ProviderMode::Sandbox => vec![listen.public_url.clone()],
            None if yassir_production => vec![YASSIR_PRODUCTION_OTP.into()],
            // Staging's OTP pages are on an origin no document gives: the first proceed's
            // `payUrl` shows it, and the widget follows none it was not told of.
            None => {
                return Err(ConfigError::new(
                    "REDIRECT_ORIGINS",
                    format!(
                        "is required in live mode when YASSIR_BASE_URL is not {YASSIR_PRODUCTION}: \
                         the origin of that Yassir's OTP pages (the payUrl of a first proceed shows it)"
                    ),
                ))
            }
        };

        Ok(Self {
            yassir,
            yabetoo,
            yassir_test_mode,
            yabetoo_test_mode,
            coverage,
            redirect_origins,
        })
    }
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
    let refusal = |variable: &str, what: &str| {
        ConfigError::new(
            variable,
            format!(
                "{what}: live mode needs the provider's own (PROVIDER_MODE=sandbox runs the sandbox)"
            ),
        )
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
