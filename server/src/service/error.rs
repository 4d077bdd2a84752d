//! Why the service could not do what it was asked, in its own words. The HTTP layer
//! (`api::ApiError`) decides the status code and what the caller reads; the service knows
//! nothing of HTTP.

use crate::providers::ProviderError;
use crate::store::StoreError;

#[derive(Debug)]
pub enum ServiceError {
    /// A field breaks a rule.
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// Well formed, but it cannot be done (a stable code says why).
    Unprocessable {
        code: &'static str,
        field: Option<String>,
        message: String,
    },
    /// No such payment or order.
    NotFound(String),
    /// The payment or its order is not in a state that allows this.
    Conflict {
        code: &'static str,
        message: String,
    },
    /// A shared allowance is used up (prompts to a phone, payments of an order): nothing was
    /// done.
    Limited(crate::limits::Limited),
    /// Too much work in flight: nothing was done, and the same request may be sent again.
    Busy(String),
    Provider(ProviderError),
    Store(StoreError),
}

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn unprocessable(
        code: &'static str,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ServiceError::Unprocessable {
            code,
            field: field.map(Into::into),
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ServiceError::NotFound(message.into())
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// The field at fault, if the error names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ServiceError::Invalid { field, .. } | ServiceError::Unprocessable { field, .. } => {
                field.as_deref()
            }
            _ => None,
        }
    }
}

impl From<ProviderError> for ServiceError {
    fn from(error: ProviderError) -> Self {
        ServiceError::Provider(error)
    }
}

impl From<crate::validate::Refused> for ServiceError {
    fn from(refused: crate::validate::Refused) -> Self {
        match refused {
            crate::validate::Refused::Invalid { field, message } => ServiceError::Invalid {
                field: Some(field),
                message,
            },
            crate::validate::Refused::Unprocessable {
                code,
                field,
                message,
            } => ServiceError::Unprocessable {
                code,
                field,
                message,
            },
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        ServiceError::Store(error)
    }
}
