//! The Yabetoo simulator over real HTTP: each test serves the sandbox on a free local port and
//! talks to it with reqwest, as the server's adapter does.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use checkout_sandbox::SandboxConfig;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

const KEY: &str = "sk_test_sandbox";
const SETTLE: Duration = Duration::from_millis(60);

fn quick_config() -> SandboxConfig {
    SandboxConfig {
        momo_settle_delay: SETTLE,
        momo_prompt_timeout: Duration::from_secs(10),
        slow_delay: Duration::from_millis(300),
        ..SandboxConfig::default()
    }
}

#[derive(Clone)]
struct Sandbox {
    base: String,
    http: reqwest::Client,
}

async fn start(config: SandboxConfig) -> Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, checkout_sandbox::router(config))
            .await
            .unwrap()
    });
    Sandbox {
        base: format!("http://{address}/sandbox/yabetoo"),
        http: reqwest::Client::new(),
    }
}

impl Sandbox {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn create_with(&self, body: Value) -> Response {
        self.http
            .post(self.url("/v1/payment-intents"))
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A 5000 XAF intent.
    async fn create(&self) -> Value {
        let response = self
            .create_with(
                json!({ "amount": 5000, "currency": "xaf", "description": "Order 42", "metadata": { "order": "42" } }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    async fn confirm_with(&self, intent_id: &str, body: Value) -> Response {
        self.http
            .post(self.url(&format!("/v1/payment-intents/{intent_id}/confirm")))
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn confirm(&self, intent: &Value, msisdn: &str, operator: &str) -> Response {
        self.confirm_with(
            intent["id"].as_str().unwrap(),
            momo_body(intent, "cg", msisdn, operator),
        )
        .await
    }

    /// Confirm in the background, as a shopper's payment waits while someone answers the phone.
    fn confirm_in_background(
        &self,
        intent: &Value,
        msisdn: &str,
    ) -> tokio::task::JoinHandle<(StatusCode, Value)> {
        let (sandbox, intent, msisdn) = (self.clone(), intent.clone(), msisdn.to_owned());
        tokio::spawn(async move {
            let response = sandbox.confirm(&intent, &msisdn, "mtn").await;
            (response.status(), response.json().await.unwrap())
        })
    }

    async fn retrieve(&self, intent_id: &str) -> Response {
        self.http
            .get(self.url(&format!("/v1/payment-intents/{intent_id}")))
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
    }

    async fn retrieved_status(&self, intent_id: &str) -> String {
        let body: Value = self.retrieve(intent_id).await.json().await.unwrap();
        body["status"].as_str().unwrap().to_owned()
    }

    async fn prompts(&self, msisdn: &str) -> Vec<Value> {
        let response = self
            .http
            .get(self.url("/phone/prompts"))
            .query(&[("msisdn", msisdn)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Waits (up to 5 s) until a prompt for `msisdn` shows on the phone.
    async fn wait_for_prompt(&self, msisdn: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(prompt) = self.prompts(msisdn).await.into_iter().next() {
                return prompt;
            }
            assert!(
                Instant::now() < deadline,
                "no prompt for {msisdn} appeared on the phone"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Approves or declines on the phone, asking for JSON.
    async fn answer(&self, intent_id: &str, answer: &str) -> Response {
        self.http
            .post(self.url(&format!("/phone/prompts/{intent_id}/{answer}")))
            .header("Accept", "application/json")
            .json(&json!({}))
            .send()
            .await
            .unwrap()
    }
}

fn momo_body(intent: &Value, country: &str, msisdn: &str, operator: &str) -> Value {
    json!({
        "client_secret": intent["clientSecret"],
        "payment_method_data": {
            "type": "momo",
            "momo": { "country": country, "msisdn": msisdn, "operator_name": operator }
        }
    })
}

fn keys(body: &Value) -> BTreeSet<&str> {
    body.as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn assert_id(value: &Value, prefix: &str, random_length: usize) {
    let id = value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a string id"));
    let random = id
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{id} does not start with {prefix}"));
    assert_eq!(random.len(), random_length, "{id}");
    assert!(
        random.bytes().all(|byte| byte.is_ascii_alphanumeric()),
        "{id}"
    );
}

/// `2026-02-16T06:51:43.103+00:00`.
fn assert_timestamp(value: &Value) {
    let text = value.as_str().unwrap();
    assert_eq!(text.len(), 29, "{text}");
    assert!(
        text.ends_with("+00:00") && &text[10..11] == "T" && &text[19..20] == ".",
        "{text}"
    );
}

// --- create -------------------------------------------------------------------------------

#[tokio::test]
async fn create_answers_the_documented_camel_case_body() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    assert_eq!(
        keys(&intent),
        BTreeSet::from([
            "amount",
            "currency",
            "description",
            "metadata",
            "accountId",
            "liveMode",
            "label",
            "id",
            "createdAt",
            "updatedAt",
            "clientSecret",
        ])
    );
    assert_eq!(intent["amount"], 5000);
    assert_eq!(intent["currency"], "xaf");
    assert_eq!(intent["description"], "Order 42");
    assert_eq!(intent["metadata"], json!({ "order": "42" }));
    assert!(intent["accountId"]
        .as_str()
        .unwrap()
        .starts_with("acct_sandbox"));
    assert_eq!(intent["liveMode"], false);
    assert_eq!(intent["label"], "payment_intent");
    assert_id(&intent["id"], "pi_", 36);
    let secret_prefix = format!("{}_secret_", intent["id"].as_str().unwrap());
    assert_id(&intent["clientSecret"], &secret_prefix, 36);
    assert_timestamp(&intent["createdAt"]);
    assert_timestamp(&intent["updatedAt"]);
}

#[tokio::test]
async fn create_accepts_a_numeric_string_amount_and_any_currency_case() {
    let sandbox = start(quick_config()).await;
    let response = sandbox
        .create_with(json!({ "amount": "10000", "currency": "XAF" }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let intent: Value = response.json().await.unwrap();
    assert_eq!(intent["amount"], 10000);
    assert_eq!(intent["currency"], "xaf");
}

#[tokio::test]
async fn create_without_currency_answers_the_documented_422() {
    let sandbox = start(quick_config()).await;
    let response = sandbox.create_with(json!({ "amount": 5000 })).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "errors": [{ "rule": "required", "field": "currency", "message": "required validation failed" }] })
    );
}

#[tokio::test]
async fn create_names_the_rule_each_bad_field_breaks() {
    let sandbox = start(quick_config()).await;
    for (body, rule, field) in [
        (json!({ "currency": "xaf" }), "required", "amount"),
        (json!({ "amount": 0, "currency": "xaf" }), "min", "amount"),
        (
            json!({ "amount": 12.5, "currency": "xaf" }),
            "withoutDecimals",
            "amount",
        ),
        (
            json!({ "amount": "lots", "currency": "xaf" }),
            "number",
            "amount",
        ),
        (
            json!({ "amount": 100, "currency": "eur" }),
            "enum",
            "currency",
        ),
        (
            json!({ "amount": 100, "currency": "xaf", "metadata": "x" }),
            "object",
            "metadata",
        ),
    ] {
        let response = sandbox.create_with(body.clone()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let errors: Value = response.json().await.unwrap();
        assert_eq!(errors["errors"][0]["rule"], rule, "{body}");
        assert_eq!(errors["errors"][0]["field"], field, "{body}");
    }
}

#[tokio::test]
async fn create_with_malformed_json_answers_400() {
    let sandbox = start(quick_config()).await;
    let response = sandbox
        .http
        .post(sandbox.url("/v1/payment-intents"))
        .bearer_auth(KEY)
        .header("Content-Type", "application/json")
        .body("{\"amount\":")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "body");
}

// --- authentication and unknown ids -------------------------------------------------------

#[tokio::test]
async fn create_without_the_secret_key_answers_401() {
    let sandbox = start(quick_config()).await;
    let response = sandbox
        .http
        .post(sandbox.url("/v1/payment-intents"))
        .json(&json!({ "amount": 5000, "currency": "xaf" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "error": "Unauthorized" })
    );
}

#[tokio::test]
async fn retrieve_with_a_wrong_key_answers_401_before_looking_up_the_id() {
    let sandbox = start(quick_config()).await;
    let response = sandbox
        .http
        .get(sandbox.url("/v1/payment-intents/pi_unknown"))
        .bearer_auth("sk_test_other")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "error": "Unauthorized" })
    );
}

#[tokio::test]
async fn confirm_with_a_wrong_key_answers_the_documented_401() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let response = sandbox
        .http
        .post(sandbox.url(&format!(
            "/v1/payment-intents/{}/confirm",
            intent["id"].as_str().unwrap()
        )))
        .bearer_auth("sk_live_wrong")
        .json(&momo_body(&intent, "cg", "242066000001", "airtel"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "error": { "message": "Unauthorized", "code": "Unauthorized" } })
    );
}

#[tokio::test]
async fn confirm_of_an_unknown_intent_answers_row_not_found() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let response = sandbox
        .confirm_with(
            "pi_doesnotexist",
            momo_body(&intent, "cg", "242066000001", "airtel"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "message": "Row not found" })
    );
}

#[tokio::test]
async fn retrieve_of_an_unknown_intent_answers_404() {
    let sandbox = start(quick_config()).await;
    let response = sandbox.retrieve("pi_doesnotexist").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "message": "Payment intent not found" })
    );
}

// --- confirm: the documented examples -------------------------------------------------

#[tokio::test]
async fn documented_curl_example_succeeds_with_the_documented_body_once_approved() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let intent_id = intent["id"].as_str().unwrap().to_owned();
    // The documentation's request, with only the host, key and client secret filled in.
    let body = r#"{
    "client_secret": "YOUR_CLIENT_SECRET",
    "first_name": "Jean",
    "last_name": "Dupont",
    "receipt_email": "jean.dupont@example.com",
    "payment_method_data": {
      "type": "momo",
      "momo": {
        "country": "cg",
        "msisdn": "+242123456789",
        "operator_name": "mtn"
      }
    }
  }"#
    .replace(
        "YOUR_CLIENT_SECRET",
        intent["clientSecret"].as_str().unwrap(),
    );
    let request = sandbox
        .http
        .post(sandbox.url(&format!("/v1/payment-intents/{intent_id}/confirm")))
        .header("Content-Type", "application/json")
        .header("Authorization", format!("Bearer {KEY}"))
        .body(body);
    let confirm = tokio::spawn(async move { request.send().await.unwrap() });

    // +242123456789 is no test number: the prompt waits on the phone until someone approves.
    let prompt = sandbox.wait_for_prompt("+242123456789").await;
    assert_eq!(prompt["intentId"], intent_id.as_str());
    assert!(
        !confirm.is_finished(),
        "confirm answered before the shopper did"
    );
    assert_eq!(
        sandbox.answer(&intent_id, "approve").await.status(),
        StatusCode::OK
    );

    let response = confirm.await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let charge: Value = response.json().await.unwrap();
    assert_eq!(
        keys(&charge),
        BTreeSet::from([
            "intentId",
            "financialTransactionId",
            "transactionId",
            "amount",
            "currency",
            "status",
            "captured",
            "externalId",
            "id",
            "createdAt",
            "updatedAt",
            "paymentMethodId",
        ])
    );
    assert_eq!(charge["intentId"], intent_id.as_str());
    assert_eq!(charge["transactionId"], intent_id.as_str());
    assert_eq!(charge["amount"], 5000);
    assert_eq!(charge["currency"], "xaf");
    assert_eq!(charge["status"], "succeeded");
    assert_eq!(charge["captured"], true);
    let financial_id = charge["financialTransactionId"].as_str().unwrap();
    assert!(financial_id.len() == 10 && financial_id.bytes().all(|byte| byte.is_ascii_digit()));
    assert_id(&charge["externalId"], "ext_", 16);
    assert_id(&charge["id"], "ch_", 36);
    assert_id(&charge["paymentMethodId"], "pm_", 36);
    assert_timestamp(&charge["createdAt"]);
    assert_timestamp(&charge["updatedAt"]);
}

#[tokio::test]
async fn timeout_test_number_answers_the_documented_expired_body() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let response = sandbox.confirm(&intent, "46733123453", "mtn").await;
    assert_eq!(response.status(), StatusCode::OK);
    let charge: Value = response.json().await.unwrap();
    assert_eq!(
        keys(&charge),
        BTreeSet::from([
            "intentId",
            "transactionId",
            "amount",
            "currency",
            "status",
            "captured",
            "externalId",
            "failureMessage",
            "failureCode",
            "id",
            "createdAt",
            "updatedAt",
            "paymentMethodId",
        ])
    );
    assert_eq!(charge["status"], "expired");
    assert_eq!(charge["captured"], false);
    assert_eq!(charge["failureMessage"], "Transaction timed out");
    assert_eq!(charge["failureCode"], "Transaction timed out");
}

// --- confirm: validation and refusals -----------------------------------------------------

#[tokio::test]
async fn confirm_with_a_local_number_names_the_msisdn_field() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let response = sandbox.confirm(&intent, "066594470", "mtn").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["field"],
        "payment_method_data.momo.msisdn"
    );
    assert_eq!(body["errors"][0]["rule"], "mobile");
}

#[tokio::test]
async fn confirm_without_payment_method_data_answers_422_required() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let response = sandbox
        .confirm_with(
            intent["id"].as_str().unwrap(),
            json!({ "client_secret": intent["clientSecret"] }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "errors": [{ "rule": "required", "field": "payment_method_data", "message": "required validation failed" }] })
    );
}

#[tokio::test]
async fn confirm_with_another_intents_client_secret_is_not_permitted() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let other = sandbox.create().await;
    let intent_id = intent["id"].as_str().unwrap();
    let response = sandbox
        .confirm_with(intent_id, momo_body(&other, "cg", "242066000001", "airtel"))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], 422);
    assert_eq!(
        body["path"],
        format!("/v1/payment-intents/{intent_id}/confirm")
    );
    assert_timestamp(&body["timestamp"]);
    assert_eq!(body["code"], "E_OPERATION_NOT_PERMITTED");
    assert_eq!(body["message"], "Operation not permitted");
    assert_eq!(
        body["detail"],
        "You are not permitted to perform this operation."
    );
    assert_eq!(sandbox.retrieved_status(intent_id).await, "pending");
}

#[tokio::test]
async fn confirm_after_success_is_not_permitted() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let first: Value = sandbox
        .confirm(&intent, "242066000001", "airtel")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["status"], "succeeded");
    let again = sandbox.confirm(&intent, "242066000001", "airtel").await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        again.json::<Value>().await.unwrap()["code"],
        "E_OPERATION_NOT_PERMITTED"
    );
}

#[tokio::test]
async fn confirm_after_failure_makes_a_new_charge() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let failed: Value = sandbox
        .confirm(&intent, "46733123451", "mtn")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(failed["status"], "failed");
    let retried: Value = sandbox
        .confirm(&intent, "242066000001", "airtel")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(retried["status"], "succeeded");
    assert_ne!(retried["id"], failed["id"]);
    assert_id(&retried["id"], "ch_", 36);
    assert_eq!(
        sandbox
            .retrieved_status(intent["id"].as_str().unwrap())
            .await,
        "succeeded"
    );
}

#[tokio::test]
async fn confirm_after_expiry_makes_a_new_charge() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let expired: Value = sandbox
        .confirm(&intent, "+46733123453", "mtn")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(expired["status"], "expired");
    let retried = sandbox.confirm(&intent, "+46733123454", "mtn").await;
    assert_eq!(retried.status(), StatusCode::OK);
    assert_eq!(
        retried.json::<Value>().await.unwrap()["status"],
        "succeeded"
    );
}

#[tokio::test]
async fn confirm_while_a_prompt_waits_is_not_permitted() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let first = sandbox.confirm_in_background(&intent, "242066594470");
    sandbox.wait_for_prompt("242066594470").await;
    let second = sandbox.confirm(&intent, "242066594470", "mtn").await;
    assert_eq!(second.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        second.json::<Value>().await.unwrap()["code"],
        "E_OPERATION_NOT_PERMITTED"
    );
    sandbox
        .answer(intent["id"].as_str().unwrap(), "approve")
        .await;
    assert_eq!(first.await.unwrap().1["status"], "succeeded");
}

// --- test numbers -------------------------------------------------------------------------

#[tokio::test]
async fn each_documented_test_number_settles_with_its_documented_outcome() {
    let sandbox = start(quick_config()).await;
    for (msisdn, operator, status, failure) in [
        ("242066000001", "airtel", "succeeded", None),
        ("46733123454", "mtn", "succeeded", None),
        (
            "242050017890",
            "airtel",
            "failed",
            Some("Internal processing error"),
        ),
        (
            "46733123450",
            "mtn",
            "failed",
            Some("Internal processing error"),
        ),
        (
            "46733123451",
            "mtn",
            "failed",
            Some("Transaction rejected by the customer"),
        ),
        ("46733123455", "mtn", "failed", Some("Payer not found")),
        (
            "46733123456",
            "mtn",
            "failed",
            Some("Payee not allowed to receive"),
        ),
        (
            "46733123457",
            "mtn",
            "failed",
            Some("Transaction not allowed"),
        ),
        ("46733123452", "mtn", "failed", Some("Transaction expired")),
        (
            "46733123453",
            "mtn",
            "expired",
            Some("Transaction timed out"),
        ),
        ("+242066000001", "airtel", "succeeded", None),
        (
            "+46733123457",
            "mtn",
            "failed",
            Some("Transaction not allowed"),
        ),
    ] {
        let intent = sandbox.create().await;
        let response = sandbox.confirm(&intent, msisdn, operator).await;
        assert_eq!(response.status(), StatusCode::OK, "{msisdn}");
        let charge: Value = response.json().await.unwrap();
        assert_eq!(charge["status"], status, "{msisdn}");
        assert_eq!(charge["captured"], status == "succeeded", "{msisdn}");
        // Free text, the same in both fields, as in the document's one failure.
        assert_eq!(charge["failureCode"].as_str(), failure, "{msisdn}");
        assert_eq!(charge["failureMessage"].as_str(), failure, "{msisdn}");
        assert_eq!(
            charge.get("financialTransactionId").is_some(),
            status == "succeeded",
            "{msisdn}"
        );
        let retrieved: Value = sandbox
            .retrieve(intent["id"].as_str().unwrap())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(retrieved["status"], status, "{msisdn}");
        assert_eq!(retrieved["captured"], status == "succeeded", "{msisdn}");
        assert_eq!(retrieved["failureCode"].as_str(), failure, "{msisdn}");
        assert_eq!(retrieved["failureMessage"].as_str(), failure, "{msisdn}");
    }
}

#[tokio::test]
async fn test_numbers_ignore_which_operator_is_named() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let charge: Value = sandbox
        .confirm(&intent, "242066000001", "mtn")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(charge["status"], "succeeded");
}

#[tokio::test]
async fn payer_delayed_number_takes_twice_the_settle_delay() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let started = Instant::now();
    let charge: Value = sandbox
        .confirm(&intent, "46733123454", "mtn")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(charge["status"], "succeeded");
    assert!(
        started.elapsed() >= SETTLE * 2,
        "settled after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn pending_number_answers_at_once_then_the_intent_succeeds() {
    let config = SandboxConfig {
        momo_settle_delay: Duration::from_millis(400),
        ..quick_config()
    };
    let sandbox = start(config).await;
    let intent = sandbox.create().await;
    let intent_id = intent["id"].as_str().unwrap();
    assert_eq!(sandbox.retrieved_status(intent_id).await, "pending");

    let charge: Value = sandbox
        .confirm(&intent, "242069000001", "mtn")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(charge["status"], "pending");
    assert_eq!(charge["captured"], false);
    assert!(charge.get("failureCode").is_none() && charge.get("financialTransactionId").is_none());
    let processing: Value = sandbox.retrieve(intent_id).await.json().await.unwrap();
    assert_eq!(processing["status"], "processing");
    assert_eq!(processing["captured"], false);

    let deadline = Instant::now() + Duration::from_secs(5);
    let retrieved = loop {
        let retrieved: Value = sandbox.retrieve(intent_id).await.json().await.unwrap();
        if retrieved["status"] != "processing" {
            break retrieved;
        }
        assert!(Instant::now() < deadline, "the intent never settled");
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(retrieved["status"], "succeeded");
    assert_eq!(retrieved["captured"], true);
    assert_eq!(retrieved["chargeId"], charge["id"]);
    assert!(retrieved.get("failureCode").is_none());
}

#[tokio::test]
async fn low_balance_number_fails_for_insufficient_funds() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let charge: Value = sandbox
        .confirm(&intent, "242069000002", "airtel")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(charge["status"], "failed");
    assert_eq!(charge["failureCode"], "Insufficient funds");
    assert_eq!(charge["failureMessage"], "Insufficient funds");
}

#[tokio::test]
async fn server_error_number_answers_500_and_changes_nothing() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let response = sandbox.confirm(&intent, "242069000500", "mtn").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "status": 500, "code": "E_INTERNAL", "message": "Internal server error" })
    );
    assert_eq!(
        sandbox
            .retrieved_status(intent["id"].as_str().unwrap())
            .await,
        "pending"
    );
}

#[tokio::test]
async fn slow_number_answers_after_the_slow_delay() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let started = Instant::now();
    let charge: Value = sandbox
        .confirm(&intent, "242069000504", "mtn")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(charge["status"], "succeeded");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "answered after {:?}",
        started.elapsed()
    );
}

// --- the phone ----------------------------------------------------------------------------

#[tokio::test]
async fn approving_on_the_phone_releases_the_blocked_confirm_with_success() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let intent_id = intent["id"].as_str().unwrap();
    let confirm = sandbox.confirm_in_background(&intent, "+242066594470");

    let prompt = sandbox.wait_for_prompt("242066594470").await;
    assert_eq!(prompt["intentId"], intent_id);
    assert_eq!(prompt["msisdn"], "+242066594470");
    assert_eq!(prompt["operator"], "mtn");
    assert_eq!(prompt["amount"], 5000);
    assert_eq!(prompt["currency"], "xaf");
    assert_timestamp(&prompt["expiresAt"]);
    assert_eq!(sandbox.retrieved_status(intent_id).await, "processing");

    let approved = sandbox.answer(intent_id, "approve").await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(
        approved.json::<Value>().await.unwrap()["status"],
        "succeeded"
    );
    let (status, charge) = confirm.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(charge["status"], "succeeded");
    assert!(sandbox.prompts("242066594470").await.is_empty());
}

#[tokio::test]
async fn declining_on_the_phone_fails_the_confirm_with_approval_rejected() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let confirm = sandbox.confirm_in_background(&intent, "242055000001");
    sandbox.wait_for_prompt("242055000001").await;

    let declined = sandbox
        .answer(intent["id"].as_str().unwrap(), "decline")
        .await;
    assert_eq!(declined.status(), StatusCode::OK);
    let (_, charge) = confirm.await.unwrap();
    assert_eq!(charge["status"], "failed");
    assert_eq!(charge["captured"], false);
    assert_eq!(
        charge["failureCode"],
        "Transaction rejected by the customer"
    );
}

#[tokio::test]
async fn unanswered_prompt_expires_with_timeout() {
    let config = SandboxConfig {
        momo_prompt_timeout: Duration::from_millis(300),
        ..quick_config()
    };
    let sandbox = start(config).await;
    let intent = sandbox.create().await;
    let charge: Value = sandbox
        .confirm(&intent, "242066594470", "mtn")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(charge["status"], "expired");
    assert_eq!(charge["failureMessage"], "Transaction timed out");
    assert_eq!(charge["failureCode"], "Transaction timed out");
    assert!(sandbox.prompts("242066594470").await.is_empty());
    let late = sandbox
        .answer(intent["id"].as_str().unwrap(), "approve")
        .await;
    assert_eq!(late.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cameroon_numbers_wait_on_the_phone_too() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let (sandbox2, intent2) = (sandbox.clone(), intent.clone());
    let confirm = tokio::spawn(async move {
        let id = intent2["id"].as_str().unwrap().to_owned();
        sandbox2
            .confirm_with(&id, momo_body(&intent2, "cm", "+237670000001", "mtn"))
            .await
            .json::<Value>()
            .await
    });
    sandbox.wait_for_prompt("237670000001").await;
    sandbox
        .answer(intent["id"].as_str().unwrap(), "approve")
        .await;
    assert_eq!(confirm.await.unwrap().unwrap()["status"], "succeeded");
}

#[tokio::test]
async fn answering_an_unknown_prompt_answers_404() {
    let sandbox = start(quick_config()).await;
    let response = sandbox.answer("pi_doesnotexist", "approve").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let intent = sandbox.create().await;
    let unconfirmed = sandbox
        .answer(intent["id"].as_str().unwrap(), "decline")
        .await;
    assert_eq!(unconfirmed.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn phone_page_lists_prompts_and_its_form_approves_then_returns_to_the_page() {
    let sandbox = start(quick_config()).await;
    let intent = sandbox.create().await;
    let intent_id = intent["id"].as_str().unwrap();
    let confirm = sandbox.confirm_in_background(&intent, "242066594470");
    sandbox.wait_for_prompt("242066594470").await;

    let page = sandbox
        .http
        .get(sandbox.url("/phone"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("http-equiv=\"refresh\" content=\"2\""));
    assert!(
        html.contains("242066594470")
            && html.contains("5\u{a0}000 XAF")
            && html.contains("Order 42")
    );
    let approve_action = format!("action=\"/sandbox/yabetoo/phone/prompts/{intent_id}/approve\"");
    assert!(html.contains(&approve_action), "{html}");

    let filtered = sandbox
        .http
        .get(sandbox.url("/phone?msisdn=237670000001"))
        .send()
        .await
        .unwrap();
    assert!(!filtered.text().await.unwrap().contains(intent_id));

    // A browser posts the form, then follows the 303 back to the page.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Without the page's CSRF token (another site's form, a stale page): refused.
    for body in ["", "csrf=forged"] {
        let forged = no_redirects
            .post(sandbox.url(&format!("/phone/prompts/{intent_id}/approve")))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    }
    // A cross-site script cannot send JSON here without a preflight, which gets no CORS answer.
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let posted = no_redirects
        .post(sandbox.url(&format!("/phone/prompts/{intent_id}/approve")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert_eq!(posted.headers()["location"], "/sandbox/yabetoo/phone");
    assert_eq!(confirm.await.unwrap().1["status"], "succeeded");

    let html = sandbox
        .http
        .get(sandbox.url("/phone"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("No prompt is waiting."));
}

#[tokio::test]
async fn test_numbers_never_wait_on_the_phone() {
    let config = SandboxConfig {
        momo_settle_delay: Duration::from_millis(300),
        ..quick_config()
    };
    let sandbox = start(config).await;
    let intent = sandbox.create().await;
    let confirm = sandbox.confirm_in_background(&intent, "242066000001");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(sandbox.prompts("").await.is_empty());
    assert_eq!(
        sandbox
            .answer(intent["id"].as_str().unwrap(), "decline")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(confirm.await.unwrap().1["status"], "succeeded");
}
