use super::*;
use checkout_numbering::{parse_international, Country, Network};

#[test]
fn methods_and_operators_parse_their_wire_names_only() {
    for method in MethodKind::ALL {
        assert_eq!(method.as_str().parse::<MethodKind>(), Ok(method));
        let json = serde_json::to_string(&method).unwrap();
        assert_eq!(json, format!("\"{method}\""));
    }
    for operator in Operator::ALL {
        assert_eq!(operator.as_str().parse::<Operator>(), Ok(operator));
        let json = serde_json::to_string(&operator).unwrap();
        assert_eq!(json, format!("\"{operator}\""));
    }
    assert_eq!(
        "orange".parse::<Operator>(),
        Err("unknown operator `orange`".to_string())
    );
    assert!("MTN".parse::<Operator>().is_err());
    assert!("card".parse::<MethodKind>().is_err());
}

#[test]
fn operators_and_networks_map_both_ways() {
    for operator in Operator::ALL {
        assert_eq!(Operator::from_network(operator.network()), Some(operator));
    }
    assert_eq!(Operator::from_network(Network::Orange), None);
    assert_eq!(Operator::Airtel.display_name(), "Airtel");
}

#[test]
fn the_range_suggests_an_operator_or_refuses_the_number() {
    let suggested = |msisdn: &str| {
        let country = Country::from_dial_code(&msisdn[..3]).unwrap();
        Operator::suggested_for(&parse_international(msisdn, &[country]).unwrap())
    };
    assert_eq!(suggested("242066594470"), Ok(Some(Operator::Mtn)));
    assert_eq!(suggested("242055000001"), Ok(Some(Operator::Airtel)));
    assert_eq!(suggested("242044000001"), Ok(None));
    assert_eq!(suggested("237650000001"), Ok(Some(Operator::Mtn)));
    assert_eq!(suggested("237690000001"), Err(Network::Orange));
    assert_eq!(suggested("242012345678"), Err(Network::EquateurTelecom));
}

#[test]
fn plan_countries_become_contract_countries() {
    assert_eq!(
        PhoneCountry::from(Country::Morocco),
        PhoneCountry {
            code: "ma".into(),
            dial_code: "212".into()
        }
    );
    let cameroon = MobileMoneyCountry::new(Country::Cameroon, vec![Operator::Mtn]);
    assert_eq!(
        (cameroon.code.as_str(), cameroon.dial_code.as_str()),
        ("cm", "237")
    );
}

#[test]
fn order_token_request_is_flat_and_defaults_to_direct_capture() {
    let json = r#"{"reference":"INV-42","description":"Two tickets","amount_minor":250000,"currency":"DZD","expires_in_seconds":600}"#;
    let request: OrderTokenRequest = serde_json::from_str(json).unwrap();
    assert_eq!(request.order.capture, CaptureMethod::Direct);
    assert_eq!(request.order.expires_at, None);
    assert_eq!(request.expires_in_seconds, Some(600));
    let back = serde_json::to_value(&request).unwrap();
    assert_eq!(back["reference"], "INV-42");
    assert_eq!(back["capture"], "direct");
    assert!(back.get("expires_at").is_none());
    let bare: OrderTokenRequest = serde_json::from_str(
        r#"{"reference":"R","description":"","amount_minor":1,"currency":"XAF"}"#,
    )
    .unwrap();
    assert_eq!(bare.expires_in_seconds, None);
}

#[test]
fn submit_request_is_tagged_by_method() {
    let json = r#"{"type":"mobile_money","country":"cg","operator":"mtn","msisdn":"242066594470"}"#;
    let request: SubmitRequest = serde_json::from_str(json).unwrap();
    let SubmitRequest::MobileMoney(details) = request else {
        panic!("wrong variant")
    };
    assert_eq!(details.operator, Operator::Mtn);
    assert_eq!(details.first_name, None);

    let yassir: SubmitRequest = serde_json::from_str(r#"{"type":"yassir_cash"}"#).unwrap();
    assert_eq!(yassir, SubmitRequest::YassirCash);
}

#[test]
fn payment_omits_absent_fields() {
    let payment = Payment {
        id: "pay_1".into(),
        order: "demo-dz".into(),
        method: MethodKind::YassirCash,
        amount_minor: 150000,
        currency: "DZD".into(),
        status: PaymentStatus::RequiresAction,
        next_action: Some(NextAction::Redirect {
            url: "http://x/otp".into(),
        }),
        client_secret: None,
        phone: None,
        end_user_message: None,
        support: None,
        failure: None,
        expires_at: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    };
    let json = serde_json::to_value(&payment).unwrap();
    assert_eq!(json["status"], "requires_action");
    assert_eq!(json["next_action"]["type"], "redirect");
    assert!(json.get("client_secret").is_none());
    let back: Payment = serde_json::from_value(json).unwrap();
    assert_eq!(back, payment);
}

#[test]
fn method_offer_round_trips() {
    let offer = MethodOffer::MobileMoney {
        countries: vec![MobileMoneyCountry {
            code: "cg".into(),
            dial_code: "242".into(),
            operators: vec![Operator::Mtn, Operator::Airtel],
        }],
    };
    let json = serde_json::to_string(&offer).unwrap();
    assert!(json.starts_with(r#"{"type":"mobile_money""#), "{json}");
    assert_eq!(
        serde_json::from_str::<MethodOffer>(&json).unwrap().kind(),
        MethodKind::MobileMoney
    );
}

#[test]
fn a_session_without_an_order_state_is_open_and_each_state_is_snake_case() {
    let old = r#"{"order":{"reference":"r","description":"d","amount_minor":1,"currency":"XAF"},"methods":[]}"#;
    let session: CheckoutSession = serde_json::from_str(old).unwrap();
    assert_eq!(session.order_state, OrderState::Open);
    assert!(session.test_numbers.is_empty());
    for (state, word) in [
        (OrderState::Open, "open"),
        (OrderState::InFlight, "in_flight"),
        (OrderState::OnHold, "on_hold"),
        (OrderState::Paid, "paid"),
    ] {
        assert_eq!(serde_json::to_value(state).unwrap(), word);
    }
}

#[test]
fn test_numbers_are_written_only_when_there_are_some() {
    let old = r#"{"order":{"reference":"r","description":"d","amount_minor":1,"currency":"XAF"},"methods":[],"test_mode":true}"#;
    let mut session: CheckoutSession = serde_json::from_str(old).unwrap();
    let live = serde_json::to_value(&session).unwrap();
    assert!(live.get("test_numbers").is_none(), "{live}");
    session.test_numbers = vec!["46733123451".into()];
    let test = serde_json::to_value(&session).unwrap();
    assert_eq!(test["test_numbers"], serde_json::json!(["46733123451"]));
    assert_eq!(
        serde_json::from_value::<CheckoutSession>(test).unwrap(),
        session
    );
}
