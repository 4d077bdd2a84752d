//! How the loader (`static/checkout.js`) starts a widget: `mount(root, options, emit)` renders
//! into `root` (an element inside the shadow root the loader made) and hands each [`PageEvent`] to
//! `emit(type, detail)`, which turns it into a DOM event on the host element and a callback.
//! Checking the merchant's options, the shadow root, theming and the promises are the loader's:
//! they cost less in JavaScript than in the wasm every shopper downloads.

use std::rc::Rc;

use checkout_contract::MethodKind;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::{AttrValue, Callback};

use crate::core::events::PageEvent;
use crate::core::i18n::Lang;
use crate::web::api::{status_and_text, HttpBackend, Prefetched};
use crate::web::app::{CheckoutWidget, CheckoutWidgetProps};
use crate::web::wire::Writer;

/// What a page says about one widget.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WidgetOptions {
    /// Backend origin; empty for the page's own.
    pub endpoint: String,
    pub order: String,
    pub lang: Option<Lang>,
    /// Only these of the methods the session offers.
    pub methods: Option<Vec<MethodKind>>,
    pub redirect_origins: Option<Vec<String>>,
}

/// An array of strings (the loader has trimmed and checked them).
fn strings(value: &JsValue) -> Vec<String> {
    value
        .dyn_ref::<Array>()
        .map(|array| array.iter().filter_map(|item| item.as_string()).collect())
        .unwrap_or_default()
}

impl WidgetOptions {
    /// From a JavaScript object `{ endpoint, order, lang, methods, redirectOrigins, texts }`,
    /// already checked by the loader; `methods` and `redirectOrigins` are arrays of strings.
    pub fn from_js(options: &JsValue) -> Self {
        let get = |key: &str| {
            Reflect::get(options, &JsValue::from_str(key))
                .ok()
                .filter(|value| !value.is_undefined() && !value.is_null())
        };
        let text = |key: &str| get(key).and_then(|value| value.as_string());
        // `{ fr: [...] }`: the texts of the language the widget will speak, unless English.
        #[cfg(feature = "split-texts")]
        if let Some(texts) = get("texts") {
            for lang in [Lang::Fr, Lang::Ar] {
                let list = Reflect::get(&texts, &JsValue::from_str(lang.tag())).ok();
                if let Some(list) = list.filter(JsValue::is_object) {
                    crate::core::i18n::install(lang, strings(&list));
                }
            }
        }
        WidgetOptions {
            endpoint: text("endpoint").unwrap_or_default(),
            order: text("order").unwrap_or_default().trim().to_string(),
            lang: text("lang").as_deref().and_then(Lang::from_tag),
            methods: get("methods").map(|value| {
                strings(&value)
                    .iter()
                    .filter_map(|name| name.parse::<MethodKind>().ok())
                    .collect()
            }),
            redirect_origins: get("redirectOrigins").map(|value| strings(&value)),
        }
    }

    fn into_props(self, on_event: Option<Callback<PageEvent>>) -> CheckoutWidgetProps {
        CheckoutWidgetProps {
            endpoint: AttrValue::from(self.endpoint),
            order: AttrValue::from(self.order),
            lang: self.lang,
            redirect_origins: self.redirect_origins,
            methods: self.methods,
            on_event,
            backend: None,
            navigator: None,
            polling: None,
        }
    }
}

fn opt_method(method: Option<MethodKind>) -> JsValue {
    method
        .map(|method| JsValue::from_str(method.as_str()))
        .unwrap_or(JsValue::NULL)
}

/// The event's DOM event `detail`, in the camelCase of JavaScript.
pub fn event_detail(page_event: &PageEvent) -> JsValue {
    let detail = match page_event {
        PageEvent::Ready {
            order,
            methods,
            test_mode,
        } => {
            let order = Writer::new()
                .str("reference", &order.reference)
                .str("description", &order.description)
                .number("amountMinor", order.amount_minor as f64)
                .str("currency", &order.currency)
                .into_object();
            let methods: Array = methods
                .iter()
                .map(|method| JsValue::from_str(method.as_str()))
                .collect();
            Writer::new()
                .value("order", &order)
                .value("methods", &methods)
                .bool("testMode", *test_mode)
        }
        PageEvent::Change {
            method,
            complete,
            empty,
        } => Writer::new()
            .value("method", &opt_method(*method))
            .bool("complete", *complete)
            .bool("empty", *empty),
        PageEvent::Submit { method } => Writer::new().value("method", &opt_method(*method)),
        PageEvent::RequiresAction { payment_id, url } => {
            Writer::new().str("paymentId", payment_id).str("url", url)
        }
        PageEvent::Success {
            payment_id,
            status,
            amount_minor,
            currency,
        } => Writer::new()
            .str("paymentId", payment_id)
            .str("status", status)
            .number("amountMinor", *amount_minor as f64)
            .str("currency", currency),
        PageEvent::Failure {
            payment_id,
            status,
            code,
            message,
            retryable,
        } => Writer::new()
            .str("paymentId", payment_id)
            .str("status", status)
            .str("code", code)
            .str("message", message)
            .bool("retryable", *retryable),
        PageEvent::Error { code, message } => {
            Writer::new().str("code", code).str("message", message)
        }
    };
    detail.into_object().into()
}

#[cfg(not(panic = "immediate-abort"))]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(what: &str, message: &str, file: &str, line: u32);
}

/// A panic of the fallback build says what and where on the console, in one line, before the wasm
/// stops and the loader reports `widget_crashed`. (The size build stops on the spot and runs no
/// hook; yew's own hook is left out of both, docs/widget-build.md says why.)
#[cfg(not(panic = "immediate-abort"))]
fn report_panics() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let (file, line) = info.location().map_or(("", 0), |at| (at.file(), at.line()));
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or_default();
        console_error("checkout: panic", message, file, line);
    }));
}

/// A mounted widget.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<yew::AppHandle<CheckoutWidget>>,
    props: CheckoutWidgetProps,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// New options: the language, the methods and the redirect origins change in place (the
    /// loader remounts for another order or endpoint).
    pub fn update(&mut self, options: JsValue) {
        let options = WidgetOptions::from_js(&options);
        self.props.lang = options.lang;
        self.props.methods = options.methods;
        self.props.redirect_origins = options.redirect_origins;
        if let Some(app) = self.app.as_mut() {
            app.update(self.props.clone());
        }
    }

    /// Removes the widget and stops its polling and timers.
    pub fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// The loader's `fetch` of the order, when it started one: `{ url, answer }`, `answer` a promise
/// of `{ status, text }`, and once that answer is here also `status` and `text` themselves.
fn prefetched(checkout: &JsValue) -> Option<(String, Prefetched)> {
    let field = |key: &str| Reflect::get(checkout, &JsValue::from_str(key)).ok();
    let url = field("url")?.as_string()?;
    if let Some((status, text)) = status_and_text(checkout) {
        return Some((url, Prefetched::Answered { status, text }));
    }
    let answer = field("answer")?.dyn_into::<Promise>().ok()?;
    Some((url, Prefetched::Pending(answer)))
}

/// Renders a widget into `root` with `options` (`{ endpoint, order, lang, methods,
/// redirectOrigins }`); `emit(type, detail)` hears every event. `checkout`, if given, is the
/// loader's `fetch` of the order, `{ url, answer, status?, text? }`, which the widget reads
/// instead of asking again: at once when its answer is already here, so that the first render
/// shows the order.
#[wasm_bindgen]
pub fn mount(
    root: Element,
    options: JsValue,
    emit: Option<Function>,
    checkout: JsValue,
) -> WidgetHandle {
    let on_event = emit.map(|emit| {
        Callback::from(move |page_event: PageEvent| {
            // A throwing listener must not stop the widget; the loader reports it.
            let _ = emit.call2(
                &JsValue::UNDEFINED,
                &JsValue::from_str(page_event.name()),
                &event_detail(&page_event),
            );
        })
    });
    let mut props = WidgetOptions::from_js(&options).into_props(on_event);
    if let Some((url, answer)) = prefetched(&checkout) {
        props.backend = Some(Rc::new(HttpBackend::with_prefetched(
            &props.endpoint,
            url,
            answer,
        )));
    }
    #[cfg(not(panic = "immediate-abort"))]
    report_panics();
    let app = yew::Renderer::<CheckoutWidget>::with_root_and_props(root, props.clone()).render();
    WidgetHandle {
        app: Some(app),
        props,
    }
}
