//! What a load balancer and monitoring ask of the server: liveness, readiness (false while
//! draining) and Prometheus metrics behind the admin token.

mod common;

use common::start;

async fn text(server: &common::TestServer, path: &str, token: Option<&str>) -> (u16, String) {
    let mut request = server.http.get(server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The value of the sample named exactly `series` (with its labels).
fn sample(exposition: &str, series: &str) -> Option<f64> {
    exposition
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

#[tokio::test]
async fn liveness_and_readiness_answer_and_readiness_ends_with_draining() {
    let server = start(&[]).await;
    assert_eq!(text(&server, "/healthz", None).await.0, 200);
    assert_eq!(text(&server, "/readyz", None).await.0, 200);
    server.start_draining();
    let (status, body) = text(&server, "/readyz", None).await;
    assert_eq!((status, body.trim()), (503, "draining"));
    assert_eq!(text(&server, "/healthz", None).await.0, 200, "still alive");
}

#[tokio::test]
async fn metrics_count_payments_and_provider_calls_behind_the_admin_token() {
    let server = start(&[]).await;
    assert_eq!(text(&server, "/metrics", None).await.0, 401);
    assert_eq!(text(&server, "/metrics", Some("wrong")).await.0, 401);

    let (status, paid) = server.yassir_payment("demo-dz", "+213555000002").await;
    assert_eq!((status, paid["status"].as_str()), (200, Some("succeeded")));
    let (status, waiting) = server.yassir_payment("demo-dz", "+213555000001").await;
    assert_eq!(
        (status, waiting["status"].as_str()),
        (200, Some("requires_action"))
    );

    let (status, exposition) = text(&server, "/metrics", Some(&server.admin)).await;
    assert_eq!(status, 200, "{exposition}");
    let expect = |series: &str, at_least: f64| {
        let value =
            sample(&exposition, series).unwrap_or_else(|| panic!("no {series} in\n{exposition}"));
        assert!(value >= at_least, "{series} = {value}");
    };
    expect("checkout_payments{status=\"succeeded\"}", 1.0);
    expect("checkout_payments{status=\"requires_action\"}", 1.0);
    assert_eq!(
        sample(&exposition, "checkout_payments{status=\"refunded\"}"),
        Some(0.0)
    );
    expect("checkout_reconcile_backlog", 1.0);
    expect(
        "checkout_provider_call_duration_seconds_count{provider=\"yassir\",operation=\"create\",outcome=\"answered\"}",
        2.0,
    );
    expect(
        "checkout_provider_call_duration_seconds_count{provider=\"yassir\",operation=\"submit\",outcome=\"answered\"}",
        2.0,
    );
    expect("checkout_webhook_deliveries{state=\"pending\"}", 0.0);
    assert!(exposition.contains("# TYPE checkout_provider_call_duration_seconds histogram"));
}

#[tokio::test]
async fn a_provider_without_a_definite_answer_is_counted_as_unknown() {
    let server = start(&[]).await;
    server
        .add_fault(serde_json::json!({"provider": "yassir", "operation": "proceed", "fault": "http_error", "status": 503}))
        .await;
    let (status, body) = server.yassir_payment("demo-dz", "+213555000002").await;
    assert_eq!(status, 200, "{body}");
    let (_, exposition) = text(&server, "/metrics", Some(&server.admin)).await;
    let unknown = sample(
        &exposition,
        "checkout_provider_call_duration_seconds_count{provider=\"yassir\",operation=\"submit\",outcome=\"unknown\"}",
    );
    assert!(unknown >= Some(1.0), "{exposition}");
}
