//! The transition table: which event moves which step, and where to.

use checkout_contract::PaymentStatus;

use super::checkout::Attempt;
use super::{Checkout, Effect, ErrorKind, Event, Moment, Step};

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
            let interrupted = matches!(
                kind,
                ErrorKind::Network | ErrorKind::Unavailable | ErrorKind::TooManyAttempts
            );
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
