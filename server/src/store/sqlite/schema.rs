//! The database's tables, and bringing a file made by an earlier version up to them.

use rusqlite::Connection;

use super::database;
use crate::store::StoreError;

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS payments (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_fingerprint TEXT NOT NULL,
    order_ref TEXT NOT NULL,
    description TEXT NOT NULL,
    method TEXT NOT NULL,
    provider TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    country_alpha3 TEXT NOT NULL,
    capture_method TEXT NOT NULL,
    phone TEXT,
    status TEXT NOT NULL,
    provider_intent_id TEXT,
    provider_client_secret TEXT,
    pay_url TEXT,
    expires_at TEXT,
    end_user_message TEXT,
    support_email TEXT,
    support_phone TEXT,
    failure_code TEXT,
    failure_message TEXT,
    captured_minor INTEGER NOT NULL DEFAULT 0,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    order_expires_at TEXT,
    outcome_unknown TEXT,
    language TEXT,
    submitted_at TEXT,
    decided_by TEXT,
    attention TEXT,
    client_secret TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_status ON payments (status);
CREATE INDEX IF NOT EXISTS payments_order ON payments (order_ref);
CREATE INDEX IF NOT EXISTS payments_intent ON payments (provider_intent_id);
CREATE TABLE IF NOT EXISTS payment_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_history_payment ON payment_history (payment_id, seq);
CREATE TABLE IF NOT EXISTS operations (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_fingerprint TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    requested_minor INTEGER,
    description TEXT,
    reason TEXT,
    state TEXT NOT NULL,
    status_before TEXT NOT NULL,
    detail TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (payment_id, kind, idempotency_key)
);
CREATE INDEX IF NOT EXISTS operations_state ON operations (state);
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    url TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    created_at TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_events_payment ON webhook_events (payment_id, seq);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL REFERENCES webhook_events (id),
    url TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    delivered_at TEXT,
    UNIQUE (event_id, url)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS webhook_attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
    at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts (delivery_id, seq);
CREATE TABLE IF NOT EXISTS inbound_webhooks (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
CREATE TABLE IF NOT EXISTS leases (
    key TEXT PRIMARY KEY,
    until_ms INTEGER NOT NULL
);
";

/// Columns added since the first schema, for databases created before them.
const ADDED_COLUMNS: [(&str, &str); 7] = [
    ("order_expires_at", "TEXT"),
    ("outcome_unknown", "TEXT"),
    ("language", "TEXT"),
    ("submitted_at", "TEXT"),
    ("decided_by", "TEXT"),
    ("attention", "TEXT"),
    ("client_secret", "TEXT NOT NULL DEFAULT ''"),
];

/// Brings a database made by an earlier version up to the current columns.
pub(super) fn add_missing_columns(connection: &Connection) -> Result<(), StoreError> {
    let mut statement = connection
        .prepare("SELECT name FROM pragma_table_info('payments')")
        .map_err(database)?;
    let present: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .map_err(database)?
        .collect::<Result<_, _>>()
        .map_err(database)?;
    for (column, kind) in ADDED_COLUMNS {
        if !present.iter().any(|name| name == column) {
            connection
                .execute_batch(&format!("ALTER TABLE payments ADD COLUMN {column} {kind}"))
                .map_err(database)?;
        }
    }
    // Payments sent to their provider before `submitted_at` existed: their last write is the
    // nearest moment known, so that they too ask for attention and their closes stay
    // provisional.
    if !present.iter().any(|name| name == "submitted_at") {
        connection
            .execute_batch(
                "UPDATE payments SET submitted_at = updated_at
                 WHERE submitted_at IS NULL AND status != 'created'
                   AND provider_intent_id IS NOT NULL",
            )
            .map_err(database)?;
    }
    // Payments made before they had a secret get one, so their shopper's reads keep a key.
    if !present.iter().any(|name| name == "client_secret") {
        connection
            .execute_batch(
                "UPDATE payments SET client_secret = 'cs_' || lower(hex(randomblob(24)))
                 WHERE client_secret = ''",
            )
            .map_err(database)?;
    }
    Ok(())
}
