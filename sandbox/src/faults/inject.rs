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

#[derive(Clone)]
struct Scope {
    faults: Faults,
    provider: Provider,
}

/// `router` (one provider's simulator) with the fault middleware around its routes.
pub(crate) fn layer(router: Router, provider: Provider, faults: Faults) -> Router {
    router.layer(middleware::from_fn_with_state(
        Scope { faults, provider },
        inject,
    ))
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
    match phase {
        Phase::Before => before(provider, fault, request, next).await,
        Phase::After => {
            let answer = next.run(request).await;
            after(provider, fault, answer).await
        }
    }
}

/// The fault in place of the work. The answer faults (only ever `after`) act on the answer.
async fn before(provider: Provider, fault: Fault, request: Request, next: Next) -> Response {
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
        Fault::HttpError { status } => error_answer(provider, http_status(status)),
        Fault::RateLimited { retry_after } => rate_limited(provider, retry_after),
        // Webhook faults never match an API request (their operation is `webhook`).
        Fault::Drop | Fault::Duplicate | Fault::Reorder { .. } => next.run(request).await,
        Fault::MalformedJson
        | Fault::TruncatedJson
        | Fault::UnknownStatus
        | Fault::EarlierStatus
        | Fault::WrongAmount => {
            let answer = next.run(request).await;
            after(provider, fault, answer).await
        }
    }
}

/// The fault once the provider did the work and answered.
async fn after(provider: Provider, fault: Fault, answer: Response) -> Response {
    match fault {
        Fault::Latency { delay_ms } | Fault::Timeout { delay_ms } => {
            sleep_ms(delay_ms).await;
            answer
        }
        Fault::Reset => reset(),
        Fault::HttpError { status } => error_answer(provider, http_status(status)),
        // Only ever `before`; here it would be the same refusal, the work done.
        Fault::RateLimited { retry_after } => rate_limited(provider, retry_after),
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
        Fault::UnknownStatus | Fault::EarlierStatus | Fault::WrongAmount => {
            let (parts, bytes) = read(answer).await;
            let spoiled = parts
                .status
                .is_success()
                .then(|| serde_json::from_slice::<Value>(&bytes).ok())
                .flatten()
                .map(|mut body| {
                    match (provider, fault) {
                        (_, Fault::WrongAmount) => one_unit_more(provider, &mut body),
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

/// The operation a request calls, from the paths the simulators serve (Yassir's with or without
/// `/api/v1`). `None` for anything else (pages, lookups), which no fault touches.
fn operation_of(provider: Provider, method: &Method, path: &str) -> Option<Operation> {
    let path = path
        .strip_prefix(match provider {
            Provider::Yassir => crate::YASSIR_MOUNT,
            Provider::Yabetoo => crate::YABETOO_MOUNT,
        })
        .unwrap_or(path);
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
