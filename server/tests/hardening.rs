//! What a live deployment needs from the HTTP edge: bounded bodies, headers on every answer, no
//! demo catalog in live mode, nothing personal or secret in the public payment read.

mod common;

use std::time::Duration;

use common::start;
use serde_json::json;

#[tokio::test]
async fn a_body_too_large_is_refused_in_the_contracts_shape() {
    let server = start(&[]).await;
    let huge = "x".repeat(64 * 1024);
    let (status, body) = server
        .create(
            "k-huge",
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": huge}),
        )
        .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert_eq!(server.payment_count().await, 0, "nothing stored");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let server = start(&[]).await;
    for path in [
        "/",
        "/api/v1/checkout?order=demo-dz",
        "/api/v1/payments/nope",
    ] {
        let response = server.http.get(server.url(path)).send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    let page = server.http.get(server.url("/")).send().await.unwrap();
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

#[tokio::test]
async fn the_sandboxs_otp_page_is_not_framed_either() {
    let server = start(&[]).await;
    let (_, payment) = server.yassir_payment("demo-dz", "+213555000001").await;
    let url = payment["next_action"]["url"].as_str().unwrap();
    let page = server.http.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

#[tokio::test]
async fn live_mode_has_no_demo_catalog_and_no_sandbox() {
    let admin = common::fresh_secret();
    let server = start(&[
        ("PROVIDER_MODE", "live"),
        ("YASSIR_BASE_URL", "http://127.0.0.1:9/yassir"),
        ("YASSIR_CLIENT_ID", "live_client"),
        ("YASSIR_CLIENT_SECRET", "live_secret_value"),
        ("YASSIR_SERVICE", "SHOP"),
        ("YABETOO_BASE_URL", "http://127.0.0.1:9/yabetoo"),
        ("YABETOO_SECRET_KEY", "sk_live_value"),
        ("ADMIN_TOKEN", admin.as_str()),
        ("REDIRECT_ORIGINS", "http://127.0.0.1:9"),
        (
            "EXAMPLES_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../examples"),
        ),
    ])
    .await;
    let (status, body) = server.get("/api/v1/checkout?order=demo-dz").await;
    assert_eq!(status, 404, "{body}");
    let response = server
        .http
        .get(server.url("/sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        404,
        "no sandbox route in live mode"
    );
    // No demo page either: nothing that says no real money moves.
    for path in [
        "/",
        "/examples/script-tag.html",
        "/demo/webhooks",
        "/sandbox/yabetoo/phone",
    ] {
        let response = server.http.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path} in live mode");
    }
}

#[tokio::test]
async fn one_phone_cannot_be_sent_prompt_after_prompt() {
    let server = start(&[("RATE_LIMIT_PER_PHONE_PER_HOUR", "2")]).await;
    for _ in 0..2 {
        let (status, payment) = server
            .momo_payment("demo-cg", "cg", "airtel", "242066000001")
            .await;
        assert_eq!(status, 200, "{payment}");
    }
    let key = format!("k-{}", common::unique());
    let (_, created) = server
        .create(&key, json!({"order": "demo-cg", "method": "mobile_money"}))
        .await;
    let id = created["id"].as_str().unwrap();
    let response = server
        .http
        .post(server.url(&format!("/api/v1/payments/{id}/submit")))
        .header("Client-Secret", server.secret_of(id).unwrap())
        .json(&json!({"type": "mobile_money", "country": "cg", "operator": "airtel", "msisdn": "+242066000001"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let (_, kept) = server.get(&format!("/api/v1/payments/{id}")).await;
    assert_eq!(kept["status"], "created", "nothing was sent to the phone");
}

#[tokio::test]
async fn one_address_cannot_create_payment_after_payment() {
    let server = start(&[("RATE_LIMIT_PER_CLIENT_PER_MINUTE", "3")]).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let key = format!("k-{}", common::unique());
        let (status, _) = server
            .create(
                &key,
                json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000002"}),
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses, [201, 201, 201, 429, 429]);
    assert_eq!(server.payment_count().await, 3);
}

#[tokio::test]
async fn confirmations_waiting_on_phones_are_bounded() {
    let server = start(&[("MAX_CONFIRMS_IN_FLIGHT", "1")]).await;
    // This number waits on the sandbox phone page: its confirm holds the one place.
    let (status, waiting) = server
        .momo_payment("demo-cg", "cg", "mtn", "242066594470")
        .await;
    assert_eq!(status, 200, "{waiting}");
    let key = format!("k-{}", common::unique());
    let (_, created) = server
        .create(&key, json!({"order": "demo-cg", "method": "mobile_money"}))
        .await;
    let id = created["id"].as_str().unwrap();
    let response = server
        .http
        .post(server.url(&format!("/api/v1/payments/{id}/submit")))
        .header("Client-Secret", server.secret_of(id).unwrap())
        .json(&json!({"type": "mobile_money", "country": "cg", "operator": "airtel", "msisdn": "242066000001"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "server_busy");
    let (_, kept) = server.get(&format!("/api/v1/payments/{id}")).await;
    assert_eq!(
        kept["status"], "created",
        "nothing sent: the submit may be repeated"
    );
}

#[tokio::test]
async fn bodies_schemathesis_found_are_answered_as_the_schema_says() {
    let server = common::start(&[]).await;
    let order = |extra: serde_json::Value| {
        let mut body = serde_json::json!({
            "reference": "INV-schema", "description": "Two tickets", "amount_minor": 420000.0,
            "currency": "DZD",
        });
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    // A lifetime past the end of time was a panic (and a dropped connection).
    let (status, body) = server
        .admin_post(
            "/api/v1/admin/order-tokens",
            order(serde_json::json!({"expires_in_seconds": 9_223_372_036_854_775_806_i64})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["field"], "expires_in_seconds");
    let (status, body) = server
        .admin_post(
            "/api/v1/admin/order-tokens",
            order(serde_json::json!({"expires_at": 300_000_000_000_i64})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    // Whole numbers written with a fraction are integers, as JSON Schema says; null is absent.
    let (status, body) = server
        .admin_post(
            "/api/v1/admin/order-tokens",
            order(serde_json::json!({"expires_in_seconds": 600.0, "expires_at": null})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["order"]["amount_minor"], 420000);
    let (status, body) = server
        .admin_post(
            "/api/v1/admin/order-tokens",
            order(serde_json::json!({"amount_minor": 420000.5})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

/// Started as a merchant would start it, with a value copied from this repository: the server
/// refuses to run live on it and says which variable and which rule.
#[test]
fn a_live_start_with_a_published_secret_exits_with_a_clear_error() {
    let fresh = common::fresh_secret();
    let live = [
        ("PROVIDER_MODE", "live"),
        ("PORT", "0"),
        ("YASSIR_BASE_URL", "https://api.payment.yassir.io"),
        ("YASSIR_CLIENT_ID", "live_client"),
        ("YASSIR_CLIENT_SECRET", "live_secret_value"),
        ("YASSIR_SERVICE", "SHOP"),
        ("YABETOO_BASE_URL", "https://pay.api.yabetoopay.com"),
        ("YABETOO_SECRET_KEY", "sk_live_value"),
    ];
    for (variable, value, rule) in [
        ("ADMIN_TOKEN", "admin_test_token", "published"),
        ("ADMIN_TOKEN", "short-token-123", "at least 24"),
        (
            "ORDER_SIGNING_SECRET",
            "a-merchant-signing-secret-of-32-chars-or-more",
            "published",
        ),
    ] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checkout-server"));
        command.env_clear().envs(live).env(variable, value);
        if variable != "ADMIN_TOKEN" {
            command.env("ADMIN_TOKEN", &fresh);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{variable}={value}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains(variable) && said.contains(rule), "{said}");
        assert!(!said.contains(value), "the error shows no secret: {said}");
    }
}

/// Submits naming someone's number to payments that do not exist (or do not take a submit)
/// prompt nobody, so they cannot use up that phone's allowance and lock its owner out.
#[tokio::test]
async fn refused_submits_cannot_lock_a_phone_out() {
    let server = start(&[("RATE_LIMIT_PER_PHONE_PER_HOUR", "2")]).await;
    let victim = json!({"type": "mobile_money", "country": "cg", "operator": "airtel", "msisdn": "242066000001"});
    for attempt in 0..5 {
        let id = format!("pay_missing{attempt}");
        let response = server
            .http
            .post(server.url(&format!("/api/v1/payments/{id}/submit")))
            .header("Client-Secret", format!("{id}_secret_guessed"))
            .json(&victim)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404);
    }
    // A Yassir Cash payment submitted as mobile money: refused, nobody prompted.
    let (_, wallet) = server
        .create(
            &format!("k-{}", common::unique()),
            json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000001"}),
        )
        .await;
    let id = wallet["id"].as_str().unwrap();
    let (status, body) = server
        .post(&format!("/api/v1/payments/{id}/submit"), victim.clone())
        .await;
    assert_eq!(status, 422, "{body}");
    // The owner's real payment still reaches the phone.
    let (status, payment) = server
        .momo_payment("demo-cg", "cg", "airtel", "242066000001")
        .await;
    assert_eq!(status, 200, "{payment}");
    assert_eq!(payment["status"], "awaiting_approval", "{payment}");
}

/// Reads from `stream` until the server closes it; `None` when it is still open after `wait`.
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: Duration) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut received = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut received)).await {
        Ok(_) => Some(received),
        Err(_) => None,
    }
}

/// Connections that hold the server without sending a request are closed after
/// `HEADER_READ_TIMEOUT_MS`: a silent socket, headers sent slowly, a keep-alive left idle.
#[tokio::test]
async fn connections_that_send_no_whole_request_are_closed() {
    use tokio::io::AsyncWriteExt;
    let server = start(&[("HEADER_READ_TIMEOUT_MS", "400")]).await;
    let address = server.base.trim_start_matches("http://").to_string();
    let mut silent = tokio::net::TcpStream::connect(&address).await.unwrap();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /api/v1/checkout?order=demo-dz HTTP/1.1\r\nHost: shop\r\n")
        .await
        .unwrap();
    let mut idle = tokio::net::TcpStream::connect(&address).await.unwrap();
    idle.write_all(b"GET /api/v1/checkout?order=demo-dz HTTP/1.1\r\nHost: shop\r\n\r\n")
        .await
        .unwrap();
    for (what, stream) in [
        ("silent", &mut silent),
        ("slow headers", &mut slow),
        ("idle keep-alive", &mut idle),
    ] {
        let received = closed_within(stream, Duration::from_secs(3))
            .await
            .unwrap_or_else(|| panic!("{what}: still open after 3 s"));
        if what == "idle keep-alive" {
            // Answered first, then closed once idle.
            assert!(received.starts_with(b"HTTP/1.1 200"), "{what}");
        }
    }
    // The server serves on.
    let (status, _) = server.get("/api/v1/checkout?order=demo-dz").await;
    assert_eq!(status, 200);
}

/// Past `MAX_CONNECTIONS` a new connection is closed at once, and once the held ones time out
/// the server answers again: a client holding sockets cannot keep it down.
#[tokio::test]
async fn open_connections_are_bounded_and_the_server_recovers() {
    let server = start(&[("HEADER_READ_TIMEOUT_MS", "500"), ("MAX_CONNECTIONS", "4")]).await;
    let address = server.base.trim_start_matches("http://").to_string();
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(tokio::net::TcpStream::connect(&address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut over = tokio::net::TcpStream::connect(&address).await.unwrap();
    assert!(
        closed_within(&mut over, Duration::from_millis(300))
            .await
            .is_some(),
        "a connection past the bound is closed at once"
    );
    tokio::time::sleep(Duration::from_millis(900)).await;
    let (status, _) = server.get("/api/v1/checkout?order=demo-dz").await;
    assert_eq!(status, 200);
    drop(held);
}

/// Many addresses together cannot make one order, or one wallet phone, create payment after
/// payment (each create registers the phone with Yassir): creates are limited per order and
/// per phone too, charged only for a create that is otherwise good.
#[tokio::test]
async fn creates_are_limited_per_order_and_per_phone() {
    let server = start(&[
        ("RATE_LIMIT_CREATES_PER_ORDER_PER_MINUTE", "2"),
        ("RATE_LIMIT_CREATES_PER_PHONE_PER_HOUR", "3"),
    ])
    .await;
    let token = |reference: String| {
        let server = &server;
        async move {
            let (_, signed) = server
                .admin_post(
                    "/api/v1/admin/order-tokens",
                    json!({"reference": reference, "description": "d", "amount_minor": 150000, "currency": "DZD"}),
                )
                .await;
            signed["token"].as_str().unwrap().to_string()
        }
    };
    let create = |order: String, phone: &'static str| {
        let server = &server;
        async move {
            server
                .create(
                    &format!("k-{}", common::unique()),
                    json!({"order": order, "method": "yassir_cash", "phone": phone}),
                )
                .await
                .0
        }
    };
    // One order: its allowance, then 429, whoever asks; a bad request costs nothing.
    let order = token(format!("INV-{}", common::unique())).await;
    let (status, _) = server
        .create(
            &format!("k-{}", common::unique()),
            json!({"order": order, "method": "yassir_cash", "phone": "12"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(create(order.clone(), "+213555000001").await, 201);
    assert_eq!(create(order.clone(), "+213555000001").await, 201);
    assert_eq!(create(order.clone(), "+213555000001").await, 429);
    // One phone across orders: its allowance, then 429.
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let order = token(format!("INV-{}", common::unique())).await;
        statuses.push(create(order, "+213555000003").await);
    }
    // Demo products are an order per checkout: only the phone counts.
    statuses.push(create("demo-dz".into(), "+213555000003").await);
    statuses.push(create("demo-dz".into(), "+213555000003").await);
    assert_eq!(statuses, [201, 201, 201, 429], "{statuses:?}");
}

/// A payment id alone is no key: its submit and its reads need the secret its create handed to
/// the browser that made it, and nothing the public API answers carries the full phone.
#[tokio::test]
async fn a_payment_id_without_its_client_secret_reaches_nothing() {
    let server = start(&[]).await;
    let key = format!("k-{}", common::unique());
    let wallet = "+213555000001";
    let body = json!({"order": "demo-dz", "method": "yassir_cash", "phone": wallet});
    let (status, created) = server.create(&key, body.clone()).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let secret = created["client_secret"].as_str().unwrap();
    // The create's own key answers it again, with the same secret.
    let (status, replay) = server.create(&key, body).await;
    assert_eq!(
        (status, replay["client_secret"].as_str()),
        (200, Some(secret))
    );

    let read = format!("/api/v1/payments/{id}");
    let submit = format!("/api/v1/payments/{id}/submit");
    let ask = |path: &str, presented: Option<&str>| {
        let request = match path.ends_with("/submit") {
            true => server
                .http
                .post(server.url(path))
                .json(&json!({"type": "yassir_cash"})),
            false => server.http.get(server.url(path)),
        };
        let request = match presented {
            Some(presented) => request.header("Client-Secret", presented),
            None => request,
        };
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };
    let guessed = format!("{id}_secret_guessed");
    for path in [&read, &submit] {
        let (status, answer) = ask(path, None).await;
        assert_eq!(status, 400, "{answer}");
        assert!(answer.contains("\"field\":\"Client-Secret\""), "{answer}");
        for wrong in [guessed.as_str(), &secret[..secret.len() - 1], "x"] {
            let (status, answer) = ask(path, Some(wrong)).await;
            assert_eq!(status, 404, "{wrong}: {answer}");
            assert!(
                !answer.contains("created"),
                "nothing of the payment: {answer}"
            );
        }
    }
    let (_, untouched) = server
        .admin_get(&format!("/api/v1/admin/payments/{id}"))
        .await;
    assert_eq!(
        untouched["status"], "created",
        "no submit went through: {untouched}"
    );

    // Its creator goes on; the OTP page's address (which names the wallet) is theirs alone.
    let (status, submitted) = ask(&submit, Some(secret)).await;
    assert_eq!(status, 200, "{submitted}");
    assert!(submitted.contains("\"type\":\"redirect\""), "{submitted}");
    let (status, polled) = ask(&read, Some(secret)).await;
    assert_eq!(status, 200, "{polled}");
    for answer in [&submitted, &polled] {
        assert!(
            !answer.contains(secret),
            "a read never repeats the secret: {answer}"
        );
        assert!(answer.contains("+213 ••• 0001"), "{answer}");
    }
    // The merchant's record keeps no secret either: neither the payment's nor Yassir's.
    let (_, record) = server
        .admin_get(&format!("/api/v1/admin/payments/{id}"))
        .await;
    assert!(record.get("client_secret").is_none(), "{record}");
}

/// The places for confirmations waiting on phones are shared: one address (or one phone) holds
/// at most its share, so a few addresses cannot take them all from the other shoppers.
#[tokio::test]
async fn a_few_addresses_cannot_take_every_confirmation_place() {
    let server = start(&[
        ("MAX_CONFIRMS_IN_FLIGHT", "8"),
        ("MAX_CONFIRMS_PER_CLIENT", "1"),
        ("TRUSTED_PROXIES", "127.0.0.1/32"),
    ])
    .await;
    // Numbers that wait on the sandbox phone page: each confirm holds its place.
    let submit_from = |client: &'static str, msisdn: &'static str| {
        let server = &server;
        async move {
            let key = format!("k-{}", common::unique());
            let (_, created) = server
                .create(&key, json!({"order": "demo-cg", "method": "mobile_money"}))
                .await;
            let id = created["id"].as_str().unwrap().to_string();
            let response = server
                .http
                .post(server.url(&format!("/api/v1/payments/{id}/submit")))
                .header("Client-Secret", server.secret_of(&id).unwrap())
                .header("X-Forwarded-For", client)
                .json(&json!({"type": "mobile_money", "country": "cg", "operator": "mtn", "msisdn": msisdn}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            (status, body)
        }
    };
    let (status, first) = submit_from("203.0.113.7", "242066594470").await;
    assert_eq!(status, 200, "{first}");
    let (status, refused) = submit_from("203.0.113.7", "242066594471").await;
    assert_eq!(status, 503, "{refused}");
    assert_eq!(refused["error"]["code"], "server_busy");
    // Another shopper still gets a place.
    let (status, other) = submit_from("198.51.100.9", "242066594472").await;
    assert_eq!(status, 200, "{other}");
    // One phone holds two prompts at most, whatever the addresses asking.
    let (status, _) = submit_from("198.51.100.10", "242066594470").await;
    assert_eq!(status, 200);
    let (status, refused) = submit_from("198.51.100.11", "242066594470").await;
    assert_eq!(status, 503, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("this phone"),
        "{refused}"
    );
}

/// `--help` prints what the server is and every setting it takes, instead of starting one; a
/// setting is a variable or the flag of the same name, a value that cannot be used names its
/// variable, and anything else is refused with a pointer to `--help`.
#[test]
fn help_prints_instead_of_starting_a_server() {
    let run = |arguments: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_checkout-server"))
            .args(arguments)
            .env("PORT", "1")
            .output()
            .unwrap()
    };
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("Usage: checkout-server"), "{text}");
    for variable in [
        "PROVIDER_MODE",
        "DATABASE_URL",
        "TRUSTED_PROXIES",
        "SANDBOX_STRICT",
    ] {
        assert!(
            text.contains(&format!("[env: {variable}")),
            "{variable}: {text}"
        );
    }
    let version = run(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("checkout-server "));
    let wrong = run(&["serve"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--help"));
    let bad_flag = run(&["--check-interval-ms", "soon"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    let said = String::from_utf8_lossy(&bad_flag.stderr);
    assert!(said.contains("CHECK_INTERVAL_MS: `soon`"), "{said}");
}
