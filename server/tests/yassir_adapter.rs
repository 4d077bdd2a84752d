//! The Yassir adapter against the sandbox simulator over real HTTP.

use checkout_contract::{CaptureMethod, MobileMoneyDetails, Operator, PaymentStatus};
use checkout_sandbox::{Language, SandboxConfig, Strict};
use checkout_server::providers::{
    CreateIntent, IntentRef, PaymentProvider, ProviderError, ProviderIntent, SubmitDetails,
    YassirClient, YassirConfig,
};
use std::time::Duration;

fn sandbox_config() -> SandboxConfig {
    SandboxConfig {
        public_base_url: None,
        momo_settle_delay: Duration::from_millis(50),
        momo_prompt_timeout: Duration::from_secs(1),
        yassir_intent_ttl: Duration::from_secs(15 * 60),
        slow_delay: Duration::from_secs(2),
        ..SandboxConfig::default()
    }
}

/// Serves the sandbox on a free port and returns its origin (`http://127.0.0.1:PORT`).
async fn start_sandbox(config: SandboxConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, checkout_sandbox::router(config))
            .await
            .unwrap()
    });
    origin
}

fn client_with(origin: &str, client_secret: &str, timeout: Duration) -> YassirClient {
    client_on(origin, client_secret, timeout, "/api/v1")
}

fn client_on(
    origin: &str,
    client_secret: &str,
    timeout: Duration,
    api_prefix: &str,
) -> YassirClient {
    YassirClient::new(
        YassirConfig {
            base_url: format!("{origin}{}", checkout_sandbox::YASSIR_MOUNT),
            client_id: "test_client".into(),
            client_secret: client_secret.into(),
            service: "CHECKOUT_TEST".into(),
            api_prefix: api_prefix.into(),
            timeout,
        },
        reqwest::Client::new(),
        checkout_server::clock::Clock::system(),
    )
}

/// A sandbox and a client pointed at it.
async fn setup() -> (String, YassirClient) {
    let origin = start_sandbox(sandbox_config()).await;
    let client = client_with(&origin, "test_secret", Duration::from_secs(5));
    (origin, client)
}

fn payment(
    payment_id: &str,
    phone: &str,
    amount_minor: i64,
    capture: CaptureMethod,
) -> CreateIntent {
    CreateIntent {
        payment_id: payment_id.into(),
        order: "demo-dz".into(),
        description: "Demo order".into(),
        amount_minor,
        currency: "DZD".into(),
        country_alpha3: "DZA".into(),
        customer_phone: Some(phone.into()),
        capture,
        language: None,
    }
}

/// The intent of a payment of 1500.00 DZD.
fn reference(intent: &ProviderIntent) -> IntentRef {
    reference_for(intent, 150000)
}

fn reference_for(intent: &ProviderIntent, amount_minor: i64) -> IntentRef {
    IntentRef {
        intent_id: intent.intent_id.clone(),
        client_secret: intent.client_secret.clone(),
        amount_minor,
        currency: "DZD".into(),
        country_alpha3: "DZA".into(),
        language: None,
        expires_at: intent.expires_at.clone(),
        // The OTP page of a proceed is in its answer: checks ask nothing more.
        wants_next_step: false,
    }
}

/// Creates and submits a payment, returning its reference and the submit status.
async fn create_and_submit(
    client: &YassirClient,
    payment_id: &str,
    phone: &str,
    amount_minor: i64,
    capture: CaptureMethod,
) -> (IntentRef, PaymentStatus) {
    let intent = client
        .create_intent(&payment(payment_id, phone, amount_minor, capture))
        .await
        .unwrap();
    let intent = reference_for(&intent, amount_minor);
    let status = client
        .submit(&intent, &SubmitDetails::YassirCash)
        .await
        .unwrap();
    (intent, status.status)
}

#[tokio::test]
async fn create_registers_the_customer_and_returns_the_intent() {
    let (_, client) = setup().await;
    let first = client
        .create_intent(&payment(
            "pay_1",
            "+213555123456",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    assert!(
        first
            .client_secret
            .starts_with(&format!("pa_{}_secret_", &first.intent_id[..8])),
        "{first:?}"
    );
    assert!(
        first
            .expires_at
            .as_deref()
            .is_some_and(|at| at.ends_with('Z')),
        "{first:?}"
    );

    // The same phone again: the customer already exists, which is fine.
    let second = client
        .create_intent(&payment(
            "pay_2",
            "+213555123456",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    assert_ne!(second.intent_id, first.intent_id);

    // The same payment id again: Yassir's actionId idempotency gives the same intent back.
    let replay = client
        .create_intent(&payment(
            "pay_1",
            "+213555123456",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    assert_eq!(replay, first);

    let status = client.check(&reference(&first)).await.unwrap();
    assert_eq!(status.status, PaymentStatus::Created);
}

#[tokio::test]
async fn create_without_a_wallet_phone_is_refused() {
    let (_, client) = setup().await;
    let request = CreateIntent {
        customer_phone: None,
        ..payment("pay_no_phone", "", 100, CaptureMethod::Direct)
    };
    let error = client.create_intent(&request).await.unwrap_err();
    assert!(matches!(error, ProviderError::Refused { .. }), "{error:?}");
}

#[tokio::test]
async fn an_action_id_answered_409_is_created_again_under_a_fresh_one() {
    let (origin, client) = setup().await;
    let first = client
        .create_intent(&payment(
            "pay_conflict",
            "+213555000001",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    // The lenient sandbox answers 409 to the same actionId for another payment: the first
    // intent is left as it is, never proceeded, and this one is made under a new actionId.
    let second = client
        .create_intent(&payment(
            "pay_conflict",
            "+213555000001",
            160000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    assert_ne!(second.intent_id, first.intent_id);
    let held: serde_json::Value = reqwest::get(format!("{origin}/sandbox/intents"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let action_ids: Vec<&str> = held["intents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|intent| intent["action_id"].as_str())
        .collect();
    assert!(action_ids.contains(&"pay_conflict"), "{held}");
    assert!(
        action_ids
            .iter()
            .any(|id| id.starts_with("pay_conflict.") && id.len() > 13),
        "{held}"
    );
}

#[tokio::test]
async fn otp_payment_requires_action_then_succeeds_after_the_page() {
    let (origin, client) = setup().await;
    let intent = client
        .create_intent(&payment(
            "pay_otp",
            "+213555000001",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    let intent = reference(&intent);
    let submitted = client
        .submit(&intent, &SubmitDetails::YassirCash)
        .await
        .unwrap();
    assert_eq!(submitted.status, PaymentStatus::RequiresAction);
    assert_eq!(
        submitted.raw,
        "statusCode 12: Require Authentication Action"
    );
    let pay_url = submitted.pay_url.expect("a payUrl for the OTP page");
    assert!(
        pay_url.starts_with(&format!(
            "{origin}/sandbox/yassir/otp/verify?requestId={}",
            intent.intent_id
        )),
        "{pay_url}"
    );

    let waiting = client.check(&intent).await.unwrap();
    assert_eq!(
        (waiting.status, waiting.pay_url),
        (PaymentStatus::RequiresAction, None)
    );
    // Check carries no payUrl: a check told the page is not known (the proceed's answer was
    // lost) proceeds again, which only re-issues the page.
    let lost = IntentRef {
        wants_next_step: true,
        ..intent.clone()
    };
    let again = client.check(&lost).await.unwrap();
    assert_eq!(again.status, PaymentStatus::RequiresAction);
    let again_url = again.pay_url.expect("the OTP page asked for again");
    assert!(again_url.contains(&intent.intent_id), "{again_url}");

    // The shopper types the code on the page, which sends them back to the widget.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = browser.get(&pay_url).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let token = csrf_in(&page.text().await.unwrap());
    let page_path = pay_url.split('?').next().unwrap();
    let answer = browser
        .post(page_path)
        .form(&[
            ("requestId", intent.intent_id.as_str()),
            ("code", "123456"),
            ("returnUrl", "http://127.0.0.1:8787/return"),
            ("action", "verify"),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), reqwest::StatusCode::SEE_OTHER);

    let paid = client.check(&intent).await.unwrap();
    assert_eq!(paid.status, PaymentStatus::Succeeded);
    assert_eq!(paid.failure, None);
    assert_eq!(
        paid.end_user_message.as_deref(),
        Some("Payment completed successfully")
    );
    let support = paid.support.expect("support info from check");
    assert_eq!(support.email.as_deref(), Some("support@yassir.com"));
    assert_eq!(support.phone_number.as_deref(), Some("+213000000000"));

    let again = client
        .submit(&intent, &SubmitDetails::YassirCash)
        .await
        .unwrap_err();
    assert!(
        matches!(again, ProviderError::Refused { ref message, .. } if message.contains("already processed")),
        "{again:?}"
    );
}

#[tokio::test]
async fn success_phone_succeeds_at_once() {
    let (_, client) = setup().await;
    let (intent, status) = create_and_submit(
        &client,
        "pay_ok",
        "+213555000002",
        150000,
        CaptureMethod::Direct,
    )
    .await;
    assert_eq!(status, PaymentStatus::Succeeded);
    assert_eq!(
        client.check(&intent).await.unwrap().status,
        PaymentStatus::Succeeded
    );
}

#[tokio::test]
async fn rejected_phone_is_rejected_with_a_reason() {
    let (_, client) = setup().await;
    let (intent, status) = create_and_submit(
        &client,
        "pay_rejected",
        "+213555000003",
        150000,
        CaptureMethod::Direct,
    )
    .await;
    assert_eq!(status, PaymentStatus::Rejected);
    let checked = client.check(&intent).await.unwrap();
    assert_eq!(checked.status, PaymentStatus::Rejected);
    assert_eq!(
        checked.failure,
        Some((
            "rejected".to_string(),
            "Transaction was rejected by the wallet".to_string()
        ))
    );
}

#[tokio::test]
async fn insufficient_funds_phone_is_rejected_with_yassirs_message() {
    let (_, client) = setup().await;
    let (intent, status) = create_and_submit(
        &client,
        "pay_funds",
        "+213555000004",
        150000,
        CaptureMethod::Direct,
    )
    .await;
    assert_eq!(status, PaymentStatus::Rejected);
    let checked = client.check(&intent).await.unwrap();
    assert_eq!(checked.status, PaymentStatus::Rejected);
    assert_eq!(
        checked.failure.map(|(code, _)| code).as_deref(),
        Some("rejected")
    );
    assert_eq!(
        checked.end_user_message.as_deref(),
        Some("Insufficient balance in your Yassir Cash wallet")
    );
}

#[tokio::test]
async fn provider_error_phone_makes_submit_unavailable() {
    let (_, client) = setup().await;
    let intent = client
        .create_intent(&payment(
            "pay_500",
            "+213555000005",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    let error = client
        .submit(&reference(&intent), &SubmitDetails::YassirCash)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Unavailable(ref message) if message == "Internal server error"),
        "{error:?}"
    );
}

#[tokio::test]
async fn slow_phone_times_out() {
    let origin = start_sandbox(sandbox_config()).await;
    let client = client_with(&origin, "test_secret", Duration::from_millis(300));
    let intent = client
        .create_intent(&payment(
            "pay_slow",
            "+213555000006",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    let error = client
        .submit(&reference(&intent), &SubmitDetails::YassirCash)
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::Timeout), "{error:?}");
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized() {
    let origin = start_sandbox(sandbox_config()).await;
    let client = client_with(&origin, "not_the_secret", Duration::from_secs(5));
    let error = client
        .create_intent(&payment(
            "pay_auth",
            "+213555000001",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::Unauthorized(_)), "{error:?}");
}

#[tokio::test]
async fn unknown_intent_is_not_found() {
    let (_, client) = setup().await;
    let unknown = IntentRef {
        intent_id: "123e4567-e89b-12d3-a456-426614174000".into(),
        client_secret: "pa_123e4567_secret_a1b2c3d4e5f6a1b2c3d4e5f6".into(),
        amount_minor: 150000,
        currency: "DZD".into(),
        country_alpha3: "DZA".into(),
        language: None,
        expires_at: None,
        wants_next_step: false,
    };
    let error = client.check(&unknown).await.unwrap_err();
    assert!(matches!(error, ProviderError::NotFound(_)), "{error:?}");
}

#[tokio::test]
async fn mobile_money_is_not_a_yassir_method() {
    let (_, client) = setup().await;
    let intent = client
        .create_intent(&payment(
            "pay_momo",
            "+213555000001",
            150000,
            CaptureMethod::Direct,
        ))
        .await
        .unwrap();
    let details = SubmitDetails::MobileMoney(MobileMoneyDetails {
        country: "cg".into(),
        operator: Operator::Mtn,
        msisdn: "242066594470".into(),
        first_name: None,
        last_name: None,
        receipt_email: None,
    });
    let error = client
        .submit(&reference(&intent), &details)
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::Unsupported(_)), "{error:?}");
}

#[tokio::test]
async fn reservation_is_pre_authorized_then_partly_captured() {
    let (_, client) = setup().await;
    let (intent, status) = create_and_submit(
        &client,
        "pay_reserve",
        "+213555000002",
        500000,
        CaptureMethod::Reservation,
    )
    .await;
    assert_eq!(status, PaymentStatus::PreAuthorized);
    assert_eq!(
        client.check(&intent).await.unwrap().status,
        PaymentStatus::PreAuthorized
    );

    let error = client.capture(&intent, Some(500001)).await.unwrap_err();
    assert!(matches!(error, ProviderError::Refused { .. }), "{error:?}");

    let captured = client.capture(&intent, Some(450000)).await.unwrap();
    assert_eq!(captured.status, PaymentStatus::Succeeded);
    assert_eq!(captured.pay_url, None, "an empty payUrl is none");
    assert_eq!(
        client.check(&intent).await.unwrap().status,
        PaymentStatus::Succeeded
    );

    // The released 50.00 DZD is not refundable.
    let error = client
        .refund(&intent, Some(450001), "too much", None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Refused { ref message, .. } if message.contains("4500.00")),
        "{error:?}"
    );
}

#[tokio::test]
async fn reservation_is_released() {
    let (_, client) = setup().await;
    let (intent, _) = create_and_submit(
        &client,
        "pay_release",
        "+213555000002",
        500000,
        CaptureMethod::Reservation,
    )
    .await;
    let released = client.release(&intent).await.unwrap();
    assert_eq!(released.status, PaymentStatus::Canceled);
    assert_eq!(released.raw, "statusCode 10: Reversed");
    assert_eq!(
        client.check(&intent).await.unwrap().status,
        PaymentStatus::Canceled
    );

    let error = client.capture(&intent, None).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::Refused { ref message, .. } if message == "payment is not pre-authorized")
    );
}

#[tokio::test]
async fn refunds_go_partial_partial_full_then_are_refused() {
    let (_, client) = setup().await;
    let (intent, status) = create_and_submit(
        &client,
        "pay_refund",
        "+213555000002",
        150000,
        CaptureMethod::Direct,
    )
    .await;
    assert_eq!(status, PaymentStatus::Succeeded);

    let first = client
        .refund(&intent, Some(50000), "Partial refund for item return", None)
        .await
        .unwrap();
    assert_eq!(first.status, PaymentStatus::PartiallyRefunded);
    let second = client
        .refund(&intent, Some(30000), "Partial refund", Some("damaged"))
        .await
        .unwrap();
    assert_eq!(second.status, PaymentStatus::PartiallyRefunded);
    let third = client
        .refund(&intent, Some(70000), "Rest of the order", None)
        .await
        .unwrap();
    assert_eq!(third.status, PaymentStatus::Refunded);
    assert_eq!(
        client.check(&intent).await.unwrap().status,
        PaymentStatus::Refunded
    );

    let error = client
        .refund(&intent, None, "Once more", None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Refused { ref code, .. } if code == "invalid_request"),
        "{error:?}"
    );
}

#[tokio::test]
async fn full_refund_without_amount_refunds_everything() {
    let (_, client) = setup().await;
    let (intent, _) = create_and_submit(
        &client,
        "pay_refund_all",
        "+213555000002",
        150000,
        CaptureMethod::Direct,
    )
    .await;
    let refunded = client
        .refund(&intent, None, "Customer requested full refund", None)
        .await
        .unwrap();
    assert_eq!(refunded.status, PaymentStatus::Refunded);
}

#[tokio::test]
async fn an_expired_intent_is_told_from_a_rejection_by_its_expiry() {
    let origin = start_sandbox(SandboxConfig {
        yassir_intent_ttl: Duration::from_millis(300),
        ..sandbox_config()
    })
    .await;
    let client = client_with(&origin, "test_secret", Duration::from_secs(5));
    let (intent, status) = create_and_submit(
        &client,
        "pay_expire",
        "+213555000001",
        150000,
        CaptureMethod::Direct,
    )
    .await;
    assert_eq!(status, PaymentStatus::RequiresAction);
    assert!(intent.expires_at.is_some(), "the create answers expiresAt");
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Yassir says 3 and nothing machine-readable about why: the intent's own `expiresAt`, as
    // its create answered, tells an expiry; the words are not read.
    let checked = client.check(&intent).await.unwrap();
    assert_eq!(checked.status, PaymentStatus::Expired);
    assert_eq!(
        checked.failure.map(|(code, _)| code).as_deref(),
        Some("expired")
    );
    // Without an expiry known, it stays what Yassir said.
    let unknown_expiry = IntentRef {
        expires_at: None,
        ..intent
    };
    let checked = client.check(&unknown_expiry).await.unwrap();
    assert_eq!(checked.status, PaymentStatus::Rejected);
}

/// The adapter's whole journey (registration twice for one phone, a create repeated under the
/// same payment id, OTP, reservation, capture, refunds), against the lenient sandbox and against
/// each strict reading of what Yassir leaves undocumented.
#[tokio::test]
async fn the_journey_works_against_the_lenient_and_the_strict_sandbox() {
    let arabic = Strict {
        language: Some(Language::Arabic),
        ..Strict::ALL
    };
    for strict in [Strict::default(), Strict::ALL, arabic] {
        let origin = start_sandbox(SandboxConfig {
            strict,
            ..sandbox_config()
        })
        .await;
        let prefix = if strict.no_api_prefix { "" } else { "/api/v1" };
        let client = client_on(&origin, "test_secret", Duration::from_secs(5), prefix);
        let label = format!("{strict:?}");

        let direct = CreateIntent {
            language: Some("fr".into()),
            ..payment("pay_j1", "+213555000002", 150000, CaptureMethod::Direct)
        };
        let intent = client.create_intent(&direct).await.expect(&label);
        // Repeated as after a lost answer: the same intent (lenient) or a fresh one (strict 409).
        let again = client.create_intent(&direct).await.expect(&label);
        assert_eq!(
            again == intent,
            !strict.duplicate_action_id_conflict,
            "{label}"
        );
        let paid = client
            .submit(&reference(&again), &SubmitDetails::YassirCash)
            .await
            .expect(&label);
        assert_eq!(paid.status, PaymentStatus::Succeeded, "{label}");
        let refunded = client
            .refund(&reference(&again), Some(50000), "Returned item", None)
            .await
            .expect(&label);
        assert_eq!(refunded.status, PaymentStatus::PartiallyRefunded, "{label}");

        // The same wallet again: its registration is refused (409, or 400 in other words).
        let reserved = payment(
            "pay_j2",
            "+213555000002",
            500000,
            CaptureMethod::Reservation,
        );
        let intent = client.create_intent(&reserved).await.expect(&label);
        let intent = reference_for(&intent, 500000);
        let held = client
            .submit(&intent, &SubmitDetails::YassirCash)
            .await
            .expect(&label);
        assert_eq!(held.status, PaymentStatus::PreAuthorized, "{label}");
        let captured = client.capture(&intent, None).await.expect(&label);
        assert_eq!(captured.status, PaymentStatus::Succeeded, "{label}");

        let otp = payment("pay_j3", "+213555000001", 150000, CaptureMethod::Direct);
        let intent = reference(&client.create_intent(&otp).await.expect(&label));
        let asked = client
            .submit(&intent, &SubmitDetails::YassirCash)
            .await
            .expect(&label);
        assert_eq!(asked.status, PaymentStatus::RequiresAction, "{label}");
        assert!(asked.pay_url.is_some(), "{label}");
        let checked = client.check(&intent).await.expect(&label);
        assert_eq!(checked.status, PaymentStatus::RequiresAction, "{label}");
    }
}

#[tokio::test]
async fn a_wallet_yassir_neither_registers_nor_lists_fails_with_a_clear_error() {
    let origin = start_sandbox(SandboxConfig {
        strict: Strict::ALL,
        ..sandbox_config()
    })
    .await;
    let client = client_on(&origin, "test_secret", Duration::from_secs(5), "");
    // Without its `+`, the sandbox's customers API refuses the phone, and finds no such customer.
    let request = payment(
        "pay_unlisted",
        "213555000001",
        150000,
        CaptureMethod::Direct,
    );
    let error = client.create_intent(&request).await.unwrap_err();
    match error {
        ProviderError::Refused { code, message } => {
            assert_eq!(code, "customer_not_registered");
            assert_eq!(
                message,
                "Yassir did not register the wallet phone as a customer"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn x_locale_follows_the_shopper_language_and_the_wallet_country() {
    use checkout_server::providers::yassir::x_locale;
    assert_eq!(x_locale(Some("en"), "DZA"), Some("en_US"));
    assert_eq!(x_locale(Some("fr"), "MAR"), Some("fr_FR"));
    assert_eq!(x_locale(Some("ar"), "DZA"), Some("ar_DZ"));
    assert_eq!(x_locale(Some("ar"), "MAR"), Some("ar_MA"));
    assert_eq!(x_locale(None, "DZA"), None);
}

/// The CSRF token in the OTP page's form.
fn csrf_in(html: &str) -> String {
    let field = r#"name="csrf" value=""#;
    let start = html
        .find(field)
        .unwrap_or_else(|| panic!("no CSRF field: {html}"))
        + field.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}
