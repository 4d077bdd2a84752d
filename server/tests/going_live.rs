//! What a merchant going from the sandbox to real credentials meets first, each against the
//! sandbox's strict switches (`SANDBOX_STRICT`: the stricter reading of what the providers leave
//! undocumented) and, where both readings must work, against the lenient default too.

mod common;

use std::time::Duration;

use checkout_sandbox::{SandboxConfig, YABETOO_MOUNT, YASSIR_MOUNT};
use common::{start, unique, TestServer};
use serde_json::{json, Value};

/// A payment created with the shopper's `Accept-Language`.
async fn create_in(server: &TestServer, language: Option<&str>, body: Value) -> (u16, Value) {
    let key = format!("key-{}", unique());
    server.create_in(&key, language, body).await
}

async fn submit_yassir(server: &TestServer, id: &str) -> (u16, Value) {
    server
        .post(
            &format!("/api/v1/payments/{id}/submit"),
            json!({"type": "yassir_cash"}),
        )
        .await
}

/// A signed order for `amount_minor` `currency`, as a merchant's backend mints one.
async fn order_token(server: &TestServer, amount_minor: i64, currency: &str) -> String {
    let (status, body) = server
        .admin_post(
            "/api/v1/admin/order-tokens",
            json!({
                "reference": format!("order-{}", unique()),
                "description": "Going live",
                "amount_minor": amount_minor,
                "currency": currency,
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_string()
}

// --- 1. Mobile money where Yabetoo serves it, with the operator of the number ---

#[tokio::test]
async fn cameroon_is_offered_only_as_an_unverified_country() {
    let server = start(&[
        ("SANDBOX_STRICT", "momo-numbers"),
        ("MOBILE_MONEY_UNVERIFIED_COUNTRIES", "none"),
    ])
    .await;
    let (status, session) = server.get("/api/v1/checkout?order=demo-cm").await;
    assert_eq!(status, 200, "{session}");
    let countries: Vec<&str> = session["methods"][0]["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|country| country["code"].as_str().unwrap())
        .collect();
    assert_eq!(countries, ["cg"]);

    let (status, body) = server
        .momo_payment("demo-cm", "cm", "mtn", "237670000001")
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "country_not_offered", "{body}");
    assert_eq!(body["error"]["field"], "country", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("use one of: cg"),
        "{body}"
    );
    // Nothing reached Yabetoo: its intent was never confirmed.
    let (_, payments) = server.admin_get("/api/v1/admin/payments").await;
    assert_eq!(payments["payments"][0]["status"], "created", "{payments}");

    // Named unverified, Cameroon is offered again (and refused by a strict Yabetoo).
    let unverified = start(&[("MOBILE_MONEY_UNVERIFIED_COUNTRIES", "cm")]).await;
    let (_, session) = unverified.get("/api/v1/checkout?order=demo-cm").await;
    assert_eq!(
        session["methods"][0]["countries"][1]["code"], "cm",
        "{session}"
    );
}

#[tokio::test]
async fn a_number_sent_to_the_other_operator_is_refused_before_yabetoo() {
    for strict in ["", "momo-numbers"] {
        let server = start(&[("SANDBOX_STRICT", strict)]).await;
        let (status, body) = server
            .momo_payment("demo-cg", "cg", "mtn", "242056594470")
            .await;
        assert_eq!(status, 422, "{strict}: {body}");
        assert_eq!(body["error"]["code"], "operator_mismatch", "{body}");
        assert_eq!(body["error"]["field"], "operator", "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("send operator `airtel`"),
            "{body}"
        );
        let (status, body) = server
            .momo_payment("demo-cg", "cg", "airtel", "242066594470")
            .await;
        assert_eq!(status, 422, "{strict}: {body}");
        assert_eq!(body["error"]["field"], "operator", "{body}");
        // The operator of the number goes through, even to a strict Yabetoo.
        let (status, body) = server
            .momo_payment("demo-cg", "cg", "airtel", "242055000001")
            .await;
        assert_eq!(status, 200, "{strict}: {body}");
    }
}

// --- 2. The country of the wallet ---

#[tokio::test]
async fn a_dollar_order_is_sent_with_the_country_of_the_wallet() {
    for strict in ["", "wallet-country"] {
        let server = start(&[("SANDBOX_STRICT", strict)]).await;
        for phone in ["+212600000002", "+213555000002"] {
            let token = order_token(&server, 2_500, "USD").await;
            let (status, created) = create_in(
                &server,
                None,
                json!({"order": token, "method": "yassir_cash", "phone": phone}),
            )
            .await;
            assert_eq!(status, 201, "{strict} {phone}: {created}");
            let (status, paid) = submit_yassir(&server, created["id"].as_str().unwrap()).await;
            assert_eq!(status, 200, "{paid}");
            assert_eq!(paid["status"], "succeeded", "{strict} {phone}: {paid}");
        }
    }
}

// --- 3. Yassir answers in the shopper's language ---

#[tokio::test]
async fn yassir_speaks_to_the_shopper_in_the_shopper_language() {
    // A Yassir whose default is French: only `x-locale` makes it speak English or Arabic.
    let server = start(&[("SANDBOX_STRICT", "french,locale-format")]).await;
    let cases = [
        (Some("en-GB,en;q=0.8"), "Enter the code sent to your phone"),
        (Some("de-DE, ar;q=0.5"), "أدخل الرمز"),
        (Some("fr-FR"), "Saisissez le code"),
        (None, "Saisissez le code"),
    ];
    for (language, expected) in cases {
        let (status, created) = create_in(
            &server,
            language,
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000001"}),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap();
        let (_, submitted) = submit_yassir(&server, id).await;
        assert_eq!(submitted["status"], "requires_action", "{submitted}");
        // The poll checks the intent, whose answer carries Yassir's message for the shopper.
        let (_, polled) = server.get(&format!("/api/v1/payments/{id}")).await;
        let message = polled["end_user_message"].as_str().unwrap_or_default();
        assert!(message.starts_with(expected), "{language:?}: {polled}");
    }
}

// --- 4. Customer registration ---

#[tokio::test]
async fn a_wallet_registered_before_is_found_whatever_words_the_refusal_has() {
    for strict in ["", "customers", "customers,french", "customers,arabic"] {
        let server = start(&[("SANDBOX_STRICT", strict)]).await;
        for attempt in 0..2 {
            let (status, created) = create_in(
                &server,
                None,
                json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000002"}),
            )
            .await;
            assert_eq!(status, 201, "{strict}, attempt {attempt}: {created}");
            let (_, paid) = submit_yassir(&server, created["id"].as_str().unwrap()).await;
            assert_eq!(paid["status"], "succeeded", "{strict}: {paid}");
        }
    }
}

// --- 5. Staging: paths without `/api/v1` ---

#[tokio::test]
async fn staging_paths_without_the_prefix_are_reached_when_configured() {
    for (strict, prefix) in [("", "/api/v1"), ("", "none"), ("no-api-prefix", "none")] {
        let server = start(&[("SANDBOX_STRICT", strict), ("YASSIR_API_PREFIX", prefix)]).await;
        let (status, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
        assert_eq!(status, 200, "{strict} {prefix}: {paid}");
        assert_eq!(paid["status"], "succeeded", "{strict} {prefix}: {paid}");
    }
    // With the prefix, a Yassir that serves none cannot be reached: a clear refusal, no payment.
    let server = start(&[("SANDBOX_STRICT", "no-api-prefix")]).await;
    let (status, body) = create_in(
        &server,
        None,
        json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000002"}),
    )
    .await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"]["code"], "provider_not_found", "{body}");
}

// --- 6. A create retried after a lost answer; amounts compared ---

#[tokio::test]
async fn a_create_retried_after_a_lost_answer_is_paid_whatever_yassir_does_with_the_action_id() {
    for strict in ["", "action-id"] {
        let server = start(&[
            ("SANDBOX_STRICT", strict),
            ("SANDBOX_FAULTS", "yassir.create=reset@after*1"),
        ])
        .await;
        let key = format!("key-{}", unique());
        let body = json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000002"});
        let (status, lost) = server.create(&key, body.clone()).await;
        assert!(status >= 500, "{strict}: the answer was lost: {lost}");
        let (status, created) = server.create(&key, body).await;
        assert!(status == 200 || status == 201, "{strict}: {created}");
        let (_, paid) = submit_yassir(&server, created["id"].as_str().unwrap()).await;
        assert_eq!(paid["status"], "succeeded", "{strict}: {paid}");
    }
}

#[tokio::test]
async fn a_yassir_intent_for_another_amount_fails_the_payment() {
    let server = start(&[("SANDBOX_FAULTS", "yassir.create=wrong_amount*1")]).await;
    let key = format!("key-{}", unique());
    let body = json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000002"});
    let (status, created) = server.create(&key, body.clone()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "failed", "{created}");
    assert_eq!(created["failure"]["code"], "amount_mismatch", "{created}");
    assert!(!created["failure"]["message"]
        .as_str()
        .unwrap()
        .contains("1501"));
    // Nothing can pay it, and its key answers it as it is.
    let id = created["id"].as_str().unwrap();
    let (status, refused) = submit_yassir(&server, id).await;
    assert!(status >= 400, "{refused}");
    let (_, replayed) = server.create(&key, body).await;
    assert_eq!(replayed["status"], "failed", "{replayed}");
}

#[tokio::test]
async fn a_yabetoo_answer_for_another_amount_is_a_failure_never_a_success() {
    // 242066000001 succeeds within the confirm; 242069000001 answers pending, then succeeds.
    for (operation, operator, msisdn) in [
        ("confirm", "airtel", "242066000001"),
        ("retrieve", "mtn", "242069000001"),
    ] {
        let faults = format!("yabetoo.{operation}=wrong_amount");
        let server = start(&[("SANDBOX_FAULTS", faults.as_str())]).await;
        let (status, submitted) = server.momo_payment("demo-cg", "cg", operator, msisdn).await;
        assert_eq!(status, 200, "{submitted}");
        let paid = server
            .poll_until_final(submitted["id"].as_str().unwrap())
            .await;
        assert_eq!(paid["status"], "failed", "{operation}: {paid}");
        assert_eq!(paid["failure"]["code"], "amount_mismatch", "{paid}");
    }
}

#[tokio::test]
async fn a_yassir_check_for_another_amount_is_a_failure_never_a_success() {
    let server = start(&[("SANDBOX_FAULTS", "yassir.check=wrong_amount")]).await;
    let (_, submitted) = server.yassir_payment("demo-dz", "+213555000001").await;
    assert_eq!(submitted["status"], "requires_action", "{submitted}");
    let pay_url = submitted["next_action"]["url"].as_str().unwrap();
    server.answer_otp(pay_url, "123456").await;
    let paid = server
        .poll_until_final(submitted["id"].as_str().unwrap())
        .await;
    assert_eq!(paid["status"], "failed", "{paid}");
    assert_eq!(paid["failure"]["code"], "amount_mismatch", "{paid}");
}

// --- 7. Yabetoo's test numbers with a test key ---

/// A sandbox on a port of its own, standing in for Yabetoo's and Yassir's hosts.
async fn standalone_sandbox() -> String {
    // Credentials of its own: a live server refuses the sandbox's well-known ones.
    let config = SandboxConfig {
        momo_settle_delay: Duration::from_millis(200),
        credentials: checkout_sandbox::Credentials {
            yassir_client_id: "live_client".into(),
            yassir_client_secret: "live_client_secret".into(),
            yabetoo_secret_key: "sk_test_merchant".into(),
        },
        ..SandboxConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let router = checkout_sandbox::router(config);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    origin
}

async fn live_server(sandbox: &str, yabetoo_key: &str) -> TestServer {
    let yassir = format!("{sandbox}{YASSIR_MOUNT}");
    let yabetoo = format!("{sandbox}{YABETOO_MOUNT}");
    let (admin, signing) = (common::fresh_secret(), common::fresh_secret());
    start(&[
        ("PROVIDER_MODE", "live"),
        ("YASSIR_BASE_URL", yassir.as_str()),
        ("YASSIR_CLIENT_ID", "live_client"),
        ("YASSIR_CLIENT_SECRET", "live_client_secret"),
        ("YASSIR_SERVICE", "EXT_SHOP"),
        ("YABETOO_BASE_URL", yabetoo.as_str()),
        ("YABETOO_SECRET_KEY", yabetoo_key),
        ("ADMIN_TOKEN", admin.as_str()),
        ("REDIRECT_ORIGINS", sandbox),
        ("ORDER_SIGNING_SECRET", signing.as_str()),
    ])
    .await
}

#[tokio::test]
async fn yabetoo_test_numbers_are_taken_with_a_test_key_in_live_mode() {
    let sandbox = standalone_sandbox().await;
    let server = live_server(&sandbox, "sk_test_merchant").await;
    let token = order_token(&server, 5_000, "XAF").await;
    let (_, session) = server.get(&format!("/api/v1/checkout?order={token}")).await;
    assert_eq!(session["test_mode"], true, "{session}");
    assert!(
        (session["test_numbers"].as_array().unwrap().iter()).any(|number| number == "46733123451"),
        "{session}"
    );
    let (status, body) = server
        .momo_payment(&token, "cg", "mtn", "46733123451")
        .await;
    assert_eq!(status, 200, "{body}");
    let done = server.poll_until_final(body["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "rejected", "{done}");
    assert_eq!(done["failure"]["code"], "declined", "{done}");

    // A live key: the same number is no number at all, refused before Yabetoo hears of it.
    let live = live_server(&sandbox, "sk_live_merchant").await;
    let token = order_token(&live, 5_000, "XAF").await;
    let (_, session) = live.get(&format!("/api/v1/checkout?order={token}")).await;
    assert_eq!(session["test_mode"], false, "{session}");
    assert!(session.get("test_numbers").is_none(), "{session}");
    let response = live
        .http
        .post(live.url("/api/v1/payments/pay_unknown/submit"))
        .header("Client-Secret", "pay_unknown_secret_any")
        .json(&json!({"type": "mobile_money", "country": "cg", "operator": "mtn", "msisdn": "46733123451"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["field"], "msisdn", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("is a test number, taken only in test mode"),
        "{body}"
    );
}
