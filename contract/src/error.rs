//! The one shape of every error answer.

use serde::{Deserialize, Serialize};

/// Every error answer of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, machine-readable (`invalid_request`, `not_found`, `provider_unavailable`, …).
    pub code: String,
    /// For the developer: names the field and the rule that failed.
    pub message: String,
    /// The request field at fault, as a dotted path (`mobile_money.msisdn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
