//! `GET /sandbox/intents` over real HTTP: every intent both simulators hold, with the merchant
//! payment it names, its status and the money it moved, and nothing else changed by reading it.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use checkout_sandbox::SandboxConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Sandbox {
    origin: String,
    http: reqwest::Client,
}

impl Sandbox {
    async fn start() -> Self {
        Self::start_with(SandboxConfig {
            momo_settle_delay: Duration::from_millis(50),
            ..SandboxConfig::default()
        })
        .await
    }

    async fn start_with(config: SandboxConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, checkout_sandbox::router(config))
                .await
                .unwrap()
        });
        Self {
            origin,
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    fn yassir(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let credentials = STANDARD.encode("test_client:test_secret");
        self.http
            .request(
                method,
                format!("{}/sandbox/yassir/api/v1{path}", self.origin),
            )
            .header("Authorization", format!("Bearer {credentials}"))
            .header("x-platform", "API")
            .header("x-service", "TESTS")
    }

    /// Creates a Yassir intent for payment `payment_id`, as the server's adapter does.
    async fn yassir_create(&self, payment_id: &str, capture: &str) -> (StatusCode, Value) {
        let body = json!({
            "actionId": payment_id, "amount": 1500.00, "actionCurrencyCode": "DZD",
            "actionCountryCode": "DZA", "userId": "+213555000002", "captureMethod": capture,
            "metaData": { "paymentCheckoutId": payment_id, "order": "INV-7" },
        });
        self.send(
            self.yassir(reqwest::Method::POST, "/payments/intents?countryCode=DZA")
                .json(&body),
        )
        .await
    }

    async fn yassir_proceed(&self, created: &Value) -> Value {
        let id = created["data"]["paymentId"].as_str().unwrap();
        let (status, body) = self
            .send(
                self.yassir(
                    reqwest::Method::POST,
                    &format!("/payments/intents/{id}/proceed"),
                )
                .header(
                    "x-client-secret",
                    created["data"]["clientSecret"].as_str().unwrap(),
                )
                .json(&json!({ "paymentMethodCode": "WALLET_V2" })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    fn yabetoo(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/sandbox/yabetoo/v1{path}", self.origin))
            .bearer_auth("sk_test_sandbox")
    }

    async fn intents(&self, query: &str) -> (StatusCode, Value) {
        self.send(
            self.http
                .get(format!("{}/sandbox/intents{query}", self.origin)),
        )
        .await
    }

    /// The intent `id` in the listing.
    async fn held(&self, id: &str) -> Value {
        let (status, body) = self.intents("").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["intents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|intent| intent["intent_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("intent {id} not listed: {body}"))
    }
}

#[tokio::test]
async fn a_yassir_intent_shows_its_payment_status_and_money_as_it_moves() {
    let sandbox = Sandbox::start().await;
    let (status, created) = sandbox.yassir_create("pay_one", "DIRECT").await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["data"]["paymentId"].as_str().unwrap();

    let held = sandbox.held(id).await;
    assert_eq!(held["provider"], "yassir");
    assert_eq!(held["payment_id"], "pay_one");
    assert_eq!(held["action_id"], "pay_one");
    assert_eq!(held["order"], "INV-7");
    assert_eq!(
        (&held["status"], &held["status_code"]),
        (&json!("created"), &json!(0))
    );
    assert_eq!(held["amount"], 150_000);
    assert_eq!(held["currency"], "DZD");
    assert_eq!(held["submitted"], false, "{held}");
    assert_eq!(held["captured"], 0);

    sandbox.yassir_proceed(&created).await;
    let (status, refunded) = sandbox
        .send(
            sandbox
                .yassir(reqwest::Method::POST, &format!("/payments/{id}/refund"))
                .json(&json!({ "amount": 400.00, "description": "one item back" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{refunded}");
    let held = sandbox.held(id).await;
    assert_eq!(
        (&held["status"], &held["status_code"]),
        (&json!("partially_refunded"), &json!(16)),
        "{held}"
    );
    assert_eq!(
        (&held["captured"], &held["refunded"], &held["submitted"]),
        (&json!(150_000), &json!(40_000), &json!(true)),
        "{held}"
    );
}

#[tokio::test]
async fn a_replayed_action_id_answers_the_intent_it_made_and_adds_none() {
    let sandbox = Sandbox::start().await;
    let (status, first) = sandbox.yassir_create("pay_replayed", "RESERVATION").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, replay) = sandbox.yassir_create("pay_replayed", "RESERVATION").await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    assert_eq!(replay, first);

    let (_, body) = sandbox.intents("?provider=yassir").await;
    let intents = body["intents"].as_array().unwrap();
    assert_eq!(intents.len(), 1, "{body}");
    sandbox.yassir_proceed(&first).await;
    let held = sandbox
        .held(first["data"]["paymentId"].as_str().unwrap())
        .await;
    assert_eq!(held["status"], "pre_authorized", "{held}");
    assert_eq!(
        (&held["reserved"], &held["captured"]),
        (&json!(150_000), &json!(0))
    );
}

#[tokio::test]
async fn a_yabetoo_intent_shows_its_payment_and_each_charge() {
    let sandbox = Sandbox::start().await;
    let (status, created) = sandbox
        .send(
            sandbox
                .yabetoo(reqwest::Method::POST, "/payment-intents")
                .json(&json!({
                    "amount": 5000, "currency": "xaf", "description": "Order 42",
                    "metadata": { "paymentId": "pay_momo", "order": "INV-42" },
                })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_str().unwrap();
    let held = sandbox.held(id).await;
    assert_eq!(
        (&held["provider"], &held["payment_id"], &held["order"]),
        (&json!("yabetoo"), &json!("pay_momo"), &json!("INV-42"))
    );
    assert_eq!(held["status"], "pending");
    assert_eq!(
        (&held["submitted"], &held["charges"], &held["captured"]),
        (&json!(false), &json!(0), &json!(0))
    );
    assert_eq!(held["action_id"], Value::Null);

    let (status, confirmed) = sandbox
        .send(
            sandbox
                .yabetoo(
                    reqwest::Method::POST,
                    &format!("/payment-intents/{id}/confirm"),
                )
                .json(&json!({
                    "client_secret": created["clientSecret"],
                    "payment_method_data": { "type": "momo", "momo": {
                        "country": "cg", "msisdn": "242066000001", "operator_name": "airtel" } },
                })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let deadline = Instant::now() + Duration::from_secs(5);
    let held = loop {
        let held = sandbox.held(id).await;
        if held["status"] == "succeeded" || Instant::now() > deadline {
            break held;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(held["status"], "succeeded", "{held}");
    assert_eq!(
        (&held["submitted"], &held["charges"], &held["captured"]),
        (&json!(true), &json!(1), &json!(5000)),
        "{held}"
    );
}

#[tokio::test]
async fn the_listing_holds_both_providers_oldest_first_and_filters_by_provider() {
    let sandbox = Sandbox::start().await;
    let (_, yassir) = sandbox.yassir_create("pay_first", "DIRECT").await;
    let (_, yabetoo) = sandbox
        .send(
            sandbox
                .yabetoo(reqwest::Method::POST, "/payment-intents")
                .json(&json!({
                    "amount": 2500, "currency": "xaf", "metadata": { "paymentId": "pay_second" },
                })),
        )
        .await;

    let (status, all) = sandbox.intents("").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let ids: Vec<&Value> = all["intents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|intent| &intent["intent_id"])
        .collect();
    assert_eq!(ids, [&yassir["data"]["paymentId"], &yabetoo["id"]], "{all}");

    let (_, only) = sandbox.intents("?provider=yabetoo").await;
    assert_eq!(only["intents"].as_array().unwrap().len(), 1, "{only}");
    assert_eq!(only["intents"][0]["payment_id"], "pay_second");

    let (status, refused) = sandbox.intents("?provider=stripe").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("`stripe`"),
        "{refused}"
    );
}

#[tokio::test]
async fn settled_intents_are_evicted_after_their_time() {
    let sandbox = Sandbox::start_with(SandboxConfig {
        intent_retention: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await;
    let (_, old_yassir) = sandbox.yassir_create("pay_old", "DIRECT").await;
    let (_, old_yabetoo) = sandbox
        .send(
            sandbox
                .yabetoo(reqwest::Method::POST, "/payment-intents")
                .json(&json!({"amount": 5000, "currency": "xaf"})),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    // The next creates forget what has not changed for longer than the retention.
    let (_, new_yassir) = sandbox.yassir_create("pay_new", "DIRECT").await;
    let (_, new_yabetoo) = sandbox
        .send(
            sandbox
                .yabetoo(reqwest::Method::POST, "/payment-intents")
                .json(&json!({"amount": 5000, "currency": "xaf"})),
        )
        .await;
    let (_, listed) = sandbox.intents("").await;
    let held: Vec<&str> = listed["intents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|intent| intent["intent_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        held,
        vec![
            new_yassir["data"]["paymentId"].as_str().unwrap(),
            new_yabetoo["id"].as_str().unwrap()
        ],
        "{listed}"
    );
    let gone = old_yabetoo["id"].as_str().unwrap();
    let (status, _) = sandbox
        .send(sandbox.yabetoo(reqwest::Method::GET, &format!("/payment-intents/{gone}")))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Its actionId is free again: a new create makes a new intent.
    let (status, again) = sandbox.yassir_create("pay_old", "DIRECT").await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_ne!(again["data"]["paymentId"], old_yassir["data"]["paymentId"]);
}
