//! The schema's versions, applied at start, each once, counted in the file's `user_version`
//! (`rusqlite_migration`). A file whose version is past this server's (written by a newer
//! server) is refused: running on a schema it does not know could lose payments.

use rusqlite::Connection;
use rusqlite_migration::{HookError, Migrations, M};

use super::database;
use crate::store::StoreError;

/// Brings the file at `connection` up to this version's schema.
pub(super) fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let migrations = migrations();
    migrations
        .to_latest(connection)
        .map_err(|error| match error {
            rusqlite_migration::Error::MigrationDefinition(
                rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
            ) => StoreError::Database(
                "the database's schema is newer than this server knows (it was written by a newer \
             version): run that version, or a database of this one"
                    .into(),
            ),
            other => StoreError::Database(format!("cannot migrate the database: {other}")),
        })
}

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        // Files made before the schema had versions hold some of these tables already, with
        // fewer columns: the hook adds what they lack.
        M::up_with_hook(
            PAYMENTS_AND_OUTBOX,
            |transaction: &rusqlite::Transaction| {
                add_missing_columns(transaction).map_err(|error| HookError::Hook(error.to_string()))
            },
        ),
        M::up(LEASES),
    ])
}

/// Whether the file answers with the schema this version made (a newer server may have opened
/// it since).
pub(super) fn check_current(connection: &Connection) -> Result<(), StoreError> {
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(database)?;
    let known = migrations()
        .current_version(connection)
        .map_err(|error| StoreError::Database(error.to_string()));
    match known {
        Ok(rusqlite_migration::SchemaVersion::Inside(_)) => Ok(()),
        _ => Err(StoreError::Database(format!(
            "the database's schema version {version} is not this server's"
        ))),
    }
}

const PAYMENTS_AND_OUTBOX: &str = "
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
";

/// Allowances shared by every request (prompts per phone, creates per order and per phone) and
/// claims of due work: one moment per key.
const LEASES: &str = "
CREATE TABLE IF NOT EXISTS leases (
    key TEXT PRIMARY KEY,
    until_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS leases_until ON leases (until_ms);
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

/// Brings a file made before the schema had versions up to the first version's columns.
fn add_missing_columns(connection: &Connection) -> Result<(), StoreError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_from_before_the_versions_gains_the_columns_and_the_tables_since() {
        let mut connection = Connection::open_in_memory().unwrap();
        // The first schema's payments, without any column added since.
        let first: String = ADDED_COLUMNS
            .iter()
            .fold(PAYMENTS_AND_OUTBOX.to_owned(), |schema, (column, kind)| {
                schema.replace(&format!("    {column} {kind},\n"), "")
            });
        assert!(!first.contains("\n    client_secret "));
        connection.execute_batch(&first).unwrap();
        connection
            .execute_batch(
                "INSERT INTO payments (id, idempotency_key, request_fingerprint, order_ref,
                    description, method, provider, amount_minor, currency, country_alpha3,
                    capture_method, status, provider_intent_id, created_at, updated_at, version)
                 VALUES ('pay_1', 'k', 'f', 'o', 'd', 'yassir_cash', 'yassir', 1, 'DZD', 'DZA',
                    'direct', 'processing', 'intent', '2026-01-01T00:00:00Z',
                    '2026-01-02T00:00:00Z', 1)",
            )
            .unwrap();
        migrate(&mut connection).unwrap();
        let (submitted, secret): (String, String) = connection
            .query_row(
                "SELECT submitted_at, client_secret FROM payments WHERE id = 'pay_1'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!(submitted, "2026-01-02T00:00:00Z");
        assert!(secret.starts_with("cs_"));
        connection
            .execute("INSERT INTO leases (key, until_ms) VALUES ('k', 1)", [])
            .unwrap();
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, 2);
    }
}
