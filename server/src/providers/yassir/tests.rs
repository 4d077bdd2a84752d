use super::*;
use checkout_contract::SupportInfo;

fn mapped(code: i64, status: Option<&str>, message: Option<&str>) -> ProviderStatus {
    map_status_code(code, status, message).expect("a known statusCode")
}

#[test]
fn code_0_is_created() {
    assert_eq!(
        mapped(0, None, Some("Payment initialized")).status,
        PaymentStatus::Created
    );
}

#[test]
fn code_2_is_succeeded() {
    let status = mapped(2, Some("The amount was deposited successfully"), None);
    assert_eq!(status.status, PaymentStatus::Succeeded);
    assert_eq!(status.failure, None);
    assert_eq!(
        status.raw,
        "statusCode 2: The amount was deposited successfully"
    );
}

#[test]
fn code_3_is_rejected() {
    let status = mapped(
        3,
        Some("Transaction was rejected"),
        Some("Transaction was rejected by the wallet"),
    );
    assert_eq!(status.status, PaymentStatus::Rejected);
    assert_eq!(
        status.failure,
        Some((
            "rejected".into(),
            "Transaction was rejected by the wallet".into()
        ))
    );
}

#[test]
fn code_3_is_a_rejection_whatever_its_words_with_yassirs_message_for_the_shopper() {
    for (status_text, message) in [
        (None, "Insufficient balance in your Yassir Cash wallet"),
        (
            Some("Transaction expired"),
            "The payment request has expired",
        ),
    ] {
        let status = mapped(3, status_text, Some(message));
        assert_eq!(status.status, PaymentStatus::Rejected);
        assert_eq!(status.failure, Some(("rejected".into(), message.into())));
    }
}

#[test]
fn a_refused_refund_says_the_providers_reason() {
    let answer = json!({ "data": {
        "statusCode": 3,
        "status": "Transaction was rejected",
        "errorMessage": { "internalErrorMessage": null, "providerErrorMessage": "Refund window closed" }
    }});
    let status = status_from_answer(&answer).unwrap();
    assert_eq!(status.status, PaymentStatus::Rejected);
    assert_eq!(
        status.failure.unwrap().1,
        "Transaction was rejected: Refund window closed"
    );
}

#[test]
fn code_4_is_refunded() {
    assert_eq!(
        mapped(4, Some("Transaction was refunded"), None).status,
        PaymentStatus::Refunded
    );
}

#[test]
fn code_10_is_canceled() {
    assert_eq!(
        mapped(10, Some("Reversed"), None).status,
        PaymentStatus::Canceled
    );
}

#[test]
fn code_12_requires_action() {
    let status = mapped(12, Some("Require Authentication Action"), None);
    assert_eq!(status.status, PaymentStatus::RequiresAction);
    assert_eq!(status.raw, "statusCode 12: Require Authentication Action");
}

#[test]
fn code_13_is_pre_authorized() {
    assert_eq!(
        mapped(13, Some("Pre-authorized"), None).status,
        PaymentStatus::PreAuthorized
    );
}

#[test]
fn code_16_is_partially_refunded() {
    let status = mapped(16, Some("Transaction was partially refunded"), None);
    assert_eq!(status.status, PaymentStatus::PartiallyRefunded);
}

#[test]
fn an_unknown_code_is_an_error_never_a_success() {
    let error = map_status_code(7, Some("Something new"), None).unwrap_err();
    assert!(
        matches!(error, ProviderError::UnknownStatus(ref raw) if raw == "statusCode 7: Something new")
    );
}

#[test]
fn answer_reads_pay_url_from_either_casing_and_ignores_empty_ones() {
    let proceed = json!({"data": {"statusCode": 12, "status": "Require Authentication Action",
        "require3DS": true, "metadata": {"payUrl": "http://sim/otp/verify?requestId=1"}}});
    assert_eq!(
        status_from_answer(&proceed).unwrap().pay_url.as_deref(),
        Some("http://sim/otp/verify?requestId=1")
    );

    let capture = json!({"data": {"statusCode": 2, "status": "ok", "metaData": {"payUrl": ""}}});
    assert_eq!(status_from_answer(&capture).unwrap().pay_url, None);

    let legacy = json!({"data": {"require3DS": true, "metaData": {"payUrl": "http://sim/otp"}}});
    let status = status_from_answer(&legacy).unwrap();
    assert_eq!(
        (status.status, status.pay_url.as_deref()),
        (PaymentStatus::RequiresAction, Some("http://sim/otp"))
    );
}

#[test]
fn check_answer_keeps_support_info_and_message() {
    let check = json!({"data": {"statusCode": 2, "paymentMethodName": "WALLET_V2", "amount": 1500,
        "currencyCode": "DZD", "endUserMessage": "Payment completed successfully",
        "supportInfo": {"email": "support@yassir.com", "phoneNumber": "+213000000000"}}});
    let status = status_from_answer(&check).unwrap();
    assert_eq!(
        status.end_user_message.as_deref(),
        Some("Payment completed successfully")
    );
    assert_eq!(
        status.support,
        Some(SupportInfo {
            email: Some("support@yassir.com".into()),
            phone_number: Some("+213000000000".into())
        })
    );
}

#[test]
fn amounts_go_out_in_major_units() {
    assert_eq!(
        YassirClient::major_units(150000, "DZD").unwrap(),
        json!(1500.0)
    );
    assert_eq!(YassirClient::major_units(1050, "MAD").unwrap(), json!(10.5));
}

fn intent_expiring(at: &str) -> IntentRef {
    IntentRef {
        intent_id: "intent".into(),
        client_secret: "secret".into(),
        amount_minor: 150_000,
        currency: "DZD".into(),
        country_alpha3: "DZA".into(),
        language: None,
        expires_at: Some(at.into()),
        wants_next_step: false,
    }
}

#[test]
fn a_rejection_past_the_intents_expiry_is_an_expiry() {
    let rejected = mapped(3, Some("Transaction was rejected"), None);
    let late = expiry_read(
        &intent_expiring("2020-01-01T00:00:00Z"),
        rejected.clone(),
        time::OffsetDateTime::now_utc(),
    );
    assert_eq!(late.status, PaymentStatus::Expired);
    assert_eq!(
        late.failure.map(|(code, _)| code).as_deref(),
        Some("expired")
    );

    // Words are not read: a rejection in time stays a rejection, whatever it says.
    let worded = ProviderStatus {
        failure: Some(("rejected".into(), "expired card".into())),
        ..rejected
    };
    let in_time = expiry_read(
        &intent_expiring("2999-01-01T00:00:00Z"),
        worded,
        time::OffsetDateTime::now_utc(),
    );
    assert_eq!(in_time.status, PaymentStatus::Rejected);
}
