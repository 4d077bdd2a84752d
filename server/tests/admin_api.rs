//! The merchant's admin API: token, capture, release, refunds.

mod common;

use common::{start, ADMIN};
use serde_json::json;

#[tokio::test]
async fn admin_endpoints_need_the_token() {
    let server = start(&[]).await;
    let (status, body) = server.get("/api/v1/admin/payments").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "unauthorized");
    let response = server
        .http
        .get(server.url("/api/v1/admin/payments"))
        .bearer_auth(format!("{ADMIN}x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn reservation_then_partial_capture_releases_the_rest() {
    let server = start(&[]).await;
    let (_, payment) = server
        .yassir_payment("demo-dz-hotel", "+213555000002")
        .await;
    assert_eq!(payment["status"], "pre_authorized", "{payment}");
    let id = payment["id"].as_str().unwrap();

    let (status, error) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/capture"),
            json!({"amount_minor": 600000}),
        )
        .await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["error"]["field"], "amount_minor");

    let (status, record) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/capture"),
            json!({"amount_minor": 450000}),
        )
        .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["status"], "succeeded");
    assert_eq!(record["captured_minor"], 450000);

    let (status, _) = server
        .admin_post(&format!("/api/v1/admin/payments/{id}/capture"), json!({}))
        .await;
    assert_eq!(status, 409, "a captured payment cannot be captured again");
}

#[tokio::test]
async fn release_returns_reserved_funds() {
    let server = start(&[]).await;
    let (_, payment) = server
        .yassir_payment("demo-dz-hotel", "+213555000002")
        .await;
    let id = payment["id"].as_str().unwrap();
    let (status, record) = server
        .admin_post(&format!("/api/v1/admin/payments/{id}/release"), json!({}))
        .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["status"], "canceled");
}

#[tokio::test]
async fn refunds_reduce_the_balance_to_zero_then_are_refused() {
    let server = start(&[]).await;
    let (_, payment) = server.yassir_payment("demo-dz", "+213555000002").await;
    assert_eq!(payment["status"], "succeeded", "{payment}");
    let refund = format!(
        "/api/v1/admin/payments/{}/refund",
        payment["id"].as_str().unwrap()
    );

    for (amount, status, refunded) in [
        (50000, "partially_refunded", 50000),
        (30000, "partially_refunded", 80000),
        (70000, "refunded", 150000),
    ] {
        let (code, record) = server
            .admin_post(
                &refund,
                json!({"amount_minor": amount, "description": "Partial refund for item return"}),
            )
            .await;
        assert_eq!(code, 200, "{record}");
        assert_eq!(record["status"], status);
        assert_eq!(record["refunded_minor"], refunded);
    }
    let (code, error) = server
        .admin_post(
            &refund,
            json!({"amount_minor": 100, "description": "one more"}),
        )
        .await;
    assert_eq!(code, 409, "{error}");
    assert_eq!(error["error"]["code"], "not_refundable");
}

#[tokio::test]
async fn a_refund_beyond_the_balance_is_refused() {
    let server = start(&[]).await;
    let (_, payment) = server.yassir_payment("demo-dz", "+213555000002").await;
    let refund = format!(
        "/api/v1/admin/payments/{}/refund",
        payment["id"].as_str().unwrap()
    );
    let (code, error) = server
        .admin_post(
            &refund,
            json!({"amount_minor": 150001, "description": "too much"}),
        )
        .await;
    assert_eq!(code, 422, "{error}");
    assert_eq!(error["error"]["code"], "amount_too_large");
    let (code, error) = server
        .admin_post(&refund, json!({"amount_minor": 100}))
        .await;
    assert_eq!(code, 400, "{error}");
    assert_eq!(error["error"]["field"], "description");
    let (code, record) = server
        .admin_post(
            &refund,
            json!({"description": "Customer requested full refund"}),
        )
        .await;
    assert_eq!(code, 200, "{record}");
    assert_eq!(record["status"], "refunded");
}

#[tokio::test]
async fn list_filters_by_status() {
    let server = start(&[]).await;
    server.yassir_payment("demo-dz", "+213555000002").await;
    server.yassir_payment("demo-dz", "+213555000003").await;
    let (_, succeeded) = server
        .admin_get("/api/v1/admin/payments?status=succeeded")
        .await;
    assert_eq!(succeeded["payments"].as_array().unwrap().len(), 1);
    let (code, error) = server.admin_get("/api/v1/admin/payments?status=paid").await;
    assert_eq!(code, 400);
    assert_eq!(error["error"]["field"], "status");
}

#[tokio::test]
async fn mobile_money_refunds_are_unsupported_by_the_provider() {
    let server = start(&[]).await;
    let (_, payment) = server
        .momo_payment("demo-cg", "cg", "airtel", "242066000001")
        .await;
    let id = payment["id"].as_str().unwrap().to_string();
    let done = server.poll_until_final(&id).await;
    assert_eq!(done["status"], "succeeded");
    let (code, error) = server
        .admin_post(
            &format!("/api/v1/admin/payments/{id}/refund"),
            json!({"description": "return"}),
        )
        .await;
    assert_eq!(code, 422, "{error}");
    assert_eq!(error["error"]["code"], "unsupported_by_provider");
}
