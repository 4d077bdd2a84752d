use super::*;
use checkout_contract::Operator;

fn details(msisdn: &str) -> MobileMoneyDetails {
    MobileMoneyDetails {
        country: "cg".into(),
        operator: Operator::Mtn,
        msisdn: msisdn.into(),
        first_name: None,
        last_name: None,
        receipt_email: None,
    }
}

/// Mobile money with every country offered, Cameroon too.
fn momo(details: MobileMoneyDetails, test_numbers: bool) -> Result<MobileMoneyDetails, Refused> {
    let coverage = orders::Coverage {
        cameroon_unverified: true,
    };
    mobile_money(details, test_numbers, coverage)
}

fn field(error: Refused) -> String {
    error.field().unwrap_or_default().to_string()
}

fn message(error: &Refused) -> &str {
    error.message()
}

#[test]
fn wallet_phone_must_match_the_order_country() {
    let algeria = vec!["213".to_string()];
    assert_eq!(
        wallet_phone(Some("+213555123456"), &algeria).unwrap(),
        "+213555123456"
    );
    assert_eq!(
        wallet_phone(Some("213555123456"), &algeria).unwrap(),
        "+213555123456"
    );
    assert_eq!(field(wallet_phone(None, &algeria).unwrap_err()), "phone");
    assert_eq!(
        field(wallet_phone(Some("+212600000001"), &algeria).unwrap_err()),
        "phone"
    );
    assert_eq!(
        field(wallet_phone(Some("+21355512345"), &algeria).unwrap_err()),
        "phone"
    );
    assert_eq!(
        field(wallet_phone(Some("+213255123456"), &algeria).unwrap_err()),
        "phone"
    );
}

#[test]
fn msisdn_is_normalised_to_digits() {
    assert_eq!(
        momo(details("+242066594470"), false).unwrap().msisdn,
        "242066594470"
    );
    assert_eq!(
        momo(details(" 242066594470 "), false).unwrap().msisdn,
        "242066594470"
    );
}

#[test]
fn local_msisdn_is_refused() {
    assert_eq!(
        field(momo(details("066594470"), false).unwrap_err()),
        "msisdn"
    );
}

#[test]
fn sandbox_msisdns_only_in_test_mode() {
    assert!(momo(details("46733123451"), true).is_ok());
    assert!(momo(details("+46733123457"), true).is_ok());
    let live = momo(details("46733123451"), false).unwrap_err();
    assert_eq!(field(live.clone()), "msisdn");
    assert!(
        message(&live).contains("is a test number, taken only in test mode"),
        "{}",
        message(&live)
    );
    // A test number that is also a real number of the country is taken as any other.
    assert!(momo(details("242066000001"), false).is_ok());
    // Only the sandbox's own numbers: the rest of the +46 range is not one.
    assert_eq!(
        field(momo(details("46733123458"), true).unwrap_err()),
        "msisdn"
    );
}

#[test]
fn moroccan_fixed_lines_are_no_wallets() {
    let morocco = vec!["212".to_string()];
    assert_eq!(
        wallet_phone(Some("+212612345678"), &morocco).unwrap(),
        "+212612345678"
    );
    let error = wallet_phone(Some("+212522123456"), &morocco).unwrap_err();
    assert_eq!(error.field(), Some("phone"));
    assert!(
        message(&error).contains("start with +212 6 or 7"),
        "{error:?}"
    );
}

#[test]
fn cameroon_numbers_of_other_networks_are_refused() {
    let mut orange = details("237690000001");
    orange.country = "cm".into();
    let error = momo(orange, false).unwrap_err();
    assert_eq!(error.field(), Some("msisdn"));
    assert!(message(&error).contains("the Orange network"), "{error:?}");
}

include!("../../../contract/tests/agreed/numbers.rs");

#[test]
fn the_server_gives_the_agreed_answers() {
    let maghreb = vec!["213".to_string(), "212".to_string()];
    for &(code, number, agreed) in AGREED_NUMBERS {
        let operator = match agreed {
            Agreed::Taken(Some(name)) => name.parse().unwrap(),
            _ => Operator::Mtn,
        };
        let answer = match code {
            "dz" | "ma" => wallet_phone(Some(number), &maghreb)
                .map(|phone| phone.trim_start_matches('+').to_string()),
            _ => momo(
                MobileMoneyDetails {
                    country: code.into(),
                    operator,
                    ..details(number)
                },
                false,
            )
            .map(|details| details.msisdn),
        };
        let expected = match agreed {
            Agreed::Taken(_) => Some(number.trim_start_matches('+').to_string()),
            Agreed::Refused => None,
        };
        assert_eq!(answer.ok(), expected, "{code} {number}");
    }
}

#[test]
fn the_operator_must_be_the_one_of_the_number_prefix() {
    let mut airtel_number = details("242056594470");
    let error = momo(airtel_number.clone(), false).unwrap_err();
    assert_eq!(error.field(), Some("operator"));
    assert!(
        message(&error).contains("send operator `airtel`"),
        "{error:?}"
    );
    airtel_number.operator = Operator::Airtel;
    assert!(momo(airtel_number, false).is_ok());
    let mut mtn_number = details("242066594470");
    mtn_number.operator = Operator::Airtel;
    assert_eq!(field(momo(mtn_number, false).unwrap_err()), "operator");
    // Congo 04: the plan names no owner, so either operator may be asked.
    let mut unknown_owner = details("242046594470");
    assert!(momo(unknown_owner.clone(), false).is_ok());
    unknown_owner.operator = Operator::Airtel;
    assert!(momo(unknown_owner, false).is_ok());
}

#[test]
fn cameroon_is_refused_unless_offered_as_unverified() {
    let mut cameroon = details("237670000001");
    cameroon.country = "cm".into();
    let error = mobile_money(cameroon.clone(), false, orders::Coverage::default()).unwrap_err();
    assert_eq!(error.field(), Some("country"));
    assert!(message(&error).contains("use one of: cg"), "{error:?}");
    assert!(momo(cameroon, false).is_ok());
}

#[test]
fn airtel_is_not_offered_in_cameroon() {
    let mut cameroon = details("237670000001");
    cameroon.country = "cm".into();
    assert!(momo(cameroon.clone(), false).is_ok());
    cameroon.operator = Operator::Airtel;
    assert_eq!(field(momo(cameroon, false).unwrap_err()), "operator");
}

#[test]
fn bad_optional_fields_are_named() {
    let mut bad_email = details("242066594470");
    bad_email.receipt_email = Some("jean@".into());
    assert_eq!(field(momo(bad_email, false).unwrap_err()), "receipt_email");
    let mut long_name = details("242066594470");
    long_name.first_name = Some("x".repeat(61));
    assert_eq!(field(momo(long_name, false).unwrap_err()), "first_name");
}

#[test]
fn idempotency_key_is_required_and_bounded() {
    assert!(idempotency_key(None).is_err());
    assert!(idempotency_key(Some("")).is_err());
    assert!(idempotency_key(Some("has space")).is_err());
    assert!(idempotency_key(Some(&"k".repeat(256))).is_err());
    assert_eq!(idempotency_key(Some("attempt-1")).unwrap(), "attempt-1");
}

#[test]
fn amounts_must_be_positive_and_within_the_limit() {
    assert!(amount_within("amount_minor", 0, 10, "x").is_err());
    assert!(amount_within("amount_minor", 11, 10, "x").is_err());
    assert!(amount_within("amount_minor", 10, 10, "x").is_ok());
}
