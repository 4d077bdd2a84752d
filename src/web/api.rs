//! The merchant backend as the widget sees it: the [`Backend`] trait, its HTTP implementation,
//! and [`WidgetError`]. This is the only module that talks HTTP.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use checkout_contract::{
    CheckoutSession, CreatePaymentRequest, ErrorBody, ErrorResponse, Payment, SubmitRequest,
    API_PREFIX, CLIENT_SECRET_HEADER, IDEMPOTENCY_HEADER,
};
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::core::redirect::percent_encode;
use crate::core::state::RequestError;
use crate::web::wire::{self, Json};

/// A backend call in flight. Single-threaded like the browser, hence no `Send`.
pub type BackendFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, WidgetError>> + 'a>>;

/// The four contract endpoints the widget calls. The browser uses [`HttpBackend`]; tests answer
/// from memory. A backend keeps each payment's `client_secret` (from its create, or from a saved
/// attempt) and sends it with the submit and the reads of that payment, as a browser keeps a
/// cookie: the rest of the widget never holds one.
pub trait Backend {
    /// `GET /api/v1/checkout?order=REF`.
    fn checkout<'a>(&'a self, order: &'a str) -> BackendFuture<'a, CheckoutSession>;
    /// The order's answer when it is already here (read by the loader before the wasm ran), so
    /// that the widget's first render can show it; `None` to ask [`Backend::checkout`].
    fn checkout_now(&self, _order: &str) -> Option<Result<CheckoutSession, WidgetError>> {
        None
    }
    /// `POST /api/v1/payments` with the `Idempotency-Key` header (201 new, 200 replayed), in the
    /// shopper's `language` (`Accept-Language`: the provider words its messages in it).
    fn create_payment<'a>(
        &'a self,
        idempotency_key: &'a str,
        request: &'a CreatePaymentRequest,
        language: &'a str,
    ) -> BackendFuture<'a, Payment>;
    /// `POST /api/v1/payments/{id}/submit`.
    fn submit<'a>(
        &'a self,
        payment_id: &'a str,
        request: &'a SubmitRequest,
    ) -> BackendFuture<'a, Payment>;
    /// `GET /api/v1/payments/{id}`.
    fn payment<'a>(&'a self, payment_id: &'a str) -> BackendFuture<'a, Payment>;
    /// The secret this backend holds for `payment_id`, to save the attempt for resume.
    fn client_secret(&self, payment_id: &str) -> Option<String>;
    /// Holds `client_secret` for `payment_id`: a saved attempt being resumed.
    fn keep_client_secret(&self, payment_id: &str, client_secret: String);
}

/// Why a backend call failed. Told to the shopper through the core's [`RequestError`] texts and
/// to the page through the widget's events, never through `Display`.
#[derive(Debug, Clone, PartialEq)]
pub enum WidgetError {
    /// No answer: offline, DNS, CORS, or the request was aborted.
    Network(String),
    /// An error status, with the contract's error body when there was one.
    Http {
        status: u16,
        body: Option<ErrorResponse>,
    },
    /// An answer that is not the contract's JSON.
    Decode(String),
}

impl WidgetError {
    /// A `fetch` that threw or rejected: no answer came (a `TypeError` for offline, DNS or CORS).
    /// Whatever was thrown, even `null` from a page's own `fetch` wrapper.
    fn network(error: JsValue) -> Self {
        let message = match error.dyn_ref::<js_sys::Error>() {
            Some(error) => String::from(error.to_string()),
            None => error.as_string().unwrap_or_default(),
        };
        WidgetError::Network(message)
    }
}

impl WidgetError {
    /// The core's view of the failure: whether to retry and what to tell the shopper.
    pub fn to_request_error(&self) -> RequestError {
        match self {
            WidgetError::Network(_) => RequestError::Network,
            WidgetError::Http { status, body } => RequestError::Http {
                status: *status,
                error: body.as_ref().map(|body| body.error.clone()),
            },
            // A body that is not ours came from something between us and the backend (a proxy
            // error page): treat it like a bad gateway, which may pass.
            WidgetError::Decode(message) => RequestError::Http {
                status: 502,
                error: Some(ErrorBody {
                    code: "invalid_response".into(),
                    message: message.clone(),
                    field: None,
                }),
            },
        }
    }
}

/// The loader's `fetch` of the order, started before the wasm ran.
#[derive(Debug, Clone)]
pub enum Prefetched {
    /// Its answer, read while the wasm was on its way.
    Answered { status: u16, text: String },
    /// A promise of `{ status, text }`, rejected when no answer came.
    Pending(Promise),
}

/// `status` and `text` of the loader's answer to a `fetch`, when it holds both.
pub fn status_and_text(answer: &JsValue) -> Option<(u16, String)> {
    let field = |key: &str| Reflect::get(answer, &JsValue::from_str(key)).ok();
    let status = field("status")?.as_f64()?;
    let text = field("text")?.as_string()?;
    Some((status as u16, text))
}

/// The merchant backend over HTTP.
#[derive(Debug, Clone)]
pub struct HttpBackend {
    /// Origin (and optional path prefix) of the backend; empty for the page's own origin.
    pub endpoint: String,
    /// A `fetch` of the order the loader started before the wasm ran, with its URL.
    prefetched: RefCell<Option<(String, Prefetched)>>,
    /// `(payment id, client secret)` of the payments this widget created or resumed.
    secrets: RefCell<Vec<(String, String)>>,
}

impl HttpBackend {
    pub fn new(endpoint: &str) -> Self {
        HttpBackend {
            endpoint: endpoint.trim().trim_end_matches('/').to_string(),
            prefetched: RefCell::new(None),
            secrets: RefCell::new(Vec::new()),
        }
    }

    /// Like [`HttpBackend::new`], with the loader's `fetch` of `url`: the order is read from it
    /// when the widget asks for that same URL.
    pub fn with_prefetched(endpoint: &str, url: String, prefetched: Prefetched) -> Self {
        let backend = HttpBackend::new(endpoint);
        *backend.prefetched.borrow_mut() = Some((url, prefetched));
        backend
    }

    /// The prefetched answer, `(status, text)`, once, if it is of `url`.
    async fn prefetched(&self, url: &str) -> Option<Result<(u16, String), WidgetError>> {
        let (fetched, prefetched) = self.prefetched.borrow_mut().take()?;
        if fetched != url {
            return None;
        }
        Some(match prefetched {
            Prefetched::Answered { status, text } => Ok((status, text)),
            Prefetched::Pending(answer) => JsFuture::from(answer)
                .await
                .map(|answer| status_and_text(&answer).unwrap_or_default())
                .map_err(WidgetError::network),
        })
    }

    fn checkout_url(&self, order: &str) -> String {
        self.url(&["/checkout?order=", &percent_encode(order)].concat())
    }

    fn url(&self, path: &str) -> String {
        [&*self.endpoint, API_PREFIX, path].concat()
    }
}

/// `fetch` of `url` with `method`, asking for JSON; `headers` and the JSON `body` go with it.
/// The browser's own `fetch`: a wrapper crate would add to the wasm and not to the request.
async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Result<Response, WidgetError> {
    let init = RequestInit::new();
    init.set_method(method);
    let all = Headers::new().map_err(WidgetError::network)?;
    let set = |name: &str, value: &str| all.set(name, value).map_err(WidgetError::network);
    set("Accept", "application/json")?;
    for (name, value) in headers {
        set(name, value)?;
    }
    if let Some(body) = body {
        set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(&body));
    }
    init.set_headers(&all);
    let request = Request::new_with_str_and_init(url, &init).map_err(WidgetError::network)?;
    let window = web_sys::window().ok_or_else(|| WidgetError::Network("no window".into()))?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(WidgetError::network)?;
    Ok(response.unchecked_into())
}

/// The body read by `decode` on success, the contract's error otherwise.
async fn read<T>(
    response: Response,
    decode: fn(&Json) -> Result<T, String>,
) -> Result<T, WidgetError> {
    let status = response.status();
    let text = match response.text() {
        Ok(text) => JsFuture::from(text).await.map_err(WidgetError::network)?,
        Err(error) => return Err(WidgetError::network(error)),
    };
    answer(status, &text.as_string().unwrap_or_default(), decode)
}

/// An answer's body `text` read by `decode` on a success `status`, the contract's error
/// otherwise.
fn answer<T>(
    status: u16,
    text: &str,
    decode: fn(&Json) -> Result<T, String>,
) -> Result<T, WidgetError> {
    let json = wire::parse(text);
    if (200..300).contains(&status) {
        return json
            .and_then(|json| decode(&json))
            .map_err(WidgetError::Decode);
    }
    let body = json.ok().and_then(|json| wire::error_response(&json));
    Err(WidgetError::Http { status, body })
}

impl Backend for HttpBackend {
    fn checkout<'a>(&'a self, order: &'a str) -> BackendFuture<'a, CheckoutSession> {
        Box::pin(async move {
            let url = self.checkout_url(order);
            match self.prefetched(&url).await {
                Some(answered) => {
                    let (status, text) = answered?;
                    answer(status, &text, wire::checkout_session)
                }
                None => read(send("GET", &url, &[], None).await?, wire::checkout_session).await,
            }
        })
    }

    fn checkout_now(&self, order: &str) -> Option<Result<CheckoutSession, WidgetError>> {
        let url = self.checkout_url(order);
        let mut prefetched = self.prefetched.borrow_mut();
        match prefetched.take() {
            Some((fetched, Prefetched::Answered { status, text })) if fetched == url => {
                Some(answer(status, &text, wire::checkout_session))
            }
            // Not answered yet, or of another order: left for `checkout`.
            other => {
                *prefetched = other;
                None
            }
        }
    }

    fn create_payment<'a>(
        &'a self,
        idempotency_key: &'a str,
        request: &'a CreatePaymentRequest,
        language: &'a str,
    ) -> BackendFuture<'a, Payment> {
        Box::pin(async move {
            let body = wire::create_request(request);
            let headers = [
                (IDEMPOTENCY_HEADER, idempotency_key),
                ("Accept-Language", language),
            ];
            let mut payment = read(
                send("POST", &self.url("/payments"), &headers, Some(body)).await?,
                wire::payment,
            )
            .await?;
            if let Some(secret) = payment.client_secret.take() {
                self.keep_client_secret(&payment.id, secret);
            }
            Ok(payment)
        })
    }

    fn submit<'a>(
        &'a self,
        payment_id: &'a str,
        request: &'a SubmitRequest,
    ) -> BackendFuture<'a, Payment> {
        Box::pin(async move {
            let url = self.url(&["/payments/", &percent_encode(payment_id), "/submit"].concat());
            let body = wire::submit_request(request);
            let secret = self.client_secret(payment_id);
            let header = secret
                .as_deref()
                .map(|secret| (CLIENT_SECRET_HEADER, secret));
            read(
                send("POST", &url, header.as_slice(), Some(body)).await?,
                wire::payment,
            )
            .await
        })
    }

    fn payment<'a>(&'a self, payment_id: &'a str) -> BackendFuture<'a, Payment> {
        Box::pin(async move {
            let url = self.url(&["/payments/", &percent_encode(payment_id)].concat());
            let secret = self.client_secret(payment_id);
            let header = secret
                .as_deref()
                .map(|secret| (CLIENT_SECRET_HEADER, secret));
            read(
                send("GET", &url, header.as_slice(), None).await?,
                wire::payment,
            )
            .await
        })
    }

    fn client_secret(&self, payment_id: &str) -> Option<String> {
        let secrets = self.secrets.borrow();
        let found = secrets.iter().find(|(id, _)| id == payment_id);
        found.map(|(_, secret)| secret.clone())
    }

    fn keep_client_secret(&self, payment_id: &str, client_secret: String) {
        let mut secrets = self.secrets.borrow_mut();
        secrets.retain(|(id, _)| id != payment_id);
        secrets.push((payment_id.to_string(), client_secret));
    }
}
