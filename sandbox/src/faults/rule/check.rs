//! The checks both forms of a rule go through, so a rule that exists is valid.

use super::fault::FAULT_NAMES;
use super::{
    names, Fault, FaultRule, Operation, Phase, Provider, RuleError, DEFAULT_HTTP_ERROR,
    DEFAULT_LATENCY_MS, DEFAULT_LATE_MS, DEFAULT_RETRY_AFTER, DEFAULT_TIMEOUT_MS,
    HTTP_ERROR_STATUSES,
};

/// The optional parameters of a fault.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Parameters {
    pub(super) delay_ms: Option<u64>,
    pub(super) retry_after: Option<u64>,
    pub(super) status: Option<u16>,
}

impl Fault {
    /// The fault called `name` with its parameters (each `None` when not given).
    pub(super) fn build(name: &str, parameters: Parameters) -> Result<Self, RuleError> {
        let Parameters {
            delay_ms,
            retry_after,
            status,
        } = parameters;
        let fault = match name {
            "latency" => Fault::Latency {
                delay_ms: delay_ms.unwrap_or(DEFAULT_LATENCY_MS),
            },
            "timeout" => Fault::Timeout {
                delay_ms: delay_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            },
            "reset" => Fault::Reset,
            "http_error" => {
                let status = status.unwrap_or(DEFAULT_HTTP_ERROR);
                if !HTTP_ERROR_STATUSES.contains(&status) {
                    return Err(RuleError::new(format!(
                        "http_error status must be 401, 404, 422, 500, 502 or 503 (got {status})"
                    )));
                }
                Fault::HttpError { status }
            }
            "rate_limited" => Fault::RateLimited {
                retry_after: retry_after.unwrap_or(DEFAULT_RETRY_AFTER),
            },
            "malformed_json" => Fault::MalformedJson,
            "truncated_json" => Fault::TruncatedJson,
            "unknown_status" => Fault::UnknownStatus,
            "earlier_status" => Fault::EarlierStatus,
            "wrong_amount" => Fault::WrongAmount,
            "uncaptured" => Fault::Uncaptured,
            "late" => Fault::Late {
                delay_ms: delay_ms.unwrap_or(DEFAULT_LATE_MS),
            },
            "drop" => Fault::Drop,
            "duplicate" => Fault::Duplicate,
            "reorder" => Fault::Reorder {
                delay_ms: delay_ms.unwrap_or(super::fault::DEFAULT_REORDER_MS),
            },
            other => {
                return Err(RuleError::new(format!(
                    "unknown fault `{other}` ({})",
                    names(FAULT_NAMES)
                )))
            }
        };
        let misplaced = [
            (
                "delay_ms",
                delay_ms.is_some(),
                matches!(
                    fault,
                    Fault::Latency { .. }
                        | Fault::Timeout { .. }
                        | Fault::Reorder { .. }
                        | Fault::Late { .. }
                ),
                "latency, timeout, reorder and late",
            ),
            (
                "retry_after",
                retry_after.is_some(),
                matches!(fault, Fault::RateLimited { .. }),
                "rate_limited",
            ),
            (
                "status",
                status.is_some(),
                matches!(fault, Fault::HttpError { .. }),
                "http_error",
            ),
        ];
        for (parameter, given, applies, faults) in misplaced {
            if given && !applies {
                return Err(RuleError::new(format!(
                    "{parameter} applies only to {faults}, not to {name}"
                )));
            }
        }
        Ok(fault)
    }
}

impl FaultRule {
    /// The checks shared by both forms.
    pub(super) fn build(
        provider: &str,
        operation: &str,
        fault: &str,
        parameters: Parameters,
        phase: Option<&str>,
        count: Option<u32>,
        share: Option<f64>,
    ) -> Result<Self, RuleError> {
        let provider: Provider = provider.parse()?;
        let operation = Operation::parse(provider, operation)?;
        let fault = Fault::build(fault, parameters)?;
        if let Some(operations) = fault.only_on(provider) {
            let struck = match operation {
                Operation::Any => !operations.is_empty(),
                named => operations.contains(&named),
            };
            if !struck {
                let needs = match fault {
                    Fault::Uncaptured => "needs a Yabetoo answer that says `captured`",
                    Fault::Late { .. } => "holds a request that starts a payment",
                    _ => "needs an answer with a payment status",
                };
                let only = match operations {
                    [] => "yabetoo confirm, retrieve only".to_string(),
                    _ => format!(
                        "{} {} only",
                        provider.name(),
                        names(operations.iter().map(|operation| operation.name()))
                    ),
                };
                return Err(RuleError::new(format!(
                    "{} {needs}, which {} {} does not have ({only})",
                    fault.name(),
                    provider.name(),
                    operation.name(),
                )));
            }
        }
        let webhook = operation == Operation::Webhook;
        if fault.is_webhook_fault() && !webhook {
            return Err(RuleError::new(format!(
                "{} applies to the webhooks a provider sends: name the operation `webhook`",
                fault.name()
            )));
        }
        if webhook && !(fault.is_webhook_fault() || matches!(fault, Fault::Latency { .. })) {
            return Err(RuleError::new(format!(
                "a webhook can be delayed (latency), dropped, duplicated or reordered, not {}",
                fault.name()
            )));
        }
        let phases = fault.phases();
        let phase = match phase {
            None => phases[0],
            Some(text) => {
                let phase: Phase = text.parse()?;
                if !phases.contains(&phase) {
                    return Err(RuleError::new(match phases[0] {
                        Phase::Before => format!(
                            "{} can only be before the work (the provider never does it)",
                            fault.name()
                        ),
                        Phase::After => format!(
                            "{} spoils the provider's answer, so it can only be after the work",
                            fault.name()
                        ),
                    }));
                }
                phase
            }
        };
        if count == Some(0) {
            return Err(RuleError::new(
                "count must be at least 1 (leave it out for until removed)",
            ));
        }
        let share = share.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&share) {
            return Err(RuleError::new(format!(
                "share must be a probability from 0 to 1, e.g. 0.3 (got {share})"
            )));
        }
        Ok(Self {
            provider,
            operation,
            fault,
            phase,
            count,
            share,
        })
    }
}
