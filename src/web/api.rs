//! The merchant backend as the widget sees it: the [`Backend`] trait, its HTTP implementation,
//! and [`WidgetError`]. This is the only module that talks HTTP.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use checkout_contract::{
    CheckoutSession, CreatePaymentRequest, ErrorBody, ErrorResponse, Payment, SubmitRequest, API_PREFIX,
    IDEMPOTENCY_HEADER,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::core::redirect::percent_encode;
use crate::core::state::RequestError;
use crate::web::wire::{self, Json};

/// A backend call in flight. Single-threaded like the browser, hence no `Send`.
pub type BackendFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, WidgetError>> + 'a>>;

/// The four contract endpoints the widget calls. The browser uses [`HttpBackend`]; tests answer
/// from memory.
pub trait Backend {
    /// `GET /api/v1/checkout?order=REF`.
    fn checkout<'a>(&'a self, order: &'a str) -> BackendFuture<'a, CheckoutSession>;
    /// `POST /api/v1/payments` with the `Idempotency-Key` header (201 new, 200 replayed).
    fn create_payment<'a>(
        &'a self,
        idempotency_key: &'a str,
        request: &'a CreatePaymentRequest,
    ) -> BackendFuture<'a, Payment>;
    /// `POST /api/v1/payments/{id}/submit`.
    fn submit<'a>(&'a self, payment_id: &'a str, request: &'a SubmitRequest) -> BackendFuture<'a, Payment>;
    /// `GET /api/v1/payments/{id}`.
    fn payment<'a>(&'a self, payment_id: &'a str) -> BackendFuture<'a, Payment>;
}

/// Why a backend call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WidgetError {
    /// No answer: offline, DNS, CORS, or the request was aborted.
    #[error("network error: {0}")]
    Network(String),
    /// An error status, with the contract's error body when there was one.
    #[error("HTTP {status}")]
    Http { status: u16, body: Option<ErrorResponse> },
    /// An answer that is not the contract's JSON.
    #[error("unexpected answer: {0}")]
    Decode(String),
}

impl From<gloo_net::Error> for WidgetError {
    fn from(error: gloo_net::Error) -> Self {
        match error {
            gloo_net::Error::JsError(error) => WidgetError::Network(error.to_string()),
            gloo_net::Error::GlooError(message) => WidgetError::Network(message),
            // Not worded by serde_json: its messages would ship in the wasm for an error that
            // never happens (the widget reads JSON with the browser's parser, see `wire`).
            gloo_net::Error::SerdeError(_) => WidgetError::Decode("the body is not JSON".into()),
        }
    }
}

impl WidgetError {
    /// The core's view of the failure: whether to retry and what to tell the shopper.
    pub fn to_request_error(&self) -> RequestError {
        match self {
            WidgetError::Network(_) => RequestError::Network,
            WidgetError::Http { status, body } => {
                RequestError::Http { status: *status, error: body.as_ref().map(|body| body.error.clone()) }
            }
            // A body that is not ours came from something between us and the backend (a proxy
            // error page): treat it like a bad gateway, which may pass.
            WidgetError::Decode(message) => RequestError::Http {
                status: 502,
                error: Some(ErrorBody { code: "invalid_response".into(), message: message.clone(), field: None }),
            },
        }
    }
}

/// The merchant backend over HTTP.
#[derive(Debug, Clone)]
pub struct HttpBackend {
    /// Origin (and optional path prefix) of the backend; empty for the page's own origin.
    pub endpoint: String,
    /// A `fetch` of the order the loader started before the wasm ran, with its URL.
    prefetched: RefCell<Option<(String, Promise)>>,
}

impl HttpBackend {
    pub fn new(endpoint: &str) -> Self {
        HttpBackend { endpoint: endpoint.trim().trim_end_matches('/').to_string(), prefetched: RefCell::new(None) }
    }

    /// Like [`HttpBackend::new`], with the loader's `fetch` of `url` (a `Response` promise):
    /// the order is read from it when the widget asks for that same URL.
    pub fn with_prefetched(endpoint: &str, url: String, response: Promise) -> Self {
        let backend = HttpBackend::new(endpoint);
        *backend.prefetched.borrow_mut() = Some((url, response));
        backend
    }

    /// The prefetched answer, once, if it is of `url`.
    async fn prefetched(&self, url: &str) -> Option<Result<Response, WidgetError>> {
        let (fetched, response) = self.prefetched.borrow_mut().take()?;
        if fetched != url {
            return None;
        }
        Some(match JsFuture::from(response).await {
            Ok(response) => Ok(Response::from(response.unchecked_into::<web_sys::Response>())),
            Err(error) => Err(WidgetError::Network(js_sys::Error::from(error).to_string().into())),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.endpoint)
    }
}

fn accept_json(builder: RequestBuilder) -> RequestBuilder {
    builder.header("Accept", "application/json")
}

fn with_json_body(builder: RequestBuilder, body: String) -> Result<Request, gloo_net::Error> {
    builder.header("Content-Type", "application/json").body(body)
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, WidgetError> {
    Ok(request?.send().await?)
}

/// The body read by `decode` on success, the contract's error otherwise.
async fn read<T>(response: Response, decode: fn(&Json) -> Result<T, String>) -> Result<T, WidgetError> {
    let status = response.status();
    let text = response.text().await?;
    let json = wire::parse(&text);
    if response.ok() {
        return json.and_then(|json| decode(&json)).map_err(WidgetError::Decode);
    }
    let body = json.ok().and_then(|json| wire::error_response(&json));
    Err(WidgetError::Http { status, body })
}

impl Backend for HttpBackend {
    fn checkout<'a>(&'a self, order: &'a str) -> BackendFuture<'a, CheckoutSession> {
        Box::pin(async move {
            let url = self.url(&format!("/checkout?order={}", percent_encode(order)));
            let response = match self.prefetched(&url).await {
                Some(response) => response?,
                None => send(accept_json(Request::get(&url)).build()).await?,
            };
            read(response, wire::checkout_session).await
        })
    }

    fn create_payment<'a>(
        &'a self,
        idempotency_key: &'a str,
        request: &'a CreatePaymentRequest,
    ) -> BackendFuture<'a, Payment> {
        Box::pin(async move {
            let builder = accept_json(Request::post(&self.url("/payments"))).header(IDEMPOTENCY_HEADER, idempotency_key);
            read(send(with_json_body(builder, wire::create_request(request))).await?, wire::payment).await
        })
    }

    fn submit<'a>(&'a self, payment_id: &'a str, request: &'a SubmitRequest) -> BackendFuture<'a, Payment> {
        Box::pin(async move {
            let url = self.url(&format!("/payments/{}/submit", percent_encode(payment_id)));
            let builder = accept_json(Request::post(&url));
            read(send(with_json_body(builder, wire::submit_request(request))).await?, wire::payment).await
        })
    }

    fn payment<'a>(&'a self, payment_id: &'a str) -> BackendFuture<'a, Payment> {
        Box::pin(async move {
            let url = self.url(&format!("/payments/{}", percent_encode(payment_id)));
            read(send(accept_json(Request::get(&url)).build()).await?, wire::payment).await
        })
    }
}
