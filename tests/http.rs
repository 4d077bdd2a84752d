//! `HttpBackend` against a stand-in for `window.fetch`: the requests it sends and how it reads
//! the answers, without a server.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use checkout_contract::{CreatePaymentRequest, MethodKind, PaymentStatus, SubmitRequest};
use checkout_widget::core::i18n::Lang;
use checkout_widget::web::{
    Backend, CheckoutWidget, CheckoutWidgetProps, HttpBackend, Prefetched, WidgetError,
};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen_test::*;
use yew::AttrValue;

wasm_bindgen_test_configure!(run_in_browser);

const PAYMENT: &str = r#"{"id":"pay_1","order":"demo-dz","method":"yassir_cash","amount_minor":150000,
"currency":"DZD","status":"created","created_at":"2025-01-15T10:30:00Z","updated_at":"2025-01-15T10:30:00Z"}"#;

/// Replaces `fetch` with one answering `status` and `body`, recording each request as
/// `[method, url, idempotency key, content type, body, language, client secret]` in
/// `window.fetchCalls`.
fn fake_fetch(status: u16, body: &str) {
    let window = web_sys::window().unwrap();
    let fetch = Function::new_with_args(
        "request",
        &format!(
            "return request.text().then(body => {{
                (window.fetchCalls = window.fetchCalls || []).push([request.method, request.url,
                    request.headers.get('Idempotency-Key'), request.headers.get('Content-Type'), body,
                    request.headers.get('Accept-Language'), request.headers.get('Client-Secret')]);
                return new Response({body}, {{ status: {status}, headers: {{ 'Content-Type': 'application/json' }} }});
            }});",
            // A JavaScript string literal; not `{body:?}`, which the size build's flags empty.
            body = serde_json::to_string(body).unwrap(),
        ),
    );
    Reflect::set(&window, &"fetchCalls".into(), &Array::new()).unwrap();
    Reflect::set(&window, &"fetch".into(), &fetch).unwrap();
}

fn calls() -> Vec<Vec<Option<String>>> {
    let calls = Reflect::get(&web_sys::window().unwrap(), &"fetchCalls".into()).unwrap();
    Array::from(&calls)
        .iter()
        .map(|call| {
            Array::from(&call)
                .iter()
                .map(|value| value.as_string())
                .collect()
        })
        .collect()
}

fn origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

#[wasm_bindgen_test]
async fn create_sends_the_idempotency_key_and_the_language_and_reads_the_payment() {
    fake_fetch(201, PAYMENT);
    let backend = HttpBackend::new("");
    let request = CreatePaymentRequest {
        order: "demo-dz".into(),
        method: MethodKind::YassirCash,
        phone: Some("+213555123456".into()),
    };
    let payment = backend
        .create_payment("key-1", &request, "fr")
        .await
        .unwrap();
    assert_eq!(
        (payment.id.as_str(), payment.status),
        ("pay_1", PaymentStatus::Created)
    );
    let call = &calls()[0];
    assert_eq!(call[0].as_deref(), Some("POST"));
    assert_eq!(call[1], Some(format!("{}/api/v1/payments", origin())));
    assert_eq!(call[2].as_deref(), Some("key-1"));
    assert_eq!(call[3].as_deref(), Some("application/json"));
    assert_eq!(
        call[4].as_deref(),
        Some(r#"{"order":"demo-dz","method":"yassir_cash","phone":"+213555123456"}"#)
    );
    assert_eq!(call[5].as_deref(), Some("fr"), "the shopper's language");
}

#[wasm_bindgen_test]
async fn the_secret_a_create_answers_is_kept_by_the_backend_and_sent_with_that_payment_only() {
    let created = PAYMENT.replace(
        r#""id":"pay_1","#,
        r#""id":"pay_1","client_secret":"pay_1_secret_s3cr3t","#,
    );
    fake_fetch(201, &created);
    let backend = HttpBackend::new("");
    let request = CreatePaymentRequest {
        order: "demo-dz".into(),
        method: MethodKind::YassirCash,
        phone: Some("+213555123456".into()),
    };
    let payment = backend
        .create_payment("key-1", &request, "en")
        .await
        .unwrap();
    assert_eq!(
        payment.client_secret, None,
        "the rest of the widget never holds it"
    );
    assert_eq!(
        backend.client_secret("pay_1").as_deref(),
        Some("pay_1_secret_s3cr3t")
    );
    fake_fetch(200, PAYMENT);
    backend.payment("pay_1").await.unwrap();
    backend
        .submit("pay_1", &SubmitRequest::YassirCash)
        .await
        .unwrap();
    backend.payment("pay_2").await.unwrap();
    let sent = calls();
    assert_eq!(sent[0][6].as_deref(), Some("pay_1_secret_s3cr3t"));
    assert_eq!(sent[1][6].as_deref(), Some("pay_1_secret_s3cr3t"));
    assert_eq!(sent[2][6], None, "another payment's read carries no secret");
    // A resumed attempt's secret, kept again, goes with its reads.
    backend.keep_client_secret("pay_2", "pay_2_secret_x".into());
    fake_fetch(200, PAYMENT);
    backend.payment("pay_2").await.unwrap();
    assert_eq!(calls()[0][6].as_deref(), Some("pay_2_secret_x"));
}

#[wasm_bindgen_test]
async fn ids_and_orders_are_escaped_in_urls() {
    fake_fetch(200, PAYMENT);
    let backend = HttpBackend::new("https://shop.example/");
    backend.payment("pay_1/../admin").await.unwrap();
    backend
        .submit("pay 1", &SubmitRequest::YassirCash)
        .await
        .unwrap();
    let calls = calls();
    assert_eq!(
        calls[0][1].as_deref(),
        Some("https://shop.example/api/v1/payments/pay_1%2F..%2Fadmin")
    );
    assert_eq!(
        calls[1][1].as_deref(),
        Some("https://shop.example/api/v1/payments/pay%201/submit")
    );
    assert_eq!(calls[1][4].as_deref(), Some(r#"{"type":"yassir_cash"}"#));
}

#[wasm_bindgen_test]
async fn error_answers_carry_the_contract_body() {
    fake_fetch(
        422,
        r#"{"error":{"code":"provider_refused","message":"Operation not permitted","field":"operator"}}"#,
    );
    let error = HttpBackend::new("").payment("pay_1").await.unwrap_err();
    let WidgetError::Http {
        status: 422,
        body: Some(body),
    } = error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (body.error.code.as_str(), body.error.field.as_deref()),
        ("provider_refused", Some("operator"))
    );
}

#[wasm_bindgen_test]
async fn foreign_error_bodies_keep_the_status() {
    fake_fetch(404, r#"{"message":"Row not found"}"#);
    let error = HttpBackend::new("").checkout("nope").await.unwrap_err();
    assert_eq!(
        error,
        WidgetError::Http {
            status: 404,
            body: None
        }
    );
}

#[wasm_bindgen_test]
async fn a_success_that_is_not_the_contract_is_a_decode_error() {
    fake_fetch(200, "<html>proxy</html>");
    let error = HttpBackend::new("").payment("pay_1").await.unwrap_err();
    assert!(matches!(error, WidgetError::Decode(_)), "{error:?}");
}

/// The loader's `fetch` of the order, as `mount` gets it before its answer is here: a promise of
/// `{ status, text }`.
fn prefetched(status: u16, body: &str) -> Prefetched {
    let answer = js_sys::Object::new();
    js_sys::Reflect::set(&answer, &"status".into(), &status.into()).unwrap();
    js_sys::Reflect::set(&answer, &"text".into(), &body.into()).unwrap();
    Prefetched::Pending(js_sys::Promise::resolve(&wasm_bindgen::JsValue::from(
        answer,
    )))
}

const SESSION: &str = r#"{"order":{"reference":"demo-dz","description":"Kit","amount_minor":150000,"currency":"DZD"},
    "methods":[{"type":"yassir_cash","countries":[{"code":"DZ","dial_code":"213"}]}],"test_mode":true}"#;

#[wasm_bindgen_test]
async fn the_order_the_loader_fetched_is_read_without_asking_again() {
    fake_fetch(500, "{}");
    let backend = HttpBackend::with_prefetched(
        "",
        "/api/v1/checkout?order=demo%20dz".into(),
        prefetched(200, SESSION),
    );
    let loaded = backend.checkout("demo dz").await.unwrap();
    assert_eq!(
        (loaded.order.reference.as_str(), loaded.test_mode),
        ("demo-dz", true)
    );
    assert!(calls().is_empty());
}

/// The loader's `fetch` of the order once its answer is here.
fn answered(status: u16, body: &str) -> Prefetched {
    Prefetched::Answered {
        status,
        text: body.into(),
    }
}

/// The contract's answer to an unknown order (404).
const NO_SUCH_ORDER: &str = r#"{"error":{"code":"not_found","message":"No such order."}}"#;

/// `error` is the contract's 404 `not_found` for an unknown order, with its body.
fn assert_no_such_order(error: WidgetError) {
    let WidgetError::Http {
        status: 404,
        body: Some(body),
    } = error
    else {
        panic!("{error:?}")
    };
    assert_eq!(body.error.code, "not_found");
}

#[wasm_bindgen_test]
async fn an_answer_the_loader_already_read_is_taken_at_once_and_once() {
    fake_fetch(500, "{}");
    let url = "/api/v1/checkout?order=demo-dz";
    let backend = HttpBackend::with_prefetched("", url.into(), answered(200, SESSION));
    let loaded = backend.checkout_now("demo-dz").unwrap().unwrap();
    assert_eq!(loaded.order.reference, "demo-dz");
    assert!(backend.checkout_now("demo-dz").is_none());
    assert!(calls().is_empty());
}

#[wasm_bindgen_test]
async fn an_error_answer_already_read_is_the_contract_error() {
    let url = "/api/v1/checkout?order=nope";
    let backend = HttpBackend::with_prefetched("", url.into(), answered(404, NO_SUCH_ORDER));
    let error = backend.checkout_now("nope").unwrap().unwrap_err();
    assert_no_such_order(error);
}

#[wasm_bindgen_test]
async fn an_answer_read_for_another_address_is_not_taken() {
    fake_fetch(404, r#"{"message":"Row not found"}"#);
    let url = "/api/v1/checkout?order=other";
    let backend = HttpBackend::with_prefetched("", url.into(), answered(200, SESSION));
    assert!(backend.checkout_now("nope").is_none());
    let error = backend.checkout("nope").await.unwrap_err();
    assert!(
        matches!(error, WidgetError::Http { status: 404, .. }),
        "{error:?}"
    );
}

#[wasm_bindgen_test]
async fn a_pending_prefetch_is_not_taken_at_once() {
    let url = "/api/v1/checkout?order=demo-dz";
    let backend = HttpBackend::with_prefetched("", url.into(), prefetched(200, SESSION));
    assert!(backend.checkout_now("demo-dz").is_none());
    let loaded = backend.checkout("demo-dz").await.unwrap();
    assert_eq!(loaded.order.reference, "demo-dz");
}

/// The widget's render on mount shows an order whose answer is already here: no loading frame
/// stays on screen for the browser to lay out before the order replaces it.
#[wasm_bindgen_test]
async fn an_order_already_read_is_on_screen_after_the_first_render() {
    fake_fetch(500, "{}");
    let url = "/api/v1/checkout?order=demo-dz";
    let backend = HttpBackend::with_prefetched("", url.into(), answered(200, SESSION));
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = CheckoutWidgetProps {
        endpoint: AttrValue::default(),
        order: AttrValue::from("demo-dz"),
        lang: Some(Lang::En),
        redirect_origins: None,
        methods: None,
        on_event: None,
        backend: Some(Rc::new(backend)),
        navigator: None,
        polling: None,
    };
    let app = yew::Renderer::<CheckoutWidget>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let step = root.query_selector("section.cw").unwrap().unwrap();
    assert_eq!(step.get_attribute("data-step").as_deref(), Some("choosing"));
    assert!(root.query_selector(".cw-pay").unwrap().is_some());
    assert!(calls().is_empty());
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_prefetched_error_answer_is_read_like_any_other() {
    fake_fetch(200, "{}");
    let backend = HttpBackend::with_prefetched(
        "",
        "/api/v1/checkout?order=nope".into(),
        prefetched(404, NO_SUCH_ORDER),
    );
    let error = backend.checkout("nope").await.unwrap_err();
    assert_no_such_order(error);
    assert!(calls().is_empty());
}

#[wasm_bindgen_test]
async fn a_prefetch_of_another_address_is_not_used() {
    fake_fetch(404, r#"{"message":"Row not found"}"#);
    let backend = HttpBackend::with_prefetched(
        "",
        "/api/v1/checkout?order=other".into(),
        prefetched(200, "{}"),
    );
    let error = backend.checkout("nope").await.unwrap_err();
    assert_eq!(
        error,
        WidgetError::Http {
            status: 404,
            body: None
        }
    );
    assert_eq!(
        calls()[0][1],
        Some(format!("{}/api/v1/checkout?order=nope", origin()))
    );
}

#[wasm_bindgen_test]
async fn a_prefetch_that_failed_is_a_network_error() {
    fake_fetch(200, "{}");
    let failed = js_sys::Promise::reject(&js_sys::TypeError::new("Failed to fetch"));
    let backend = HttpBackend::with_prefetched(
        "",
        "/api/v1/checkout?order=demo-dz".into(),
        Prefetched::Pending(failed),
    );
    let error = backend.checkout("demo-dz").await.unwrap_err();
    assert_eq!(
        error,
        WidgetError::Network("TypeError: Failed to fetch".into())
    );
}

#[wasm_bindgen_test]
async fn a_fetch_rejected_with_null_is_a_network_error() {
    // A page's own `fetch` wrapper may reject with anything, not only an `Error`.
    let failed = js_sys::Promise::reject(&wasm_bindgen::JsValue::NULL);
    let backend = HttpBackend::with_prefetched(
        "",
        "/api/v1/checkout?order=demo-dz".into(),
        Prefetched::Pending(failed),
    );
    let error = backend.checkout("demo-dz").await.unwrap_err();
    assert_eq!(error, WidgetError::Network(String::new()));
}
