//! The widget as merchants embed it: the events it gives the page (the `ready`, `change`,
//! `submit`, `requires_action`, `success`, `failure` and `error` events) in the flow's order and
//! with their payloads, the methods option, and the widget working inside a shadow root.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use checkout_contract::MethodKind;
use checkout_widget::core::events::PageEvent;
use checkout_widget::core::i18n::Lang;
use checkout_widget::web::entry::event_detail;
use checkout_widget::web::CheckoutWidgetProps;
use common::*;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, ShadowRoot, ShadowRootInit, ShadowRootMode};
use yew::{AttrValue, Callback};

wasm_bindgen_test_configure!(run_in_browser);

const PHONE: &str = "[id$='-yassir-phone']";

/// Every event the widget gave, in order.
#[derive(Default)]
struct Log(RefCell<Vec<PageEvent>>);

impl Log {
    fn names(&self) -> Vec<&'static str> {
        self.0.borrow().iter().map(PageEvent::name).collect()
    }

    fn last(&self, name: &str) -> PageEvent {
        let page_events = self.0.borrow();
        let found = page_events
            .iter()
            .rev()
            .find(|page_event| page_event.name() == name);
        found
            .cloned()
            .unwrap_or_else(|| panic!("no `{name}` event: {:?}", self.names()))
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element on the page, or one inside an open shadow root of a fresh host.
fn root(in_shadow: bool) -> (Element, Option<(Element, ShadowRoot)>) {
    let document = document();
    let root = document.create_element("div").unwrap();
    if !in_shadow {
        document.body().unwrap().append_child(&root).unwrap();
        return (root, None);
    }
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .unwrap();
    shadow.append_child(&root).unwrap();
    (root, Some((host, shadow)))
}

async fn embed(
    backend: Rc<FakeBackend>,
    order: &str,
    methods: Option<Vec<MethodKind>>,
    in_shadow: bool,
) -> (Mounted, Rc<Log>, Option<(Element, ShadowRoot)>) {
    let log = Rc::new(Log::default());
    let on_event = {
        let log = log.clone();
        Callback::from(move |page_event: PageEvent| log.0.borrow_mut().push(page_event))
    };
    let navigator = Rc::new(RecordingNavigator::default());
    let props = CheckoutWidgetProps {
        endpoint: AttrValue::default(),
        order: AttrValue::from(order.to_string()),
        lang: Some(Lang::En),
        redirect_origins: None,
        methods,
        on_event: Some(on_event),
        backend: Some(backend),
        navigator: Some(navigator.clone()),
        polling: Some(quick_polling()),
    };
    let (root, shadow) = root(in_shadow);
    (mount_props(root, props, navigator).await, log, shadow)
}

#[wasm_bindgen_test]
async fn a_payment_tells_ready_change_submit_success_in_that_order() {
    let order = "e-success";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_submit(move |_| Ok(yassir_succeeded("pay_e_success_1", "e-success")));
    let (widget, log, _) = embed(backend, order, None, false).await;
    widget.type_into(PHONE, "0555 12 34 56").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("succeeded").await;
    assert_eq!(log.names(), ["ready", "change", "submit", "success"]);
    let PageEvent::Ready {
        order: summary,
        methods,
        test_mode,
    } = log.last("ready")
    else {
        unreachable!()
    };
    assert_eq!(
        (
            summary.reference.as_str(),
            summary.amount_minor,
            methods,
            test_mode
        ),
        (order, 150_000, vec![MethodKind::YassirCash], true)
    );
    assert_eq!(
        log.last("success"),
        PageEvent::Success {
            payment_id: "pay_e_success_1".into(),
            status: "succeeded",
            amount_minor: 150_000,
            currency: "DZD".into()
        }
    );
}

#[wasm_bindgen_test]
async fn change_tells_whether_the_form_is_complete() {
    let order = "e-change";
    let (widget, log, _) = embed(
        FakeBackend::new(session_dz(order, vec![])),
        order,
        None,
        false,
    )
    .await;
    widget.type_into(PHONE, "0555 12").await;
    widget.type_into(PHONE, "0555 12 34 56").await;
    let changes: Vec<(bool, bool)> = log
        .0
        .borrow()
        .iter()
        .filter_map(|page_event| match page_event {
            PageEvent::Change {
                complete, empty, ..
            } => Some((*complete, *empty)),
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        [(false, false), (true, false)],
        "incomplete, then complete"
    );
}

#[wasm_bindgen_test]
async fn a_rejection_tells_failure_with_the_reason_and_that_it_may_be_retried() {
    let order = "e-rejected";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_submit(move |_| Ok(yassir_rejected("pay_e_rejected_1", "e-rejected")));
    let (widget, log, _) = embed(backend, order, None, false).await;
    widget.type_into(PHONE, "0555 12 34 56").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("rejected").await;
    assert_eq!(log.names(), ["ready", "change", "submit", "failure"]);
    assert_eq!(
        log.last("failure"),
        PageEvent::Failure {
            payment_id: "pay_e_rejected_1".into(),
            status: "rejected",
            code: "rejected".into(),
            message: "Payment rejected".into(),
            retryable: true,
        }
    );
}

#[wasm_bindgen_test]
async fn requires_action_is_told_before_the_page_leaves_for_the_otp_page() {
    let order = "e-otp";
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_submit(move |_| {
        Ok(yassir_requires_action(
            "pay_e_otp_1",
            "e-otp",
            YASSIR_PAY_URL,
        ))
    });
    let (widget, log, _) = embed(backend, order, None, false).await;
    widget.type_into(PHONE, "0555 12 34 56").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("redirecting").await;
    let PageEvent::RequiresAction { payment_id, url } = log.last("requires_action") else {
        unreachable!()
    };
    assert_eq!(payment_id, "pay_e_otp_1");
    assert_eq!(
        widget.navigator.visited.borrow().as_slice(),
        std::slice::from_ref(&url),
        "the event names the address the page left for"
    );
    assert!(url.contains("returnUrl="), "{url}");
}

#[wasm_bindgen_test]
async fn an_unknown_order_tells_error_with_the_backend_code() {
    let (_widget, log, _) = embed(
        FakeBackend::failing_checkout(http_error(404)),
        "e-unknown",
        None,
        false,
    )
    .await;
    assert_eq!(log.names(), ["error"]);
    assert!(matches!(log.last("error"), PageEvent::Error { code, .. } if code == "not_found"));
}

#[wasm_bindgen_test]
async fn methods_narrow_what_the_session_offers() {
    let order = "e-methods";
    let (widget, log, _) = embed(
        FakeBackend::new(session_both(order)),
        order,
        Some(vec![MethodKind::MobileMoney]),
        false,
    )
    .await;
    // The one method left needs no choosing: its own fields show.
    assert!(!widget.has(".cw-method"), "no picker for a lone method");
    assert!(widget.has("[id$='-msisdn']"));
    assert!(
        matches!(log.last("ready"), PageEvent::Ready { methods, .. } if methods == [MethodKind::MobileMoney])
    );
}

#[wasm_bindgen_test]
async fn methods_none_offered_is_an_error() {
    let order = "e-no-methods";
    let (_widget, log, _) = embed(
        FakeBackend::new(session_dz(order, vec![])),
        order,
        Some(vec![MethodKind::MobileMoney]),
        false,
    )
    .await;
    assert!(
        matches!(log.last("error"), PageEvent::Error { code, .. } if code == "method_unavailable")
    );
}

#[wasm_bindgen_test]
async fn inside_a_shadow_root_the_widget_pays_and_focuses_its_status_heading() {
    let order = "e-shadow";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_submit(move |_| Ok(yassir_succeeded("pay_e_shadow_1", "e-shadow")));
    let (widget, log, shadow) = embed(backend, order, None, true).await;
    let (host, shadow) = shadow.unwrap();
    assert!(
        document()
            .query_selector("section.cw[data-step]")
            .unwrap()
            .is_none_or(|section| !host.contains(Some(&section))),
        "not in the light DOM"
    );
    widget.type_into(PHONE, "0555 12 34 56").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("succeeded").await;
    assert_eq!(log.names(), ["ready", "change", "submit", "success"]);
    let focused = shadow
        .active_element()
        .expect("focus inside the shadow root");
    assert!(
        focused.class_list().contains("cw-status__title"),
        "focus on {}",
        focused.outer_html()
    );
    drop(widget);
    host.remove();
}

#[wasm_bindgen_test]
async fn an_invalid_pay_in_a_shadow_root_focuses_the_first_wrong_field() {
    let order = "e-shadow-invalid";
    let (widget, _log, shadow) =
        embed(FakeBackend::new(session_both(order)), order, None, true).await;
    let (host, shadow) = shadow.unwrap();
    // No method chosen: the form submitted the way Enter would.
    let form: web_sys::HtmlFormElement = widget.find("form").dyn_into().unwrap();
    form.request_submit().unwrap();
    settle().await;
    let focused = shadow
        .active_element()
        .expect("focus inside the shadow root");
    assert!(
        focused.id().ends_with("-method"),
        "focus on {}",
        focused.outer_html()
    );
    drop(widget);
    host.remove();
}

#[wasm_bindgen_test]
fn details_are_camel_case_objects() {
    let detail = event_detail(&PageEvent::Failure {
        payment_id: "pay_1".into(),
        status: "rejected",
        code: "insufficient_funds".into(),
        message: "Insufficient balance".into(),
        retryable: true,
    });
    let get = |key: &str| Reflect::get(&detail, &JsValue::from_str(key)).unwrap();
    assert_eq!(get("paymentId").as_string().as_deref(), Some("pay_1"));
    assert_eq!(get("status").as_string().as_deref(), Some("rejected"));
    assert_eq!(get("retryable").as_bool(), Some(true));
    let change = event_detail(&PageEvent::Change {
        method: None,
        complete: false,
        empty: true,
    });
    assert!(Reflect::get(&change, &JsValue::from_str("method"))
        .unwrap()
        .is_null());
}
