//! Fault rules: what to break (provider, operation), how (fault, phase), how often (count,
//! share), in the two forms a rule is written in: JSON for the control API and the compact
//! `SANDBOX_FAULTS` form. Both go through the same checks, so a rule that exists is valid.

use std::fmt;

use serde::{Deserialize, Serialize};

mod check;
mod compact;
mod fault;
mod json;
mod target;

pub use fault::{
    Fault, DEFAULT_HTTP_ERROR, DEFAULT_LATENCY_MS, DEFAULT_LATE_MS, DEFAULT_REORDER_MS,
    DEFAULT_RETRY_AFTER, DEFAULT_TIMEOUT_MS, HTTP_ERROR_STATUSES,
};
pub(crate) use json::RuleJson;
pub use target::{Operation, Phase, Provider};

/// One rule: every matching call of `provider`'s `operation` gets `fault` at `phase`, for the
/// next `count` calls that it fires on (until removed when `None`), each with probability
/// `share`. Built only from valid parts: [`str::parse`] (the compact form) or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "RuleJson", try_from = "RuleJson")]
pub struct FaultRule {
    provider: Provider,
    operation: Operation,
    fault: Fault,
    phase: Phase,
    count: Option<u32>,
    share: f64,
}

impl FaultRule {
    pub fn provider(&self) -> Provider {
        self.provider
    }

    pub fn operation(&self) -> Operation {
        self.operation
    }

    pub fn fault(&self) -> Fault {
        self.fault
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// How many calls the rule fires on; `None` until it is removed.
    pub fn count(&self) -> Option<u32> {
        self.count
    }

    /// The probability that the rule fires on a matching call.
    pub fn share(&self) -> f64 {
        self.share
    }

    /// Whether the rule applies to a call of `operation` on `provider`. A fault that strikes
    /// only some operations ([`Fault::only_on`]) skips the others (a `*` rule leaves those
    /// calls alone).
    pub fn matches(&self, provider: Provider, operation: Operation) -> bool {
        // `*` is every API operation; the webhooks the provider sends are named on their own.
        let named = self.operation == operation
            || (self.operation == Operation::Any && operation != Operation::Webhook);
        self.provider == provider
            && named
            && self
                .fault
                .only_on(provider)
                .is_none_or(|operations| operations.contains(&operation))
    }
}

/// Names as a message lists them: `a, b, c`.
fn names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

/// Why a rule is not valid, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(String);

impl RuleError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

#[cfg(test)]
mod tests;
