//! Request validation and the JSON error envelope shared by every API route.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};

use super::{words, Sim};
use crate::faults::Operation;
use crate::{Credentials, Language, SandboxConfig};

/// Values Yassir documents for `x-platform`.
const PLATFORMS: [&str; 4] = ["API", "WEB", "ANDROID", "IOS"];

/// An error answer. Yassir does not document its error body, so it mirrors the success envelope
/// of the customers API: `{"code", "status": "error", "message"}` (plus `data` on a 409).
#[derive(Debug)]
pub(super) struct ApiError {
    status: StatusCode,
    message: String,
    data: Option<Value>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            data: None,
        }
    }

    pub(super) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(super) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    pub(super) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub(super) fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "code": self.status.as_u16(),
            "status": "error",
            "message": self.message,
        });
        if let Some(data) = self.data {
            body["data"] = data;
        }
        (self.status, Json(body)).into_response()
    }
}

/// Steps 1 and 2, which every route checks first, in this order: the credentials, then the
/// client headers (with [`crate::Strict::locale_format`], `x-locale`'s form too).
pub(super) fn admit(config: &SandboxConfig, headers: &HeaderMap) -> Result<(), ApiError> {
    authenticate(&config.credentials, headers)?;
    require_client_headers(headers)?;
    if config.strict.locale_format {
        check_locale_format(headers, config.strict.language)?;
    }
    Ok(())
}

/// `x-locale`, when sent, written as Yassir's document writes it: `ll_CC` (`en_US`). The refusal
/// is in the default language, since the header names none that can be read.
fn check_locale_format(headers: &HeaderMap, default: Option<Language>) -> Result<(), ApiError> {
    match header_text(headers, "x-locale") {
        Some(locale) if !is_locale(locale) => {
            let language = default.unwrap_or(Language::English);
            Err(ApiError::bad_request(format!(
                "{} (`{locale}`)",
                words::say(language, words::LOCALE_FORMAT)
            )))
        }
        _ => Ok(()),
    }
}

/// A language and a country joined by an underscore: `en_US`, `fr_FR`, `ar_DZ`.
fn is_locale(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 5
        && bytes[..2].iter().all(u8::is_ascii_lowercase)
        && bytes[2] == b'_'
        && bytes[3..].iter().all(u8::is_ascii_uppercase)
}

/// Step 1: `Authorization: Bearer|Basic base64(client_id:client_secret)`. The current docs say
/// `Bearer`, the staging docs `Basic`; both carry the same payload.
fn authenticate(credentials: &Credentials, headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Authorization header is required"))?
        .to_str()
        .map_err(|_| ApiError::unauthorized("Authorization header is not valid text"))?;
    let (scheme, payload) = value.trim().split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") && !scheme.eq_ignore_ascii_case("basic") {
        return Err(ApiError::unauthorized(
            "Authorization must be `Bearer base64(client_id:client_secret)` or `Basic base64(client_id:client_secret)`",
        ));
    }
    let payload = payload.trim();
    let decoded = STANDARD
        .decode(payload)
        .or_else(|_| STANDARD_NO_PAD.decode(payload))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| ApiError::unauthorized("Authorization credentials are not valid base64"))?;
    match decoded.split_once(':') {
        Some((id, secret))
            if id == credentials.yassir_client_id && secret == credentials.yassir_client_secret =>
        {
            Ok(())
        }
        _ => Err(ApiError::unauthorized("invalid client credentials")),
    }
}

/// Step 2: the headers every API call needs, `x-platform` and `x-service`.
fn require_client_headers(headers: &HeaderMap) -> Result<(), ApiError> {
    let platform = header_text(headers, "x-platform").ok_or_else(|| {
        ApiError::bad_request("x-platform header is required (API, WEB, ANDROID or IOS)")
    })?;
    if !PLATFORMS.contains(&platform) {
        return Err(ApiError::bad_request(format!(
            "x-platform header must be one of API, WEB, ANDROID, IOS (got `{platform}`)"
        )));
    }
    header_text(headers, "x-service").ok_or_else(|| {
        ApiError::bad_request("x-service header is required and must not be empty")
    })?;
    Ok(())
}

/// A required header that must be present and not blank, such as `x-client-secret`.
pub(super) fn require_header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, ApiError> {
    header_text(headers, name).ok_or_else(|| {
        ApiError::bad_request(format!("{name} header is required and must not be empty"))
    })
}

/// The optional `x-country-code` header, which must be ISO alpha-3 when sent.
pub(super) fn check_country_header(headers: &HeaderMap) -> Result<(), ApiError> {
    match header_text(headers, "x-country-code") {
        Some(code) if !is_alpha3(code) => Err(ApiError::bad_request(format!(
            "x-country-code header must be an ISO 3166-1 alpha-3 code such as DZA (got `{code}`)"
        ))),
        _ => Ok(()),
    }
}

/// Whether an endpoint needs a JSON body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Body {
    Required,
    Optional,
}

/// A request that carries a body must say it is JSON; endpoints with a required body must carry one.
pub(super) fn require_json_content(
    headers: &HeaderMap,
    body: &Bytes,
    rule: Body,
) -> Result<(), ApiError> {
    if rule == Body::Optional && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let is_json = header_text(headers, header::CONTENT_TYPE.as_str())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "Content-Type header must be application/json",
        ))
    }
}

/// The body as a JSON object; an empty optional body is an empty object.
pub(super) fn json_object(body: &Bytes, rule: Body) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return match rule {
            Body::Required => Err(ApiError::bad_request(
                "request body is required and must be a JSON object",
            )),
            Body::Optional => Ok(Map::new()),
        };
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::bad_request("request body must be a JSON object")),
        Err(error) => Err(ApiError::bad_request(format!(
            "request body is not valid JSON: {error}"
        ))),
    }
}

/// A required, non-blank string field.
pub(super) fn required_string(fields: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    optional_string(fields, name)?
        .ok_or_else(|| ApiError::bad_request(format!("{name} is required")))
}

/// An optional string field: absent or `null` is `None`; any other type, or a blank string, is an error.
pub(super) fn optional_string(
    fields: &Map<String, Value>,
    name: &str,
) -> Result<Option<String>, ApiError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text.trim().to_string())),
        Some(Value::String(_)) => Err(ApiError::bad_request(format!("{name} must not be empty"))),
        Some(_) => Err(ApiError::bad_request(format!("{name} must be a string"))),
    }
}

/// An optional amount in major units (`1500.00`), returned in hundredths. Every currency the
/// simulator takes (DZD, MAD, USD) has two decimals.
pub(super) fn optional_amount(
    fields: &Map<String, Value>,
    name: &str,
) -> Result<Option<i64>, ApiError> {
    let value = match fields.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(number)) => number.as_f64().unwrap_or(f64::NAN),
        Some(_) => {
            return Err(ApiError::bad_request(format!(
                "{name} must be a number (major units, e.g. 1500.00)"
            )))
        }
    };
    if !value.is_finite() || value <= 0.0 {
        return Err(ApiError::bad_request(format!(
            "{name} must be a number greater than 0"
        )));
    }
    if value > 1e12 {
        return Err(ApiError::bad_request(format!(
            "{name} must not exceed 1000000000000"
        )));
    }
    let hundredths = (value * 100.0).round();
    if (hundredths - value * 100.0).abs() > 1e-6 {
        return Err(ApiError::bad_request(format!(
            "{name} must have at most 2 decimal places"
        )));
    }
    Ok(Some(hundredths as i64))
}

/// An ISO 3166-1 alpha-3 code in upper case (`DZA`).
pub(super) fn is_alpha3(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|byte| byte.is_ascii_uppercase())
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// Unknown routes still go through authentication and headers first, as the real gateway does.
pub(super) async fn unknown_route(State(sim): State<Sim>, headers: HeaderMap) -> ApiError {
    if let Err(error) = admit(&sim.config, &headers) {
        return error;
    }
    ApiError::not_found("route not found")
}

/// How Yassir refuses a call with a client error, for an injected fault: its one envelope, with
/// the sandbox's own words (Yassir's documents give none per endpoint).
pub(crate) fn error_words(
    operation: Operation,
    _path: &str,
    status: StatusCode,
) -> Option<Response> {
    let about_an_intent = !matches!(
        operation,
        Operation::Create | Operation::Customers | Operation::Any
    );
    let message = match status {
        StatusCode::UNAUTHORIZED => "invalid client credentials",
        StatusCode::NOT_FOUND if about_an_intent => "payment intent not found",
        StatusCode::NOT_FOUND => "route not found",
        _ => "Unprocessable entity",
    };
    let body =
        serde_json::json!({ "code": status.as_u16(), "status": "error", "message": message });
    Some((status, axum::Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_is_language_underscore_country() {
        for good in ["en_US", "fr_FR", "ar_DZ", "ar_MA"] {
            assert!(is_locale(good), "{good}");
        }
        for bad in ["en-US", "en", "EN_us", "en_USA", "fr_fr", "en_U1", ""] {
            assert!(!is_locale(bad), "{bad}");
        }
    }
}
