//! The server pointed at a sandbox of its own (as `cargo run -p checkout-sandbox` serves it)
//! through `YASSIR_BASE_URL` and `YABETOO_BASE_URL`, instead of the one it embeds.

mod common;

use std::time::Duration;

use checkout_sandbox::{FaultRule, Faults, SandboxConfig, YABETOO_MOUNT, YASSIR_MOUNT};
use common::start;

/// Serves the sandbox on a port of its own; answers its origin and the rules counting its calls.
async fn start_sandbox() -> (String, Faults) {
    // A zero delay changes nothing but counts every call each provider gets.
    let counting: Vec<FaultRule> = ["yassir.*=latency:0", "yabetoo.*=latency:0"]
        .iter()
        .map(|rule| rule.parse().unwrap())
        .collect();
    let faults = Faults::new(counting);
    let config = SandboxConfig {
        momo_settle_delay: Duration::from_millis(200),
        ..SandboxConfig::default()
    };
    let router = checkout_sandbox::router_with_faults(config, faults.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (origin, faults)
}

#[tokio::test]
async fn a_server_pays_through_a_standalone_sandbox() {
    let (origin, faults) = start_sandbox().await;
    let yassir = format!("{origin}{YASSIR_MOUNT}");
    let yabetoo = format!("{origin}{YABETOO_MOUNT}");
    let server = start(&[
        ("YASSIR_BASE_URL", yassir.as_str()),
        ("YABETOO_BASE_URL", yabetoo.as_str()),
    ])
    .await;

    let (status, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["status"], "succeeded", "{paid}");

    let (status, momo) = server
        .momo_payment("demo-cg", "cg", "airtel", "+242066000001")
        .await;
    assert_eq!(status, 200, "{momo}");
    let done = server.poll_until_final(momo["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "succeeded", "{done}");

    let calls = faults.list();
    assert!(
        calls[0].fired >= 2,
        "Yassir create and proceed went to the standalone sandbox: {calls:?}"
    );
    assert!(
        calls[1].fired >= 2,
        "Yabetoo create and confirm went to the standalone sandbox: {calls:?}"
    );
}

#[test]
fn the_server_reads_the_sandbox_variables_through_the_sandbox() {
    use checkout_server::config::Config;
    use std::collections::HashMap;

    let config = |pairs: &[(&str, &str)]| {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    };
    let embedded = config(&[
        ("SANDBOX_SETTLE_DELAY_MS", "200"),
        ("SANDBOX_FAULTS", "yabetoo.confirm=reset@after*1"),
    ])
    .unwrap();
    assert_eq!(
        embedded.sandbox.momo_settle_delay,
        Duration::from_millis(200)
    );
    assert_eq!(
        embedded.sandbox.faults,
        vec!["yabetoo.confirm=reset@after*1"
            .parse::<FaultRule>()
            .unwrap()]
    );
    assert_eq!(
        embedded.sandbox.public_base_url.as_deref(),
        Some("http://127.0.0.1:8787"),
        "links point at the server by default"
    );
    let moved = config(&[("SANDBOX_PUBLIC_URL", "https://sandbox.example/")]).unwrap();
    assert_eq!(
        moved.sandbox.public_base_url.as_deref(),
        Some("https://sandbox.example")
    );
    let error = config(&[("SANDBOX_FAULTS", "yassir.pay=reset")]).unwrap_err();
    assert_eq!(error.variable, "SANDBOX_FAULTS");
    assert!(error.message.contains("`pay` is not a yassir operation"));
}
