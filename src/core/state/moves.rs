//! The moves [`transition`](fn@super::transition) is made of: starting an attempt, submitting,
//! settling on the backend's status, waiting and polling, redirecting, stopping.

use checkout_contract::{NextAction, Payment, PaymentStatus};

use super::checkout::Attempt;
use super::{Checkout, Effect, ErrorKind, Moment, Step};
use crate::core::redirect;

impl Checkout {
    pub(super) fn is_current(&self, payment: &Payment) -> bool {
        self.payment_id.as_deref() == Some(payment.id.as_str())
    }

    pub(super) fn start(mut self, attempt: Attempt) -> (Self, Vec<Effect>) {
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
    pub(super) fn new_attempt(self, idempotency_key: String) -> (Self, Vec<Effect>) {
        match self.attempt.clone() {
            Some(attempt) => self.fresh().start(Attempt {
                idempotency_key,
                ..attempt
            }),
            None => self.back_to_form(),
        }
    }

    pub(super) fn submit(mut self) -> (Self, Vec<Effect>) {
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
    pub(super) fn settle(self, payment: Payment, at: Moment) -> (Self, Vec<Effect>) {
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
    pub(super) fn poll_again(mut self, at: Moment) -> (Self, Vec<Effect>) {
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
    pub(super) fn check_now(mut self, wait_ms: u64, at: Moment) -> (Self, Vec<Effect>) {
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
    pub(super) fn give_up_waiting(mut self) -> (Self, Vec<Effect>) {
        self.step = Step::StillPending {
            payment_id: self.payment_id.clone().unwrap_or_default(),
        };
        self.poll_later()
    }

    /// The next of the slow polls after the wait ran out.
    pub(super) fn poll_later(self) -> (Self, Vec<Effect>) {
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

    pub(super) fn redirect(mut self, pay_url: String) -> (Self, Vec<Effect>) {
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
    pub(super) fn stop(mut self, step: Step) -> (Self, Vec<Effect>) {
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
