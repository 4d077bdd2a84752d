//! Reading one variable: a number with its default, a value live mode requires, a list.

use super::ConfigError;

pub(super) fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(|item| item.trim().trim_end_matches('/').to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

pub(super) fn required(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
) -> Result<String, ConfigError> {
    lookup(variable).ok_or(ConfigError {
        variable,
        message: "is required in live mode".into(),
    })
}

pub(super) fn parse<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match lookup(variable) {
        None => Ok(default),
        Some(value) => value.parse().map_err(|_| ConfigError {
            variable,
            message: format!("`{value}` is not a valid number"),
        }),
    }
}
