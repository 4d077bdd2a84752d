//! The method form's words: methods, countries, operators and what is wrong with a field.

use checkout_contract::{decimal, Operator};

use super::{fill, isolate, t, Lang, Msg};
use crate::core::phone::{Network, PhoneError};
use crate::core::validate::{Field, FieldError, FieldErrors};

/// The method's name.
pub fn method_name(lang: Lang, method: checkout_contract::MethodKind) -> &'static str {
    match method {
        checkout_contract::MethodKind::YassirCash => t(lang, Msg::MethodYassirCash),
        checkout_contract::MethodKind::MobileMoney => t(lang, Msg::MethodMobileMoney),
    }
}

/// The name of a country by its ISO code (`dz`, `ma`, `cg`, `cm`).
pub fn country_name(lang: Lang, code: &str) -> Option<&'static str> {
    let msg = match code {
        "dz" => Msg::CountryAlgeria,
        "ma" => Msg::CountryMorocco,
        "cg" => Msg::CountryCongo,
        "cm" => Msg::CountryCameroon,
        _ => return None,
    };
    Some(t(lang, msg))
}

/// An operator's brand, the same in every language.
pub fn operator_name(operator: Operator) -> &'static str {
    operator.display_name()
}

/// The example numbers the hints show, the same in every language.
const EXAMPLE_DZ: &str = "0555 12 34 56";
const EXAMPLE_CG: &str = "06 659 44 70";
const EXAMPLE_CM: &str = "6 71 23 45 67";

/// A country as its option reads: "Algeria (+213)", the code isolated in Arabic.
pub fn country_option(lang: Lang, name: &str, dial_code: &str) -> String {
    [name, " (", &isolate(lang, &["+", dial_code].concat()), ")"].concat()
}

/// The hint under the Yassir Cash phone field, with an example number.
pub fn yassir_phone_hint(lang: Lang) -> String {
    fill(lang, Msg::YassirPhoneHintTemplate, EXAMPLE_DZ)
}

/// The example number shown under the mobile-money field for a country.
pub fn msisdn_hint(lang: Lang, country_code: &str) -> Option<String> {
    let example = match country_code {
        "cg" => EXAMPLE_CG,
        "cm" => EXAMPLE_CM,
        _ => return None,
    };
    Some(fill(lang, Msg::ExampleTemplate, example))
}

/// Why a phone number is refused.
pub fn phone_error(lang: Lang, error: PhoneError) -> String {
    let msg = match error {
        PhoneError::Empty => Msg::PhoneEmpty,
        PhoneError::NotDigits => Msg::PhoneNotDigits,
        PhoneError::TooShort { expected } => {
            return fill(
                lang,
                Msg::PhoneTooShortTemplate,
                &decimal(expected as u64, 0),
            )
        }
        PhoneError::TooLong { expected } => {
            return fill(
                lang,
                Msg::PhoneTooLongTemplate,
                &decimal(expected as u64, 0),
            )
        }
        PhoneError::MissingLeadingZero => {
            return fill(lang, Msg::PhoneMissingLeadingZeroTemplate, "0").replacen(
                "{}",
                &isolate(lang, EXAMPLE_CG),
                1,
            )
        }
        PhoneError::WrongCountry => Msg::PhoneWrongCountry,
        PhoneError::Foreign => Msg::PhoneForeign,
        PhoneError::NotMobile => Msg::PhoneNotMobile,
        PhoneError::UnsupportedCountry => Msg::PhoneUnsupportedCountry,
        PhoneError::UnsupportedOperator { network } => match network {
            Network::Orange | Network::Nexttel | Network::Camtel => {
                return fill(lang, Msg::PhoneOnlyMtnInCameroonTemplate, network.name())
            }
            _ => Msg::PhoneNotMtnOrAirtel,
        },
    };
    t(lang, msg).to_string()
}

/// The message under a form field.
pub fn field_error(lang: Lang, field: Field, error: FieldError) -> String {
    let msg = match (error, field) {
        (FieldError::Phone(error), _) => return phone_error(lang, error),
        (FieldError::TooLong { max }, _) => {
            return fill(lang, Msg::TooLongTemplate, &decimal(max as u64, 0))
        }
        (FieldError::InvalidEmail, _) => Msg::InvalidEmail,
        (FieldError::Required, Field::Country) => Msg::ChooseCountry,
        (FieldError::Required, Field::Operator) => Msg::ChooseOperator,
        (FieldError::Required, Field::YassirPhone | Field::Msisdn) => Msg::PhoneEmpty,
        (FieldError::Required, _) => Msg::ChooseMethod,
        (FieldError::NotOffered, Field::Operator) => Msg::OperatorNotOffered,
        (FieldError::NotOffered, _) => Msg::CountryNotOffered,
    };
    t(lang, msg).to_string()
}

/// The warning when the chosen operator differs from the one the number suggests.
pub fn operator_warning(lang: Lang, suggested: Operator) -> String {
    fill(
        lang,
        Msg::OperatorMismatchTemplate,
        operator_name(suggested),
    )
}

/// What is wrong with the form, in one sentence per field: the one announcement of a Pay press
/// on a wrong form (the focused field then says its own error again, which a screen reader reads
/// as the field's description, not as a second announcement).
pub fn error_summary(lang: Lang, errors: &FieldErrors) -> String {
    let mut summary = t(lang, Msg::FixErrors).to_string();
    for (field, error) in errors.iter() {
        summary.push(' ');
        summary.push_str(field_error(lang, field, error).trim_end_matches('.'));
        summary.push('.');
    }
    summary
}
