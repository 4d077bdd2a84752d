//! The demo's webhook receiver, at [`DEMO_RECEIVER_PATH`]: what a merchant's order system does
//! with the server's events. It verifies each delivery's Standard Webhooks signature, remembers
//! the last events it got, and shows them (`GET`, HTML; `?format=json` for scripts).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::DEMO_RECEIVER_PATH;
use crate::secrets::Secret;

/// How many events the page keeps.
const KEPT: usize = 200;

/// One event as the receiver got it.
#[derive(Debug, Clone, Serialize)]
struct Received {
    /// The `webhook-id`: the same on every retry of one event.
    id: String,
    kind: String,
    payment: String,
    order: String,
    status: String,
    received_at: String,
    /// How many deliveries of this event arrived (more than one after a lost answer).
    deliveries: u32,
}

#[derive(Clone)]
struct Receiver {
    secrets: Arc<[Secret]>,
    events: Arc<Mutex<VecDeque<Received>>>,
}

pub fn router(secrets: &[Secret]) -> Router {
    let receiver = Receiver {
        secrets: secrets.into(),
        events: Arc::default(),
    };
    Router::new()
        .route(DEMO_RECEIVER_PATH, get(show).post(receive))
        .with_state(receiver)
}

/// `POST`: a delivery. 401 unless a configured secret verifies it; 204 once recorded.
async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let verified = receiver.secrets.iter().any(|secret| {
        crate::merchant_webhooks::signing::verify(secret.expose(), &headers, &body).is_ok()
    });
    if !verified {
        tracing::warn!("demo receiver: a delivery whose signature does not verify, refused");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let id = headers
        .get("webhook-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    let mut events = receiver.events.lock().expect("lock");
    if let Some(known) = events.iter_mut().find(|known| known.id == id) {
        known.deliveries += 1;
    } else {
        events.push_front(Received {
            id,
            kind: text(&event["type"]),
            payment: text(&event["data"]["id"]),
            order: text(&event["data"]["order"]),
            status: text(&event["data"]["status"]),
            // The receiver stands in for the merchant's endpoint: its own clock, not the server's.
            received_at: crate::clock::rfc3339(time::OffsetDateTime::now_utc()),
            deliveries: 1,
        });
        events.truncate(KEPT);
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct ShowQuery {
    format: Option<String>,
}

/// `GET`: the events received, newest first.
async fn show(State(receiver): State<Receiver>, Query(query): Query<ShowQuery>) -> Response {
    let events: Vec<Received> = receiver
        .events
        .lock()
        .expect("lock")
        .iter()
        .cloned()
        .collect();
    if query.format.as_deref() == Some("json") {
        return Json(serde_json::json!({ "events": events })).into_response();
    }
    let rows: String = events
        .iter()
        .map(|event| {
            format!(
                "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&event.kind),
                escape(&event.order),
                escape(&event.payment),
                escape(&event.status),
                escape(&event.received_at),
                event.deliveries,
            )
        })
        .collect();
    let table = if events.is_empty() {
        "<p>No event yet: pay an order from the <a href=\"/\">demo shop</a>, then reload.</p>"
            .to_string()
    } else {
        format!(
            "<table><thead><tr><th>Event</th><th>Order</th><th>Payment</th><th>Status</th><th>Received</th><th>Deliveries</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    };
    Html(format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="3">
<title>Demo webhook receiver</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; }}
main {{ max-width: 60rem; margin: 0 auto; padding: 2rem 1rem; }}
table {{ border-collapse: collapse; width: 100%; background: #fff; }}
th, td {{ text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #d0d7de; }}
</style>
</head>
<body>
<main>
<h1>Demo webhook receiver</h1>
<p>The events this server sent to its own demo endpoint, each verified with its Standard
Webhooks signature (sandbox mode: no real money moves). The page reloads every 3 seconds.</p>
{table}
</main>
</body>
</html>"#
    ))
    .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
