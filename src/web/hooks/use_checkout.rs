//! The checkout's one reducer and its edge.
//!
//! The reducer is a thin adapter over the core: form edits go to [`MethodForm`], flow events to
//! [`transition`]. The effects a transition asks for are queued in an outbox and carried out by
//! the [`Edge`] right after the dispatch: backend calls, polling (one request at a time, paused
//! while the page is hidden), the wait's deadline, the saved attempt, the redirect, and the notices
//! for the embedding page ([`Notice`]), worked out here from each transition and nowhere else.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use checkout_contract::{CheckoutSession, CreatePaymentRequest, MethodKind, Operator};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::core::backoff::PollPolicy;
use crate::core::events::{step_notice, Notice};
use crate::core::redirect;
use crate::core::state::{
    transition, Checkout, Effect, Event, FlowConfig, Moment, ShopperAction, Step,
};
use crate::core::validate::{Field, MethodForm};
use crate::web::api::{Backend, WidgetError};
use crate::web::browser;
use crate::web::navigate::Navigator;
use crate::web::storage::{self, SavedAttempt};

/// Loading the order.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    /// The order could not be loaded: nothing can be paid.
    Failed(WidgetError),
    Ready,
}

/// A change the shopper makes to the method form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEdit {
    Method(MethodKind),
    YassirPhone(String),
    Country(String),
    Msisdn(String),
    Operator(Operator),
    FirstName(String),
    LastName(String),
    ReceiptEmail(String),
    /// The shopper left the field: its error may show.
    Touch(Field),
    /// Pay pressed on an invalid form: every error shows.
    TouchAll,
}

/// What the reducer does.
pub enum Action {
    Loaded {
        session: CheckoutSession,
        config: FlowConfig,
    },
    LoadFailed(WidgetError),
    Form(FormEdit),
    Flow(Event, Moment),
    /// The browser's URL parser disagreed with the core about the OTP page's origin.
    RedirectBlocked,
    /// The page narrowed the methods offered (`None`: all the session's).
    Methods(Option<Vec<MethodKind>>),
    /// The origins the OTP page may be on changed.
    RedirectOrigins(Vec<String>),
}

/// Work for the edge, queued by the reducer.
enum Work {
    Run(Effect),
    /// The wait's deadline changed (`None`: no wait any more).
    Deadline(Option<u64>),
    /// The flow ended: the saved attempt is no longer worth resuming.
    Forget,
    /// Tell the embedding page.
    Notify(Notice),
}

/// Everything the views read.
#[derive(Clone)]
pub struct WidgetState {
    pub phase: Phase,
    pub session: Option<Rc<CheckoutSession>>,
    pub form: Option<MethodForm>,
    pub checkout: Option<Checkout>,
    pub redirect_blocked: bool,
    /// The methods the page allows (`None`: all the session offers).
    methods: Option<Vec<MethodKind>>,
    /// The order as the page named it.
    order: String,
    outbox: Rc<RefCell<Vec<Work>>>,
}

/// What a `change` notice says about the form.
fn form_summary(form: &MethodForm) -> (Option<MethodKind>, bool, bool) {
    (form.method(), form.is_valid(), form.is_blank())
}

/// The form for the session's methods that the page allows, or `None` when none is left.
fn narrowed_form(
    session: &CheckoutSession,
    order: &str,
    methods: Option<&[MethodKind]>,
) -> Option<MethodForm> {
    let mut form = MethodForm::new(session, order);
    if let Some(allowed) = methods {
        form.retain_methods(allowed);
    }
    (!form.offered_methods().is_empty()).then_some(form)
}

const NO_METHOD: &str = "None of the methods asked for is offered for this order.";

/// The `error` notice of an order that could not be loaded.
fn load_error(error: &WidgetError) -> Notice {
    match error {
        WidgetError::Network(_) => Notice::error(
            "network_error",
            "The merchant backend could not be reached.",
        ),
        WidgetError::Http {
            body: Some(body), ..
        } => Notice::error(&body.error.code, &body.error.message),
        WidgetError::Http { body: None, .. } => {
            Notice::error("http_error", "The merchant backend answered with an error.")
        }
        WidgetError::Decode(message) => Notice::error("invalid_response", message),
    }
}

impl WidgetState {
    fn new(
        outbox: Rc<RefCell<Vec<Work>>>,
        order: String,
        methods: Option<Vec<MethodKind>>,
    ) -> Self {
        WidgetState {
            phase: Phase::Loading,
            session: None,
            form: None,
            checkout: None,
            redirect_blocked: false,
            methods,
            order,
            outbox,
        }
    }

    fn notify(&self, notice: Notice) {
        self.outbox.borrow_mut().push(Work::Notify(notice));
    }

    /// The step shown, once the order is loaded.
    pub fn step(&self) -> Option<&Step> {
        self.checkout.as_ref().map(Checkout::step)
    }

    /// True while the form must not change and Pay must not be pressed.
    pub fn busy(&self) -> bool {
        self.step()
            .is_none_or(|step| !matches!(step, Step::Choosing))
    }
}

/// Steps where the attempt is over for the shopper.
fn is_settled(step: &Step) -> bool {
    matches!(
        step,
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

fn apply_edit(form: &mut MethodForm, edit: FormEdit) {
    match edit {
        FormEdit::Method(method) => form.select_method(method),
        FormEdit::YassirPhone(value) => form.set_yassir_phone(&value),
        FormEdit::Country(code) => form.select_country(&code),
        FormEdit::Msisdn(value) => form.set_msisdn(&value),
        FormEdit::Operator(operator) => form.choose_operator(operator),
        FormEdit::FirstName(value) => form.set_first_name(&value),
        FormEdit::LastName(value) => form.set_last_name(&value),
        FormEdit::ReceiptEmail(value) => form.set_receipt_email(&value),
        FormEdit::Touch(field) => form.touch(field),
        FormEdit::TouchAll => form.touch_all(),
    }
}

impl Reducible for WidgetState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = Rc::unwrap_or_clone(self);
        match action {
            Action::Loaded { session, config } => {
                match narrowed_form(&session, &config.order, state.methods.as_deref()) {
                    Some(form) => {
                        state.notify(Notice::Ready {
                            order: session.order.clone(),
                            methods: form.offered_methods(),
                            test_mode: session.test_mode,
                        });
                        state.form = Some(form);
                        state.checkout = Some(Checkout::new(config));
                        state.session = Some(Rc::new(session));
                        state.phase = Phase::Ready;
                    }
                    None => {
                        state.notify(Notice::error("method_unavailable", NO_METHOD));
                        state.phase = Phase::Failed(WidgetError::Decode(NO_METHOD.into()));
                    }
                }
            }
            Action::LoadFailed(error) => {
                state.notify(load_error(&error));
                state.phase = Phase::Failed(error);
            }
            Action::Form(edit) => {
                // The form is read-only while an attempt runs.
                if !state.busy() {
                    if let Some(form) = state.form.as_mut() {
                        let before = form_summary(form);
                        apply_edit(form, edit);
                        let (method, complete, empty) = form_summary(form);
                        if (method, complete, empty) != before {
                            state.notify(Notice::Change {
                                method,
                                complete,
                                empty,
                            });
                        }
                    }
                }
            }
            Action::Methods(methods) => {
                let order = state.order.clone();
                let form = state
                    .session
                    .as_ref()
                    .map(|session| narrowed_form(session, &order, methods.as_deref()));
                match form {
                    Some(None) => state.notify(Notice::error("method_unavailable", NO_METHOD)),
                    Some(Some(form)) => {
                        // A form being filled in is rebuilt; an attempt under way keeps its own.
                        if !state.busy() && state.methods != methods {
                            state.form = Some(form);
                        }
                        state.methods = methods;
                    }
                    None => state.methods = methods,
                }
            }
            Action::RedirectOrigins(origins) => {
                if let Some(checkout) = state.checkout.as_mut() {
                    checkout.set_redirect_origins(origins);
                }
            }
            Action::Flow(event, at) => {
                let Some(checkout) = state.checkout.take() else {
                    return Rc::new(state);
                };
                let deadline_before = checkout.step().deadline_ms();
                let settled_before = is_settled(checkout.step());
                let kind_before = std::mem::discriminant(checkout.step());
                let (checkout, effects) = transition(checkout, event, at);
                let method = state.form.as_ref().and_then(MethodForm::method);
                let notice =
                    step_notice(kind_before, checkout.step(), checkout.payment_id(), method);
                let mut outbox = state.outbox.borrow_mut();
                // Before the effects, so the page hears `requires_action` before it is left.
                outbox.extend(notice.map(Work::Notify));
                outbox.extend(effects.into_iter().map(Work::Run));
                if checkout.step().deadline_ms() != deadline_before {
                    outbox.push(Work::Deadline(checkout.step().deadline_ms()));
                }
                if is_settled(checkout.step()) && !settled_before {
                    outbox.push(Work::Forget);
                }
                drop(outbox);
                if !matches!(checkout.step(), Step::Redirecting { .. }) {
                    state.redirect_blocked = false;
                }
                state.checkout = Some(checkout);
            }
            Action::RedirectBlocked => {
                state.notify(Notice::error(
                    "unsafe_redirect",
                    "The browser refused the OTP page's address.",
                ));
                state.redirect_blocked = true;
            }
        }
        Rc::new(state)
    }
}

/// Carries out the reducer's work. Lives as long as the widget.
struct Edge {
    backend: Rc<dyn Backend>,
    navigator: Rc<dyn Navigator>,
    order: String,
    dispatcher: UseReducerDispatcher<WidgetState>,
    outbox: Rc<RefCell<Vec<Work>>>,
    /// Origins the OTP page may be on, once the session is loaded.
    allowlist: RefCell<Vec<String>>,
    /// The page's own list of those origins, replacing the session's.
    redirect_override: RefCell<Option<Vec<String>>>,
    /// The session's list, once loaded.
    session_origins: RefCell<Option<Vec<String>>>,
    /// Hears the notices.
    notify: Option<Callback<Notice>>,
    /// Bumped by every poll request scheduled: an older scheduled poll then does nothing.
    poll_generation: Cell<u64>,
    poll_in_flight: Cell<bool>,
    deadline_generation: Cell<u64>,
    /// The last create sent, to save with the payment it created.
    last_create: RefCell<Option<(String, CreatePaymentRequest)>>,
    alive: Cell<bool>,
}

impl Edge {
    /// Runs the reducer, then the work it queued.
    fn dispatch(self: &Rc<Self>, action: Action) {
        if !self.alive.get() {
            return;
        }
        self.dispatcher.dispatch(action);
        loop {
            let work = std::mem::take(&mut *self.outbox.borrow_mut());
            if work.is_empty() {
                break;
            }
            for item in work {
                self.run(item);
            }
        }
    }

    /// Feeds an event to the core and carries out what it asks for.
    fn send(self: &Rc<Self>, event: Event) {
        let at = Moment {
            now_ms: browser::now_ms(),
            random_unit: browser::random_unit(),
        };
        self.dispatch(Action::Flow(event, at));
    }

    /// The origins the OTP page may be on: the page's own list, else the session's.
    fn redirect_origins(&self) -> Option<Vec<String>> {
        self.redirect_override
            .borrow()
            .clone()
            .or_else(|| self.session_origins.borrow().clone())
    }

    /// The page changed its list of origins: applies from the next redirect on.
    fn set_redirect_override(self: &Rc<Self>, origins: Option<Vec<String>>) {
        if *self.redirect_override.borrow() == origins {
            return;
        }
        *self.redirect_override.borrow_mut() = origins;
        if self.session_origins.borrow().is_some() {
            let origins = self.redirect_origins().unwrap_or_default();
            *self.allowlist.borrow_mut() = origins.clone();
            self.dispatch(Action::RedirectOrigins(origins));
        }
    }

    fn run(self: &Rc<Self>, work: Work) {
        match work {
            Work::Run(Effect::CreatePayment {
                idempotency_key,
                request,
            }) => {
                *self.last_create.borrow_mut() = Some((idempotency_key.clone(), request.clone()));
                let edge = self.clone();
                spawn_local(async move {
                    match edge
                        .backend
                        .create_payment(&idempotency_key, &request)
                        .await
                    {
                        Ok(payment) => {
                            // Saved before anything else happens, so a reload from here on
                            // resumes this payment instead of starting another.
                            edge.remember(&payment.id);
                            edge.send(Event::Created(payment));
                        }
                        Err(error) => edge.send(Event::CreateFailed(error.to_request_error())),
                    }
                });
            }
            Work::Run(Effect::SubmitDetails {
                payment_id,
                request,
            }) => {
                let edge = self.clone();
                spawn_local(async move {
                    match edge.backend.submit(&payment_id, &request).await {
                        Ok(payment) => edge.send(Event::Submitted(payment)),
                        Err(error) => edge.send(Event::SubmitFailed(error.to_request_error())),
                    }
                });
            }
            Work::Run(Effect::Poll {
                payment_id,
                after_ms,
            }) => self.schedule_poll(payment_id, after_ms),
            Work::Run(Effect::SaveResume { payment_id }) => self.remember(&payment_id),
            Work::Run(Effect::Redirect { url }) => {
                if browser::origin_is_allowed(&url, &self.allowlist.borrow()) {
                    self.navigator.assign(&url);
                } else {
                    self.dispatch(Action::RedirectBlocked);
                }
            }
            Work::Run(Effect::ClearResume) | Work::Forget => storage::clear(&self.order),
            Work::Notify(notice) => {
                if let Some(notify) = &self.notify {
                    notify.emit(notice);
                }
            }
            Work::Deadline(deadline) => {
                let generation = self.deadline_generation.get() + 1;
                self.deadline_generation.set(generation);
                if let Some(deadline_ms) = deadline {
                    let edge = self.clone();
                    spawn_local(async move {
                        let wait = deadline_ms.saturating_sub(browser::now_ms());
                        sleep(Duration::from_millis(wait)).await;
                        if edge.deadline_generation.get() == generation {
                            edge.send(Event::DeadlineReached);
                        }
                    });
                }
            }
        }
    }

    /// `GET /payments/{id}` after `after_ms`, once the page is visible and no other poll is in
    /// flight; a poll scheduled later replaces this one.
    fn schedule_poll(self: &Rc<Self>, payment_id: String, after_ms: u32) {
        let generation = self.poll_generation.get() + 1;
        self.poll_generation.set(generation);
        let edge = self.clone();
        spawn_local(async move {
            let current = || edge.alive.get() && edge.poll_generation.get() == generation;
            if after_ms > 0 {
                sleep(Duration::from_millis(u64::from(after_ms))).await;
            }
            // Polling a page nobody looks at wastes the shopper's data; it resumes on return.
            browser::until_visible().await;
            while edge.poll_in_flight.get() && current() {
                sleep(Duration::from_millis(50)).await;
            }
            if !current() {
                return;
            }
            edge.poll_in_flight.set(true);
            let result = edge.backend.payment(&payment_id).await;
            edge.poll_in_flight.set(false);
            if !current() {
                return;
            }
            match result {
                Ok(payment) => edge.send(Event::PollResult(payment)),
                Err(error) => edge.send(Event::PollFailed(error.to_request_error())),
            }
        });
    }

    /// Saves the attempt that created `payment_id` for a reload or the return from the OTP page.
    fn remember(&self, payment_id: &str) {
        let now = browser::now_ms();
        let previous =
            storage::load(&self.order, now).filter(|saved| saved.payment_id == payment_id);
        let attempt = match (self.last_create.borrow().as_ref(), previous) {
            (_, Some(previous)) => previous,
            (Some((idempotency_key, request)), None) => SavedAttempt {
                payment_id: payment_id.to_string(),
                order: self.order.clone(),
                method: request.method,
                phone: request.phone.clone(),
                idempotency_key: idempotency_key.clone(),
                started_at: now,
            },
            (None, None) => return,
        };
        storage::save(&attempt);
    }

    /// On load: picks up the payment this page was returned to or reloaded in the middle of.
    /// Only the backend's answer decides the outcome, never the URL.
    fn resume(self: &Rc<Self>) {
        let href = browser::page_href();
        let marker = redirect::resume_marker(&href);
        let strip_marker = move || browser::replace_href(&redirect::strip_resume_marker(&href));
        match (storage::load(&self.order, browser::now_ms()), marker) {
            (Some(saved), marker) => {
                if marker.as_deref() == Some(saved.payment_id.as_str()) {
                    strip_marker();
                }
                let request = CreatePaymentRequest {
                    order: saved.order.clone(),
                    method: saved.method,
                    phone: saved.phone.clone(),
                };
                *self.last_create.borrow_mut() = Some((saved.idempotency_key.clone(), request));
                self.send(Event::Returned {
                    payment_id: saved.payment_id,
                });
            }
            (None, Some(_)) => {
                // A link to an attempt this browser did not start (a forged or shared link, or
                // storage refused): never someone else's outcome, only the form. The marker is
                // left to any other widget on the page whose attempt it is.
            }
            (None, None) => {}
        }
    }
}

/// What the views get: the state, and the shopper's actions.
#[derive(Clone)]
pub struct CheckoutHandle {
    state: UseReducerHandle<WidgetState>,
    edge: Rc<Edge>,
}

impl PartialEq for CheckoutHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.edge, &other.edge) && std::ptr::eq(self.state_rc(), other.state_rc())
    }
}

impl CheckoutHandle {
    fn state_rc(&self) -> *const WidgetState {
        &*self.state as *const WidgetState
    }

    pub fn state(&self) -> &WidgetState {
        &self.state
    }

    pub fn edit(&self, edit: FormEdit) {
        // Through the edge, which runs the `change` notice the edit may queue.
        self.edge.dispatch(Action::Form(edit));
    }

    /// Pay pressed: one attempt with a fresh idempotency key, or every error shown.
    pub fn pay(&self, focus_field: impl Fn(Field)) {
        let Some(form) = self.state.form.as_ref() else {
            return;
        };
        match form.to_requests() {
            Ok((create, submit)) => self.edge.send(Event::Pay {
                idempotency_key: browser::new_idempotency_key(),
                create,
                submit,
            }),
            Err(errors) => {
                self.edit(FormEdit::TouchAll);
                if let Some(field) = errors.first() {
                    focus_field(field);
                }
            }
        }
    }

    /// One of the actions the step offers ([`Step::actions`]). For Retry and Try again the core
    /// decides whether the key is reused or a new attempt starts.
    pub fn act(&self, action: ShopperAction) {
        let event = match action {
            ShopperAction::Retry | ShopperAction::TryAgain => Event::Retry {
                idempotency_key: browser::new_idempotency_key(),
            },
            ShopperAction::CheckAgain => Event::CheckAgain,
            ShopperAction::ContinueToProvider => Event::ContinueToProvider,
            ShopperAction::ChangeDetails => Event::ChangeDetails,
        };
        self.edge.send(event);
    }
}

/// Settings of [`use_checkout`].
#[derive(Clone)]
pub struct CheckoutSettings {
    pub order: String,
    pub backend: Rc<dyn Backend>,
    pub navigator: Rc<dyn Navigator>,
    /// Replaces the session's `redirect_origins` when set.
    pub redirect_origins: Option<Vec<String>>,
    /// Narrows the session's methods when set.
    pub methods: Option<Vec<MethodKind>>,
    pub polling: PollPolicy,
    /// Hears the notices for the embedding page.
    pub notify: Option<Callback<Notice>>,
}

/// Loads the order, then runs the checkout for it.
#[hook]
pub fn use_checkout(settings: CheckoutSettings) -> CheckoutHandle {
    let outbox = use_memo((), |_| Rc::new(RefCell::new(Vec::new())));
    let state = {
        let outbox = (*outbox).clone();
        let methods = settings.methods.clone();
        let order = settings.order.clone();
        use_reducer(move || WidgetState::new(outbox, order, methods))
    };
    let edge = {
        let dispatcher = state.dispatcher();
        let outbox = (*outbox).clone();
        let settings = settings.clone();
        use_memo((), move |_| {
            Rc::new(Edge {
                backend: settings.backend,
                navigator: settings.navigator,
                order: settings.order,
                dispatcher,
                outbox,
                allowlist: RefCell::new(Vec::new()),
                redirect_override: RefCell::new(settings.redirect_origins),
                session_origins: RefCell::new(None),
                notify: settings.notify,
                poll_generation: Cell::new(0),
                poll_in_flight: Cell::new(false),
                deadline_generation: Cell::new(0),
                last_create: RefCell::new(None),
                alive: Cell::new(true),
            })
        })
    };
    let edge: Rc<Edge> = (*edge).clone();
    {
        let edge = edge.clone();
        use_effect_with((), move |_| {
            let loader = edge.clone();
            spawn_local(async move {
                match loader.backend.checkout(&loader.order).await {
                    Ok(session) => {
                        *loader.session_origins.borrow_mut() =
                            Some(session.redirect_origins.clone());
                        let redirect_origins = loader.redirect_origins().unwrap_or_default();
                        *loader.allowlist.borrow_mut() = redirect_origins.clone();
                        let page_url = redirect::strip_resume_marker(&browser::page_href());
                        let config = FlowConfig {
                            order: loader.order.clone(),
                            page_url,
                            redirect_origins,
                            polling: settings.polling,
                        };
                        loader.dispatch(Action::Loaded { session, config });
                        loader.resume();
                    }
                    Err(error) => loader.dispatch(Action::LoadFailed(error)),
                }
            });
            move || edge.alive.set(false)
        });
    }
    // Options the page may change while the widget is on screen.
    {
        let edge = edge.clone();
        use_effect_with(
            (settings.methods, settings.redirect_origins),
            move |(methods, origins)| {
                edge.set_redirect_override(origins.clone());
                edge.dispatch(Action::Methods(methods.clone()));
            },
        );
    }
    CheckoutHandle { state, edge }
}
