//! The one error type of the HTTP API: it decides the status code and what the caller sees.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkout_contract::{ErrorBody, ErrorResponse};

use crate::providers::ProviderError;
use crate::service::ServiceError;
use crate::store::StoreError;

#[derive(Debug)]
pub enum ApiError {
    /// The request is malformed or a field breaks a rule (400).
    BadRequest {
        field: Option<String>,
        message: String,
    },
    /// The request is well formed but cannot be done (422).
    Unprocessable {
        code: &'static str,
        field: Option<String>,
        message: String,
    },
    /// Unknown payment or order (404).
    NotFound(String),
    /// The payment is not in a state that allows this (409).
    Conflict {
        code: &'static str,
        message: String,
    },
    /// The admin token is missing or wrong (401).
    Unauthorized,
    /// The body is larger than the endpoint takes (413).
    PayloadTooLarge,
    /// Too much work in flight (503, with `Retry-After`); nothing was done.
    Busy(String),
    /// Too many requests for one key (429, with `Retry-After`).
    RateLimited {
        what: &'static str,
        retry_after_secs: u64,
    },
    Provider(ProviderError),
    Store(StoreError),
}

impl From<crate::validate::Refused> for ApiError {
    fn from(refused: crate::validate::Refused) -> Self {
        ServiceError::from(refused).into()
    }
}

impl From<crate::limits::Limited> for ApiError {
    fn from(limited: crate::limits::Limited) -> Self {
        ApiError::RateLimited {
            what: limited.what,
            retry_after_secs: limited.retry_after_secs,
        }
    }
}

impl ApiError {
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn unprocessable(
        code: &'static str,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Unprocessable {
            code,
            field: field.map(Into::into),
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::NotFound(message.into())
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A body that is not the JSON the endpoint takes.
    pub fn from_json(error: serde_json::Error) -> Self {
        let message = format!("the body is not valid: {error}");
        ApiError::BadRequest {
            field: field_of(&message),
            message,
        }
    }

    /// The field at fault, if the error names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadRequest { field, .. } | ApiError::Unprocessable { field, .. } => {
                field.as_deref()
            }
            _ => None,
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            ApiError::BadRequest { message, .. } => {
                (StatusCode::BAD_REQUEST, "invalid_request", message.clone())
            }
            ApiError::Unprocessable { code, message, .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, code, message.clone())
            }
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message.clone()),
            ApiError::Conflict { code, message } => (StatusCode::CONFLICT, code, message.clone()),
            ApiError::RateLimited {
                what,
                retry_after_secs,
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many {what}; try again in {retry_after_secs} s"),
            ),
            ApiError::Busy(message) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server_busy",
                message.clone(),
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the body is larger than this endpoint takes (16 KiB)".into(),
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send the admin token as `Authorization: Bearer <token>`".into(),
            ),
            ApiError::Provider(error) => match error {
                ProviderError::Unauthorized(_) => (
                    StatusCode::BAD_GATEWAY,
                    "provider_misconfigured",
                    "the payment provider refused the merchant's credentials".into(),
                ),
                ProviderError::NotFound(_) => (
                    StatusCode::BAD_GATEWAY,
                    "provider_not_found",
                    "the payment provider does not know this payment".into(),
                ),
                ProviderError::Refused { message, .. } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "provider_refused",
                    format!("the payment provider refused the request: {message}"),
                ),
                ProviderError::Unavailable(_) => (
                    StatusCode::BAD_GATEWAY,
                    "provider_unavailable",
                    "the payment provider is unavailable; try again in a moment".into(),
                ),
                ProviderError::Timeout => (
                    StatusCode::GATEWAY_TIMEOUT,
                    "provider_timeout",
                    "the payment provider did not answer in time; try again in a moment".into(),
                ),
                ProviderError::Disagree(_) => (
                    StatusCode::BAD_GATEWAY,
                    "provider_unavailable",
                    "the payment provider is unavailable; try again in a moment".into(),
                ),
                ProviderError::UnknownStatus(_) => (
                    StatusCode::BAD_GATEWAY,
                    "provider_unknown_status",
                    "the payment provider answered a status this server does not know".into(),
                ),
                ProviderError::Unsupported(message) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unsupported_by_provider",
                    message.clone(),
                ),
                ProviderError::Mismatch(_) => (
                    StatusCode::BAD_GATEWAY,
                    "provider_mismatch",
                    "the payment provider's answer did not match the payment".into(),
                ),
            },
            ApiError::Store(StoreError::Conflict) => (
                StatusCode::CONFLICT,
                "concurrent_update",
                "the payment was changed by another request; retry".into(),
            ),
            ApiError::Store(StoreError::OrderTaken { .. }) => (
                StatusCode::CONFLICT,
                "order_in_progress",
                "another payment of this order is in flight or paid".into(),
            ),
            ApiError::Store(StoreError::KeyReused) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request".into(),
            ),
            ApiError::Store(StoreError::Database(_)) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "something went wrong".into(),
            ),
        }
    }
}

/// The service's words, in HTTP's.
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid { field, message } => ApiError::BadRequest { field, message },
            ServiceError::Unprocessable {
                code,
                field,
                message,
            } => ApiError::Unprocessable {
                code,
                field,
                message,
            },
            ServiceError::NotFound(message) => ApiError::NotFound(message),
            ServiceError::Conflict { code, message } => ApiError::Conflict { code, message },
            ServiceError::Limited(limited) => limited.into(),
            ServiceError::Busy(message) => ApiError::Busy(message),
            ServiceError::Provider(error) => ApiError::Provider(error),
            ServiceError::Store(error) => ApiError::Store(error),
        }
    }
}

impl From<ProviderError> for ApiError {
    fn from(error: ProviderError) -> Self {
        ApiError::Provider(error)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::Store(error)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::PayloadTooLarge;
        }
        let message = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "send the body as JSON with `Content-Type: application/json`".into()
            }
            other => other.body_text(),
        };
        ApiError::BadRequest {
            field: field_of(&message),
            message,
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let message = rejection.body_text();
        ApiError::BadRequest {
            field: field_of(&message),
            message,
        }
    }
}

/// serde names the culprit as "missing field `order`" or "at line 1 column 9: unknown variant";
/// pass the field on when it does.
fn field_of(message: &str) -> Option<String> {
    // Only serde's own phrase, before anything quoted from the body: a value such as
    // "field `phone`" must not name the field at fault.
    let open = message.find('`')?;
    let before = &message[..open];
    if !before.ends_with("field ") || before.contains('"') {
        return None;
    }
    let start = open + 1;
    let end = message[start..].find('`')? + start;
    Some(message[start..end].to_string())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        match &self {
            ApiError::Provider(error) => tracing::warn!(%error, "provider error"),
            ApiError::Store(error) => tracing::error!(%error, "store error"),
            _ => {}
        }
        let body = ErrorResponse {
            error: ErrorBody {
                code: code.into(),
                message,
                field: self.field().map(Into::into),
            },
        };
        let mut response = (status, Json(body)).into_response();
        let retry_after = match self {
            ApiError::RateLimited {
                retry_after_secs, ..
            } => Some(retry_after_secs),
            ApiError::Busy(_) => Some(1),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_field_names_are_passed_on() {
        assert_eq!(field_of("Failed to deserialize the JSON body into the target type: missing field `order` at line 1"), Some("order".into()));
        assert_eq!(field_of("expected value at line 1 column 1"), None);
    }

    #[test]
    fn provider_timeouts_are_504() {
        assert_eq!(
            ApiError::Provider(ProviderError::Timeout).parts().0,
            StatusCode::GATEWAY_TIMEOUT
        );
        assert_eq!(
            ApiError::Provider(ProviderError::Unavailable("boom".into()))
                .parts()
                .0,
            StatusCode::BAD_GATEWAY
        );
    }
}
