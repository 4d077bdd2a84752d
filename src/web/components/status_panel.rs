use checkout_contract::{Payment, SupportInfo};
use yew::prelude::*;
use yew::virtual_dom::{AttributeOrProperty, Attributes, VList, VTag};

use crate::core::i18n::{action_label, reference, step_text, t, time_left, Lang, Msg};
use crate::core::money;
use crate::core::state::{ErrorKind, ShopperAction, Step};
use crate::web::hooks::use_now;

#[derive(Properties, PartialEq, Clone)]
pub struct StatusPanelProps {
    pub lang: Lang,
    /// The widget's id prefix.
    pub prefix: AttrValue,
    /// `None` while the order loads.
    pub step: Option<Step>,
    /// The payment reference, once created.
    #[prop_or_default]
    pub payment_id: Option<AttrValue>,
    /// The browser refused the OTP page's address.
    #[prop_or_default]
    pub redirect_blocked: bool,
    /// What is wrong with the form, said when Pay is pressed on it, with the press's number: a
    /// new press replaces the text's node, so it is said again.
    #[prop_or_default]
    pub announce: Option<(u32, AttrValue)>,
    /// The shopper chose one of the step's actions.
    pub onaction: Callback<ShopperAction>,
}

/// A short name per step, for styling and for tests (`data-step`).
pub fn step_name(step: &Step) -> &'static str {
    match step {
        Step::Choosing => "choosing",
        Step::Creating => "creating",
        Step::Submitting => "submitting",
        Step::Redirecting { .. } => "redirecting",
        Step::RequiresAction { .. } => "requires-action",
        Step::AwaitingApproval { .. } => "awaiting-approval",
        Step::Checking { .. } => "checking",
        Step::Succeeded { .. } => "succeeded",
        Step::Rejected { .. } => "rejected",
        Step::PreAuthorized { .. } => "pre-authorized",
        Step::Expired { .. } => "expired",
        Step::Closed { .. } => "closed",
        Step::StillPending { .. } => "still-pending",
        Step::Error { .. } => "error",
    }
}

fn step_payment(step: &Step) -> Option<&Payment> {
    match step {
        Step::Succeeded { payment }
        | Step::Rejected { payment }
        | Step::PreAuthorized { payment }
        | Step::Expired { payment }
        | Step::Closed { payment } => Some(payment),
        Step::Error {
            kind: ErrorKind::PaymentFailed { payment },
            ..
        } => Some(payment),
        _ => None,
    }
}

/// An action button. Not inlined: one copy of the markup and its click handler for every action
/// (the status panel's, and "check again" on an order held).
#[inline(never)]
pub fn action_button(
    primary: bool,
    label: &'static str,
    action: ShopperAction,
    run: &Callback<ShopperAction>,
) -> Html {
    let onclick = run.reform(move |_: MouseEvent| action);
    // Literal classes: a computed one goes through yew's `Classes`, a hashed set.
    if primary {
        html! { <button type="button" class="cw-button cw-button--primary" {onclick}>{ label }</button> }
    } else {
        html! { <button type="button" class="cw-button" {onclick}>{ label }</button> }
    }
}

/// "Need help? Contact <e-mail> or <phone>": one line naming each contact the provider gives.
fn support_line(lang: Lang, support: &SupportInfo) -> Html {
    let mut line = Vec::new();
    for (scheme, contact) in [("mailto:", &support.email), ("tel:", &support.phone_number)] {
        if let Some(contact) = contact {
            let (gap, words) = match line.is_empty() {
                true => ("", Msg::Support),
                false => (" ", Msg::Or),
            };
            line.push(html! {
                <>{ gap }{ t(lang, words) }{ " " }<a href={[scheme, contact.as_str()].concat()} dir="ltr">{ contact.clone() }</a></>
            });
        }
    }
    if line.is_empty() {
        return Html::default();
    }
    html! { <p class="cw-status__support">{ for line }</p> }
}

/// What is happening to the payment: a live region announces each new step, and the focus
/// moves to its heading so keyboard and screen-reader users land on it.
#[function_component(StatusPanel)]
pub fn status_panel(props: &StatusPanelProps) -> Html {
    let lang = props.lang;
    let title_id = [&*props.prefix, "-status-title"].concat();
    let name = props.step.as_ref().map(step_name).unwrap_or("loading");
    // A fresh ref each render (cheaper than a hook): bound before the effect runs.
    let title_ref = NodeRef::default();
    {
        let title_ref = title_ref.clone();
        use_effect_with(name, move |name| {
            if !matches!(*name, "choosing" | "loading") {
                if let Some(title) = title_ref.cast::<web_sys::HtmlElement>() {
                    let _ = title.focus();
                }
            }
        });
    }
    let deadline = props.step.as_ref().and_then(Step::deadline_ms);
    let countdown = matches!(props.step, Some(Step::AwaitingApproval { .. }));
    let now = use_now(countdown);

    let text = props.step.as_ref().and_then(|step| step_text(lang, step));
    let message = match (&text, props.redirect_blocked) {
        (Some(_), true) => Some((
            t(lang, Msg::ErrorTitle).to_string(),
            Some(t(lang, Msg::RedirectError).to_string()),
        )),
        (Some(text), false) => Some((text.title.clone(), text.body.clone())),
        (None, _) => None,
    };
    let live = html! {
        <div class="cw-status__live" role="status" aria-live="polite" aria-atomic="true">
            if let Some((title, body)) = message {
                <h2 ref={title_ref.clone()} class="cw-status__title" id={title_id.clone()} tabindex="-1">{ title }</h2>
                if let Some(body) = body {
                    <p class="cw-status__body">{ body }</p>
                }
            } else if let Some((press, text)) = props.announce.clone() {
                // Unseen: the fields show their own errors; this is for screen readers.
                { VList::with_children(vec![html! { <p key={checkout_contract::decimal(press.into(), 0)} class="cw-sr-only">{ text }</p> }], None) }
            }
        </div>
    };
    let Some(step) = props.step.as_ref().filter(|_| text.is_some()) else {
        return html! { <div class="cw-status" data-step={name}>{ live }</div> };
    };

    let payment = step_payment(step);
    let details = html! {
        <>
            if let Some(payment) = payment.filter(|payment| payment.status.is_paid()) {
                <p class="cw-status__amount">
                    { money::format_amount(payment.amount_minor, &payment.currency, lang) }
                </p>
            }
            if let (Some(deadline), true) = (deadline, countdown) {
                <p class="cw-status__countdown" aria-live="off">{ time_left(lang, deadline.saturating_sub(now)) }</p>
            }
            if let Some(message) = payment.and_then(|p| p.end_user_message.clone().or_else(|| p.failure.as_ref().map(|f| f.message.clone()))) {
                <p class="cw-status__provider">{ message }</p>
            }
            if let Some(id) = payment.map(|p| AttrValue::from(p.id.clone())).or_else(|| props.payment_id.clone()).filter(|_| !matches!(step, Step::StillPending { .. })) {
                <p class="cw-status__reference">{ reference(lang, &id) }</p>
            }
            if let Some(support) = payment.and_then(|p| p.support.as_ref()) {
                { support_line(lang, support) }
            }
            if let (Step::Redirecting { url }, false) = (step, props.redirect_blocked) {
                <p class="cw-status__fallback">
                    { t(lang, Msg::RedirectFallback) }{ " " }
                    <a href={url.clone()}>{ t(lang, Msg::ContinueToYassir) }</a>
                </p>
            }
        </>
    };

    let actions = step.actions();
    let buttons = actions.iter().enumerate().map(|(index, &action)| {
        action_button(
            index == 0,
            action_label(lang, action),
            action,
            &props.onaction,
        )
    });

    let body = html! {
        <>
            { live }
            { details }
            if !actions.is_empty() {
                <div class="cw-actions">{ for buttons }</div>
            }
        </>
    };
    // Built by hand: `html!` would take the computed class through yew's `Classes`, a hashed set.
    let mut panel = VTag::new("div");
    panel.set_attributes(Attributes::Dynamic {
        keys: &["data-step", "class"],
        values: Box::new([
            Some(AttributeOrProperty::Attribute(AttrValue::Static(name))),
            Some(AttributeOrProperty::Attribute(
                ["cw-status cw-status--", name].concat().into(),
            )),
        ]),
    });
    panel.add_child(body);
    panel.into()
}
