//! How pages start the widget: every element with `data-checkout-widget` on load, or
//! `mount(element, options)` from JavaScript.
//!
//! ```html
//! <div data-checkout-widget data-order="demo-dz" data-lang="fr"
//!      data-endpoint="https://shop.example" data-redirect-origins="https://otp.example"></div>
//! ```
//! `data-order-param="order"` takes the order from the page URL's `?order=` when present.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::AttrValue;

use crate::core::i18n::Lang;
use crate::web::app::{CheckoutWidget, CheckoutWidgetProps};
use crate::web::browser;

/// What a page says about one widget.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WidgetOptions {
    /// Backend origin; empty for the page's own.
    pub endpoint: String,
    pub order: String,
    pub lang: Option<Lang>,
    pub redirect_origins: Option<Vec<String>>,
}

fn split_origins(list: &str) -> Vec<String> {
    list.split(',').map(str::trim).filter(|origin| !origin.is_empty()).map(String::from).collect()
}

impl WidgetOptions {
    /// From the element's `data-*` attributes.
    pub fn from_element(element: &Element) -> Self {
        let data = |name: &str| element.get_attribute(name).filter(|value| !value.trim().is_empty());
        let from_url = data("data-order-param").and_then(|param| browser::page_query_param(&param));
        WidgetOptions {
            endpoint: data("data-endpoint").unwrap_or_default(),
            order: from_url.or_else(|| data("data-order")).unwrap_or_default().trim().to_string(),
            lang: data("data-lang").as_deref().and_then(Lang::from_tag),
            redirect_origins: data("data-redirect-origins").as_deref().map(split_origins),
        }
    }

    /// From a JavaScript object `{ endpoint, order, lang, redirectOrigins }`; `redirectOrigins`
    /// is an array of origins or a comma-separated string.
    pub fn from_js(options: &JsValue) -> Self {
        let get = |key: &str| Reflect::get(options, &JsValue::from_str(key)).ok().filter(|value| !value.is_undefined() && !value.is_null());
        let text = |key: &str| get(key).and_then(|value| value.as_string());
        let redirect_origins = get("redirectOrigins").map(|value| match value.dyn_ref::<Array>() {
            Some(array) => array.iter().filter_map(|origin| origin.as_string()).collect(),
            None => value.as_string().as_deref().map(split_origins).unwrap_or_default(),
        });
        WidgetOptions {
            endpoint: text("endpoint").unwrap_or_default(),
            order: text("order").unwrap_or_default().trim().to_string(),
            lang: text("lang").as_deref().and_then(Lang::from_tag),
            redirect_origins,
        }
    }

    fn into_props(self) -> CheckoutWidgetProps {
        CheckoutWidgetProps {
            endpoint: AttrValue::from(self.endpoint),
            order: AttrValue::from(self.order),
            lang: self.lang,
            redirect_origins: self.redirect_origins,
            backend: None,
            navigator: None,
            polling: None,
        }
    }
}

/// A mounted widget, to remove it from the page.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<yew::AppHandle<CheckoutWidget>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Removes the widget and stops its polling.
    pub fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Renders a widget into `element` with `options` (`{ endpoint, order, lang, redirectOrigins }`).
#[wasm_bindgen]
pub fn mount(element: Element, options: JsValue) -> WidgetHandle {
    let props = WidgetOptions::from_js(&options).into_props();
    WidgetHandle { app: Some(yew::Renderer::<CheckoutWidget>::with_root_and_props(element, props).render()) }
}

/// Mounts a widget into every `[data-checkout-widget]` element of the page.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let Ok(elements) = document.query_selector_all("[data-checkout-widget]") else { return };
    for index in 0..elements.length() {
        let Some(element) = elements.item(index).and_then(|node| node.dyn_into::<Element>().ok()) else { continue };
        // Mounting twice into the same element would show two widgets.
        if element.has_attribute("data-checkout-mounted") {
            continue;
        }
        let _ = element.set_attribute("data-checkout-mounted", "");
        let props = WidgetOptions::from_element(&element).into_props();
        // The widget lives as long as the page.
        std::mem::forget(yew::Renderer::<CheckoutWidget>::with_root_and_props(element, props).render());
    }
}
