//! Amounts as Yassir writes them (major units, as JSON numbers), and the amount and currency an
//! answer states compared with the payment's.

use checkout_contract::{format_minor, minor_unit_exponent};
use serde_json::Value;

use super::answer::text;
use super::YassirClient;
use crate::providers::{check_money, IntentRef, PaymentProvider, ProviderError};

impl YassirClient {
    /// Compares the amount and currency an answer states (a check's, a proceed's) with the
    /// payment's.
    pub(super) fn check_answer_money(
        &self,
        intent: &IntentRef,
        answer: &Value,
    ) -> Result<(), ProviderError> {
        let data = answer.get("data").unwrap_or(&Value::Null);
        let (amount, currency) = money_of(data, &intent.currency);
        check_money(
            self.name(),
            Some(&intent.intent_id),
            (intent.amount_minor, &intent.currency),
            amount,
            currency.as_deref(),
        )
    }

    /// A JSON amount in major units (`150000` DZD -> `1500.0`), as Yassir expects.
    pub(super) fn major_units(amount_minor: i64, currency: &str) -> Result<Value, ProviderError> {
        serde_json::from_str(&format_minor(amount_minor, currency)).map_err(|error| {
            ProviderError::Refused {
                code: "invalid_request".into(),
                message: format!(
                    "amount {amount_minor} {currency} cannot be sent to Yassir: {error}"
                ),
            }
        })
    }
}

/// The amount (in minor units) and the currency an answer's `data` states, where it states
/// them: `amount` in major units (of its currency, else of `payment_currency`), `currency`
/// (create) or `currencyCode` (check).
pub(super) fn money_of(data: &Value, payment_currency: &str) -> (Option<i64>, Option<String>) {
    let currency = text(data, "currency").or_else(|| text(data, "currencyCode"));
    let amount = data.get("amount").and_then(|amount| {
        let major = amount
            .as_f64()
            .or_else(|| amount.as_str()?.trim().parse().ok())?;
        let exponent = minor_unit_exponent(currency.as_deref().unwrap_or(payment_currency))?;
        Some((major * 10f64.powi(exponent as i32)).round() as i64)
    });
    (amount, currency)
}
