//! What the views read, and the one reducer: [`reduce`] takes the state and an [`Action`] and
//! returns the next state and the [`Work`] to carry out, sharing nothing. Form edits go to
//! [`MethodForm`], flow events to the core's [`transition`]; the events for the embedding page
//! ([`PageEvent`]) are worked out here from each change and nowhere else.

use std::mem::discriminant;
use std::rc::Rc;

use checkout_contract::{CheckoutSession, MethodKind, Operator, OrderState};

use crate::core::backoff::PollPolicy;
use crate::core::events::{step_event, PageEvent};
use crate::core::state::{transition, Checkout, Effect, Event, FlowConfig, Moment, Step};
use crate::core::validate::{Field, FieldErrors, MethodForm};
use crate::web::api::WidgetError;

/// Loading the order.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    /// The order could not be loaded: nothing can be paid.
    Failed(WidgetError),
    /// The order loaded, but none of the methods the page allows is offered for it.
    NoMethod,
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
    /// Shows or folds the optional name and receipt e-mail.
    ToggleOptional,
    /// The shopper left the field: its error may show.
    Leave(Field),
    /// Pay pressed on an invalid form: every error shows, and is announced once.
    TouchAll,
}

/// What the reducer is told.
pub enum Action {
    /// The order is loaded; the page is at `page_url`, without a resume marker.
    Loaded {
        session: CheckoutSession,
        page_url: String,
        polling: PollPolicy,
    },
    LoadFailed(WidgetError),
    Form(FormEdit),
    Flow(Event, Moment),
    /// The browser's URL parser disagreed with the core about the OTP page's origin.
    RedirectBlocked,
    /// "Check again" pressed on an order in flight elsewhere: load it again ([`Action::Loaded`]
    /// or [`Action::LoadFailed`] then tells where it stands).
    Recheck,
    /// The page's options, set when the widget mounts and whenever the page changes them.
    Options {
        /// The methods the page allows (`None`: all the session's).
        methods: Option<Vec<MethodKind>>,
        /// The origins the OTP page may be on (`None`: the session's).
        redirect_origins: Option<Vec<String>>,
    },
}

/// What the runner carries out after a dispatch, in order.
pub enum Work {
    Run(Effect),
    /// The wait's deadline changed (`None`: no wait any more).
    Deadline(Option<u64>),
    /// Tell the embedding page.
    Notify(PageEvent),
    /// Load the order again, as on mount: then resume this browser's own attempt of it if one is
    /// saved (another tab's).
    Reload,
}

/// Everything the views read.
#[derive(Clone)]
pub struct WidgetState {
    pub phase: Phase,
    pub session: Option<Rc<CheckoutSession>>,
    pub form: Option<MethodForm>,
    pub checkout: Option<Checkout>,
    pub redirect_blocked: bool,
    /// What was wrong when Pay was last pressed on a wrong form, until the flow moves on: said
    /// once by the live region, not again as the shopper fixes each field.
    pub refused: Option<FieldErrors>,
    /// How many times Pay was pressed on a wrong form: each press is announced anew.
    pub refusals: u32,
    /// The order was paid, in flight or on hold when it loaded (or last checked again): said
    /// in place of the form, until this page's own attempt (a resumed one) takes over.
    pub held: Option<OrderState>,
    /// A "check again" of a held order is out.
    rechecking: bool,
    /// How many times a held order was checked again: each answer is announced anew.
    pub rechecks: u32,
    /// The methods the page allows (`None`: all the session offers).
    methods: Option<Vec<MethodKind>>,
    /// The page's list of origins the OTP page may be on, until it is set into the core's config
    /// ([`redirect_origins`]).
    page_origins: Option<Vec<String>>,
    /// The order as the page named it.
    order: String,
}

impl WidgetState {
    /// Whether the page's options are these already.
    pub fn has_options(
        &self,
        methods: &Option<Vec<MethodKind>>,
        page_origins: &Option<Vec<String>>,
    ) -> bool {
        self.methods == *methods && self.page_origins == *page_origins
    }

    /// Loading `order`, with the page's options.
    pub fn new(
        order: String,
        methods: Option<Vec<MethodKind>>,
        page_origins: Option<Vec<String>>,
    ) -> Self {
        WidgetState {
            phase: Phase::Loading,
            session: None,
            form: None,
            checkout: None,
            redirect_blocked: false,
            refused: None,
            refusals: 0,
            held: None,
            rechecking: false,
            rechecks: 0,
            methods,
            page_origins,
            order,
        }
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

/// The origins the OTP page may be on: the page's own list, else the session's. They go into the
/// core's config ([`Checkout::redirect_origins`]), the one list every check of a redirect asks.
fn redirect_origins(page: Option<&Vec<String>>, session: &CheckoutSession) -> Vec<String> {
    page.unwrap_or(&session.redirect_origins).clone()
}

/// What a `change` event says about the form.
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

/// The `error` event of an order that could not be loaded.
fn load_error(error: &WidgetError) -> PageEvent {
    match error {
        WidgetError::Network(_) => PageEvent::error(
            "network_error",
            "The merchant backend could not be reached.",
        ),
        WidgetError::Http {
            body: Some(body), ..
        } => PageEvent::error(&body.error.code, &body.error.message),
        WidgetError::Http { body: None, .. } => {
            PageEvent::error("http_error", "The merchant backend answered with an error.")
        }
        WidgetError::Decode(message) => PageEvent::error("invalid_response", message),
    }
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
        FormEdit::ToggleOptional => form.toggle_optional(),
        FormEdit::Leave(field) => form.leave(field),
        FormEdit::TouchAll => form.touch_all(),
    }
}

/// The next state, and the work that comes with it.
pub fn reduce(mut state: WidgetState, action: Action) -> (WidgetState, Vec<Work>) {
    let mut work = Vec::new();
    let mut notify = |page_event| work.push(Work::Notify(page_event));
    match action {
        // Checked again: the order stands as the answer says, while it is still held here (an
        // attempt resumed meanwhile has its own). Nothing was typed while it was held: the form
        // is the answer's, to pay here once the order is open.
        Action::Loaded { session, .. } if matches!(state.phase, Phase::Ready) => {
            state.rechecking = false;
            state.rechecks += 1;
            if let (Some(form), Some(_)) = (
                narrowed_form(&session, &state.order, state.methods.as_deref()),
                state.held,
            ) {
                state.form = Some(form);
                state.held =
                    (session.order_state != OrderState::Open).then_some(session.order_state);
                state.session = Some(Rc::new(session));
            }
        }
        Action::Loaded {
            session,
            page_url,
            polling,
        } => match narrowed_form(&session, &state.order, state.methods.as_deref()) {
            Some(form) => {
                notify(PageEvent::Ready {
                    order: session.order.clone(),
                    methods: form.offered_methods(),
                    test_mode: session.test_mode,
                });
                state.form = Some(form);
                state.checkout = Some(Checkout::new(FlowConfig {
                    order: state.order.clone(),
                    page_url,
                    redirect_origins: redirect_origins(state.page_origins.as_ref(), &session),
                    polling,
                }));
                state.held =
                    (session.order_state != OrderState::Open).then_some(session.order_state);
                state.session = Some(Rc::new(session));
                state.phase = Phase::Ready;
            }
            None => {
                notify(PageEvent::error("method_unavailable", NO_METHOD));
                state.phase = Phase::NoMethod;
            }
        },
        // Checked again, no answer: the order stays held as it was, to check again.
        Action::LoadFailed(_) if matches!(state.phase, Phase::Ready) => state.rechecking = false,
        Action::LoadFailed(error) => {
            notify(load_error(&error));
            state.phase = Phase::Failed(error);
        }
        Action::Form(edit) => {
            // The form is read-only while an attempt runs.
            let busy = state.busy();
            if let Some(form) = state.form.as_mut().filter(|_| !busy) {
                let before = form_summary(form);
                if matches!(edit, FormEdit::TouchAll) {
                    state.refused = Some(form.all_errors());
                    state.refusals += 1;
                }
                apply_edit(form, edit);
                let (method, complete, empty) = form_summary(form);
                if (method, complete, empty) != before {
                    notify(PageEvent::Change {
                        method,
                        complete,
                        empty,
                    });
                }
            }
        }
        Action::Options {
            methods,
            redirect_origins: origins,
        } => {
            let narrowed = (state.session.as_ref())
                .map(|session| narrowed_form(session, &state.order, methods.as_deref()));
            match narrowed {
                Some(None) => notify(PageEvent::error("method_unavailable", NO_METHOD)),
                Some(Some(form)) => {
                    // A form being filled in is rebuilt; an attempt under way keeps its own.
                    if !state.busy() && state.methods != methods {
                        state.form = Some(form);
                    }
                    state.methods = methods;
                }
                None => state.methods = methods,
            }
            if let (Some(checkout), Some(session)) = (state.checkout.as_mut(), &state.session) {
                // Applies from the next redirect on.
                checkout.set_redirect_origins(redirect_origins(origins.as_ref(), session));
            }
            state.page_origins = origins;
        }
        Action::Flow(event, at) => {
            state.refused = None;
            state.held = None;
            if let Some(checkout) = state.checkout.take() {
                let deadline_before = checkout.step().deadline_ms();
                let kind_before = discriminant(checkout.step());
                let (checkout, effects) = transition(checkout, event, at);
                let method = state.form.as_ref().and_then(MethodForm::method);
                // Before the effects, so the page hears `requires_action` before it is left.
                if let Some(page_event) =
                    step_event(kind_before, checkout.step(), checkout.payment_id(), method)
                {
                    notify(page_event);
                }
                work.extend(effects.into_iter().map(Work::Run));
                if checkout.step().deadline_ms() != deadline_before {
                    work.push(Work::Deadline(checkout.step().deadline_ms()));
                }
                if !matches!(checkout.step(), Step::Redirecting { .. }) {
                    state.redirect_blocked = false;
                }
                state.checkout = Some(checkout);
            }
        }
        Action::Recheck => {
            if state.held == Some(OrderState::InFlight) && !state.rechecking {
                state.rechecking = true;
                work.push(Work::Reload);
            }
        }
        Action::RedirectBlocked => {
            notify(PageEvent::error(
                "unsafe_redirect",
                "The browser refused the OTP page's address.",
            ));
            state.redirect_blocked = true;
        }
    }
    (state, work)
}
