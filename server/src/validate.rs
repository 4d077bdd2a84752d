//! Validation of what the browser and the merchant send. Every rule names the field it checks,
//! and nothing is stored before all of them pass.

use checkout_contract::{MobileMoneyDetails, Operator};
use checkout_numbering::{parse_international, Country, NumberError, Service};

use crate::orders;

/// Why a request is refused: malformed (`Invalid`), or well formed but not possible
/// (`Unprocessable`, with a stable code). Each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Invalid {
        field: String,
        message: String,
    },
    Unprocessable {
        code: &'static str,
        field: Option<String>,
        message: String,
    },
}

impl Refused {
    fn unprocessable(code: &'static str, field: Option<&str>, message: impl Into<String>) -> Self {
        Refused::Unprocessable {
            code,
            field: field.map(Into::into),
            message: message.into(),
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Refused::Invalid { field, .. } => Some(field),
            Refused::Unprocessable { field, .. } => field.as_deref(),
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Refused::Invalid { message, .. } | Refused::Unprocessable { message, .. } => message,
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> Refused {
    Refused::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// The `Idempotency-Key` header: 1 to 255 visible ASCII characters.
pub fn idempotency_key(value: Option<&str>) -> Result<String, Refused> {
    let field = checkout_contract::IDEMPOTENCY_HEADER;
    let Some(key) = value else {
        return Err(invalid(
            field,
            "the Idempotency-Key header is required: send one unique key per payment attempt",
        ));
    };
    if key.is_empty() || key.len() > 255 {
        return Err(invalid(
            field,
            "the Idempotency-Key header must be 1 to 255 characters long",
        ));
    }
    if !key.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(invalid(
            field,
            "the Idempotency-Key header must be visible ASCII characters without spaces",
        ));
    }
    Ok(key.to_string())
}

/// A Yassir Cash wallet phone: `+` then the country's calling code and a mobile number of the
/// numbering plan (`+213555123456`). Returns it in that form.
pub fn wallet_phone(value: Option<&str>, dial_codes: &[String]) -> Result<String, Refused> {
    let Some(raw) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Err(invalid(
            "phone",
            "phone is required for Yassir Cash: the shopper's wallet phone, e.g. +213555123456",
        ));
    };
    let countries: Vec<Country> = dial_codes
        .iter()
        .filter_map(|code| Country::from_dial_code(code))
        .collect();
    let dial_code = || {
        countries
            .iter()
            .map(|country| country.dial_code())
            .find(|code| raw.trim_start_matches('+').starts_with(code))
            .unwrap_or_default()
    };
    match parse_international(raw, &countries) {
        Ok(mobile) => Ok(mobile.e164()),
        Err(NumberError::Empty | NumberError::NotDigits) => Err(invalid(
            "phone",
            format!("phone `{raw}` must be in international form: `+`, the country code and digits only"),
        )),
        // A well-formed number the order does not take: a business rule, not a bad body.
        Err(NumberError::WrongCountry) if of_the_plan(raw) => {
            Err(Refused::unprocessable(
                "phone_country_not_offered",
                Some("phone"),
                format!(
                    "phone `{raw}` must start with +{} for this order",
                    dial_codes.join(" or +")
                ),
            ))
        }
        Err(NumberError::WrongCountry) => Err(invalid(
            "phone",
            format!(
                "phone `{raw}` must start with +{} for this order",
                dial_codes.join(" or +")
            ),
        )),
        Err(NumberError::TooShort { expected } | NumberError::TooLong { expected }) => {
            Err(invalid(
                "phone",
                format!("phone `{raw}` must have {expected} digits after +{}", dial_code()),
            ))
        }
        Err(NumberError::NotMobile | NumberError::MissingLeadingZero) => {
            let dial_code = dial_code();
            let leads = Country::from_dial_code(dial_code)
                .map(mobile_leads)
                .unwrap_or_default();
            Err(invalid(
                "phone",
                format!(
                    "phone `{raw}` is not a mobile number (it must start with +{dial_code} {leads})"
                ),
            ))
        }
    }
}

/// Whether `raw` is a number of some country of the plan (not necessarily one asked for).
fn of_the_plan(raw: &str) -> bool {
    !matches!(
        parse_international(raw, &Country::ALL),
        Err(NumberError::WrongCountry)
    )
}

/// How the country's mobile numbers start, from its plan: `5, 6 or 7`.
fn mobile_leads(country: Country) -> String {
    let mut leads: Vec<String> = Vec::new();
    for range in country.ranges() {
        if range.service != Service::Mobile {
            continue;
        }
        match (range.first.parse::<u32>(), range.last.parse::<u32>()) {
            (Ok(first), Ok(last)) if range.first.len() == 1 => {
                leads.extend((first..=last).map(|digit| digit.to_string()))
            }
            _ if range.first == range.last => leads.push(range.first.to_string()),
            _ => leads.push(format!("{} to {}", range.first, range.last)),
        }
    }
    match leads.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Mobile-money details: an offered country and operator, an MSISDN of that country in
/// international form on a network mobile money takes (the numbering plan, then
/// [`Operator::suggested_for`]) and, where the plan names the network of its prefix, on the
/// operator's own; and well-formed optional fields. With `test_numbers` (Yabetoo reached with a
/// test key) the sandbox's test numbers are taken as they are. Returns the details normalised
/// (digits only).
pub fn mobile_money(
    details: MobileMoneyDetails,
    test_numbers: bool,
    coverage: orders::Coverage,
) -> Result<MobileMoneyDetails, Refused> {
    let countries = orders::mobile_money_countries(coverage);
    let Some(country) = countries
        .iter()
        .find(|country| country.code == details.country)
    else {
        let offered: Vec<&str> = countries
            .iter()
            .map(|country| country.code.as_str())
            .collect();
        let message = format!(
            "country `{}` is not offered; use one of: {}",
            details.country,
            offered.join(", ")
        );
        // A country mobile money has rules for, not offered here: a business rule.
        return Err(if Country::from_code(&details.country).is_some() {
            Refused::unprocessable("country_not_offered", Some("country"), message)
        } else {
            invalid("country", message)
        });
    };
    if !country.operators.contains(&details.operator) {
        let offered: Vec<&str> = country
            .operators
            .iter()
            .map(|operator| operator.as_str())
            .collect();
        return Err(Refused::unprocessable(
            "operator_not_offered",
            Some("operator"),
            format!(
                "operator `{}` is not offered in `{}`; use one of: {}",
                details.operator.as_str(),
                country.code,
                offered.join(", ")
            ),
        ));
    }

    let raw = details.msisdn.trim();
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid(
            "msisdn",
            format!("msisdn `{raw}` must be digits in international form, e.g. 242066594470"),
        ));
    }
    // The sandbox's own list: its test numbers are in no numbering plan.
    let sandbox_number = checkout_sandbox::yabetoo::numbers::is_test_msisdn(digits);
    if !(test_numbers && sandbox_number) {
        msisdn_in_plan(
            raw,
            digits,
            &country.code,
            &country.dial_code,
            details.operator,
        )
        // A test number out of the plan, with a live key: said as such, not as a malformed
        // number (the ones in the plan are real numbers too, and taken as any other).
        .map_err(|refused| match sandbox_number {
            true => invalid(
                "msisdn",
                format!(
                    "msisdn `{raw}` is a test number, taken only in test mode (Yabetoo reached with a sk_test_ key); a live checkout needs the shopper's own number"
                ),
            ),
            false => refused,
        })?;
    }

    let first_name = optional_text("first_name", details.first_name, 60)?;
    let last_name = optional_text("last_name", details.last_name, 60)?;
    let receipt_email = match optional_text("receipt_email", details.receipt_email, 254)? {
        Some(email) if !looks_like_email(&email) => {
            return Err(invalid(
                "receipt_email",
                format!("receipt_email `{email}` is not an email address"),
            ))
        }
        email => email,
    };
    Ok(MobileMoneyDetails {
        country: details.country,
        operator: details.operator,
        msisdn: digits.to_string(),
        first_name,
        last_name,
        receipt_email,
    })
}

/// The MSISDN is a mobile number of the country, on a network mobile money takes there, and on
/// `operator`'s network when the plan says whose its prefix is (the operator asked is the one
/// that charges: an Airtel number sent to MTN can only fail).
fn msisdn_in_plan(
    raw: &str,
    digits: &str,
    code: &str,
    dial_code: &str,
    operator: Operator,
) -> Result<(), Refused> {
    let Some(country) = Country::from_code(code) else {
        return Err(invalid(
            "country",
            format!("country `{code}` has no numbering rules"),
        ));
    };
    let mobile = parse_international(digits, &[country]).map_err(|error| {
        let rule = match error {
            // Another country's number (of the plan): well-formed, but not of the country
            // sent with it.
            NumberError::WrongCountry if of_the_plan(digits) => {
                return Refused::unprocessable(
                    "country_mismatch",
                    Some("msisdn"),
                    format!("msisdn `{raw}` must be in international form starting with {dial_code} for `{code}`"),
                );
            }
            NumberError::WrongCountry => {
                format!("must be in international form starting with {dial_code} for `{code}`")
            }
            NumberError::TooShort { expected } | NumberError::TooLong { expected } => {
                format!("must have {expected} digits after {dial_code}")
            }
            NumberError::MissingLeadingZero => {
                format!("lacks the 0 its national number starts with ({dial_code}0…)")
            }
            NumberError::NotMobile | NumberError::Empty | NumberError::NotDigits => {
                format!("is not a mobile number in `{code}`")
            }
        };
        invalid("msisdn", format!("msisdn `{raw}` {rule}"))
    })?;
    let suggested = Operator::suggested_for(&mobile).map_err(|network| {
        invalid(
            "msisdn",
            format!(
                "msisdn `{raw}` is on the {} network: mobile money in `{code}` cannot charge it",
                network.name()
            ),
        )
    })?;
    match suggested {
        // A well-formed number and operator that do not go together: a business rule.
        Some(owner) if owner != operator => Err(Refused::unprocessable(
            "operator_mismatch",
            Some("operator"),
            format!(
                "msisdn `{raw}` is a {} number: send operator `{}`, not `{}`",
                owner.display_name(),
                owner.as_str(),
                operator.as_str()
            ),
        )),
        _ => Ok(()),
    }
}

/// A merchant's free text (a note): at most `max` characters, no control character; trimmed,
/// and blank is absent.
pub fn note(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, Refused> {
    optional_text(field, value, max)
}

fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, Refused> {
    // Checked as sent (what `openapi.yaml` states: `maxLength`, no control character), then
    // trimmed; blank is absent.
    match value {
        Some(value) if value.chars().count() > max => Err(invalid(
            field,
            format!("{field} must be at most {max} characters"),
        )),
        Some(value) if value.chars().any(char::is_control) => Err(invalid(
            field,
            format!("{field} must not contain control characters"),
        )),
        value => Ok(value
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())),
    }
}

fn looks_like_email(email: &str) -> bool {
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

/// An amount for a merchant operation: positive and at most `limit`.
pub fn amount_within(
    field: &str,
    amount: i64,
    limit: i64,
    limit_name: &str,
) -> Result<(), Refused> {
    if amount <= 0 {
        return Err(Refused::unprocessable(
            "invalid_amount",
            Some(field),
            format!("{field} must be greater than 0"),
        ));
    }
    if amount > limit {
        return Err(Refused::unprocessable(
            "amount_too_large",
            Some(field),
            format!("{field} {amount} exceeds {limit_name} ({limit})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
