//! A merchant's backend in PHP (`examples/backend/php`), the language many of these shops run:
//! its order tokens are paid by the server, and its webhook check takes the server's
//! deliveries and refuses forged ones. Runs the real `php` (installed by the set-up).

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use checkout_server::merchant_webhooks::signing::Signer;
use checkout_server::secrets::Secret;
use common::{fresh_secret, run_program, start, unique};
use serde_json::json;

fn php(script: &str, arguments: &[&str], env: (&str, &str), stdin: &str) -> (i32, String) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/backend/php/");
    let script = format!("{path}{script}");
    let arguments: Vec<&str> = std::iter::once(script.as_str())
        .chain(arguments.iter().copied())
        .collect();
    run_program("php", &arguments, std::path::Path::new(path), &[env], stdin)
}

#[tokio::test]
async fn an_order_token_signed_in_php_is_paid_for_its_amount() {
    let secret = fresh_secret();
    let server = start(&[("ORDER_SIGNING_SECRET", secret.as_str())]).await;
    let reference = format!("INV-{}", unique());
    let (status, token) = php(
        "order-token.php",
        &[&reference, "420000", "dzd", "Two concert tickets"],
        ("ORDER_SIGNING_SECRET", &secret),
        "",
    );
    assert_eq!(status, 0, "{token}");
    let (status, session) = server.get(&format!("/api/v1/checkout?order={token}")).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["order"]["reference"], reference.as_str());
    assert_eq!(session["order"]["amount_minor"], 420000);
    let (status, paid) = server.yassir_payment(&token, "+213555000002").await;
    assert_eq!(
        (status, paid["status"].as_str()),
        (200, Some("succeeded")),
        "{paid}"
    );

    // Signed with another secret: refused, as is a token whose amount was changed.
    let (_, forged) = php(
        "order-token.php",
        &[&reference, "1", "DZD"],
        ("ORDER_SIGNING_SECRET", &fresh_secret()),
        "",
    );
    let (status, refused) = server
        .get(&format!("/api/v1/checkout?order={forged}"))
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["field"], "order");
}

#[test]
fn the_php_webhook_check_takes_the_servers_deliveries_and_refuses_forgeries() {
    let whsec = || format!("whsec_{}", STANDARD.encode(fresh_secret()));
    let secret = whsec();
    let signer = Signer::new(&[Secret::from(secret.clone())]).unwrap();
    let body =
        json!({"id": "evt_1", "type": "payment.succeeded", "data": {"id": "pay_1"}}).to_string();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let headers = signer.headers("evt_1", now, &body);
    let [(_, id), (_, timestamp), (_, signature)] = headers;
    let check = |body: &str, timestamp: &str, signature: &str| {
        php(
            "webhook.php",
            &[&id, timestamp, signature],
            ("WEBHOOK_SECRET", secret.as_str()),
            body,
        )
    };
    assert_eq!(check(&body, &timestamp, &signature), (0, "genuine".into()));
    let tampered = body.replace("pay_1", "pay_2");
    assert_eq!(check(&tampered, &timestamp, &signature).0, 1);
    let old = (now - 3600).to_string();
    assert_eq!(
        check(&body, &old, &signature).0,
        1,
        "a replay an hour later"
    );
    let other = Signer::new(&[Secret::from(whsec())]).unwrap();
    let [_, _, (_, forged)] = other.headers("evt_1", now, &body);
    assert_eq!(check(&body, &timestamp, &forged).0, 1);
}
