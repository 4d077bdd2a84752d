//! What the provider's answers, direct or through a later check, say about a merchant
//! operation, and what a done operation makes of the payment: pure, tested natively.

use checkout_contract::PaymentStatus;

use crate::providers::{ProviderError, ProviderStatus};
use crate::store::{OperationKind, OperationRow, PaymentRow};

/// What an answer says about an operation.
pub(super) enum Verdict {
    /// The provider did it: the payment's new status.
    Done(PaymentStatus),
    /// The provider did not: its reason.
    Refused(String),
    /// Not known yet: why.
    Unknown(String),
}

/// The status an operation moves a payment to, when the provider did it.
pub(super) fn expected(kind: OperationKind, status: PaymentStatus) -> bool {
    match kind {
        OperationKind::Capture => status == PaymentStatus::Succeeded,
        OperationKind::Release => status == PaymentStatus::Canceled,
        OperationKind::Refund => matches!(
            status,
            PaymentStatus::Refunded | PaymentStatus::PartiallyRefunded
        ),
    }
}

/// Reads the provider's direct answer to an operation.
pub(super) fn read_answer(
    kind: OperationKind,
    result: Result<ProviderStatus, ProviderError>,
) -> Verdict {
    match result {
        Ok(answer) if expected(kind, answer.status) => Verdict::Done(answer.status),
        // A definite status that is not what was asked: refused (a refund answered with
        // statusCode 3 leaves the payment paid, not rejected).
        Ok(answer) => Verdict::Refused(match answer.failure {
            Some((_, message)) => format!("{message} ({})", answer.raw),
            None => format!("the provider answered {}", answer.raw),
        }),
        // Refused here, before anything was sent.
        Err(error @ ProviderError::Unsupported(_)) => Verdict::Refused(error.to_string()),
        // Any other error came back after the request left, a 4xx included: the provider may
        // have acted on it (or on an earlier copy), so only a check or the merchant decides.
        Err(error) => Verdict::Unknown(error.to_string()),
    }
}

/// What a later check of the payment says about a pending operation. A check shows a capture
/// (a reservation becomes a success), so a reservation still untouched after the grace is a
/// capture never applied. Yassir documents its check's codes as 2, 3, 12 and 13 only: it may
/// never show a refund or a release, so an unchanged status says nothing about them, and they
/// stay pending until the provider shows them or the merchant settles them from its dashboard.
pub(super) fn read_check(
    operation: &OperationRow,
    checked: PaymentStatus,
    grace_passed: bool,
) -> Verdict {
    match (operation.kind, checked) {
        // A partial refund after a partial refund leaves the status as it was: the check cannot
        // tell whether this one was made.
        (OperationKind::Refund, PaymentStatus::PartiallyRefunded)
            if operation.status_before == PaymentStatus::PartiallyRefunded =>
        {
            Verdict::Unknown(SEE_DASHBOARD.into())
        }
        (kind, status) if expected(kind, status) => Verdict::Done(status),
        (OperationKind::Capture, PaymentStatus::PreAuthorized) if grace_passed => Verdict::Refused(
            format!("the provider never applied it: the payment is still {checked} there"),
        ),
        (OperationKind::Refund | OperationKind::Release, status)
            if status == operation.status_before && grace_passed =>
        {
            Verdict::Unknown(SEE_DASHBOARD.into())
        }
        _ => Verdict::Unknown(format!("the payment is {checked} at the provider")),
    }
}

/// Why an operation stays pending when no check can show its outcome.
const SEE_DASHBOARD: &str = "the provider's check cannot show whether this was made: look it up in the provider's dashboard and settle it (POST …/operations/{operation}/settle)";

/// The payment once `operation` is done and the provider says `status`.
pub(super) fn applied(
    row: &PaymentRow,
    operation: &OperationRow,
    status: PaymentStatus,
    now: String,
) -> PaymentRow {
    let mut updated = row.clone();
    updated.status = status;
    match operation.kind {
        OperationKind::Capture => updated.captured_minor = operation.amount_minor,
        OperationKind::Release => {}
        OperationKind::Refund if status == PaymentStatus::Refunded => {
            updated.refunded_minor = updated.captured_minor
        }
        OperationKind::Refund => updated.refunded_minor += operation.amount_minor,
    }
    updated.updated_at = now;
    updated
}

pub(super) fn describe(row: &PaymentRow, operation: &OperationRow) -> String {
    match operation.kind {
        OperationKind::Capture => format!(
            "captured {} of {} ({})",
            operation.amount_minor, row.amount_minor, operation.id
        ),
        OperationKind::Release => format!("reserved funds released ({})", operation.id),
        OperationKind::Refund => format!(
            "refunded {}; {} remains refundable ({})",
            operation.amount_minor,
            row.captured_minor - row.refunded_minor,
            operation.id
        ),
    }
}
