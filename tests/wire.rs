//! `web::wire` reads and writes the contract's JSON by hand; these tests hold it to serde's own
//! output for every variant, so the widget and the server cannot drift apart.
#![cfg(target_arch = "wasm32")]

use checkout_contract::{
    CheckoutSession, CreatePaymentRequest, ErrorBody, ErrorResponse, Failure, MethodKind,
    MethodOffer, MobileMoneyCountry, MobileMoneyDetails, NextAction, Operator, OrderState,
    OrderSummary, Payment, PaymentStatus, PhoneCountry, SubmitRequest, SupportInfo,
};
use checkout_widget::web::wire;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn read_payment(payment: &Payment) -> Payment {
    let json = serde_json::to_string(payment).unwrap();
    wire::payment(&wire::parse(&json).unwrap()).unwrap_or_else(|error| panic!("{error}: {json}"))
}

fn full_payment(status: PaymentStatus, next_action: Option<NextAction>) -> Payment {
    Payment {
        id: "pay_01HZX".into(),
        order: "demo-dz".into(),
        method: MethodKind::YassirCash,
        amount_minor: 150_000,
        currency: "DZD".into(),
        status,
        next_action,
        client_secret: Some("cs_123".into()),
        phone: Some("+213555123456".into()),
        end_user_message: Some("Payment completed successfully".into()),
        support: Some(SupportInfo {
            email: Some("support@yassir.com".into()),
            phone_number: Some("+213000000000".into()),
        }),
        failure: Some(Failure {
            code: "rejected".into(),
            message: "Payment rejected \"quoted\" é".into(),
        }),
        expires_at: Some("2025-01-15T10:45:00Z".into()),
        created_at: "2025-01-15T10:30:00.000Z".into(),
        updated_at: "2025-01-15T10:30:01.000Z".into(),
    }
}

#[wasm_bindgen_test]
fn payments_read_back_for_every_status_and_next_action() {
    let actions = [
        None,
        Some(NextAction::Redirect {
            url: "https://otp.payment.yassir.io/otp/verify?requestId=1&x=y".into(),
        }),
        Some(NextAction::ApproveOnPhone {
            phone: "242066594470".into(),
        }),
    ];
    for status in PaymentStatus::ALL {
        for action in &actions {
            let payment = full_payment(status, action.clone());
            assert_eq!(read_payment(&payment), payment);
        }
    }
}

#[wasm_bindgen_test]
fn payments_without_optional_fields_read_back() {
    let payment = Payment {
        method: MethodKind::MobileMoney,
        currency: "XAF".into(),
        amount_minor: 2228,
        client_secret: None,
        phone: None,
        end_user_message: None,
        support: Some(SupportInfo {
            email: None,
            phone_number: None,
        }),
        failure: None,
        expires_at: None,
        ..full_payment(PaymentStatus::Processing, None)
    };
    assert_eq!(read_payment(&payment), payment);
}

#[wasm_bindgen_test]
fn broken_payments_are_refused_with_the_field() {
    let error =
        wire::payment(&wire::parse(r#"{"id":"pay_1","status":"paid"}"#).unwrap()).unwrap_err();
    assert!(error.contains("paid") || error.contains("order"), "{error}");
    assert!(wire::parse("<html>").is_err());
}

#[wasm_bindgen_test]
fn checkout_sessions_read_back() {
    let session = CheckoutSession {
        order: OrderSummary {
            reference: "demo-cg".into(),
            description: "Panier « été » — 2 articles".into(),
            amount_minor: 5000,
            currency: "XAF".into(),
        },
        methods: vec![
            MethodOffer::YassirCash {
                countries: vec![PhoneCountry {
                    code: "dz".into(),
                    dial_code: "213".into(),
                }],
            },
            MethodOffer::MobileMoney {
                countries: vec![
                    MobileMoneyCountry {
                        code: "cg".into(),
                        dial_code: "242".into(),
                        operators: vec![Operator::Mtn, Operator::Airtel],
                    },
                    MobileMoneyCountry {
                        code: "cm".into(),
                        dial_code: "237".into(),
                        operators: vec![Operator::Mtn],
                    },
                ],
            },
        ],
        test_mode: true,
        test_numbers: vec!["46733123451".into(), "242069000001".into()],
        redirect_origins: vec![
            "https://otp.payment.yassir.io".into(),
            "http://127.0.0.1:8787".into(),
        ],
        order_state: OrderState::Open,
    };
    for order_state in [
        OrderState::Open,
        OrderState::InFlight,
        OrderState::OnHold,
        OrderState::Paid,
    ] {
        let session = CheckoutSession {
            order_state,
            ..session.clone()
        };
        let json = serde_json::to_string(&session).unwrap();
        assert_eq!(
            wire::checkout_session(&wire::parse(&json).unwrap()),
            Ok(session)
        );
    }
}

#[wasm_bindgen_test]
fn sessions_without_defaults_read_back_and_unknown_methods_are_skipped() {
    let json = r#"{"order":{"reference":"r","description":"d","amount_minor":1,"currency":"DZD"},
        "methods":[{"type":"card","brands":["visa"]},{"type":"yassir_cash","countries":[]}]}"#;
    let session = wire::checkout_session(&wire::parse(json).unwrap()).unwrap();
    assert_eq!(
        session.methods,
        [MethodOffer::YassirCash { countries: vec![] }]
    );
    assert!(!session.test_mode);
    assert!(session.test_numbers.is_empty());
    assert!(session.redirect_origins.is_empty());
    assert_eq!(session.order_state, OrderState::Open);
}

#[wasm_bindgen_test]
fn error_responses_read_back() {
    for field in [None, Some("mobile_money.msisdn".to_string())] {
        let error = ErrorResponse {
            error: ErrorBody {
                code: "invalid_request".into(),
                message: "msisdn is too short".into(),
                field,
            },
        };
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(
            wire::error_response(&wire::parse(&json).unwrap()),
            Some(error)
        );
    }
    // Not the contract's shape (a proxy's page, Yabetoo's raw 404): no body.
    assert_eq!(
        wire::error_response(&wire::parse(r#"{"message":"Row not found"}"#).unwrap()),
        None
    );
}

#[wasm_bindgen_test]
fn requests_are_what_serde_reads() {
    for request in [
        CreatePaymentRequest {
            order: "demo-dz".into(),
            method: MethodKind::YassirCash,
            phone: Some("+213555123456".into()),
        },
        CreatePaymentRequest {
            order: "ordre \"spécial\"".into(),
            method: MethodKind::MobileMoney,
            phone: None,
        },
    ] {
        let json = wire::create_request(&request);
        assert_eq!(
            serde_json::from_str::<CreatePaymentRequest>(&json).unwrap(),
            request,
            "{json}"
        );
        assert_eq!(json, serde_json::to_string(&request).unwrap());
    }
    let full = MobileMoneyDetails {
        country: "cg".into(),
        operator: Operator::Airtel,
        msisdn: "242056594470".into(),
        first_name: Some("Jean".into()),
        last_name: Some("Dupont".into()),
        receipt_email: Some("jean.dupont@example.com".into()),
    };
    let bare = MobileMoneyDetails {
        first_name: None,
        last_name: None,
        receipt_email: None,
        ..full.clone()
    };
    for request in [
        SubmitRequest::YassirCash,
        SubmitRequest::MobileMoney(full),
        SubmitRequest::MobileMoney(bare),
    ] {
        let json = wire::submit_request(&request);
        assert_eq!(
            serde_json::from_str::<SubmitRequest>(&json).unwrap(),
            request,
            "{json}"
        );
        assert_eq!(json, serde_json::to_string(&request).unwrap());
    }
}
