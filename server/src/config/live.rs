//! The secrets a merchant chooses (`ADMIN_TOKEN`, `ORDER_SIGNING_SECRET`): the sandbox's
//! published defaults in sandbox mode; in live mode their own, refused when published with this
//! project, too short or too simple ([`crate::secrets`] says which rule).

use super::{ConfigError, ProviderMode};
use crate::secrets::{self, Secret, SANDBOX_ADMIN_TOKEN, SANDBOX_ORDER_SIGNING_SECRET};

/// `ADMIN_TOKEN`, and whether it is the sandbox's default.
pub(super) fn admin_token(
    given: Option<&str>,
    mode: ProviderMode,
) -> Result<(Secret, bool), ConfigError> {
    let admin_token_is_default = given.is_none();
    let admin_token = match (given.map(str::to_string), mode) {
        (Some(token), ProviderMode::Live) => {
            live_secret("ADMIN_TOKEN", &token, LIVE_ADMIN_TOKEN_LENGTH)?;
            Secret::from(token)
        }
        (Some(token), _) if token.len() >= 16 => Secret::from(token),
        (Some(_), _) => {
            return Err(ConfigError::new(
                "ADMIN_TOKEN",
                "must be at least 16 characters",
            ))
        }
        (None, ProviderMode::Sandbox) => Secret::from(SANDBOX_ADMIN_TOKEN.to_string()),
        (None, ProviderMode::Live) => {
            return Err(ConfigError::new("ADMIN_TOKEN", "is required in live mode"))
        }
    };
    Ok((admin_token, admin_token_is_default))
}

/// `ORDER_SIGNING_SECRET`: without one (live mode) order tokens are refused.
pub(super) fn order_signing_secret(
    given: Option<&str>,
    mode: ProviderMode,
) -> Result<Option<Secret>, ConfigError> {
    let order_signing_secret = match (given.map(str::to_string), mode) {
        (Some(secret), ProviderMode::Live) => {
            live_secret("ORDER_SIGNING_SECRET", &secret, 32)?;
            Some(Secret::from(secret))
        }
        (Some(secret), _) if secret.len() >= 32 => Some(Secret::from(secret)),
        (Some(_), _) => {
            return Err(ConfigError::new(
                "ORDER_SIGNING_SECRET",
                "must be at least 32 characters",
            ))
        }
        (None, ProviderMode::Sandbox) => {
            Some(Secret::from(SANDBOX_ORDER_SIGNING_SECRET.to_string()))
        }
        (None, ProviderMode::Live) => None,
    };
    Ok(order_signing_secret)
}

/// The shortest admin token live mode takes.
const LIVE_ADMIN_TOKEN_LENGTH: usize = 24;

/// A secret the merchant chooses for live mode: none the project publishes, none too short or
/// too simple.
fn live_secret(variable: &str, value: &str, min_length: usize) -> Result<(), ConfigError> {
    match secrets::refusal(value, min_length) {
        Some(message) => Err(ConfigError::new(variable, message)),
        None => Ok(()),
    }
}

pub(super) fn refuse_published(variable: &str, value: &str) -> Result<(), ConfigError> {
    if secrets::published(value) {
        return Err(ConfigError::new(
            variable,
            "is a value published with this project (the sandbox's, an example's or a test's): live mode needs your own",
        ));
    }
    Ok(())
}
