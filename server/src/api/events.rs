//! The merchant's webhook events, behind the admin token: list them, see each delivery and its
//! attempts, and send one again.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::admin::Admin;
use super::{ApiError, AppQuery};
use crate::merchant_webhooks::events::EventType;
use crate::store::outbox::{AttemptRow, DeliveryRow, EventFilter, EventRow};
use crate::AppState;

#[derive(Serialize)]
pub struct EventView {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    payment_id: String,
    created_at: String,
    /// The body every delivery sends.
    payload: Value,
    deliveries: Vec<DeliveryView>,
}

#[derive(Serialize)]
struct DeliveryView {
    url: String,
    state: &'static str,
    attempts: u32,
    /// RFC 3339: when the next attempt is due, while pending.
    next_attempt_at: Option<String>,
    last_error: Option<String>,
    delivered_at: Option<String>,
    /// Every attempt, oldest first (only in the single event's read).
    #[serde(skip_serializing_if = "Option::is_none")]
    attempt_log: Option<Vec<AttemptView>>,
}

#[derive(Serialize)]
struct AttemptView {
    at: String,
    status: Option<u16>,
    error: Option<String>,
    duration_ms: u64,
}

fn millis_rfc3339(millis: i64) -> Option<String> {
    let at =
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).ok()?;
    Some(crate::clock::rfc3339(at))
}

fn view(
    event: EventRow,
    deliveries: Vec<(DeliveryRow, Vec<AttemptRow>)>,
    with_attempts: bool,
) -> EventView {
    EventView {
        payload: serde_json::from_str(&event.payload).unwrap_or(Value::Null),
        id: event.id,
        kind: event.kind,
        payment_id: event.payment_id,
        created_at: event.created_at,
        deliveries: deliveries
            .into_iter()
            .map(|(delivery, attempts)| DeliveryView {
                next_attempt_at: (delivery.state == crate::store::outbox::DeliveryState::Pending)
                    .then(|| millis_rfc3339(delivery.next_attempt_at))
                    .flatten(),
                url: delivery.url,
                state: delivery.state.as_str(),
                attempts: delivery.attempts,
                last_error: delivery.last_error,
                delivered_at: delivery.delivered_at,
                attempt_log: with_attempts.then(|| {
                    attempts
                        .into_iter()
                        .map(|attempt| AttemptView {
                            at: attempt.at,
                            status: attempt.status,
                            error: attempt.error,
                            duration_ms: attempt.duration_ms,
                        })
                        .collect()
                }),
            })
            .collect(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    payment_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    limit: Option<u32>,
}

#[derive(Serialize)]
pub struct EventList {
    events: Vec<EventView>,
}

/// `GET /api/v1/admin/webhooks/events?payment_id=&type=&limit=`: newest first.
pub async fn list(
    _: Admin,
    State(state): State<AppState>,
    AppQuery(query): AppQuery<ListQuery>,
) -> Result<Json<EventList>, ApiError> {
    if let Some(kind) = &query.kind {
        if EventType::parse(kind).is_none() {
            let known: Vec<&str> = EventType::ALL.iter().map(|kind| kind.as_str()).collect();
            return Err(ApiError::bad_request(
                "type",
                format!("`{kind}` is not an event type ({})", known.join(", ")),
            ));
        }
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(
            "limit",
            "limit must be between 1 and 1000",
        ));
    }
    let rows = state
        .outbox
        .events(&EventFilter {
            payment_id: query.payment_id,
            kind: query.kind,
            limit,
        })
        .await?;
    let mut events = Vec::with_capacity(rows.len());
    for event in rows {
        let deliveries = state.outbox.deliveries(&event.id).await?;
        events.push(view(event, deliveries, false));
    }
    Ok(Json(EventList { events }))
}

async fn one(state: &AppState, id: &str) -> Result<EventView, ApiError> {
    let event = state
        .outbox
        .event(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no event `{id}`")))?;
    let deliveries = state.outbox.deliveries(id).await?;
    Ok(view(event, deliveries, true))
}

/// `GET /api/v1/admin/webhooks/events/{id}`: the event, each delivery and every attempt.
pub async fn get(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(one(&state, &id).await?))
}

/// `POST /api/v1/admin/webhooks/events/{id}/replay`: every delivery of the event is due again
/// now (same `webhook-id`, so a receiver that has it already sees a duplicate); 202.
pub async fn replay(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<EventView>), ApiError> {
    if !state.outbox.replay(&id, state.clock.unix_millis()).await? {
        return Err(ApiError::not_found(format!("no event `{id}`")));
    }
    Ok((StatusCode::ACCEPTED, Json(one(&state, &id).await?)))
}
