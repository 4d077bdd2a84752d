//! What the widget tells the page it is embedded in: one [`PageEvent`] per thing a merchant may
//! react to (the DOM events `ready`, `change`, `submit`, `requires_action`, `success`, `failure`
//! and `error`). They are worked out here, from the step before and after each transition, so
//! the views never raise them and the order is the flow's own.

use std::mem::{discriminant, Discriminant};

use checkout_contract::{MethodKind, OrderSummary, Payment, PaymentStatus};

use super::state::{ErrorKind, Step};

/// Something the merchant's page hears about.
#[derive(Debug, Clone, PartialEq)]
pub enum PageEvent {
    /// The order is loaded and the form is on screen.
    Ready {
        order: OrderSummary,
        methods: Vec<MethodKind>,
        test_mode: bool,
    },
    /// The form changed: the chosen method, whether it can be sent, whether nothing is typed.
    Change {
        method: Option<MethodKind>,
        complete: bool,
        empty: bool,
    },
    /// Pay pressed on a valid form (or an attempt started again): the payment is being created.
    Submit { method: Option<MethodKind> },
    /// The page is about to leave for the provider's OTP page at `url` (`returnUrl` included).
    RequiresAction { payment_id: String, url: String },
    /// Paid, or funds reserved (`pre_authorized`).
    Success {
        payment_id: String,
        status: &'static str,
        amount_minor: i64,
        currency: String,
    },
    /// The payment ended without being paid.
    Failure {
        payment_id: String,
        status: &'static str,
        code: String,
        message: String,
        retryable: bool,
    },
    /// Something other than the payment went wrong: the backend, the order, the redirect.
    Error { code: String, message: String },
}

impl PageEvent {
    /// The DOM event's type.
    pub fn name(&self) -> &'static str {
        match self {
            PageEvent::Ready { .. } => "ready",
            PageEvent::Change { .. } => "change",
            PageEvent::Submit { .. } => "submit",
            PageEvent::RequiresAction { .. } => "requires_action",
            PageEvent::Success { .. } => "success",
            PageEvent::Failure { .. } => "failure",
            PageEvent::Error { .. } => "error",
        }
    }

    /// An `error` event.
    pub fn error(code: &str, message: &str) -> PageEvent {
        PageEvent::Error {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// The `code` and developer-facing `message` of an error step.
fn error_event(kind: &ErrorKind) -> PageEvent {
    match kind {
        ErrorKind::Network => PageEvent::error(
            "network_error",
            "The merchant backend could not be reached.",
        ),
        ErrorKind::Unavailable => PageEvent::error(
            "provider_unavailable",
            "The backend or the provider is unavailable.",
        ),
        ErrorKind::TooManyAttempts => PageEvent::error(
            "rate_limited",
            "The backend limits how often a payment may be tried; retry in a moment.",
        ),
        ErrorKind::Refused { code, .. } => {
            PageEvent::error(code, "The backend refused the request.")
        }
        ErrorKind::NotFound => PageEvent::error("not_found", "The payment was not found."),
        ErrorKind::MissingRedirect => PageEvent::error(
            "missing_redirect",
            "The payment needs the OTP page but has no address for it.",
        ),
        ErrorKind::UnsafeRedirect => PageEvent::error(
            "unsafe_redirect",
            "The OTP page is on an origin that is not allowed.",
        ),
        // Handled as a failure by `step_event`.
        ErrorKind::PaymentFailed { .. } => {
            PageEvent::error("payment_failed", "The payment failed.")
        }
        ErrorKind::OrderPaid => PageEvent::error(
            "order_already_paid",
            "Another payment has already paid this order.",
        ),
        ErrorKind::OrderInProgress => PageEvent::error(
            "order_in_progress",
            "Another payment of this order is under way.",
        ),
        ErrorKind::OrderOnHold => PageEvent::error(
            "order_on_hold",
            "A payment of this order is being checked by the shop.",
        ),
        ErrorKind::OrderExpired => {
            PageEvent::error("order_expired", "The order can no longer be paid.")
        }
    }
}

fn failure(payment: &Payment, status: &'static str, retryable: bool) -> PageEvent {
    let default = match payment.status {
        PaymentStatus::Rejected => "The payment was declined.",
        PaymentStatus::Expired => "The payment was not approved in time.",
        PaymentStatus::Failed => "The payment failed.",
        _ => "The payment was canceled.",
    };
    let (code, message) = match &payment.failure {
        Some(failure) => (failure.code.clone(), failure.message.clone()),
        None => (
            status.to_string(),
            payment
                .end_user_message
                .clone()
                .unwrap_or_else(|| default.into()),
        ),
    };
    PageEvent::Failure {
        payment_id: payment.id.clone(),
        status,
        code,
        message,
        retryable,
    }
}

fn success(payment: &Payment, status: &'static str) -> PageEvent {
    PageEvent::Success {
        payment_id: payment.id.clone(),
        status,
        amount_minor: payment.amount_minor,
        currency: payment.currency.clone(),
    }
}

/// What entering `after` from a step of kind `before` (`std::mem::discriminant`) tells the
/// page, if anything. Staying in the same kind of step (another poll still pending) tells
/// nothing. `payment_id` is the attempt's payment and `method` the form's method.
pub fn step_event(
    before: Discriminant<Step>,
    after: &Step,
    payment_id: Option<&str>,
    method: Option<MethodKind>,
) -> Option<PageEvent> {
    if before == discriminant(after) {
        return None;
    }
    Some(match after {
        Step::Creating => PageEvent::Submit { method },
        Step::Redirecting { url } => PageEvent::RequiresAction {
            payment_id: payment_id.unwrap_or_default().to_string(),
            url: url.clone(),
        },
        Step::Succeeded { payment } => success(payment, "succeeded"),
        Step::PreAuthorized { payment } => success(payment, "pre_authorized"),
        Step::Rejected { payment } => failure(payment, "rejected", true),
        Step::Expired { payment } => failure(payment, "expired", true),
        Step::Closed { payment } => failure(payment, "canceled", false),
        Step::Error {
            kind: ErrorKind::PaymentFailed { payment },
            can_retry,
        } => failure(payment, "failed", *can_retry),
        Step::Error { kind, .. } => error_event(kind),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_contract::Failure;

    use crate::core::fixtures::payment;

    #[test]
    fn pay_pressed_is_a_submit_with_the_method() {
        let page_event = step_event(
            discriminant(&Step::Choosing),
            &Step::Creating,
            None,
            Some(MethodKind::YassirCash),
        );
        assert_eq!(
            page_event,
            Some(PageEvent::Submit {
                method: Some(MethodKind::YassirCash)
            })
        );
    }

    #[test]
    fn leaving_for_the_otp_page_is_requires_action_with_the_url() {
        let url = "https://otp.example/verify?returnUrl=x".to_string();
        let page_event = step_event(
            discriminant(&Step::Submitting),
            &Step::Redirecting { url: url.clone() },
            Some("pay_1"),
            None,
        );
        assert_eq!(
            page_event,
            Some(PageEvent::RequiresAction {
                payment_id: "pay_1".into(),
                url
            })
        );
    }

    #[test]
    fn succeeded_and_pre_authorized_are_successes_with_the_amount() {
        let paid = step_event(
            discriminant(&Step::Submitting),
            &Step::Succeeded {
                payment: payment(PaymentStatus::Succeeded),
            },
            None,
            None,
        );
        assert_eq!(
            paid,
            Some(PageEvent::Success {
                payment_id: "pay_1".into(),
                status: "succeeded",
                amount_minor: 150_000,
                currency: "DZD".into()
            })
        );
        let reserved = step_event(
            discriminant(&Step::Checking { deadline_ms: 1 }),
            &Step::PreAuthorized {
                payment: payment(PaymentStatus::PreAuthorized),
            },
            None,
            None,
        );
        assert!(matches!(
            reserved,
            Some(PageEvent::Success {
                status: "pre_authorized",
                ..
            })
        ));
    }

    #[test]
    fn rejected_is_a_retryable_failure_with_the_provider_code() {
        let mut rejected = payment(PaymentStatus::Rejected);
        rejected.failure = Some(Failure {
            code: "insufficient_funds".into(),
            message: "Insufficient balance".into(),
        });
        let page_event = step_event(
            discriminant(&Step::Submitting),
            &Step::Rejected { payment: rejected },
            None,
            None,
        );
        assert_eq!(
            page_event,
            Some(PageEvent::Failure {
                payment_id: "pay_1".into(),
                status: "rejected",
                code: "insufficient_funds".into(),
                message: "Insufficient balance".into(),
                retryable: true,
            })
        );
    }

    #[test]
    fn a_failed_payment_is_a_failure_and_other_errors_are_errors() {
        let failed = Step::Error {
            kind: ErrorKind::PaymentFailed {
                payment: Box::new(payment(PaymentStatus::Failed)),
            },
            can_retry: false,
        };
        assert!(matches!(
            step_event(
                discriminant(&Step::Checking { deadline_ms: 1 }),
                &failed,
                None,
                None
            ),
            Some(PageEvent::Failure {
                status: "failed",
                retryable: false,
                ..
            })
        ));
        let unsafe_redirect = Step::Error {
            kind: ErrorKind::UnsafeRedirect,
            can_retry: false,
        };
        let page_event = step_event(
            discriminant(&Step::Submitting),
            &unsafe_redirect,
            None,
            None,
        )
        .unwrap();
        assert_eq!(page_event.name(), "error");
        assert!(
            matches!(page_event, PageEvent::Error { ref code, .. } if code == "unsafe_redirect")
        );
    }

    #[test]
    fn staying_in_the_same_step_tells_nothing() {
        let step = Step::Checking { deadline_ms: 1 };
        assert_eq!(
            step_event(
                discriminant(&step),
                &Step::Checking { deadline_ms: 2 },
                None,
                None
            ),
            None
        );
        assert_eq!(
            step_event(discriminant(&Step::Creating), &Step::Submitting, None, None),
            None
        );
    }
}
