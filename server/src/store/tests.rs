use checkout_contract::PaymentStatus;

use super::*;

#[test]
fn an_allowance_lets_its_burst_through_then_one_per_interval() {
    let allowance = Allowance::per(2, 3_600_000).unwrap();
    assert_eq!(allowance.every_ms, 1_800_000);
    let first = allowance.take(None, 0).unwrap();
    let second = allowance.take(Some(first), 0).unwrap();
    assert_eq!(allowance.take(Some(second), 0), Err(1_800_000));
    assert_eq!(allowance.take(Some(second), 1_000_000), Err(800_000));
    assert!(allowance.take(Some(second), 1_800_000).is_ok());
    assert!(Allowance::per(0, 60_000).is_none());
}

#[test]
fn a_logged_database_url_keeps_no_password() {
    assert_eq!(
        loggable_url("postgres://shop:s3cret@db.internal:5432/checkout"),
        "postgres://shop:***@db.internal:5432/checkout"
    );
    assert_eq!(
        loggable_url("postgresql://shop@db/checkout"),
        "postgresql://shop@db/checkout"
    );
    assert_eq!(loggable_url("checkout.sqlite3"), "checkout.sqlite3");
}

impl PaymentRow {
    /// A Yassir Cash payment of 1500.00 DZD in `status`, for the unit tests.
    pub(crate) fn sample(status: PaymentStatus) -> Self {
        Self {
            id: "pay_1".into(),
            idempotency_key: "key".into(),
            request_fingerprint: "f".into(),
            order_ref: "INV-1".into(),
            description: "d".into(),
            method: MethodKind::YassirCash,
            provider: "yassir".into(),
            amount_minor: 150_000,
            currency: "DZD".into(),
            country_alpha3: "DZA".into(),
            capture_method: CaptureMethod::Direct,
            phone: Some("+213555000001".into()),
            status,
            provider_intent_id: Some("intent".into()),
            provider_client_secret: Some("secret".into()),
            pay_url: None,
            expires_at: None,
            end_user_message: None,
            support_email: None,
            support_phone: None,
            failure_code: None,
            failure_message: None,
            captured_minor: 0,
            refunded_minor: 0,
            order_expires_at: None,
            outcome_unknown: Some("HTTP 503".into()),
            language: None,
            submitted_at: Some("2026-01-01T00:00:00Z".into()),
            decided_by: None,
            attention: None,
            client_secret: "pay_1_secret_x".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            version: 3,
        }
    }
}
