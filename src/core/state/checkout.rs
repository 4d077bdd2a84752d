//! The checkout's state between transitions, and the bookkeeping of the saved attempt.

use checkout_contract::{CreatePaymentRequest, SubmitRequest};

use super::{Effect, Step};
use crate::core::backoff::PollPolicy;

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

/// The checkout's state: the step shown plus what the current attempt needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkout {
    pub(super) step: Step,
    pub(super) config: FlowConfig,
    pub(super) attempt: Option<Attempt>,
    pub(super) payment_id: Option<String>,
    /// The backend accepted the method details for this payment.
    pub(super) submitted: bool,
    /// The shopper has been to the OTP page, so a `requires_action` no longer redirects by itself.
    pub(super) visited_provider: bool,
    /// The browser may hold an attempt of this order (saved by [`Effect::SaveResume`], or the one
    /// resumed): [`Effect::ClearResume`] is owed once the flow settles or goes back to the form.
    pub(super) resumable: bool,
    pub(super) deadline_ms: Option<u64>,
    pub(super) polls: u32,
}

/// One Pay press: retried with the same key after a network error.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Attempt {
    pub(super) idempotency_key: String,
    pub(super) create: CreatePaymentRequest,
    pub(super) submit: SubmitRequest,
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
    pub(super) fn fresh(self) -> Self {
        Checkout {
            resumable: self.resumable,
            ..Checkout::new(self.config)
        }
    }

    /// [`Effect::ClearResume`] if the browser may hold an attempt.
    pub(super) fn forget(&mut self) -> Vec<Effect> {
        if std::mem::take(&mut self.resumable) {
            vec![Effect::ClearResume]
        } else {
            Vec::new()
        }
    }

    /// A fresh form for a new attempt, forgetting the saved one if there is one.
    pub(super) fn back_to_form(self) -> (Self, Vec<Effect>) {
        let mut state = self.fresh();
        let effects = state.forget();
        (state, effects)
    }

    /// Saves the attempt that created the payment before anything else happens, so a reload from
    /// here on resumes it instead of creating another. Not once the flow is over.
    pub(super) fn save_for_resume(mut self, mut effects: Vec<Effect>) -> (Self, Vec<Effect>) {
        if let (false, Some(_), Some(payment_id)) =
            (self.step.is_settled(), &self.attempt, &self.payment_id)
        {
            effects.insert(
                0,
                Effect::SaveResume {
                    payment_id: payment_id.clone(),
                },
            );
            self.resumable = true;
        }
        (self, effects)
    }
}
