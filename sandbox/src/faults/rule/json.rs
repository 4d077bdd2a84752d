//! The JSON form of a rule, for the control API.

use serde::{Deserialize, Serialize};

use super::check::Parameters;
use super::{Fault, FaultRule, RuleError};

/// The JSON form of a rule, as the control API takes and shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleJson {
    provider: String,
    operation: String,
    fault: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phase: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
}

impl TryFrom<RuleJson> for FaultRule {
    type Error = RuleError;

    fn try_from(json: RuleJson) -> Result<Self, RuleError> {
        Self::build(
            &json.provider,
            &json.operation,
            &json.fault,
            Parameters {
                delay_ms: json.delay_ms,
                retry_after: json.retry_after,
                status: json.status,
            },
            json.phase.as_deref(),
            json.count,
            json.share,
        )
    }
}

impl From<FaultRule> for RuleJson {
    fn from(rule: FaultRule) -> Self {
        let (delay_ms, retry_after, status) = match rule.fault {
            Fault::Latency { delay_ms }
            | Fault::Timeout { delay_ms }
            | Fault::Reorder { delay_ms }
            | Fault::Late { delay_ms } => (Some(delay_ms), None, None),
            Fault::RateLimited { retry_after } => (None, Some(retry_after), None),
            Fault::HttpError { status } => (None, None, Some(status)),
            _ => (None, None, None),
        };
        Self {
            provider: rule.provider.name().into(),
            operation: rule.operation.name().into(),
            fault: rule.fault.name().into(),
            phase: Some(rule.phase.name().into()),
            count: rule.count,
            share: Some(rule.share),
            delay_ms,
            retry_after,
            status,
        }
    }
}
