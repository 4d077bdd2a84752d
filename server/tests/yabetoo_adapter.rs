//! The Yabetoo adapter against the Yabetoo sandbox over real HTTP, as the server uses it.

use std::time::{Duration, Instant};

use checkout_contract::{CaptureMethod, MobileMoneyDetails, Operator, PaymentStatus};
use checkout_sandbox::{SandboxConfig, Strict};
use checkout_server::providers::{
    CreateIntent, IntentRef, PaymentProvider, ProviderError, ProviderIntent, SubmitDetails,
    YabetooClient, YabetooConfig,
};
use serde_json::Value;

const KEY: &str = "sk_test_sandbox";

fn quick_config() -> SandboxConfig {
    SandboxConfig {
        momo_settle_delay: Duration::from_millis(60),
        momo_prompt_timeout: Duration::from_secs(10),
        slow_delay: Duration::from_secs(2),
        ..SandboxConfig::default()
    }
}

/// Serves the whole sandbox on a free port; answers Yabetoo's base URL there.
async fn start(config: SandboxConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, checkout_sandbox::router(config))
            .await
            .unwrap()
    });
    format!("http://{address}{}", checkout_sandbox::YABETOO_MOUNT)
}

fn client_with(base_url: &str, secret_key: &str, confirm_timeout: Duration) -> YabetooClient {
    YabetooClient::new(
        YabetooConfig {
            base_url: base_url.to_owned(),
            secret_key: secret_key.to_owned(),
            timeout: Duration::from_secs(5),
            confirm_timeout,
        },
        reqwest::Client::new(),
    )
}

fn client(base_url: &str) -> YabetooClient {
    client_with(base_url, KEY, Duration::from_secs(10))
}

fn order() -> CreateIntent {
    CreateIntent {
        payment_id: "pay_test_0001".into(),
        order: "ORD-42".into(),
        description: "Order ORD-42".into(),
        amount_minor: 5000,
        currency: "XAF".into(),
        country_alpha3: "COG".into(),
        customer_phone: None,
        capture: CaptureMethod::Direct,
        language: None,
    }
}

fn reference(intent: &ProviderIntent) -> IntentRef {
    IntentRef {
        intent_id: intent.intent_id.clone(),
        client_secret: intent.client_secret.clone(),
        amount_minor: 5000,
        currency: "XAF".into(),
        country_alpha3: "COG".into(),
        language: None,
        expires_at: None,
        wants_next_step: true,
    }
}

fn momo(msisdn: &str, operator: Operator) -> SubmitDetails {
    SubmitDetails::MobileMoney(MobileMoneyDetails {
        country: "cg".into(),
        operator,
        msisdn: msisdn.into(),
        first_name: Some("Jean".into()),
        last_name: Some("Dupont".into()),
        receipt_email: Some("jean.dupont@example.com".into()),
    })
}

async fn created(yabetoo: &YabetooClient) -> IntentRef {
    reference(&yabetoo.create_intent(&order()).await.unwrap())
}

#[tokio::test]
async fn create_intent_returns_the_intent_and_its_secret_and_sends_our_references() {
    let base = start(quick_config()).await;
    let intent = client(&base).create_intent(&order()).await.unwrap();
    assert!(intent.intent_id.starts_with("pi_"));
    assert!(intent
        .client_secret
        .starts_with(&format!("{}_secret_", intent.intent_id)));
    assert_eq!(intent.expires_at, None);

    let raw: Value = reqwest::Client::new()
        .get(format!("{base}/v1/payment-intents/{}", intent.intent_id))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw["amount"], 5000);
    assert_eq!(raw["currency"], "xaf");
    assert_eq!(raw["description"], "Order ORD-42");
    assert_eq!(
        raw["metadata"],
        serde_json::json!({ "paymentId": "pay_test_0001", "order": "ORD-42" })
    );
}

#[tokio::test]
async fn check_before_confirm_is_created() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let status = yabetoo.check(&intent).await.unwrap();
    assert_eq!(status.status, PaymentStatus::Created);
    assert_eq!(status.raw, "pending");
}

#[tokio::test]
async fn confirm_with_the_success_number_succeeds() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let status = yabetoo
        .submit(&intent, &momo("242066000001", Operator::Airtel))
        .await
        .unwrap();
    assert_eq!(status.status, PaymentStatus::Succeeded);
    assert_eq!(status.failure, None);
    assert_eq!(
        yabetoo.check(&intent).await.unwrap().status,
        PaymentStatus::Succeeded
    );
}

#[tokio::test]
async fn confirm_with_a_rejecting_number_is_declined_in_the_contracts_words() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let status = yabetoo
        .submit(&intent, &momo("+46733123451", Operator::Mtn))
        .await
        .unwrap();
    assert_eq!(status.status, PaymentStatus::Rejected);
    assert_eq!(
        status.failure.as_ref().map(|(code, _)| code.as_str()),
        Some("declined")
    );
    // Yabetoo's words stay in the history (`raw`), never in the shopper's message.
    assert!(
        status.raw.contains("rejected by the customer"),
        "{}",
        status.raw
    );
    let checked = yabetoo.check(&intent).await.unwrap();
    assert_eq!(
        (checked.status, checked.failure),
        (PaymentStatus::Rejected, status.failure)
    );
}

#[tokio::test]
async fn confirm_with_a_low_balance_is_rejected_for_insufficient_funds() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let status = yabetoo
        .submit(&intent, &momo("242069000002", Operator::Mtn))
        .await
        .unwrap();
    assert_eq!(status.status, PaymentStatus::Rejected);
    assert_eq!(status.failure.unwrap().0, "insufficient_funds");
}

#[tokio::test]
async fn confirm_with_the_timeout_number_expires() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let status = yabetoo
        .submit(&intent, &momo("46733123453", Operator::Mtn))
        .await
        .unwrap();
    assert_eq!(status.status, PaymentStatus::Expired);
    assert_eq!(
        status.failure,
        Some((
            "expired".into(),
            "The payment was not approved in time.".into()
        ))
    );
}

#[tokio::test]
async fn pending_confirm_awaits_approval_then_check_finds_success() {
    let config = SandboxConfig {
        momo_settle_delay: Duration::from_millis(300),
        ..quick_config()
    };
    let base = start(config).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let submitted = yabetoo
        .submit(&intent, &momo("242069000001", Operator::Mtn))
        .await
        .unwrap();
    assert_eq!(submitted.status, PaymentStatus::AwaitingApproval);
    assert_eq!(
        yabetoo.check(&intent).await.unwrap().status,
        PaymentStatus::AwaitingApproval
    );

    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = yabetoo.check(&intent).await.unwrap().status;
        if status == PaymentStatus::Succeeded {
            break;
        }
        assert_eq!(status, PaymentStatus::AwaitingApproval);
        assert!(Instant::now() < deadline, "the intent never settled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn confirm_waits_for_approval_on_the_sandbox_phone() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let confirm = {
        let (yabetoo, intent) = (yabetoo.clone(), intent.clone());
        tokio::spawn(async move {
            yabetoo
                .submit(&intent, &momo("+242066594470", Operator::Mtn))
                .await
        })
    };

    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let prompts: Vec<Value> = http
            .get(format!("{base}/phone/prompts?msisdn=242066594470"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if prompts
            .iter()
            .any(|prompt| prompt["intentId"] == intent.intent_id.as_str())
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the prompt never reached the phone"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        yabetoo.check(&intent).await.unwrap().status,
        PaymentStatus::AwaitingApproval
    );
    assert!(!confirm.is_finished());

    let approved = http
        .post(format!("{base}/phone/prompts/{}/approve", intent.intent_id))
        .header("Accept", "application/json")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert!(approved.status().is_success());
    let status = confirm.await.unwrap().unwrap();
    assert_eq!(status.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn provider_error_is_unavailable() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let error = yabetoo
        .submit(&intent, &momo("242069000500", Operator::Mtn))
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn slow_confirm_times_out() {
    let base = start(quick_config()).await;
    let yabetoo = client_with(&base, KEY, Duration::from_millis(300));
    let intent = created(&yabetoo).await;
    let error = yabetoo
        .submit(&intent, &momo("242069000504", Operator::Mtn))
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::Timeout), "{error:?}");
}

#[tokio::test]
async fn wrong_secret_key_is_unauthorized() {
    let base = start(quick_config()).await;
    let intent = created(&client(&base)).await;
    let wrong = client_with(&base, "sk_test_wrong", Duration::from_secs(5));
    assert!(matches!(
        wrong.create_intent(&order()).await,
        Err(ProviderError::Unauthorized(_))
    ));
    assert!(matches!(
        wrong.check(&intent).await,
        Err(ProviderError::Unauthorized(_))
    ));
    assert!(matches!(
        wrong
            .submit(&intent, &momo("242066000001", Operator::Airtel))
            .await,
        Err(ProviderError::Unauthorized(_))
    ));
}

#[tokio::test]
async fn unknown_intent_is_not_found() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let mut intent = created(&yabetoo).await;
    intent.intent_id = "pi_doesnotexist".into();
    assert!(matches!(
        yabetoo.check(&intent).await,
        Err(ProviderError::NotFound(_))
    ));
    assert!(matches!(
        yabetoo
            .submit(&intent, &momo("242066000001", Operator::Airtel))
            .await,
        Err(ProviderError::NotFound(_))
    ));
}

#[tokio::test]
async fn confirming_again_after_success_is_refused() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    yabetoo
        .submit(&intent, &momo("242066000001", Operator::Airtel))
        .await
        .unwrap();
    match yabetoo
        .submit(&intent, &momo("242066000001", Operator::Airtel))
        .await
    {
        Err(ProviderError::Refused { code, .. }) => assert_eq!(code, "E_OPERATION_NOT_PERMITTED"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn confirming_again_after_failure_succeeds() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    let failed = yabetoo
        .submit(&intent, &momo("46733123450", Operator::Mtn))
        .await
        .unwrap();
    assert_eq!(failed.status, PaymentStatus::Rejected);
    let retried = yabetoo
        .submit(&intent, &momo("46733123454", Operator::Mtn))
        .await
        .unwrap();
    assert_eq!(retried.status, PaymentStatus::Succeeded);
}

#[tokio::test]
async fn local_msisdn_is_refused_naming_the_field() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    match yabetoo
        .submit(&intent, &momo("066594470", Operator::Mtn))
        .await
    {
        Err(ProviderError::Refused { code, message }) => {
            assert_eq!(code, "mobile");
            assert!(
                message.contains("payment_method_data.momo.msisdn"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn non_xaf_currency_is_refused_before_calling_yabetoo() {
    let yabetoo = client("http://127.0.0.1:9/unreachable");
    let request = CreateIntent {
        amount_minor: 150000,
        currency: "DZD".into(),
        ..order()
    };
    assert!(matches!(
        yabetoo.create_intent(&request).await,
        Err(ProviderError::Refused { code, .. }) if code == "unsupported_currency"
    ));
}

#[tokio::test]
async fn refund_capture_release_and_yassir_cash_are_unsupported() {
    let base = start(quick_config()).await;
    let yabetoo = client(&base);
    let intent = created(&yabetoo).await;
    match yabetoo.refund(&intent, None, "Returned item", None).await {
        Err(ProviderError::Unsupported(message)) => {
            assert!(message.contains("Yabetoo support"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        yabetoo.capture(&intent, None).await,
        Err(ProviderError::Unsupported(_))
    ));
    assert!(matches!(
        yabetoo.release(&intent).await,
        Err(ProviderError::Unsupported(_))
    ));
    assert!(matches!(
        yabetoo.submit(&intent, &SubmitDetails::YassirCash).await,
        Err(ProviderError::Unsupported(_))
    ));
    assert_eq!(yabetoo.name(), "yabetoo");
}

/// Create, confirm and retrieve against the lenient sandbox and against the strict one, which
/// serves Congo only and refuses a number sent to the other operator than its prefix's.
#[tokio::test]
async fn the_journey_works_against_the_lenient_and_the_strict_sandbox() {
    for strict in [Strict::default(), Strict::ALL] {
        let base = start(SandboxConfig {
            strict,
            ..quick_config()
        })
        .await;
        let yabetoo = client(&base);
        for (msisdn, operator, expected) in [
            ("242066000001", Operator::Airtel, PaymentStatus::Succeeded),
            (
                "242069000001",
                Operator::Mtn,
                PaymentStatus::AwaitingApproval,
            ),
            ("46733123451", Operator::Mtn, PaymentStatus::Rejected),
        ] {
            let intent = created(&yabetoo).await;
            let status = yabetoo.submit(&intent, &momo(msisdn, operator)).await;
            assert_eq!(status.unwrap().status, expected, "{strict:?} {msisdn}");
            let checked = yabetoo.check(&intent).await.unwrap();
            assert_ne!(
                checked.status,
                PaymentStatus::Created,
                "{strict:?} {msisdn}"
            );
        }
        if strict.momo_numbers {
            // The lenient sandbox would put it on its phone page: only the server's own check
            // stops it there.
            let intent = created(&yabetoo).await;
            let error = yabetoo
                .submit(&intent, &momo("242056594470", Operator::Mtn))
                .await
                .unwrap_err();
            assert!(
                matches!(error, ProviderError::Refused { ref code, .. } if code == "operator"),
                "{error:?}"
            );
        }
    }
}
