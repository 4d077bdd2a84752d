//! Fault rules: what to break (provider, operation), how (fault, phase), how often (count,
//! share), in the two forms a rule is written in: JSON for the control API and the compact
//! `SANDBOX_FAULTS` form. Both go through the same checks, so a rule that exists is valid.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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
            ],
            Provider::Yabetoo => &[Operation::Create, Operation::Confirm, Operation::Retrieve],
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

/// The default delay of `latency`.
pub const DEFAULT_LATENCY_MS: u64 = 2_000;
/// The default hold of `timeout`: longer than any client should wait.
pub const DEFAULT_TIMEOUT_MS: u64 = 120_000;
/// The default `Retry-After` of `rate_limited`, in seconds.
pub const DEFAULT_RETRY_AFTER: u64 = 1;
/// The default status of `http_error`.
pub const DEFAULT_HTTP_ERROR: u16 = 500;
/// The statuses `http_error` can answer.
pub const HTTP_ERROR_STATUSES: [u16; 3] = [500, 502, 503];

/// What goes wrong, with its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// The answer comes `delay_ms` late.
    Latency { delay_ms: u64 },
    /// The answer is held `delay_ms`, so the client gives up first.
    Timeout { delay_ms: u64 },
    /// The connection drops: headers, then a body that fails at once.
    Reset,
    /// HTTP 500, 502 or 503 in the provider's error envelope.
    HttpError { status: u16 },
    /// HTTP 429 with `Retry-After: retry_after` (seconds).
    RateLimited { retry_after: u64 },
    /// HTTP 200 with a body that is not JSON.
    MalformedJson,
    /// The real answer with its JSON body cut in half.
    TruncatedJson,
    /// The real answer with a status the provider never documented.
    UnknownStatus,
    /// The real answer with an earlier status than the real one.
    EarlierStatus,
}

/// Every fault's name, in the order the docs list them.
const FAULT_NAMES: [&str; 9] = [
    "latency",
    "timeout",
    "reset",
    "http_error",
    "rate_limited",
    "malformed_json",
    "truncated_json",
    "unknown_status",
    "earlier_status",
];

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::Latency { .. } => "latency",
            Fault::Timeout { .. } => "timeout",
            Fault::Reset => "reset",
            Fault::HttpError { .. } => "http_error",
            Fault::RateLimited { .. } => "rate_limited",
            Fault::MalformedJson => "malformed_json",
            Fault::TruncatedJson => "truncated_json",
            Fault::UnknownStatus => "unknown_status",
            Fault::EarlierStatus => "earlier_status",
        }
    }

    /// The phases this fault can have; the first is its default.
    pub fn phases(self) -> &'static [Phase] {
        match self {
            Fault::Latency { .. }
            | Fault::Timeout { .. }
            | Fault::Reset
            | Fault::HttpError { .. } => &[Phase::Before, Phase::After],
            Fault::RateLimited { .. } => &[Phase::Before],
            Fault::MalformedJson
            | Fault::TruncatedJson
            | Fault::UnknownStatus
            | Fault::EarlierStatus => &[Phase::After],
        }
    }

    /// Whether the fault changes the status in the answer (and so needs one).
    pub fn changes_status(self) -> bool {
        matches!(self, Fault::UnknownStatus | Fault::EarlierStatus)
    }

    /// The fault's parameter, as the compact form writes it after `:`.
    fn parameter(self) -> Option<u64> {
        match self {
            Fault::Latency { delay_ms } | Fault::Timeout { delay_ms } => Some(delay_ms),
            Fault::HttpError { status } => Some(u64::from(status)),
            Fault::RateLimited { retry_after } => Some(retry_after),
            _ => None,
        }
    }

    /// The fault called `name` with its parameters (each `None` when not given).
    fn build(name: &str, parameters: Parameters) -> Result<Self, RuleError> {
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
                        "http_error status must be 500, 502 or 503 (got {status})"
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
                matches!(fault, Fault::Latency { .. } | Fault::Timeout { .. }),
                "latency and timeout",
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

/// The optional parameters of a fault.
#[derive(Debug, Default, Clone, Copy)]
struct Parameters {
    delay_ms: Option<u64>,
    retry_after: Option<u64>,
    status: Option<u16>,
}

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

    /// Whether the rule applies to a call of `operation` on `provider`. The status faults skip
    /// the operations whose answers carry no status (a `*` rule leaves those calls alone).
    pub fn matches(&self, provider: Provider, operation: Operation) -> bool {
        let named = self.operation == Operation::Any || self.operation == operation;
        self.provider == provider
            && named
            && (!self.fault.changes_status() || provider.status_operations().contains(&operation))
    }

    /// A list of rules in the compact form, separated by commas (blank entries are skipped).
    /// The error names the entry at fault.
    pub fn parse_list(list: &str) -> Result<Vec<FaultRule>, RuleError> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse()
                    .map_err(|error: RuleError| RuleError::new(format!("`{entry}`: {error}")))
            })
            .collect()
    }

    /// The checks shared by both forms.
    fn build(
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
        if fault.changes_status()
            && operation != Operation::Any
            && !provider.status_operations().contains(&operation)
        {
            return Err(RuleError::new(format!(
                "{} needs an answer with a payment status, which {} {} does not have ({} {} only)",
                fault.name(),
                provider.name(),
                operation.name(),
                provider.name(),
                names(
                    provider
                        .status_operations()
                        .iter()
                        .map(|operation| operation.name())
                ),
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

/// The compact form: `provider.operation=fault[:param][@phase][*count][%share]`.
impl FromStr for FaultRule {
    type Err = RuleError;

    fn from_str(text: &str) -> Result<Self, RuleError> {
        let (target, spec) = text.trim().split_once('=').ok_or_else(|| {
            RuleError::new("expected provider.operation=fault, e.g. yabetoo.confirm=reset@after")
        })?;
        let (provider, operation) = target.trim().split_once('.').ok_or_else(|| {
            RuleError::new(format!(
                "`{target}` must be provider.operation, e.g. yassir.proceed or yabetoo.*"
            ))
        })?;
        let spec = spec.trim();
        let markers = [':', '@', '*', '%'];
        let name_end = spec.find(markers).unwrap_or(spec.len());
        let fault = &spec[..name_end];
        let (mut parameter, mut phase, mut count, mut share) = (None, None, None, None);
        let mut rest = &spec[name_end..];
        while let Some(marker) = rest.chars().next() {
            let end = rest[1..].find(markers).map_or(rest.len(), |at| at + 1);
            let value = &rest[1..end];
            let slot = match marker {
                ':' => &mut parameter,
                '@' => &mut phase,
                '*' => &mut count,
                _ => &mut share,
            };
            if slot.replace(value).is_some() {
                return Err(RuleError::new(format!("`{marker}` is given twice")));
            }
            rest = &rest[end..];
        }

        let mut parameters = Parameters::default();
        if let Some(value) = parameter {
            match fault {
                "latency" | "timeout" => {
                    parameters.delay_ms = Some(number(value, "the delay (milliseconds)")?)
                }
                "http_error" => parameters.status = Some(number(value, "the status")?),
                "rate_limited" => {
                    parameters.retry_after = Some(number(value, "Retry-After (seconds)")?)
                }
                other if FAULT_NAMES.contains(&other) => {
                    return Err(RuleError::new(format!(
                        "{other} takes no parameter (got `:{value}`)"
                    )))
                }
                _ => {}
            }
        }
        let count = count
            .map(|value| number(value, "the count (a number of calls)"))
            .transpose()?;
        let share = share
            .map(|value| number(value, "the share (a probability from 0 to 1)"))
            .transpose()?;
        Self::build(
            provider.trim(),
            operation.trim(),
            fault,
            parameters,
            phase,
            count,
            share,
        )
    }
}

/// The rule in the compact form, with every default spelled out (parses back to itself).
impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}={}",
            self.provider.name(),
            self.operation.name(),
            self.fault.name()
        )?;
        if let Some(parameter) = self.fault.parameter() {
            write!(f, ":{parameter}")?;
        }
        write!(f, "@{}", self.phase.name())?;
        if let Some(count) = self.count {
            write!(f, "*{count}")?;
        }
        if self.share < 1.0 {
            write!(f, "%{}", self.share)?;
        }
        Ok(())
    }
}

fn number<T: FromStr>(text: &str, what: &str) -> Result<T, RuleError> {
    text.parse()
        .map_err(|_| RuleError::new(format!("`{text}` is not a valid number for {what}")))
}

fn names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

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
            Fault::Latency { delay_ms } | Fault::Timeout { delay_ms } => {
                (Some(delay_ms), None, None)
            }
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
mod tests {
    use super::*;

    fn rule(text: &str) -> FaultRule {
        text.parse()
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn error(text: &str) -> String {
        text.parse::<FaultRule>().unwrap_err().to_string()
    }

    #[test]
    fn the_compact_form_reads_every_part() {
        let parsed = rule("yassir.check=latency:500@after*3%0.3");
        assert_eq!(parsed.provider(), Provider::Yassir);
        assert_eq!(parsed.operation(), Operation::Check);
        assert_eq!(parsed.fault(), Fault::Latency { delay_ms: 500 });
        assert_eq!(parsed.phase(), Phase::After);
        assert_eq!(parsed.count(), Some(3));
        assert_eq!(parsed.share(), 0.3);
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let parsed = rule("yabetoo.*=timeout");
        assert_eq!(parsed.operation(), Operation::Any);
        assert_eq!(
            parsed.fault(),
            Fault::Timeout {
                delay_ms: DEFAULT_TIMEOUT_MS
            }
        );
        assert_eq!(parsed.phase(), Phase::Before);
        assert_eq!(parsed.count(), None);
        assert_eq!(parsed.share(), 1.0);
        assert_eq!(
            rule("yabetoo.retrieve=unknown_status").phase(),
            Phase::After
        );
        assert_eq!(
            rule("yassir.create=http_error").fault(),
            Fault::HttpError { status: 500 }
        );
        assert_eq!(
            rule("yassir.create=rate_limited").fault(),
            Fault::RateLimited { retry_after: 1 }
        );
    }

    #[test]
    fn suffixes_may_come_in_any_order_but_once() {
        assert_eq!(
            rule("yassir.proceed=http_error%0.5*2@after:503"),
            rule("yassir.proceed=http_error:503@after*2%0.5")
        );
        assert!(error("yassir.proceed=reset*1*2").contains("`*` is given twice"));
    }

    #[test]
    fn display_is_the_compact_form_with_defaults() {
        for text in [
            "yassir.proceed=http_error:503@before*2",
            "yabetoo.confirm=reset@after*1",
            "yassir.check=latency:500@before%0.3",
            "yabetoo.*=earlier_status@after",
        ] {
            assert_eq!(rule(text).to_string(), text);
            assert_eq!(rule(&rule(text).to_string()), rule(text));
        }
    }

    #[test]
    fn errors_name_the_bad_part() {
        assert!(error("paypal.create=reset").contains("unknown provider `paypal`"));
        assert!(error("yabetoo.proceed=reset").contains("`proceed` is not a yabetoo operation"));
        assert!(error("yassir.confirm=reset").contains("customers, create, proceed"));
        assert!(error("yassir.create=explode").contains("unknown fault `explode`"));
        assert!(error("yassir.create=reset@during").contains("unknown phase `during`"));
        assert!(error("yassir.create=rate_limited@after").contains("only be before"));
        assert!(error("yassir.check=malformed_json@before").contains("only be after"));
        assert!(error("yassir.create=http_error:404").contains("500, 502 or 503 (got 404)"));
        assert!(error("yassir.create=reset:5").contains("reset takes no parameter"));
        assert!(error("yassir.create=latency:soon").contains("`soon` is not a valid number"));
        assert!(error("yassir.create=reset*0").contains("count must be at least 1"));
        assert!(error("yassir.create=reset%30").contains("share must be a probability"));
        assert!(
            error("yassir.create=unknown_status").contains("needs an answer with a payment status")
        );
        assert!(error("yabetoo.create=earlier_status").contains("confirm, retrieve only"));
        assert!(error("yassir=reset").contains("must be provider.operation"));
        assert!(error("yassir.create").contains("expected provider.operation=fault"));
    }

    #[test]
    fn a_list_names_the_entry_at_fault() {
        let rules = FaultRule::parse_list(
            " yabetoo.confirm=reset@after*1, yassir.proceed=http_error:503*2,,yassir.check=latency:500%0.3 ",
        )
        .unwrap();
        assert_eq!(rules.len(), 3);
        let error = FaultRule::parse_list("yabetoo.confirm=reset,yassir.proceed=http_error:404")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("`yassir.proceed=http_error:404`: "),
            "{error}"
        );
        assert_eq!(FaultRule::parse_list(""), Ok(Vec::new()));
    }

    #[test]
    fn json_takes_the_same_rules() {
        let parsed: FaultRule = serde_json::from_str(
            r#"{"provider":"yabetoo","operation":"confirm","fault":"reset","phase":"after","count":1}"#,
        )
        .unwrap();
        assert_eq!(parsed, rule("yabetoo.confirm=reset@after*1"));
        let shown = serde_json::to_value(rule("yassir.proceed=http_error:503*2")).unwrap();
        assert_eq!(
            shown,
            serde_json::json!({"provider": "yassir", "operation": "proceed", "fault": "http_error",
                "phase": "before", "count": 2, "share": 1.0, "status": 503})
        );
        let refused = serde_json::from_str::<FaultRule>(
            r#"{"provider":"yassir","operation":"check","fault":"reset","status":502}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            refused.contains("status applies only to http_error"),
            "{refused}"
        );
    }

    #[test]
    fn status_faults_skip_operations_without_a_status() {
        let any = rule("yassir.*=unknown_status");
        assert!(any.matches(Provider::Yassir, Operation::Check));
        assert!(!any.matches(Provider::Yassir, Operation::Create));
        assert!(!any.matches(Provider::Yabetoo, Operation::Confirm));
        let reset = rule("yassir.*=reset");
        assert!(reset.matches(Provider::Yassir, Operation::Customers));
    }
}
