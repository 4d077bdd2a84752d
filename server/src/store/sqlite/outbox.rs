//! The webhook tables: events written in the transaction of the payment change that causes
//! them, their deliveries and attempts, and the provider notifications already received.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{conversion_error, database};
use crate::store::outbox::NewEvent;
use crate::store::outbox::{
    AttemptResult, AttemptRow, DeliveryRow, DeliveryState, DueDelivery, EventFilter, EventRow,
};
use crate::store::StoreError;

const EVENT_COLUMNS: &str = "e.id, e.kind, e.payment_id, e.created_at, e.payload";
const DELIVERY_COLUMNS: &str =
    "d.id, d.event_id, d.url, d.state, d.attempts, d.next_attempt_at, d.last_error, d.delivered_at";

fn read_event(row: &Row<'_>, first: usize) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: row.get(first)?,
        kind: row.get(first + 1)?,
        payment_id: row.get(first + 2)?,
        created_at: row.get(first + 3)?,
        payload: row.get(first + 4)?,
    })
}

fn read_delivery(row: &Row<'_>) -> rusqlite::Result<DeliveryRow> {
    let state: String = row.get(3)?;
    Ok(DeliveryRow {
        id: row.get(0)?,
        event_id: row.get(1)?,
        url: row.get(2)?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| conversion_error(3, format!("unknown delivery state `{state}`")))?,
        attempts: row.get(4)?,
        next_attempt_at: row.get(5)?,
        last_error: row.get(6)?,
        delivered_at: row.get(7)?,
    })
}

/// Writes an event and one delivery of it per enabled endpoint, due at once: called inside the
/// transaction that writes the payment change.
pub(super) fn insert_event(
    transaction: &Transaction<'_>,
    event: &NewEvent,
) -> Result<(), StoreError> {
    transaction
        .execute(
            "INSERT INTO webhook_events (id, kind, payment_id, created_at, payload)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                event.id,
                event.kind,
                event.payment_id,
                event.created_at,
                event.payload
            ],
        )
        .map_err(database)?;
    transaction
        .execute(
            "INSERT INTO webhook_deliveries (event_id, url, state, attempts, next_attempt_at)
             SELECT ?1, url, 'pending', 0, ?2 FROM webhook_endpoints WHERE enabled = 1",
            params![event.id, event.due_ms],
        )
        .map(drop)
        .map_err(database)
}

pub(super) fn set_endpoints(
    connection: &mut Connection,
    urls: &[String],
) -> Result<(), StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    transaction
        .execute("UPDATE webhook_endpoints SET enabled = 0", [])
        .map_err(database)?;
    for url in urls {
        transaction
            .execute(
                "INSERT INTO webhook_endpoints (url, enabled) VALUES (?1, 1)
                 ON CONFLICT (url) DO UPDATE SET enabled = 1",
                [url],
            )
            .map_err(database)?;
    }
    transaction.commit().map_err(database)
}

pub(super) fn claim_due(
    connection: &mut Connection,
    now_ms: i64,
    lease_until_ms: i64,
    limit: u32,
) -> Result<Vec<DueDelivery>, StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    let due = {
        let mut statement = transaction
            .prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS}, {EVENT_COLUMNS}
                 FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                 JOIN webhook_endpoints w ON w.url = d.url AND w.enabled = 1
                 WHERE d.state = 'pending' AND d.next_attempt_at <= ?1
                 ORDER BY e.seq, d.id LIMIT ?2"
            ))
            .map_err(database)?;
        let rows = statement
            .query_map(params![now_ms, limit], |row| {
                Ok(DueDelivery {
                    delivery: read_delivery(row)?,
                    event: read_event(row, 8)?,
                })
            })
            .map_err(database)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(database)?
    };
    for claimed in &due {
        transaction
            .execute(
                "UPDATE webhook_deliveries SET next_attempt_at = ?2 WHERE id = ?1",
                params![claimed.delivery.id, lease_until_ms],
            )
            .map_err(database)?;
    }
    transaction.commit().map_err(database)?;
    Ok(due)
}

pub(super) fn record_attempt(
    connection: &mut Connection,
    delivery_id: i64,
    attempt: &AttemptRow,
    result: AttemptResult,
) -> Result<(), StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    transaction
        .execute(
            "INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                delivery_id,
                attempt.at,
                attempt.status,
                attempt.error,
                attempt.duration_ms
            ],
        )
        .map_err(database)?;
    let (state, next, delivered_at) = match result {
        AttemptResult::Delivered => (DeliveryState::Delivered, None, Some(attempt.at.clone())),
        AttemptResult::RetryAt(at) => (DeliveryState::Pending, Some(at), None),
        AttemptResult::GaveUp => (DeliveryState::GaveUp, None, None),
    };
    transaction
        .execute(
            "UPDATE webhook_deliveries SET state = ?2, attempts = attempts + 1,
                next_attempt_at = COALESCE(?3, next_attempt_at), last_error = ?4,
                delivered_at = COALESCE(?5, delivered_at)
             WHERE id = ?1",
            params![
                delivery_id,
                state.as_str(),
                next,
                attempt.error,
                delivered_at
            ],
        )
        .map_err(database)?;
    transaction.commit().map_err(database)
}

pub(super) fn events(
    connection: &Connection,
    filter: &EventFilter,
) -> Result<Vec<EventRow>, StoreError> {
    let mut statement = connection
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM webhook_events e
             WHERE (?1 IS NULL OR e.payment_id = ?1) AND (?2 IS NULL OR e.kind = ?2)
             ORDER BY e.seq DESC LIMIT ?3"
        ))
        .map_err(database)?;
    let rows = statement
        .query_map(
            params![filter.payment_id, filter.kind, filter.limit],
            |row| read_event(row, 0),
        )
        .map_err(database)?;
    rows.collect::<Result<_, _>>().map_err(database)
}

pub(super) fn event(connection: &Connection, id: &str) -> Result<Option<EventRow>, StoreError> {
    connection
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM webhook_events e WHERE e.id = ?1"
        ))
        .map_err(database)?
        .query_row([id], |row| read_event(row, 0))
        .optional()
        .map_err(database)
}

pub(super) fn deliveries(
    connection: &Connection,
    event_id: &str,
) -> Result<Vec<(DeliveryRow, Vec<AttemptRow>)>, StoreError> {
    let deliveries: Vec<DeliveryRow> = {
        let mut statement = connection
            .prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.event_id = ?1
                 ORDER BY d.id"
            ))
            .map_err(database)?;
        let rows = statement
            .query_map([event_id], read_delivery)
            .map_err(database)?;
        rows.collect::<Result<_, _>>().map_err(database)?
    };
    let mut statement = connection
        .prepare_cached(
            "SELECT at, status, error, duration_ms FROM webhook_attempts WHERE delivery_id = ?1
             ORDER BY seq",
        )
        .map_err(database)?;
    deliveries
        .into_iter()
        .map(|delivery| {
            let attempts = statement
                .query_map([delivery.id], |row| {
                    Ok(AttemptRow {
                        at: row.get(0)?,
                        status: row.get(1)?,
                        error: row.get(2)?,
                        duration_ms: row.get(3)?,
                    })
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(database)?;
            Ok((delivery, attempts))
        })
        .collect()
}

pub(super) fn replay(
    connection: &Connection,
    event_id: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    if event(connection, event_id)?.is_none() {
        return Ok(false);
    }
    connection
        .execute(
            "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?2
             WHERE event_id = ?1 AND state != 'pending'",
            params![event_id, now_ms],
        )
        .map_err(database)?;
    // An event written before any endpoint was configured gets a delivery to today's.
    connection
        .execute(
            "INSERT OR IGNORE INTO webhook_deliveries (event_id, url, state, attempts, next_attempt_at)
             SELECT ?1, url, 'pending', 0, ?2 FROM webhook_endpoints WHERE enabled = 1",
            params![event_id, now_ms],
        )
        .map_err(database)?;
    Ok(true)
}

pub(super) fn record_inbound(
    connection: &Connection,
    provider: &str,
    event_id: &str,
    received_at: &str,
) -> Result<bool, StoreError> {
    let inserted = connection
        .execute(
            "INSERT OR IGNORE INTO inbound_webhooks (provider, event_id, received_at)
             VALUES (?1, ?2, ?3)",
            params![provider, event_id, received_at],
        )
        .map_err(database)?;
    Ok(inserted == 1)
}
pub(super) fn delivery_counts(connection: &Connection) -> Result<Vec<(String, i64)>, StoreError> {
    let mut statement = connection
        .prepare_cached("SELECT state, COUNT(*) FROM webhook_deliveries GROUP BY state")
        .map_err(database)?;
    let counts = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .map_err(database)?;
    counts.collect::<Result<_, _>>().map_err(database)
}

pub(super) fn prune(
    connection: &mut Connection,
    before: &str,
) -> Result<(usize, usize), StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    let notices = transaction
        .execute(
            "DELETE FROM inbound_webhooks WHERE received_at < ?1",
            [before],
        )
        .map_err(database)?;
    // Events old enough whose deliveries are all over; none pending is lost.
    const OVER: &str = "SELECT id FROM webhook_events WHERE created_at < ?1
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries
                        WHERE event_id = webhook_events.id AND state = 'pending')";
    transaction
        .execute(
            &format!(
                "DELETE FROM webhook_attempts WHERE delivery_id IN
                 (SELECT id FROM webhook_deliveries WHERE event_id IN ({OVER}))"
            ),
            [before],
        )
        .map_err(database)?;
    transaction
        .execute(
            &format!("DELETE FROM webhook_deliveries WHERE event_id IN ({OVER})"),
            [before],
        )
        .map_err(database)?;
    let events = transaction
        .execute(
            &format!("DELETE FROM webhook_events WHERE id IN ({OVER})"),
            [before],
        )
        .map_err(database)?;
    transaction.commit().map_err(database)?;
    Ok((notices, events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_forgets_what_is_old_and_over_and_keeps_what_is_pending() {
        let mut connection = Connection::open_in_memory().unwrap();
        super::super::schema::migrate(&mut connection).unwrap();
        connection
            .execute_batch(
                "INSERT INTO payments (id, idempotency_key, request_fingerprint, order_ref,
                    description, method, provider, amount_minor, currency, country_alpha3,
                    capture_method, status, created_at, updated_at, version)
                 VALUES ('pay_1', 'k', 'f', 'o', 'd', 'yassir_cash', 'yassir', 1, 'DZD', 'DZA',
                    'direct', 'succeeded', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1);
                 INSERT INTO webhook_events (id, kind, payment_id, created_at, payload) VALUES
                    ('evt_old_done', 'payment.succeeded', 'pay_1', '2026-01-01T00:00:00Z', '{}'),
                    ('evt_old_pending', 'payment.succeeded', 'pay_1', '2026-01-01T00:00:00Z', '{}'),
                    ('evt_new', 'payment.succeeded', 'pay_1', '2026-06-01T00:00:00Z', '{}');
                 INSERT INTO webhook_deliveries (event_id, url, state, next_attempt_at) VALUES
                    ('evt_old_done', 'https://shop.example/in', 'delivered', 0),
                    ('evt_old_pending', 'https://shop.example/in', 'pending', 0);
                 INSERT INTO webhook_attempts (delivery_id, at, status, duration_ms) VALUES
                    (1, '2026-01-01T00:00:00Z', 200, 5);",
            )
            .unwrap();
        assert!(record_inbound(&connection, "yassir", "old", "2026-01-01T00:00:00Z").unwrap());
        assert!(record_inbound(&connection, "yassir", "new", "2026-06-01T00:00:00Z").unwrap());

        let (notices, events) = prune(&mut connection, "2026-03-01T00:00:00Z").unwrap();
        assert_eq!((notices, events), (1, 1));
        let left: Vec<String> = connection
            .prepare("SELECT id FROM webhook_events ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(left, ["evt_new", "evt_old_pending"]);
        // A notification forgotten may be taken again; one kept is still a duplicate.
        assert!(record_inbound(&connection, "yassir", "old", "2026-06-02T00:00:00Z").unwrap());
        assert!(!record_inbound(&connection, "yassir", "new", "2026-06-02T00:00:00Z").unwrap());
    }
}
