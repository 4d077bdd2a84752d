//! Webhooks both ways, through a real server on its embedded sandbox: the providers'
//! notifications only prompt a check at the provider, and the merchant's events reach its
//! endpoint signed, once it answers, across restarts.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use checkout_server::providers::notices::yabetoo_signature;
use common::{start, start_full, start_full_at, start_full_on, TestServer};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const YABETOO_SECRET: &str = checkout_sandbox::yabetoo::WEBHOOK_SECRET;
const YASSIR_SECRET: &str = checkout_sandbox::yassir::WEBHOOK_SECRET;
const MERCHANT_SECRET: &str = "whsec_bWVyY2hhbnQtd2ViaG9vay1zZWNyZXQtZm9yLXRlc3Rz";

/// The status as stored, read without asking the provider (the admin list does not check).
async fn stored(server: &TestServer, id: &str) -> Value {
    let (status, body) = server.admin_get("/api/v1/admin/payments?limit=1000").await;
    assert_eq!(status, 200, "{body}");
    body["payments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no payment {id}"))
}

async fn stored_status(server: &TestServer, id: &str) -> String {
    stored(server, id).await["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Waits until the sandbox's fault switch has applied its rule (the sandbox sends its
/// notifications on its own task).
async fn wait_until_a_fault_fired(server: &TestServer) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, listed) = server.get("/sandbox/faults").await;
        assert_eq!(status, 200, "{listed}");
        if listed["faults"][0]["fired"].as_u64() >= Some(1) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{listed}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_for_status(server: &TestServer, id: &str, wanted: &str) {
    for _ in 0..100 {
        if stored_status(server, id).await == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "payment {id} never became {wanted}: {}",
        stored(server, id).await
    );
}

async fn post_raw(
    server: &TestServer,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> (u16, Value) {
    let mut request = server.http.post(server.url(path)).body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn yassir_signature(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A Yassir Cash payment waiting on the sandbox OTP page: (payment id, pay URL, intent id).
async fn waiting_for_otp(server: &TestServer) -> (String, String, String) {
    let (status, payment) = server.yassir_payment("demo-dz", "+213555000001").await;
    assert_eq!(status, 200, "{payment}");
    assert_eq!(payment["status"], "requires_action", "{payment}");
    let id = payment["id"].as_str().unwrap().to_string();
    let pay_url = payment["next_action"]["url"].as_str().unwrap().to_string();
    let intent = stored(server, &id).await["provider_intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    (id, pay_url, intent)
}

fn yassir_notice(intent: &str, code: u16) -> String {
    json!({
        "actionId": "anything",
        "remoteStatus": "The amount was deposited successfully",
        "remoteStatusCode": code,
        "contextType": "ORDER",
        "orderId": intent,
        "additionalData": {},
    })
    .to_string()
}

#[tokio::test]
async fn an_otp_approval_settles_the_payment_through_the_webhook_alone() {
    // No widget polls and no reconcile runs: only the sandbox's webhook can tell the server.
    let server = start(&[]).await;
    let (id, pay_url, _) = waiting_for_otp(&server).await;
    let answer = server.answer_otp(&pay_url, "123456").await;
    assert!(answer.status().is_redirection() || answer.status().is_success());
    wait_for_status(&server, &id, "succeeded").await;
    let record = stored(&server, &id).await;
    assert!(
        record["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|change| change["status"] == "succeeded"),
        "{record}"
    );
}

#[tokio::test]
async fn a_dropped_webhook_leaves_the_outcome_to_the_next_check() {
    let server = start(&[("SANDBOX_FAULTS", "yassir.webhook=drop*1")]).await;
    let (id, pay_url, _) = waiting_for_otp(&server).await;
    server.answer_otp(&pay_url, "123456").await;
    wait_until_a_fault_fired(&server).await;
    server.settle().await;
    assert_eq!(stored_status(&server, &id).await, "requires_action");
    // The widget's next poll checks at the provider, which decides.
    assert_eq!(server.poll_until_final(&id).await["status"], "succeeded");
}

#[tokio::test]
async fn a_notification_claiming_a_success_the_provider_denies_changes_nothing() {
    let server = start(&[]).await;
    let (id, _, intent) = waiting_for_otp(&server).await;
    let body = yassir_notice(&intent, 2);
    let (status, answer) = post_raw(
        &server,
        "/webhooks/yassir",
        &[(
            "x-webhook-signature",
            yassir_signature(YASSIR_SECRET, &body),
        )],
        &body,
    )
    .await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("checking")),
        "{answer}"
    );
    // The answer maps no provider id to this server's payment id.
    assert!(answer.get("payment_id").is_none(), "{answer}");
    assert!(!answer.to_string().contains(id.as_str()), "{answer}");
    server.settle().await;
    // The check found the intent still waiting for its OTP.
    assert_eq!(stored_status(&server, &id).await, "requires_action");
}

#[tokio::test]
async fn yassir_notifications_must_carry_the_configured_signature() {
    let server = start(&[]).await;
    let (id, _, intent) = waiting_for_otp(&server).await;
    let body = yassir_notice(&intent, 2);
    for headers in [
        vec![],
        vec![(
            "x-webhook-signature",
            yassir_signature("another-secret", &body),
        )],
        vec![("x-webhook-signature", "not-hex".to_string())],
    ] {
        let (status, answer) = post_raw(&server, "/webhooks/yassir", &headers, &body).await;
        assert_eq!(status, 401, "{answer}");
        assert_eq!(answer["received"], false);
    }
    let (status, answer) = post_raw(&server, "/webhooks/yassir", &[], "{}").await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(stored_status(&server, &id).await, "requires_action");
}

#[tokio::test]
async fn an_out_of_order_notification_after_the_outcome_changes_nothing() {
    let server = start(&[]).await;
    let (status, payment) = server.yassir_payment("demo-dz", "+213555000002").await;
    assert_eq!(
        (status, payment["status"].as_str()),
        (200, Some("succeeded"))
    );
    let id = payment["id"].as_str().unwrap();
    let intent = stored(&server, id).await["provider_intent_id"]
        .as_str()
        .unwrap()
        .to_string();
    // An OTP step's notification, arriving after the payment was settled.
    let body = yassir_notice(&intent, 12);
    let (status, answer) = post_raw(
        &server,
        "/webhooks/yassir",
        &[(
            "x-webhook-signature",
            yassir_signature(YASSIR_SECRET, &body),
        )],
        &body,
    )
    .await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("already_settled")),
        "{answer}"
    );
    assert_eq!(stored_status(&server, id).await, "succeeded");
}

/// A mobile-money payment whose prompt waits on the sandbox phone: (payment id, intent id).
async fn awaiting_approval(server: &TestServer) -> (String, String) {
    let (status, payment) = server
        .momo_payment("demo-cg", "cg", "mtn", "242066594470")
        .await;
    assert_eq!(status, 200, "{payment}");
    let id = payment["id"].as_str().unwrap().to_string();
    for _ in 0..50 {
        if let Some(intent) = stored(server, &id).await["provider_intent_id"].as_str() {
            return (id, intent.to_string());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no intent for {id}");
}

fn yabetoo_event(event_id: &str, intent: &str, status: &str) -> String {
    json!({
        "id": event_id,
        "type": "intent.completed",
        "createdAt": "2026-12-01T10:00:00Z",
        "data": { "id": intent, "status": status },
    })
    .to_string()
}

fn yabetoo_headers(secret: &str, timestamp: i64, body: &str) -> Vec<(&'static str, String)> {
    let signature = yabetoo_signature(secret, timestamp, body.as_bytes());
    vec![("yabetoo-signature", format!("t={timestamp},v1={signature}"))]
}

#[tokio::test]
async fn yabetoo_notifications_are_verified_deduplicated_and_never_trusted() {
    let server = start(&[]).await;
    let (id, intent) = awaiting_approval(&server).await;
    let body = yabetoo_event("evt_test_1", &intent, "succeeded");

    let refused = [
        (
            yabetoo_headers("whsec_someone_else", now(), &body),
            "does not match",
        ),
        (
            yabetoo_headers(YABETOO_SECRET, now() - 400, &body),
            "away from now",
        ),
        (
            yabetoo_headers(YABETOO_SECRET, now() + 400, &body),
            "away from now",
        ),
        (vec![], "missing"),
    ];
    for (headers, reason) in refused {
        let (status, answer) = post_raw(&server, "/webhooks/yabetoo", &headers, &body).await;
        assert_eq!(status, 401, "{answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(reason),
            "{answer}"
        );
    }

    // The docs' header spelling, then the same event again in the CLI's: one check only.
    let timestamp = now();
    let signature = yabetoo_signature(YABETOO_SECRET, timestamp, body.as_bytes());
    let docs = vec![
        ("x-yabetoo-webhook-signature", format!("v1={signature}")),
        ("x-yabetoo-webhook-timestamp", timestamp.to_string()),
        ("x-yabetoo-webhook-id", "evt_test_1".to_string()),
    ];
    let (status, answer) = post_raw(&server, "/webhooks/yabetoo", &docs, &body).await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("checking")),
        "{answer}"
    );
    let replayed = yabetoo_headers(YABETOO_SECRET, now(), &body);
    let (status, answer) = post_raw(&server, "/webhooks/yabetoo", &replayed, &body).await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("duplicate")),
        "{answer}"
    );
    // The same signed body under a new event-id header (which the signature does not cover)
    // is the same notification.
    let mut renamed = yabetoo_headers(YABETOO_SECRET, now(), &body);
    renamed.push(("x-yabetoo-webhook-id", "evt_renamed_by_someone".to_string()));
    let (status, answer) = post_raw(&server, "/webhooks/yabetoo", &renamed, &body).await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("duplicate")),
        "{answer}"
    );

    // A notification for a payment this server never made.
    let stranger = yabetoo_event(
        "evt_test_2",
        "pi_unknown0000000000000000000000000000",
        "succeeded",
    );
    let headers = yabetoo_headers(YABETOO_SECRET, now(), &stranger);
    let (status, answer) = post_raw(&server, "/webhooks/yabetoo", &headers, &stranger).await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("unknown_payment")),
        "{answer}"
    );

    let garbage = "not json";
    let headers = yabetoo_headers(YABETOO_SECRET, now(), garbage);
    let (status, _) = post_raw(&server, "/webhooks/yabetoo", &headers, garbage).await;
    assert_eq!(status, 400);

    // The body said succeeded; the check says the prompt still waits on the phone.
    server.settle().await;
    assert_eq!(
        stored_status(&server, &id).await,
        "awaiting_approval",
        "{}",
        stored(&server, &id).await
    );
}

/// A merchant's endpoint: refuses the first `failures` deliveries with 500, then accepts them,
/// verifying each signature as a receiver must.
#[derive(Clone, Default)]
struct Endpoint {
    failures: Arc<Mutex<u32>>,
    /// Every delivery that arrived: (webhook-id, answered).
    arrivals: Arc<Mutex<Vec<(String, u16)>>>,
    /// The bodies of the deliveries accepted.
    accepted: Arc<Mutex<Vec<Value>>>,
}

impl Endpoint {
    async fn start(failures: u32) -> (Self, String) {
        let endpoint = Endpoint {
            failures: Arc::new(Mutex::new(failures)),
            ..Endpoint::default()
        };
        let state = endpoint.clone();
        let router = axum::Router::new().route(
            "/hooks",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    let id = headers["webhook-id"].to_str().unwrap().to_string();
                    checkout_server::merchant_webhooks::signing::verify(
                        MERCHANT_SECRET,
                        &headers,
                        &body,
                    )
                    .expect("a valid Standard Webhooks signature");
                    let status = {
                        let mut failures = state.failures.lock().unwrap();
                        if *failures > 0 {
                            *failures -= 1;
                            StatusCode::INTERNAL_SERVER_ERROR
                        } else {
                            state
                                .accepted
                                .lock()
                                .unwrap()
                                .push(serde_json::from_slice(&body).unwrap());
                            StatusCode::NO_CONTENT
                        }
                    };
                    state.arrivals.lock().unwrap().push((id, status.as_u16()));
                    status
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (endpoint, url)
    }

    fn accepted(&self) -> Vec<Value> {
        self.accepted.lock().unwrap().clone()
    }

    fn arrived(&self) -> usize {
        self.arrivals.lock().unwrap().len()
    }

    /// Lets the server's time pass, a retry's wait at a time, each time delivering what is due
    /// at once, until `count` deliveries were accepted.
    async fn wait_for(&self, server: &TestServer, count: usize) -> Vec<Value> {
        for _ in 0..50 {
            server.deliver_webhooks().await;
            let accepted = self.accepted();
            if accepted.len() >= count {
                return accepted;
            }
            server.advance(RETRY_STEP);
        }
        panic!("only {:?} arrived", self.arrivals.lock().unwrap());
    }
}

/// Longer than any wait between two attempts while a delivery has failed at most a few times
/// (`WEBHOOK_FIRST_RETRY_MS` of 100 ms, doubled after each failure, ±25 %).
const RETRY_STEP: Duration = Duration::from_secs(1);

/// Longer than every retry still possible after a few failures: what is not due after it
/// is never sent again. Shorter than the five minutes a receiver allows between a delivery's
/// signed timestamp (the server's clock) and its own clock.
const QUIET: Duration = Duration::from_secs(60);

fn merchant_hooks(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("WEBHOOK_URLS", url.to_string()),
        ("WEBHOOK_SECRET", MERCHANT_SECRET.to_string()),
        ("WEBHOOK_FIRST_RETRY_MS", "100".to_string()),
    ]
}

fn vars<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

#[tokio::test]
async fn an_endpoint_that_fails_first_gets_each_event_once_it_recovers() {
    let (endpoint, url) = Endpoint::start(3).await;
    let hooks = merchant_hooks(&url);
    let server = start_full(&vars(&hooks)).await;
    let (_, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
    let (_, refused) = server.yassir_payment("demo-dz", "+213555000004").await;
    assert_eq!(paid["status"], "succeeded", "{paid}");
    assert_eq!(refused["status"], "rejected", "{refused}");

    let accepted = endpoint.wait_for(&server, 2).await;
    // However long the server runs on, nothing more is sent.
    server.advance(QUIET);
    assert_eq!(server.deliver_webhooks().await, 0);
    let accepted_now = endpoint.accepted();
    assert_eq!(accepted_now.len(), 2, "{accepted_now:?}");
    let of = |payment: &Value| {
        accepted
            .iter()
            .find(|event| event["data"]["id"] == payment["id"])
            .cloned()
            .unwrap()
    };
    assert_eq!(of(&paid)["type"], "payment.succeeded");
    assert_eq!(of(&paid)["data"]["amount_minor"], paid["amount_minor"]);
    assert_eq!(of(&refused)["type"], "payment.failed");
    assert_eq!(
        of(&refused)["data"]["failure"]["code"],
        refused["failure"]["code"]
    );
    assert_eq!(of(&refused)["data"]["status"], "rejected");

    // Each event: the same webhook-id on every attempt, accepted once.
    let arrivals = endpoint.arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 5, "{arrivals:?}");
    for event in &accepted {
        let id = event["id"].as_str().unwrap();
        let accepted_times = arrivals
            .iter()
            .filter(|(arrived, status)| arrived == id && *status == 204)
            .count();
        assert_eq!(accepted_times, 1, "{arrivals:?}");
    }

    // The admin API shows each delivery's attempts.
    let (status, events) = server
        .admin_get(&format!(
            "/api/v1/admin/webhooks/events?payment_id={}",
            paid["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 200, "{events}");
    let event = &events["events"][0];
    assert_eq!(event["type"], "payment.succeeded");
    let (_, detail) = server
        .admin_get(&format!(
            "/api/v1/admin/webhooks/events/{}",
            event["id"].as_str().unwrap()
        ))
        .await;
    let delivery = &detail["deliveries"][0];
    assert_eq!(delivery["state"], "delivered", "{detail}");
    let log = delivery["attempt_log"].as_array().unwrap();
    assert_eq!(log.last().unwrap()["status"], 204, "{detail}");
    assert!(
        log[..log.len() - 1]
            .iter()
            .all(|attempt| attempt["status"] == 500),
        "{detail}"
    );

    // A replay sends the same event again, with the same id.
    let (status, _) = server
        .admin_post(
            &format!(
                "/api/v1/admin/webhooks/events/{}/replay",
                event["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, 202);
    let again = endpoint.wait_for(&server, 3).await;
    assert_eq!(again[2]["id"], event["id"]);
    let (status, _) = server
        .admin_post("/api/v1/admin/webhooks/events/evt_nope/replay", json!({}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn deliveries_go_on_after_a_restart() {
    let (endpoint, url) = Endpoint::start(u32::MAX).await;
    let hooks = merchant_hooks(&url);
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("checkout.sqlite3");
    let server = start_full_on(&database, &vars(&hooks)).await;
    let (_, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
    assert_eq!(paid["status"], "succeeded");
    server.deliver_webhooks().await;
    let clock = server.clock.clone();
    drop(server);
    assert_eq!(endpoint.arrived(), 1);

    // The endpoint recovers while the server is down; a new server on the same database, once
    // the retry is due, delivers what the outbox holds.
    *endpoint.failures.lock().unwrap() = 0;
    clock.advance(RETRY_STEP);
    let server = start_full_at(&database, &vars(&hooks), clock).await;
    let accepted = endpoint.wait_for(&server, 1).await;
    server.advance(QUIET);
    assert_eq!(server.deliver_webhooks().await, 0);
    assert_eq!(endpoint.accepted().len(), 1);
    assert_eq!(accepted[0]["type"], "payment.succeeded");
    assert_eq!(accepted[0]["data"]["id"], paid["id"]);
    let ids: Vec<String> = endpoint
        .arrivals
        .lock()
        .unwrap()
        .iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert!(
        ids.iter().all(|id| id == &ids[0]),
        "one event, one id: {ids:?}"
    );
    drop(server);
}

#[tokio::test]
async fn the_demo_receiver_shows_the_verified_events() {
    let server = start_full(&[]).await;
    let (_, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
    server.deliver_webhooks().await;
    let (_, shown) = server.get("/demo/webhooks?format=json").await;
    let event = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["payment"] == paid["id"])
        .unwrap_or_else(|| panic!("the demo receiver never got the event: {shown}"));
    assert_eq!(event["kind"], "payment.succeeded");
    assert_eq!(event["deliveries"], 1);
    // A forged delivery is refused.
    let (status, _) = post_raw(&server, "/demo/webhooks", &[], "{}").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_lost_confirm_answer_is_settled_by_yabetoos_webhook() {
    // The sandbox takes the money, then the confirm's answer is lost: only the webhook's
    // check can tell (no poll, no reconcile here).
    let server = start(&[("SANDBOX_FAULTS", "yabetoo.confirm=reset@after*1")]).await;
    let (id, intent) = awaiting_approval(&server).await;
    // The prompt reaches the sandbox's phone once the confirm does, on the server's own task.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let approved = server
            .http
            .post(server.url(&format!("/sandbox/yabetoo/phone/prompts/{intent}/approve")))
            .header("accept", "application/json")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        if approved.status().is_success() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{}",
            approved.status()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    wait_for_status(&server, &id, "succeeded").await;
    server.settle().await;
    let record = stored(&server, &id).await;
    assert_eq!(record["status"], "succeeded", "{record}");
}

#[tokio::test]
async fn the_merchants_operations_each_send_their_event() {
    let (endpoint, url) = Endpoint::start(0).await;
    let hooks = merchant_hooks(&url);
    let server = start_full(&vars(&hooks)).await;
    let (_, kept) = server
        .yassir_payment("demo-dz-hotel", "+213555000002")
        .await;
    let (_, let_go) = server
        .yassir_payment("demo-dz-hotel", "+213555000002")
        .await;
    assert_eq!(kept["status"], "pre_authorized", "{kept}");
    let kept_id = kept["id"].as_str().unwrap();
    let let_go_id = let_go["id"].as_str().unwrap();
    let amount = kept["amount_minor"].as_i64().unwrap();

    let (status, _) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{kept_id}/capture"),
            json!({"amount_minor": amount - 5_000}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{let_go_id}/release"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    for refund in [1_000, amount - 6_000] {
        let (status, answer) = server
            .admin_post(
                &format!("/api/v1/admin/payments/{kept_id}/refund"),
                json!({"amount_minor": refund, "description": "returned"}),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
    }

    let events = endpoint.wait_for(&server, 6).await;
    let of = |id: &str| -> Vec<(String, Option<i64>)> {
        events
            .iter()
            .filter(|event| event["data"]["id"] == id)
            .map(|event| {
                (
                    event["type"].as_str().unwrap().to_string(),
                    event["data"]["amount_moved_minor"].as_i64(),
                )
            })
            .collect()
    };
    assert_eq!(
        of(kept_id),
        vec![
            ("payment.pre_authorized".to_string(), None),
            ("payment.captured".to_string(), Some(amount - 5_000)),
            ("payment.partially_refunded".to_string(), Some(1_000)),
            ("payment.refunded".to_string(), Some(amount - 6_000)),
        ]
    );
    assert_eq!(
        of(let_go_id),
        vec![
            ("payment.pre_authorized".to_string(), None),
            ("payment.released".to_string(), None),
        ]
    );
}

#[tokio::test]
async fn a_slow_endpoint_never_delays_payments() {
    // An endpoint that takes 20 s to answer each delivery, counting those under way.
    let arrived = Arc::new(Mutex::new(0));
    let counted = arrived.clone();
    let router = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move || {
            *counted.lock().unwrap() += 1;
            async {
                tokio::time::sleep(Duration::from_secs(20)).await;
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let mut hooks = merchant_hooks(&url);
    hooks.push(("WEBHOOK_TIMEOUT_MS", "30000".to_string()));
    let server = start_full(&vars(&hooks)).await;

    let started = std::time::Instant::now();
    for _ in 0..5 {
        let (status, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
        assert_eq!(
            (status, paid["status"].as_str()),
            (200, Some("succeeded")),
            "{paid}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "five payments took {:?}",
        started.elapsed()
    );
    // Every event's delivery is under way at once, none waiting behind another (the
    // background's own round starts them).
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while *arrived.lock().unwrap() < 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "{} under way",
            arrived.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_, events) = server.admin_get("/api/v1/admin/webhooks/events").await;
    assert_eq!(events["events"].as_array().unwrap().len(), 5, "{events}");
}

#[tokio::test]
async fn an_endpoint_taken_out_of_webhook_urls_gets_nothing_more() {
    let (old, old_url) = Endpoint::start(u32::MAX).await;
    let (new, new_url) = Endpoint::start(0).await;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("checkout.sqlite3");
    let server = start_full_on(&database, &vars(&merchant_hooks(&old_url))).await;
    server.yassir_payment("demo-dz", "+213555000002").await;
    server.deliver_webhooks().await;
    assert_eq!(old.arrived(), 1);
    let clock = server.clock.clone();
    drop(server);
    // The merchant moves to a new endpoint: the old one hears nothing more, though its
    // delivery's retry is due, and the new one gets the events written from now on.
    clock.advance(RETRY_STEP);
    let server = start_full_at(&database, &vars(&merchant_hooks(&new_url)), clock).await;
    let (_, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
    let events = new.wait_for(&server, 1).await;
    assert_eq!(events[0]["data"]["id"], paid["id"]);
    server.advance(QUIET);
    server.deliver_webhooks().await;
    assert_eq!(old.arrived(), 1);
    assert_eq!(new.accepted().len(), 1);
}

/// A delivery that fails says why, precisely enough to fix it, without the endpoint's address.
#[tokio::test]
async fn a_failed_delivery_says_why() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hooks");
    let mut hooks = merchant_hooks(&url);
    hooks.push(("WEBHOOK_FIRST_RETRY_MS", "60000".to_string()));
    let server = start_full(&vars(&hooks)).await;
    let (_, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
    let id = paid["id"].as_str().unwrap();
    server.deliver_webhooks().await;
    let (_, events) = server
        .admin_get(&format!("/api/v1/admin/webhooks/events?payment_id={id}"))
        .await;
    let error = events["events"][0]["deliveries"][0]["last_error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error recorded: {events}"));
    assert!(error.contains("connection refused"), "{error}");
    assert!(!error.contains(&port.to_string()), "{error}");
}

/// A flood of notifications, signed or not, is bounded per provider before anything is stored
/// or checked: answered 429, which a provider retries later.
#[tokio::test]
async fn provider_notifications_are_bounded_per_provider() {
    let server = start(&[("RATE_LIMIT_WEBHOOKS_PER_MINUTE", "3")]).await;
    let mut statuses = Vec::new();
    for index in 0..5 {
        let body = yassir_notice(&format!("intent-{index}"), 2);
        let (status, _) = post_raw(&server, "/webhooks/yassir", &[], &body).await;
        statuses.push(status);
    }
    // Unsigned, so refused (401) while the allowance lasts; past it, not even read (429).
    assert_eq!(statuses, [401, 401, 401, 429, 429], "{statuses:?}");
    // The other provider has an allowance of its own.
    let garbage = "not json";
    let headers = yabetoo_headers(YABETOO_SECRET, now(), garbage);
    let (status, _) = post_raw(&server, "/webhooks/yabetoo", &headers, garbage).await;
    assert_eq!(status, 400);
}

/// Under the default policy, a delivery the endpoint never accepts is retried, ever more
/// rarely, for three days after its event, then given up (a replay can send it again).
#[tokio::test]
async fn a_delivery_never_accepted_is_given_up_after_three_days() {
    let arrived = Arc::new(Mutex::new(0u32));
    let counted = arrived.clone();
    let router = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move || {
            *counted.lock().unwrap() += 1;
            async { StatusCode::INTERNAL_SERVER_ERROR }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let server = start_full(&[
        ("WEBHOOK_URLS", url.as_str()),
        ("WEBHOOK_SECRET", MERCHANT_SECRET),
    ])
    .await;
    let started = server.clock.now();
    let (_, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
    let id = paid["id"].as_str().unwrap();
    let delivery = || async {
        let (_, events) = server
            .admin_get(&format!("/api/v1/admin/webhooks/events?payment_id={id}"))
            .await;
        events["events"][0]["deliveries"][0].clone()
    };
    // What is due is sent, then an hour passes, until the delivery is over.
    let mut hours = 0;
    let given_up = loop {
        server.deliver_webhooks().await;
        let delivery = delivery().await;
        if delivery["state"] != "pending" {
            break delivery;
        }
        assert!(hours < 100, "{delivery}");
        server.advance(Duration::from_secs(3600));
        hours += 1;
    };
    assert_eq!(given_up["state"], "gave_up", "{given_up}");
    let attempts = given_up["attempts"].as_u64().unwrap();
    assert_eq!(u64::from(*arrived.lock().unwrap()), attempts);
    // Retried all along the three days (every 6 hours at most, once the waits have grown),
    // and not past them.
    let given_up_after = server.clock.now() - started;
    assert!(
        given_up_after > time::Duration::days(2) && given_up_after <= time::Duration::days(3),
        "gave up after {given_up_after}"
    );
    assert!(attempts >= 12, "{given_up}");
}
