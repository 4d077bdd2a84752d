//! No secret in any log line: every line the server writes at the most verbose level, through a
//! run of payments, failures, faults and merchant operations, is searched for each secret it
//! was configured with and each provider secret it was handed.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{start_full, unique};
use serde_json::json;

/// Every log line, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const ADMIN_TOKEN: &str = "admin-token-that-must-never-be-logged";
const SIGNING_SECRET: &str = "order-signing-secret-that-must-never-be-logged";
/// The merchant's webhook secret, and its key as it signs (the base64 after `whsec_`).
const WEBHOOK_SECRET: &str = "whsec_d2ViaG9vay1zZWNyZXQtdGhhdC1tdXN0LW5ldmVyLWJlLWxvZ2dlZA==";
const YABETOO_WEBHOOK_SECRET: &str = "whsec_yabetoo-webhook-secret-never-logged";
const YASSIR_WEBHOOK_SECRET: &str = "yassir-webhook-secret-never-logged";

#[tokio::test]
async fn a_full_run_logs_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let server = start_full(&[
        ("ADMIN_TOKEN", ADMIN_TOKEN),
        ("ORDER_SIGNING_SECRET", SIGNING_SECRET),
        ("WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("YABETOO_WEBHOOK_SECRET", YABETOO_WEBHOOK_SECRET),
        ("YASSIR_WEBHOOK_SECRET", YASSIR_WEBHOOK_SECRET),
        ("PROVIDER_TIMEOUT_MS", "700"),
        ("UNKNOWN_OUTCOME_GRACE_MS", "300"),
        (
            "SANDBOX_FAULTS",
            "yassir.create=malformed_json*1,yassir.proceed=reset@after*1,yabetoo.confirm=http_error:503*1",
        ),
    ])
    .await;
    let admin = |path: &str| server.http.post(server.url(path)).bearer_auth(ADMIN_TOKEN);

    // Payments that succeed, fail, lose their answers and are refunded.
    let mut ids = Vec::new();
    for phone in [
        "+213555000002",
        "+213555000001",
        "+213555000003",
        "+213555000005",
    ] {
        let key = format!("k-{}", unique());
        let body = json!({"order": "demo-dz", "method": "yassir_cash", "phone": phone});
        let (_, created) = server.create(&key, body.clone()).await;
        let (_, created) = if created.get("id").is_none() {
            server.create(&key, body).await
        } else {
            (201, created)
        };
        let id = created["id"].as_str().unwrap().to_string();
        server
            .post(
                &format!("/api/v1/payments/{id}/submit"),
                json!({"type": "yassir_cash"}),
            )
            .await;
        // Through the OTP page when one is asked for (the first answer may have been lost).
        for _ in 0..30 {
            let (_, payment) = server.get(&format!("/api/v1/payments/{id}")).await;
            if let Some(url) = payment["next_action"]["url"].as_str() {
                server.answer_otp(url, "123456").await;
                break;
            }
            if payment["status"] != "processing" {
                break;
            }
            server.pause(std::time::Duration::from_millis(100)).await;
        }
        ids.push(id);
    }
    let (_, momo) = server
        .momo_payment("demo-cg", "cg", "airtel", "242066000001")
        .await;
    ids.push(momo["id"].as_str().unwrap().to_string());
    for id in &ids {
        server.poll_until_final(id).await;
    }
    admin(&format!("/api/v1/admin/payments/{}/refund", ids[0]))
        .json(&json!({"amount_minor": 1000, "description": "returned"}))
        .send()
        .await
        .unwrap();
    let token = admin("/api/v1/admin/order-tokens")
        .json(&json!({"reference": "INV-log", "description": "d", "amount_minor": 100, "currency": "DZD"}))
        .send()
        .await
        .unwrap();
    assert_eq!(token.status().as_u16(), 201);
    // A forged provider webhook.
    server
        .http
        .post(server.url("/webhooks/yabetoo"))
        .header("yabetoo-signature", "t=1,v1=00")
        .body("{}")
        .send()
        .await
        .unwrap();
    // A wrong admin token, a bad body.
    server
        .http
        .get(server.url("/api/v1/admin/payments"))
        .bearer_auth("wrong-token-value")
        .send()
        .await
        .unwrap();

    // The provider secrets the server was handed along the way.
    let mut secrets = vec![
        ADMIN_TOKEN.to_string(),
        SIGNING_SECRET.to_string(),
        WEBHOOK_SECRET.to_string(),
        WEBHOOK_SECRET.trim_start_matches("whsec_").to_string(),
        YABETOO_WEBHOOK_SECRET.to_string(),
        YASSIR_WEBHOOK_SECRET.to_string(),
        checkout_sandbox::yassir::CLIENT_SECRET.to_string(),
        checkout_sandbox::yabetoo::SECRET_KEY.to_string(),
    ];
    for id in &ids {
        let record: serde_json::Value = server
            .http
            .get(server.url(&format!("/api/v1/admin/payments/{id}")))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(secret) = record["client_secret"].as_str() {
            secrets.push(secret.to_string());
        }
    }

    // The merchant's webhooks went out, signed, and the demo's receiver verified them.
    server.deliver_webhooks().await;
    let (_, shown) = server.get("/demo/webhooks?format=json").await;
    let delivered = shown["events"].as_array().map_or(0, Vec::len);
    assert!(delivered >= 3, "{delivered} webhooks delivered");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.lines().count() > 20, "the run logged: {logs}");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a log line holds a secret: {}",
            logs.lines()
                .find(|line| line.contains(secret.as_str()))
                .unwrap()
        );
    }
}
