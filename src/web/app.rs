//! The widget's root: loads the order, lays out the form and the status, and maps the views'
//! callbacks to the checkout hook in one place.

use std::cell::Cell;
use std::rc::Rc;

use checkout_contract::{MethodKind, OrderState};
use yew::prelude::*;

use crate::core::backoff::PollPolicy;
use crate::core::events::PageEvent;
use crate::core::i18n::{
    action_label, error_summary, field_error, operator_warning, order_held, t, Lang, Msg,
};
use crate::core::money;
use crate::core::state::{ShopperAction, Step};
use crate::core::validate::Field;
use crate::web::api::{Backend, HttpBackend, WidgetError};
use crate::web::browser;
use crate::web::components::{
    action_button, field_id, pay_button, test_mode_badge, yassir_cash_fields, FieldMessages,
    MethodPicker, MobileMoneyFields, StatusPanel,
};
use crate::web::hooks::{use_checkout, CheckoutSettings, FormEdit, Phase};
use crate::web::navigate::{BrowserNavigator, Navigator};

#[derive(Properties, Clone)]
pub struct CheckoutWidgetProps {
    /// The merchant backend's origin; empty for the page's own. Ignored when `backend` is set.
    #[prop_or_default]
    pub endpoint: AttrValue,
    /// The order reference (or signed order token) to pay.
    pub order: AttrValue,
    /// The shopper's language; by default the first of the browser's that the widget speaks.
    #[prop_or_default]
    pub lang: Option<Lang>,
    /// Origins the OTP page may be on, instead of the session's `redirect_origins`.
    #[prop_or_default]
    pub redirect_origins: Option<Vec<String>>,
    /// Only these of the methods the session offers; by default all.
    #[prop_or_default]
    pub methods: Option<Vec<MethodKind>>,
    /// Hears what the embedding page is told (`ready`, `change`, `submit`, …).
    #[prop_or_default]
    pub on_event: Option<Callback<PageEvent>>,
    /// The backend to call; by default [`HttpBackend`] on `endpoint`.
    #[prop_or_default]
    pub backend: Option<Rc<dyn Backend>>,
    /// How the page leaves for the OTP page; by default `location.assign`.
    #[prop_or_default]
    pub navigator: Option<Rc<dyn Navigator>>,
    /// Polling schedule and deadlines; by default the core's.
    #[prop_or_default]
    pub polling: Option<PollPolicy>,
}

fn same_rc<T: ?Sized>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl PartialEq for CheckoutWidgetProps {
    fn eq(&self, other: &Self) -> bool {
        self.endpoint == other.endpoint
            && self.order == other.order
            && self.lang == other.lang
            && self.redirect_origins == other.redirect_origins
            && self.methods == other.methods
            && self.on_event == other.on_event
            && self.polling == other.polling
            && same_rc(&self.backend, &other.backend)
            && same_rc(&self.navigator, &other.navigator)
    }
}

thread_local! {
    static INSTANCES: Cell<u32> = const { Cell::new(0) };
}

/// A prefix that keeps element ids unique when a page holds several widgets.
fn next_prefix() -> String {
    INSTANCES.with(|count| {
        count.set(count.get() + 1);
        ["cw", &checkout_contract::decimal(count.get().into(), 0)].concat()
    })
}

/// `text` as an owned prop value. Not inlined: one copy for the form's many texts.
#[inline(never)]
fn owned(text: &str) -> AttrValue {
    AttrValue::from(text.to_string())
}

/// The widget's frame before the order is ready. Not inlined: one copy for its three uses.
#[inline(never)]
fn loading_frame(lang: Lang, label: &'static str, body: Html) -> Html {
    html! {
        <section class="cw" aria-label={label} lang={lang.tag()} dir={lang.dir()} data-step="loading">{ body }</section>
    }
}

/// The checkout widget for one order.
#[function_component(CheckoutWidget)]
pub fn checkout_widget(props: &CheckoutWidgetProps) -> Html {
    // Negotiated once, not on every keystroke's render.
    let lang = *use_memo(props.lang, |lang| {
        lang.unwrap_or_else(|| {
            let languages = browser::preferred_languages();
            Lang::negotiate(languages.iter().map(String::as_str))
        })
    });
    let prefix = use_memo((), |_| next_prefix());
    let prefix = AttrValue::from((*prefix).clone());
    let handle = use_checkout(CheckoutSettings {
        order: props.order.as_str().to_owned(),
        backend: props
            .backend
            .clone()
            .unwrap_or_else(|| Rc::new(HttpBackend::new(&props.endpoint))),
        navigator: props
            .navigator
            .clone()
            .unwrap_or_else(|| Rc::new(BrowserNavigator)),
        redirect_origins: props.redirect_origins.clone(),
        methods: props.methods.clone(),
        polling: props.polling.unwrap_or_default(),
        language: lang.tag(),
        notify: props.on_event.clone(),
    });
    let state = handle.state();
    // Written once per order and language, not on every render.
    let order_amount = state
        .session
        .as_ref()
        .map(|session| (session.order.amount_minor, session.order.currency.clone()));
    let amount = use_memo(
        (lang, order_amount),
        |(lang, order_amount)| match order_amount {
            Some((minor, currency)) => money::format_amount(*minor, currency, *lang),
            None => String::new(),
        },
    );
    // A fresh ref each render (cheaper than a hook): yew binds it to the section on commit.
    let root = NodeRef::default();
    // After each Pay press on a wrong form, once rendered (an optional field it unfolded
    // included): the focus goes to the first wrong field.
    {
        let root = root.clone();
        let first = state.refused.as_ref().and_then(|errors| errors.first());
        let prefix = prefix.clone();
        use_effect_with(state.refusals, move |_| {
            if let Some(field) = first {
                browser::focus_within(&root, &field_id(&prefix, field));
            }
        });
    }
    // A labelled section: the widget is one region of the merchant's page.
    let label = t(lang, Msg::WidgetLabel);
    let frame_attrs = |body: Html| loading_frame(lang, label, body);
    let (session, form, checkout) =
        match (&state.phase, &state.session, &state.form, &state.checkout) {
            (Phase::Loading, ..) => {
                return frame_attrs(
                    html! { <p class="cw-loading" role="status">{ t(lang, Msg::Loading) }</p> },
                );
            }
            (Phase::Failed(_) | Phase::NoMethod, ..) => {
                let msg = match &state.phase {
                    Phase::Failed(WidgetError::Network(_)) => Msg::LoadFailedNetwork,
                    Phase::NoMethod => Msg::NoMethodOffered,
                    _ => Msg::LoadFailed,
                };
                return frame_attrs(
                    html! { <p class="cw-error cw-load-error" role="alert">{ t(lang, msg) }</p> },
                );
            }
            (Phase::Ready, Some(session), Some(form), Some(checkout)) => (session, form, checkout),
            _ => return frame_attrs(html! {}),
        };

    let step = checkout.step();
    let busy = state.busy();
    let order = &session.order;
    let errors = FieldMessages(
        form.errors()
            .iter()
            .map(|(field, error)| (field, AttrValue::from(field_error(lang, field, error))))
            .collect(),
    );

    // Events become actions here, and only here.
    let onedit = {
        let handle = handle.clone();
        Callback::from(move |edit: FormEdit| handle.edit(edit))
    };
    let onselect = onedit.reform(FormEdit::Method);
    let onsubmit = {
        let handle = handle.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            handle.pay();
        })
    };
    let onaction = {
        let handle = handle.clone();
        Callback::from(move |action| handle.act(action))
    };
    let held = state.held.and_then(|held| order_held(lang, held));
    // One live region says what needs saying: what is wrong after a Pay press, or where the
    // order stands after each "check again" (the same words again are a new answer).
    let announce = match (&state.refused, held) {
        (Some(errors), _) => Some((state.refusals, AttrValue::from(error_summary(lang, errors)))),
        (None, Some(held)) if state.rechecks > 0 => Some((state.rechecks, AttrValue::from(held))),
        _ => None,
    };

    let show_form = step.shows_form();
    let methods = form.offered_methods();
    let method_error = errors.get(Field::Method);
    let fields = match form.method() {
        Some(MethodKind::YassirCash) => yassir_cash_fields(
            lang,
            &prefix,
            owned(form.yassir_phone()),
            errors.get(Field::YassirPhone),
            busy,
            form.phone_countries(Field::YassirPhone),
            &onedit,
        ),
        Some(MethodKind::MobileMoney) => MobileMoneyFields {
            lang,
            prefix: prefix.clone(),
            countries: form.momo_countries().to_vec(),
            country: form.country().map(owned),
            operators: form.operators().to_vec(),
            operator: form.operator(),
            msisdn: owned(form.msisdn()),
            msisdn_countries: form.phone_countries(Field::Msisdn),
            first_name: owned(form.first_name()),
            last_name: owned(form.last_name()),
            receipt_email: owned(form.receipt_email()),
            optional_open: form.optional_open(),
            errors,
            operator_warning: form
                .operator_warning()
                .map(|op| AttrValue::from(operator_warning(lang, op))),
            disabled: busy,
            onedit: onedit.clone(),
        }
        .view(),
        None => html! {},
    };

    html! {
        <section
            ref={root}
            class="cw"
            aria-label={label}
            lang={lang.tag()}
            dir={lang.dir()}
            data-step={crate::web::components::status_panel::step_name(step)}
        >
            <header class="cw-header">
                <p class="cw-order">{ order.description.clone() }</p>
                <p class="cw-amount">{ (*amount).clone() }</p>
            </header>
            if session.test_mode {
                { test_mode_badge(lang) }
            }
            if let Some(held) = held {
                <p class="cw-held">{ held }</p>
                // Another tab's payment may end: the shopper asks, and pays here once it failed.
                if state.held == Some(OrderState::InFlight) {
                    <div class="cw-actions">
                        { action_button(true, action_label(lang, ShopperAction::CheckAgain), ShopperAction::CheckAgain, &onaction) }
                    </div>
                }
            } else if show_form {
                <form class="cw-form" novalidate=true {onsubmit}>
                    // A lone method needs no choosing: its field's label names it, and Pay stays
                    // on a phone's first screen.
                    if methods.len() > 1 {
                        { MethodPicker {
                            lang,
                            id: field_id(&prefix, Field::Method).into(),
                            methods,
                            selected: form.method(),
                            error: method_error,
                            disabled: busy,
                            onselect,
                        }.view() }
                    }
                    { fields }
                    { pay_button(lang, &amount, busy, matches!(step, Step::Creating | Step::Submitting)) }
                </form>
            }
            <StatusPanel
                {lang}
                prefix={prefix.clone()}
                step={Some(step.clone())}
                payment_id={checkout.payment_id().map(owned)}
                redirect_blocked={state.redirect_blocked}
                {announce}
                onaction={onaction}
            />
        </section>
    }
}
