//! The webhook tables: events written in the transaction of the payment change that causes
//! them, their deliveries and attempts, and the provider notifications already received.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, PgPool, Row};

use super::{database, unreadable};
use crate::store::outbox::NewEvent;
use crate::store::outbox::{
    AttemptResult, AttemptRow, DeliveryRow, DeliveryState, DueDelivery, EventFilter, EventRow,
};
use crate::store::StoreError;

const EVENT_COLUMNS: &str = "e.id AS event_row_id, e.kind, e.payment_id, e.created_at, e.payload";
const DELIVERY_COLUMNS: &str = "d.id, d.event_id, d.url, d.state, d.attempts, d.next_attempt_at,
    d.last_error, d.delivered_at";

fn read_event(row: &PgRow) -> Result<EventRow, StoreError> {
    Ok(EventRow {
        id: row.try_get("event_row_id").map_err(database)?,
        kind: row.try_get("kind").map_err(database)?,
        payment_id: row.try_get("payment_id").map_err(database)?,
        created_at: row.try_get("created_at").map_err(database)?,
        payload: row.try_get("payload").map_err(database)?,
    })
}

fn read_delivery(row: &PgRow) -> Result<DeliveryRow, StoreError> {
    let state: String = row.try_get("state").map_err(database)?;
    let attempts: i32 = row.try_get("attempts").map_err(database)?;
    Ok(DeliveryRow {
        id: row.try_get("id").map_err(database)?,
        event_id: row.try_get("event_id").map_err(database)?,
        url: row.try_get("url").map_err(database)?,
        state: DeliveryState::parse(&state).ok_or_else(|| unreadable("delivery state", &state))?,
        attempts: u32::try_from(attempts).unwrap_or_default(),
        next_attempt_at: row.try_get("next_attempt_at").map_err(database)?,
        last_error: row.try_get("last_error").map_err(database)?,
        delivered_at: row.try_get("delivered_at").map_err(database)?,
    })
}

/// Writes an event and one delivery of it per enabled endpoint, due at once: called inside the
/// transaction that writes the payment change.
pub(super) async fn insert_event(
    connection: &mut PgConnection,
    event: &NewEvent,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO webhook_events (id, kind, payment_id, created_at, payload)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&event.id)
    .bind(event.kind)
    .bind(&event.payment_id)
    .bind(&event.created_at)
    .bind(&event.payload)
    .execute(&mut *connection)
    .await
    .map_err(database)?;
    sqlx::query(
        "INSERT INTO webhook_deliveries (event_id, url, state, attempts, next_attempt_at)
         SELECT $1, url, 'pending', 0, $2 FROM webhook_endpoints WHERE enabled",
    )
    .bind(&event.id)
    .bind(event.due_ms)
    .execute(connection)
    .await
    .map(drop)
    .map_err(database)
}

pub(super) async fn set_endpoints(pool: &PgPool, urls: &[String]) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    sqlx::query("UPDATE webhook_endpoints SET enabled = false")
        .execute(&mut *transaction)
        .await
        .map_err(database)?;
    for url in urls {
        sqlx::query(
            "INSERT INTO webhook_endpoints (url, enabled) VALUES ($1, true)
             ON CONFLICT (url) DO UPDATE SET enabled = true",
        )
        .bind(url)
        .execute(&mut *transaction)
        .await
        .map_err(database)?;
    }
    transaction.commit().await.map_err(database)
}

/// Leases the due deliveries in one statement. `SKIP LOCKED` passes over those another server
/// is claiming at this moment, and once its claim commits their `next_attempt_at` is its lease:
/// no two claims get one delivery while a lease runs.
pub(super) async fn claim_due(
    pool: &PgPool,
    now_ms: i64,
    lease_until_ms: i64,
    limit: u32,
) -> Result<Vec<DueDelivery>, StoreError> {
    let rows = sqlx::query(&format!(
        "WITH due AS (
            SELECT d.id, d.next_attempt_at, e.seq FROM webhook_deliveries d
            JOIN webhook_events e ON e.id = d.event_id
            JOIN webhook_endpoints w ON w.url = d.url AND w.enabled
            WHERE d.state = 'pending' AND d.next_attempt_at <= $1
            ORDER BY e.seq, d.id LIMIT $2
            FOR UPDATE OF d SKIP LOCKED
         ), leased AS (
            UPDATE webhook_deliveries SET next_attempt_at = $3
            FROM due WHERE webhook_deliveries.id = due.id
            RETURNING webhook_deliveries.id
         )
         SELECT {DELIVERY_COLUMNS}, {EVENT_COLUMNS}
         FROM due JOIN leased ON leased.id = due.id
         JOIN webhook_deliveries d ON d.id = due.id
         JOIN webhook_events e ON e.id = d.event_id
         ORDER BY due.seq, due.id"
    ))
    .bind(now_ms)
    .bind(i64::from(limit))
    .bind(lease_until_ms)
    .fetch_all(pool)
    .await
    .map_err(database)?;
    rows.iter()
        .map(|row| {
            Ok(DueDelivery {
                delivery: read_delivery(row)?,
                event: read_event(row)?,
            })
        })
        .collect()
}

pub(super) async fn record_attempt(
    pool: &PgPool,
    delivery_id: i64,
    attempt: &AttemptRow,
    result: AttemptResult,
) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(delivery_id)
    .bind(&attempt.at)
    .bind(attempt.status.map(i32::from))
    .bind(&attempt.error)
    .bind(i64::try_from(attempt.duration_ms).unwrap_or(i64::MAX))
    .execute(&mut *transaction)
    .await
    .map_err(database)?;
    let (state, next, delivered_at) = match result {
        AttemptResult::Delivered => (DeliveryState::Delivered, None, Some(attempt.at.clone())),
        AttemptResult::RetryAt(at) => (DeliveryState::Pending, Some(at), None),
        AttemptResult::GaveUp => (DeliveryState::GaveUp, None, None),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1,
            next_attempt_at = COALESCE($3, next_attempt_at), last_error = $4,
            delivered_at = COALESCE($5, delivered_at)
         WHERE id = $1",
    )
    .bind(delivery_id)
    .bind(state.as_str())
    .bind(next)
    .bind(&attempt.error)
    .bind(delivered_at)
    .execute(&mut *transaction)
    .await
    .map_err(database)?;
    transaction.commit().await.map_err(database)
}

pub(super) async fn events(
    pool: &PgPool,
    filter: &EventFilter,
) -> Result<Vec<EventRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM webhook_events e
         WHERE ($1::text IS NULL OR e.payment_id = $1) AND ($2::text IS NULL OR e.kind = $2)
         ORDER BY e.seq DESC LIMIT $3"
    ))
    .bind(&filter.payment_id)
    .bind(&filter.kind)
    .bind(i64::from(filter.limit))
    .fetch_all(pool)
    .await
    .map_err(database)?
    .iter()
    .map(read_event)
    .collect()
}

pub(super) async fn event(
    executor: impl PgExecutor<'_>,
    id: &str,
) -> Result<Option<EventRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM webhook_events e WHERE e.id = $1"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await
    .map_err(database)?
    .map(|found| read_event(&found))
    .transpose()
}

pub(super) async fn deliveries(
    pool: &PgPool,
    event_id: &str,
) -> Result<Vec<(DeliveryRow, Vec<AttemptRow>)>, StoreError> {
    let deliveries = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.event_id = $1 ORDER BY d.id"
    ))
    .bind(event_id)
    .fetch_all(pool)
    .await
    .map_err(database)?
    .iter()
    .map(read_delivery)
    .collect::<Result<Vec<_>, _>>()?;
    let mut answer = Vec::with_capacity(deliveries.len());
    for delivery in deliveries {
        let attempts = sqlx::query(
            "SELECT at, status, error, duration_ms FROM webhook_attempts WHERE delivery_id = $1
             ORDER BY seq",
        )
        .bind(delivery.id)
        .fetch_all(pool)
        .await
        .map_err(database)?
        .iter()
        .map(|row| {
            let status: Option<i32> = row.try_get("status").map_err(database)?;
            let duration_ms: i64 = row.try_get("duration_ms").map_err(database)?;
            Ok(AttemptRow {
                at: row.try_get("at").map_err(database)?,
                status: status.and_then(|status| u16::try_from(status).ok()),
                error: row.try_get("error").map_err(database)?,
                duration_ms: u64::try_from(duration_ms).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        answer.push((delivery, attempts));
    }
    Ok(answer)
}

pub(super) async fn replay(pool: &PgPool, event_id: &str, now_ms: i64) -> Result<bool, StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    if event(&mut *transaction, event_id).await?.is_none() {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $2
         WHERE event_id = $1 AND state != 'pending'",
    )
    .bind(event_id)
    .bind(now_ms)
    .execute(&mut *transaction)
    .await
    .map_err(database)?;
    // An event written before any endpoint was configured gets a delivery to today's.
    sqlx::query(
        "INSERT INTO webhook_deliveries (event_id, url, state, attempts, next_attempt_at)
         SELECT $1, url, 'pending', 0, $2 FROM webhook_endpoints WHERE enabled
         ON CONFLICT (event_id, url) DO NOTHING",
    )
    .bind(event_id)
    .bind(now_ms)
    .execute(&mut *transaction)
    .await
    .map_err(database)?;
    transaction.commit().await.map_err(database)?;
    Ok(true)
}

/// `true` when this notification is new; of two servers receiving one at once, one gets `true`.
pub(super) async fn record_inbound(
    pool: &PgPool,
    provider: &str,
    event_id: &str,
    received_at: &str,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO inbound_webhooks (provider, event_id, received_at) VALUES ($1, $2, $3)
         ON CONFLICT (provider, event_id) DO NOTHING",
    )
    .bind(provider)
    .bind(event_id)
    .bind(received_at)
    .execute(pool)
    .await
    .map_err(database)?
    .rows_affected();
    Ok(inserted == 1)
}

pub(super) async fn delivery_counts(pool: &PgPool) -> Result<Vec<(String, i64)>, StoreError> {
    sqlx::query_as("SELECT state, COUNT(*) FROM webhook_deliveries GROUP BY state ORDER BY state")
        .fetch_all(pool)
        .await
        .map_err(database)
}

pub(super) async fn prune(pool: &PgPool, before: &str) -> Result<(usize, usize), StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    let notices = sqlx::query("DELETE FROM inbound_webhooks WHERE received_at < $1")
        .bind(before)
        .execute(&mut *transaction)
        .await
        .map_err(database)?
        .rows_affected();
    // Events old enough whose deliveries are all over; none pending is lost.
    const OVER: &str = "SELECT id FROM webhook_events WHERE created_at < $1
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries
                        WHERE event_id = webhook_events.id AND state = 'pending')";
    for statement in [
        format!(
            "DELETE FROM webhook_attempts WHERE delivery_id IN
             (SELECT id FROM webhook_deliveries WHERE event_id IN ({OVER}))"
        ),
        format!("DELETE FROM webhook_deliveries WHERE event_id IN ({OVER})"),
    ] {
        sqlx::query(&statement)
            .bind(before)
            .execute(&mut *transaction)
            .await
            .map_err(database)?;
    }
    let events = sqlx::query(&format!("DELETE FROM webhook_events WHERE id IN ({OVER})"))
        .bind(before)
        .execute(&mut *transaction)
        .await
        .map_err(database)?
        .rows_affected();
    transaction.commit().await.map_err(database)?;
    let count = |rows: u64| usize::try_from(rows).unwrap_or(usize::MAX);
    Ok((count(notices), count(events)))
}
