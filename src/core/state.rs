//! The checkout flow as a pure state machine: [`transition`] takes the current [`Checkout`] and
//! an [`Event`], and returns the next state and the [`Effect`]s the browser edge must carry out
//! (HTTP calls, timers, storage, navigation). Success is only ever read from the backend's
//! [`Payment`] status, never from the return URL.

use checkout_contract::{
    CreatePaymentRequest, ErrorBody, NextAction, Payment, PaymentStatus, SubmitRequest,
};

use super::backoff::PollPolicy;
use super::redirect;

/// What the edge knows when an event happens, so the core reads no clock and no RNG.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    /// Milliseconds since the Unix epoch (`Date.now()`).
    pub now_ms: u64,
    /// A uniform draw in `[0, 1)` (`Math.random()`), for polling jitter.
    pub random_unit: f64,
}

/// Settings fixed for the lifetime of the widget.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowConfig {
    /// The order as the page named it (a catalog reference or the merchant's signed token):
    /// what the backend is asked to pay, never the reference the backend answers.
    pub order: String,
    /// The page the widget runs on (`location.href`); the shopper returns to it after the OTP.
    pub page_url: String,
    /// Origins the OTP page may be on (`CheckoutSession::redirect_origins`).
    pub redirect_origins: Vec<String>,
    pub polling: PollPolicy,
}

/// How a request to the merchant backend failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// No answer: offline, DNS, timeout, CORS.
    Network,
    /// An error status, with the contract's error body when it parsed.
    Http {
        status: u16,
        error: Option<ErrorBody>,
    },
}

impl RequestError {
    /// True when asking again later may work.
    fn is_transient(&self) -> bool {
        match self {
            RequestError::Network => true,
            RequestError::Http { status, .. } => *status >= 500 || matches!(status, 408 | 429),
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            RequestError::Network => ErrorKind::Network,
            _ if self.is_transient() => ErrorKind::Unavailable,
            RequestError::Http { status: 404, .. } => ErrorKind::NotFound,
            RequestError::Http {
                error: Some(body), ..
            } if body.code == "order_already_paid" => ErrorKind::OrderPaid,
            RequestError::Http {
                error: Some(body), ..
            } if body.code == "order_in_progress" => ErrorKind::OrderInProgress,
            RequestError::Http {
                error: Some(body), ..
            } if body.code == "order_expired" => ErrorKind::OrderExpired,
            RequestError::Http { error, .. } => ErrorKind::Refused {
                code: error
                    .as_ref()
                    .map(|body| body.code.clone())
                    .unwrap_or_default(),
                field: error.as_ref().and_then(|body| body.field.clone()),
            },
        }
    }
}

/// Why the flow stopped in [`Step::Error`].
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// The backend could not be reached.
    Network,
    /// The backend or the provider is down or overloaded.
    Unavailable,
    /// The backend refused the request (`invalid_request`…); `field` names the culprit if known.
    Refused { code: String, field: Option<String> },
    /// The payment does not exist (a stale or edited resume link).
    NotFound,
    /// The provider could not complete the payment (status `failed`).
    PaymentFailed { payment: Box<Payment> },
    /// The payment needs the OTP page but the backend gave no address for it.
    MissingRedirect,
    /// The OTP page is on an origin the session does not allow.
    UnsafeRedirect,
    /// Another payment has paid this order.
    OrderPaid,
    /// Another payment of this order is under way.
    OrderInProgress,
    /// The order can no longer be paid (its token expired).
    OrderExpired,
}

/// What the shopper can do from a step: the core's one answer, which the views show and
/// [`transition`] accepts.
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
                kind: ErrorKind::OrderPaid | ErrorKind::OrderExpired,
                ..
            } => &[],
            Step::Error {
                kind: ErrorKind::Network | ErrorKind::Unavailable,
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
    SaveResume {
        payment_id: String,
        idempotency_key: String,
        request: CreatePaymentRequest,
    },
    /// Navigate the whole page to `url`, if the browser agrees it is on one of
    /// [`Checkout::redirect_origins`].
    Redirect { url: String },
    /// Forget the saved attempt: the flow settled ([`Step::is_settled`]) or went back to the form.
    ClearResume,
}

/// The checkout's state: the step shown plus what the current attempt needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkout {
    step: Step,
    config: FlowConfig,
    attempt: Option<Attempt>,
    payment_id: Option<String>,
    /// The backend accepted the method details for this payment.
    submitted: bool,
    /// The shopper has been to the OTP page, so a `requires_action` no longer redirects by itself.
    visited_provider: bool,
    /// The browser may hold an attempt of this order (saved by [`Effect::SaveResume`], or the one
    /// resumed): [`Effect::ClearResume`] is owed once the flow settles or goes back to the form.
    resumable: bool,
    deadline_ms: Option<u64>,
    polls: u32,
}

/// One Pay press: retried with the same key after a network error.
#[derive(Debug, Clone, PartialEq)]
struct Attempt {
    idempotency_key: String,
    create: CreatePaymentRequest,
    submit: SubmitRequest,
}

impl Checkout {
    /// A checkout on the method form.
    pub fn new(config: FlowConfig) -> Self {
        Checkout {
            step: Step::Choosing,
            config,
            attempt: None,
            payment_id: None,
            submitted: false,
            visited_provider: false,
            resumable: false,
            deadline_ms: None,
            polls: 0,
        }
    }

    /// The step to show.
    pub fn step(&self) -> &Step {
        &self.step
    }

    /// The payment reference, once created, to show the shopper.
    pub fn payment_id(&self) -> Option<&str> {
        self.payment_id.as_deref()
    }

    /// The origins the OTP page may be on: the core's check and the browser's both ask this list.
    pub fn redirect_origins(&self) -> &[String] {
        &self.config.redirect_origins
    }

    /// Replaces the origins the OTP page may be on (the page changed its options).
    pub fn set_redirect_origins(&mut self, origins: Vec<String>) {
        self.config.redirect_origins = origins;
    }

    /// A fresh start for the next attempt. What the browser holds outlives it: only
    /// [`Effect::ClearResume`] forgets that, and the next [`Effect::SaveResume`] replaces it.
    fn fresh(self) -> Self {
        Checkout {
            resumable: self.resumable,
            ..Checkout::new(self.config)
        }
    }

    /// [`Effect::ClearResume`] if the browser may hold an attempt.
    fn forget(&mut self) -> Vec<Effect> {
        if std::mem::take(&mut self.resumable) {
            vec![Effect::ClearResume]
        } else {
            Vec::new()
        }
    }

    /// A fresh form for a new attempt, forgetting the saved one if there is one.
    fn back_to_form(self) -> (Self, Vec<Effect>) {
        let mut state = self.fresh();
        let effects = state.forget();
        (state, effects)
    }

    /// Saves the attempt that created the payment before anything else happens, so a reload from
    /// here on resumes it instead of creating another. Not once the flow is over.
    fn save_for_resume(mut self, mut effects: Vec<Effect>) -> (Self, Vec<Effect>) {
        if let (false, Some(attempt), Some(payment_id)) =
            (self.step.is_settled(), &self.attempt, &self.payment_id)
        {
            effects.insert(
                0,
                Effect::SaveResume {
                    payment_id: payment_id.clone(),
                    idempotency_key: attempt.idempotency_key.clone(),
                    request: attempt.create.clone(),
                },
            );
            self.resumable = true;
        }
        (self, effects)
    }
}

/// The next state and the effects to run. An event that makes no sense in the current step
/// (a second Pay, a stale answer) leaves the state unchanged and asks for nothing.
pub fn transition(state: Checkout, event: Event, at: Moment) -> (Checkout, Vec<Effect>) {
    use Step as S;
    let waiting = matches!(
        state.step,
        S::Checking { .. } | S::AwaitingApproval { .. } | S::RequiresAction { .. }
    );
    match (&state.step, event) {
        (
            S::Choosing,
            Event::Pay {
                idempotency_key,
                create,
                submit,
            },
        ) => state.fresh().start(Attempt {
            idempotency_key,
            create,
            submit,
        }),
        (S::Creating, Event::Created(payment)) => {
            let mut state = state;
            state.payment_id = Some(payment.id.clone());
            let (state, effects) = if payment.status == PaymentStatus::Created {
                state.submit()
            } else {
                // A replayed create answers with the payment as it now stands.
                state.settle(payment, at)
            };
            state.save_for_resume(effects)
        }
        (S::Submitting, Event::Submitted(payment)) if state.is_current(&payment) => {
            let mut state = state;
            state.submitted = true;
            state.settle(payment, at)
        }
        (S::Creating, Event::CreateFailed(error)) | (S::Submitting, Event::SubmitFailed(error)) => {
            let can_retry = error.is_transient();
            state.stop(S::Error {
                kind: error.kind(),
                can_retry,
            })
        }
        (_, Event::PollResult(payment)) if waiting && state.is_current(&payment) => {
            if payment.status == PaymentStatus::Created && state.attempt.is_none() {
                // Resumed after a reload between create and submit: nothing reached the provider
                // and the details are gone, so the shopper picks up from the form.
                return state.back_to_form();
            }
            if !state.submitted
                && payment.status == PaymentStatus::Created
                && state.attempt.is_some()
            {
                // The submit that failed never arrived: send it now.
                return state.submit();
            }
            state.settle(payment, at)
        }
        (S::StillPending { .. }, Event::PollResult(payment)) if state.is_current(&payment) => {
            if payment.status.is_final() {
                state.settle(payment, at)
            } else {
                state.poll_later()
            }
        }
        (S::StillPending { .. }, Event::PollFailed(_)) => state.poll_later(),
        (_, Event::PollFailed(error)) if waiting => {
            if error.is_transient() {
                state.poll_again(at)
            } else {
                state.stop(S::Error {
                    kind: error.kind(),
                    can_retry: false,
                })
            }
        }
        (S::Choosing | S::Redirecting { .. }, Event::Returned { payment_id }) => {
            // A page restored from the back-forward cache still knows the attempt, for Retry.
            let same_payment = state.payment_id.as_deref() == Some(payment_id.as_str());
            let attempt = if same_payment {
                state.attempt.clone()
            } else {
                None
            };
            let mut state = state.fresh();
            state.attempt = attempt;
            state.payment_id = Some(payment_id);
            state.submitted = true;
            state.visited_provider = true;
            state.resumable = true;
            let wait_ms = state.config.polling.after_return_deadline_ms;
            state.check_now(wait_ms, at)
        }
        (S::RequiresAction { pay_url, .. }, Event::ContinueToProvider) => {
            let pay_url = pay_url.clone();
            state.redirect(pay_url)
        }
        (_, Event::DeadlineReached) if waiting => state.give_up_waiting(),
        (
            S::Error {
                can_retry: true,
                kind,
            },
            Event::Retry { idempotency_key },
        ) => {
            let interrupted = matches!(kind, ErrorKind::Network | ErrorKind::Unavailable);
            match (&state.attempt, &state.payment_id) {
                (Some(attempt), None) => {
                    let attempt = attempt.clone();
                    state.fresh().start(attempt)
                }
                // The submit may have reached the provider: look before sending it again.
                (_, Some(_)) if interrupted && !state.submitted => {
                    let wait_ms = state.config.polling.pending_deadline_ms;
                    state.check_now(wait_ms, at)
                }
                _ => state.new_attempt(idempotency_key),
            }
        }
        (S::Rejected { .. } | S::Expired { .. }, Event::Retry { idempotency_key }) => {
            state.new_attempt(idempotency_key)
        }
        (S::StillPending { .. }, Event::CheckAgain) => {
            let wait_ms = state.config.polling.pending_deadline_ms;
            state.check_now(wait_ms, at)
        }
        (
            S::Rejected { .. }
            | S::Expired { .. }
            | S::Error { .. }
            | S::RequiresAction { .. }
            | S::StillPending { .. },
            Event::ChangeDetails,
        ) => state.back_to_form(),
        _ => (state, Vec::new()),
    }
}

impl Checkout {
    fn is_current(&self, payment: &Payment) -> bool {
        self.payment_id.as_deref() == Some(payment.id.as_str())
    }

    fn start(mut self, attempt: Attempt) -> (Self, Vec<Effect>) {
        let effect = Effect::CreatePayment {
            idempotency_key: attempt.idempotency_key.clone(),
            request: attempt.create.clone(),
        };
        self.attempt = Some(attempt);
        self.step = Step::Creating;
        (self, vec![effect])
    }

    /// Same details, new key: a new payment, saved in place of this one once created. Without
    /// the details (resumed after a reload) the shopper goes back to the form.
    fn new_attempt(self, idempotency_key: String) -> (Self, Vec<Effect>) {
        match self.attempt.clone() {
            Some(attempt) => self.fresh().start(Attempt {
                idempotency_key,
                ..attempt
            }),
            None => self.back_to_form(),
        }
    }

    fn submit(mut self) -> (Self, Vec<Effect>) {
        let (Some(attempt), Some(payment_id)) = (&self.attempt, &self.payment_id) else {
            return (self, Vec::new());
        };
        let effect = Effect::SubmitDetails {
            payment_id: payment_id.clone(),
            request: attempt.submit.clone(),
        };
        self.step = Step::Submitting;
        (self, vec![effect])
    }

    /// Moves to the step the backend's status calls for.
    fn settle(self, payment: Payment, at: Moment) -> (Self, Vec<Effect>) {
        use PaymentStatus as P;
        match payment.status {
            P::Created | P::Processing => self.wait(Waiting::Checking, at),
            P::AwaitingApproval => {
                let phone = match &payment.next_action {
                    Some(NextAction::ApproveOnPhone { phone }) => Some(phone.clone()),
                    _ => payment.phone.clone(),
                };
                self.wait(Waiting::Approval { phone }, at)
            }
            P::RequiresAction => match payment.next_action {
                Some(NextAction::Redirect { url }) if self.visited_provider => {
                    self.wait(Waiting::Action { pay_url: url }, at)
                }
                Some(NextAction::Redirect { url }) => self.redirect(url),
                _ => self.stop(Step::Error {
                    kind: ErrorKind::MissingRedirect,
                    can_retry: true,
                }),
            },
            P::Succeeded => self.stop(Step::Succeeded { payment }),
            P::Rejected => self.stop(Step::Rejected { payment }),
            P::PreAuthorized => self.stop(Step::PreAuthorized { payment }),
            P::Expired => self.stop(Step::Expired { payment }),
            P::Canceled | P::Refunded | P::PartiallyRefunded => self.stop(Step::Closed { payment }),
            P::Failed => self.stop(Step::Error {
                kind: ErrorKind::PaymentFailed {
                    payment: Box::new(payment),
                },
                can_retry: true,
            }),
        }
    }

    fn wait(mut self, waiting: Waiting, at: Moment) -> (Self, Vec<Effect>) {
        let deadline_ms = *self
            .deadline_ms
            .get_or_insert(at.now_ms + self.config.polling.pending_deadline_ms);
        self.step = match waiting {
            Waiting::Checking => Step::Checking { deadline_ms },
            Waiting::Approval { phone } => Step::AwaitingApproval { phone, deadline_ms },
            Waiting::Action { pay_url } => Step::RequiresAction {
                pay_url,
                deadline_ms,
            },
        };
        self.poll_again(at)
    }

    /// Schedules the next poll, or gives up once the deadline has passed.
    fn poll_again(mut self, at: Moment) -> (Self, Vec<Effect>) {
        let deadline_ms = self.deadline_ms.unwrap_or(at.now_ms);
        if at.now_ms >= deadline_ms {
            return self.give_up_waiting();
        }
        let delay = self
            .config
            .polling
            .backoff
            .delay_ms(self.polls, at.random_unit);
        // The last poll lands on the deadline rather than after it.
        let after_ms = u64::from(delay).min(deadline_ms - at.now_ms) as u32;
        self.polls += 1;
        let payment_id = self.payment_id.clone().unwrap_or_default();
        (
            self,
            vec![Effect::Poll {
                payment_id,
                after_ms,
            }],
        )
    }

    /// Asks the backend at once and keeps asking for `wait_ms`.
    fn check_now(mut self, wait_ms: u64, at: Moment) -> (Self, Vec<Effect>) {
        let deadline_ms = at.now_ms + wait_ms;
        self.deadline_ms = Some(deadline_ms);
        self.polls = 0;
        self.step = Step::Checking { deadline_ms };
        let payment_id = self.payment_id.clone().unwrap_or_default();
        (
            self,
            vec![Effect::Poll {
                payment_id,
                after_ms: 0,
            }],
        )
    }

    /// The wait ran out without a final answer: say so, and keep asking now and then.
    fn give_up_waiting(mut self) -> (Self, Vec<Effect>) {
        self.step = Step::StillPending {
            payment_id: self.payment_id.clone().unwrap_or_default(),
        };
        self.poll_later()
    }

    /// The next of the slow polls after the wait ran out.
    fn poll_later(self) -> (Self, Vec<Effect>) {
        let payment_id = self.payment_id.clone().unwrap_or_default();
        let after_ms = self.config.polling.still_pending_every_ms;
        (
            self,
            vec![Effect::Poll {
                payment_id,
                after_ms,
            }],
        )
    }

    fn redirect(mut self, pay_url: String) -> (Self, Vec<Effect>) {
        let payment_id = self.payment_id.clone().unwrap_or_default();
        let return_url = redirect::resume_url(&self.config.page_url, &payment_id);
        let url = match redirect::append_return_url(&pay_url, &return_url) {
            Ok(url) if redirect::is_allowed(&pay_url, &self.config.redirect_origins) => url,
            _ => {
                return self.stop(Step::Error {
                    kind: ErrorKind::UnsafeRedirect,
                    can_retry: false,
                })
            }
        };
        // The attempt is saved already: since its creation, or it is the one resumed.
        self.visited_provider = true;
        self.step = Step::Redirecting { url: url.clone() };
        (self, vec![Effect::Redirect { url }])
    }

    /// Ends the flow (a final answer or an error). A retryable error keeps the saved attempt:
    /// Retry may replay it, or look at its payment.
    fn stop(mut self, step: Step) -> (Self, Vec<Effect>) {
        self.step = step;
        self.deadline_ms = None;
        let effects = if self.step.is_settled() {
            self.forget()
        } else {
            Vec::new()
        };
        (self, effects)
    }
}

/// The waiting steps, before their deadline is known.
enum Waiting {
    Checking,
    Approval { phone: Option<String> },
    Action { pay_url: String },
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_contract::{MethodKind, MobileMoneyDetails, Operator};

    const PAGE: &str = "https://shop.example.dz/checkout?order=demo-dz";
    const PAY_URL: &str =
        "https://otp.payment.yassir.io/otp/verify?requestId=r1&phone=213555123456&amount=1500&currency=DZD";
    const T0: u64 = 1_700_000_000_000;

    fn at(now_ms: u64) -> Moment {
        Moment {
            now_ms,
            random_unit: 0.5,
        }
    }

    fn checkout() -> Checkout {
        Checkout::new(FlowConfig {
            order: "demo-dz".into(),
            page_url: PAGE.into(),
            redirect_origins: vec!["https://otp.payment.yassir.io".into()],
            polling: PollPolicy::default(),
        })
    }

    fn payment(status: PaymentStatus) -> Payment {
        Payment {
            order: "demo-cg".into(),
            method: MethodKind::MobileMoney,
            amount_minor: 5000,
            currency: "XAF".into(),
            phone: Some("242066594470".into()),
            ..crate::core::fixtures::payment(status)
        }
    }

    fn with_action(status: PaymentStatus, action: NextAction) -> Payment {
        Payment {
            next_action: Some(action),
            ..payment(status)
        }
    }

    fn redirect_to(url: &str) -> Payment {
        with_action(
            PaymentStatus::RequiresAction,
            NextAction::Redirect { url: url.into() },
        )
    }

    fn pay(key: &str) -> Event {
        Event::Pay {
            idempotency_key: key.into(),
            create: CreatePaymentRequest {
                order: "demo-cg".into(),
                method: MethodKind::MobileMoney,
                phone: None,
            },
            submit: SubmitRequest::MobileMoney(MobileMoneyDetails {
                country: "cg".into(),
                operator: Operator::Mtn,
                msisdn: "242066594470".into(),
                first_name: None,
                last_name: None,
                receipt_email: None,
            }),
        }
    }

    /// Runs events from a fresh checkout, all at `T0`, returning the last effects.
    fn run(events: Vec<Event>) -> (Checkout, Vec<Effect>) {
        events
            .into_iter()
            .fold((checkout(), Vec::new()), |(state, _), event| {
                transition(state, event, at(T0))
            })
    }

    fn submitting() -> Vec<Event> {
        vec![
            pay("key-1"),
            Event::Created(payment(PaymentStatus::Created)),
        ]
    }

    fn settled(status_payment: Payment) -> (Checkout, Vec<Effect>) {
        let mut events = submitting();
        events.push(Event::Submitted(status_payment));
        run(events)
    }

    fn waiting() -> Checkout {
        settled(payment(PaymentStatus::Processing)).0
    }

    fn returned() -> (Checkout, Vec<Effect>) {
        run(vec![Event::Returned {
            payment_id: "pay_1".into(),
        }])
    }

    fn network() -> RequestError {
        RequestError::Network
    }

    fn create_key(effects: &[Effect]) -> Option<&str> {
        match effects {
            [Effect::CreatePayment {
                idempotency_key, ..
            }] => Some(idempotency_key),
            _ => None,
        }
    }

    #[test]
    fn pay_creates_the_payment_with_its_key() {
        let (state, effects) = run(vec![pay("key-1")]);
        assert_eq!(state.step(), &Step::Creating);
        assert_eq!(create_key(&effects), Some("key-1"));
    }

    #[test]
    fn second_pay_while_creating_does_nothing() {
        let (state, _) = run(vec![pay("key-1")]);
        let (again, effects) = transition(state.clone(), pay("key-2"), at(T0));
        assert_eq!(again, state);
        assert!(effects.is_empty());
    }

    #[test]
    fn second_pay_while_submitting_or_waiting_does_nothing() {
        for state in [
            run(submitting()).0,
            waiting(),
            settled(redirect_to(PAY_URL)).0,
        ] {
            let (again, effects) = transition(state.clone(), pay("key-2"), at(T0));
            assert_eq!(again, state);
            assert!(effects.is_empty());
        }
    }

    #[test]
    fn created_payment_gets_its_details_submitted() {
        let (state, effects) = run(submitting());
        assert_eq!(state.step(), &Step::Submitting);
        assert_eq!(state.payment_id(), Some("pay_1"));
        assert!(
            matches!(&effects[..], [Effect::SaveResume { .. }, Effect::SubmitDetails { payment_id, .. }] if payment_id == "pay_1")
        );
    }

    #[test]
    fn replayed_create_that_already_succeeded_is_not_submitted_again() {
        let (state, effects) = run(vec![
            pay("key-1"),
            Event::Created(payment(PaymentStatus::Succeeded)),
        ]);
        assert!(matches!(state.step(), Step::Succeeded { .. }));
        assert!(effects.is_empty());
    }

    #[test]
    fn create_network_error_retries_with_the_same_key() {
        let (state, _) = run(vec![pay("key-1"), Event::CreateFailed(network())]);
        assert_eq!(
            state.step(),
            &Step::Error {
                kind: ErrorKind::Network,
                can_retry: true
            }
        );
        let (state, effects) = transition(
            state,
            Event::Retry {
                idempotency_key: "key-2".into(),
            },
            at(T0),
        );
        assert_eq!(state.step(), &Step::Creating);
        assert_eq!(create_key(&effects), Some("key-1"));
    }

    #[test]
    fn server_outage_is_retryable_but_refusal_is_not() {
        let outage = RequestError::Http {
            status: 503,
            error: None,
        };
        let (state, _) = run(vec![pay("key-1"), Event::CreateFailed(outage)]);
        assert_eq!(
            state.step(),
            &Step::Error {
                kind: ErrorKind::Unavailable,
                can_retry: true
            }
        );

        let body = ErrorBody {
            code: "invalid_request".into(),
            message: "bad msisdn".into(),
            field: Some("mobile_money.msisdn".into()),
        };
        let refused = RequestError::Http {
            status: 422,
            error: Some(body),
        };
        let (state, _) = run(vec![pay("key-1"), Event::CreateFailed(refused)]);
        let kind = ErrorKind::Refused {
            code: "invalid_request".into(),
            field: Some("mobile_money.msisdn".into()),
        };
        assert_eq!(
            state.step(),
            &Step::Error {
                kind,
                can_retry: false
            }
        );
        let (again, effects) = transition(
            state.clone(),
            Event::Retry {
                idempotency_key: "k".into(),
            },
            at(T0),
        );
        assert_eq!((again, effects), (state, Vec::new()));
    }

    #[test]
    fn change_details_after_an_error_returns_to_the_form() {
        let (state, _) = run(vec![pay("key-1"), Event::CreateFailed(network())]);
        let (state, effects) = transition(state, Event::ChangeDetails, at(T0));
        assert_eq!(state.step(), &Step::Choosing);
        assert!(effects.is_empty());
        let (_, effects) = transition(state, pay("key-9"), at(T0));
        assert_eq!(create_key(&effects), Some("key-9"));
    }

    #[test]
    fn interrupted_submit_is_checked_before_being_sent_again() {
        let mut events = submitting();
        events.push(Event::SubmitFailed(network()));
        let (state, _) = run(events);
        let (state, effects) = transition(
            state,
            Event::Retry {
                idempotency_key: "key-2".into(),
            },
            at(T0),
        );
        assert!(matches!(state.step(), Step::Checking { .. }));
        assert_eq!(
            effects,
            [Effect::Poll {
                payment_id: "pay_1".into(),
                after_ms: 0
            }]
        );

        let (resent, effects) = transition(
            state.clone(),
            Event::PollResult(payment(PaymentStatus::Created)),
            at(T0),
        );
        assert_eq!(resent.step(), &Step::Submitting);
        assert!(matches!(&effects[..], [Effect::SubmitDetails { .. }]));

        let (arrived, _) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Processing)),
            at(T0),
        );
        assert!(matches!(arrived.step(), Step::Checking { .. }));
    }

    #[test]
    fn every_status_maps_to_its_step() {
        use PaymentStatus as P;
        for status in PaymentStatus::ALL {
            let (state, _) = settled(payment(status));
            let step = state.step();
            let expected = match status {
                P::Created | P::Processing => matches!(step, Step::Checking { .. }),
                P::AwaitingApproval => matches!(step, Step::AwaitingApproval { .. }),
                P::RequiresAction => {
                    matches!(
                        step,
                        Step::Error {
                            kind: ErrorKind::MissingRedirect,
                            can_retry: true
                        }
                    )
                }
                P::Succeeded => matches!(step, Step::Succeeded { .. }),
                P::Rejected => matches!(step, Step::Rejected { .. }),
                P::PreAuthorized => matches!(step, Step::PreAuthorized { .. }),
                P::Expired => matches!(step, Step::Expired { .. }),
                P::Canceled | P::Refunded | P::PartiallyRefunded => {
                    matches!(step, Step::Closed { .. })
                }
                P::Failed => {
                    matches!(
                        step,
                        Step::Error {
                            kind: ErrorKind::PaymentFailed { .. },
                            can_retry: true
                        }
                    )
                }
            };
            assert!(expected, "{status} -> {step:?}");
        }
    }

    #[test]
    fn pending_status_schedules_a_poll_within_the_deadline() {
        let (state, effects) = settled(payment(PaymentStatus::Processing));
        assert_eq!(
            state.step(),
            &Step::Checking {
                deadline_ms: T0 + 120_000
            }
        );
        assert_eq!(
            effects,
            [Effect::Poll {
                payment_id: "pay_1".into(),
                after_ms: 1_000
            }]
        );
    }

    #[test]
    fn awaiting_approval_shows_the_phone_from_the_next_action() {
        let approve = NextAction::ApproveOnPhone {
            phone: "+242 06 659 44 70".into(),
        };
        let (state, _) = settled(with_action(PaymentStatus::AwaitingApproval, approve));
        assert_eq!(
            state.step(),
            &Step::AwaitingApproval {
                phone: Some("+242 06 659 44 70".into()),
                deadline_ms: T0 + 120_000
            }
        );
        assert_eq!(state.step().deadline_ms(), Some(T0 + 120_000));
    }

    #[test]
    fn awaiting_approval_falls_back_to_the_payment_phone() {
        let (state, _) = settled(payment(PaymentStatus::AwaitingApproval));
        assert!(
            matches!(state.step(), Step::AwaitingApproval { phone: Some(p), .. } if p == "242066594470")
        );
    }

    #[test]
    fn requires_action_redirects_with_a_return_url_to_resume() {
        let (state, effects) = settled(redirect_to(PAY_URL));
        let expected = format!(
            "{PAY_URL}&returnUrl={}",
            redirect::percent_encode(&format!("{PAGE}&checkout_resume=pay_1"))
        );
        assert_eq!(
            state.step(),
            &Step::Redirecting {
                url: expected.clone()
            }
        );
        assert_eq!(effects, [Effect::Redirect { url: expected }]);
    }

    #[test]
    fn redirect_outside_the_allowlist_is_refused() {
        let (state, effects) = settled(redirect_to("https://otp.payment.yassir.io.evil.com/otp"));
        assert_eq!(
            state.step(),
            &Step::Error {
                kind: ErrorKind::UnsafeRedirect,
                can_retry: false
            }
        );
        assert_eq!(effects, [Effect::ClearResume]);
        let (state, _) = settled(redirect_to("javascript:alert(1)"));
        assert_eq!(
            state.step(),
            &Step::Error {
                kind: ErrorKind::UnsafeRedirect,
                can_retry: false
            }
        );
    }

    #[test]
    fn requires_action_asking_to_approve_on_phone_is_an_error() {
        let approve = NextAction::ApproveOnPhone {
            phone: "242066594470".into(),
        };
        let (state, _) = settled(with_action(PaymentStatus::RequiresAction, approve));
        assert_eq!(
            state.step(),
            &Step::Error {
                kind: ErrorKind::MissingRedirect,
                can_retry: true
            }
        );
    }

    #[test]
    fn undecided_polls_back_off() {
        let mut state = waiting();
        let mut delays = Vec::new();
        for _ in 0..3 {
            let (next, effects) = transition(
                state,
                Event::PollResult(payment(PaymentStatus::Processing)),
                at(T0),
            );
            let [Effect::Poll { after_ms, .. }] = effects[..] else {
                panic!("{effects:?}")
            };
            delays.push(after_ms);
            state = next;
        }
        assert_eq!(delays, [1_500, 2_250, 3_375]);
    }

    #[test]
    fn network_errors_while_polling_back_off_too() {
        let (state, effects) = transition(waiting(), Event::PollFailed(network()), at(T0));
        assert!(matches!(state.step(), Step::Checking { .. }));
        assert_eq!(
            effects,
            [Effect::Poll {
                payment_id: "pay_1".into(),
                after_ms: 1_500
            }]
        );
    }

    #[test]
    fn poll_refused_by_the_backend_stops_with_an_error() {
        let gone = RequestError::Http {
            status: 404,
            error: None,
        };
        let (state, effects) = transition(returned().0, Event::PollFailed(gone), at(T0));
        assert_eq!(
            state.step(),
            &Step::Error {
                kind: ErrorKind::NotFound,
                can_retry: false
            }
        );
        assert_eq!(effects, [Effect::ClearResume]);
    }

    #[test]
    fn poll_result_for_another_payment_is_ignored() {
        let state = waiting();
        let other = Payment {
            id: "pay_2".into(),
            ..payment(PaymentStatus::Succeeded)
        };
        let (next, effects) = transition(state.clone(), Event::PollResult(other), at(T0));
        assert_eq!((next, effects), (state, Vec::new()));
    }

    #[test]
    fn approval_approved_on_the_phone_succeeds() {
        let (state, _) = settled(payment(PaymentStatus::AwaitingApproval));
        let (state, effects) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Succeeded)),
            at(T0 + 9_000),
        );
        assert!(matches!(state.step(), Step::Succeeded { .. }));
        assert_eq!(effects, [Effect::ClearResume]);
    }

    #[test]
    fn last_poll_lands_on_the_deadline() {
        let state = waiting();
        let (_, effects) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Processing)),
            at(T0 + 119_700),
        );
        assert_eq!(
            effects,
            [Effect::Poll {
                payment_id: "pay_1".into(),
                after_ms: 300
            }]
        );
    }

    #[test]
    fn undecided_result_after_the_deadline_is_still_pending() {
        let (state, effects) = transition(
            waiting(),
            Event::PollResult(payment(PaymentStatus::Processing)),
            at(T0 + 120_000),
        );
        assert_eq!(
            state.step(),
            &Step::StillPending {
                payment_id: "pay_1".into()
            }
        );
        assert_eq!(effects, slow_poll());
    }

    fn slow_poll() -> Vec<Effect> {
        vec![Effect::Poll {
            payment_id: "pay_1".into(),
            after_ms: 15_000,
        }]
    }

    #[test]
    fn deadline_timer_ends_the_wait_and_polling_slows_down() {
        let (state, _) = settled(payment(PaymentStatus::AwaitingApproval));
        let (state, effects) = transition(state, Event::DeadlineReached, at(T0 + 120_000));
        assert_eq!(
            state.step(),
            &Step::StillPending {
                payment_id: "pay_1".into()
            }
        );
        assert_eq!(effects, slow_poll());
    }

    #[test]
    fn still_pending_keeps_asking_through_answers_and_errors() {
        let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
        let (state, effects) = transition(state, Event::PollFailed(network()), at(T0));
        assert_eq!(effects, slow_poll());
        let (state, effects) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Processing)),
            at(T0),
        );
        assert!(matches!(state.step(), Step::StillPending { .. }));
        assert_eq!(effects, slow_poll());
    }

    #[test]
    fn still_pending_may_go_back_to_the_form() {
        let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
        let (state, _) = transition(state, Event::ChangeDetails, at(T0));
        assert_eq!(state.step(), &Step::Choosing);
    }

    /// Each step the shopper can reach with its actions, and the event each action sends.
    fn action_event(action: ShopperAction) -> Event {
        match action {
            ShopperAction::Retry | ShopperAction::TryAgain => Event::Retry {
                idempotency_key: "k2".into(),
            },
            ShopperAction::CheckAgain => Event::CheckAgain,
            ShopperAction::ContinueToProvider => Event::ContinueToProvider,
            ShopperAction::ChangeDetails => Event::ChangeDetails,
        }
    }

    #[test]
    fn every_action_a_step_offers_is_accepted() {
        let with_step = |step: Step| Checkout { step, ..waiting() };
        let failed = Box::new(payment(PaymentStatus::Failed));
        let steps = [
            Step::Rejected {
                payment: payment(PaymentStatus::Rejected),
            },
            Step::Expired {
                payment: payment(PaymentStatus::Expired),
            },
            Step::StillPending {
                payment_id: "pay_1".into(),
            },
            Step::RequiresAction {
                pay_url: PAY_URL.into(),
                deadline_ms: T0 + 1_000,
            },
            Step::Error {
                kind: ErrorKind::Network,
                can_retry: true,
            },
            Step::Error {
                kind: ErrorKind::Unavailable,
                can_retry: true,
            },
            Step::Error {
                kind: ErrorKind::PaymentFailed { payment: failed },
                can_retry: true,
            },
            Step::Error {
                kind: ErrorKind::NotFound,
                can_retry: false,
            },
            Step::Error {
                kind: ErrorKind::OrderInProgress,
                can_retry: false,
            },
        ];
        for step in steps {
            assert!(!step.actions().is_empty(), "{step:?} offers nothing");
            for &action in step.actions() {
                let state = with_step(step.clone());
                let (next, effects) = transition(state.clone(), action_event(action), at(T0));
                assert!(
                    next != state || !effects.is_empty(),
                    "{step:?} offers {action:?}, which transition ignores"
                );
            }
        }
        for done in [ErrorKind::OrderPaid, ErrorKind::OrderExpired] {
            let step = Step::Error {
                kind: done,
                can_retry: false,
            };
            assert!(step.actions().is_empty() && !step.shows_form());
        }
    }

    #[test]
    fn order_errors_are_told_apart_by_their_code() {
        let error = |code: &str| RequestError::Http {
            status: 409,
            error: Some(ErrorBody {
                code: code.into(),
                message: "m".into(),
                field: None,
            }),
        };
        assert_eq!(error("order_already_paid").kind(), ErrorKind::OrderPaid);
        assert_eq!(
            error("order_in_progress").kind(),
            ErrorKind::OrderInProgress
        );
        assert_eq!(error("order_expired").kind(), ErrorKind::OrderExpired);
        assert!(!error("order_already_paid").is_transient());
    }

    #[test]
    fn deadline_is_kept_when_the_status_changes() {
        let state = waiting();
        let (state, _) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::AwaitingApproval)),
            at(T0 + 5_000),
        );
        assert_eq!(state.step().deadline_ms(), Some(T0 + 120_000));
    }

    #[test]
    fn late_final_answer_replaces_still_pending() {
        let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
        let (pending, effects) = transition(
            state.clone(),
            Event::PollResult(payment(PaymentStatus::Processing)),
            at(T0),
        );
        assert_eq!((pending, effects), (state.clone(), slow_poll()));
        let (state, _) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Succeeded)),
            at(T0),
        );
        assert!(matches!(state.step(), Step::Succeeded { .. }));
    }

    #[test]
    fn check_again_restarts_the_wait() {
        let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
        let (state, effects) = transition(state, Event::CheckAgain, at(T0 + 200_000));
        assert_eq!(
            state.step(),
            &Step::Checking {
                deadline_ms: T0 + 320_000
            }
        );
        assert_eq!(
            effects,
            [Effect::Poll {
                payment_id: "pay_1".into(),
                after_ms: 0
            }]
        );
    }

    #[test]
    fn still_pending_does_not_invite_a_second_payment() {
        let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
        for event in [
            Event::Retry {
                idempotency_key: "k".into(),
            },
            pay("k"),
        ] {
            let (next, effects) = transition(state.clone(), event, at(T0));
            assert_eq!((next, effects), (state.clone(), Vec::new()));
        }
    }

    #[test]
    fn return_from_otp_checks_the_backend_with_the_long_deadline() {
        let (state, effects) = returned();
        assert_eq!(
            state.step(),
            &Step::Checking {
                deadline_ms: T0 + 600_000
            }
        );
        assert_eq!(
            effects,
            [Effect::Poll {
                payment_id: "pay_1".into(),
                after_ms: 0
            }]
        );
    }

    #[test]
    fn success_after_return_clears_the_resume_marker() {
        let (state, _) = returned();
        let (state, effects) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Succeeded)),
            at(T0),
        );
        assert!(matches!(state.step(), Step::Succeeded { .. }));
        assert_eq!(effects, [Effect::ClearResume]);
    }

    #[test]
    fn rejected_otp_after_return_clears_the_resume_marker() {
        let (state, _) = returned();
        let (state, effects) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Rejected)),
            at(T0),
        );
        assert!(matches!(state.step(), Step::Rejected { .. }));
        assert_eq!(effects, [Effect::ClearResume]);
    }

    #[test]
    fn back_without_the_code_offers_the_otp_page_instead_of_looping() {
        let (state, _) = returned();
        let (state, effects) = transition(state, Event::PollResult(redirect_to(PAY_URL)), at(T0));
        assert_eq!(
            state.step(),
            &Step::RequiresAction {
                pay_url: PAY_URL.into(),
                deadline_ms: T0 + 600_000
            }
        );
        assert!(matches!(&effects[..], [Effect::Poll { .. }]));

        let (state, effects) = transition(state, Event::ContinueToProvider, at(T0));
        assert!(matches!(state.step(), Step::Redirecting { .. }));
        assert!(matches!(&effects[..], [Effect::Redirect { .. }]));
    }

    #[test]
    fn abandoning_the_otp_page_goes_back_to_the_form() {
        let (state, _) = returned();
        let (state, _) = transition(state, Event::PollResult(redirect_to(PAY_URL)), at(T0));
        let (state, effects) = transition(state, Event::ChangeDetails, at(T0));
        assert_eq!(state.step(), &Step::Choosing);
        assert_eq!(effects, [Effect::ClearResume]);
    }

    #[test]
    fn resumed_payment_never_submitted_goes_back_to_the_form() {
        let (state, _) = returned();
        let (state, effects) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Created)),
            at(T0),
        );
        assert_eq!(state.step(), &Step::Choosing);
        assert_eq!(effects, [Effect::ClearResume]);
    }

    #[test]
    fn page_restored_while_redirecting_resumes() {
        let (state, _) = settled(redirect_to(PAY_URL));
        let (state, effects) = transition(
            state,
            Event::Returned {
                payment_id: "pay_1".into(),
            },
            at(T0),
        );
        assert!(matches!(state.step(), Step::Checking { .. }));
        assert_eq!(effects.len(), 1);
    }

    #[test]
    fn page_restored_while_redirecting_can_still_try_again() {
        let (state, _) = settled(redirect_to(PAY_URL));
        let (state, _) = transition(
            state,
            Event::Returned {
                payment_id: "pay_1".into(),
            },
            at(T0),
        );
        let (state, _) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Rejected)),
            at(T0),
        );
        let (_, effects) = transition(
            state,
            Event::Retry {
                idempotency_key: "key-2".into(),
            },
            at(T0),
        );
        assert_eq!(create_key(&effects), Some("key-2"));
    }

    #[test]
    fn retry_after_rejection_starts_a_fresh_attempt() {
        let (state, _) = settled(payment(PaymentStatus::Rejected));
        let (state, effects) = transition(
            state,
            Event::Retry {
                idempotency_key: "key-2".into(),
            },
            at(T0),
        );
        assert_eq!(state.step(), &Step::Creating);
        assert_eq!(state.payment_id(), None);
        assert_eq!(create_key(&effects), Some("key-2"));
    }

    #[test]
    fn retry_after_expiry_or_failure_starts_a_fresh_attempt() {
        for status in [PaymentStatus::Expired, PaymentStatus::Failed] {
            let (state, _) = settled(payment(status));
            let (_, effects) = transition(
                state,
                Event::Retry {
                    idempotency_key: "key-2".into(),
                },
                at(T0),
            );
            assert_eq!(create_key(&effects), Some("key-2"), "{status}");
        }
    }

    #[test]
    fn retry_after_a_resumed_rejection_goes_back_to_the_form() {
        let (state, _) = returned();
        let (state, _) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Rejected)),
            at(T0),
        );
        let (state, effects) = transition(
            state,
            Event::Retry {
                idempotency_key: "key-2".into(),
            },
            at(T0),
        );
        assert_eq!(state.step(), &Step::Choosing);
        assert!(effects.is_empty());
    }

    #[test]
    fn out_of_place_events_change_nothing() {
        let retry = || Event::Retry {
            idempotency_key: "k".into(),
        };
        let cases: Vec<(Checkout, Event)> = vec![
            (checkout(), Event::Created(payment(PaymentStatus::Created))),
            (
                checkout(),
                Event::Submitted(payment(PaymentStatus::Succeeded)),
            ),
            (
                checkout(),
                Event::PollResult(payment(PaymentStatus::Succeeded)),
            ),
            (checkout(), Event::PollFailed(network())),
            (checkout(), Event::CreateFailed(network())),
            (checkout(), Event::DeadlineReached),
            (checkout(), retry()),
            (checkout(), Event::CheckAgain),
            (checkout(), Event::ContinueToProvider),
            (checkout(), Event::ChangeDetails),
            (
                run(vec![pay("k")]).0,
                Event::Submitted(payment(PaymentStatus::Succeeded)),
            ),
            (run(vec![pay("k")]).0, Event::SubmitFailed(network())),
            (
                run(vec![pay("k")]).0,
                Event::Returned {
                    payment_id: "pay_9".into(),
                },
            ),
            (run(vec![pay("k")]).0, Event::ChangeDetails),
            (
                run(submitting()).0,
                Event::Created(payment(PaymentStatus::Created)),
            ),
            (run(submitting()).0, Event::CreateFailed(network())),
            (
                run(submitting()).0,
                Event::PollResult(payment(PaymentStatus::Succeeded)),
            ),
            (
                run(submitting()).0,
                Event::Submitted(Payment {
                    id: "pay_2".into(),
                    ..payment(PaymentStatus::Succeeded)
                }),
            ),
            (waiting(), Event::Created(payment(PaymentStatus::Succeeded))),
            (
                waiting(),
                Event::Returned {
                    payment_id: "pay_9".into(),
                },
            ),
            (waiting(), Event::ContinueToProvider),
            (waiting(), retry()),
            (waiting(), Event::ChangeDetails),
            (
                settled(redirect_to(PAY_URL)).0,
                Event::PollResult(payment(PaymentStatus::Succeeded)),
            ),
            (settled(redirect_to(PAY_URL)).0, Event::DeadlineReached),
            (settled(payment(PaymentStatus::Succeeded)).0, retry()),
            (
                settled(payment(PaymentStatus::Succeeded)).0,
                Event::ChangeDetails,
            ),
            (
                settled(payment(PaymentStatus::Succeeded)).0,
                Event::PollResult(payment(PaymentStatus::Rejected)),
            ),
            (
                settled(payment(PaymentStatus::Succeeded)).0,
                Event::Returned {
                    payment_id: "pay_1".into(),
                },
            ),
            (settled(payment(PaymentStatus::PreAuthorized)).0, retry()),
            (
                settled(payment(PaymentStatus::Canceled)).0,
                Event::ChangeDetails,
            ),
            (
                settled(payment(PaymentStatus::Rejected)).0,
                Event::CheckAgain,
            ),
            (
                settled(payment(PaymentStatus::Rejected)).0,
                Event::DeadlineReached,
            ),
        ];
        for (state, event) in cases {
            let label = format!("{:?} + {event:?}", state.step());
            let (next, effects) = transition(state.clone(), event, at(T0));
            assert_eq!(next, state, "{label}");
            assert!(effects.is_empty(), "{label}");
        }
    }

    #[test]
    fn success_is_never_read_from_the_return_alone() {
        let (state, _) = returned();
        assert!(!matches!(state.step(), Step::Succeeded { .. }));
        let (state, _) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Processing)),
            at(T0),
        );
        assert!(matches!(state.step(), Step::Checking { .. }));
    }

    fn saved(payment_id: &str, key: &str) -> Effect {
        let Event::Pay { create, .. } = pay(key) else {
            unreachable!()
        };
        Effect::SaveResume {
            payment_id: payment_id.into(),
            idempotency_key: key.into(),
            request: create,
        }
    }

    #[test]
    fn created_payment_is_saved_for_resume_before_its_details_are_sent() {
        let (_, effects) = run(submitting());
        assert_eq!(effects[0], saved("pay_1", "key-1"));
        assert!(matches!(effects[1], Effect::SubmitDetails { .. }));
    }

    #[test]
    fn every_settled_step_forgets_the_saved_attempt() {
        use PaymentStatus as P;
        for status in [
            P::Succeeded,
            P::Rejected,
            P::PreAuthorized,
            P::Expired,
            P::Canceled,
        ] {
            let (state, effects) = settled(payment(status));
            assert!(state.step().is_settled(), "{status}");
            assert_eq!(effects, [Effect::ClearResume], "{status}");
        }
        let (state, effects) = transition(waiting(), Event::PollFailed(http_404()), at(T0));
        assert!(state.step().is_settled());
        assert_eq!(effects, [Effect::ClearResume]);
    }

    fn http_404() -> RequestError {
        RequestError::Http {
            status: 404,
            error: None,
        }
    }

    #[test]
    fn retryable_errors_and_pending_payments_keep_the_saved_attempt() {
        let mut interrupted = submitting();
        interrupted.push(Event::SubmitFailed(network()));
        let (state, effects) = run(interrupted);
        assert!(!state.step().is_settled());
        assert!(effects.is_empty());
        let (state, effects) = settled(payment(PaymentStatus::Failed));
        assert!(!state.step().is_settled());
        assert!(effects.is_empty());
        let (state, effects) = transition(waiting(), Event::DeadlineReached, at(T0));
        assert!(!state.step().is_settled());
        assert_eq!(effects, slow_poll());
    }

    #[test]
    fn a_new_attempt_is_saved_in_place_of_the_failed_one_once_created() {
        let (state, _) = settled(payment(PaymentStatus::Failed));
        let (state, effects) = transition(
            state,
            Event::Retry {
                idempotency_key: "key-2".into(),
            },
            at(T0),
        );
        assert_eq!(create_key(&effects), Some("key-2"));
        let created = Payment {
            id: "pay_2".into(),
            ..payment(PaymentStatus::Created)
        };
        let (_, effects) = transition(state.clone(), Event::Created(created), at(T0));
        assert_eq!(effects[0], saved("pay_2", "key-2"));
        // Refused instead: the failed one saved before is forgotten too.
        let refused = RequestError::Http {
            status: 422,
            error: None,
        };
        let (_, effects) = transition(state, Event::CreateFailed(refused), at(T0));
        assert_eq!(effects, [Effect::ClearResume]);
    }

    #[test]
    fn a_resumed_failure_is_kept_until_the_shopper_goes_back_to_the_form() {
        let (state, _) = returned();
        let (state, effects) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Failed)),
            at(T0),
        );
        assert!(effects.is_empty());
        let (state, effects) = transition(
            state,
            Event::Retry {
                idempotency_key: "key-2".into(),
            },
            at(T0),
        );
        assert_eq!(state.step(), &Step::Choosing);
        assert_eq!(effects, [Effect::ClearResume]);
    }

    #[test]
    fn leaving_for_the_otp_page_keeps_the_attempt_saved_at_its_creation() {
        let (state, effects) = run(vec![pay("key-1"), Event::Created(redirect_to(PAY_URL))]);
        assert!(matches!(state.step(), Step::Redirecting { .. }));
        assert!(matches!(
            &effects[..],
            [Effect::SaveResume { .. }, Effect::Redirect { .. }]
        ));
    }
}
