//! How a request reaches Yassir: the credentials and headers every request carries, the
//! `x-locale` of a shopper's, and what an HTTP answer stands for.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;

use super::YassirClient;
use crate::providers::ProviderError;

impl YassirClient {
    pub(super) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = format!(
            "{}{}{path}",
            self.config.base_url.trim_end_matches('/'),
            self.config.api_prefix.trim_end_matches('/')
        );
        let credentials = STANDARD.encode(format!(
            "{}:{}",
            self.config.client_id, self.config.client_secret
        ));
        self.http
            .request(method, url)
            .header("Authorization", format!("Bearer {credentials}"))
            .header("x-platform", "API")
            .header("x-service", &self.config.service)
            .header("Content-Type", "application/json")
            .timeout(self.config.timeout)
    }

    /// A request made for the shopper: with `x-locale` when the shopper's language is known.
    pub(super) fn shopper_request(
        &self,
        method: Method,
        path: &str,
        language: Option<&str>,
        country_alpha3: &str,
    ) -> RequestBuilder {
        let request = self.request(method, path);
        match x_locale(language, country_alpha3) {
            Some(locale) => request.header("x-locale", locale),
            None => request,
        }
    }
}

/// Sends a request and returns the JSON body of a 2xx answer, or the error it stands for.
pub(super) async fn send(request: RequestBuilder) -> Result<Value, ProviderError> {
    let response = request.send().await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    let body: Option<Value> = serde_json::from_slice(&bytes).ok();
    if status.is_success() {
        return body.ok_or_else(|| {
            ProviderError::Unavailable(format!(
                "Yassir answered {status} with a body that is not JSON"
            ))
        });
    }
    let message = body
        .as_ref()
        .and_then(|body| body.get("message"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("Yassir answered {status}"));
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ProviderError::Unauthorized(message),
        StatusCode::NOT_FOUND => ProviderError::NotFound(message),
        StatusCode::BAD_REQUEST => ProviderError::Refused {
            code: "invalid_request".into(),
            message,
        },
        StatusCode::CONFLICT => ProviderError::Refused {
            code: "conflict".into(),
            message,
        },
        StatusCode::UNPROCESSABLE_ENTITY => ProviderError::Refused {
            code: "unprocessable".into(),
            message,
        },
        // Rate limiting and server errors are Yassir's trouble, and worth retrying later.
        StatusCode::TOO_MANY_REQUESTS => ProviderError::Unavailable(message),
        status if status.is_server_error() => ProviderError::Unavailable(message),
        status => ProviderError::Refused {
            code: format!("http_{}", status.as_u16()),
            message,
        },
    })
}

/// The `x-locale` of a shopper's language (`en`, `fr`, `ar`) for a wallet of `country_alpha3`,
/// as Yassir's document writes it (`en_US`, `fr_FR`, `ar_DZ`); `None` for a language Yassir is not
/// known to speak, which leaves Yassir to its default.
pub fn x_locale(language: Option<&str>, country_alpha3: &str) -> Option<&'static str> {
    match (language?, country_alpha3) {
        ("en", _) => Some("en_US"),
        ("fr", _) => Some("fr_FR"),
        ("ar", "MAR") => Some("ar_MA"),
        ("ar", _) => Some("ar_DZ"),
        _ => None,
    }
}
