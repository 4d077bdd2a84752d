use super::*;
use crate::providers::{ProviderError, ProviderStatus};

fn operation(kind: OperationKind, before: PaymentStatus, amount: i64) -> OperationRow {
    OperationRow {
        id: "op_1".into(),
        payment_id: "pay_1".into(),
        kind,
        idempotency_key: "k".into(),
        request_fingerprint: "f".into(),
        amount_minor: amount,
        requested_minor: Some(amount),
        description: None,
        reason: None,
        state: OperationState::Pending,
        status_before: before,
        detail: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

#[test]
fn a_refund_answered_with_a_rejection_is_a_refused_refund() {
    let answer = ProviderStatus {
        failure: Some(("rejected".into(), "Refund not allowed".into())),
        ..ProviderStatus::plain(PaymentStatus::Rejected, "statusCode 3")
    };
    assert!(matches!(
        read_answer(OperationKind::Refund, Ok(answer)),
        Verdict::Refused(reason) if reason.contains("Refund not allowed")
    ));
}

#[test]
fn unclear_answers_leave_the_operation_pending() {
    for error in [
        ProviderError::Timeout,
        ProviderError::Unavailable("HTTP 503".into()),
        ProviderError::UnknownStatus("statusCode 99".into()),
        // A 4xx after the request left is no refusal: an earlier copy may have gone through.
        ProviderError::Refused {
            code: "http_409".into(),
            message: "conflict".into(),
        },
        ProviderError::NotFound("no such intent".into()),
        ProviderError::Unauthorized("bad credentials".into()),
    ] {
        assert!(matches!(
            read_answer(OperationKind::Capture, Err(error)),
            Verdict::Unknown(_)
        ));
    }
}

#[test]
fn a_check_that_shows_a_refund_decides_it_and_one_that_does_not_never_refuses_it() {
    let first = operation(OperationKind::Refund, PaymentStatus::Succeeded, 500);
    assert!(matches!(
        read_check(&first, PaymentStatus::PartiallyRefunded, false),
        Verdict::Done(PaymentStatus::PartiallyRefunded)
    ));
    // Yassir's check may never show a refund: still 2 long after says nothing.
    assert!(matches!(
        read_check(&first, PaymentStatus::Succeeded, true),
        Verdict::Unknown(_)
    ));
    let release = operation(OperationKind::Release, PaymentStatus::PreAuthorized, 0);
    assert!(matches!(
        read_check(&release, PaymentStatus::PreAuthorized, true),
        Verdict::Unknown(_)
    ));
    assert!(matches!(
        read_check(&first, PaymentStatus::Succeeded, false),
        Verdict::Unknown(_)
    ));
    let second = operation(OperationKind::Refund, PaymentStatus::PartiallyRefunded, 300);
    assert!(matches!(
        read_check(&second, PaymentStatus::PartiallyRefunded, true),
        Verdict::Unknown(_)
    ));
    let last = operation(
        OperationKind::Refund,
        PaymentStatus::PartiallyRefunded,
        1000,
    );
    assert!(matches!(
        read_check(&last, PaymentStatus::Refunded, false),
        Verdict::Done(PaymentStatus::Refunded)
    ));
}

#[test]
fn a_capture_still_reserved_after_the_grace_never_happened() {
    let capture = operation(OperationKind::Capture, PaymentStatus::PreAuthorized, 5000);
    assert!(matches!(
        read_check(&capture, PaymentStatus::PreAuthorized, true),
        Verdict::Refused(_)
    ));
    assert!(matches!(
        read_check(&capture, PaymentStatus::Succeeded, false),
        Verdict::Done(PaymentStatus::Succeeded)
    ));
}
