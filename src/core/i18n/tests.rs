use super::*;
use crate::core::fixtures::{momo_offer, session};
use crate::core::phone::{Network, PhoneError};
use crate::core::state::{ErrorKind, ShopperAction, Step};
use crate::core::validate::{Field, FieldError, MethodForm};
use checkout_contract::{MethodKind, Operator, PaymentStatus};

const LANGS: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Ar];

#[test]
fn tags_pick_the_language() {
    assert_eq!(Lang::from_tag("fr-FR"), Some(Lang::Fr));
    assert_eq!(Lang::from_tag("ar_DZ"), Some(Lang::Ar));
    assert_eq!(Lang::from_tag("EN"), Some(Lang::En));
    assert_eq!(Lang::from_tag("de-DE"), None);
    assert_eq!(Lang::negotiate(["de", "fr-CA", "en"]), Lang::Fr);
    assert_eq!(Lang::negotiate(["de"]), Lang::En);
}

#[test]
fn only_arabic_is_right_to_left() {
    assert!(Lang::Ar.is_rtl());
    assert_eq!(Lang::Ar.dir(), "rtl");
    assert!(!Lang::Fr.is_rtl());
    assert_eq!(Lang::En.dir(), "ltr");
    assert_eq!(Lang::Ar.tag(), "ar");
}

#[test]
fn french_uses_accents_and_spaced_colons() {
    assert_eq!(t(Lang::Fr, Msg::PreAuthorizedTitle), "Fonds réservés");
    assert_eq!(reference(Lang::Fr, "pay_1"), "Référence\u{a0}: pay_1");
    assert_eq!(
        t(Lang::Fr, Msg::TestMode),
        "Mode test\u{a0}: aucun argent réel n’est débité"
    );
}

#[test]
fn templates_fill_their_value() {
    assert_eq!(time_left(Lang::En, 90_000), "Time left: 1:30");
    assert_eq!(
        field_error(Lang::En, Field::LastName, FieldError::TooLong { max: 60 }),
        "60 characters at most"
    );
    assert_eq!(
        operator_warning(Lang::En, Operator::Mtn),
        "This looks like an MTN number. Check the operator."
    );
}

#[test]
fn arabic_isolates_numbers_and_references() {
    let text = reference(Lang::Ar, "pay_1");
    assert_eq!(text, "المرجع: \u{2066}pay_1\u{2069}");
}

/// True when every run of ASCII digits in `text` sits inside a left-to-right isolate
/// (U+2066…U+2069), and the isolates pair up.
fn numbers_isolated(text: &str) -> bool {
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '\u{2066}' => depth += 1,
            '\u{2069}' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            c if c.is_ascii_digit() && depth == 0 => return false,
            _ => {}
        }
    }
    depth == 0
}

#[test]
fn arabic_isolates_every_number_the_shopper_reads() {
    let awaiting = Step::AwaitingApproval {
        phone: Some("+213 ••• 0001".into()),
        deadline_ms: 0,
    };
    let texts = [
        yassir_phone_hint(Lang::Ar),
        msisdn_hint(Lang::Ar, "cg").unwrap(),
        msisdn_hint(Lang::Ar, "cm").unwrap(),
        phone_error(Lang::Ar, PhoneError::MissingLeadingZero),
        phone_error(Lang::Ar, PhoneError::TooShort { expected: 9 }),
        phone_error(Lang::Ar, PhoneError::TooLong { expected: 9 }),
        field_error(Lang::Ar, Field::LastName, FieldError::TooLong { max: 60 }),
        fill(Lang::Ar, Msg::PayTemplate, "1 500,00 DZD"),
        reference(Lang::Ar, "pay_0123456789"),
        time_left(Lang::Ar, 90_000),
        step_text(Lang::Ar, &awaiting).unwrap().body.unwrap(),
        step_text(
            Lang::Ar,
            &Step::StillPending {
                payment_id: "pay_42".into(),
            },
        )
        .unwrap()
        .title,
        country_option(Lang::Ar, "الجزائر", "213"),
    ];
    for text in &texts {
        assert!(text.chars().any(|c| c.is_ascii_digit()), "{text}");
        assert!(numbers_isolated(text), "a number breaks apart in {text:?}");
    }
    assert_eq!(
        yassir_phone_hint(Lang::Ar),
        "الرقم المرتبط بحسابك في Yassir، مثل \u{2066}0555\u{a0}12\u{a0}34\u{a0}56\u{2069}"
    );
    assert_eq!(
        phone_error(Lang::Ar, PhoneError::MissingLeadingZero),
        "تبدأ الأرقام الكونغولية بالرقم \u{2066}0\u{2069}، مثل \u{2066}06\u{a0}659\u{a0}44\u{a0}70\u{2069}"
    );
    // Left to right, the same words without marks.
    assert_eq!(
        yassir_phone_hint(Lang::En),
        "The number linked to your Yassir account, e.g. 0555 12 34 56"
    );
    assert_eq!(
        phone_error(Lang::Fr, PhoneError::MissingLeadingZero),
        "Les numéros congolais commencent par 0, par ex. 06 659 44 70"
    );
    assert_eq!(country_option(Lang::En, "Algeria", "213"), "Algeria (+213)");
}

#[test]
fn the_table_holds_no_number_so_each_goes_through_isolate() {
    // Every number reaches a text through `isolate`, the one owner of the rule: a digit written
    // into a translation would be left to break apart in Arabic.
    let source = include_str!("table.rs");
    for (index, literal) in source.split('"').enumerate().skip(1).step_by(2) {
        let mut rest = literal;
        while let Some(start) = rest.find("\\u{") {
            let end = rest[start..].find('}').unwrap() + start;
            assert!(
                !rest[..start].chars().any(|c| c.is_ascii_digit()),
                "literal {index}: {literal}"
            );
            rest = &rest[end + 1..];
        }
        assert!(
            !rest.chars().any(|c| c.is_ascii_digit()),
            "literal {index}: {literal}"
        );
    }
}

#[test]
fn waiting_body_names_the_phone() {
    let step = Step::AwaitingApproval {
        phone: Some("242066594470".into()),
        deadline_ms: 0,
    };
    let text = step_text(Lang::En, &step).unwrap();
    assert_eq!(text.title, "Approve the request on your phone");
    assert_eq!(
        text.body.as_deref(),
        Some("Waiting for your approval on +242066594470")
    );
}

#[test]
fn still_pending_title_carries_the_reference() {
    let step = Step::StillPending {
        payment_id: "pay_9".into(),
    };
    assert_eq!(
        step_text(Lang::En, &step).unwrap().title,
        "Still pending — reference pay_9"
    );
    let labels: Vec<_> = step
        .actions()
        .iter()
        .map(|&action| action_label(Lang::Fr, action))
        .collect();
    assert_eq!(labels, ["Vérifier à nouveau", "Modifier le paiement"]);
}

#[test]
fn network_error_offers_retry_and_decline_offers_try_again() {
    let network = Step::Error {
        kind: ErrorKind::Network,
        can_retry: true,
    };
    assert_eq!(action_label(Lang::En, network.actions()[0]), "Retry");
    let refused = Step::Error {
        kind: ErrorKind::NotFound,
        can_retry: false,
    };
    assert_eq!(refused.actions(), [ShopperAction::ChangeDetails]);
    assert_eq!(
        step_text(Lang::Ar, &network).unwrap().title,
        "لم يكتمل الدفع"
    );
}

#[test]
fn cameroon_network_errors_name_the_network() {
    let orange = PhoneError::UnsupportedOperator {
        network: Network::Orange,
    };
    assert_eq!(
        phone_error(Lang::Fr, orange),
        "C’est un numéro Orange. Au Cameroun, seul MTN Mobile Money est proposé."
    );
    let congo = PhoneError::UnsupportedOperator {
        network: Network::CongoTelecom,
    };
    assert_eq!(
        phone_error(Lang::En, congo),
        "This number is not an MTN or Airtel number"
    );
}

#[test]
fn every_phone_and_field_error_has_text_in_every_language() {
    let phone_errors = [
        PhoneError::Empty,
        PhoneError::NotDigits,
        PhoneError::TooShort { expected: 9 },
        PhoneError::TooLong { expected: 9 },
        PhoneError::MissingLeadingZero,
        PhoneError::WrongCountry,
        PhoneError::Foreign,
        PhoneError::NotMobile,
        PhoneError::UnsupportedCountry,
        PhoneError::UnsupportedOperator {
            network: Network::Nexttel,
        },
    ];
    for lang in LANGS {
        for error in phone_errors {
            let text = phone_error(lang, error);
            assert!(
                !text.is_empty() && !text.contains("{}"),
                "{lang:?} {error:?}"
            );
        }
        for (field, error) in [
            (Field::Method, FieldError::Required),
            (Field::Country, FieldError::Required),
            (Field::Operator, FieldError::Required),
            (Field::Operator, FieldError::NotOffered),
            (Field::Country, FieldError::NotOffered),
            (Field::ReceiptEmail, FieldError::InvalidEmail),
        ] {
            assert!(!field_error(lang, field, error).is_empty());
        }
    }
    assert_eq!(
        field_error(Lang::En, Field::Operator, FieldError::Required),
        "Choose your operator"
    );
}

#[test]
fn a_foreign_number_is_said_not_to_be_from_the_chosen_country() {
    let error = FieldError::Phone(PhoneError::Foreign);
    assert_eq!(
        field_error(Lang::En, Field::Msisdn, error),
        "This number is not from the chosen country"
    );
    assert_eq!(
        field_error(Lang::Fr, Field::Msisdn, error),
        "Ce numéro n’est pas du pays choisi"
    );
    assert_eq!(
        field_error(Lang::Ar, Field::Msisdn, error),
        "هذا الرقم ليس من البلد المختار"
    );
}

#[test]
fn a_wrong_form_is_summed_up_in_one_announcement() {
    let mut form = MethodForm::new(&session(vec![momo_offer()]), "demo-cg");
    form.set_msisdn("0665");
    form.set_receipt_email("nope");
    assert_eq!(
        error_summary(Lang::En, &form.all_errors()),
        "Check these details before paying: Number too short: 9 digits expected after the \
         country code. Enter a valid email address, e.g. name@example.com."
    );
    let arabic = error_summary(Lang::Ar, &form.all_errors());
    assert!(arabic.contains("\u{2066}9\u{2069}"), "{arabic}");
}

#[test]
fn every_step_but_the_form_has_a_title() {
    let payment = crate::core::fixtures::payment;
    let steps = [
        Step::Creating,
        Step::Submitting,
        Step::Redirecting { url: "u".into() },
        Step::RequiresAction {
            pay_url: "u".into(),
            deadline_ms: 0,
        },
        Step::AwaitingApproval {
            phone: None,
            deadline_ms: 0,
        },
        Step::Checking { deadline_ms: 0 },
        Step::Succeeded {
            payment: payment(PaymentStatus::Succeeded),
        },
        Step::Rejected {
            payment: payment(PaymentStatus::Rejected),
        },
        Step::PreAuthorized {
            payment: payment(PaymentStatus::PreAuthorized),
        },
        Step::Expired {
            payment: payment(PaymentStatus::Expired),
        },
        Step::Closed {
            payment: payment(PaymentStatus::Refunded),
        },
        Step::StillPending {
            payment_id: "pay_1".into(),
        },
        Step::Error {
            kind: ErrorKind::UnsafeRedirect,
            can_retry: false,
        },
    ];
    for lang in LANGS {
        assert_eq!(step_text(lang, &Step::Choosing), None);
        for step in &steps {
            let text = step_text(lang, step).unwrap();
            assert!(
                !text.title.is_empty() && !text.title.contains("{}"),
                "{lang:?} {step:?}"
            );
        }
    }
    let refunded = Step::Closed {
        payment: payment(PaymentStatus::Refunded),
    };
    assert_eq!(
        step_text(Lang::Fr, &refunded).unwrap().title,
        "Paiement remboursé"
    );
}

#[test]
fn names_cover_methods_countries_and_operators() {
    assert_eq!(
        method_name(Lang::Ar, MethodKind::MobileMoney),
        "الدفع عبر الهاتف المحمول"
    );
    assert_eq!(country_name(Lang::Fr, "cm"), Some("Cameroun"));
    assert_eq!(country_name(Lang::Ar, "dz"), Some("الجزائر"));
    assert_eq!(country_name(Lang::En, "xx"), None);
    assert_eq!(operator_name(Operator::Airtel), "Airtel");
    assert_eq!(
        msisdn_hint(Lang::En, "cg").as_deref(),
        Some("e.g. 06 659 44 70")
    );
    assert_eq!(msisdn_hint(Lang::En, "dz"), None);
}

#[test]
fn an_order_that_cannot_be_paid_now_says_why_in_every_language() {
    use checkout_contract::OrderState;
    for lang in LANGS {
        assert_eq!(order_held(lang, OrderState::Open), None);
        for state in [OrderState::InFlight, OrderState::OnHold, OrderState::Paid] {
            assert!(order_held(lang, state).is_some_and(|text| !text.is_empty()));
        }
    }
    assert_eq!(
        order_held(Lang::En, OrderState::Paid),
        Some("This order is already paid. There is nothing more to pay.")
    );
}
