//! Money that stays safe when something fails half-way: an order is paid once, tokens expire,
//! merchant operations are idempotent and serialised, and an unclear provider answer never
//! makes a payment final.

mod common;

use common::{start, unique, ADMIN};
use serde_json::{json, Value};

/// Signs an order token through the admin API.
async fn token(server: &common::TestServer, order: Value) -> String {
    let (status, body) = server.admin_post("/api/v1/admin/order-tokens", order).await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_string()
}

fn dinar_order(reference: &str) -> Value {
    json!({
        "reference": reference,
        "description": "Two tickets",
        "amount_minor": 250000,
        "currency": "DZD"
    })
}

async fn create_yassir(server: &common::TestServer, order: &str, phone: &str) -> (u16, Value) {
    server
        .create(
            &format!("k-{}", unique()),
            json!({"order": order, "method": "yassir_cash", "phone": phone}),
        )
        .await
}

async fn submit_yassir(server: &common::TestServer, id: &str) -> (u16, Value) {
    server
        .post(
            &format!("/api/v1/payments/{id}/submit"),
            json!({"type": "yassir_cash"}),
        )
        .await
}

#[tokio::test]
async fn a_token_order_is_paid_once_and_another_browser_cannot_reach_the_attempt_in_flight() {
    let server = start(&[]).await;
    let reference = format!("INV-{}", unique());
    let token = token(&server, dinar_order(&reference)).await;

    // What a page loading the checkout is told of the order, and nothing of its payment.
    let checkout = |token: &str| {
        let path = format!("/api/v1/checkout?order={token}");
        let server = &server;
        async move {
            let (status, session) = server.get(&path).await;
            assert_eq!(status, 200, "{session}");
            session
        }
    };
    assert_eq!(checkout(&token).await["order_state"], "open");

    // The widget sends the token it was given, not the order's reference.
    let (status, first) = create_yassir(&server, &token, "+213555000001").await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["order"], reference.as_str());
    let id = first["id"].as_str().unwrap();
    let (status, submitted) = submit_yassir(&server, id).await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["status"], "requires_action", "{submitted}");
    let loaded = checkout(&token).await;
    assert_eq!(loaded["order_state"], "in_flight", "{loaded}");
    let text = loaded.to_string();
    assert!(
        !text.contains(id) && !text.contains("555000001"),
        "{loaded}"
    );

    // Another key (another browser: the same browser resumes from its storage): no second
    // payment, and nothing of the first, neither its id nor its secret.
    let (status, second) = create_yassir(&server, &token, "+213555000001").await;
    assert_eq!(status, 409, "{second}");
    assert_eq!(second["error"]["code"], "order_in_progress", "{second}");
    assert!(!second.to_string().contains(id), "{second}");
    assert_eq!(server.payment_count().await, 1);

    // Paid: a new create for the order is refused with a code the widget explains.
    let pay_url = submitted["next_action"]["url"].as_str().unwrap();
    server.answer_otp(pay_url, "123456").await;
    let done = server.poll_until_final(id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let loaded = checkout(&token).await;
    assert_eq!(loaded["order_state"], "paid", "{loaded}");
    assert!(!loaded.to_string().contains(id), "{loaded}");
    let (status, refused) = create_yassir(&server, &token, "+213555000002").await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "order_already_paid");
    // Whoever holds the order is not handed the id of the payment that paid it.
    assert!(
        !refused["error"]["message"].as_str().unwrap().contains(id),
        "{refused}"
    );
    assert_eq!(
        server.payment_count().await,
        1,
        "a refused create stores nothing"
    );
}

#[tokio::test]
async fn two_payments_of_one_order_cannot_both_be_submitted() {
    let server = start(&[]).await;
    let token = token(&server, dinar_order(&format!("INV-{}", unique()))).await;
    // Both created before either is submitted (two tabs pressing Pay at once).
    let (_, first) = create_yassir(&server, &token, "+213555000002").await;
    let (_, second) = create_yassir(&server, &token, "+213555000002").await;
    assert_ne!(first["id"], second["id"]);
    let (status, paid) = submit_yassir(&server, first["id"].as_str().unwrap()).await;
    assert_eq!((status, paid["status"].as_str()), (200, Some("succeeded")));
    let (status, refused) = submit_yassir(&server, second["id"].as_str().unwrap()).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "order_already_paid");
}

#[tokio::test]
async fn a_declined_attempt_leaves_the_order_payable() {
    let server = start(&[]).await;
    let token = token(&server, dinar_order(&format!("INV-{}", unique()))).await;
    let (_, first) = create_yassir(&server, &token, "+213555000003").await;
    let (_, declined) = submit_yassir(&server, first["id"].as_str().unwrap()).await;
    assert_eq!(declined["status"], "rejected", "{declined}");
    let (status, again) = create_yassir(&server, &token, "+213555000002").await;
    assert_eq!(status, 201, "{again}");
    let (_, paid) = submit_yassir(&server, again["id"].as_str().unwrap()).await;
    assert_eq!(paid["status"], "succeeded", "{paid}");
}

#[tokio::test]
async fn each_checkout_of_a_demo_product_is_an_order_of_its_own() {
    let server = start(&[]).await;
    let (_, first) = server.yassir_payment("demo-dz", "+213555000002").await;
    let (_, second) = server.yassir_payment("demo-dz", "+213555000002").await;
    assert_eq!(first["status"], "succeeded");
    assert_eq!(second["status"], "succeeded");
    assert_ne!(first["order"], second["order"]);
    assert!(first["order"].as_str().unwrap().starts_with("demo-dz-"));
}

#[tokio::test]
async fn tokens_expire_by_default_and_expiry_is_checked_at_submit_too() {
    let server = start(&[]).await;
    let (status, minted) = server
        .admin_post("/api/v1/admin/order-tokens", dinar_order("INV-default"))
        .await;
    assert_eq!(status, 201, "{minted}");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let expires_at = minted["order"]["expires_at"]
        .as_i64()
        .expect("a default expiry");
    assert!(
        expires_at > now && expires_at <= now + 86_400 + 5,
        "{minted}"
    );

    let mut short = dinar_order(&format!("INV-{}", unique()));
    short["expires_in_seconds"] = json!(1);
    let token = token(&server, short).await;
    let (status, created) = create_yassir(&server, &token, "+213555000002").await;
    assert_eq!(status, 201, "{created}");
    server.advance(std::time::Duration::from_millis(2100));
    let (status, refused) = submit_yassir(&server, created["id"].as_str().unwrap()).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "order_expired");
    let (_, kept) = server
        .get(&format!(
            "/api/v1/payments/{}",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(kept["status"], "expired", "{kept}");
}

#[tokio::test]
async fn a_yassir_intent_past_its_expiry_is_expired_without_a_submit() {
    let server = start(&[]).await;
    // This phone's intent expires 10 s after creation, with the OTP page never answered.
    let (_, payment) = server.yassir_payment("demo-dz", "+213555000007").await;
    assert_eq!(payment["status"], "requires_action", "{payment}");
    let id = payment["id"].as_str().unwrap().to_string();
    let expires_at =
        checkout_server::clock::parse_rfc3339(payment["expires_at"].as_str().unwrap()).unwrap();
    // The sandbox keeps that deadline on real time: the test waits past it, and the server's
    // clock passes it too.
    let left = std::time::Duration::try_from(expires_at - time::OffsetDateTime::now_utc())
        .unwrap_or_default();
    server
        .pause(left + std::time::Duration::from_millis(50))
        .await;
    let (_, status) = server.get(&format!("/api/v1/payments/{id}")).await;
    assert_eq!(status["status"], "expired", "{status}");
    assert_eq!(status["failure"]["code"], "expired", "{status}");
}

async fn refund(server: &common::TestServer, id: &str, key: &str, amount: i64) -> (u16, Value) {
    let response = server
        .http
        .post(server.url(&format!("/api/v1/admin/payments/{id}/refund")))
        .bearer_auth(ADMIN)
        .header("Idempotency-Key", key)
        .json(&json!({"amount_minor": amount, "description": "returned"}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn concurrent_refunds_never_refund_more_than_was_paid() {
    let server = start(&[]).await;
    let (_, payment) = server.yassir_payment("demo-dz", "+213555000002").await;
    let id = payment["id"].as_str().unwrap().to_string();
    // Two refunds of 1000 DZD each against 1500 DZD paid, at the same moment.
    let (a, b) = tokio::join!(
        refund(&server, &id, "refund-a", 100_000),
        refund(&server, &id, "refund-b", 100_000)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 422], "{} / {}", a.1, b.1);
    let (_, record) = server
        .admin_get(&format!("/api/v1/admin/payments/{id}"))
        .await;
    assert_eq!(record["refunded_minor"], 100_000, "{record}");
    assert_eq!(record["status"], "partially_refunded");
}

#[tokio::test]
async fn a_refund_repeated_with_its_key_is_made_once() {
    let server = start(&[]).await;
    let (_, payment) = server.yassir_payment("demo-dz", "+213555000002").await;
    let id = payment["id"].as_str().unwrap().to_string();
    let (status, first) = refund(&server, &id, "refund-once", 50_000).await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = refund(&server, &id, "refund-once", 50_000).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["refunded_minor"], 50_000, "{again}");
    assert_eq!(again["operations"].as_array().unwrap().len(), 1, "{again}");
    assert_eq!(again["operations"][0]["state"], "succeeded");

    // The same key for another amount is a mistake, said as such.
    let (status, reused) = refund(&server, &id, "refund-once", 10_000).await;
    assert_eq!(status, 422, "{reused}");
    assert_eq!(reused["error"]["code"], "idempotency_key_reused");
}

#[tokio::test]
async fn an_undecidable_refund_waits_for_the_merchant_who_settles_it() {
    let server = start(&[]).await;
    let (_, payment) = server.yassir_payment("demo-dz", "+213555000002").await;
    let id = payment["id"].as_str().unwrap().to_string();
    let (status, _) = refund(&server, &id, "first", 20_000).await;
    assert_eq!(status, 200);
    // Operations are listed oldest first: the next comes a moment after this one.
    server.advance(std::time::Duration::from_millis(1));
    // A second partial refund whose answer is lost after Yassir made it: the status stays 16
    // either way, so the server cannot tell.
    let (status, body) = server
        .post(
            "/sandbox/faults",
            json!({"provider": "yassir", "operation": "refund", "fault": "reset", "phase": "after", "count": 1}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, pending) = refund(&server, &id, "second", 30_000).await;
    assert_eq!(status, 202, "{pending}");
    let (status, again) = refund(&server, &id, "second", 30_000).await;
    assert_eq!(status, 202, "still undecidable: {again}");
    let (status, blocked) = refund(&server, &id, "third", 10_000).await;
    assert_eq!(status, 409, "{blocked}");
    assert_eq!(blocked["error"]["code"], "operation_pending");

    // The merchant saw it in Yassir's dashboard.
    let operation = again["operations"][1]["id"].as_str().unwrap().to_string();
    let (status, settled) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/operations/{operation}/settle"),
            json!({"outcome": "succeeded", "note": "seen in the dashboard"}),
        )
        .await;
    assert_eq!(status, 200, "{settled}");
    assert_eq!(settled["refunded_minor"], 50_000, "{settled}");
    assert_eq!(settled["operations"][1]["state"], "succeeded");
    let (status, twice) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/operations/{operation}/settle"),
            json!({"outcome": "refused"}),
        )
        .await;
    assert_eq!(status, 409, "{twice}");
    assert_eq!(twice["error"]["code"], "operation_not_pending");
    let (status, _) = refund(&server, &id, "third", 10_000).await;
    assert_eq!(status, 200, "no longer blocked");
}
