//! The compact form of `SANDBOX_FAULTS`, read and written:
//! `provider.operation=fault[:param][@phase][*count][%share]`.

use std::fmt;
use std::str::FromStr;

use super::check::Parameters;
use super::fault::FAULT_NAMES;
use super::{FaultRule, RuleError};

impl FaultRule {
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
                "latency" | "timeout" | "reorder" | "late" => {
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
