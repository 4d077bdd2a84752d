//! The webhooks the simulators send, over real HTTP to a receiver: their bodies and signatures
//! as each provider documents them, and the fault switch's `webhook` faults.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use checkout_sandbox::{FaultRule, SandboxConfig, WebhookTarget, WebhookTargets};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const YASSIR_SECRET: &str = "yassir-test-webhook-secret";
const YABETOO_SECRET: &str = "whsec_test_yabetoo";

/// What the receiver got: (headers, body, when).
type Arrivals = Arc<Mutex<Vec<(HeaderMap, String, Instant)>>>;

async fn receiver() -> (String, Arrivals) {
    let arrivals: Arrivals = Arc::default();
    let kept = arrivals.clone();
    let router = axum::Router::new().route(
        "/{provider}",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push((
                    headers,
                    String::from_utf8(body.to_vec()).unwrap(),
                    Instant::now(),
                ));
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, arrivals)
}

struct Sandbox {
    origin: String,
    http: reqwest::Client,
    arrivals: Arrivals,
}

async fn start(faults: &str) -> Sandbox {
    let (base, arrivals) = receiver().await;
    let config = SandboxConfig {
        momo_settle_delay: Duration::from_millis(50),
        faults: FaultRule::parse_list(faults).unwrap(),
        webhooks: WebhookTargets {
            yassir: Some(WebhookTarget {
                url: format!("{base}/yassir"),
                secret: Some(YASSIR_SECRET.into()),
            }),
            yabetoo: Some(WebhookTarget {
                url: format!("{base}/yabetoo"),
                secret: Some(YABETOO_SECRET.into()),
            }),
        },
        ..SandboxConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, checkout_sandbox::router(config))
            .await
            .unwrap()
    });
    Sandbox {
        origin,
        http: reqwest::Client::new(),
        arrivals,
    }
}

fn hex_hmac(secret: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl Sandbox {
    /// A Yassir intent proceeded with `phone` (`…000002` pays at once): its payment id.
    async fn yassir_payment(&self, action_id: &str, phone: &str) -> String {
        let auth = format!("Bearer {}", STANDARD.encode("test_client:test_secret"));
        let api = |path: &str| {
            self.http
                .post(format!("{}/sandbox/yassir/api/v1{path}", self.origin))
                .header("Authorization", &auth)
                .header("x-platform", "API")
                .header("x-service", "SHOP")
        };
        let created: Value = api("/payments/intents?countryCode=DZA")
            .json(&json!({
                "actionId": action_id, "amount": 1500.0, "actionCurrencyCode": "DZD",
                "actionCountryCode": "DZA", "userId": phone, "captureMethod": "DIRECT",
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = created["data"]["paymentId"].as_str().unwrap().to_string();
        let secret = created["data"]["clientSecret"].as_str().unwrap();
        let proceeded = api(&format!("/payments/intents/{id}/proceed"))
            .header("x-client-secret", secret)
            .header("x-country-code", "DZA")
            .json(&json!({"paymentMethodCode": "WALLET_V2"}))
            .send()
            .await
            .unwrap();
        assert!(proceeded.status().is_success(), "{}", proceeded.status());
        id
    }

    async fn wait_for(&self, count: usize) -> Vec<(HeaderMap, String, Instant)> {
        for _ in 0..100 {
            let arrivals = self.arrivals.lock().unwrap().clone();
            if arrivals.len() >= count {
                return arrivals;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{} webhooks arrived", self.arrivals.lock().unwrap().len());
    }
}

#[tokio::test]
async fn yassir_notifies_the_outcome_of_a_proceed_signed() {
    let sandbox = start("").await;
    let id = sandbox.yassir_payment("order_1", "+213555000002").await;
    let arrivals = sandbox.wait_for(1).await;
    let (headers, body, _) = &arrivals[0];
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["orderId"], id.as_str());
    assert_eq!(event["actionId"], "order_1");
    assert_eq!(event["remoteStatusCode"], 2);
    assert_eq!(event["contextType"], "ORDER");
    assert!(event["additionalData"].is_object());
    assert_eq!(
        headers["x-webhook-signature"].to_str().unwrap(),
        hex_hmac(YASSIR_SECRET, body.as_bytes())
    );
}

#[tokio::test]
async fn yabetoo_notifies_a_settled_charge_in_both_header_spellings() {
    let sandbox = start("").await;
    let intent: Value = sandbox
        .http
        .post(format!(
            "{}/sandbox/yabetoo/v1/payment-intents",
            sandbox.origin
        ))
        .bearer_auth("sk_test_sandbox")
        .json(&json!({"amount": 5000, "currency": "xaf", "description": "Order 42"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let intent_id = intent["id"].as_str().unwrap();
    sandbox
        .http
        .post(format!(
            "{}/sandbox/yabetoo/v1/payment-intents/{intent_id}/confirm",
            sandbox.origin
        ))
        .bearer_auth("sk_test_sandbox")
        .json(&json!({
            "client_secret": intent["clientSecret"],
            "payment_method_data": {"type": "momo", "momo": {"country": "cg", "msisdn": "242050017890", "operator_name": "airtel"}},
        }))
        .send()
        .await
        .unwrap();
    let arrivals = sandbox.wait_for(1).await;
    let (headers, body, _) = &arrivals[0];
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["data"]["id"], intent_id);
    assert_eq!(event["data"]["status"], "failed");
    assert_eq!(event["type"], "payment_intent.failed");
    let id = event["id"].as_str().unwrap();
    assert!(id.starts_with("evt_"));
    let header = |name: &str| headers[name].to_str().unwrap().to_string();
    let timestamp = header("x-yabetoo-webhook-timestamp");
    let signature = hex_hmac(YABETOO_SECRET, format!("{timestamp}.{body}").as_bytes());
    assert_eq!(
        header("x-yabetoo-webhook-signature"),
        format!("t={timestamp},v1={signature}")
    );
    assert_eq!(
        header("yabetoo-signature"),
        header("x-yabetoo-webhook-signature")
    );
    assert_eq!(header("x-yabetoo-webhook-id"), id);
    assert_eq!(header("yabetoo-event-id"), id);
    assert_eq!(header("x-yabetoo-webhook-event"), "payment_intent.failed");
}

#[tokio::test]
async fn a_dropped_webhook_never_arrives_and_a_duplicated_one_twice() {
    let sandbox = start("yassir.webhook=drop*1,yassir.webhook=duplicate*1").await;
    sandbox.yassir_payment("dropped", "+213555000002").await;
    sandbox.yassir_payment("doubled", "+213555000002").await;
    let arrivals = sandbox.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let actions: Vec<String> = sandbox
        .arrivals
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body, _)| serde_json::from_str::<Value>(body).unwrap()["actionId"].to_string())
        .collect();
    assert_eq!(actions, vec!["\"doubled\"", "\"doubled\""], "{arrivals:?}");
}

#[tokio::test]
async fn a_reordered_webhook_comes_after_the_next_one() {
    let sandbox = start("yassir.webhook=reorder*1").await;
    sandbox.yassir_payment("first", "+213555000002").await;
    sandbox.yassir_payment("second", "+213555000003").await;
    let arrivals = sandbox.wait_for(2).await;
    let actions: Vec<String> = arrivals
        .iter()
        .map(|(_, body, _)| serde_json::from_str::<Value>(body).unwrap()["actionId"].to_string())
        .collect();
    assert_eq!(actions, vec!["\"second\"", "\"first\""]);
}

#[tokio::test]
async fn a_delayed_webhook_arrives_late() {
    let sandbox = start("yassir.webhook=latency:600*1").await;
    let sent = Instant::now();
    sandbox.yassir_payment("late", "+213555000002").await;
    let arrivals = sandbox.wait_for(1).await;
    assert!(arrivals[0].2.duration_since(sent) >= Duration::from_millis(600));
}

#[tokio::test]
async fn a_late_success_is_notified_as_any_settlement() {
    let sandbox = start("").await;
    let id = sandbox.yassir_payment("late_otp", "+213555000001").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        sandbox.arrivals.lock().unwrap().is_empty(),
        "the OTP step is not notified"
    );
    let succeed = |intent_id: String| {
        sandbox
            .http
            .post(format!(
                "{}/sandbox/intents/{intent_id}/succeed",
                sandbox.origin
            ))
            .json(&json!({}))
    };
    let answer = succeed(id.clone()).send().await.unwrap();
    assert_eq!(answer.status(), reqwest::StatusCode::OK);
    let arrivals = sandbox.wait_for(1).await;
    let event: Value = serde_json::from_str(&arrivals[0].1).unwrap();
    assert_eq!(
        (&event["orderId"], &event["remoteStatusCode"]),
        (&json!(id), &json!(2)),
        "{event}"
    );

    let yabetoo = |path: &str| {
        sandbox
            .http
            .post(format!("{}/sandbox/yabetoo/v1{path}", sandbox.origin))
            .bearer_auth("sk_test_sandbox")
    };
    let intent: Value = yabetoo("/payment-intents")
        .json(&json!({"amount": 5000, "currency": "xaf"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let intent_id = intent["id"].as_str().unwrap().to_string();
    // A number that is no test number: the prompt waits on the phone, and confirm with it.
    let confirm = tokio::spawn(
        yabetoo(&format!("/payment-intents/{intent_id}/confirm"))
            .json(&json!({
                "client_secret": intent["clientSecret"],
                "payment_method_data": {"type": "momo", "momo": {"country": "cg", "msisdn": "242066594470", "operator_name": "mtn"}},
            }))
            .send(),
    );
    let mut answer = succeed(intent_id.clone()).send().await.unwrap();
    for _ in 0..100 {
        if answer.status() == reqwest::StatusCode::OK {
            break;
        }
        // 409 until the confirm has made its charge.
        tokio::time::sleep(Duration::from_millis(20)).await;
        answer = succeed(intent_id.clone()).send().await.unwrap();
    }
    assert_eq!(answer.status(), reqwest::StatusCode::OK);
    confirm.await.unwrap().unwrap();
    let arrivals = sandbox.wait_for(2).await;
    let event: Value = serde_json::from_str(&arrivals[1].1).unwrap();
    assert_eq!(event["type"], "intent.completed", "{event}");
    assert_eq!(
        (
            &event["data"]["id"],
            &event["data"]["status"],
            &event["data"]["captured"]
        ),
        (&json!(intent_id), &json!("succeeded"), &json!(true)),
        "{event}"
    );
}
