//! The middleware that makes a simulator fail: it recognises the operation from the method and
//! path, asks the registry whether a rule fires, and answers in the provider's place (`before`)
//! or spoils the provider's answer (`after`). The simulators' handlers know nothing of it.

use std::io;
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::{Fault, Faults, Operation, Phase, Provider};

/// What a malformed answer carries: an HTML page such as a proxy in front of the API may send.
const HTML_PAGE: &str = "<html><head><title>Service</title></head><body><h1>Service temporarily rerouted</h1></body></html>";

/// How a provider's endpoint refuses a call with a client error (401, 404, 422): the simulator
/// that knows its words says, given the operation, the provider's own path and the status.
pub(crate) type ErrorWords = fn(Operation, &str, StatusCode) -> Option<Response>;

#[derive(Clone)]
struct Scope {
    faults: Faults,
    provider: Provider,
    words: ErrorWords,
}

/// `router` (one provider's simulator) with the fault middleware around its routes; an
/// injected refusal is worded by `words`.
pub(crate) fn layer(
    router: Router,
    provider: Provider,
    faults: Faults,
    words: ErrorWords,
) -> Router {
    router.layer(middleware::from_fn_with_state(
        Scope {
            faults,
            provider,
            words,
        },
        inject,
    ))
}

/// The call a fault strikes: which provider's operation, at which path (the provider's own,
/// without the sandbox mount, as its errors name it).
struct Call {
    provider: Provider,
    operation: Operation,
    path: String,
    words: ErrorWords,
}

async fn inject(State(scope): State<Scope>, request: Request, next: Next) -> Response {
    let provider = scope.provider;
    let Some(operation) = operation_of(provider, request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let Some((fault, phase)) = scope.faults.fire(provider, operation) else {
        return next.run(request).await;
    };
    tracing::info!(
        provider = provider.name(),
        operation = operation.name(),
        fault = fault.name(),
        phase = phase.name(),
        "sandbox fault"
    );
    let call = Call {
        provider,
        operation,
        path: provider_path(provider, request.uri().path()).to_string(),
        words: scope.words,
    };
    match phase {
        Phase::Before => before(&call, fault, request, next).await,
        Phase::After => {
            let answer = next.run(request).await;
            after(&call, fault, answer).await
        }
    }
}

/// The fault in place of the work. The answer faults (only ever `after`) act on the answer.
async fn before(call: &Call, fault: Fault, request: Request, next: Next) -> Response {
    let provider = call.provider;
    match fault {
        Fault::Latency { delay_ms } => {
            sleep_ms(delay_ms).await;
            next.run(request).await
        }
        Fault::Timeout { delay_ms } => {
            sleep_ms(delay_ms).await;
            error_answer(provider, StatusCode::GATEWAY_TIMEOUT)
        }
        Fault::Reset => reset(),
        Fault::HttpError { status } => http_error(call, status),
        Fault::RateLimited { retry_after } => rate_limited(provider, retry_after),
        Fault::Late { delay_ms } => {
            hold(request, next, delay_ms).await;
            error_answer(provider, StatusCode::SERVICE_UNAVAILABLE)
        }
        // Webhook faults never match an API request (their operation is `webhook`).
        Fault::Drop | Fault::Duplicate | Fault::Reorder { .. } => next.run(request).await,
        Fault::MalformedJson
        | Fault::TruncatedJson
        | Fault::UnknownStatus
        | Fault::EarlierStatus
        | Fault::WrongAmount
        | Fault::Uncaptured => {
            let answer = next.run(request).await;
            after(call, fault, answer).await
        }
    }
}

/// The most of a request body `late` keeps (the providers' request bodies are small).
const HELD_BODY_LIMIT: usize = 1 << 20;

/// Keeps the request as the provider's queue would, and lets the provider do it `delay_ms`
/// later; its answer goes nowhere, since the client was answered already. The body is read
/// now, while the connection that carries it is still open.
async fn hold(request: Request, next: Next, delay_ms: u64) {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, HELD_BODY_LIMIT).await else {
        tracing::info!("sandbox fault: the late request's body could not be read; dropped");
        return;
    };
    let held = Request::from_parts(parts, Body::from(bytes));
    tokio::spawn(async move {
        sleep_ms(delay_ms).await;
        let answer = next.run(held).await;
        tracing::info!(status = %answer.status(), "sandbox fault: the late request was done");
    });
}

/// The fault once the provider did the work and answered.
async fn after(call: &Call, fault: Fault, answer: Response) -> Response {
    let provider = call.provider;
    match fault {
        Fault::Latency { delay_ms } | Fault::Timeout { delay_ms } => {
            sleep_ms(delay_ms).await;
            answer
        }
        Fault::Reset => reset(),
        Fault::HttpError { status } => http_error(call, status),
        // Only ever `before`; here it would be the same refusal, the work done.
        Fault::RateLimited { retry_after } => rate_limited(provider, retry_after),
        // Only ever `before`: the work is what it holds back.
        Fault::Late { .. } => answer,
        Fault::Drop | Fault::Duplicate | Fault::Reorder { .. } => answer,
        Fault::MalformedJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            HTML_PAGE,
        )
            .into_response(),
        Fault::TruncatedJson => {
            let (parts, bytes) = read(answer).await;
            let half = bytes.slice(..bytes.len() / 2);
            rebuild(parts, half)
        }
        Fault::UnknownStatus | Fault::EarlierStatus | Fault::WrongAmount | Fault::Uncaptured => {
            let (parts, bytes) = read(answer).await;
            let spoiled = parts
                .status
                .is_success()
                .then(|| serde_json::from_slice::<Value>(&bytes).ok())
                .flatten()
                .map(|mut body| {
                    match (provider, fault) {
                        (_, Fault::WrongAmount) => one_unit_more(provider, &mut body),
                        (_, Fault::Uncaptured) => uncaptured(&mut body),
                        (Provider::Yassir, Fault::UnknownStatus) => yassir_unknown(&mut body),
                        (Provider::Yassir, _) => yassir_earlier(&mut body),
                        (Provider::Yabetoo, Fault::UnknownStatus) => {
                            body["status"] = json!("on_hold")
                        }
                        (Provider::Yabetoo, _) => yabetoo_earlier(&mut body),
                    }
                    Bytes::from(body.to_string())
                });
            rebuild(parts, spoiled.unwrap_or(bytes))
        }
    }
}

/// Adds one unit to the answer's amount, where it has one: Yassir's `data.amount` (major
/// units), Yabetoo's `amount` (francs).
fn one_unit_more(provider: Provider, body: &mut Value) {
    let amount = match provider {
        Provider::Yassir => body.get_mut("data").and_then(|data| data.get_mut("amount")),
        Provider::Yabetoo => body.get_mut("amount"),
    };
    if let Some(amount) = amount {
        if let Some(number) = amount.as_f64() {
            *amount = json!(number + 1.0);
        }
    }
}

/// A `succeeded` answer that says the money was not captured; any other answer stays as it is.
fn uncaptured(body: &mut Value) {
    if body.get("status").and_then(Value::as_str) == Some("succeeded") {
        body["captured"] = json!(false);
    }
}

/// The path without the sandbox's mount point, as the provider itself has it.
fn provider_path(provider: Provider, path: &str) -> &str {
    path.strip_prefix(match provider {
        Provider::Yassir => crate::YASSIR_MOUNT,
        Provider::Yabetoo => crate::YABETOO_MOUNT,
    })
    .unwrap_or(path)
}

/// The operation a request calls, from the paths the simulators serve (Yassir's with or without
/// `/api/v1`). `None` for anything else (pages, lookups), which no fault touches.
fn operation_of(provider: Provider, method: &Method, path: &str) -> Option<Operation> {
    let path = provider_path(provider, path);
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (post, get) = (method == Method::POST, method == Method::GET);
    let id = |segment: &str| !segment.is_empty();
    let operation = match provider {
        Provider::Yassir => {
            let segments = match segments.as_slice() {
                ["api", "v1", rest @ ..] => rest,
                all => all,
            };
            match segments {
                ["customers"] if post => Operation::Customers,
                ["payments", "intents"] if post => Operation::Create,
                ["payments", "intents", intent, action] if id(intent) => match *action {
                    "proceed" if post => Operation::Proceed,
                    "check" if get => Operation::Check,
                    "capture" if post => Operation::Capture,
                    "release" if post => Operation::Release,
                    _ => return None,
                },
                ["payments", payment, "refund"] if post && id(payment) => Operation::Refund,
                _ => return None,
            }
        }
        Provider::Yabetoo => match segments.as_slice() {
            ["v1", "payment-intents"] if post => Operation::Create,
            ["v1", "payment-intents", intent, "confirm"] if post && id(intent) => {
                Operation::Confirm
            }
            ["v1", "payment-intents", intent] if get && id(intent) => Operation::Retrieve,
            _ => return None,
        },
    };
    Some(operation)
}

async fn sleep_ms(delay_ms: u64) {
    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
}

fn http_status(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// `http_error`'s answer: a server error in the provider's envelope ([`error_answer`]), or a
/// refusal (401, 404, 422) as the called endpoint writes it ([`ErrorWords`]).
fn http_error(call: &Call, status: u16) -> Response {
    let status = http_status(status);
    if !status.is_client_error() {
        return error_answer(call.provider, status);
    }
    (call.words)(call.operation, &call.path, status)
        .unwrap_or_else(|| error_answer(call.provider, status))
}

/// An error in the provider's envelope: Yassir's `{"code", "status": "error", "message"}`,
/// Yabetoo's `{"status", "code": "E_…", "message"}` (as its confirm's 500).
fn error_answer(provider: Provider, status: StatusCode) -> Response {
    let (code, message) = match status {
        StatusCode::TOO_MANY_REQUESTS => ("E_TOO_MANY_REQUESTS", "Too many requests"),
        StatusCode::BAD_GATEWAY => ("E_BAD_GATEWAY", "Bad gateway"),
        StatusCode::SERVICE_UNAVAILABLE => ("E_SERVICE_UNAVAILABLE", "Service unavailable"),
        StatusCode::GATEWAY_TIMEOUT => ("E_GATEWAY_TIMEOUT", "Gateway timeout"),
        _ => ("E_INTERNAL", "Internal server error"),
    };
    let body = match provider {
        Provider::Yassir => {
            json!({ "code": status.as_u16(), "status": "error", "message": message })
        }
        Provider::Yabetoo => json!({ "status": status.as_u16(), "code": code, "message": message }),
    };
    (status, Json(body)).into_response()
}

fn rate_limited(provider: Provider, retry_after: u64) -> Response {
    let mut answer = error_answer(provider, StatusCode::TOO_MANY_REQUESTS);
    answer
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    answer
}

/// Headers, then a body that fails before its first byte: the server drops the connection and
/// the client sees a transport error. The body waits a moment before it fails, so that the
/// headers are on the wire first (with a body that fails at once they never leave the buffer).
fn reset() -> Response {
    let failing = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection dropped by a sandbox fault",
        ))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(failing),
    )
        .into_response()
}

/// The answer's head and whole body (the simulators' bodies are small and in memory).
async fn read(answer: Response) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = answer.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    (parts, bytes)
}

fn rebuild(mut parts: axum::http::response::Parts, body: Bytes) -> Response {
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// `statusCode` 99, which Yassir never documented, and no `status` text to explain it.
fn yassir_unknown(body: &mut Value) {
    if let Some(data) = body.get_mut("data").and_then(Value::as_object_mut) {
        data.insert("statusCode".into(), json!(99));
        data.remove("status");
    }
}

/// Back to the start: `statusCode` 0, `status` `CREATED`, no `payUrl`.
fn yassir_earlier(body: &mut Value) {
    let Some(data) = body.get_mut("data").and_then(Value::as_object_mut) else {
        return;
    };
    data.insert("statusCode".into(), json!(0));
    if data.contains_key("status") {
        data.insert("status".into(), json!("CREATED"));
    }
    if data.contains_key("require3DS") {
        data.insert("require3DS".into(), json!(false));
    }
    if data.contains_key("endUserMessage") {
        data.insert("endUserMessage".into(), json!("Payment initialized"));
    }
    for links in ["metadata", "metaData"] {
        if let Some(links) = data.get_mut(links).and_then(Value::as_object_mut) {
            links.insert("payUrl".into(), json!(""));
        }
    }
}

/// Back to `pending`: nothing settled, so no outcome fields.
fn yabetoo_earlier(body: &mut Value) {
    let Some(fields) = body.as_object_mut() else {
        return;
    };
    fields.insert("status".into(), json!("pending"));
    for settled in ["financialTransactionId", "failureCode", "failureMessage"] {
        fields.remove(settled);
    }
    if fields.contains_key("captured") {
        fields.insert("captured".into(), json!(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yassir(method: Method, path: &str) -> Option<Operation> {
        operation_of(Provider::Yassir, &method, path)
    }

    fn yabetoo(method: Method, path: &str) -> Option<Operation> {
        operation_of(Provider::Yabetoo, &method, path)
    }

    #[test]
    fn yassir_operations_with_and_without_the_prefix() {
        for prefix in ["/api/v1", "", "/sandbox/yassir/api/v1", "/sandbox/yassir"] {
            let at = |path: &str| format!("{prefix}{path}");
            assert_eq!(
                yassir(Method::POST, &at("/customers")),
                Some(Operation::Customers)
            );
            assert_eq!(
                yassir(Method::POST, &at("/payments/intents")),
                Some(Operation::Create)
            );
            for (method, action, operation) in [
                (Method::POST, "proceed", Operation::Proceed),
                (Method::GET, "check", Operation::Check),
                (Method::POST, "capture", Operation::Capture),
                (Method::POST, "release", Operation::Release),
            ] {
                assert_eq!(
                    yassir(method, &at(&format!("/payments/intents/abc/{action}"))),
                    Some(operation)
                );
            }
            assert_eq!(
                yassir(Method::POST, &at("/payments/abc/refund")),
                Some(Operation::Refund)
            );
        }
        assert_eq!(yassir(Method::GET, "/api/v1/customers/abc"), None);
        assert_eq!(yassir(Method::GET, "/api/v1/customers"), None);
        assert_eq!(
            yassir(Method::POST, "/api/v1/payments/intents/abc/check"),
            None
        );
        assert_eq!(yassir(Method::GET, "/otp/verify"), None);
        assert_eq!(
            yassir(Method::POST, "/api/v1/payments/intents//proceed"),
            None
        );
    }

    #[test]
    fn yabetoo_operations() {
        assert_eq!(
            yabetoo(Method::POST, "/v1/payment-intents"),
            Some(Operation::Create)
        );
        assert_eq!(
            yabetoo(Method::POST, "/v1/payment-intents/pi_1/confirm"),
            Some(Operation::Confirm)
        );
        assert_eq!(
            yabetoo(Method::GET, "/sandbox/yabetoo/v1/payment-intents/pi_1"),
            Some(Operation::Retrieve)
        );
        assert_eq!(yabetoo(Method::GET, "/v1/payment-intents"), None);
        assert_eq!(yabetoo(Method::GET, "/phone/prompts"), None);
        assert_eq!(yabetoo(Method::POST, "/phone/prompts/pi_1/approve"), None);
    }

    #[test]
    fn an_earlier_yassir_status_has_no_link() {
        let mut proceed = json!({"data": {"require3DS": true, "statusCode": 12,
            "status": "Require Authentication Action", "metadata": {"payUrl": "http://x/otp"}},
            "message": "payment proceeded successfully"});
        yassir_earlier(&mut proceed);
        assert_eq!(
            proceed,
            json!({"data": {"require3DS": false, "statusCode": 0, "status": "CREATED",
                "metadata": {"payUrl": ""}}, "message": "payment proceeded successfully"})
        );
    }
}
