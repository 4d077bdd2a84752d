//! The contract over real HTTP, in sandbox mode: the widget's endpoints end to end.

mod common;

use common::{start, start_on, unique};
use serde_json::{json, Value};

#[tokio::test]
async fn checkout_lists_the_methods_for_the_order_currency() {
    let server = start(&[]).await;
    let (status, body) = server.get("/api/v1/checkout?order=demo-dz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["order"]["amount_minor"], 150000);
    assert_eq!(body["order"]["currency"], "DZD");
    assert_eq!(body["methods"].as_array().unwrap().len(), 1);
    assert_eq!(body["methods"][0]["type"], "yassir_cash");
    assert_eq!(body["test_mode"], true);
    assert_eq!(body["redirect_origins"][0], server.base);
    // Paid with Yassir Cash: mobile money's test numbers are none of this checkout's business.
    assert!(body.get("test_numbers").is_none(), "{body}");

    let (_, body) = server.get("/api/v1/checkout?order=demo-cg").await;
    assert_eq!(body["methods"][0]["type"], "mobile_money");
    assert_eq!(body["methods"][0]["countries"][0]["code"], "cg");
}

#[tokio::test]
async fn a_test_mode_mobile_money_checkout_lists_the_test_numbers_it_takes() {
    let server = start(&[]).await;
    let (status, body) = server.get("/api/v1/checkout?order=demo-cg").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["test_mode"], true);
    let numbers: Vec<&str> = body["test_numbers"]
        .as_array()
        .unwrap_or_else(|| panic!("no test_numbers: {body}"))
        .iter()
        .map(|number| number.as_str().unwrap())
        .collect();
    // The README's tables: Yabetoo's documented numbers and the sandbox's own.
    for number in ["46733123451", "46733123454", "242066000001", "242069000500"] {
        assert!(
            numbers.contains(&number),
            "{number} missing from {numbers:?}"
        );
    }
    assert!(numbers
        .iter()
        .all(|number| number.bytes().all(|byte| byte.is_ascii_digit())));
}

#[tokio::test]
async fn unknown_and_missing_orders_are_named() {
    let server = start(&[]).await;
    let (status, body) = server.get("/api/v1/checkout?order=nope").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, body) = server.get("/api/v1/checkout").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["field"], "order");
}

#[tokio::test]
async fn same_idempotency_key_never_creates_a_second_payment() {
    let server = start(&[]).await;
    let body = json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000001"});
    let (first_status, first) = server.create("attempt-1", body.clone()).await;
    let (second_status, second) = server.create("attempt-1", body).await;
    assert_eq!(first_status, 201, "{first}");
    assert_eq!(second_status, 200, "{second}");
    assert_eq!(first["id"], second["id"]);
    assert_eq!(server.payment_count().await, 1);

    let (status, error) = server
        .create(
            "attempt-1",
            json!({"order": "demo-ma", "method": "yassir_cash", "phone": "+212600000001"}),
        )
        .await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["error"]["code"], "idempotency_key_reused");
    assert_eq!(server.payment_count().await, 1);
}

#[tokio::test]
async fn concurrent_creates_with_one_key_make_one_payment() {
    let server = start(&[]).await;
    let body = json!({"order": "demo-cg", "method": "mobile_money"});
    let (a, b) = tokio::join!(
        server.create("double-click", body.clone()),
        server.create("double-click", body)
    );
    assert_eq!(a.1["id"], b.1["id"], "{} {}", a.1, b.1);
    assert_eq!(server.payment_count().await, 1);
}

#[tokio::test]
async fn bad_create_requests_name_the_field_and_store_nothing() {
    let server = start(&[]).await;
    let cases = [
        (
            Some("k1"),
            json!({"order": "demo-dz", "method": "yassir_cash"}),
            400,
            "phone",
        ),
        (
            Some("k2"),
            // A Moroccan wallet for an Algerian order: well-formed, not offered for it.
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+212600000001"}),
            422,
            "phone",
        ),
        (
            Some("k3"),
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": "0555"}),
            400,
            "phone",
        ),
        (
            Some("k4"),
            json!({"order": "demo-dz", "method": "mobile_money"}),
            422,
            "method",
        ),
        (
            Some("k5"),
            json!({"order": "demo-dz", "method": "cash"}),
            400,
            "",
        ),
        (Some("k6"), json!({"method": "yassir_cash"}), 400, "order"),
        (
            None,
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000001"}),
            400,
            "Idempotency-Key",
        ),
    ];
    for (key, body, expected, field) in cases {
        let mut request = server.http.post(server.url("/api/v1/payments")).json(&body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(status, expected, "{body} -> {error}");
        assert!(!error["error"]["message"].as_str().unwrap().is_empty());
        if !field.is_empty() {
            assert_eq!(error["error"]["field"], field, "{body} -> {error}");
        }
    }
    let (status, error) = server
        .create(
            "k7",
            json!({"order": "nope", "method": "yassir_cash", "phone": "+213555000001"}),
        )
        .await;
    assert_eq!(status, 404, "{error}");
    let response = server
        .http
        .post(server.url("/api/v1/payments"))
        .header("Idempotency-Key", "k8")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(server.payment_count().await, 0);
}

#[tokio::test]
async fn yassir_cash_with_otp_succeeds_only_after_the_check() {
    let server = start(&[]).await;
    let (status, payment) = server.yassir_payment("demo-dz", "+213555000001").await;
    assert_eq!(status, 200, "{payment}");
    assert_eq!(payment["status"], "requires_action");
    let pay_url = payment["next_action"]["url"].as_str().unwrap().to_string();
    assert!(
        pay_url.starts_with(&format!("{}/sandbox/yassir/", server.base)),
        "{pay_url}"
    );
    // The widget needs no provider secret: none reaches the browser, Yassir's included.
    assert!(payment.get("client_secret").is_none(), "{payment}");

    let response = server.answer_otp(&pay_url, "123456").await;
    assert_eq!(response.status().as_u16(), 303);

    let id = payment["id"].as_str().unwrap();
    let done = server.poll_until_final(id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert!(done.get("next_action").is_none());
}

#[tokio::test]
async fn yassir_wrong_codes_then_rejection() {
    let server = start(&[]).await;
    let (_, payment) = server.yassir_payment("demo-dz", "+213555000001").await;
    let pay_url = payment["next_action"]["url"].as_str().unwrap().to_string();
    for _ in 0..3 {
        server.answer_otp(&pay_url, "000000").await;
    }
    let done = server
        .poll_until_final(payment["id"].as_str().unwrap())
        .await;
    assert_eq!(done["status"], "rejected", "{done}");
}

#[tokio::test]
async fn yassir_immediate_outcomes_follow_the_test_phones() {
    let server = start(&[]).await;
    let (_, success) = server.yassir_payment("demo-dz", "+213555000002").await;
    assert_eq!(success["status"], "succeeded", "{success}");
    let (_, rejected) = server.yassir_payment("demo-dz", "+213555000003").await;
    assert_eq!(rejected["status"], "rejected", "{rejected}");
    assert_eq!(rejected["failure"]["code"], "rejected");
    let (_, poor) = server.yassir_payment("demo-ma", "+212600000004").await;
    assert_eq!(poor["status"], "rejected", "{poor}");
    assert_eq!(poor["failure"]["code"], "rejected", "{poor}");
    assert_eq!(
        poor["end_user_message"], "Insufficient balance in your Yassir Cash wallet",
        "{poor}"
    );
}

#[tokio::test]
async fn a_provider_error_after_submit_is_an_unknown_outcome_until_the_provider_says() {
    let server = start(&[("UNKNOWN_OUTCOME_GRACE_MS", "300")]).await;
    let key = format!("k-{}", unique());
    let (_, created) = server
        .create(
            &key,
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000005"}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let (status, submitted) = server
        .post(
            &format!("/api/v1/payments/{id}/submit"),
            json!({"type": "yassir_cash"}),
        )
        .await;
    // Not a failure: the proceed may have been taken, so the payment stays in flight.
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["status"], "processing", "{submitted}");
    assert!(submitted.get("failure").is_none(), "{submitted}");
    // The provider still shows the intent untouched after the grace: it never arrived.
    let done = server.poll_until_final(id).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["failure"]["code"], "not_submitted", "{done}");
    let (_, record) = server
        .admin_get(&format!("/api/v1/admin/payments/{id}"))
        .await;
    let history = record["history"].to_string();
    assert!(history.contains("outcome unknown"), "{history}");
}

/// Submits a Yassir Cash payment with the OTP phone while the sandbox spoils proceed's answer
/// (after doing the work), and follows it until the shopper can reach the OTP page.
async fn lost_proceed_answer(fault: &str) {
    let server = start(&[("PROVIDER_TIMEOUT_MS", "500"), ("SANDBOX_FAULTS", fault)]).await;
    let key = format!("k-{}", unique());
    let (_, created) = server
        .create(
            &key,
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000001"}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let started = std::time::Instant::now();
    let (status, submitted) = server
        .post(
            &format!("/api/v1/payments/{id}/submit"),
            json!({"type": "yassir_cash"}),
        )
        .await;
    assert_eq!(status, 200, "{fault}: {submitted}");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert!(submitted.get("failure").is_none(), "{fault}: {submitted}");
    // The proceed landed (statusCode 12), and a Check carries no payUrl: the server asks for
    // the OTP page again so the shopper can reach it.
    let mut payment = submitted;
    for _ in 0..50 {
        if payment["status"] == "requires_action" {
            break;
        }
        server.pause(std::time::Duration::from_millis(100)).await;
        payment = server.get(&format!("/api/v1/payments/{id}")).await.1;
    }
    assert_eq!(payment["status"], "requires_action", "{fault}: {payment}");
    let pay_url = payment["next_action"]["url"].as_str().unwrap();
    server.answer_otp(pay_url, "123456").await;
    let done = server.poll_until_final(id).await;
    assert_eq!(done["status"], "succeeded", "{fault}: {done}");
}

#[tokio::test]
async fn a_proceed_whose_answer_is_lost_still_reaches_the_otp_page() {
    for fault in [
        "yassir.proceed=reset@after*1",
        "yassir.proceed=timeout@after*1",
        "yassir.proceed=http_error:502@after*1",
        "yassir.proceed=malformed_json*1",
        "yassir.proceed=truncated_json*1",
        "yassir.proceed=unknown_status*1",
    ] {
        lost_proceed_answer(fault).await;
    }
}

#[tokio::test]
async fn submitting_twice_is_refused() {
    let server = start(&[]).await;
    let key = format!("k-{}", unique());
    let (_, created) = server
        .create(
            &key,
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000001"}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let submit = format!("/api/v1/payments/{id}/submit");
    let (first, _) = server.post(&submit, json!({"type": "yassir_cash"})).await;
    let (second, error) = server.post(&submit, json!({"type": "yassir_cash"})).await;
    assert_eq!(first, 200);
    assert_eq!(second, 409, "{error}");
    assert_eq!(error["error"]["code"], "payment_already_submitted");
}

#[tokio::test]
async fn mobile_money_returns_at_once_then_settles() {
    let server = start(&[]).await;
    let (status, payment) = server
        .momo_payment("demo-cg", "cg", "airtel", "+242066000001")
        .await;
    assert_eq!(status, 200, "{payment}");
    assert_eq!(payment["status"], "awaiting_approval");
    assert_eq!(payment["next_action"]["type"], "approve_on_phone");
    // Anyone holding the payment id may read it: the phone is masked.
    assert_eq!(payment["phone"], "+242 ••• 0001");
    assert_eq!(payment["next_action"]["phone"], "+242 ••• 0001");
    assert!(
        payment.get("client_secret").is_none(),
        "Yabetoo's client secret must stay on the server"
    );
    let done = server
        .poll_until_final(payment["id"].as_str().unwrap())
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");
}

#[tokio::test]
async fn mobile_money_approved_by_hand_on_the_phone_page() {
    let server = start(&[]).await;
    let (_, payment) = server
        .momo_payment("demo-cg", "cg", "mtn", "242066594470")
        .await;
    let id = payment["id"].as_str().unwrap();
    let mut approved = false;
    for _ in 0..50 {
        let (_, prompts) = server.get("/sandbox/yabetoo/phone/prompts").await;
        if let Some(prompt) = prompts.as_array().and_then(|list| {
            list.iter()
                .find(|p| p["msisdn"].as_str().unwrap_or("").contains("242066594470"))
        }) {
            let intent = prompt["intentId"].as_str().unwrap();
            let response = server
                .http
                .post(server.url(&format!("/sandbox/yabetoo/phone/prompts/{intent}/approve")))
                .header("Accept", "application/json")
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            approved = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(approved, "the prompt never reached the phone page");
    let done = server.poll_until_final(id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
}

#[tokio::test]
async fn mobile_money_failures_carry_the_contracts_stable_codes() {
    let server = start(&[]).await;
    let (_, rejected) = server
        .momo_payment("demo-cg", "cg", "mtn", "46733123451")
        .await;
    let done = server
        .poll_until_final(rejected["id"].as_str().unwrap())
        .await;
    assert_eq!(done["status"], "rejected", "{done}");
    assert_eq!(done["failure"]["code"], "declined");

    let (_, timeout) = server
        .momo_payment("demo-cg", "cg", "mtn", "46733123453")
        .await;
    let done = server
        .poll_until_final(timeout["id"].as_str().unwrap())
        .await;
    assert_eq!(done["status"], "expired", "{done}");
}

#[tokio::test]
async fn bad_mobile_money_details_name_the_field() {
    let server = start(&[]).await;
    let (_, created) = server
        .create(
            "momo-bad",
            json!({"order": "demo-cg", "method": "mobile_money"}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let submit = format!("/api/v1/payments/{id}/submit");
    let cases = [
        (
            json!({"type": "mobile_money", "country": "cg", "operator": "mtn", "msisdn": "066594470"}),
            "msisdn",
        ),
        (
            json!({"type": "mobile_money", "country": "sn", "operator": "mtn", "msisdn": "242066594470"}),
            "country",
        ),
        (
            json!({"type": "mobile_money", "country": "cm", "operator": "airtel", "msisdn": "237670000001"}),
            "operator",
        ),
        (
            json!({"type": "mobile_money", "country": "cg", "operator": "orange", "msisdn": "242066594470"}),
            "",
        ),
        (
            json!({"type": "mobile_money", "country": "cg", "operator": "mtn", "msisdn": "242066594470", "receipt_email": "nope"}),
            "receipt_email",
        ),
        (json!({"type": "yassir_cash"}), "type"),
    ];
    for (body, field) in cases {
        let (status, error) = server.post(&submit, body.clone()).await;
        assert!(status == 400 || status == 422, "{body} -> {status} {error}");
        if !field.is_empty() {
            assert_eq!(error["error"]["field"], field, "{body} -> {error}");
        }
    }
    let (_, still) = server.get(&format!("/api/v1/payments/{id}")).await;
    assert_eq!(
        still["status"], "created",
        "bad details must not start the payment"
    );
}

#[tokio::test]
async fn unknown_payments_are_404() {
    let server = start(&[]).await;
    for path in [
        "/api/v1/payments/pay_nope",
        "/api/v1/payments/pay_nope/submit",
    ] {
        let request = match path.ends_with("submit") {
            true => server
                .http
                .post(server.url(path))
                .json(&json!({"type": "yassir_cash"})),
            false => server.http.get(server.url(path)),
        };
        let response = request
            .header("Client-Secret", "pay_nope_secret_guessed")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    let (status, _) = server.get("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_restart_keeps_every_payment() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("restart.sqlite3");
    let (ids, secrets): (Vec<String>, Vec<String>) = {
        let server = start_on(&database, &[]).await;
        let (_, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
        let (_, waiting) = server.yassir_payment("demo-dz", "+213555000001").await;
        let (_, created) = server
            .create(
                "restart-key",
                json!({"order": "demo-cg", "method": "mobile_money"}),
            )
            .await;
        let ids: Vec<String> = [paid, waiting, created]
            .iter()
            .map(|payment| payment["id"].as_str().unwrap().into())
            .collect();
        let secrets = ids.iter().map(|id| server.secret_of(id).unwrap()).collect();
        (ids, secrets)
    };
    let server = start_on(&database, &[]).await;
    for (id, secret) in ids.iter().zip(&secrets) {
        server.remember(id, secret);
    }
    assert_eq!(server.payment_count().await, 3);
    let (_, paid) = server.get(&format!("/api/v1/payments/{}", ids[0])).await;
    assert_eq!(paid["status"], "succeeded");
    let (_, replay) = server
        .create(
            "restart-key",
            json!({"order": "demo-cg", "method": "mobile_money"}),
        )
        .await;
    assert_eq!(
        replay["id"],
        ids[2].as_str(),
        "the idempotency key survives a restart"
    );
    assert_eq!(replay["client_secret"], secrets[2].as_str(), "{replay}");
    let (_, record) = server
        .admin_get(&format!("/api/v1/admin/payments/{}", ids[0]))
        .await;
    assert!(record["history"].as_array().unwrap().len() >= 3, "{record}");
}

#[tokio::test]
async fn a_signed_order_token_sets_the_amount() {
    let server = start(&[]).await;
    let (status, minted) = server
        .admin_post(
            "/api/v1/admin/order-tokens",
            json!({"reference": "INV-2042", "description": "Two concert tickets", "amount_minor": 420000, "currency": "DZD", "expires_in_seconds": 600}),
        )
        .await;
    assert_eq!(status, 201, "{minted}");
    let token = minted["token"].as_str().unwrap();

    let (status, checkout) = server.get(&format!("/api/v1/checkout?order={token}")).await;
    assert_eq!(status, 200, "{checkout}");
    assert_eq!(checkout["order"]["amount_minor"], 420000);
    assert_eq!(checkout["order"]["reference"], "INV-2042");

    let (status, payment) = server
        .create(
            "token-1",
            json!({"order": token, "method": "yassir_cash", "phone": "+213555000002"}),
        )
        .await;
    assert_eq!(status, 201, "{payment}");
    assert_eq!(payment["amount_minor"], 420000);
    assert_eq!(payment["order"], "INV-2042");

    let mut forged = token.to_string();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    let (status, error) = server
        .get(&format!("/api/v1/checkout?order={forged}"))
        .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["field"], "order");
}

#[tokio::test]
async fn the_sandbox_answers_pages_on_other_origins() {
    let server = start(&[]).await;
    let response = server
        .http
        .request(reqwest::Method::OPTIONS, server.url("/api/v1/payments"))
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert_eq!(response.headers()["access-control-allow-origin"], "*");

    let live_like = start(&[("CORS_ORIGINS", "https://shop.example")]).await;
    let response = live_like
        .http
        .get(live_like.url("/api/v1/checkout?order=demo-dz"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}
