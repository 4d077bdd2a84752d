//! Whole numbers in the merchant's request bodies. JSON Schema's `integer` (what
//! `openapi.yaml` says) is any number without a fraction, so `5000.0` is `5000` here too; a
//! fraction, or a number out of `i64`'s range, is still refused.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// `#[serde(deserialize_with = "whole::number")]`
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(WholeVisitor)
}

/// `#[serde(default, deserialize_with = "whole::optional")]`: absent or `null` is `None`.
pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<Whole>::deserialize(deserializer)?.map(|whole| whole.0))
}

struct Whole(i64);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        number(deserializer).map(Whole)
    }
}

struct WholeVisitor;

/// 2^63: the first `f64` past `i64::MAX`.
const LIMIT: f64 = 9_223_372_036_854_775_808.0;

impl Visitor<'_> for WholeVisitor {
    type Value = i64;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
        i64::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<i64, E> {
        if value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value) {
            // Exact: a float without a fraction inside i64's range is a whole i64.
            #[allow(clippy::cast_possible_truncation)]
            Ok(value as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(value), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        #[serde(deserialize_with = "super::number")]
        amount: i64,
        #[serde(default, deserialize_with = "super::optional")]
        extra: Option<i64>,
    }

    fn read(json: &str) -> Result<Body, String> {
        serde_json::from_str(json).map_err(|error| error.to_string())
    }

    #[test]
    fn integral_numbers_are_read_as_integers() {
        assert_eq!(read(r#"{"amount": 5000}"#).unwrap().amount, 5000);
        assert_eq!(read(r#"{"amount": 5000.0}"#).unwrap().amount, 5000);
        assert_eq!(read(r#"{"amount": 2.7e6}"#).unwrap().amount, 2_700_000);
        assert_eq!(read(r#"{"amount": -3.0}"#).unwrap().amount, -3);
        let body = read(r#"{"amount": 1, "extra": 600.0}"#).unwrap();
        assert_eq!(body.extra, Some(600));
        assert_eq!(read(r#"{"amount": 1, "extra": null}"#).unwrap().extra, None);
        assert_eq!(read(r#"{"amount": 1}"#).unwrap().extra, None);
    }

    #[test]
    fn fractions_strings_and_huge_numbers_are_refused() {
        for json in [
            r#"{"amount": 12.5}"#,
            r#"{"amount": "12"}"#,
            r#"{"amount": 1e19}"#,
            r#"{"amount": 18446744073709551615}"#,
            r#"{"amount": 1, "extra": 0.5}"#,
        ] {
            let error = read(json).unwrap_err();
            assert!(
                error.contains("whole number") || error.contains("invalid type"),
                "{json}: {error}"
            );
        }
    }
}
