//! Phone numbers as shoppers type them: Yassir Cash wallet phones (Algeria, Morocco) and
//! mobile-money MSISDNs for Yabetoo (Congo, Cameroon).
//!
//! Shoppers type numbers in many shapes (`+213 555 12 34 56`, `00213…`, `0555…`, Arabic-Indic
//! digits); each validator accepts them all and returns the one form its provider expects.

use checkout_contract::{Operator, PhoneCountry};

/// Why a typed number cannot be used. The view words it (see `i18n::phone_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// Nothing typed.
    Empty,
    /// Letters or symbols other than `+`, spaces, dots, dashes, slashes and brackets.
    NotDigits,
    /// Fewer digits than a national number has; `expected` counts digits after the country code.
    TooShort { expected: usize },
    /// More digits than a national number has.
    TooLong { expected: usize },
    /// A Congolese number typed without its leading `0` (`66594470` for `066594470`).
    MissingLeadingZero,
    /// The country code is not one offered for this method.
    WrongCountry,
    /// A valid-looking number that is not a mobile number there (a landline, a free range).
    NotMobile,
    /// A mobile number on a network this method cannot charge.
    UnsupportedOperator { network: OtherNetwork },
    /// No numbering rules for the requested country, or no country offered at all.
    UnsupportedCountry,
}

/// Mobile networks the providers do not take, named so the shopper understands why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherNetwork {
    /// Cameroon.
    Orange,
    /// Cameroon.
    Nexttel,
    /// Cameroon (`62`, `242`, `243`).
    Camtel,
    /// Congo (`02`).
    CongoTelecom,
    /// Congo (`01`).
    EquateurTelecom,
}

impl OtherNetwork {
    /// The network's brand, the same in every language.
    pub fn display_name(self) -> &'static str {
        match self {
            OtherNetwork::Orange => "Orange",
            OtherNetwork::Nexttel => "Nexttel",
            OtherNetwork::Camtel => "Camtel",
            OtherNetwork::CongoTelecom => "Congo Telecom",
            OtherNetwork::EquateurTelecom => "Equateur Telecom",
        }
    }
}

/// A Yassir Cash wallet phone, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedPhone {
    /// `+213555123456`: what `CreatePaymentRequest::phone` carries.
    pub e164: String,
    /// The offered country it belongs to (`dz`).
    pub country: String,
    /// Digits after the country code, without trunk `0` (`555123456`).
    pub national: String,
}

/// A mobile-money number, checked and normalised for Yabetoo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msisdn {
    /// Country code and national number, digits only (`242066594470`).
    pub international: String,
    /// The national number as written locally (`066594470`).
    pub national: String,
    /// The operator the prefix belongs to; a default only, since numbers can be ported.
    pub suggested_operator: Option<Operator>,
}

/// Digits in every national number the providers take (Algeria, Morocco, Congo, Cameroon).
const NATIONAL_DIGITS: usize = 9;

/// Yassir dial codes whose rules this module knows, to tell "wrong country" from "local number".
const YASSIR_DIAL_CODES: [&str; 2] = ["213", "212"];

/// Listed by Yabetoo's sandbox as Airtel despite its MTN prefix.
const SANDBOX_AIRTEL_MSISDN: &str = "242066000001";

/// Validates a Yassir Cash wallet phone against the offered countries. A number without a
/// country code belongs to the first offered country.
pub fn validate_yassir_phone(
    input: &str,
    countries: &[PhoneCountry],
) -> Result<NormalizedPhone, PhoneError> {
    let typed = clean(input)?;
    let default = countries.first().ok_or(PhoneError::UnsupportedCountry)?;
    let offered = countries
        .iter()
        .find(|c| typed.digits.starts_with(c.dial_code.as_str()));

    let (country, rest) = if typed.international {
        let country = offered.ok_or(PhoneError::WrongCountry)?;
        (country, &typed.digits[country.dial_code.len()..])
    } else if let Some(country) = offered.filter(|_| typed.digits.len() > NATIONAL_DIGITS + 1) {
        (country, &typed.digits[country.dial_code.len()..])
    } else if typed.digits.len() == NATIONAL_DIGITS + 3
        && YASSIR_DIAL_CODES
            .iter()
            .any(|code| typed.digits.starts_with(code))
    {
        return Err(PhoneError::WrongCountry);
    } else {
        (default, typed.digits.as_str())
    };

    // Local numbers carry a trunk 0 (`0555…`); some shoppers keep it after `+213` too.
    let national = rest.strip_prefix('0').unwrap_or(rest);
    check_length(national)?;
    let mobile_leads: &[u8] = match country.dial_code.as_str() {
        "213" => b"567",
        "212" => b"67",
        _ => return Err(PhoneError::UnsupportedCountry),
    };
    if !mobile_leads.contains(&national.as_bytes()[0]) {
        return Err(PhoneError::NotMobile);
    }
    Ok(NormalizedPhone {
        e164: format!("+{}{national}", country.dial_code),
        country: country.code.clone(),
        national: national.to_string(),
    })
}

/// Validates a mobile-money number for a Yabetoo country (`cg`, `cm`). In test mode Yabetoo's
/// sandbox numbers `46733123450`..=`46733123457` are accepted as they are, as MTN numbers.
pub fn validate_msisdn(
    input: &str,
    country_code: &str,
    test_mode: bool,
) -> Result<Msisdn, PhoneError> {
    let typed = clean(input)?;
    if test_mode && checkout_contract::is_sandbox_msisdn(&typed.digits) {
        return Ok(Msisdn {
            international: typed.digits.clone(),
            national: typed.digits,
            suggested_operator: Some(Operator::Mtn),
        });
    }
    let country = MomoCountry::from_code(country_code).ok_or(PhoneError::UnsupportedCountry)?;
    let national = country.national_part(&typed)?;

    if country == MomoCountry::Congo
        && national.len() == NATIONAL_DIGITS - 1
        && !national.starts_with('0')
    {
        return Err(PhoneError::MissingLeadingZero);
    }
    check_length(national)?;
    let international = format!("{}{national}", country.dial_code());
    let suggested_operator = match carrier(country, national) {
        _ if test_mode && international == SANDBOX_AIRTEL_MSISDN => Some(Operator::Airtel),
        Some(Carrier::Operator(operator)) => Some(operator),
        Some(Carrier::Unknown) => None,
        Some(Carrier::Other(network)) => return Err(PhoneError::UnsupportedOperator { network }),
        Some(Carrier::NotMobile) | None => return Err(PhoneError::NotMobile),
    };
    Ok(Msisdn {
        international,
        national: national.to_string(),
        suggested_operator,
    })
}

/// The operator a number being typed belongs to, as soon as its prefix tells: lets the form
/// pre-select the operator before the number is complete.
pub fn suggest_operator(
    partial_input: &str,
    country_code: &str,
    test_mode: bool,
) -> Option<Operator> {
    if let Ok(msisdn) = validate_msisdn(partial_input, country_code, test_mode) {
        return msisdn.suggested_operator;
    }
    let typed = clean(partial_input).ok()?;
    let country = MomoCountry::from_code(country_code)?;
    match carrier(country, country.national_part(&typed).ok()?)? {
        Carrier::Operator(operator) => Some(operator),
        _ => None,
    }
}

/// False when the shopper picked an operator other than the one the prefix suggests: worth a
/// warning, not an error, since ported numbers keep their prefix.
pub fn operator_matches(msisdn: &Msisdn, operator: Operator) -> bool {
    msisdn
        .suggested_operator
        .is_none_or(|suggested| suggested == operator)
}

/// A number reduced to its digits, remembering whether it was typed with `+` or `00`.
struct Typed {
    international: bool,
    digits: String,
}

/// Keeps the digits (ASCII, Arabic-Indic or Persian), drops separators, rejects anything else.
fn clean(input: &str) -> Result<Typed, PhoneError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (plus, rest) = match input.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let mut digits = String::with_capacity(rest.len());
    for ch in rest.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            // Arabic-Indic and Extended Arabic-Indic (Persian) digits from Arabic keyboards.
            '\u{660}'..='\u{669}' => digits.push(char::from(b'0' + (ch as u32 - 0x660) as u8)),
            '\u{6F0}'..='\u{6F9}' => digits.push(char::from(b'0' + (ch as u32 - 0x6F0) as u8)),
            ' ' | '\u{A0}' | '.' | '-' | '/' | '(' | ')' => {}
            _ => return Err(PhoneError::NotDigits),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::NotDigits);
    }
    if !plus {
        if let Some(after) = digits.strip_prefix("00") {
            return Ok(Typed {
                international: true,
                digits: after.to_string(),
            });
        }
    }
    Ok(Typed {
        international: plus,
        digits,
    })
}

fn check_length(national: &str) -> Result<(), PhoneError> {
    match national.len() {
        n if n < NATIONAL_DIGITS => Err(PhoneError::TooShort {
            expected: NATIONAL_DIGITS,
        }),
        n if n > NATIONAL_DIGITS => Err(PhoneError::TooLong {
            expected: NATIONAL_DIGITS,
        }),
        _ => Ok(()),
    }
}

/// The Yabetoo countries whose numbering this module knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MomoCountry {
    Congo,
    Cameroon,
}

impl MomoCountry {
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "cg" => Some(MomoCountry::Congo),
            "cm" => Some(MomoCountry::Cameroon),
            _ => None,
        }
    }

    fn dial_code(self) -> &'static str {
        match self {
            MomoCountry::Congo => "242",
            MomoCountry::Cameroon => "237",
        }
    }

    /// The national digits of a typed number: after the country code when there is one.
    fn national_part(self, typed: &Typed) -> Result<&str, PhoneError> {
        let dial = self.dial_code();
        if typed.international {
            return typed
                .digits
                .strip_prefix(dial)
                .ok_or(PhoneError::WrongCountry);
        }
        // National numbers have 9 digits, so 11 or more starting with the code carry it.
        match typed.digits.strip_prefix(dial) {
            Some(rest) if typed.digits.len() > NATIONAL_DIGITS + 1 => Ok(rest),
            _ => Ok(&typed.digits),
        }
    }
}

/// Who runs a number, as far as its prefix tells.
enum Carrier {
    Operator(Operator),
    Other(OtherNetwork),
    /// A mobile range with no reliable owner (Congo `04`, once Warid): the shopper picks.
    Unknown,
    NotMobile,
}

/// Reads the prefix of national digits; `None` while too few digits are typed to tell.
fn carrier(country: MomoCountry, national: &str) -> Option<Carrier> {
    let digits = national.as_bytes();
    let first = *digits.first()?;
    let second = digits.get(1).copied();
    let third = digits.get(2).copied();
    let carrier = match country {
        // The leading 0 is part of Congolese numbers: 06 MTN, 05 Airtel.
        MomoCountry::Congo => match (first, second?) {
            (b'0', b'6') => Carrier::Operator(Operator::Mtn),
            (b'0', b'5') => Carrier::Operator(Operator::Airtel),
            (b'0', b'4') => Carrier::Unknown,
            (b'0', b'1') => Carrier::Other(OtherNetwork::EquateurTelecom),
            (b'0', b'2') => Carrier::Other(OtherNetwork::CongoTelecom),
            _ => Carrier::NotMobile,
        },
        MomoCountry::Cameroon => match (first, second?) {
            (b'6', b'7') => Carrier::Operator(Operator::Mtn),
            (b'6', b'9') => Carrier::Other(OtherNetwork::Orange),
            (b'6', b'6') => Carrier::Other(OtherNetwork::Nexttel),
            (b'6', b'2') => Carrier::Other(OtherNetwork::Camtel),
            (b'6', b'5') => match third? {
                b'0'..=b'4' => Carrier::Operator(Operator::Mtn),
                _ => Carrier::Other(OtherNetwork::Orange),
            },
            (b'6', b'8') => match third? {
                b'0'..=b'3' => Carrier::Operator(Operator::Mtn),
                b'4' | b'5' => Carrier::Other(OtherNetwork::Nexttel),
                _ => Carrier::Other(OtherNetwork::Orange),
            },
            (b'6', b'4') => match third? {
                b'0'..=b'2' => Carrier::Other(OtherNetwork::Orange),
                _ => Carrier::NotMobile,
            },
            (b'2', b'4') => match third? {
                b'2' | b'3' => Carrier::Other(OtherNetwork::Camtel),
                _ => Carrier::NotMobile,
            },
            _ => Carrier::NotMobile,
        },
    };
    Some(carrier)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maghreb() -> Vec<PhoneCountry> {
        vec![
            PhoneCountry {
                code: "dz".into(),
                dial_code: "213".into(),
            },
            PhoneCountry {
                code: "ma".into(),
                dial_code: "212".into(),
            },
        ]
    }

    fn yassir(input: &str) -> Result<String, PhoneError> {
        validate_yassir_phone(input, &maghreb()).map(|phone| phone.e164)
    }

    fn momo(input: &str, country: &str) -> Result<Msisdn, PhoneError> {
        validate_msisdn(input, country, false)
    }

    #[test]
    fn yassir_accepts_every_usual_algerian_shape() {
        for input in [
            "+213 555 12 34 56",
            "00213555123456",
            "213555123456",
            "0555123456",
            "0555.12.34.56",
            "0555-12-34-56",
            " +213 (0) 555 12 34 56 ",
            "٠٥٥٥١٢٣٤٥٦",
        ] {
            assert_eq!(yassir(input).as_deref(), Ok("+213555123456"), "{input}");
        }
    }

    #[test]
    fn yassir_local_number_belongs_to_first_offered_country() {
        let morocco_first: Vec<_> = maghreb().into_iter().rev().collect();
        let phone = validate_yassir_phone("0612345678", &morocco_first).unwrap();
        assert_eq!(phone.e164, "+212612345678");
        assert_eq!(phone.country, "ma");
        assert_eq!(phone.national, "612345678");
    }

    #[test]
    fn yassir_accepts_moroccan_mobiles_only() {
        assert_eq!(yassir("+212 6 12 34 56 78").as_deref(), Ok("+212612345678"));
        assert_eq!(yassir("+212 7 12 34 56 78").as_deref(), Ok("+212712345678"));
        assert_eq!(yassir("+212 5 22 12 34 56"), Err(PhoneError::NotMobile));
    }

    #[test]
    fn yassir_rejects_algerian_landlines() {
        assert_eq!(yassir("021 12 34 56 7"), Err(PhoneError::NotMobile));
    }

    #[test]
    fn yassir_reports_length_against_nine_national_digits() {
        assert_eq!(
            yassir("055512345"),
            Err(PhoneError::TooShort { expected: 9 })
        );
        assert_eq!(
            yassir("+213 5551234567"),
            Err(PhoneError::TooLong { expected: 9 })
        );
    }

    #[test]
    fn yassir_rejects_countries_not_offered() {
        assert_eq!(yassir("+33 6 12 34 56 78"), Err(PhoneError::WrongCountry));
        let algeria_only = &maghreb()[..1];
        assert_eq!(
            validate_yassir_phone("212612345678", algeria_only),
            Err(PhoneError::WrongCountry)
        );
        assert_eq!(
            validate_yassir_phone("0555123456", &[]),
            Err(PhoneError::UnsupportedCountry)
        );
    }

    #[test]
    fn empty_and_letters_are_told_apart() {
        assert_eq!(yassir("   "), Err(PhoneError::Empty));
        assert_eq!(yassir("0555 12 34 5a"), Err(PhoneError::NotDigits));
        assert_eq!(yassir("+"), Err(PhoneError::NotDigits));
        assert_eq!(momo("06 659 44 7O", "cg"), Err(PhoneError::NotDigits));
    }

    #[test]
    fn congo_local_number_keeps_its_leading_zero() {
        let msisdn = momo("06 659 44 70", "cg").unwrap();
        assert_eq!(msisdn.international, "242066594470");
        assert_eq!(msisdn.national, "066594470");
        assert_eq!(msisdn.suggested_operator, Some(Operator::Mtn));
    }

    #[test]
    fn congo_accepts_international_shapes() {
        for input in [
            "+242 06 659 44 70",
            "242066594470",
            "00242066594470",
            "066594470",
        ] {
            assert_eq!(
                momo(input, "cg").unwrap().international,
                "242066594470",
                "{input}"
            );
        }
    }

    #[test]
    fn congo_number_without_its_zero_is_called_out() {
        assert_eq!(momo("66594470", "cg"), Err(PhoneError::MissingLeadingZero));
        assert_eq!(
            momo("+242 66594470", "cg"),
            Err(PhoneError::MissingLeadingZero)
        );
        assert_eq!(
            momo("0665944", "cg"),
            Err(PhoneError::TooShort { expected: 9 })
        );
        assert_eq!(
            momo("0665944701", "cg"),
            Err(PhoneError::TooLong { expected: 9 })
        );
    }

    #[test]
    fn congo_prefix_suggests_the_operator() {
        assert_eq!(
            momo("055000001", "cg").unwrap().suggested_operator,
            Some(Operator::Airtel)
        );
        assert_eq!(momo("044000001", "cg").unwrap().suggested_operator, None);
    }

    #[test]
    fn congo_other_networks_and_free_ranges_are_refused() {
        let network = |input| match momo(input, "cg") {
            Err(PhoneError::UnsupportedOperator { network }) => Some(network),
            _ => None,
        };
        assert_eq!(network("012345678"), Some(OtherNetwork::EquateurTelecom));
        assert_eq!(network("022345678"), Some(OtherNetwork::CongoTelecom));
        assert_eq!(momo("082345678", "cg"), Err(PhoneError::NotMobile));
    }

    #[test]
    fn cameroon_mtn_ranges_are_accepted() {
        for input in [
            "671234567",
            "650123456",
            "654123456",
            "680123456",
            "683123456",
            "+237 6 70 00 00 01",
        ] {
            let msisdn = momo(input, "cm").unwrap();
            assert_eq!(msisdn.suggested_operator, Some(Operator::Mtn), "{input}");
            assert!(msisdn.international.starts_with("2376"));
        }
    }

    #[test]
    fn cameroon_other_networks_name_the_network() {
        let cases = [
            ("691234567", OtherNetwork::Orange),
            ("655123456", OtherNetwork::Orange),
            ("686123456", OtherNetwork::Orange),
            ("640123456", OtherNetwork::Orange),
            ("661234567", OtherNetwork::Nexttel),
            ("684123456", OtherNetwork::Nexttel),
            ("621234567", OtherNetwork::Camtel),
            ("242123456", OtherNetwork::Camtel),
        ];
        for (input, network) in cases {
            assert_eq!(
                momo(input, "cm"),
                Err(PhoneError::UnsupportedOperator { network }),
                "{input}"
            );
        }
    }

    #[test]
    fn cameroon_has_no_trunk_zero_and_old_eight_digit_numbers_are_short() {
        assert_eq!(
            momo("0671234567", "cm"),
            Err(PhoneError::TooLong { expected: 9 })
        );
        assert_eq!(
            momo("71234567", "cm"),
            Err(PhoneError::TooShort { expected: 9 })
        );
        assert_eq!(momo("601234567", "cm"), Err(PhoneError::NotMobile));
        assert_eq!(momo("222123456", "cm"), Err(PhoneError::NotMobile));
    }

    #[test]
    fn momo_rejects_another_countrys_code() {
        assert_eq!(momo("+237 671234567", "cg"), Err(PhoneError::WrongCountry));
        assert_eq!(momo("066594470", "fr"), Err(PhoneError::UnsupportedCountry));
    }

    #[test]
    fn sandbox_numbers_pass_in_test_mode_only() {
        for last in 0..=7 {
            let input = format!("4673312345{last}");
            let msisdn = validate_msisdn(&input, "cg", true).unwrap();
            assert_eq!(msisdn.international, input);
            assert_eq!(msisdn.suggested_operator, Some(Operator::Mtn));
        }
        assert_eq!(
            validate_msisdn("+46733123453", "cm", true)
                .unwrap()
                .international,
            "46733123453"
        );
        assert!(validate_msisdn("46733123450", "cg", false).is_err());
        assert!(validate_msisdn("46733123458", "cg", true).is_err());
        let airtel = validate_msisdn("066000001", "cg", true).unwrap();
        assert_eq!(airtel.suggested_operator, Some(Operator::Airtel));
        assert_eq!(
            momo("066000001", "cg").unwrap().suggested_operator,
            Some(Operator::Mtn)
        );
    }

    #[test]
    fn operator_is_suggested_while_typing() {
        assert_eq!(suggest_operator("05", "cg", false), Some(Operator::Airtel));
        assert_eq!(
            suggest_operator("+242 06", "cg", false),
            Some(Operator::Mtn)
        );
        assert_eq!(suggest_operator("0", "cg", false), None);
        assert_eq!(suggest_operator("65", "cm", false), None);
        assert_eq!(suggest_operator("652", "cm", false), Some(Operator::Mtn));
    }

    #[test]
    fn chosen_operator_differing_from_prefix_does_not_match() {
        let mtn = momo("066594470", "cg").unwrap();
        assert!(operator_matches(&mtn, Operator::Mtn));
        assert!(!operator_matches(&mtn, Operator::Airtel));
        let unknown = momo("044000001", "cg").unwrap();
        assert!(operator_matches(&unknown, Operator::Airtel));
    }
}
