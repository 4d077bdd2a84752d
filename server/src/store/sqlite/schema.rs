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
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_status ON payments (status);
CREATE INDEX IF NOT EXISTS payments_order ON payments (order_ref);
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
";

/// Columns added since the first schema, for databases created before them.
const ADDED_COLUMNS: [(&str, &str); 3] = [
    ("order_expires_at", "TEXT"),
    ("outcome_unknown", "TEXT"),
    ("language", "TEXT"),
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
    Ok(())
}
