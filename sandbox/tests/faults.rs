//! The fault switch over real HTTP: each fault on both providers, `before` (the provider does
//! not do the work) against `after` (it does, and the answer is lost or spoiled), count and
//! share, the control API and `SANDBOX_FAULTS`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use checkout_sandbox::faults::{Fault, Operation, Phase, Provider};
use checkout_sandbox::{FaultRule, SandboxConfig};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};

const SETTLE: Duration = Duration::from_millis(50);
/// What the clients of the timeout tests wait before giving up.
const CLIENT_PATIENCE: Duration = Duration::from_millis(300);

fn config() -> SandboxConfig {
    SandboxConfig {
        momo_settle_delay: SETTLE,
        momo_prompt_timeout: Duration::from_secs(5),
        slow_delay: Duration::from_millis(300),
        ..SandboxConfig::default()
    }
}

/// One answer, whatever its body.
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text))
    }
}

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
        Self::start(config()).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    // --- the control API ---

    async fn add_fault(&self, rule: Value) -> Answer {
        send(self.http.post(self.url("/sandbox/faults")).json(&rule)).await
    }

    /// Adds a rule that must be valid; answers its id.
    async fn fault(&self, rule: Value) -> u64 {
        let answer = self.add_fault(rule).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.json()["id"].as_u64().unwrap()
    }

    async fn faults(&self) -> Vec<Value> {
        let answer = send(self.http.get(self.url("/sandbox/faults"))).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.json()["faults"].as_array().unwrap().clone()
    }

    async fn fired(&self, id: u64) -> u64 {
        let answer = send(self.http.get(self.url(&format!("/sandbox/faults/{id}")))).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.json()["fired"].as_u64().unwrap()
    }

    // --- Yassir ---

    fn yassir(&self, method: Method, path: &str) -> RequestBuilder {
        let credentials = STANDARD.encode("test_client:test_secret");
        self.http
            .request(method, self.url(&format!("/sandbox/yassir{path}")))
            .header("Authorization", format!("Bearer {credentials}"))
            .header("x-platform", "API")
            .header("x-service", "YOUR_SERVICE")
    }

    fn yassir_create_request(&self, action_id: &str, phone: &str, capture: &str) -> RequestBuilder {
        self.yassir(Method::POST, "/api/v1/payments/intents?countryCode=DZA")
            .json(&json!({
                "actionId": action_id, "amount": 1500.0, "actionCurrencyCode": "DZD",
                "actionCountryCode": "DZA", "userId": phone, "captureMethod": capture,
            }))
    }

    async fn yassir_intent(&self, phone: &str, capture: &str) -> YassirIntent {
        let action_id = format!("order_{}", uuid());
        let answer = send(self.yassir_create_request(&action_id, phone, capture)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        let data = &answer.json()["data"];
        YassirIntent {
            id: data["paymentId"].as_str().unwrap().into(),
            secret: data["clientSecret"].as_str().unwrap().into(),
        }
    }

    fn proceed_request(&self, intent: &YassirIntent) -> RequestBuilder {
        self.yassir(
            Method::POST,
            &format!("/api/v1/payments/intents/{}/proceed", intent.id),
        )
        .header("x-client-secret", &intent.secret)
        .json(&json!({ "paymentMethodCode": "WALLET_V2" }))
    }

    async fn proceed(&self, intent: &YassirIntent) -> Answer {
        send(self.proceed_request(intent)).await
    }

    fn check_request(&self, intent: &YassirIntent, prefix: &str) -> RequestBuilder {
        self.yassir(
            Method::GET,
            &format!("{prefix}/payments/intents/{}/check", intent.id),
        )
        .header("x-client-secret", &intent.secret)
    }

    async fn check(&self, intent: &YassirIntent) -> Answer {
        send(self.check_request(intent, "/api/v1")).await
    }

    /// The intent's statusCode as Check reports it, with no fault in the way.
    async fn status_code(&self, intent: &YassirIntent) -> u64 {
        let answer = self.check(intent).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.json()["data"]["statusCode"].as_u64().unwrap()
    }

    /// Waits (up to 3 s) for the intent to reach statusCode `wanted`.
    async fn wait_for_status_code(&self, intent: &YassirIntent, wanted: u64) {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let code = self.status_code(intent).await;
            if code == wanted {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the intent stayed at {code}, not {wanted}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    // --- Yabetoo ---

    fn yabetoo(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(&format!("/sandbox/yabetoo{path}")))
            .bearer_auth("sk_test_sandbox")
    }

    fn yabetoo_create_request(&self) -> RequestBuilder {
        self.yabetoo(Method::POST, "/v1/payment-intents")
            .json(&json!({ "amount": 5000, "currency": "xaf", "description": "Order 42" }))
    }

    async fn yabetoo_intent(&self) -> Value {
        let answer = send(self.yabetoo_create_request()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.json()
    }

    fn confirm_request(&self, intent: &Value, msisdn: &str) -> RequestBuilder {
        self.yabetoo(
            Method::POST,
            &format!(
                "/v1/payment-intents/{}/confirm",
                intent["id"].as_str().unwrap()
            ),
        )
        .json(&json!({
            "client_secret": intent["clientSecret"],
            "payment_method_data": {
                "type": "momo",
                "momo": { "country": "cg", "msisdn": msisdn, "operator_name": "airtel" }
            }
        }))
    }

    async fn confirm(&self, intent: &Value, msisdn: &str) -> Answer {
        send(self.confirm_request(intent, msisdn)).await
    }

    fn retrieve_request(&self, intent: &Value) -> RequestBuilder {
        self.yabetoo(
            Method::GET,
            &format!("/v1/payment-intents/{}", intent["id"].as_str().unwrap()),
        )
    }

    async fn retrieve(&self, intent: &Value) -> Answer {
        send(self.retrieve_request(intent)).await
    }

    /// The intent's status as retrieve reports it, with no fault in the way.
    async fn yabetoo_status(&self, intent: &Value) -> String {
        let answer = self.retrieve(intent).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.json()["status"].as_str().unwrap().into()
    }

    /// Waits (up to 3 s) for the intent to reach `wanted`.
    async fn wait_for_yabetoo_status(&self, intent: &Value, wanted: &str) {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let status = self.yabetoo_status(intent).await;
            if status == wanted {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the intent stayed {status}, not {wanted}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

struct YassirIntent {
    id: String,
    secret: String,
}

async fn send(request: RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

/// The CSRF token in a sandbox page's form.
fn csrf_in(html: &str) -> String {
    let field = r#"name="csrf" value=""#;
    let start = html
        .find(field)
        .unwrap_or_else(|| panic!("no CSRF field: {html}"))
        + field.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}

/// The request fails in transport: no answer, or an answer whose body breaks off.
async fn transport_error(request: RequestBuilder) -> reqwest::Error {
    let error = match request.send().await {
        Err(error) => error,
        Ok(response) => match response.bytes().await {
            Err(error) => error,
            Ok(body) => panic!("the body arrived whole: {body:?}"),
        },
    };
    assert!(!error.is_timeout(), "{error}");
    error
}

/// The request is given up by the client after [`CLIENT_PATIENCE`].
async fn client_timeout(request: RequestBuilder) {
    let error = request
        .timeout(CLIENT_PATIENCE)
        .send()
        .await
        .expect_err("the answer should come too late");
    assert!(error.is_timeout(), "{error}");
}

fn uuid() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

// --- The control API ---

#[tokio::test]
async fn a_rule_is_added_with_its_defaults_listed_and_removed() {
    let sandbox = Sandbox::quick().await;
    let added = sandbox
        .add_fault(json!({"provider": "yassir", "operation": "check", "fault": "latency"}))
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let rule = added.json();
    assert_eq!(
        rule,
        json!({"id": 1, "provider": "yassir", "operation": "check", "fault": "latency",
            "phase": "before", "share": 1.0, "delay_ms": 2000, "fired": 0})
    );
    assert_eq!(added.headers["location"], "/sandbox/faults/1");

    let second = sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "reset",
            "phase": "after", "count": 1}),
        )
        .await;
    assert_eq!(second, 2);
    let listed = sandbox.faults().await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0], rule);
    assert_eq!(
        listed[1],
        json!({"id": 2, "provider": "yabetoo", "operation": "confirm", "fault": "reset",
            "phase": "after", "count": 1, "share": 1.0, "fired": 0})
    );

    let removed = send(sandbox.http.delete(sandbox.url("/sandbox/faults/1"))).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let again = send(sandbox.http.delete(sandbox.url("/sandbox/faults/1"))).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.json()["error"].as_str().unwrap().contains("id `1`"));
    let missing = send(sandbox.http.get(sandbox.url("/sandbox/faults/nine"))).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(sandbox.faults().await.len(), 1);

    let cleared = send(sandbox.http.delete(sandbox.url("/sandbox/faults"))).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    assert!(sandbox.faults().await.is_empty());
    assert_eq!(
        sandbox
            .fault(json!({"provider": "yassir", "operation": "*", "fault": "reset"}))
            .await,
        3,
        "ids are never reused"
    );
}

#[tokio::test]
async fn bad_rules_are_refused_with_the_reason() {
    let sandbox = Sandbox::quick().await;
    let cases = [
        (
            json!({"provider": "paypal", "operation": "create", "fault": "reset"}),
            "unknown provider `paypal`",
        ),
        (
            json!({"provider": "yassir", "operation": "confirm", "fault": "reset"}),
            "`confirm` is not a yassir operation",
        ),
        (
            json!({"provider": "yabetoo", "operation": "proceed", "fault": "reset"}),
            "`proceed` is not a yabetoo operation (create, confirm, retrieve, webhook, or * for any)",
        ),
        (
            json!({"provider": "yassir", "operation": "create", "fault": "explode"}),
            "unknown fault `explode`",
        ),
        (
            json!({"provider": "yassir", "operation": "create", "fault": "reset", "phase": "during"}),
            "unknown phase `during`",
        ),
        (
            json!({"provider": "yassir", "operation": "create", "fault": "rate_limited", "phase": "after"}),
            "rate_limited can only be before the work",
        ),
        (
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "truncated_json", "phase": "before"}),
            "truncated_json spoils the provider's answer, so it can only be after the work",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "http_error", "status": 418}),
            "http_error status must be 401, 404, 422, 500, 502 or 503 (got 418)",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "reset", "delay_ms": 10}),
            "delay_ms applies only to latency, timeout, reorder and late, not to reset",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "drop"}),
            "drop applies to the webhooks a provider sends: name the operation `webhook`",
        ),
        (
            json!({"provider": "yabetoo", "operation": "webhook", "fault": "reset"}),
            "a webhook can be delayed (latency), dropped, duplicated or reordered, not reset",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "uncaptured"}),
            "(yabetoo confirm, retrieve only)",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "late"}),
            "late holds a request that starts a payment, which yassir check does not have (yassir proceed only)",
        ),
        (
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "late", "phase": "after"}),
            "late can only be before the work",
        ),
        (
            json!({"provider": "yabetoo", "operation": "create", "fault": "unknown_status"}),
            "unknown_status needs an answer with a payment status",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "reset", "count": 0}),
            "count must be at least 1",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "reset", "share": 1.5}),
            "share must be a probability from 0 to 1",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "reset", "phaze": "after"}),
            "unknown field `phaze`",
        ),
        (
            json!({"provider": "yassir", "operation": "check"}),
            "missing field `fault`",
        ),
        (
            json!({"provider": "yassir", "operation": "check", "fault": "reset", "count": "one"}),
            "invalid type",
        ),
    ];
    for (rule, reason) in cases {
        let answer = sandbox.add_fault(rule.clone()).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{rule}: {}",
            answer.text
        );
        let message = answer.json()["error"].as_str().unwrap().to_string();
        assert!(message.contains(reason), "{rule}: `{message}`");
    }

    let not_json = send(
        sandbox
            .http
            .post(sandbox.url("/sandbox/faults"))
            .header("content-type", "application/json")
            .body("yabetoo.confirm=reset"),
    )
    .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert!(not_json.json()["error"]
        .as_str()
        .unwrap()
        .contains("must be a JSON fault rule"));
    // What another site's page can send without a preflight: a form, or text/plain.
    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let cross_site = send(
            sandbox
                .http
                .post(sandbox.url("/sandbox/faults"))
                .header("content-type", content_type)
                .body(r#"{"provider":"yabetoo","operation":"confirm","fault":"reset"}"#),
        )
        .await;
        assert_eq!(
            cross_site.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }
    assert!(
        sandbox.faults().await.is_empty(),
        "nothing refused was added"
    );
}

// --- SANDBOX_FAULTS and the other variables ---

fn from_vars(pairs: &[(&str, &str)]) -> Result<SandboxConfig, checkout_sandbox::ConfigError> {
    let vars: HashMap<String, String> = pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    SandboxConfig::from_lookup(|name| vars.get(name).cloned())
}

#[test]
fn sandbox_faults_reads_the_compact_form() {
    let config = from_vars(&[(
        "SANDBOX_FAULTS",
        "yabetoo.confirm=reset@after*1, yassir.proceed=http_error:503*2,yassir.check=latency:500%0.3",
    )])
    .unwrap();
    let rules = &config.faults;
    assert_eq!(rules.len(), 3);
    assert_eq!(
        (
            rules[0].provider(),
            rules[0].operation(),
            rules[0].fault(),
            rules[0].phase(),
            rules[0].count(),
            rules[0].share()
        ),
        (
            Provider::Yabetoo,
            Operation::Confirm,
            Fault::Reset,
            Phase::After,
            Some(1),
            1.0
        )
    );
    assert_eq!(rules[1].fault(), Fault::HttpError { status: 503 });
    assert_eq!(rules[1].phase(), Phase::Before);
    assert_eq!(rules[1].count(), Some(2));
    assert_eq!(rules[2].fault(), Fault::Latency { delay_ms: 500 });
    assert_eq!(rules[2].count(), None);
    assert_eq!(rules[2].share(), 0.3);
    assert_eq!(
        rules[0],
        "yabetoo.confirm=reset@after*1"
            .parse::<FaultRule>()
            .unwrap()
    );
}

#[test]
fn sandbox_faults_names_the_bad_entry() {
    let error = from_vars(&[(
        "SANDBOX_FAULTS",
        "yabetoo.confirm=reset@after*1,yassir.proceed=http_error:418",
    )])
    .unwrap_err();
    assert_eq!(error.variable, "SANDBOX_FAULTS");
    assert_eq!(
        error.message,
        "`yassir.proceed=http_error:418`: http_error status must be 401, 404, 422, 500, 502 or 503 (got 418)"
    );
    for (list, words) in [
        (
            "yassir.check=reset@later",
            "`yassir.check=reset@later`: unknown phase `later`",
        ),
        ("yassir.check=reset*many", "`many` is not a valid number"),
        ("yassir.check=reset%50", "share must be a probability"),
        ("yassir.check=latency:1:2", "`:` is given twice"),
        ("yassir.check", "expected provider.operation=fault"),
        ("yassir.pay=reset", "`pay` is not a yassir operation"),
    ] {
        let error = from_vars(&[("SANDBOX_FAULTS", list)]).unwrap_err();
        assert!(error.message.contains(words), "{list}: {}", error.message);
    }
}

#[test]
fn the_other_variables_keep_their_meaning() {
    let config = from_vars(&[]).unwrap();
    assert_eq!(config.public_base_url, None);
    assert_eq!(config.momo_settle_delay, Duration::from_secs(3));
    assert_eq!(config.momo_prompt_timeout, Duration::from_secs(90));
    assert_eq!(config.slow_delay, Duration::from_secs(30));
    assert!(config.faults.is_empty());

    let config = from_vars(&[
        ("SANDBOX_SETTLE_DELAY_MS", "200"),
        ("SANDBOX_PROMPT_TIMEOUT_MS", "5000"),
        ("SANDBOX_SLOW_DELAY_MS", "3000"),
        ("SANDBOX_PUBLIC_URL", "https://sandbox.example/"),
    ])
    .unwrap();
    assert_eq!(config.momo_settle_delay, Duration::from_millis(200));
    assert_eq!(config.momo_prompt_timeout, Duration::from_millis(5000));
    assert_eq!(config.slow_delay, Duration::from_millis(3000));
    assert_eq!(
        config.public_base_url.as_deref(),
        Some("https://sandbox.example")
    );

    let error = from_vars(&[("SANDBOX_SLOW_DELAY_MS", "slow")]).unwrap_err();
    assert_eq!(error.variable, "SANDBOX_SLOW_DELAY_MS");
    let error = from_vars(&[("SANDBOX_PUBLIC_URL", "sandbox.example")]).unwrap_err();
    assert_eq!(error.variable, "SANDBOX_PUBLIC_URL");
}

#[tokio::test]
async fn configured_faults_are_in_force_from_the_start() {
    let sandbox = Sandbox::start(SandboxConfig {
        faults: FaultRule::parse_list("yabetoo.create=http_error:503*1").unwrap(),
        ..config()
    })
    .await;
    let listed = sandbox.faults().await;
    assert_eq!(
        listed,
        vec![
            json!({"id": 1, "provider": "yabetoo", "operation": "create",
            "fault": "http_error", "phase": "before", "count": 1, "share": 1.0,
            "status": 503, "fired": 0})
        ]
    );
    let refused = send(sandbox.yabetoo_create_request()).await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    sandbox.yabetoo_intent().await;
    assert_eq!(sandbox.fired(1).await, 1);
}

// --- How often: count and share ---

#[tokio::test]
async fn a_count_fires_on_the_next_calls_only() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    let id = sandbox
        .fault(
            json!({"provider": "yassir", "operation": "check", "fault": "http_error",
            "status": 502, "count": 2}),
        )
        .await;
    let statuses = [
        sandbox.check(&intent).await.status,
        sandbox.check(&intent).await.status,
        sandbox.check(&intent).await.status,
        sandbox.check(&intent).await.status,
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_GATEWAY,
            StatusCode::BAD_GATEWAY,
            StatusCode::OK,
            StatusCode::OK
        ]
    );
    assert_eq!(sandbox.fired(id).await, 2);
    assert_eq!(
        sandbox.faults().await.len(),
        1,
        "a used-up rule stays listed"
    );
}

#[tokio::test]
async fn without_a_count_a_rule_fires_until_removed() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    let id = sandbox
        .fault(json!({"provider": "yabetoo", "operation": "retrieve", "fault": "http_error"}))
        .await;
    for _ in 0..5 {
        assert_eq!(
            sandbox.retrieve(&intent).await.status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
    send(
        sandbox
            .http
            .delete(sandbox.url(&format!("/sandbox/faults/{id}"))),
    )
    .await;
    assert_eq!(sandbox.retrieve(&intent).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_share_fires_on_about_that_share_of_calls() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    let never = sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "retrieve", "fault": "http_error",
            "status": 502, "share": 0.0}),
        )
        .await;
    let half = sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "retrieve", "fault": "http_error",
            "status": 503, "share": 0.5}),
        )
        .await;
    let calls = 200;
    let mut failed = 0;
    for _ in 0..calls {
        match sandbox.retrieve(&intent).await.status {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => failed += 1,
            other => panic!("unexpected {other}"),
        }
    }
    // Binomial(200, 0.5): 100 ± 7 (one standard deviation); 50..150 is over seven of them.
    assert!((50..=150).contains(&failed), "{failed} of {calls}");
    assert_eq!(sandbox.fired(half).await, failed);
    assert_eq!(sandbox.fired(never).await, 0);
}

#[tokio::test]
async fn a_share_and_a_count_together_stop_after_count_fires() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    let id = sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "retrieve", "fault": "http_error",
            "share": 0.5, "count": 3}),
        )
        .await;
    let mut failed = 0;
    for _ in 0..100 {
        if sandbox.retrieve(&intent).await.status != StatusCode::OK {
            failed += 1;
        }
    }
    assert_eq!(failed, 3);
    assert_eq!(sandbox.fired(id).await, 3);
}

// --- Which calls ---

#[tokio::test]
async fn a_rule_touches_only_its_provider_and_operation() {
    let sandbox = Sandbox::quick().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "http_error"}))
        .await;
    let intent = sandbox.yabetoo_intent().await;
    assert_eq!(sandbox.retrieve(&intent).await.status, StatusCode::OK);
    let yassir = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    assert_eq!(sandbox.proceed(&yassir).await.status, StatusCode::OK);
    let phone = send(
        sandbox
            .http
            .get(sandbox.url("/sandbox/yabetoo/phone/prompts")),
    )
    .await;
    assert_eq!(phone.status, StatusCode::OK);
    assert_eq!(
        sandbox.confirm(&intent, "242066000001").await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
}

#[tokio::test]
async fn any_operation_covers_every_call_of_the_provider_but_not_its_pages() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    let id = sandbox
        .fault(
            json!({"provider": "yassir", "operation": "*", "fault": "http_error", "status": 503}),
        )
        .await;
    let created = send(sandbox.yassir_create_request("any_1", "+213555000002", "DIRECT")).await;
    assert_eq!(created.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        sandbox.proceed(&intent).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Check by its staging path too, without `/api/v1`.
    let staging = send(sandbox.check_request(&intent, "")).await;
    assert_eq!(staging.status, StatusCode::SERVICE_UNAVAILABLE);
    let customer = send(
        sandbox
            .yassir(Method::POST, "/api/v1/customers")
            .json(&json!({"name": "Amina", "phone": "+213555123456"})),
    )
    .await;
    assert_eq!(customer.status, StatusCode::SERVICE_UNAVAILABLE);
    let lookup = send(sandbox.yassir(Method::GET, "/api/v1/customers/search/+213555000001")).await;
    assert_eq!(lookup.status, StatusCode::OK, "lookups are no operation");
    let page = send(
        sandbox
            .http
            .get(sandbox.url("/sandbox/yassir/otp/verify?requestId=nothing")),
    )
    .await;
    assert_ne!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(sandbox.fired(id).await, 4);
}

#[tokio::test]
async fn status_faults_on_any_operation_skip_answers_without_a_status() {
    let sandbox = Sandbox::quick().await;
    let id = sandbox
        .fault(json!({"provider": "yabetoo", "operation": "*", "fault": "unknown_status"}))
        .await;
    let intent = sandbox.yabetoo_intent().await;
    assert!(intent["clientSecret"].is_string(), "{intent}");
    assert_eq!(sandbox.fired(id).await, 0);
    assert_eq!(sandbox.retrieve(&intent).await.json()["status"], "on_hold");
    assert_eq!(sandbox.fired(id).await, 1);
}

// --- latency ---

#[tokio::test]
async fn latency_delays_the_normal_answer() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "check", "fault": "latency",
            "delay_ms": 300, "count": 1}),
        )
        .await;
    let started = Instant::now();
    let answer = sandbox.check(&intent).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["data"]["statusCode"], 0);

    let momo = sandbox.yabetoo_intent().await;
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "latency",
            "delay_ms": 300, "phase": "after", "count": 1}),
        )
        .await;
    let started = Instant::now();
    let answer = sandbox.confirm(&momo, "242066000001").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["status"], "succeeded");
}

// --- timeout ---

#[tokio::test]
async fn timeout_before_holds_the_call_then_answers_504_without_the_work() {
    let sandbox = Sandbox::quick().await;
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "create", "fault": "timeout",
            "delay_ms": 200, "count": 1}),
        )
        .await;
    let started = Instant::now();
    let answer = send(sandbox.yabetoo_create_request()).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(
        answer.json(),
        json!({"status": 504, "code": "E_GATEWAY_TIMEOUT", "message": "Gateway timeout"})
    );

    let intent = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "proceed", "fault": "timeout",
            "delay_ms": 5000, "count": 1}),
        )
        .await;
    client_timeout(sandbox.proceed_request(&intent)).await;
    assert_eq!(sandbox.status_code(&intent).await, 0, "not paid");
}

#[tokio::test]
async fn timeout_after_does_the_work_then_answers_too_late() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "proceed", "fault": "timeout",
            "phase": "after", "delay_ms": 5000, "count": 1}),
        )
        .await;
    client_timeout(sandbox.proceed_request(&intent)).await;
    assert_eq!(sandbox.status_code(&intent).await, 2, "paid all the same");

    let momo = sandbox.yabetoo_intent().await;
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "timeout",
            "phase": "after", "delay_ms": 5000, "count": 1}),
        )
        .await;
    client_timeout(sandbox.confirm_request(&momo, "242066000001")).await;
    sandbox.wait_for_yabetoo_status(&momo, "succeeded").await;
}

// --- reset ---

#[tokio::test]
async fn reset_after_a_yabetoo_confirm_leaves_the_intent_confirmed() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    let id = sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "reset",
            "phase": "after", "count": 1}),
        )
        .await;
    transport_error(sandbox.confirm_request(&intent, "242066000001")).await;
    assert_eq!(sandbox.fired(id).await, 1);
    let status = sandbox.yabetoo_status(&intent).await;
    assert!(
        matches!(status.as_str(), "processing" | "succeeded"),
        "{status}"
    );
    sandbox.wait_for_yabetoo_status(&intent, "succeeded").await;
}

#[tokio::test]
async fn reset_before_a_yabetoo_confirm_starts_no_charge() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "reset", "count": 1}))
        .await;
    transport_error(sandbox.confirm_request(&intent, "242066000001")).await;
    tokio::time::sleep(SETTLE * 3).await;
    assert_eq!(sandbox.yabetoo_status(&intent).await, "pending");
    // The retry goes through.
    assert_eq!(
        sandbox.confirm(&intent, "242066000001").await.json()["status"],
        "succeeded"
    );
}

#[tokio::test]
async fn reset_on_yassir_before_and_after_proceed() {
    let sandbox = Sandbox::quick().await;
    let untouched = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox
        .fault(json!({"provider": "yassir", "operation": "proceed", "fault": "reset", "count": 1}))
        .await;
    transport_error(sandbox.proceed_request(&untouched)).await;
    assert_eq!(sandbox.status_code(&untouched).await, 0);

    let paid = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "proceed", "fault": "reset",
            "phase": "after", "count": 1}),
        )
        .await;
    transport_error(sandbox.proceed_request(&paid)).await;
    assert_eq!(sandbox.status_code(&paid).await, 2);
}

// --- http_error ---

#[tokio::test]
async fn http_error_after_a_yassir_proceed_leaves_the_work_done() {
    let sandbox = Sandbox::quick().await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "proceed", "fault": "http_error",
            "status": 503, "phase": "after", "count": 2}),
        )
        .await;
    let paid = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    let answer = sandbox.proceed(&paid).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        answer.json(),
        json!({"code": 503, "status": "error", "message": "Service unavailable"})
    );
    assert_eq!(sandbox.status_code(&paid).await, 2);

    let otp = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    assert_eq!(
        sandbox.proceed(&otp).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(sandbox.status_code(&otp).await, 12);
}

#[tokio::test]
async fn http_error_before_does_not_do_the_work() {
    let sandbox = Sandbox::quick().await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "proceed", "fault": "http_error",
            "status": 502, "count": 1}),
        )
        .await;
    let intent = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    let answer = sandbox.proceed(&intent).await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert_eq!(
        answer.json(),
        json!({"code": 502, "status": "error", "message": "Bad gateway"})
    );
    assert_eq!(sandbox.status_code(&intent).await, 0);

    let momo = sandbox.yabetoo_intent().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "http_error", "count": 1}))
        .await;
    let answer = sandbox.confirm(&momo, "242066000001").await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        answer.json(),
        json!({"status": 500, "code": "E_INTERNAL", "message": "Internal server error"})
    );
    tokio::time::sleep(SETTLE * 3).await;
    assert_eq!(sandbox.yabetoo_status(&momo).await, "pending");
}

#[tokio::test]
async fn http_error_after_a_yabetoo_confirm_leaves_the_charge_made() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "http_error",
            "status": 502, "phase": "after", "count": 1}),
        )
        .await;
    let answer = sandbox.confirm(&intent, "242066000001").await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert_eq!(answer.json()["code"], "E_BAD_GATEWAY");
    assert_eq!(sandbox.yabetoo_status(&intent).await, "succeeded");
}

#[tokio::test]
async fn http_error_after_capture_and_refund_keeps_the_money_moved() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yassir_intent("+213555000002", "RESERVATION").await;
    assert_eq!(
        sandbox.proceed(&intent).await.json()["data"]["statusCode"],
        13
    );
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "capture", "fault": "http_error",
            "phase": "after", "count": 1}),
        )
        .await;
    let capture = send(
        sandbox
            .yassir(
                Method::POST,
                &format!("/api/v1/payments/intents/{}/capture", intent.id),
            )
            .json(&json!({})),
    )
    .await;
    assert_eq!(capture.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(sandbox.status_code(&intent).await, 2, "captured");

    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "refund", "fault": "http_error",
            "status": 503, "count": 1}),
        )
        .await;
    let refund = sandbox
        .yassir(
            Method::POST,
            &format!("/api/v1/payments/{}/refund", intent.id),
        )
        .json(&json!({"description": "returned"}));
    assert_eq!(send(refund).await.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(sandbox.status_code(&intent).await, 2, "not refunded");
}

#[tokio::test]
async fn http_error_refusals_on_yassir_are_in_its_one_envelope() {
    let sandbox = Sandbox::quick().await;
    let untouched = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "proceed", "fault": "http_error",
            "status": 401, "count": 1}),
        )
        .await;
    let answer = sandbox.proceed(&untouched).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json(),
        json!({"code": 401, "status": "error", "message": "invalid client credentials"})
    );
    assert_eq!(sandbox.status_code(&untouched).await, 0, "not proceeded");

    let paid = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "proceed", "fault": "http_error",
            "status": 404, "phase": "after", "count": 1}),
        )
        .await;
    let answer = sandbox.proceed(&paid).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(
        answer.json(),
        json!({"code": 404, "status": "error", "message": "payment intent not found"})
    );
    assert_eq!(sandbox.status_code(&paid).await, 2, "paid all the same");

    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "check", "fault": "http_error",
            "status": 422, "count": 1}),
        )
        .await;
    let answer = sandbox.check(&paid).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer.json(),
        json!({"code": 422, "status": "error", "message": "Unprocessable entity"})
    );

    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "create", "fault": "http_error",
            "status": 404, "phase": "after", "count": 1}),
        )
        .await;
    let answer = send(sandbox.yassir_create_request("lost_1", "+213555000002", "DIRECT")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json()["message"], "route not found");
    let replay = send(sandbox.yassir_create_request("lost_1", "+213555000002", "DIRECT")).await;
    assert_eq!(replay.status, StatusCode::OK, "the intent was made");
}

#[tokio::test]
async fn http_error_refusals_on_yabetoo_are_each_endpoints_documented_bodies() {
    let sandbox = Sandbox::quick().await;
    let untouched = sandbox.yabetoo_intent().await;
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "http_error",
            "status": 401, "count": 1}),
        )
        .await;
    let answer = sandbox.confirm(&untouched, "242066000001").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json(),
        json!({"error": {"message": "Unauthorized", "code": "Unauthorized"}})
    );
    tokio::time::sleep(SETTLE * 3).await;
    assert_eq!(sandbox.yabetoo_status(&untouched).await, "pending");

    let found = sandbox.yabetoo_intent().await;
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "http_error",
            "status": 404, "phase": "after", "count": 1}),
        )
        .await;
    let answer = sandbox.confirm(&found, "242066000001").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json(), json!({"message": "Row not found"}));
    assert_eq!(sandbox.yabetoo_status(&found).await, "succeeded");

    let refused = sandbox.yabetoo_intent().await;
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "confirm", "fault": "http_error",
            "status": 422, "phase": "after", "count": 1}),
        )
        .await;
    let answer = sandbox.confirm(&refused, "242066000001").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut body = answer.json();
    let timestamp = body["timestamp"].take();
    assert!(
        timestamp.as_str().unwrap().ends_with("+00:00"),
        "{timestamp}"
    );
    assert_eq!(
        body,
        json!({"status": 422,
            "path": format!("/v1/payment-intents/{}/confirm", refused["id"].as_str().unwrap()),
            "timestamp": null, "code": "E_OPERATION_NOT_PERMITTED",
            "message": "Operation not permitted",
            "detail": "You are not permitted to perform this operation."})
    );
    assert_eq!(sandbox.yabetoo_status(&refused).await, "succeeded");

    // Create and retrieve answer as they do themselves.
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "retrieve", "fault": "http_error",
            "status": 404, "count": 1}),
        )
        .await;
    let answer = sandbox.retrieve(&refused).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(
        answer.json(),
        json!({"message": "Payment intent not found"})
    );
    sandbox
        .fault(
            json!({"provider": "yabetoo", "operation": "*", "fault": "http_error",
            "status": 401, "count": 2}),
        )
        .await;
    assert_eq!(
        sandbox.retrieve(&refused).await.json(),
        json!({"error": "Unauthorized"})
    );
    let answer = send(sandbox.yabetoo_create_request()).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json(), json!({"error": "Unauthorized"}));
}

// --- uncaptured ---

#[tokio::test]
async fn uncaptured_says_a_yabetoo_success_took_no_money_and_leaves_others_alone() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "uncaptured", "count": 1}))
        .await;
    let answer = sandbox.confirm(&intent, "242066000001").await.json();
    assert_eq!(
        (&answer["status"], &answer["captured"]),
        (&json!("succeeded"), &json!(false)),
        "{answer}"
    );
    assert!(answer.get("financialTransactionId").is_some(), "{answer}");
    let real = sandbox.retrieve(&intent).await.json();
    assert_eq!(
        (&real["status"], &real["captured"]),
        (&json!("succeeded"), &json!(true)),
        "{real}"
    );

    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "*", "fault": "uncaptured"}))
        .await;
    let spoiled = sandbox.retrieve(&intent).await.json();
    assert_eq!(spoiled["captured"], false, "{spoiled}");
    assert_eq!(spoiled["status"], "succeeded");

    // A failure is not spoiled: it took nothing and says so.
    let failed = sandbox.yabetoo_intent().await;
    let answer = sandbox.confirm(&failed, "242050017890").await.json();
    assert_eq!(
        (&answer["status"], &answer["captured"]),
        (&json!("failed"), &json!(false)),
        "{answer}"
    );
    // Create has no status: the `*` rule leaves it alone.
    assert!(sandbox.yabetoo_intent().await.get("captured").is_none());
}

// --- late ---

#[tokio::test]
async fn late_on_a_yassir_proceed_answers_503_and_proceeds_later() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "proceed", "fault": "late",
            "delay_ms": 300, "count": 1}),
        )
        .await;
    let answer = sandbox.proceed(&intent).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        answer.json(),
        json!({"code": 503, "status": "error", "message": "Service unavailable"})
    );
    assert_eq!(sandbox.status_code(&intent).await, 0, "not proceeded yet");

    sandbox.wait_for_status_code(&intent, 12).await;
    // The proceed it did has a payUrl, which a proceed now answers again, and its OTP page works.
    let proceeded = sandbox.proceed(&intent).await.json();
    let pay_url = proceeded["data"]["metadata"]["payUrl"].as_str().unwrap();
    assert!(
        pay_url.starts_with(&format!(
            "{}/sandbox/yassir/otp/verify?requestId={}",
            sandbox.origin, intent.id
        )),
        "{pay_url}"
    );
    let page = send(sandbox.http.get(pay_url)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let token = csrf_in(&page.text);
    let otp = send(
        sandbox
            .http
            .post(sandbox.url("/sandbox/yassir/otp/verify"))
            .form(&[
                ("requestId", intent.id.as_str()),
                ("code", "123456"),
                ("csrf", token.as_str()),
            ]),
    )
    .await;
    assert!(otp.status.is_success(), "{}", otp.text);
    assert_eq!(sandbox.status_code(&intent).await, 2);
}

#[tokio::test]
async fn late_on_a_yabetoo_confirm_confirms_later_with_the_held_details() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "late", "delay_ms": 300}))
        .await;
    let answer = sandbox.confirm(&intent, "242066000001").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        answer.json(),
        json!({"status": 503, "code": "E_SERVICE_UNAVAILABLE", "message": "Service unavailable"})
    );
    assert_eq!(sandbox.yabetoo_status(&intent).await, "pending");
    // The test number settles as usual once the held confirm is done.
    sandbox.wait_for_yabetoo_status(&intent, "succeeded").await;

    // A number that is no test number: its prompt comes to that phone, late.
    let on_phone = sandbox.yabetoo_intent().await;
    let answer = sandbox.confirm(&on_phone, "+242066594470").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    let prompts = sandbox.url("/sandbox/yabetoo/phone/prompts?msisdn=242066594470");
    let deadline = Instant::now() + Duration::from_secs(3);
    let prompt = loop {
        let listed = send(sandbox.http.get(&prompts)).await.json();
        if let Some(prompt) = listed.as_array().unwrap().first() {
            break prompt.clone();
        }
        assert!(Instant::now() < deadline, "no prompt came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(prompt["intentId"], on_phone["id"]);
    assert_eq!(prompt["operator"], "airtel");
    assert_eq!(sandbox.yabetoo_status(&on_phone).await, "processing");
}

// --- rate_limited ---

#[tokio::test]
async fn rate_limited_answers_429_with_retry_after_and_does_nothing() {
    let sandbox = Sandbox::quick().await;
    sandbox
        .fault(
            json!({"provider": "yassir", "operation": "create", "fault": "rate_limited",
            "retry_after": 7, "count": 1}),
        )
        .await;
    let request = || sandbox.yassir_create_request("limited_1", "+213555000002", "DIRECT");
    let answer = send(request()).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.headers["retry-after"], "7");
    assert_eq!(
        answer.json(),
        json!({"code": 429, "status": "error", "message": "Too many requests"})
    );
    // No intent was made: the same actionId creates one now (201, not a 200 replay).
    assert_eq!(send(request()).await.status, StatusCode::CREATED);

    let intent = sandbox.yabetoo_intent().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "rate_limited", "count": 1}))
        .await;
    let answer = sandbox.confirm(&intent, "242066000001").await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.headers["retry-after"], "1");
    assert_eq!(
        answer.json(),
        json!({"status": 429, "code": "E_TOO_MANY_REQUESTS", "message": "Too many requests"})
    );
    assert_eq!(sandbox.yabetoo_status(&intent).await, "pending");
}

// --- malformed_json and truncated_json ---

#[tokio::test]
async fn malformed_json_answers_200_with_a_page_after_the_work() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "malformed_json", "count": 1}))
        .await;
    let answer = sandbox.confirm(&intent, "242066000001").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.text.starts_with("<html>"), "{}", answer.text);
    assert!(serde_json::from_str::<Value>(&answer.text).is_err());
    assert_eq!(sandbox.yabetoo_status(&intent).await, "succeeded");

    let paid = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox
        .fault(json!({"provider": "yassir", "operation": "proceed", "fault": "malformed_json", "count": 1}))
        .await;
    let answer = sandbox.proceed(&paid).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(serde_json::from_str::<Value>(&answer.text).is_err());
    assert_eq!(sandbox.status_code(&paid).await, 2);
}

#[tokio::test]
async fn truncated_json_is_the_real_answer_cut_in_half() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    let whole = sandbox.retrieve(&intent).await.text;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "retrieve", "fault": "truncated_json", "count": 1}))
        .await;
    let cut = sandbox.retrieve(&intent).await;
    assert_eq!(cut.status, StatusCode::OK);
    assert_eq!(cut.text, whole[..whole.len() / 2]);
    assert!(serde_json::from_str::<Value>(&cut.text).is_err());

    sandbox
        .fault(json!({"provider": "yassir", "operation": "create", "fault": "truncated_json", "count": 1}))
        .await;
    let created = send(sandbox.yassir_create_request("cut_1", "+213555000002", "DIRECT")).await;
    assert_eq!(
        created.status,
        StatusCode::CREATED,
        "the real answer's status"
    );
    assert!(created.text.starts_with("{\"data\":{"), "{}", created.text);
    assert!(serde_json::from_str::<Value>(&created.text).is_err());
    // The intent exists: the same actionId replays it.
    let replay = send(sandbox.yassir_create_request("cut_1", "+213555000002", "DIRECT")).await;
    assert_eq!(replay.status, StatusCode::OK);
}

// --- unknown_status and earlier_status ---

#[tokio::test]
async fn unknown_status_on_yassir_is_code_99_without_text() {
    let sandbox = Sandbox::quick().await;
    let paid = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox
        .fault(json!({"provider": "yassir", "operation": "proceed", "fault": "unknown_status", "count": 1}))
        .await;
    let data = sandbox.proceed(&paid).await.json()["data"].clone();
    assert_eq!(data["statusCode"], 99);
    assert!(data.get("status").is_none(), "{data}");
    assert_eq!(sandbox.status_code(&paid).await, 2, "paid underneath");

    sandbox
        .fault(json!({"provider": "yassir", "operation": "check", "fault": "unknown_status", "count": 1}))
        .await;
    let check = sandbox.check(&paid).await.json();
    assert_eq!(check["data"]["statusCode"], 99);
    assert_eq!(check["data"]["paymentMethodName"], "WALLET_V2");
}

#[tokio::test]
async fn unknown_status_on_yabetoo_is_on_hold() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "unknown_status", "count": 1}))
        .await;
    let answer = sandbox.confirm(&intent, "242066000001").await.json();
    assert_eq!(answer["status"], "on_hold");
    assert_eq!(answer["intentId"], intent["id"]);
    assert_eq!(sandbox.yabetoo_status(&intent).await, "succeeded");
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "retrieve", "fault": "unknown_status", "count": 1}))
        .await;
    assert_eq!(sandbox.retrieve(&intent).await.json()["status"], "on_hold");
}

#[tokio::test]
async fn earlier_status_on_yassir_is_created_without_a_link() {
    let sandbox = Sandbox::quick().await;
    let otp = sandbox.yassir_intent("+213555000001", "DIRECT").await;
    sandbox
        .fault(json!({"provider": "yassir", "operation": "proceed", "fault": "earlier_status", "count": 1}))
        .await;
    let data = sandbox.proceed(&otp).await.json()["data"].clone();
    assert_eq!(
        data,
        json!({"require3DS": false, "statusCode": 0, "status": "CREATED", "metadata": {"payUrl": ""}})
    );
    assert_eq!(
        sandbox.status_code(&otp).await,
        12,
        "waiting for the OTP underneath"
    );

    let paid = sandbox.yassir_intent("+213555000002", "DIRECT").await;
    sandbox.proceed(&paid).await;
    sandbox
        .fault(json!({"provider": "yassir", "operation": "check", "fault": "earlier_status", "count": 1}))
        .await;
    let data = sandbox.check(&paid).await.json()["data"].clone();
    assert_eq!(data["statusCode"], 0);
    assert_eq!(data["endUserMessage"], "Payment initialized");
    assert_eq!(sandbox.status_code(&paid).await, 2);
}

#[tokio::test]
async fn earlier_status_on_yabetoo_is_pending() {
    let sandbox = Sandbox::quick().await;
    let intent = sandbox.yabetoo_intent().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "confirm", "fault": "earlier_status", "count": 1}))
        .await;
    let answer = sandbox.confirm(&intent, "242066000001").await.json();
    assert_eq!(answer["status"], "pending");
    assert_eq!(answer["captured"], false);
    assert!(answer.get("financialTransactionId").is_none(), "{answer}");
    assert_eq!(sandbox.yabetoo_status(&intent).await, "succeeded");

    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "retrieve", "fault": "earlier_status", "count": 1}))
        .await;
    assert_eq!(sandbox.retrieve(&intent).await.json()["status"], "pending");
}

#[tokio::test]
async fn status_faults_leave_error_answers_alone() {
    let sandbox = Sandbox::quick().await;
    sandbox
        .fault(json!({"provider": "yabetoo", "operation": "retrieve", "fault": "unknown_status", "count": 1}))
        .await;
    let missing = send(sandbox.yabetoo(Method::GET, "/v1/payment-intents/pi_missing")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json(),
        json!({"message": "Payment intent not found"})
    );
}
