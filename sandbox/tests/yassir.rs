//! The Yassir simulator over real HTTP: the documented requests and answers, validation order,
//! the OTP page, the test phones, capture, release, refunds and expiry.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use checkout_sandbox::SandboxConfig;
use reqwest::header::LOCATION;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SLOW_DELAY: Duration = Duration::from_millis(400);

fn fast_config() -> SandboxConfig {
    SandboxConfig {
        public_base_url: None,
        momo_settle_delay: Duration::from_millis(50),
        momo_prompt_timeout: Duration::from_secs(1),
        yassir_intent_ttl: Duration::from_secs(15 * 60),
        slow_delay: SLOW_DELAY,
        return_origins: vec!["https://shop.example".into()],
        ..SandboxConfig::default()
    }
}

fn bearer(id: &str, secret: &str) -> String {
    format!("Bearer {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// A running sandbox and a client that does not follow redirects (the OTP page's 303 is checked).
struct Sandbox {
    /// `http://127.0.0.1:PORT`
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
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { origin, http }
    }

    async fn fast() -> Self {
        Self::start(fast_config()).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}/sandbox/yassir{path}", self.origin)
    }

    /// A request with valid credentials and the required headers.
    fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("Authorization", bearer("test_client", "test_secret"))
            .header("x-platform", "API")
            .header("x-service", "YOUR_SERVICE")
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        read(self.api(reqwest::Method::POST, path).json(&body)).await
    }

    async fn create(&self, action_id: &str, amount: f64, user_id: &str, capture: &str) -> Intent {
        let body = json!({
            "actionId": action_id, "amount": amount, "actionCurrencyCode": "DZD",
            "actionCountryCode": "DZA", "userId": user_id, "captureMethod": capture,
        });
        let (status, answer) = self
            .post("/api/v1/payments/intents?countryCode=DZA", body)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        Intent {
            id: answer["data"]["paymentId"].as_str().unwrap().to_string(),
            secret: answer["data"]["clientSecret"].as_str().unwrap().to_string(),
            created: answer,
        }
    }

    async fn proceed(&self, intent: &Intent) -> (StatusCode, Value) {
        let request = self
            .api(
                reqwest::Method::POST,
                &format!("/api/v1/payments/intents/{}/proceed", intent.id),
            )
            .header("x-client-secret", &intent.secret)
            .json(&json!({ "paymentMethodCode": "WALLET_V2" }));
        read(request).await
    }

    async fn check(&self, intent: &Intent) -> Value {
        let request = self
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/payments/intents/{}/check", intent.id),
            )
            .header("x-client-secret", &intent.secret);
        let (status, answer) = read(request).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        answer
    }

    /// An intent that reached statusCode 13 at once (test phone `…0000002`).
    async fn reserved(&self, action_id: &str, amount: f64) -> Intent {
        let intent = self
            .create(action_id, amount, "+213555000002", "RESERVATION")
            .await;
        let (_, answer) = self.proceed(&intent).await;
        assert_eq!(answer["data"]["statusCode"], 13, "{answer}");
        intent
    }

    /// An intent that was paid at once (test phone `…0000002`).
    async fn paid(&self, action_id: &str, amount: f64) -> Intent {
        let intent = self
            .create(action_id, amount, "+213555000002", "DIRECT")
            .await;
        let (_, answer) = self.proceed(&intent).await;
        assert_eq!(answer["data"]["statusCode"], 2, "{answer}");
        intent
    }

    /// An intent waiting on the OTP page, and its payUrl.
    async fn awaiting_otp(&self, action_id: &str) -> (Intent, String) {
        let intent = self
            .create(action_id, 1500.0, "+213555000001", "DIRECT")
            .await;
        let (_, answer) = self.proceed(&intent).await;
        assert_eq!(answer["data"]["statusCode"], 12, "{answer}");
        let pay_url = answer["data"]["metadata"]["payUrl"]
            .as_str()
            .unwrap()
            .to_string();
        (intent, pay_url)
    }

    /// The OTP page's CSRF token, read from the page of an intent waiting for its code.
    async fn otp_token(&self, request_id: &str) -> String {
        let page = self
            .http
            .get(self.url(&format!("/otp/verify?requestId={request_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        csrf_in(&page.text().await.unwrap())
    }

    /// Posts the OTP form as the page does: with the token of the page of its `requestId`.
    async fn otp_form(&self, form: &[(&str, &str)]) -> reqwest::Response {
        let request_id = form
            .iter()
            .find(|(name, _)| *name == "requestId")
            .map(|(_, id)| *id)
            .unwrap();
        let token = self.otp_token(request_id).await;
        self.otp_post(form, Some(&token)).await
    }

    /// Posts the OTP form with `token`, or without one as another site's page would.
    async fn otp_post(&self, form: &[(&str, &str)], token: Option<&str>) -> reqwest::Response {
        let mut fields = form.to_vec();
        fields.extend(token.map(|token| ("csrf", token)));
        self.http
            .post(self.url("/otp/verify"))
            .form(&fields)
            .send()
            .await
            .unwrap()
    }
}

/// The CSRF token in a page's form.
fn csrf_in(html: &str) -> String {
    let field = r#"name="csrf" value=""#;
    let start = html
        .find(field)
        .unwrap_or_else(|| panic!("no CSRF field: {html}"))
        + field.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}

struct Intent {
    id: String,
    secret: String,
    created: Value,
}

async fn read(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let body =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, body)
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, words: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["code"], expected.as_u16(), "{body}");
    assert_eq!(body["status"], "error", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains(words),
        "`{message}` should mention `{words}`"
    );
}

fn parse_timestamp(text: &str) -> time::OffsetDateTime {
    assert!(
        text.ends_with('Z') && text.len() == 24,
        "not RFC 3339 with ms and Z: {text}"
    );
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

// --- The documented requests, verbatim apart from host and credentials ---

#[tokio::test]
async fn documented_create_request_answers_the_documented_shape() {
    let sandbox = Sandbox::fast().await;
    let response = sandbox
        .http
        .post(sandbox.url("/api/v1/payments/intents?countryCode=DZA"))
        .header("Authorization", bearer("test_client", "test_secret"))
        .header("Content-Type", "application/json")
        .header("x-platform", "API")
        .header("x-service", "YOUR_SERVICE")
        .body(
            r#"{
"actionId": "order_12345",
"amount": 1500.00,
"actionCurrencyCode": "DZD",
"actionCountryCode": "DZA",
"userId": "user_abc123",
"captureMethod": "DIRECT"
}"#,
        );
    let before = time::OffsetDateTime::now_utc();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(keys(&body), ["data", "message"]);
    assert_eq!(body["message"], "payment initiated successfully");
    let data = &body["data"];
    assert_eq!(
        keys(data),
        [
            "amount",
            "clientSecret",
            "currency",
            "expiresAt",
            "paymentId",
            "status"
        ]
    );
    assert_eq!(data["status"], "CREATED");
    assert_eq!(data["amount"].as_f64(), Some(1500.0));
    assert_eq!(data["currency"], "DZD");

    let id = data["paymentId"].as_str().unwrap();
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "paymentId is a UUID: {id}"
    );
    let secret = data["clientSecret"].as_str().unwrap();
    let hex = secret
        .strip_prefix(&format!("pa_{}_secret_", &id[..8]))
        .expect("pa_<id8>_secret_<hex>");
    assert!(
        hex.len() == 24 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{secret}"
    );

    let expires_at = parse_timestamp(data["expiresAt"].as_str().unwrap());
    let lifetime = expires_at - before;
    let slack = time::Duration::seconds(5);
    assert!(
        lifetime >= time::Duration::minutes(15) && lifetime < time::Duration::minutes(15) + slack,
        "{lifetime}"
    );
}

#[tokio::test]
async fn documented_proceed_request_asks_for_otp_with_an_absolute_pay_url() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox
        .create("order_otp", 1500.0, "+213555123456", "DIRECT")
        .await;
    let request = sandbox
        .http
        .post(sandbox.url(&format!("/api/v1/payments/intents/{}/proceed", intent.id)))
        .header("Authorization", bearer("test_client", "test_secret"))
        .header("Content-Type", "application/json")
        .header("x-platform", "API")
        .header("x-service", "YOUR_SERVICE")
        .header("x-client-secret", &intent.secret)
        .header("x-country-code", "DZA")
        .body("{\n\"paymentMethodCode\": \"WALLET_V2\"\n}");
    let (status, body) = read(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "payment proceeded successfully");
    let data = &body["data"];
    assert_eq!(
        keys(data),
        ["metadata", "require3DS", "status", "statusCode"]
    );
    assert_eq!(data["require3DS"], true);
    assert_eq!(data["statusCode"], 12);
    assert_eq!(data["status"], "Require Authentication Action");
    let expected = format!(
        "{}/sandbox/yassir/otp/verify?requestId={}&phone=213555123456&amount=1500&currency=DZD",
        sandbox.origin, intent.id
    );
    assert_eq!(data["metadata"]["payUrl"], expected);

    let (status, again) = sandbox.proceed(&intent).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        again, body,
        "proceeding again while 12 gives the same answer and payUrl"
    );
}

#[tokio::test]
async fn documented_check_request_answers_the_documented_shape() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox.paid("order_check", 1500.0).await;
    let request = sandbox
        .http
        .get(sandbox.url(&format!("/api/v1/payments/intents/{}/check", intent.id)))
        .header("Authorization", bearer("test_client", "test_secret"))
        .header("x-platform", "API")
        .header("x-service", "YOUR_SERVICE")
        .header("x-client-secret", &intent.secret);
    let (status, body) = read(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "payment status retrieved successfully");
    let data = &body["data"];
    assert_eq!(
        keys(data),
        [
            "amount",
            "currencyCode",
            "endUserMessage",
            "lastUpdate",
            "paymentMethodName",
            "statusCode",
            "supportInfo"
        ]
    );
    assert_eq!(data["statusCode"], 2);
    assert_eq!(data["paymentMethodName"], "WALLET_V2");
    assert_eq!(data["amount"], 1500);
    assert_eq!(data["currencyCode"], "DZD");
    assert_eq!(data["endUserMessage"], "Payment completed successfully");
    assert_eq!(
        data["supportInfo"],
        json!({"email": "support@yassir.com", "phoneNumber": "+213000000000"})
    );
    parse_timestamp(data["lastUpdate"].as_str().unwrap());
}

#[tokio::test]
async fn documented_capture_request_captures_part_and_releases_the_rest() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox.reserved("order_reserve", 5000.0).await;
    let request = sandbox
        .http
        .post(sandbox.url(&format!("/api/v1/payments/intents/{}/capture", intent.id)))
        .header("Authorization", bearer("test_client", "test_secret"))
        .header("Content-Type", "application/json")
        .header("x-platform", "API")
        .header("x-service", "YOUR_SERVICE")
        .body("{\n\"amount\": 4500.00\n}");
    let (status, body) = read(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"data": {"status": "The amount was deposited successfully", "statusCode": 2,
            "metaData": {"payUrl": ""}}, "message": "payment captured successfully"})
    );
    assert_eq!(sandbox.check(&intent).await["data"]["statusCode"], 2);

    // Only 4500 was captured: the released 500 cannot be refunded.
    let (status, body) = sandbox
        .post(
            &format!("/api/v1/payments/{}/refund", intent.id),
            json!({"description": "x", "amount": 4500.01}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "refundable balance of 4500.00",
    );

    let (status, body) = sandbox
        .post(
            &format!("/api/v1/payments/intents/{}/capture", intent.id),
            json!({}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "payment is not pre-authorized",
    );
}

#[tokio::test]
async fn capture_of_more_than_reserved_is_refused_and_no_amount_captures_all() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox.reserved("order_capture_all", 5000.0).await;
    let path = format!("/api/v1/payments/intents/{}/capture", intent.id);
    let (status, body) = sandbox.post(&path, json!({"amount": 5000.01})).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "reserved amount of 5000.00",
    );

    let response = sandbox
        .api(reqwest::Method::POST, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "an empty body captures everything"
    );
    let (status, body) = sandbox
        .post(
            &format!("/api/v1/payments/{}/refund", intent.id),
            json!({"description": "all", "amount": 5000}),
        )
        .await;
    assert_eq!(
        (status, body["data"]["statusCode"].clone()),
        (StatusCode::OK, json!(4)),
        "{body}"
    );
}

#[tokio::test]
async fn documented_release_request_reverses_the_reservation() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox.reserved("order_release", 5000.0).await;
    let request = sandbox
        .http
        .post(sandbox.url(&format!("/api/v1/payments/intents/{}/release", intent.id)))
        .header("Authorization", bearer("test_client", "test_secret"))
        .header("Content-Type", "application/json")
        .header("x-platform", "API")
        .header("x-service", "YOUR_SERVICE")
        .body("{}");
    let (status, body) = read(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"data": {"status": "Reversed", "statusCode": 10, "metaData": {"payUrl": ""}},
            "message": "payment released successfully"})
    );
    assert_eq!(sandbox.check(&intent).await["data"]["statusCode"], 10);

    let (status, body) = sandbox
        .post(
            &format!("/api/v1/payments/intents/{}/release", intent.id),
            json!({}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "payment is not pre-authorized",
    );
}

#[tokio::test]
async fn release_of_a_direct_payment_is_refused() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox.paid("order_direct_release", 100.0).await;
    let (status, body) = sandbox
        .post(
            &format!("/api/v1/payments/intents/{}/release", intent.id),
            json!({}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "not pre-authorized");
}

#[tokio::test]
async fn documented_refund_sequence_goes_partial_partial_full_then_is_refused() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox.paid("ORDER_67890", 1500.0).await;
    let path = format!("/api/v1/payments/{}/refund", intent.id);
    let refund = |amount: f64| {
        sandbox
            .http
            .post(sandbox.url(&path))
            .header("Authorization", bearer("test_client", "test_secret"))
            .header("Content-Type", "application/json")
            .header("x-platform", "API")
            .header("x-service", "YOUR_SERVICE")
            .body(format!("{{\n\"description\": \"Partial refund for item return\",\n\"amount\": {amount:.2}\n}}"))
    };

    let (status, body) = read(refund(500.0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"data": {"statusCode": 16, "status": "Transaction was partially refunded",
            "paymentOrderId": "ORDER_67890", "microServiceTransactionId": null,
            "errorMessage": {"internalErrorMessage": null, "providerErrorMessage": null}},
            "message": "Payment refunded successfully"})
    );
    assert_eq!(sandbox.check(&intent).await["data"]["statusCode"], 16);

    let (status, body) = read(refund(1000.01)).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "refund amount exceeds the refundable balance of 1000.00",
    );

    let (_, body) = read(refund(300.0)).await;
    assert_eq!(body["data"]["statusCode"], 16, "{body}");
    let (_, body) = read(refund(700.0)).await;
    assert_eq!(body["data"]["statusCode"], 4, "{body}");
    assert_eq!(body["data"]["status"], "Transaction was refunded");
    assert_eq!(sandbox.check(&intent).await["data"]["statusCode"], 4);

    let (status, body) = read(refund(1.0)).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "already been fully refunded",
    );
}

#[tokio::test]
async fn documented_full_refund_without_amount_refunds_what_remains() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox.paid("order_full_refund", 1500.0).await;
    let path = format!("/api/v1/payments/{}/refund", intent.id);
    let (_, body) = sandbox
        .post(
            &path,
            json!({"description": "Partial refund for item return", "amount": 500.00}),
        )
        .await;
    assert_eq!(body["data"]["statusCode"], 16);
    let request = sandbox
        .http
        .post(sandbox.url(&path))
        .header("Authorization", bearer("test_client", "test_secret"))
        .header("Content-Type", "application/json")
        .header("x-platform", "API")
        .header("x-service", "YOUR_SERVICE")
        .body("{\n\"description\": \"Customer requested full refund\"\n}");
    let (status, body) = read(request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["statusCode"], 4);
}

#[tokio::test]
async fn refund_needs_a_description_and_a_captured_payment() {
    let sandbox = Sandbox::fast().await;
    let paid = sandbox.paid("order_refund_rules", 100.0).await;
    let (status, body) = sandbox
        .post(
            &format!("/api/v1/payments/{}/refund", paid.id),
            json!({"amount": 10}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "description is required",
    );

    let reserved = sandbox.reserved("order_refund_reserved", 100.0).await;
    let (status, body) = sandbox
        .post(
            &format!("/api/v1/payments/{}/refund", reserved.id),
            json!({"description": "x"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "only a captured payment",
    );

    let (status, body) = sandbox
        .post(
            "/api/v1/payments/no-such-payment/refund",
            json!({"description": "x"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "payment intent not found",
    );
}

// --- Authentication, headers and validation, in that order ---

#[tokio::test]
async fn wrong_credentials_are_refused_with_401() {
    let sandbox = Sandbox::fast().await;
    for authorization in [
        Some(bearer("test_client", "wrong_secret")),
        Some(bearer("someone_else", "test_secret")),
        Some("Bearer not-base64!".to_string()),
        Some("Token dGVzdF9jbGllbnQ6dGVzdF9zZWNyZXQ=".to_string()),
        None,
    ] {
        let mut request = sandbox
            .http
            .post(sandbox.url("/api/v1/payments/intents?countryCode=DZA"))
            .header("x-platform", "API")
            .header("x-service", "YOUR_SERVICE")
            .json(&json!({}));
        if let Some(authorization) = &authorization {
            request = request.header("Authorization", authorization);
        }
        let (status, body) = read(request).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{authorization:?}: {body}"
        );
        assert_eq!(body["code"], 401);
        assert_eq!(body["status"], "error");
    }
}

#[tokio::test]
async fn staging_paths_without_prefix_and_basic_auth_work() {
    let sandbox = Sandbox::fast().await;
    let basic = format!("Basic {}", STANDARD.encode("test_client:test_secret"));
    let request = sandbox
        .http
        .post(sandbox.url("/payments/intents?countryCode=MAR"))
        .header("Authorization", basic)
        .header("x-platform", "WEB")
        .header("x-service", "YOUR_SERVICE")
        .json(
            &json!({"actionId": "stg_1", "amount": 99.5, "actionCurrencyCode": "MAD",
            "actionCountryCode": "MAR", "userId": "+212600000001"}),
        );
    let (status, body) = read(request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["amount"].as_f64(), Some(99.5));
    let id = body["data"]["paymentId"].as_str().unwrap();
    let secret = body["data"]["clientSecret"].as_str().unwrap();
    let request = sandbox
        .api(
            reqwest::Method::GET,
            &format!("/payments/intents/{id}/check"),
        )
        .header("x-client-secret", secret);
    let (status, body) = read(request).await;
    assert_eq!(
        (status, body["data"]["statusCode"].clone()),
        (StatusCode::OK, json!(0))
    );
}

#[tokio::test]
async fn missing_or_invalid_headers_are_400_naming_the_header() {
    let sandbox = Sandbox::fast().await;
    let path = sandbox.url("/api/v1/payments/intents?countryCode=DZA");
    let auth = bearer("test_client", "test_secret");
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("x-service", "S")], "x-platform header is required"),
        (
            &[("x-platform", "DESKTOP"), ("x-service", "S")],
            "x-platform header must be one of API, WEB, ANDROID, IOS",
        ),
        (&[("x-platform", "API")], "x-service header is required"),
        (
            &[("x-platform", "API"), ("x-service", " ")],
            "x-service header is required",
        ),
    ];
    for (headers, words) in cases {
        let mut request = sandbox
            .http
            .post(&path)
            .header("Authorization", &auth)
            .json(&json!({}));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (status, body) = read(request).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, words);
    }
}

#[tokio::test]
async fn validation_order_is_auth_then_headers_then_ids_then_body() {
    let sandbox = Sandbox::fast().await;
    // Everything wrong: the credentials are reported first.
    let request = sandbox
        .http
        .post(sandbox.url("/api/v1/payments/intents/nope/proceed"))
        .body("not json");
    let (status, _) = read(request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Good credentials, no headers, unknown id, bad body: the headers come next.
    let request = sandbox
        .http
        .post(sandbox.url("/api/v1/payments/intents/nope/proceed"))
        .header("Authorization", bearer("test_client", "test_secret"))
        .body("not json");
    let (status, body) = read(request).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "x-platform");

    // Headers fine, unknown id, bad body: the id.
    let request = sandbox
        .api(
            reqwest::Method::POST,
            "/api/v1/payments/intents/nope/proceed",
        )
        .header("x-client-secret", "pa_x_secret_y")
        .header("Content-Type", "application/json")
        .body("not json");
    let (status, body) = read(request).await;
    assert_eq!(
        body,
        json!({"code": 404, "status": "error", "message": "payment intent not found"})
    );
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Unknown routes still check credentials first.
    let (status, _) = read(sandbox.http.get(sandbox.url("/api/v1/nothing-here"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = read(sandbox.api(reqwest::Method::GET, "/api/v1/nothing-here")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "route not found");
}

#[tokio::test]
async fn create_validation_errors_name_the_field_and_rule() {
    let sandbox = Sandbox::fast().await;
    let valid = json!({"actionId": "v1", "amount": 1500.00, "actionCurrencyCode": "DZD",
        "actionCountryCode": "DZA", "userId": "+213555000001", "captureMethod": "DIRECT"});
    let with = |key: &str, value: Value| {
        let mut body = valid.clone();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = valid.clone();
        body.as_object_mut().unwrap().remove(key);
        body
    };
    let cases = [
        (
            "?countryCode=DZA",
            without("actionId"),
            "actionId is required",
        ),
        ("?countryCode=DZA", without("amount"), "amount is required"),
        (
            "?countryCode=DZA",
            with("amount", json!(0)),
            "amount must be a number greater than 0",
        ),
        (
            "?countryCode=DZA",
            with("amount", json!(-5)),
            "amount must be a number greater than 0",
        ),
        (
            "?countryCode=DZA",
            with("amount", json!("1500.00")),
            "amount must be a number",
        ),
        (
            "?countryCode=DZA",
            with("amount", json!(10.005)),
            "amount must have at most 2 decimal places",
        ),
        (
            "?countryCode=DZA",
            without("actionCurrencyCode"),
            "actionCurrencyCode is required",
        ),
        (
            "?countryCode=DZA",
            with("actionCurrencyCode", json!("EUR")),
            "actionCurrencyCode must be one of DZD, MAD, USD",
        ),
        (
            "?countryCode=DZA",
            without("actionCountryCode"),
            "actionCountryCode is required",
        ),
        (
            "?countryCode=DZA",
            with("actionCountryCode", json!("DZ")),
            "actionCountryCode must be an ISO 3166-1 alpha-3",
        ),
        ("?countryCode=DZA", without("userId"), "userId is required"),
        (
            "?countryCode=DZA",
            with("userId", json!("")),
            "userId must not be empty",
        ),
        (
            "?countryCode=DZA",
            with("captureMethod", json!("LATER")),
            "captureMethod must be DIRECT or RESERVATION",
        ),
        (
            "?countryCode=DZA",
            with("metaData", json!("x")),
            "metaData must be an object",
        ),
        ("", valid.clone(), "countryCode query parameter is required"),
        (
            "?countryCode=dz",
            valid.clone(),
            "countryCode query parameter must be an ISO 3166-1 alpha-3",
        ),
    ];
    for (query, body, words) in cases {
        let (status, answer) = sandbox
            .post(&format!("/api/v1/payments/intents{query}"), body)
            .await;
        assert_error(status, &answer, StatusCode::BAD_REQUEST, words);
    }

    let no_content_type = sandbox
        .api(
            reqwest::Method::POST,
            "/api/v1/payments/intents?countryCode=DZA",
        )
        .body(valid.to_string());
    let (status, body) = read(no_content_type).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "Content-Type header must be application/json",
    );

    let not_json = sandbox
        .api(
            reqwest::Method::POST,
            "/api/v1/payments/intents?countryCode=DZA",
        )
        .header("Content-Type", "application/json")
        .body("{\"actionId\": ");
    let (status, body) = read(not_json).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "request body is not valid JSON",
    );
}

#[tokio::test]
async fn same_action_id_replays_the_intent_and_a_different_payment_conflicts() {
    let sandbox = Sandbox::fast().await;
    let first = sandbox
        .create("order_idem", 1500.0, "+213555000001", "DIRECT")
        .await;
    let body = json!({"actionId": "order_idem", "amount": 1500.0, "actionCurrencyCode": "DZD",
        "actionCountryCode": "DZA", "userId": "+213555000001"});
    let (status, replay) = sandbox
        .post("/api/v1/payments/intents?countryCode=DZA", body.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    assert_eq!(replay, first.created);

    let mut other_amount = body.clone();
    other_amount["amount"] = json!(1600);
    let (status, answer) = sandbox
        .post("/api/v1/payments/intents?countryCode=DZA", other_amount)
        .await;
    assert_error(
        status,
        &answer,
        StatusCode::CONFLICT,
        "actionId already used for a different payment",
    );

    let mut other_currency = body;
    other_currency["actionCurrencyCode"] = json!("USD");
    let (status, answer) = sandbox
        .post("/api/v1/payments/intents?countryCode=DZA", other_currency)
        .await;
    assert_error(
        status,
        &answer,
        StatusCode::CONFLICT,
        "actionId already used",
    );
}

#[tokio::test]
async fn proceed_needs_the_intents_client_secret_and_wallet_v2() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox
        .create("order_secret", 100.0, "+213555000001", "DIRECT")
        .await;
    let path = format!("/api/v1/payments/intents/{}/proceed", intent.id);

    let request = sandbox
        .api(reqwest::Method::POST, &path)
        .json(&json!({"paymentMethodCode": "WALLET_V2"}));
    let (status, body) = read(request).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "x-client-secret header is required",
    );

    let request = sandbox
        .api(reqwest::Method::POST, &path)
        .header(
            "x-client-secret",
            "pa_00000000_secret_000000000000000000000000",
        )
        .json(&json!({"paymentMethodCode": "WALLET_V2"}));
    let (status, body) = read(request).await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "client secret does not match",
    );

    for method in [json!({"paymentMethodCode": "CARD"}), json!({})] {
        let request = sandbox
            .api(reqwest::Method::POST, &path)
            .header("x-client-secret", &intent.secret)
            .json(&method);
        let (status, body) = read(request).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "paymentMethodCode is required and must be WALLET_V2",
        );
    }

    let request = sandbox
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/payments/intents/{}/check", intent.id),
        )
        .header("x-client-secret", "wrong");
    let (status, body) = read(request).await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "client secret does not match",
    );
}

// --- Customers ---

#[tokio::test]
async fn customers_register_once_and_can_be_looked_up() {
    let sandbox = Sandbox::fast().await;
    let (status, body) = sandbox
        .post(
            "/api/v1/customers",
            json!({"name": "John Doe", "phone": "+213555123456", "isActive": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["code"], 201);
    assert_eq!(body["status"], "success");
    assert_eq!(body["message"], "Successfully created customer");
    assert_eq!(body["data"]["name"], "John Doe");
    assert_eq!(body["data"]["email"], Value::Null);
    assert_eq!(body["data"]["phone"], "+213555123456");
    let id = body["data"]["id"].as_str().unwrap().to_string();

    let (status, duplicate) = sandbox
        .post(
            "/api/v1/customers",
            json!({"name": "Again", "phone": "+213555123456"}),
        )
        .await;
    assert_error(
        status,
        &duplicate,
        StatusCode::CONFLICT,
        "Customer already exists",
    );
    assert_eq!(duplicate["data"]["name"], "John Doe");

    let (status, found) =
        read(sandbox.api(reqwest::Method::GET, &format!("/api/v1/customers/{id}"))).await;
    assert_eq!(
        (status, found["data"]["phone"].clone()),
        (StatusCode::OK, json!("+213555123456"))
    );
    let (status, found) = read(sandbox.api(
        reqwest::Method::GET,
        "/api/v1/customers/search/+213555123456",
    ))
    .await;
    assert_eq!(
        (status, found["data"]["id"].clone()),
        (StatusCode::OK, json!(id))
    );
    let (status, body) = read(sandbox.api(
        reqwest::Method::GET,
        "/api/v1/customers/search/+213999999999",
    ))
    .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "customer not found");

    let (status, body) = sandbox
        .post(
            "/api/v1/customers",
            json!({"name": "Local", "phone": "0555123456"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "phone must be in international format",
    );
    let (status, body) = sandbox
        .post("/api/v1/customers", json!({"phone": "+213555000009"}))
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "name is required");
}

#[tokio::test]
async fn intents_create_their_customer_automatically() {
    let sandbox = Sandbox::fast().await;
    sandbox
        .create("order_auto", 10.0, "+213555777001", "DIRECT")
        .await;
    let (status, body) = read(sandbox.api(
        reqwest::Method::GET,
        "/api/v1/customers/search/+213555777001",
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = sandbox
        .post(
            "/api/v1/customers",
            json!({"name": "Later", "phone": "+213555777001"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

// --- OTP page ---

#[tokio::test]
async fn otp_page_flow_wrong_code_then_right_code_redirects_to_return_url() {
    let sandbox = Sandbox::fast().await;
    let (intent, pay_url) = sandbox.awaiting_otp("order_page").await;
    let return_url = "https://shop.example/return?order=42&x=%2F";
    let page_url = format!(
        "{pay_url}&returnUrl={}",
        "https%3A%2F%2Fshop.example%2Freturn%3Forder%3D42%26x%3D%252F"
    );

    let page = sandbox.http.get(&page_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("1500.00 DZD"), "{html}");
    assert!(html.contains("+213•••••••01"), "masked phone: {html}");
    assert!(html.contains(r#"<label for="code">"#) && html.contains(r#"id="code""#));
    assert!(
        html.contains(r#"value="verify">Verify</button>"#) && html.contains(r#"value="cancel""#)
    );
    assert!(
        html.contains(r#"name="returnUrl" value="https://shop.example/return?order=42&#38;x=%2F""#),
        "{html}"
    );
    let token = csrf_in(&html);

    let form = |code: &'static str, token: &str| {
        vec![
            ("requestId", intent.id.clone()),
            ("code", code.to_string()),
            ("returnUrl", return_url.to_string()),
            ("action", "verify".to_string()),
            ("csrf", token.to_string()),
        ]
    };
    let as_refs = |form: &Vec<(&'static str, String)>| {
        form.iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect::<Vec<_>>()
    };
    let wrong = sandbox
        .http
        .post(sandbox.url("/otp/verify"))
        .form(&as_refs(&form("111111", &token)))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::OK);
    let again = wrong.text().await.unwrap();
    assert!(again.contains("Wrong code, 2 attempts left"));
    assert_eq!(sandbox.check(&intent).await["data"]["statusCode"], 12);
    // The form shown again carries the token too.
    let token = csrf_in(&again);

    let right = sandbox
        .http
        .post(sandbox.url("/otp/verify"))
        .form(&as_refs(&form("123456", &token)))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        right.headers()[LOCATION],
        return_url,
        "returnUrl comes back unchanged"
    );

    let check = sandbox.check(&intent).await;
    assert_eq!(check["data"]["statusCode"], 2, "{check}");
    assert_eq!(
        check["data"]["endUserMessage"],
        "Payment completed successfully"
    );
    let (status, body) = sandbox.proceed(&intent).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "payment intent already processed",
    );
}

#[tokio::test]
async fn otp_999999_is_insufficient_funds() {
    let sandbox = Sandbox::fast().await;
    let (intent, _) = sandbox.awaiting_otp("order_funds").await;
    let response = sandbox
        .otp_form(&[
            ("requestId", &intent.id),
            ("code", "999999"),
            ("returnUrl", "http://localhost/back"),
            ("action", "verify"),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let check = sandbox.check(&intent).await;
    assert_eq!(check["data"]["statusCode"], 3);
    assert_eq!(
        check["data"]["endUserMessage"],
        "Insufficient balance in your Yassir Cash wallet"
    );
}

#[tokio::test]
async fn otp_cancel_rejects_the_payment() {
    let sandbox = Sandbox::fast().await;
    let (intent, _) = sandbox.awaiting_otp("order_cancel").await;
    let response = sandbox
        .otp_form(&[
            ("requestId", &intent.id),
            ("code", ""),
            ("returnUrl", "http://localhost/back"),
            ("action", "cancel"),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "http://localhost/back");
    let check = sandbox.check(&intent).await;
    assert_eq!(check["data"]["statusCode"], 3);
    assert_eq!(
        check["data"]["endUserMessage"],
        "Payment cancelled by the customer"
    );
}

#[tokio::test]
async fn another_sites_form_post_without_the_pages_token_is_refused_and_changes_nothing() {
    let sandbox = Sandbox::fast().await;
    let (intent, pay_url) = sandbox.awaiting_otp("order_csrf").await;
    let cancel = [
        ("requestId", intent.id.as_str()),
        ("code", ""),
        ("returnUrl", "https://shop.example/back"),
        ("action", "cancel"),
    ];
    let guess = [
        ("requestId", intent.id.as_str()),
        ("code", "000000"),
        ("action", "verify"),
    ];
    // Another sandbox's page has a token of its own, which is no token here.
    let other = Sandbox::fast().await;
    let (elsewhere, _) = other.awaiting_otp("order_elsewhere").await;
    let other_token = other.otp_token(&elsewhere.id).await;
    let forged = "A".repeat(32);
    for token in [
        None,
        Some(""),
        Some(forged.as_str()),
        Some(other_token.as_str()),
    ] {
        for form in [&cancel[..], &guess[..]] {
            let refused = sandbox.otp_post(form, token).await;
            assert_eq!(
                refused.status(),
                StatusCode::FORBIDDEN,
                "{token:?} {form:?}"
            );
            assert!(refused.headers().get(LOCATION).is_none());
            let page = refused.text().await.unwrap();
            assert!(page.contains("This form has expired"), "{page}");
            let again = format!(r#"href="verify?requestId={}"#, intent.id);
            assert!(page.contains(&again), "{page}");
        }
    }
    // The link back keeps a return address the page accepts.
    let refused = sandbox.otp_post(&cancel, None).await.text().await.unwrap();
    assert!(
        refused.contains(&format!(
            r#"href="verify?requestId={}&#38;returnUrl=https%3A%2F%2Fshop.example%2Fback""#,
            intent.id
        )),
        "{refused}"
    );
    let check = sandbox.check(&intent).await;
    assert_eq!(check["data"]["statusCode"], 12, "still waiting: {check}");

    // The page's own form, its token read from the page: the guesses above cost no attempt.
    let page = sandbox.http.get(&pay_url).send().await.unwrap();
    let token = csrf_in(&page.text().await.unwrap());
    assert_eq!(token.len(), 32);
    let wrong = sandbox.otp_post(&guess, Some(&token)).await;
    assert_eq!(wrong.status(), StatusCode::OK);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("Wrong code, 2 attempts left"));
    let cancelled = sandbox.otp_post(&cancel, Some(&token)).await;
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    assert_eq!(cancelled.headers()[LOCATION], "https://shop.example/back");
    let check = sandbox.check(&intent).await;
    assert_eq!(check["data"]["statusCode"], 3, "{check}");
    assert_eq!(
        check["data"]["endUserMessage"],
        "Payment cancelled by the customer"
    );
    // Once decided, a post without the token is still refused, not sent on.
    let late = sandbox.otp_post(&cancel, None).await;
    assert_eq!(late.status(), StatusCode::FORBIDDEN);
    assert!(late.headers().get(LOCATION).is_none());

    // And the page's own form verifies.
    let (paying, _) = sandbox.awaiting_otp("order_csrf_paid").await;
    let verified = sandbox
        .otp_form(&[
            ("requestId", &paying.id),
            ("code", "123456"),
            ("returnUrl", "https://shop.example/back"),
            ("action", "verify"),
        ])
        .await;
    assert_eq!(verified.status(), StatusCode::SEE_OTHER);
    assert_eq!(sandbox.check(&paying).await["data"]["statusCode"], 2);
}

#[tokio::test]
async fn three_wrong_codes_reject_the_payment() {
    let sandbox = Sandbox::fast().await;
    let (intent, _) = sandbox.awaiting_otp("order_wrong").await;
    let form = [
        ("requestId", intent.id.as_str()),
        ("code", "000000"),
        ("action", "verify"),
    ];
    let first = sandbox.otp_form(&form).await.text().await.unwrap();
    assert!(first.contains("Wrong code, 2 attempts left"));
    let second = sandbox.otp_form(&form).await.text().await.unwrap();
    assert!(second.contains("Wrong code, 1 attempt left"));
    let third = sandbox.otp_form(&form).await;
    assert_eq!(third.status(), StatusCode::OK);
    let page = third.text().await.unwrap();
    assert!(
        page.contains("Too many wrong codes") && page.contains("You can close this page"),
        "{page}"
    );
    let check = sandbox.check(&intent).await;
    assert_eq!(check["data"]["statusCode"], 3);
    assert_eq!(check["data"]["endUserMessage"], "Too many wrong codes");
}

#[tokio::test]
async fn otp_page_without_return_url_says_the_page_can_be_closed() {
    let sandbox = Sandbox::fast().await;
    let (intent, pay_url) = sandbox.awaiting_otp("order_close").await;
    let page = sandbox
        .http
        .get(&pay_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains(r#"name="returnUrl""#));
    let done = sandbox
        .otp_form(&[
            ("requestId", &intent.id),
            ("code", "123456"),
            ("action", "verify"),
        ])
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let page = done.text().await.unwrap();
    assert!(
        page.contains("Payment confirmed") && page.contains("You can close this page"),
        "{page}"
    );
}

#[tokio::test]
async fn otp_page_shows_an_unknown_action_as_text() {
    let sandbox = Sandbox::fast().await;
    let (intent, _) = sandbox.awaiting_otp("order_bad_action").await;
    let refused = sandbox
        .otp_form(&[
            ("requestId", &intent.id),
            ("code", "123456"),
            ("action", "<script>alert(1)</script>"),
        ])
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("(got “&#60;script&#62;alert(1)&#60;/script&#62;”)"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "{page}");
    let check = sandbox.check(&intent).await;
    assert_eq!(check["data"]["statusCode"], 12, "still waiting: {check}");
}

#[tokio::test]
async fn otp_page_refuses_a_return_url_that_is_not_absolute_http() {
    let sandbox = Sandbox::fast().await;
    let (intent, pay_url) = sandbox.awaiting_otp("order_bad_return").await;
    for bad in ["%2Fcheckout", "javascript%3Aalert(1)"] {
        let page = sandbox
            .http
            .get(format!("{pay_url}&returnUrl={bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::BAD_REQUEST);
        assert!(page
            .text()
            .await
            .unwrap()
            .contains("must be an absolute http:// or https:// URL"));
    }
    let post = sandbox
        .otp_form(&[
            ("requestId", &intent.id),
            ("code", "123456"),
            ("returnUrl", "/relative"),
        ])
        .await;
    assert_eq!(post.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        sandbox.check(&intent).await["data"]["statusCode"],
        12,
        "nothing was decided"
    );

    let unknown = sandbox
        .http
        .get(sandbox.url("/otp/verify?requestId=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn otp_page_uses_the_configured_public_base_url() {
    let sandbox = Sandbox::start(SandboxConfig {
        public_base_url: Some("https://demo.example/".into()),
        ..fast_config()
    })
    .await;
    let (intent, pay_url) = sandbox.awaiting_otp("order_public").await;
    assert!(
        pay_url.starts_with(&format!(
            "https://demo.example/sandbox/yassir/otp/verify?requestId={}&",
            intent.id
        )),
        "{pay_url}"
    );
}

// --- Test phones ---

#[tokio::test]
async fn phone_ending_0000001_and_any_other_number_require_otp() {
    let sandbox = Sandbox::fast().await;
    for (index, phone) in ["+213555000001", "+213661234567", "user_abc123"]
        .iter()
        .enumerate()
    {
        let intent = sandbox
            .create(&format!("otp_{index}"), 10.0, phone, "DIRECT")
            .await;
        let (_, body) = sandbox.proceed(&intent).await;
        assert_eq!(body["data"]["statusCode"], 12, "{phone}: {body}");
    }
}

#[tokio::test]
async fn phone_ending_0000002_succeeds_at_once_in_any_form() {
    let sandbox = Sandbox::fast().await;
    for (index, phone) in ["+213555000002", "213555000002", "+212600000002"]
        .iter()
        .enumerate()
    {
        let intent = sandbox
            .create(&format!("ok_{index}"), 10.0, phone, "DIRECT")
            .await;
        let (status, body) = sandbox.proceed(&intent).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            json!({"data": {"require3DS": false, "statusCode": 2, "status": "The amount was deposited successfully",
                "metadata": {"payUrl": ""}}, "message": "payment proceeded successfully"}),
            "{phone}"
        );
        assert_eq!(sandbox.check(&intent).await["data"]["statusCode"], 2);
    }
}

#[tokio::test]
async fn phone_ending_0000002_pre_authorizes_a_reservation() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox
        .create("reserve_ok", 10.0, "+213555000002", "RESERVATION")
        .await;
    let (_, body) = sandbox.proceed(&intent).await;
    assert_eq!(body["data"]["statusCode"], 13);
    assert_eq!(body["data"]["status"], "Pre-authorized");
    assert_eq!(body["data"]["require3DS"], false);
    assert_eq!(sandbox.check(&intent).await["data"]["statusCode"], 13);
}

#[tokio::test]
async fn phone_ending_0000003_is_rejected_by_the_wallet() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox
        .create("rejected", 10.0, "+213555000003", "DIRECT")
        .await;
    let (_, body) = sandbox.proceed(&intent).await;
    assert_eq!(
        body,
        json!({"data": {"require3DS": false, "statusCode": 3, "status": "Transaction was rejected",
            "metadata": {"payUrl": ""}}, "message": "payment proceeded successfully"})
    );
    let check = sandbox.check(&intent).await;
    assert_eq!(check["data"]["statusCode"], 3);
    assert_eq!(
        check["data"]["endUserMessage"],
        "Transaction was rejected by the wallet"
    );
}

#[tokio::test]
async fn phone_ending_0000004_has_insufficient_funds() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox
        .create("no_funds", 10.0, "+213555000004", "DIRECT")
        .await;
    let (_, body) = sandbox.proceed(&intent).await;
    assert_eq!(body["data"]["statusCode"], 3);
    let check = sandbox.check(&intent).await;
    assert_eq!(
        check["data"]["endUserMessage"],
        "Insufficient balance in your Yassir Cash wallet"
    );
}

#[tokio::test]
async fn phone_ending_0000005_makes_proceed_fail_with_500() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox
        .create("provider_error", 10.0, "+213555000005", "DIRECT")
        .await;
    let (status, body) = sandbox.proceed(&intent).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        json!({"code": 500, "status": "error", "message": "Internal server error"})
    );
    assert_eq!(
        sandbox.check(&intent).await["data"]["statusCode"],
        0,
        "the intent is untouched"
    );
}

#[tokio::test]
async fn phone_ending_0000006_answers_slowly_then_asks_for_otp() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox
        .create("slow", 10.0, "+213555000006", "DIRECT")
        .await;
    let started = Instant::now();
    let (_, body) = sandbox.proceed(&intent).await;
    assert!(
        started.elapsed() >= SLOW_DELAY,
        "answered after {:?}",
        started.elapsed()
    );
    assert_eq!(body["data"]["statusCode"], 12);
}

#[tokio::test]
async fn phone_ending_0000007_expires_ten_seconds_after_creation() {
    let sandbox = Sandbox::fast().await;
    let before = time::OffsetDateTime::now_utc();
    let intent = sandbox
        .create("expiring", 10.0, "+213555000007", "DIRECT")
        .await;
    let expires_at = parse_timestamp(intent.created["data"]["expiresAt"].as_str().unwrap());
    let lifetime = expires_at - before;
    assert!(
        lifetime > time::Duration::seconds(9) && lifetime <= time::Duration::seconds(11),
        "{lifetime}"
    );
    let (_, body) = sandbox.proceed(&intent).await;
    assert_eq!(body["data"]["statusCode"], 12);
}

// --- Expiry ---

#[tokio::test]
async fn an_expired_intent_checks_as_rejected_and_cannot_be_paid() {
    let ttl = Duration::from_millis(300);
    let sandbox = Sandbox::start(SandboxConfig {
        yassir_intent_ttl: ttl,
        ..fast_config()
    })
    .await;
    let untouched = sandbox
        .create("expire_created", 10.0, "+213555000001", "DIRECT")
        .await;
    let (waiting, pay_url) = sandbox.awaiting_otp("expire_waiting").await;
    // The shopper opened the page in time.
    let token = sandbox.otp_token(&waiting.id).await;
    assert_eq!(sandbox.check(&untouched).await["data"]["statusCode"], 0);
    assert_eq!(
        sandbox.check(&untouched).await["data"]["endUserMessage"],
        "Payment initialized"
    );
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;

    for intent in [&untouched, &waiting] {
        let check = sandbox.check(intent).await;
        assert_eq!(check["data"]["statusCode"], 3, "{check}");
        assert!(check["data"].get("status").is_none(), "{check}");
        assert_eq!(
            check["data"]["endUserMessage"],
            "The payment request has expired"
        );
        let (status, body) = sandbox.proceed(intent).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "payment intent expired",
        );
    }

    let page = sandbox.http.get(&pay_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("This payment request has expired"));
    let post = sandbox
        .otp_post(
            &[("requestId", &waiting.id), ("code", "123456")],
            Some(&token),
        )
        .await;
    assert_eq!(post.status(), StatusCode::GONE);
}

#[tokio::test]
async fn a_return_url_of_an_unlisted_origin_is_refused() {
    let sandbox = Sandbox::fast().await;
    let intent = sandbox
        .create("order_open", 1500.0, "+213555000001", "DIRECT")
        .await;
    let (_, answer) = sandbox.proceed(&intent).await;
    let pay_url = answer["data"]["metadata"]["payUrl"]
        .as_str()
        .unwrap()
        .to_string();
    let page = |return_url: &str| {
        let url = format!("{pay_url}&returnUrl={}", urlencode(return_url));
        sandbox.http.get(url).send()
    };
    let refused = page("https://evil.example/phish").await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Return address not allowed"));
    // The form cannot be posted around the page either.
    let request_id = reqwest::Url::parse(&pay_url)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "requestId")
        .unwrap()
        .1
        .to_string();
    let posted = sandbox
        .otp_form(&[
            ("requestId", request_id.as_str()),
            ("code", "123456"),
            ("returnUrl", "https://evil.example/phish"),
            ("action", "verify"),
        ])
        .await;
    assert_eq!(posted.status(), StatusCode::BAD_REQUEST);
    assert!(posted.headers().get(LOCATION).is_none());
    assert_eq!(sandbox.check(&intent).await["data"]["statusCode"], 12);
    // A listed shop, and a shop on loopback, are sent back to.
    let listed = page("https://shop.example/return").await.unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    let local = page("http://localhost:3000/cart").await.unwrap();
    assert_eq!(local.status(), StatusCode::OK);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
