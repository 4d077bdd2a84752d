//! Request validation, reported the way Yabetoo reports it:
//! `{"errors":[{"rule":"required","field":"currency","message":"required validation failed"}]}`.

use serde_json::{json, Map, Value};

/// One failed rule on one field (dotted path, as Yabetoo names nested fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub rule: &'static str,
    pub field: String,
}

impl FieldError {
    fn new(rule: &'static str, field: impl Into<String>) -> Self {
        Self {
            rule,
            field: field.into(),
        }
    }
}

/// The `errors` body of a 400/422 answer.
pub(crate) fn errors_body(errors: &[FieldError]) -> Value {
    let errors: Vec<Value> = errors
        .iter()
        .map(|error| {
            json!({
                "rule": error.rule,
                "field": error.field,
                "message": format!("{} validation failed", error.rule),
            })
        })
        .collect();
    json!({ "errors": errors })
}

/// A valid create request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewIntent {
    /// XAF francs (no decimals).
    pub amount: i64,
    /// Lower case (`xaf`).
    pub currency: String,
    pub description: Option<String>,
    pub metadata: Value,
}

/// The currencies the sandbox takes: Yabetoo works in XAF only.
const CURRENCIES: &[&str] = &["xaf"];

/// Checks a create body (`POST /v1/payment-intents`).
pub(crate) fn new_intent(body: &Value) -> Result<NewIntent, Vec<FieldError>> {
    let empty = Map::new();
    let fields = body.as_object().unwrap_or(&empty);
    let mut errors = Vec::new();

    let amount = amount(fields.get("amount"), &mut errors);
    let currency = match present(fields.get("currency")) {
        None => {
            errors.push(FieldError::new("required", "currency"));
            None
        }
        Some(Value::String(code)) if CURRENCIES.contains(&code.to_ascii_lowercase().as_str()) => {
            Some(code.to_ascii_lowercase())
        }
        Some(Value::String(_)) => {
            errors.push(FieldError::new("enum", "currency"));
            None
        }
        Some(_) => {
            errors.push(FieldError::new("string", "currency"));
            None
        }
    };
    let description = optional_string(fields, "description", "description", &mut errors);
    let metadata = match present(fields.get("metadata")) {
        None => Value::Object(Map::new()),
        Some(value @ Value::Object(_)) => value.clone(),
        Some(_) => {
            errors.push(FieldError::new("object", "metadata"));
            Value::Null
        }
    };

    match (amount, currency) {
        (Some(amount), Some(currency)) if errors.is_empty() => Ok(NewIntent {
            amount,
            currency,
            description,
            metadata,
        }),
        _ => Err(errors),
    }
}

/// `amount`: a positive whole number of francs, as a JSON number or a numeric string (the OAS
/// types it `string`).
fn amount(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Option<i64> {
    let number = match present(value) {
        None => {
            errors.push(FieldError::new("required", "amount"));
            return None;
        }
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite()),
        Some(_) => None,
    };
    let Some(number) = number else {
        errors.push(FieldError::new("number", "amount"));
        return None;
    };
    if number.fract() != 0.0 {
        errors.push(FieldError::new("withoutDecimals", "amount"));
        return None;
    }
    if number < 1.0 {
        errors.push(FieldError::new("min", "amount"));
        return None;
    }
    // Far above any real payment, and keeps the conversion to i64 exact.
    if number > 1e15 {
        errors.push(FieldError::new("max", "amount"));
        return None;
    }
    Some(number as i64)
}

/// A valid confirm request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Confirmation {
    pub client_secret: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub receipt_email: Option<String>,
    pub momo: Momo,
}

/// `payment_method_data.momo`, normalised to lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Momo {
    pub country: String,
    /// As sent: international form, with or without `+`.
    pub msisdn: String,
    pub operator: String,
}

const COUNTRIES: &[&str] = &["cg", "cm"];
const OPERATORS: &[&str] = &["mtn", "airtel"];

/// Checks a confirm body (`POST /v1/payment-intents/:id/confirm`). The MSISDN must be in
/// international form (the numbering plan's [`checkout_numbering::international_digits`]), but
/// its prefix is not checked: Yabetoo's own confirm example sends `+242123456789`, which is no
/// Congolese mobile number, and most of its test numbers are MTN's +46 sandbox range.
pub(crate) fn confirmation(body: &Value) -> Result<Confirmation, Vec<FieldError>> {
    let empty = Map::new();
    let fields = body.as_object().unwrap_or(&empty);
    let mut errors = Vec::new();

    let client_secret = required_string(fields, "client_secret", "client_secret", &mut errors);
    let first_name = optional_string(fields, "first_name", "first_name", &mut errors);
    let last_name = optional_string(fields, "last_name", "last_name", &mut errors);
    let receipt_email = optional_string(fields, "receipt_email", "receipt_email", &mut errors);
    if receipt_email
        .as_deref()
        .is_some_and(|email| !is_email(email))
    {
        errors.push(FieldError::new("email", "receipt_email"));
    }

    let momo = payment_method_data(fields.get("payment_method_data"), &mut errors);

    match (client_secret, momo) {
        (Some(client_secret), Some(momo)) if errors.is_empty() => Ok(Confirmation {
            client_secret,
            first_name,
            last_name,
            receipt_email,
            momo,
        }),
        _ => Err(errors),
    }
}

fn payment_method_data(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Option<Momo> {
    let data = required_object(value, "payment_method_data", errors)?;
    let method = required_string(data, "type", "payment_method_data.type", errors);
    if method.as_deref().is_some_and(|method| method != "momo") {
        errors.push(FieldError::new("enum", "payment_method_data.type"));
    }
    let momo = required_object(data.get("momo"), "payment_method_data.momo", errors)?;
    let country = required_choice(
        momo,
        "country",
        "payment_method_data.momo.country",
        COUNTRIES,
        errors,
    );
    let msisdn = required_string(momo, "msisdn", "payment_method_data.momo.msisdn", errors);
    if msisdn
        .as_deref()
        .is_some_and(|msisdn| checkout_numbering::international_digits(msisdn).is_none())
    {
        errors.push(FieldError::new("mobile", "payment_method_data.momo.msisdn"));
    }
    let operator = required_choice(
        momo,
        "operator_name",
        "payment_method_data.momo.operator_name",
        OPERATORS,
        errors,
    );
    Some(Momo {
        country: country?,
        msisdn: msisdn?,
        operator: operator?,
    })
}

/// The stricter reading of a confirm ([`crate::Strict::momo_numbers`]): Yabetoo serves the
/// Republic of Congo only, and a number whose prefix the numbering plan gives to one operator
/// cannot be charged by the other. The test numbers are taken as they are.
pub(crate) fn strict_momo(momo: &Momo) -> Vec<FieldError> {
    use checkout_numbering::{parse_international, Country, Network};
    if momo.country != "cg" {
        return vec![FieldError::new("enum", "payment_method_data.momo.country")];
    }
    if super::numbers::is_test_msisdn(&momo.msisdn) {
        return Vec::new();
    }
    let operator = match momo.operator.as_str() {
        "mtn" => Network::Mtn,
        _ => Network::Airtel,
    };
    match parse_international(&momo.msisdn, &[Country::Congo]) {
        Ok(number) if number.network.is_none_or(|network| network == operator) => Vec::new(),
        Ok(_) => vec![FieldError::new(
            "operator",
            "payment_method_data.momo.operator_name",
        )],
        Err(_) => vec![FieldError::new("mobile", "payment_method_data.momo.msisdn")],
    }
}

/// A plain shape check, enough to catch typing mistakes; the address is never written to.
fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// `null` counts as absent, as it does for the provider's validator.
fn present(value: Option<&Value>) -> Option<&Value> {
    value.filter(|value| !value.is_null())
}

fn required_object<'a>(
    value: Option<&'a Value>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a Map<String, Value>> {
    match present(value) {
        None => {
            errors.push(FieldError::new("required", field));
            None
        }
        Some(Value::Object(object)) => Some(object),
        Some(_) => {
            errors.push(FieldError::new("object", field));
            None
        }
    }
}

fn required_string(
    fields: &Map<String, Value>,
    key: &str,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match present(fields.get(key)) {
        None => {
            errors.push(FieldError::new("required", field));
            None
        }
        Some(Value::String(text)) if text.trim().is_empty() => {
            errors.push(FieldError::new("required", field));
            None
        }
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => {
            errors.push(FieldError::new("string", field));
            None
        }
    }
}

fn optional_string(
    fields: &Map<String, Value>,
    key: &str,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match present(fields.get(key)) {
        None => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => {
            errors.push(FieldError::new("string", field));
            None
        }
    }
}

/// A required string from a fixed list, compared without regard to case and returned in lower case.
fn required_choice(
    fields: &Map<String, Value>,
    key: &str,
    field: &str,
    choices: &[&str],
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let value = required_string(fields, key, field, errors)?.to_ascii_lowercase();
    if choices.contains(&value.as_str()) {
        Some(value)
    } else {
        errors.push(FieldError::new("enum", field));
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confirm_body(msisdn: &str) -> Value {
        json!({
            "client_secret": "pi_x_secret_y",
            "payment_method_data": {
                "type": "momo",
                "momo": { "country": "cg", "msisdn": msisdn, "operator_name": "mtn" }
            }
        })
    }

    #[test]
    fn amount_accepts_a_number_or_a_numeric_string() {
        let number = new_intent(&json!({ "amount": 5000, "currency": "XAF" })).unwrap();
        assert_eq!((number.amount, number.currency.as_str()), (5000, "xaf"));
        assert_eq!(
            new_intent(&json!({ "amount": "10000", "currency": "xaf" }))
                .unwrap()
                .amount,
            10000
        );
    }

    #[test]
    fn amount_must_be_a_positive_whole_number() {
        let rule = |amount: Value| {
            new_intent(&json!({ "amount": amount, "currency": "xaf" })).unwrap_err()[0].rule
        };
        assert_eq!(rule(json!(0)), "min");
        assert_eq!(rule(json!(-5)), "min");
        assert_eq!(rule(json!(10.5)), "withoutDecimals");
        assert_eq!(rule(json!("ten")), "number");
        assert_eq!(rule(json!(true)), "number");
    }

    #[test]
    fn every_missing_field_is_reported() {
        let errors = new_intent(&json!({})).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("required", "amount"),
                FieldError::new("required", "currency")
            ]
        );
    }

    #[test]
    fn msisdn_must_be_international() {
        assert!(confirmation(&confirm_body("+242066594470")).is_ok());
        assert!(confirmation(&confirm_body("242066594470")).is_ok());
        assert!(confirmation(&confirm_body("46733123454")).is_ok());
        let errors = confirmation(&confirm_body("066594470")).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("mobile", "payment_method_data.momo.msisdn")]
        );
        assert!(confirmation(&confirm_body("+242 06 659 44 70")).is_err());
    }

    #[test]
    fn nested_fields_are_named_with_dotted_paths() {
        let errors = confirmation(&json!({
            "client_secret": "s",
            "payment_method_data": { "type": "card", "momo": { "country": "fr", "msisdn": "242066594470" } }
        }))
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("enum", "payment_method_data.type"),
                FieldError::new("enum", "payment_method_data.momo.country"),
                FieldError::new("required", "payment_method_data.momo.operator_name"),
            ]
        );
    }

    #[test]
    fn strict_confirms_take_congo_numbers_of_their_operator() {
        let momo = |country: &str, msisdn: &str, operator: &str| Momo {
            country: country.into(),
            msisdn: msisdn.into(),
            operator: operator.into(),
        };
        assert!(strict_momo(&momo("cg", "242066594470", "mtn")).is_empty());
        assert!(strict_momo(&momo("cg", "242056594470", "airtel")).is_empty());
        assert!(strict_momo(&momo("cg", "46733123451", "mtn")).is_empty());
        assert_eq!(
            strict_momo(&momo("cg", "242056594470", "mtn")),
            vec![FieldError::new(
                "operator",
                "payment_method_data.momo.operator_name"
            )]
        );
        assert_eq!(
            strict_momo(&momo("cm", "237670000001", "mtn")),
            vec![FieldError::new("enum", "payment_method_data.momo.country")]
        );
    }

    #[test]
    fn receipt_email_is_checked_when_present() {
        let mut body = confirm_body("242066594470");
        body["receipt_email"] = json!("not-an-email");
        assert_eq!(
            confirmation(&body).unwrap_err(),
            vec![FieldError::new("email", "receipt_email")]
        );
        body["receipt_email"] = json!("jean.dupont@example.com");
        assert!(confirmation(&body).is_ok());
    }
}
