//! A real server on a loopback port, in sandbox mode, with its own database file.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use checkout_server::clock::Clock;
use checkout_server::config::Config;
use serde_json::{json, Value};

pub mod postgres;

/// The admin token of a sandbox server (the sandbox's well-known default).
pub const ADMIN: &str = "admin_test_token";

/// A secret of this run's own, for live mode, which refuses every value written in the
/// repository.
pub fn fresh_secret() -> String {
    use rand::Rng;
    let suffix: String = rand::thread_rng()
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    format!("live_{suffix}")
}

pub struct TestServer {
    pub base: String,
    pub http: reqwest::Client,
    pub database: PathBuf,
    /// The admin token the server was started with.
    pub admin: String,
    /// The server's clock: a manual one, which only [`TestServer::advance`] moves, for a server
    /// in the test's process; the system's for one in its own process.
    pub clock: Clock,
    /// Each created payment's `client_secret`, sent with the shopper's requests about it as the
    /// widget does.
    secrets: std::sync::Mutex<HashMap<String, String>>,
    handle: tokio::task::JoinHandle<()>,
    background: Option<checkout_server::Background>,
    state: Option<checkout_server::AppState>,
    /// The server's own process, when it runs as one ([`start_process`]).
    process: Option<std::process::Child>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.handle.abort();
        self.background.take();
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

/// Starts a server with short sandbox delays; `extra` overrides configuration variables.
pub async fn start(extra: &[(&str, &str)]) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("checkout.sqlite3");
    let mut server = start_on(&database, extra).await;
    server._dir = Some(dir);
    server
}

/// Like [`start`], with the server's background work too (reconcile, webhook deliveries).
pub async fn start_full(extra: &[(&str, &str)]) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("checkout.sqlite3");
    let mut server = start_full_on(&database, extra).await;
    server._dir = Some(dir);
    server
}

/// [`start_full`] on an existing database file (to test restarts).
pub async fn start_full_on(database: &std::path::Path, extra: &[(&str, &str)]) -> TestServer {
    start_full_at(database, extra, fresh_clock()).await
}

/// [`start_full_on`] with `clock` (a restarted server reads the clock its predecessor had).
pub async fn start_full_at(
    database: &std::path::Path,
    extra: &[(&str, &str)],
    clock: Clock,
) -> TestServer {
    let (mut server, config) = start_with_config(database, extra, clock).await;
    let state = server.state.as_ref().unwrap();
    server.background = Some(
        checkout_server::start_background(&config, state)
            .await
            .unwrap(),
    );
    server
}

/// Starts a server on an existing database file (to test restarts).
pub async fn start_on(database: &std::path::Path, extra: &[(&str, &str)]) -> TestServer {
    start_at(database, extra, fresh_clock()).await
}

/// [`start_on`] with `clock`.
pub async fn start_at(
    database: &std::path::Path,
    extra: &[(&str, &str)],
    clock: Clock,
) -> TestServer {
    start_with_config(database, extra, clock).await.0
}

/// A manual clock standing at the real time now.
pub fn fresh_clock() -> Clock {
    Clock::manual(time::OffsetDateTime::now_utc())
}

async fn start_with_config(
    database: &std::path::Path,
    extra: &[(&str, &str)],
    clock: Clock,
) -> (TestServer, Config) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut vars: HashMap<String, String> = HashMap::from([
        ("PORT".into(), port.to_string()),
        ("DATABASE_URL".into(), database.display().to_string()),
        ("SANDBOX_SETTLE_DELAY_MS".into(), "200".into()),
        ("SANDBOX_PROMPT_TIMEOUT_MS".into(), "5000".into()),
        ("SANDBOX_SLOW_DELAY_MS".into(), "3000".into()),
        ("CHECK_INTERVAL_MS".into(), "0".into()),
        // Tests make payments faster than any shopper; the limits have tests of their own.
        ("RATE_LIMIT_PER_CLIENT_PER_MINUTE".into(), "0".into()),
        ("WIDGET_DIR".into(), "/nonexistent".into()),
    ]);
    // `TEST_DATABASE=postgres` runs the servers on the test binary's PostgreSQL cluster, one
    // database per database file, to compare the stores' behaviour through the whole API.
    if std::env::var("TEST_DATABASE").as_deref() == Ok("postgres") {
        vars.insert(
            "DATABASE_URL".into(),
            postgres::database_url_for(database).await,
        );
    }
    for (key, value) in extra {
        vars.insert(key.to_string(), value.to_string());
    }
    let config = Config::from_lookup(|name| vars.get(name).cloned()).unwrap();
    let state = checkout_server::build_state_with_clock(&config, clock.clone())
        .await
        .unwrap();
    let router = checkout_server::app(&config, state.clone());
    let limits = config.connections;
    let handle = tokio::spawn(async move {
        checkout_server::serve::serve(
            listener,
            router,
            limits,
            std::future::pending(),
            Duration::from_secs(1),
        )
        .await;
    });
    let server = TestServer {
        base: format!("http://127.0.0.1:{port}"),
        http: test_client(),
        database: database.to_path_buf(),
        admin: vars
            .get("ADMIN_TOKEN")
            .cloned()
            .unwrap_or_else(|| ADMIN.into()),
        clock,
        secrets: Default::default(),
        handle,
        background: None,
        state: Some(state),
        process: None,
        _dir: None,
    };
    (server, config)
}

/// The `checkout-server` binary as its own process, in sandbox mode, on a free loopback port
/// and a database of its own, with nothing of the test's environment but `extra`: every other
/// setting is the server's default, as a merchant trying the sandbox would start it. Answers
/// once the server is ready.
pub async fn start_process(extra: &[(&str, &str)]) -> TestServer {
    start_program(Path::new(env!("CARGO_BIN_EXE_checkout-server")), extra).await
}

/// Like [`start_process`], for `program`, a build of the server (its `main`, or an example
/// serving as `main` does).
pub async fn start_program(program: &Path, extra: &[(&str, &str)]) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("checkout.sqlite3");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let database_url = if std::env::var("TEST_DATABASE").as_deref() == Ok("postgres") {
        postgres::database_url_for(&database).await
    } else {
        database.display().to_string()
    };
    let process = std::process::Command::new(program)
        .env_clear()
        .env("PORT", port.to_string())
        .env("DATABASE_URL", database_url)
        .env("WIDGET_DIR", "/nonexistent")
        .env("RUST_LOG", "warn")
        .envs(extra.iter().copied())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("{} does not start: {error}", program.display()));
    let mut server = TestServer {
        base: format!("http://127.0.0.1:{port}"),
        http: test_client(),
        database,
        admin: extra
            .iter()
            .find(|(name, _)| *name == "ADMIN_TOKEN")
            .map_or_else(|| ADMIN.into(), |(_, token)| token.to_string()),
        clock: Clock::system(),
        secrets: Default::default(),
        handle: tokio::spawn(async {}),
        background: None,
        state: None,
        process: Some(process),
        _dir: Some(dir),
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = server.http.get(server.url("/readyz")).send().await {
            if response.status().is_success() {
                return server;
            }
        }
        let process = server.process.as_mut().unwrap();
        if let Some(status) = process.try_wait().unwrap() {
            panic!("the server process exited before it was ready: {status}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server process was not ready within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl TestServer {
    /// Moves the server's clock forward by `by`, as if that much time had passed.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    fn state(&self) -> &checkout_server::AppState {
        self.state
            .as_ref()
            .expect("a server in the test's process (not one of its own)")
    }

    /// Lets `by` pass for everyone: the sandbox, which runs on real time, and the server, whose
    /// clock moves as much, and never stays behind the real time (the sandbox's clock).
    pub async fn pause(&self, by: Duration) {
        tokio::time::sleep(by).await;
        if self.clock.is_manual() {
            self.clock.advance(by);
            let real = time::OffsetDateTime::now_utc();
            if self.clock.now() < real {
                self.clock.set(real);
            }
        }
    }

    /// Runs one round of reconcile now, as the background's loop does on its interval: every
    /// followed-up payment and unfinished operation due at the server's clock is checked.
    pub async fn reconcile(&self) {
        self.state().service.reconcile().await;
    }

    /// Delivers the merchant webhooks due at the server's clock now, and waits until each
    /// attempt is recorded; answers how many were made. Needs the background
    /// ([`start_full`]).
    pub async fn deliver_webhooks(&self) -> usize {
        self.background
            .as_ref()
            .expect("a server started with its background work")
            .deliver_due_webhooks()
            .await
    }

    /// Waits for the checks the providers' notifications prompted, which the server runs on
    /// its own tasks, to finish.
    pub async fn settle(&self) {
        assert!(
            self.state()
                .service
                .notice_checks_done(Duration::from_secs(10))
                .await,
            "the checks the notifications prompted did not finish within 10 s"
        );
    }

    /// Whether the server's own process still runs (a server in the test's process always does).
    pub fn is_running(&mut self) -> bool {
        self.process
            .as_mut()
            .is_none_or(|process| process.try_wait().unwrap().is_none())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A GET as the widget sends it: with the payment's secret when `path` names a payment
    /// this server created for the test.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let request = self.with_secret(self.http.get(self.url(path)), path);
        read(request.send().await.unwrap()).await
    }

    /// A POST as the widget sends it (see [`TestServer::get`]).
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let request = self.with_secret(self.http.post(self.url(path)), path);
        read(request.json(&body).send().await.unwrap()).await
    }

    /// The `client_secret` the create of payment `id` answered, if this test created it.
    pub fn secret_of(&self, id: &str) -> Option<String> {
        self.secrets.lock().unwrap().get(id).cloned()
    }

    /// Marks the server as asked to stop, as SIGTERM does.
    pub fn start_draining(&self) {
        self.state()
            .draining
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Keeps the secret of a payment created through another server on the same database.
    pub fn remember(&self, id: &str, secret: &str) {
        let mut secrets = self.secrets.lock().unwrap();
        secrets.insert(id.to_string(), secret.to_string());
    }

    fn with_secret(&self, request: reqwest::RequestBuilder, path: &str) -> reqwest::RequestBuilder {
        let id = path
            .strip_prefix("/api/v1/payments/")
            .and_then(|rest| rest.split(['/', '?']).next());
        match id.and_then(|id| self.secret_of(id)) {
            Some(secret) => request.header("Client-Secret", secret),
            None => request,
        }
    }

    pub async fn create(&self, key: &str, body: Value) -> (u16, Value) {
        self.create_in(key, None, body).await
    }

    /// A create in the shopper's `language` (`Accept-Language`), if given.
    pub async fn create_in(&self, key: &str, language: Option<&str>, body: Value) -> (u16, Value) {
        let mut request = self
            .http
            .post(self.url("/api/v1/payments"))
            .header("Idempotency-Key", key)
            .json(&body);
        if let Some(language) = language {
            request = request.header("Accept-Language", language);
        }
        let (status, body) = read(request.send().await.unwrap()).await;
        if let (Some(id), Some(secret)) = (body["id"].as_str(), body["client_secret"].as_str()) {
            self.remember(id, secret);
        }
        (status, body)
    }

    pub async fn admin_get(&self, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(&self.admin)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn admin_post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(&self.admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// Adds one rule to the sandbox's fault switch.
    pub async fn add_fault(&self, rule: Value) {
        let (status, body) = self.post("/sandbox/faults", rule).await;
        assert_eq!(status, 201, "{body}");
    }

    /// Removes every rule of the sandbox's fault switch.
    pub async fn clear_faults(&self) {
        self.http
            .delete(self.url("/sandbox/faults"))
            .send()
            .await
            .unwrap();
    }

    pub async fn payment_count(&self) -> usize {
        let (status, body) = self.admin_get("/api/v1/admin/payments").await;
        assert_eq!(status, 200, "{body}");
        body["payments"].as_array().unwrap().len()
    }

    /// Creates and submits a Yassir Cash payment for `order` with `phone`.
    pub async fn yassir_payment(&self, order: &str, phone: &str) -> (u16, Value) {
        let key = format!("key-{}", unique());
        let (status, created) = self
            .create(
                &key,
                json!({"order": order, "method": "yassir_cash", "phone": phone}),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        self.post(
            &format!("/api/v1/payments/{id}/submit"),
            json!({"type": "yassir_cash"}),
        )
        .await
    }

    /// Creates and submits a mobile-money payment for `order` with `msisdn`.
    pub async fn momo_payment(
        &self,
        order: &str,
        country: &str,
        operator: &str,
        msisdn: &str,
    ) -> (u16, Value) {
        let key = format!("key-{}", unique());
        let (status, created) = self
            .create(&key, json!({"order": order, "method": "mobile_money"}))
            .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        self.post(
            &format!("/api/v1/payments/{id}/submit"),
            json!({"type": "mobile_money", "country": country, "operator": operator, "msisdn": msisdn}),
        )
        .await
    }

    /// Polls the payment until its status is final, as the widget does, every 100 ms: the
    /// provider (the sandbox) has that long between two polls, and the server's clock moves as
    /// much.
    pub async fn poll_until_final(&self, id: &str) -> Value {
        for _ in 0..100 {
            let (status, body) = self.get(&format!("/api/v1/payments/{id}")).await;
            assert_eq!(status, 200, "{body}");
            let state = body["status"].as_str().unwrap();
            if !matches!(
                state,
                "created" | "processing" | "requires_action" | "awaiting_approval"
            ) {
                return body;
            }
            self.pause(Duration::from_millis(100)).await;
        }
        panic!("payment {id} never reached a final status");
    }

    /// The CSRF token of the sandbox OTP page at `pay_url`, read from its form as a browser has
    /// it; none when the page shows no form (the payment is decided or expired there).
    pub async fn otp_token(&self, pay_url: &str) -> Option<String> {
        let html = self
            .http
            .get(pay_url)
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        let field = r#"name="csrf" value=""#;
        let start = html.find(field)? + field.len();
        let end = start + html[start..].find('"')?;
        Some(html[start..end].to_string())
    }

    /// Types `code` on the sandbox OTP page the payment was sent to.
    pub async fn answer_otp(&self, pay_url: &str, code: &str) -> reqwest::Response {
        let parsed = reqwest::Url::parse(pay_url).unwrap();
        let request_id = parsed
            .query_pairs()
            .find(|(k, _)| k == "requestId")
            .unwrap()
            .1
            .to_string();
        let token = self.otp_token(pay_url).await.unwrap_or_default();
        let form = [
            ("requestId", request_id.as_str()),
            ("code", code),
            ("returnUrl", "http://127.0.0.1/shop?checkout_resume=1"),
            ("action", "verify"),
            ("csrf", token.as_str()),
        ];
        let action = format!(
            "{}://{}{}",
            parsed.scheme(),
            parsed.host_str().unwrap(),
            parsed.port().map(|p| format!(":{p}")).unwrap_or_default()
        );
        self.http
            .post(format!("{action}{}", parsed.path()))
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

/// Runs `program` with `arguments` in `dir`, `stdin` on its input, as a merchant's backend
/// would run it (`php`, `node`, `python3`, installed by the set-up): its exit status and what it
/// printed, with what it complained of when it failed.
pub fn run_program(
    program: &str,
    arguments: &[&str],
    dir: &std::path::Path,
    env: &[(&str, &str)],
    stdin: &str,
) -> (i32, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(arguments)
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("{program} runs (the set-up installs it): {error}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let status = output.status.code().unwrap_or(-1);
    let mut said = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if status != 0 {
        said.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    (status, said)
}

pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// The tests' HTTP client. Its idle connections are dropped well before the server closes them
/// (`HEADER_READ_TIMEOUT_MS`, 10 s): a request sent on one just as the server closes it would
/// fail with the connection, as a test that waits about that long between two requests saw.
fn test_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}
