//! Phone numbers as shoppers type them: Yassir Cash wallet phones (Algeria, Morocco) and
//! mobile-money MSISDNs for Yabetoo (Congo, Cameroon).
//!
//! Shoppers type numbers in many shapes (`+213 555 12 34 56`, `00213…`, `0555…`, Arabic-Indic
//! digits); each validator accepts them all and returns the one form its provider expects. The
//! rules are the numbering plan's (`checkout_numbering`), the same the server applies; this
//! module only words them for the form.

use checkout_contract::{Operator, PhoneCountry};
use checkout_numbering::{self as plan, Country, NumberError};

/// Mobile networks, named so the shopper understands why a number is refused.
pub use checkout_numbering::Network;

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
    /// A number of no country of the plan (another country's, or a test number this checkout
    /// does not list): not of the chosen country.
    Foreign,
    /// A valid-looking number that is not a mobile number there (a landline, a free range).
    NotMobile,
    /// A mobile number on a network this method cannot charge.
    UnsupportedOperator { network: Network },
    /// No numbering rules for the requested country, or no country offered at all.
    UnsupportedCountry,
}

impl From<NumberError> for PhoneError {
    fn from(error: NumberError) -> Self {
        match error {
            NumberError::Empty => PhoneError::Empty,
            NumberError::NotDigits => PhoneError::NotDigits,
            NumberError::TooShort { expected } => PhoneError::TooShort { expected },
            NumberError::TooLong { expected } => PhoneError::TooLong { expected },
            NumberError::MissingLeadingZero => PhoneError::MissingLeadingZero,
            NumberError::WrongCountry => PhoneError::WrongCountry,
            NumberError::NotMobile => PhoneError::NotMobile,
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

/// Validates a Yassir Cash wallet phone against the offered countries. A number without a
/// country code belongs to the first offered country.
pub fn validate_yassir_phone(
    input: &str,
    countries: &[PhoneCountry],
) -> Result<NormalizedPhone, PhoneError> {
    let offered: Vec<Country> = countries
        .iter()
        .filter_map(|country| Country::from_code(&country.code))
        .collect();
    if offered.is_empty() {
        return Err(PhoneError::UnsupportedCountry);
    }
    let mobile = plan::parse_typed(input, &offered)?;
    Ok(NormalizedPhone {
        e164: mobile.e164(),
        country: mobile.country.code().to_string(),
        national: mobile.national,
    })
}

/// Validates a mobile-money number for a Yabetoo country (`cg`, `cm`).
///
/// `test_numbers` are the checkout answer's (test mode only): a number of no country the plan
/// knows is sent as typed, with no operator suggested, when it is one of them; providers'
/// sandboxes use such numbers (Yabetoo's are MTN's own sandbox range). The widget itself knows
/// no test number. Any other number of no country here is [`PhoneError::Foreign`].
pub fn validate_msisdn(
    input: &str,
    country_code: &str,
    test_numbers: &[String],
) -> Result<Msisdn, PhoneError> {
    let country = Country::from_code(country_code).ok_or(PhoneError::UnsupportedCountry)?;
    let mobile = match plan::parse_typed(input, &[country]) {
        Ok(mobile) => mobile,
        Err(error) => {
            return match plan::foreign_digits(input) {
                Some(digits) if test_numbers.contains(&digits) => Ok(Msisdn {
                    international: digits.clone(),
                    national: digits,
                    suggested_operator: None,
                }),
                Some(_) => Err(PhoneError::Foreign),
                None => Err(error.into()),
            }
        }
    };
    let suggested_operator = Operator::suggested_for(&mobile)
        .map_err(|network| PhoneError::UnsupportedOperator { network })?;
    Ok(Msisdn {
        international: mobile.international(),
        national: mobile.national,
        suggested_operator,
    })
}

/// The operator a number being typed belongs to, as soon as its prefix tells: lets the form
/// pre-select the operator before the number is complete.
pub fn suggest_operator(
    partial_input: &str,
    country_code: &str,
    test_numbers: &[String],
) -> Option<Operator> {
    if let Ok(msisdn) = validate_msisdn(partial_input, country_code, test_numbers) {
        return msisdn.suggested_operator;
    }
    let country = Country::from_code(country_code)?;
    Operator::from_network(plan::prefix_range(partial_input, country)?.network?)
}

/// False when the shopper picked an operator other than the one the prefix suggests: worth a
/// warning, not an error, since ported numbers keep their prefix.
pub fn operator_matches(msisdn: &Msisdn, operator: Operator) -> bool {
    msisdn
        .suggested_operator
        .is_none_or(|suggested| suggested == operator)
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
        validate_msisdn(input, country, &[])
    }

    /// What a test-mode checkout answer lists: the sandbox's test numbers, as the server
    /// sends them.
    fn listed() -> Vec<String> {
        [
            "242066000001",
            "46733123450",
            "46733123451",
            "46733123453",
            "242069000001",
        ]
        .map(String::from)
        .to_vec()
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
        assert_eq!(network("012345678"), Some(Network::EquateurTelecom));
        assert_eq!(network("024012345"), Some(Network::CongoTelecom));
        assert_eq!(momo("082345678", "cg"), Err(PhoneError::NotMobile));
        // Only some `02` blocks are Congo Telecom's mobiles; the rest is unallocated.
        assert_eq!(momo("022345678", "cg"), Err(PhoneError::NotMobile));
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
            ("691234567", Network::Orange),
            ("655123456", Network::Orange),
            ("686123456", Network::Orange),
            ("640123456", Network::Orange),
            ("661234567", Network::Nexttel),
            ("684123456", Network::Nexttel),
            ("621234567", Network::Camtel),
            ("242123456", Network::Camtel),
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
    fn listed_test_numbers_of_no_country_here_are_sent_as_typed() {
        // Yabetoo's sandbox numbers are MTN's own sandbox range (+46): sent as typed, with no
        // operator suggested, in whatever shape the shopper typed them.
        let listed = listed();
        for input in [
            "46733123451",
            "+46 733 123 451",
            "0046733123451",
            "+46-733-123-451",
        ] {
            let msisdn = validate_msisdn(input, "cg", &listed).unwrap();
            assert_eq!(msisdn.international, "46733123451", "{input}");
            assert_eq!(msisdn.suggested_operator, None, "{input}");
        }
        assert_eq!(
            validate_msisdn("+46733123453", "cm", &listed)
                .unwrap()
                .international,
            "46733123453"
        );
    }

    #[test]
    fn only_the_listed_test_numbers_are_taken() {
        // The same range, not listed: a number of no country here, said so.
        assert_eq!(
            validate_msisdn("46733123452", "cg", &listed()),
            Err(PhoneError::Foreign)
        );
        assert_eq!(
            validate_msisdn("+33 6 12 34 56 78", "cg", &listed()),
            Err(PhoneError::Foreign)
        );
    }

    #[test]
    fn a_live_checkout_refuses_test_numbers_as_of_no_country_here() {
        // Live: the answer lists none, so Yabetoo's test numbers are numbers of another country.
        for input in ["46733123451", "+46733123451", "0046 733 123 451"] {
            assert_eq!(momo(input, "cg"), Err(PhoneError::Foreign), "{input}");
        }
        // A listed number that is a real number of the country is one as any other.
        assert_eq!(
            momo("242066000001", "cg").unwrap().suggested_operator,
            Some(Operator::Mtn)
        );
    }

    #[test]
    fn test_numbers_change_nothing_for_numbers_of_the_plans_countries() {
        let listed = listed();
        assert_eq!(
            validate_msisdn("0665944701", "cg", &listed),
            Err(PhoneError::TooLong { expected: 9 })
        );
        assert_eq!(
            validate_msisdn("+237 671234567", "cg", &listed),
            Err(PhoneError::WrongCountry)
        );
        // A listed Congolese number is still checked as one in Cameroon: only foreign-format
        // test numbers are taken as typed.
        assert_eq!(
            validate_msisdn("242069000001", "cm", &listed),
            Err(PhoneError::WrongCountry)
        );
        assert_eq!(
            validate_msisdn("066000001", "cg", &listed)
                .unwrap()
                .suggested_operator,
            Some(Operator::Mtn)
        );
    }

    include!("../../contract/tests/agreed/numbers.rs");

    #[test]
    fn the_form_gives_the_agreed_answers() {
        let maghreb = maghreb();
        for &(code, number, agreed) in AGREED_NUMBERS {
            let answer = match code {
                "dz" | "ma" => validate_yassir_phone(number, &maghreb)
                    .map(|phone| (phone.e164.trim_start_matches('+').to_string(), None)),
                _ => validate_msisdn(number, code, &[])
                    .map(|msisdn| (msisdn.international, msisdn.suggested_operator)),
            };
            let expected = match agreed {
                Agreed::Taken(operator) => Some((
                    number.trim_start_matches('+').to_string(),
                    operator.map(|name| name.parse::<Operator>().unwrap()),
                )),
                Agreed::Refused => None,
            };
            assert_eq!(answer.ok(), expected, "{code} {number}");
        }
    }

    #[test]
    fn operator_is_suggested_while_typing() {
        assert_eq!(suggest_operator("05", "cg", &[]), Some(Operator::Airtel));
        assert_eq!(suggest_operator("+242 06", "cg", &[]), Some(Operator::Mtn));
        assert_eq!(suggest_operator("0", "cg", &[]), None);
        assert_eq!(suggest_operator("65", "cm", &[]), None);
        assert_eq!(suggest_operator("652", "cm", &[]), Some(Operator::Mtn));
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
