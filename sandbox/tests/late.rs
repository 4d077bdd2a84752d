//! `POST /sandbox/intents/{intent_id}/succeed` over real HTTP: the shopper's or the operator's
//! late word, after the merchant's server gave up, on both providers; refused for an intent
//! that is final in another way.

use std::time::Duration;

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
    async fn start(config: SandboxConfig) -> Self {
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

    async fn quick() -> Self {
        Self::start(SandboxConfig {
            momo_settle_delay: Duration::from_millis(50),
            ..SandboxConfig::default()
        })
        .await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        (status, body)
    }

    async fn succeed(&self, intent_id: &str) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(format!(
                    "{}/sandbox/intents/{intent_id}/succeed",
                    self.origin
                ))
                .json(&serde_json::json!({})),
        )
        .await
    }

    // --- Yassir ---

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

    /// A Yassir intent of `phone`: its id and client secret.
    async fn yassir_intent(&self, phone: &str, capture: &str) -> (String, String) {
        let (status, created) = self
            .send(
                self.yassir(reqwest::Method::POST, "/payments/intents?countryCode=DZA")
                    .json(&json!({
                        "actionId": format!("order_{phone}_{capture}_{}", uuid::Uuid::new_v4()),
                        "amount": 1500.00, "actionCurrencyCode": "DZD",
                        "actionCountryCode": "DZA", "userId": phone, "captureMethod": capture,
                    })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        (
            created["data"]["paymentId"].as_str().unwrap().into(),
            created["data"]["clientSecret"].as_str().unwrap().into(),
        )
    }

    async fn proceed(&self, (id, secret): &(String, String)) -> Value {
        let (status, body) = self
            .send(
                self.yassir(
                    reqwest::Method::POST,
                    &format!("/payments/intents/{id}/proceed"),
                )
                .header("x-client-secret", secret)
                .json(&json!({ "paymentMethodCode": "WALLET_V2" })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].clone()
    }

    async fn check(&self, (id, secret): &(String, String)) -> Value {
        let (status, body) = self
            .send(
                self.yassir(
                    reqwest::Method::GET,
                    &format!("/payments/intents/{id}/check"),
                )
                .header("x-client-secret", secret),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].clone()
    }

    // --- Yabetoo ---

    fn yabetoo(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/sandbox/yabetoo/v1{path}", self.origin))
            .bearer_auth("sk_test_sandbox")
    }

    async fn yabetoo_intent(&self) -> Value {
        let (status, created) = self
            .send(
                self.yabetoo(reqwest::Method::POST, "/payment-intents")
                    .json(&json!({ "amount": 5000, "currency": "xaf" })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{created}");
        created
    }

    fn confirm(&self, intent: &Value, msisdn: &str) -> reqwest::RequestBuilder {
        self.yabetoo(
            reqwest::Method::POST,
            &format!(
                "/payment-intents/{}/confirm",
                intent["id"].as_str().unwrap()
            ),
        )
        .json(&json!({
            "client_secret": intent["clientSecret"],
            "payment_method_data": { "type": "momo", "momo": {
                "country": "cg", "msisdn": msisdn, "operator_name": "mtn" } },
        }))
    }

    async fn retrieve(&self, intent: &Value) -> Value {
        let (status, body) = self
            .send(self.yabetoo(
                reqwest::Method::GET,
                &format!("/payment-intents/{}", intent["id"].as_str().unwrap()),
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Waits (up to 3 s) until retrieve says `wanted`.
    async fn wait_for(&self, intent: &Value, wanted: &str) {
        for _ in 0..150 {
            if self.retrieve(intent).await["status"] == wanted {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the intent never became {wanted}");
    }
}

#[tokio::test]
async fn a_yassir_intent_awaiting_its_otp_succeeds_late() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    assert_eq!(sandbox.proceed(&intent).await["statusCode"], 12);

    let (status, held) = sandbox.succeed(&intent.0).await;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(
        (
            &held["provider"],
            &held["intent_id"],
            &held["status"],
            &held["status_code"]
        ),
        (
            &json!("yassir"),
            &json!(intent.0),
            &json!("succeeded"),
            &json!(2)
        ),
        "{held}"
    );
    assert_eq!(held["captured"], 150_000);
    let checked = sandbox.check(&intent).await;
    assert_eq!(checked["statusCode"], 2, "{checked}");
    assert_eq!(checked["endUserMessage"], "Payment completed successfully");

    // Again: the same answer, nothing more (but the check just made).
    let (status, mut again) = sandbox.succeed(&intent.0).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["checks"].take(), 1);
    let mut held = held;
    held["checks"] = json!(null);
    assert_eq!(again, held);
}

#[tokio::test]
async fn a_yassir_reservation_is_reserved_late() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yassir_intent("+213555000001", "RESERVATION").await;
    sandbox.proceed(&intent).await;
    let (status, held) = sandbox.succeed(&intent.0).await;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(
        (
            &held["status"],
            &held["status_code"],
            &held["reserved"],
            &held["captured"]
        ),
        (
            &json!("pre_authorized"),
            &json!(13),
            &json!(150_000),
            &json!(0)
        ),
        "{held}"
    );
    assert_eq!(sandbox.check(&intent).await["statusCode"], 13);
}

#[tokio::test]
async fn a_yassir_intent_past_its_expiry_still_succeeds_late() {
    let sandbox = Sandbox::start(SandboxConfig {
        yassir_intent_ttl: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await;
    let intent = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    assert_eq!(sandbox.proceed(&intent).await["statusCode"], 12);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = sandbox.check(&intent).await;
    assert_eq!(expired["statusCode"], 3, "{expired}");
    assert_eq!(expired["endUserMessage"], "The payment request has expired");

    let (status, held) = sandbox.succeed(&intent.0).await;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(held["status_code"], 2, "{held}");
    assert_eq!(sandbox.check(&intent).await["statusCode"], 2);
}

#[tokio::test]
async fn a_yassir_intent_final_otherwise_or_never_proceeded_is_refused() {
    let sandbox = Sandbox::quick().await;
    let untouched = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    let (status, body) = sandbox.succeed(&untouched.0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("never proceeded"),
        "{body}"
    );
    assert_eq!(sandbox.check(&untouched).await["statusCode"], 0);

    let rejected = sandbox.yassir_intent("+213555000003", "DIRECT").await;
    assert_eq!(sandbox.proceed(&rejected).await["statusCode"], 3);
    let (status, body) = sandbox.succeed(&rejected.0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body,
        json!({"error": "the intent is already final: statusCode 3 (failed)"})
    );

    let refunded = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox.proceed(&refunded).await;
    let (status, _) = sandbox
        .send(
            sandbox
                .yassir(
                    reqwest::Method::POST,
                    &format!("/payments/{}/refund", refunded.0),
                )
                .json(&json!({ "description": "returned" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = sandbox.succeed(&refunded.0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("statusCode 4"),
        "{body}"
    );

    let (status, body) = sandbox.succeed("no-such-intent").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(
        body,
        json!({"error": "there is no intent with id `no-such-intent`"})
    );
}

#[tokio::test]
async fn a_yabetoo_charge_on_the_phone_succeeds_late_and_its_confirm_hears_it() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    let confirm = tokio::spawn(sandbox.confirm(&intent, "+242066594470").send());
    sandbox.wait_for(&intent, "processing").await;

    let (status, held) = sandbox.succeed(intent["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(
        (
            &held["provider"],
            &held["status"],
            &held["captured"],
            &held["charges"]
        ),
        (
            &json!("yabetoo"),
            &json!("succeeded"),
            &json!(5000),
            &json!(1)
        ),
        "{held}"
    );
    let charge: Value = confirm.await.unwrap().unwrap().json().await.unwrap();
    assert_eq!(
        (&charge["status"], &charge["captured"]),
        (&json!("succeeded"), &json!(true)),
        "{charge}"
    );
    assert!(charge.get("financialTransactionId").is_some(), "{charge}");
    let retrieved = sandbox.retrieve(&intent).await;
    assert_eq!(
        (&retrieved["status"], &retrieved["captured"]),
        (&json!("succeeded"), &json!(true))
    );
    let (status, again) = sandbox.succeed(intent["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        (&again["status"], &again["captured"], &again["charges"]),
        (&held["status"], &held["captured"], &held["charges"])
    );
}

#[tokio::test]
async fn a_pending_yabetoo_charge_succeeds_late() {
    let sandbox = Sandbox::start(SandboxConfig {
        momo_settle_delay: Duration::from_secs(30),
        ..SandboxConfig::default()
    })
    .await;
    let intent = sandbox.yabetoo_intent().await;
    let (status, charge) = sandbox.send(sandbox.confirm(&intent, "242069000001")).await;
    assert_eq!(
        (status, &charge["status"]),
        (StatusCode::OK, &json!("pending"))
    );
    let (status, held) = sandbox.succeed(intent["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(sandbox.retrieve(&intent).await["status"], "succeeded");
}

#[tokio::test]
async fn a_yabetoo_intent_final_otherwise_or_never_confirmed_is_refused() {
    let sandbox = Sandbox::quick().await;
    let untouched = sandbox.yabetoo_intent().await;
    let (status, body) = sandbox.succeed(untouched["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("never confirmed"),
        "{body}"
    );

    let failed = sandbox.yabetoo_intent().await;
    let (_, charge) = sandbox.send(sandbox.confirm(&failed, "46733123451")).await;
    assert_eq!(charge["status"], "failed", "{charge}");
    let (status, body) = sandbox.succeed(failed["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body,
        json!({"error": "the intent's latest charge is already final: failed"})
    );
    assert_eq!(sandbox.retrieve(&failed).await["status"], "failed");
}
