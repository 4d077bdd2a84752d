//! What goes into the state machine (events, and the moment they happen) and what comes out
//! (effects for the edge to run).

use checkout_contract::{CreatePaymentRequest, Payment, SubmitRequest};

use super::RequestError;

/// What the edge knows when an event happens, so the core reads no clock and no RNG.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    /// Milliseconds since the Unix epoch (`Date.now()`).
    pub now_ms: u64,
    /// A uniform draw in `[0, 1)` (`Math.random()`), for polling jitter.
    pub random_unit: f64,
}

/// Something that happened: a shopper action, a backend answer or a timer.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Pay pressed on a valid form (`MethodForm::to_requests`). The edge generates a fresh
    /// idempotency key for every press; a press while an attempt runs is ignored.
    Pay {
        idempotency_key: String,
        create: CreatePaymentRequest,
        submit: SubmitRequest,
    },
    /// `POST /payments` answered.
    Created(Payment),
    CreateFailed(RequestError),
    /// `POST /payments/{id}/submit` answered.
    Submitted(Payment),
    SubmitFailed(RequestError),
    /// `GET /payments/{id}` answered.
    PollResult(Payment),
    PollFailed(RequestError),
    /// The page loaded with a resume marker (`redirect::resume_marker`): back from the OTP page.
    Returned {
        payment_id: String,
    },
    /// The shopper asks to go back to the OTP page.
    ContinueToProvider,
    /// The wait's deadline timer fired.
    DeadlineReached,
    /// Retry / Try again pressed, with a fresh key in case a new attempt is needed: after a
    /// network error the same create is replayed with the attempt's own key instead.
    Retry {
        idempotency_key: String,
    },
    /// Ask again after `StillPending`.
    CheckAgain,
    /// Back to the form, to change number, operator or method.
    ChangeDetails,
}

/// What the edge must do after a transition.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// `POST /payments` with the `Idempotency-Key` header; answer with `Created`/`CreateFailed`.
    CreatePayment {
        idempotency_key: String,
        request: CreatePaymentRequest,
    },
    /// `POST /payments/{id}/submit`; answer with `Submitted`/`SubmitFailed`.
    SubmitDetails {
        payment_id: String,
        request: SubmitRequest,
    },
    /// `GET /payments/{id}` after `after_ms`; answer with `PollResult`/`PollFailed`. Replaces any
    /// poll still scheduled.
    Poll { payment_id: String, after_ms: u32 },
    /// Keep the attempt that created `payment_id` (the browser's storage, one per order) so the
    /// return from the OTP page, a reload or another tab resumes the payment instead of creating
    /// another.
    SaveResume { payment_id: String },
    /// Navigate the whole page to `url`, if the browser agrees it is on one of
    /// [`Checkout::redirect_origins`](super::Checkout::redirect_origins).
    Redirect { url: String },
    /// Forget the saved attempt: the flow settled
    /// ([`Step::is_settled`](super::Step::is_settled)) or went back to the form.
    ClearResume,
}
