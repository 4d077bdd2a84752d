use super::field::check_email;
use super::*;
use crate::core::fixtures::{momo_offer, session, yassir_offer};
use crate::core::phone::PhoneError;
use checkout_contract::{
    CreatePaymentRequest, MethodKind, MobileMoneyDetails, Operator, SubmitRequest,
};

fn momo_form() -> MethodForm {
    MethodForm::new(&session(vec![momo_offer()]), "demo-cg")
}

#[test]
fn lone_method_and_first_country_are_preselected() {
    let form = momo_form();
    assert_eq!(form.method(), Some(MethodKind::MobileMoney));
    assert_eq!(form.country(), Some("cg"));
    assert_eq!(form.operators(), [Operator::Mtn, Operator::Airtel]);
    let both = MethodForm::new(&session(vec![yassir_offer(), momo_offer()]), "demo-cg");
    assert_eq!(both.method(), None);
    assert_eq!(
        both.offered_methods(),
        [MethodKind::YassirCash, MethodKind::MobileMoney]
    );
}

#[test]
fn untouched_fields_show_no_errors_but_block_paying() {
    let form = MethodForm::new(&session(vec![yassir_offer(), momo_offer()]), "demo-cg");
    assert!(form.errors().is_empty());
    assert!(!form.is_valid());
    assert_eq!(
        form.all_errors().get(Field::Method),
        Some(FieldError::Required)
    );
}

#[test]
fn touched_field_shows_its_error() {
    let mut form = momo_form();
    form.set_msisdn("0665");
    assert_eq!(form.errors().get(Field::Msisdn), None);
    form.touch(Field::Msisdn);
    assert_eq!(
        form.errors().get(Field::Msisdn),
        Some(FieldError::Phone(PhoneError::TooShort { expected: 9 }))
    );
}

#[test]
fn pay_press_reveals_every_error_in_form_order() {
    let mut form = momo_form();
    form.set_receipt_email("nope");
    form.touch_all();
    let fields: Vec<Field> = form.errors().iter().map(|(field, _)| field).collect();
    assert_eq!(
        fields,
        [Field::Msisdn, Field::Operator, Field::ReceiptEmail]
    );
    // The number comes before the operator on screen: the focus goes to it first.
    assert_eq!(form.errors().first(), Some(Field::Msisdn));
}

#[test]
fn leaving_a_field_shows_its_error_once_something_is_typed() {
    let mut form = momo_form();
    form.leave(Field::Msisdn);
    assert_eq!(
        form.errors().get(Field::Msisdn),
        None,
        "a field passed through"
    );
    form.set_msisdn("0665");
    form.leave(Field::Msisdn);
    assert_eq!(
        form.errors().get(Field::Msisdn),
        Some(FieldError::Phone(PhoneError::TooShort { expected: 9 }))
    );
    // Emptied after it was left: the error stays, now asking for a number.
    form.set_msisdn("");
    form.leave(Field::Msisdn);
    assert_eq!(
        form.errors().get(Field::Msisdn),
        Some(FieldError::Phone(PhoneError::Empty))
    );
}

#[test]
fn operator_follows_the_prefix_until_picked_by_hand() {
    let mut form = momo_form();
    form.set_msisdn("05");
    assert_eq!(form.operator(), Some(Operator::Airtel));
    form.set_msisdn("066594470");
    assert_eq!(form.operator(), Some(Operator::Mtn));
    form.choose_operator(Operator::Airtel);
    form.set_msisdn("066594471");
    assert_eq!(form.operator(), Some(Operator::Airtel));
}

#[test]
fn overriding_the_suggested_operator_warns_without_blocking() {
    let mut form = momo_form();
    form.set_msisdn("066594470");
    assert_eq!(form.operator_warning(), None);
    form.choose_operator(Operator::Airtel);
    assert_eq!(form.operator_warning(), Some(Operator::Mtn));
    assert!(form.is_valid());
}

#[test]
fn country_with_one_operator_selects_it() {
    let mut form = momo_form();
    form.choose_operator(Operator::Airtel);
    form.select_country("cm");
    assert_eq!(form.operator(), Some(Operator::Mtn));
    form.set_msisdn("671234567");
    assert!(form.is_valid());
}

#[test]
fn unknown_country_is_not_offered() {
    let mut form = momo_form();
    form.select_country("fr");
    assert_eq!(
        form.errors().get(Field::Country),
        Some(FieldError::NotOffered)
    );
}

#[test]
fn names_are_optional_but_bounded() {
    let mut form = momo_form();
    form.set_msisdn("066594470");
    form.set_first_name(&"é".repeat(60));
    assert!(form.is_valid());
    form.set_last_name(&"a".repeat(61));
    assert_eq!(
        form.all_errors().get(Field::LastName),
        Some(FieldError::TooLong { max: 60 })
    );
}

#[test]
fn email_is_checked_simply() {
    for ok in ["", "a@b.co", "  amina.k+shop@mail.example.dz  "] {
        assert_eq!(check_email(ok.trim()), Ok(()), "{ok}");
    }
    for bad in [
        "a", "a@b", "@b.co", "a@@b.co", "a@b@c.co", "a b@c.co", "a@.co", "a@b.", "a@b.co\n",
    ] {
        assert_eq!(check_email(bad), Err(FieldError::InvalidEmail), "{bad:?}");
    }
    let long = format!("{}@b.co", "a".repeat(250));
    assert_eq!(check_email(&long), Err(FieldError::TooLong { max: 254 }));
}

#[test]
fn valid_momo_form_builds_both_requests() {
    let mut form = momo_form();
    form.set_msisdn("06 659 44 70");
    form.set_first_name("  Amina ");
    form.set_receipt_email("amina@example.cg");
    let (create, submit) = form.to_requests().unwrap();
    assert_eq!(
        create,
        CreatePaymentRequest {
            order: "demo-cg".into(),
            method: MethodKind::MobileMoney,
            phone: None
        }
    );
    assert_eq!(
        submit,
        SubmitRequest::MobileMoney(MobileMoneyDetails {
            country: "cg".into(),
            operator: Operator::Mtn,
            msisdn: "242066594470".into(),
            first_name: Some("Amina".into()),
            last_name: None,
            receipt_email: Some("amina@example.cg".into()),
        })
    );
}

#[test]
fn valid_yassir_form_sends_the_phone_with_the_create() {
    let mut form = MethodForm::new(&session(vec![yassir_offer(), momo_offer()]), "demo-cg");
    form.select_method(MethodKind::YassirCash);
    form.set_yassir_phone("0555 12 34 56");
    let (create, submit) = form.to_requests().unwrap();
    assert_eq!(create.phone.as_deref(), Some("+213555123456"));
    assert_eq!(create.method, MethodKind::YassirCash);
    assert_eq!(submit, SubmitRequest::YassirCash);
}

#[test]
fn a_token_order_is_paid_by_its_token_not_by_the_reference_the_backend_shows() {
    let token = "ot1.eyJyZWZlcmVuY2UiOiJJTlYtNDIifQ.c2lnbmF0dXJl";
    // The session names the order by the merchant's reference inside the token.
    let mut form = MethodForm::new(&session(vec![yassir_offer(), momo_offer()]), token);
    form.select_method(MethodKind::YassirCash);
    form.set_yassir_phone("0555 12 34 56");
    let (create, _) = form.to_requests().unwrap();
    assert_eq!(create.order, token);
}

#[test]
fn invalid_form_builds_no_request() {
    let mut form = momo_form();
    form.set_msisdn("691234567");
    form.select_country("cm");
    let errors = form.to_requests().unwrap_err();
    assert!(matches!(
        errors.get(Field::Msisdn),
        Some(FieldError::Phone(PhoneError::UnsupportedOperator { .. }))
    ));
}

#[test]
fn the_test_numbers_the_session_lists_are_valid_and_no_others() {
    let mut test_session = session(vec![momo_offer()]);
    test_session.test_mode = true;
    test_session.test_numbers = vec!["46733123451".into(), "46733123454".into()];
    let mut form = MethodForm::new(&test_session, "demo-cg");
    form.set_msisdn("46733123451");
    // No country's prefix names its operator: the shopper picks it.
    assert_eq!(form.operator(), None);
    form.choose_operator(Operator::Mtn);
    assert!(form.is_valid());
    let (_, submit) = form.to_requests().unwrap();
    let SubmitRequest::MobileMoney(details) = submit else {
        panic!("{submit:?}")
    };
    assert_eq!(details.msisdn, "46733123451");
    // Of the same range but not listed: refused, saying it is of no country offered.
    form.set_msisdn("46733123452");
    assert_eq!(
        form.all_errors().get(Field::Msisdn),
        Some(FieldError::Phone(PhoneError::Foreign))
    );
}

#[test]
fn a_live_session_refuses_test_numbers_as_foreign() {
    let mut live = momo_form();
    live.set_msisdn("46733123451");
    live.choose_operator(Operator::Mtn);
    assert_eq!(
        live.all_errors().get(Field::Msisdn),
        Some(FieldError::Phone(PhoneError::Foreign))
    );
}

#[test]
fn optional_fields_fold_and_unfold_for_their_own_error() {
    let mut form = momo_form();
    assert!(!form.optional_open(), "folded at first");
    form.toggle_optional();
    form.set_receipt_email("nope");
    form.toggle_optional();
    assert!(!form.optional_open());
    assert_eq!(form.receipt_email(), "nope", "folding keeps what was typed");
    form.touch_all();
    assert!(form.optional_open(), "a wrong optional field shows on Pay");

    let mut form = momo_form();
    form.touch_all();
    assert!(
        !form.optional_open(),
        "nothing optional is wrong: it stays folded"
    );
}

#[test]
fn phone_fields_are_grouped_for_their_countries() {
    use checkout_numbering::Country;
    let mut form = momo_form();
    assert_eq!(form.phone_countries(Field::Msisdn), [Country::Congo]);
    form.select_country("cm");
    assert_eq!(form.phone_countries(Field::Msisdn), [Country::Cameroon]);
    assert!(form.phone_countries(Field::FirstName).is_empty());
    let yassir = MethodForm::new(&session(vec![yassir_offer()]), "demo-dz");
    assert_eq!(
        yassir.phone_countries(Field::YassirPhone),
        [Country::Algeria]
    );
}
