//! The demo's webhook receiver, at [`DEMO_RECEIVER_PATH`]: what a merchant's order system does
//! with the server's events. It verifies each delivery's Standard Webhooks signature, remembers
//! the last events it got, and shows them (`GET`, HTML; `?format=json` for scripts).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
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
    super::render(&ReceiverPage { events: &events })
}

/// The events received, newest first, in a table; reloads itself every 3 s.
#[derive(Template)]
#[template(path = "demo/receiver.html")]
struct ReceiverPage<'a> {
    events: &'a [Received],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_says_when_no_event_came_yet() {
        let html = ReceiverPage { events: &[] }.render().unwrap();
        assert!(html.contains("No event yet"));
        assert!(html.contains(r#"<meta http-equiv="refresh" content="3">"#));
        assert!(!html.contains("<table>"));
    }

    #[test]
    fn the_page_escapes_what_an_event_says() {
        let hostile = r#"<script>x</script>&"'"#;
        let event = Received {
            id: "msg_1".into(),
            kind: hostile.into(),
            payment: hostile.into(),
            order: hostile.into(),
            status: hostile.into(),
            received_at: "2026-01-01T00:00:00Z".into(),
            deliveries: 2,
        };
        let html = ReceiverPage { events: &[event] }.render().unwrap();
        let escaped = "&#60;script&#62;x&#60;/script&#62;&#38;&#34;&#39;";
        assert_eq!(html.matches(escaped).count(), 4, "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<td>2026-01-01T00:00:00Z</td><td>2</td></tr>"));
    }
}
