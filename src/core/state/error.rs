//! How a request to the backend failed, and why the flow stopped.

use checkout_contract::{ErrorBody, Payment};

/// How a request to the merchant backend failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// No answer: offline, DNS, timeout, CORS.
    Network,
    /// An error status, with the contract's error body when it parsed.
    Http {
        status: u16,
        error: Option<ErrorBody>,
    },
}

impl RequestError {
    /// True when asking again later may work.
    pub(super) fn is_transient(&self) -> bool {
        match self {
            RequestError::Network => true,
            RequestError::Http { status, .. } => *status >= 500 || matches!(status, 408 | 429),
        }
    }

    pub(super) fn kind(&self) -> ErrorKind {
        match self {
            RequestError::Network => ErrorKind::Network,
            RequestError::Http { status: 429, .. } => ErrorKind::TooManyAttempts,
            _ if self.is_transient() => ErrorKind::Unavailable,
            RequestError::Http { status: 404, .. } => ErrorKind::NotFound,
            RequestError::Http {
                error: Some(body), ..
            } if body.code == "order_already_paid" => ErrorKind::OrderPaid,
            RequestError::Http {
                error: Some(body), ..
            } if body.code == "order_in_progress" => ErrorKind::OrderInProgress,
            RequestError::Http {
                error: Some(body), ..
            } if body.code == "order_on_hold" => ErrorKind::OrderOnHold,
            RequestError::Http {
                error: Some(body), ..
            } if body.code == "order_expired" => ErrorKind::OrderExpired,
            RequestError::Http { error, .. } => ErrorKind::Refused {
                code: error
                    .as_ref()
                    .map(|body| body.code.clone())
                    .unwrap_or_default(),
                field: error.as_ref().and_then(|body| body.field.clone()),
            },
        }
    }
}

/// Why the flow stopped in [`Step::Error`](super::Step::Error).
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// The backend could not be reached.
    Network,
    /// The backend or the provider is down or overloaded.
    Unavailable,
    /// The backend limits how often one shopper or one phone may try (429): wait, then retry.
    TooManyAttempts,
    /// The backend refused the request (`invalid_request`…); `field` names the culprit if known.
    Refused { code: String, field: Option<String> },
    /// The payment does not exist (a stale or edited resume link).
    NotFound,
    /// The provider could not complete the payment (status `failed`).
    PaymentFailed { payment: Box<Payment> },
    /// The payment needs the OTP page but the backend gave no address for it.
    MissingRedirect,
    /// The OTP page is on an origin the session does not allow.
    UnsafeRedirect,
    /// Another payment has paid this order.
    OrderPaid,
    /// Another payment of this order is under way.
    OrderInProgress,
    /// A payment of this order waits for the shop to check it with the provider (the shopper
    /// may have paid): nobody pays the order again until then.
    OrderOnHold,
    /// The order can no longer be paid (its token expired).
    OrderExpired,
}
