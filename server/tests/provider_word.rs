//! The provider's word decides, even when it comes late: two answers that disagree are no
//! answer, a close on the server's own clock is provisional and a late success overrides it,
//! an order paid twice is given back or put before the merchant, and a payment no answer can
//! decide waits for the merchant instead of staying in flight forever.

mod common;

use std::time::Duration;

use common::{start, unique, TestServer};
use serde_json::{json, Value};

/// An order token for `amount_minor` of `currency`, so that the paid-once rule applies.
async fn token(server: &TestServer, amount_minor: i64, currency: &str) -> String {
    let order = json!({
        "reference": format!("INV-{}", unique()),
        "description": "One basket",
        "amount_minor": amount_minor,
        "currency": currency,
    });
    let (status, body) = server.admin_post("/api/v1/admin/order-tokens", order).await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_string()
}

async fn create(server: &TestServer, order: &str, body: Value) -> (u16, Value) {
    let mut body = body;
    body["order"] = json!(order);
    server.create(&format!("k-{}", unique()), body).await
}

fn wallet(phone: &str) -> Value {
    json!({"method": "yassir_cash", "phone": phone})
}

fn momo() -> Value {
    json!({"method": "mobile_money"})
}

/// An Airtel number of the sandbox that settles successfully by itself.
const SETTLES: &str = "242066000001";

async fn submit(server: &TestServer, id: &str, details: Value) -> (u16, Value) {
    server
        .post(&format!("/api/v1/payments/{id}/submit"), details)
        .await
}

fn yassir() -> Value {
    json!({"type": "yassir_cash"})
}

fn mobile_money(msisdn: &str) -> Value {
    json!({"type": "mobile_money", "country": "cg", "operator": "airtel", "msisdn": msisdn})
}

async fn record(server: &TestServer, id: &str) -> Value {
    let (status, body) = server
        .admin_get(&format!("/api/v1/admin/payments/{id}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Reads the merchant's record until `done` holds, for up to `seconds` of real time. Between
/// two reads the server's clock moves past reconcile's longest wait and a round of reconcile
/// runs, and the sandbox, on real time, gets a moment.
async fn wait_for(
    server: &TestServer,
    id: &str,
    seconds: u64,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        let record = record(server, id).await;
        if done(&record) {
            return record;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "payment {id} never got there: {record}"
        );
        server.advance(RECONCILE_MAX_INTERVAL);
        server.reconcile().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn event_types(server: &TestServer, id: &str) -> Vec<String> {
    let (status, body) = server
        .admin_get(&format!("/api/v1/admin/webhooks/events?payment_id={id}"))
        .await;
    assert_eq!(status, 200, "{body}");
    let mut types: Vec<String> = body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["type"].as_str().unwrap().to_string())
        .collect();
    types.reverse();
    types
}

fn history_says(record: &Value, words: &str) -> bool {
    record["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|change| change["detail"].as_str().unwrap_or("").contains(words))
}

#[tokio::test]
async fn a_success_whose_check_names_another_amount_fails_and_holds_its_order() {
    let server = start(&[]).await;
    let order = token(&server, 150_000, "DZD").await;
    let (_, created) = create(&server, &order, wallet("+213555000002")).await;
    let id = created["id"].as_str().unwrap().to_string();
    // The proceed answers 2; the checks that complete it name another amount (every check: a
    // webhook of the proceed's outcome may prompt one at the same moment).
    server
        .add_fault(json!({"provider": "yassir", "operation": "check", "fault": "wrong_amount", "phase": "after"}),
    )
    .await;
    let (status, submitted) = submit(&server, &id, yassir()).await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["status"], "failed", "{submitted}");
    assert_eq!(submitted["failure"]["code"], "amount_mismatch");
    server.clear_faults().await;
    let held = record(&server, &id).await;
    assert_eq!(held["attention"]["code"], "amount_mismatch", "{held}");
    assert!(event_types(&server, &id)
        .await
        .contains(&"payment.attention_required".to_string()));

    // The shopper may have paid: nobody pays the order again until the merchant has looked.
    let (status, refused) = create(&server, &order, wallet("+213555000001")).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "order_on_hold");

    // The merchant finds no money taken in Yassir's dashboard and says so: the order is free.
    let (status, resolved) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/resolve"),
            json!({"outcome": "failed", "note": "nothing in the dashboard"}),
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["decided_by"], "merchant");
    assert!(resolved.get("attention").is_none(), "{resolved}");
    assert!(history_says(&resolved, "nothing in the dashboard"));
    let (status, again) = create(&server, &order, wallet("+213555000001")).await;
    assert_eq!(status, 201, "{again}");

    // A payment that does not wait for the merchant is not the merchant's to decide.
    let other = again["id"].as_str().unwrap();
    let (status, refused) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{other}/resolve"),
            json!({"outcome": "succeeded"}),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "no_attention_needed");
}

#[tokio::test]
async fn a_proceed_and_a_check_that_disagree_keep_the_payment_in_flight_until_they_agree() {
    let server = start(&[]).await;
    let (_, created) = create(&server, "demo-dz", wallet("+213555000002")).await;
    let id = created["id"].as_str().unwrap().to_string();
    // The proceed answers 2, the checks 0 (until the fault is removed): no definite answer.
    server
        .add_fault(json!({"provider": "yassir", "operation": "check", "fault": "earlier_status", "phase": "after"}))
        .await;
    let (status, submitted) = submit(&server, &id, yassir()).await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["status"], "processing", "{submitted}");
    let pending = record(&server, &id).await;
    assert!(history_says(&pending, "but the check"), "{pending}");
    assert_eq!(pending["status"], "processing", "{pending}");
    // Once the checks agree with the proceed, it succeeds.
    server.clear_faults().await;
    let done = server.poll_until_final(&id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
}

/// The longest wait of reconcile's backoff on an [`impatient_server`].
const RECONCILE_MAX_INTERVAL: Duration = Duration::from_millis(300);

/// A server that closes a payment whose request never seemed to arrive quickly, and whose
/// reconcile follows every payment up quickly: its rounds run when [`wait_for`] runs them.
async fn impatient_server(extra: &[(&str, &str)]) -> TestServer {
    let mut vars = vec![
        ("PROVIDER_TIMEOUT_MS", "700"),
        ("YABETOO_CONFIRM_TIMEOUT_MS", "700"),
        ("UNKNOWN_OUTCOME_GRACE_MS", "300"),
        ("RECONCILE_MAX_INTERVAL_MS", "300"),
    ];
    vars.extend_from_slice(extra);
    start(&vars).await
}

/// Submits with a `late` fault (the provider acts `delay_ms` after answering 503), and follows
/// the payment until the server closes it on its own clock.
async fn closed_by_the_server(server: &TestServer, id: &str, provider: &str, details: Value) {
    let operation = if provider == "yassir" {
        "proceed"
    } else {
        "confirm"
    };
    server
        .add_fault(json!({"provider": provider, "operation": operation, "fault": "late", "phase": "before", "count": 1, "delay_ms": 1500}),
    )
    .await;
    let (status, submitted) = submit(server, id, details).await;
    assert_eq!(status, 200, "{submitted}");
    let closed = server.poll_until_final(id).await;
    assert_eq!(closed["status"], "failed", "{closed}");
    assert_eq!(closed["failure"]["code"], "not_submitted", "{closed}");
    let record = record(server, id).await;
    assert_eq!(record["decided_by"], "server", "{record}");
}

#[tokio::test]
async fn a_late_yassir_success_after_the_servers_close_is_caught() {
    let server = impatient_server(&[]).await;
    let (_, created) = create(&server, "demo-dz", wallet("+213555000001")).await;
    let id = created["id"].as_str().unwrap().to_string();
    closed_by_the_server(&server, &id, "yassir", yassir()).await;
    let events = event_types(&server, &id).await;
    assert_eq!(events, ["payment.failed"], "{events:?}");

    // The request reached Yassir after all, and the shopper approved the OTP.
    // The sandbox acts on the late request 1.5 s after it answered, on real time.
    server.pause(Duration::from_millis(1800)).await;
    let intent = record(&server, &id).await["provider_intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = server
        .post(&format!("/sandbox/intents/{intent}/succeed"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");

    let late = wait_for(&server, &id, 20, |record| record["status"] == "succeeded").await;
    assert_eq!(late["decided_by"], "provider", "{late}");
    assert!(history_says(&late, "late"), "{late}");
    let events = event_types(&server, &id).await;
    assert_eq!(
        events,
        ["payment.failed", "payment.succeeded"],
        "{events:?}"
    );
    let shopper = server.get(&format!("/api/v1/payments/{id}")).await.1;
    assert_eq!(shopper["status"], "succeeded", "{shopper}");
}

#[tokio::test]
async fn a_late_success_on_an_order_paid_meanwhile_is_refunded_at_yassir() {
    let server = impatient_server(&[]).await;
    let order = token(&server, 150_000, "DZD").await;
    let (_, created) = create(&server, &order, wallet("+213555000001")).await;
    let first = created["id"].as_str().unwrap().to_string();
    closed_by_the_server(&server, &first, "yassir", yassir()).await;

    // The shopper was told no money moved, and paid again.
    let (status, again) = create(&server, &order, wallet("+213555000002")).await;
    assert_eq!(status, 201, "{again}");
    let second = again["id"].as_str().unwrap().to_string();
    let (_, paid) = submit(&server, &second, yassir()).await;
    assert_eq!(paid["status"], "succeeded", "{paid}");

    // Then the first one succeeds at Yassir: the shopper paid twice, and is paid back.
    // The sandbox acts on the late request 1.5 s after it answered, on real time.
    server.pause(Duration::from_millis(1800)).await;
    let intent = record(&server, &first).await["provider_intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = server
        .post(&format!("/sandbox/intents/{intent}/succeed"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let given_back = wait_for(&server, &first, 20, |record| {
        record["status"] == "refunded" && record.get("attention").is_none()
    })
    .await;
    assert_eq!(given_back["refunded_minor"], 150_000, "{given_back}");
    assert_eq!(given_back["operations"].as_array().unwrap().len(), 1);
    let events = event_types(&server, &first).await;
    assert_eq!(
        events,
        [
            "payment.failed",
            "payment.succeeded",
            "payment.attention_required",
            "payment.refunded"
        ],
        "{events:?}"
    );
    // The order stays paid once: by the second payment.
    assert_eq!(record(&server, &second).await["status"], "succeeded");
    let (_, intents) = server.get("/sandbox/intents?provider=yassir").await;
    let held = intents["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|held| held["intent_id"] == intent.as_str())
        .unwrap()
        .clone();
    assert_eq!(held["refunded"], held["captured"], "{held}");
}

#[tokio::test]
async fn a_late_mobile_money_success_on_an_order_paid_meanwhile_asks_the_merchant() {
    let server = impatient_server(&[]).await;
    let order = token(&server, 5_000, "XAF").await;
    let (_, created) = create(&server, &order, momo()).await;
    let first = created["id"].as_str().unwrap().to_string();
    closed_by_the_server(&server, &first, "yabetoo", mobile_money(SETTLES)).await;

    // Paid again meanwhile.
    let (status, again) = create(&server, &order, momo()).await;
    assert_eq!(status, 201, "{again}");
    let second = again["id"].as_str().unwrap().to_string();
    submit(&server, &second, mobile_money(SETTLES)).await;
    let paid = server.poll_until_final(&second).await;
    assert_eq!(paid["status"], "succeeded", "{paid}");

    // The first confirm reached Yabetoo late and settled: Yabetoo has no refund API, so the
    // merchant is asked to refund by hand.
    let twice = wait_for(&server, &first, 20, |record| {
        record["attention"]["code"] == "paid_twice"
    })
    .await;
    assert_eq!(twice["status"], "succeeded", "{twice}");
    let events = event_types(&server, &first).await;
    assert!(
        events.ends_with(&[
            "payment.succeeded".to_string(),
            "payment.attention_required".to_string()
        ]),
        "{events:?}"
    );
    // The merchant refunds through Yabetoo's support and records it.
    let (status, resolved) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{first}/resolve"),
            json!({"outcome": "refunded", "note": "refunded by Yabetoo support, ticket 42"}),
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["status"], "refunded", "{resolved}");
    assert_eq!(resolved["refunded_minor"], 5_000, "{resolved}");
}

#[tokio::test]
async fn a_success_not_captured_is_not_paid_and_waits_for_the_merchant() {
    let server = impatient_server(&[("ATTENTION_AFTER_SECONDS", "1")]).await;
    let order = token(&server, 5_000, "XAF").await;
    let (_, created) = create(&server, &order, momo()).await;
    let id = created["id"].as_str().unwrap().to_string();
    for operation in ["confirm", "retrieve"] {
        server.add_fault(json!({"provider": "yabetoo", "operation": operation, "fault": "uncaptured", "phase": "after"})).await;
    }
    submit(&server, &id, mobile_money(SETTLES)).await;
    let waiting = wait_for(&server, &id, 20, |record| {
        record["attention"]["code"] == "no_definite_answer"
    })
    .await;
    assert!(
        ["processing", "awaiting_approval"].contains(&waiting["status"].as_str().unwrap()),
        "{waiting}"
    );
    let shopper = server.get(&format!("/api/v1/payments/{id}")).await.1;
    assert_ne!(shopper["status"], "succeeded", "{shopper}");
    // Its order is not paid again meanwhile.
    let (status, refused) = create(&server, &order, momo()).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "order_in_progress", "{refused}");

    // Once Yabetoo says the money is captured, the provider's word ends the wait.
    server.clear_faults().await;
    let done = wait_for(&server, &id, 20, |record| record["status"] == "succeeded").await;
    assert!(done.get("attention").is_none(), "{done}");
    assert_eq!(done["decided_by"], "provider");
}

#[tokio::test]
async fn checks_refused_for_good_end_with_the_merchant_not_in_flight_forever() {
    for status in [401, 404, 422] {
        let server = impatient_server(&[("ATTENTION_AFTER_SECONDS", "1")]).await;
        let order = token(&server, 150_000, "DZD").await;
        let (_, created) = create(&server, &order, wallet("+213555000001")).await;
        let id = created["id"].as_str().unwrap().to_string();
        let (_, submitted) = submit(&server, &id, yassir()).await;
        assert_eq!(submitted["status"], "requires_action", "{submitted}");
        // Keys rotated, staging switched for production…: every check is refused from now on.
        server.add_fault(json!({"provider": "yassir", "operation": "check", "fault": "http_error", "phase": "after", "status": status})).await;
        let waiting = wait_for(&server, &id, 20, |record| {
            record["attention"]["code"] == "no_definite_answer"
        })
        .await;
        assert_eq!(waiting["status"], "requires_action", "{status}: {waiting}");
        assert!(event_types(&server, &id)
            .await
            .contains(&"payment.attention_required".to_string()));
        // The merchant sees the payment paid in Yassir's dashboard and records it.
        let (code, resolved) = server
            .admin_post(
                &format!("/api/v1/admin/payments/{id}/resolve"),
                json!({"outcome": "succeeded", "note": "paid in the dashboard"}),
            )
            .await;
        assert_eq!(code, 200, "{resolved}");
        assert_eq!(resolved["status"], "succeeded");
        assert_eq!(resolved["decided_by"], "merchant");
        assert!(event_types(&server, &id)
            .await
            .contains(&"payment.succeeded".to_string()));
        let (code, refused) = create(&server, &order, wallet("+213555000001")).await;
        assert_eq!(code, 409, "{refused}");
        assert_eq!(refused["error"]["code"], "order_already_paid");
    }
}

#[tokio::test]
async fn mobile_money_failures_carry_stable_codes_and_never_the_providers_words() {
    let server = start(&[]).await;
    // Yabetoo's documented test number for a payer's rejection.
    let (_, created) = create(&server, "demo-cg", momo()).await;
    let id = created["id"].as_str().unwrap().to_string();
    let details = json!({"type": "mobile_money", "country": "cg", "operator": "mtn", "msisdn": "46733123451"});
    let (status, submitted) = submit(&server, &id, details).await;
    assert_eq!(status, 200, "{submitted}");
    let done = server.poll_until_final(&id).await;
    assert_eq!(done["status"], "rejected", "{done}");
    let code = done["failure"]["code"].as_str().unwrap();
    assert!(
        [
            "declined",
            "insufficient_funds",
            "expired",
            "not_allowed",
            "failed"
        ]
        .contains(&code),
        "{done}"
    );
    // The provider's own words are in the merchant's history, not in the shopper's message.
    let record = record(&server, &id).await;
    let provider_words = record["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|change| change["detail"].as_str())
        .find(|detail| detail.starts_with("failed ("))
        .expect("the provider's words in the history")
        .to_string();
    let said = provider_words
        .trim_start_matches("failed (")
        .trim_end_matches(')')
        .to_string();
    assert!(
        !done["failure"]["message"]
            .as_str()
            .unwrap()
            .contains(said.as_str()),
        "{done} / {said}"
    );
}

/// The payment as the merchant's list shows it: stored, without a check at the provider.
async fn listed(server: &TestServer, id: &str) -> Value {
    let (status, body) = server.admin_get("/api/v1/admin/payments?limit=100").await;
    assert_eq!(status, 200, "{body}");
    body["payments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|payment| payment["id"] == id)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_providers_webhook_about_a_payment_the_server_closed_prompts_a_check() {
    // No reconcile and no polls after the close: only the provider's webhook can tell.
    let server = start(&[
        ("PROVIDER_TIMEOUT_MS", "700"),
        ("UNKNOWN_OUTCOME_GRACE_MS", "300"),
    ])
    .await;
    let (_, created) = create(&server, "demo-dz", wallet("+213555000001")).await;
    let id = created["id"].as_str().unwrap().to_string();
    closed_by_the_server(&server, &id, "yassir", yassir()).await;
    // The sandbox acts on the late request 1.5 s after it answered, on real time.
    server.pause(Duration::from_millis(1800)).await;
    let intent = listed(&server, &id).await["provider_intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = server
        .post(&format!("/sandbox/intents/{intent}/succeed"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let stored = listed(&server, &id).await;
        if stored["status"] == "succeeded" {
            assert_eq!(stored["decided_by"], "provider", "{stored}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{stored}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test]
async fn a_provider_answer_that_contradicts_the_merchants_word_is_put_before_the_merchant_again() {
    let server = impatient_server(&[("ATTENTION_AFTER_SECONDS", "1")]).await;
    let order = token(&server, 150_000, "DZD").await;
    let (_, created) = create(&server, &order, wallet("+213555000001")).await;
    let id = created["id"].as_str().unwrap().to_string();
    let (_, submitted) = submit(&server, &id, yassir()).await;
    assert_eq!(submitted["status"], "requires_action", "{submitted}");
    server
        .add_fault(json!({"provider": "yassir", "operation": "check", "fault": "http_error", "phase": "after", "status": 401}))
        .await;
    wait_for(&server, &id, 20, |record| {
        record["attention"]["code"] == "no_definite_answer"
    })
    .await;
    // The merchant reads the dashboard too early and records no money taken.
    let (status, resolved) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/resolve"),
            json!({"outcome": "failed"}),
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["status"], "failed");

    // Then the shopper approves the OTP, and the checks work again: the provider's word
    // contradicts the merchant's, and the payment waits for the merchant again.
    server.clear_faults().await;
    let intent = resolved["provider_intent_id"].as_str().unwrap().to_string();
    let (status, body) = server
        .post(&format!("/sandbox/intents/{intent}/succeed"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let disputed = wait_for(&server, &id, 20, |record| {
        record["attention"]["code"] == "provider_disagrees"
    })
    .await;
    assert_eq!(disputed["status"], "failed", "{disputed}");
    let (status, refused) = create(&server, &order, wallet("+213555000001")).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "order_on_hold");
    // Looked up again: paid after all.
    let (status, paid) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/resolve"),
            json!({"outcome": "succeeded", "note": "paid at 10:42 in the dashboard"}),
        )
        .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["status"], "succeeded", "{paid}");
    let events = event_types(&server, &id).await;
    assert!(
        events.ends_with(&[
            "payment.attention_required".to_string(),
            "payment.succeeded".to_string()
        ]),
        "{events:?}"
    );
}

#[tokio::test]
async fn the_merchant_records_a_reservation_as_held_and_never_undoes_a_give_back() {
    let server = impatient_server(&[("ATTENTION_AFTER_SECONDS", "1")]).await;
    let order = json!({
        "reference": format!("INV-{}", unique()),
        "description": "Two nights",
        "amount_minor": 500_000,
        "currency": "DZD",
        "capture": "reservation",
    });
    let (_, signed) = server.admin_post("/api/v1/admin/order-tokens", order).await;
    let token = signed["token"].as_str().unwrap().to_string();
    let (_, created) = create(&server, &token, wallet("+213555000001")).await;
    let id = created["id"].as_str().unwrap().to_string();
    submit(&server, &id, yassir()).await;
    server
        .add_fault(json!({"provider": "yassir", "operation": "check", "fault": "http_error", "phase": "after", "status": 404}))
        .await;
    wait_for(&server, &id, 20, |record| {
        record["attention"]["code"] == "no_definite_answer"
    })
    .await;
    // Held, not taken: the merchant's "succeeded" on a reservation is a pre-authorization,
    // which a capture then collects.
    let (status, held) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/resolve"),
            json!({"outcome": "succeeded"}),
        )
        .await;
    assert_eq!(status, 200, "{held}");
    assert_eq!(held["status"], "pre_authorized", "{held}");
    assert_eq!(held["captured_minor"], 0, "{held}");
    // A note past its limit is refused, and stores nothing.
    let (status, refused) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/resolve"),
            json!({"outcome": "failed", "note": "x".repeat(501)}),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["field"], "note");
}
