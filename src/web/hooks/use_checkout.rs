//! The checkout hook: loads the order and runs the checkout for it ([`crate::web::checkout`]),
//! giving the views the state and the shopper's actions.

use std::rc::Rc;

use yew::prelude::*;

use crate::core::state::{Event, ShopperAction};
use crate::web::browser;
use crate::web::checkout::runner::Runner;
use crate::web::checkout::{Action, CheckoutSettings, FormEdit, WidgetState};

/// What the views get: the state they render, and the shopper's actions.
#[derive(Clone)]
pub struct CheckoutHandle {
    state: Rc<WidgetState>,
    runner: Rc<Runner>,
}

impl PartialEq for CheckoutHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.runner, &other.runner) && Rc::ptr_eq(&self.state, &other.state)
    }
}

impl CheckoutHandle {
    pub fn state(&self) -> &WidgetState {
        &self.state
    }

    pub fn edit(&self, edit: FormEdit) {
        self.runner.dispatch(Action::Form(edit));
    }

    /// Pay pressed: one attempt with a fresh idempotency key, or every error shown (the view
    /// then moves the focus to the first, once it is on screen).
    pub fn pay(&self) {
        let state = self.runner.state();
        let Some(form) = state.form.as_ref() else {
            return;
        };
        match form.to_requests() {
            Ok((create, submit)) => self.runner.send(Event::Pay {
                idempotency_key: browser::new_idempotency_key(),
                create,
                submit,
            }),
            Err(_) => self.edit(FormEdit::TouchAll),
        }
    }

    /// One of the actions the step offers ([`crate::core::state::Step::actions`]). For Retry and
    /// Try again the core decides whether the key is reused or a new attempt starts.
    pub fn act(&self, action: ShopperAction) {
        let event = match action {
            // Offered in place of the form, on an order in flight elsewhere.
            ShopperAction::CheckAgain if self.runner.state().held.is_some() => {
                return self.runner.dispatch(Action::Recheck)
            }
            ShopperAction::Retry | ShopperAction::TryAgain => Event::Retry {
                idempotency_key: browser::new_idempotency_key(),
            },
            ShopperAction::CheckAgain => Event::CheckAgain,
            ShopperAction::ContinueToProvider => Event::ContinueToProvider,
            ShopperAction::ChangeDetails => Event::ChangeDetails,
        };
        self.runner.send(event);
    }
}

/// Loads the order, then runs the checkout for it.
#[hook]
pub fn use_checkout(settings: CheckoutSettings) -> CheckoutHandle {
    let render = use_force_update();
    let runner = {
        let settings = settings.clone();
        use_memo((), move |_| Runner::new(settings, render))
    };
    // An order whose answer was already here is in the first render: what follows the answer
    // then runs right after it, rather than in an effect, which the scheduler may leave until
    // the browser has painted.
    if runner.answered() {
        runner.start();
    }
    {
        let runner = runner.clone();
        use_effect_with((), move |_| {
            runner.start();
            move || runner.stop()
        });
    }
    // Options the page may change while the widget is on screen (the state starts with the
    // first ones).
    {
        let runner = runner.clone();
        use_effect_with(
            (settings.methods, settings.redirect_origins),
            move |(methods, redirect_origins)| {
                if !runner.state().has_options(methods, redirect_origins) {
                    runner.dispatch(Action::Options {
                        methods: methods.clone(),
                        redirect_origins: redirect_origins.clone(),
                    });
                }
            },
        );
    }
    CheckoutHandle {
        state: runner.state(),
        runner,
    }
}
