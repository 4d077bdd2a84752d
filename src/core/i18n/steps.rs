//! The flow's words: each step's heading and explanation, its actions, countdown and reference.

use checkout_contract::PaymentStatus;

use super::{fill, t, Lang, Msg};
use crate::core::backoff::countdown_text;
use crate::core::state::{ErrorKind, ShopperAction, Step};

/// "Time left: 1:30".
pub fn time_left(lang: Lang, remaining_ms: u64) -> String {
    fill(lang, Msg::TimeLeftTemplate, &countdown_text(remaining_ms))
}

/// "Reference: pay_…", for any step that has a payment.
pub fn reference(lang: Lang, payment_id: &str) -> String {
    fill(lang, Msg::ReferenceTemplate, payment_id)
}

/// A step's heading and explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepText {
    pub title: String,
    pub body: Option<String>,
}

/// The heading and explanation for a step; `None` on the form itself.
pub fn step_text(lang: Lang, step: &Step) -> Option<StepText> {
    let text = |title: Msg, body: Option<Msg>| StepText {
        title: t(lang, title).to_string(),
        body: body.map(|body| t(lang, body).to_string()),
    };
    let step_text = match step {
        Step::Choosing => return None,
        Step::Creating => text(Msg::CreatingTitle, None),
        Step::Submitting => text(Msg::SubmittingTitle, None),
        Step::Redirecting { .. } => text(Msg::RedirectingTitle, None),
        Step::RequiresAction { .. } => {
            text(Msg::RequiresActionTitle, Some(Msg::RequiresActionBody))
        }
        Step::AwaitingApproval { phone, .. } => StepText {
            title: t(lang, Msg::AwaitingApprovalTitle).to_string(),
            body: Some(match phone {
                Some(phone) => fill(lang, Msg::AwaitingApprovalTemplate, &display_phone(phone)),
                None => t(lang, Msg::AwaitingApprovalBody).to_string(),
            }),
        },
        Step::Checking { .. } => text(Msg::CheckingTitle, None),
        Step::Succeeded { .. } => text(Msg::SucceededTitle, Some(Msg::SucceededBody)),
        Step::Rejected { .. } => text(Msg::RejectedTitle, Some(Msg::RejectedBody)),
        Step::PreAuthorized { .. } => text(Msg::PreAuthorizedTitle, Some(Msg::PreAuthorizedBody)),
        Step::Expired { .. } => text(Msg::ExpiredTitle, Some(Msg::ExpiredBody)),
        Step::Closed { payment } => {
            let title = match payment.status {
                PaymentStatus::Refunded => Msg::RefundedTitle,
                PaymentStatus::PartiallyRefunded => Msg::PartiallyRefundedTitle,
                _ => Msg::CanceledTitle,
            };
            text(title, Some(Msg::ClosedBody))
        }
        Step::StillPending { payment_id } => StepText {
            title: fill(lang, Msg::StillPendingTemplate, payment_id),
            body: Some(t(lang, Msg::StillPendingBody).to_string()),
        },
        Step::Error { kind, .. } => {
            let body = match kind {
                ErrorKind::Network => Msg::NetworkError,
                ErrorKind::Unavailable => Msg::UnavailableError,
                ErrorKind::TooManyAttempts => Msg::TooManyAttemptsError,
                ErrorKind::Refused { .. } => Msg::RefusedError,
                ErrorKind::NotFound => Msg::NotFoundError,
                ErrorKind::PaymentFailed { payment }
                    if payment
                        .failure
                        .as_ref()
                        .is_some_and(|f| f.code == "not_submitted") =>
                {
                    Msg::NotSubmittedError
                }
                ErrorKind::PaymentFailed { .. } => Msg::PaymentFailedError,
                ErrorKind::OrderPaid => Msg::OrderPaidError,
                ErrorKind::OrderInProgress => Msg::OrderInProgressError,
                ErrorKind::OrderOnHold => Msg::OrderOnHoldError,
                ErrorKind::OrderExpired => Msg::OrderExpiredError,
                ErrorKind::MissingRedirect | ErrorKind::UnsafeRedirect => Msg::RedirectError,
            };
            text(Msg::ErrorTitle, Some(body))
        }
    };
    Some(step_text)
}

/// The label of an action a step offers.
pub fn action_label(lang: Lang, action: ShopperAction) -> &'static str {
    let msg = match action {
        ShopperAction::Retry => Msg::Retry,
        ShopperAction::TryAgain => Msg::TryAgain,
        ShopperAction::CheckAgain => Msg::CheckAgain,
        ShopperAction::ContinueToProvider => Msg::ContinueToYassir,
        ShopperAction::ChangeDetails => Msg::ChangeDetails,
    };
    t(lang, msg)
}

/// A number as the backend sends it (`242066594470`), with a `+` for display.
fn display_phone(phone: &str) -> String {
    if phone.starts_with('+') || !phone.bytes().all(|b| b.is_ascii_digit()) {
        phone.to_string()
    } else {
        ["+", phone].concat()
    }
}

/// What a page opened on an order that cannot be paid now says in place of the form.
pub fn order_held(lang: Lang, state: checkout_contract::OrderState) -> Option<&'static str> {
    use checkout_contract::OrderState;
    let msg = match state {
        OrderState::Open => return None,
        OrderState::InFlight => Msg::OrderInProgressError,
        OrderState::OnHold => Msg::OrderOnHoldError,
        OrderState::Paid => Msg::OrderPaidError,
    };
    Some(t(lang, msg))
}
