use super::*;
use checkout_contract::Operator;

fn status(source: Source, body: Value) -> ProviderStatus {
    status_from_body(source, &body).unwrap()
}

#[test]
fn retrieve_pending_is_created_but_confirm_pending_awaits_approval() {
    assert_eq!(
        status(Source::Retrieve, json!({ "status": "pending" })).status,
        PaymentStatus::Created
    );
    assert_eq!(
        status(Source::Confirm, json!({ "status": "pending" })).status,
        PaymentStatus::AwaitingApproval
    );
}

#[test]
fn waiting_statuses_carry_no_failure() {
    for raw in ["requires_payment_method", "requires_confirmation"] {
        let mapped = status(Source::Retrieve, json!({ "status": raw }));
        assert_eq!(
            (mapped.status, mapped.failure),
            (PaymentStatus::Created, None)
        );
    }
    let processing = status(Source::Retrieve, json!({ "status": "processing" }));
    assert_eq!(
        (processing.status, processing.failure),
        (PaymentStatus::AwaitingApproval, None)
    );
}

#[test]
fn succeeded_is_a_success_without_failure() {
    let mapped = status(
        Source::Confirm,
        json!({ "status": "succeeded", "captured": true }),
    );
    assert_eq!(mapped.status, PaymentStatus::Succeeded);
    assert_eq!(mapped.failure, None);
    assert_eq!(mapped.raw, "succeeded");
}

#[test]
fn failures_get_the_contracts_stable_codes_and_the_providers_words_stay_in_the_history() {
    let mapped = status(
        Source::Confirm,
        json!({ "status": "failed", "failureCode": "APPROVAL_REJECTED", "failureMessage": "The payer rejected the payment" }),
    );
    assert_eq!(mapped.status, PaymentStatus::Rejected);
    let (code, message) = mapped.failure.unwrap();
    assert_eq!(code, "declined");
    assert!(!message.contains("payer"), "{message}");
    assert_eq!(
        mapped.raw,
        "failed (APPROVAL_REJECTED: The payer rejected the payment)"
    );
    // Free text, as Yabetoo's document writes it.
    let worded = status(
        Source::Retrieve,
        json!({ "status": "failed", "failureCode": "Insufficient funds", "failureMessage": "Insufficient funds" }),
    );
    assert_eq!(worded.failure.unwrap().0, "insufficient_funds");
    assert_eq!(worded.raw, "failed (Insufficient funds)");
}

#[test]
fn low_balance_becomes_insufficient_funds() {
    let mapped = status(
        Source::Retrieve,
        json!({ "status": "failed", "failure_code": "LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED", "failure_message": "Balance too low" }),
    );
    assert_eq!(mapped.failure.unwrap().0, "insufficient_funds");
    let short = map_status(Source::Confirm, "failed", Some("LOW_BALANCE"), None).unwrap();
    assert_eq!(short.failure.unwrap().0, "insufficient_funds");
}

#[test]
fn failed_without_reason_still_says_failed() {
    let mapped = status(Source::Retrieve, json!({ "status": "failed" }));
    assert_eq!(
        mapped.failure,
        Some(("failed".into(), "The payment failed.".into()))
    );
}

#[test]
fn expired_is_expired_in_our_words() {
    let mapped = status(
        Source::Confirm,
        json!({ "status": "expired", "failureMessage": "Transaction timed out", "failureCode": "Transaction timed out" }),
    );
    assert_eq!(mapped.status, PaymentStatus::Expired);
    assert_eq!(
        mapped.failure,
        Some((
            "expired".into(),
            "The payment was not approved in time.".into()
        ))
    );
    assert_eq!(mapped.raw, "expired (Transaction timed out)");
}

#[test]
fn a_success_not_captured_is_no_outcome() {
    let body =
        json!({ "status": "succeeded", "captured": false, "amount": 5000, "currency": "xaf" });
    assert!(matches!(
        status_from_body(Source::Retrieve, &body),
        Err(crate::providers::ProviderError::UnknownStatus(_))
    ));
    let captured = json!({ "status": "succeeded", "captured": true });
    assert_eq!(
        status_from_body(Source::Confirm, &captured).unwrap().status,
        PaymentStatus::Succeeded
    );
}

#[test]
fn canceled_is_canceled() {
    assert_eq!(
        status(Source::Retrieve, json!({ "status": "canceled" })).status,
        PaymentStatus::Canceled
    );
}

#[test]
fn unknown_status_is_an_error_never_a_success() {
    let error = status_from_body(Source::Retrieve, &json!({ "status": "paid" })).unwrap_err();
    assert!(matches!(error, ProviderError::UnknownStatus(raw) if raw == "paid"));
    assert!(matches!(
        status_from_body(Source::Confirm, &json!({ "captured": true })),
        Err(ProviderError::Unavailable(_))
    ));
}

#[test]
fn confirm_body_sends_the_msisdn_as_given_and_only_the_names_present() {
    let details = MobileMoneyDetails {
        country: "CG".into(),
        operator: Operator::Airtel,
        msisdn: "+242055000001".into(),
        first_name: Some("Jean".into()),
        last_name: None,
        receipt_email: Some(" ".into()),
    };
    assert_eq!(
        confirm_body("pi_1_secret_2", &details),
        json!({
            "client_secret": "pi_1_secret_2",
            "first_name": "Jean",
            "payment_method_data": {
                "type": "momo",
                "momo": { "country": "cg", "msisdn": "+242055000001", "operator_name": "airtel" }
            }
        })
    );
}

#[test]
fn not_permitted_422_is_refused_with_its_code_and_detail() {
    let body = r#"{"status":422,"path":"/v1/payment-intents/pi_x/confirm","timestamp":"2026-02-16T15:54:49.730+00:00",
            "code":"E_OPERATION_NOT_PERMITTED","message":"Operation not permitted","detail":"You are not permitted to perform this operation."}"#;
    match error_from_response(StatusCode::UNPROCESSABLE_ENTITY, body) {
        ProviderError::Refused { code, message } => {
            assert_eq!(code, "E_OPERATION_NOT_PERMITTED");
            assert_eq!(message, "You are not permitted to perform this operation.");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn validation_422_is_refused_with_the_first_rule_and_the_fields() {
    let body = r#"{"errors":[{"rule":"required","field":"currency","message":"required validation failed"}]}"#;
    match error_from_response(StatusCode::UNPROCESSABLE_ENTITY, body) {
        ProviderError::Refused { code, message } => {
            assert_eq!(code, "required");
            assert_eq!(message, "currency: required validation failed");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_error_status_maps_to_its_kind() {
    assert!(matches!(
        error_from_response(StatusCode::UNAUTHORIZED, r#"{"error":{"message":"Unauthorized","code":"Unauthorized"}}"#),
        ProviderError::Unauthorized(message) if message == "Unauthorized"
    ));
    assert!(matches!(
        error_from_response(StatusCode::UNAUTHORIZED, r#"{"error":"Unauthorized"}"#),
        ProviderError::Unauthorized(message) if message == "Unauthorized"
    ));
    assert!(matches!(
        error_from_response(StatusCode::NOT_FOUND, r#"{"message":"Row not found"}"#),
        ProviderError::NotFound(message) if message == "Row not found"
    ));
    assert!(matches!(
        error_from_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"status":500,"code":"E_INTERNAL","message":"Internal server error"}"#
        ),
        ProviderError::Unavailable(_)
    ));
    assert!(matches!(
        error_from_response(StatusCode::BAD_GATEWAY, "<html>"),
        ProviderError::Unavailable(_)
    ));
    assert!(matches!(
        error_from_response(StatusCode::TOO_MANY_REQUESTS, ""),
        ProviderError::Unavailable(_)
    ));
    assert!(matches!(
        error_from_response(StatusCode::BAD_REQUEST, "not json"),
        ProviderError::Refused { code, .. } if code == "invalid_request"
    ));
}
