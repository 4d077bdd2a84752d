//! The step the shopper stands on, and what they can do from it.

use checkout_contract::Payment;

use super::ErrorKind;

/// What the shopper can do from a step: the core's one answer, which the views show and
/// [`transition`](fn@super::transition) accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopperAction {
    /// The same attempt again, after an interruption.
    Retry,
    /// A new attempt with the same details, after a refusal.
    TryAgain,
    /// Ask the backend again after the wait ran out.
    CheckAgain,
    /// Back to the OTP page.
    ContinueToProvider,
    /// Back to the form.
    ChangeDetails,
}

/// Where the shopper stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Filling in the method form.
    Choosing,
    /// Creating the payment.
    Creating,
    /// Sending the method details.
    Submitting,
    /// Leaving for the provider's OTP page at `url` (`returnUrl` included): a fallback link.
    Redirecting { url: String },
    /// Back from the OTP page, payment still waiting for the code: offer to go back there
    /// (`Event::ContinueToProvider`) while checking in case it is only late.
    RequiresAction { pay_url: String, deadline_ms: u64 },
    /// The mobile-money prompt is on the shopper's phone.
    AwaitingApproval {
        phone: Option<String>,
        deadline_ms: u64,
    },
    /// The provider has not decided yet.
    Checking { deadline_ms: u64 },
    /// Paid.
    Succeeded { payment: Payment },
    /// Declined; trying again may work.
    Rejected { payment: Payment },
    /// Funds reserved for the merchant to capture.
    PreAuthorized { payment: Payment },
    /// Not approved in time; trying again may work.
    Expired { payment: Payment },
    /// Over for the shopper in another way: canceled, refunded or partly refunded (see
    /// `payment.status`).
    Closed { payment: Payment },
    /// No final answer before the deadline: show the reference, do not invite a second payment.
    StillPending { payment_id: String },
    /// Stopped on an error; `can_retry` says whether `Event::Retry` is offered.
    Error { kind: ErrorKind, can_retry: bool },
}

impl Step {
    /// What the shopper can do from here, the main action first.
    pub fn actions(&self) -> &'static [ShopperAction] {
        use ShopperAction as A;
        match self {
            Step::Error {
                kind: ErrorKind::OrderPaid | ErrorKind::OrderOnHold | ErrorKind::OrderExpired,
                ..
            } => &[],
            Step::Error {
                kind: ErrorKind::Network | ErrorKind::Unavailable | ErrorKind::TooManyAttempts,
                can_retry: true,
            } => &[A::Retry, A::ChangeDetails],
            Step::Error {
                can_retry: true, ..
            }
            | Step::Rejected { .. }
            | Step::Expired { .. } => &[A::TryAgain, A::ChangeDetails],
            Step::Error { .. } => &[A::ChangeDetails],
            // Going back is safe: the backend answers a new Pay for this order with the attempt
            // still in flight, never a second charge.
            Step::StillPending { .. } => &[A::CheckAgain, A::ChangeDetails],
            Step::RequiresAction { .. } => &[A::ContinueToProvider, A::ChangeDetails],
            _ => &[],
        }
    }

    /// True when the method form shows with this step (filled in, or to change and pay again).
    pub fn shows_form(&self) -> bool {
        match self {
            Step::Choosing | Step::Creating | Step::Submitting => true,
            _ => {
                self.actions().contains(&ShopperAction::ChangeDetails)
                    && !matches!(
                        self,
                        Step::StillPending { .. } | Step::RequiresAction { .. }
                    )
            }
        }
    }

    /// True when the attempt is over for the shopper, so nothing is left to resume. A retryable
    /// error is not over (Retry may replay the attempt), nor is a payment still pending.
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            Step::Succeeded { .. }
                | Step::Rejected { .. }
                | Step::PreAuthorized { .. }
                | Step::Expired { .. }
                | Step::Closed { .. }
                | Step::Error {
                    can_retry: false,
                    ..
                }
        )
    }

    /// When the current wait ends, for a countdown.
    pub fn deadline_ms(&self) -> Option<u64> {
        match self {
            Step::RequiresAction { deadline_ms, .. }
            | Step::AwaitingApproval { deadline_ms, .. }
            | Step::Checking { deadline_ms } => Some(*deadline_ms),
            _ => None,
        }
    }
}
