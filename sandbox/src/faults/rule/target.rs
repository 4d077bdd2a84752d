//! What a rule names: a provider, one of its operations, and the phase the fault strikes in.

use std::str::FromStr;

use super::{names, RuleError};

/// A simulated provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    Yassir,
    Yabetoo,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Provider::Yassir => "yassir",
            Provider::Yabetoo => "yabetoo",
        }
    }

    /// The operations of this provider that a rule can name (besides `*`).
    pub fn operations(self) -> &'static [Operation] {
        match self {
            Provider::Yassir => &[
                Operation::Customers,
                Operation::Create,
                Operation::Proceed,
                Operation::Check,
                Operation::Capture,
                Operation::Release,
                Operation::Refund,
                Operation::Webhook,
            ],
            Provider::Yabetoo => &[
                Operation::Create,
                Operation::Confirm,
                Operation::Retrieve,
                Operation::Webhook,
            ],
        }
    }

    /// The operations whose answers carry a payment status, which the status faults change.
    pub fn status_operations(self) -> &'static [Operation] {
        match self {
            Provider::Yassir => &[
                Operation::Proceed,
                Operation::Check,
                Operation::Capture,
                Operation::Release,
                Operation::Refund,
            ],
            Provider::Yabetoo => &[Operation::Confirm, Operation::Retrieve],
        }
    }
}

impl FromStr for Provider {
    type Err = RuleError;

    fn from_str(text: &str) -> Result<Self, RuleError> {
        match text {
            "yassir" => Ok(Provider::Yassir),
            "yabetoo" => Ok(Provider::Yabetoo),
            other => Err(RuleError::new(format!(
                "unknown provider `{other}` (yassir or yabetoo)"
            ))),
        }
    }
}

/// A provider operation, recognised from the request's method and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `*`: every operation of the provider.
    Any,
    /// Yassir `POST /api/v1/customers`.
    Customers,
    /// Yassir `POST /api/v1/payments/intents`, Yabetoo `POST /v1/payment-intents`.
    Create,
    /// Yassir `POST /api/v1/payments/intents/{id}/proceed`.
    Proceed,
    /// Yassir `GET /api/v1/payments/intents/{id}/check`.
    Check,
    /// Yassir `POST /api/v1/payments/intents/{id}/capture`.
    Capture,
    /// Yassir `POST /api/v1/payments/intents/{id}/release`.
    Release,
    /// Yassir `POST /api/v1/payments/{id}/refund`.
    Refund,
    /// Yabetoo `POST /v1/payment-intents/{id}/confirm`.
    Confirm,
    /// Yabetoo `GET /v1/payment-intents/{id}`.
    Retrieve,
    /// A notification the provider sends to the merchant's webhook URL (never matched by `*`).
    Webhook,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::Any => "*",
            Operation::Customers => "customers",
            Operation::Create => "create",
            Operation::Proceed => "proceed",
            Operation::Check => "check",
            Operation::Capture => "capture",
            Operation::Release => "release",
            Operation::Refund => "refund",
            Operation::Confirm => "confirm",
            Operation::Retrieve => "retrieve",
            Operation::Webhook => "webhook",
        }
    }

    /// The operation of `provider` called `text`.
    pub fn parse(provider: Provider, text: &str) -> Result<Self, RuleError> {
        if text == "*" {
            return Ok(Operation::Any);
        }
        provider
            .operations()
            .iter()
            .copied()
            .find(|operation| operation.name() == text)
            .ok_or_else(|| {
                RuleError::new(format!(
                    "`{text}` is not a {} operation ({}, or * for any)",
                    provider.name(),
                    names(
                        provider
                            .operations()
                            .iter()
                            .map(|operation| operation.name())
                    ),
                ))
            })
    }
}

/// When the fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Instead of the work: the provider does not do it.
    Before,
    /// After the work: the provider does it, then the fault replaces or spoils its answer.
    After,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::After => "after",
        }
    }
}

impl FromStr for Phase {
    type Err = RuleError;

    fn from_str(text: &str) -> Result<Self, RuleError> {
        match text {
            "before" => Ok(Phase::Before),
            "after" => Ok(Phase::After),
            other => Err(RuleError::new(format!(
                "unknown phase `{other}` (before or after)"
            ))),
        }
    }
}
