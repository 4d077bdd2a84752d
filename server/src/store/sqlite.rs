//! The embedded default store: one SQLite file in WAL mode.

use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;
use checkout_contract::{CaptureMethod, MethodKind, StatusChange};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{
    Inserted, ListFilter, OperationKind, OperationRow, OperationState, PaymentRow, PaymentStore,
    StoreError,
};

const SCHEMA: &str = "
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
    submitted_at TEXT,
    outcome_unknown TEXT,
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
    ("submitted_at", "TEXT"),
    ("outcome_unknown", "TEXT"),
];

/// The statuses of [`IN_FLIGHT`] and the paid ones, as SQL lists.
const IN_FLIGHT_SQL: &str = "'processing', 'requires_action', 'awaiting_approval'";
const PAID_SQL: &str = "'succeeded', 'pre_authorized', 'refunded', 'partially_refunded'";

const COLUMNS: &str =
    "id, idempotency_key, request_fingerprint, order_ref, description, method, provider,
    amount_minor, currency, country_alpha3, capture_method, phone, status, provider_intent_id,
    provider_client_secret, pay_url, expires_at, end_user_message, support_email, support_phone,
    failure_code, failure_message, captured_minor, refunded_minor, created_at, updated_at, version,
    order_expires_at, submitted_at, outcome_unknown";

const OPERATION_COLUMNS: &str = "id, payment_id, kind, idempotency_key, request_fingerprint,
    amount_minor, requested_minor, description, reason, state, status_before, detail, created_at,
    updated_at";

/// A payment store in one SQLite database file.
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`; `:memory:` keeps it in memory.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = Connection::open(path).map_err(database)?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(database)?;
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(database)?;
        connection.execute_batch(SCHEMA).map_err(database)?;
        add_missing_columns(&connection)?;
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    /// Opens the database a `DATABASE_URL` names: `sqlite://path`, `sqlite:path` or a plain path.
    pub fn open_url(url: &str) -> Result<Self, StoreError> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(StoreError::Database(format!(
                "DATABASE_URL `{url}` names no file"
            )));
        }
        Self::open(Path::new(path))
    }

    fn with<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut connection = self
            .connection
            .lock()
            .map_err(|_| StoreError::Database("store lock poisoned".into()))?;
        work(&mut connection)
    }
}

/// Brings a database made by an earlier version up to the current columns.
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
    Ok(())
}

fn database(error: rusqlite::Error) -> StoreError {
    StoreError::Database(error.to_string())
}

fn conversion_error(index: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, message.into())
}

fn read_row(row: &Row<'_>) -> rusqlite::Result<PaymentRow> {
    let method: String = row.get(5)?;
    let capture: String = row.get(10)?;
    let status: String = row.get(12)?;
    Ok(PaymentRow {
        id: row.get(0)?,
        idempotency_key: row.get(1)?,
        request_fingerprint: row.get(2)?,
        order_ref: row.get(3)?,
        description: row.get(4)?,
        method: method
            .parse::<MethodKind>()
            .map_err(|message| conversion_error(5, message.to_string()))?,
        provider: row.get(6)?,
        amount_minor: row.get(7)?,
        currency: row.get(8)?,
        country_alpha3: row.get(9)?,
        capture_method: match capture.as_str() {
            "direct" => CaptureMethod::Direct,
            "reservation" => CaptureMethod::Reservation,
            other => {
                return Err(conversion_error(
                    10,
                    format!("unknown capture method `{other}`"),
                ))
            }
        },
        phone: row.get(11)?,
        status: status
            .parse()
            .map_err(|message| conversion_error(12, message))?,
        provider_intent_id: row.get(13)?,
        provider_client_secret: row.get(14)?,
        pay_url: row.get(15)?,
        expires_at: row.get(16)?,
        end_user_message: row.get(17)?,
        support_email: row.get(18)?,
        support_phone: row.get(19)?,
        failure_code: row.get(20)?,
        failure_message: row.get(21)?,
        captured_minor: row.get(22)?,
        refunded_minor: row.get(23)?,
        created_at: row.get(24)?,
        updated_at: row.get(25)?,
        version: row.get(26)?,
        order_expires_at: row.get(27)?,
        submitted_at: row.get(28)?,
        outcome_unknown: row.get(29)?,
    })
}

fn read_operation(row: &Row<'_>) -> rusqlite::Result<OperationRow> {
    let kind: String = row.get(2)?;
    let state: String = row.get(9)?;
    let status_before: String = row.get(10)?;
    Ok(OperationRow {
        id: row.get(0)?,
        payment_id: row.get(1)?,
        kind: OperationKind::parse(&kind)
            .ok_or_else(|| conversion_error(2, format!("unknown operation `{kind}`")))?,
        idempotency_key: row.get(3)?,
        request_fingerprint: row.get(4)?,
        amount_minor: row.get(5)?,
        requested_minor: row.get(6)?,
        description: row.get(7)?,
        reason: row.get(8)?,
        state: OperationState::parse(&state)
            .ok_or_else(|| conversion_error(9, format!("unknown operation state `{state}`")))?,
        status_before: status_before
            .parse()
            .map_err(|message| conversion_error(10, message))?,
        detail: row.get(11)?,
        created_at: row.get(12)?,
        updated_at: row.get(13)?,
    })
}

/// The compare-and-set write of a payment (see [`PaymentStore::update`]).
fn write_payment(
    transaction: &rusqlite::Transaction<'_>,
    row: &PaymentRow,
    change: Option<&StatusChange>,
) -> Result<PaymentRow, StoreError> {
    let written = transaction
        .execute(
            "UPDATE payments SET phone = ?3, status = ?4, provider_intent_id = ?5,
                provider_client_secret = ?6, pay_url = ?7, expires_at = ?8, end_user_message = ?9,
                support_email = ?10, support_phone = ?11, failure_code = ?12, failure_message = ?13,
                captured_minor = ?14, refunded_minor = ?15, updated_at = ?16,
                order_expires_at = ?17, submitted_at = ?18, outcome_unknown = ?19,
                version = version + 1
             WHERE id = ?1 AND version = ?2",
            params![
                row.id,
                row.version,
                row.phone,
                row.status.as_str(),
                row.provider_intent_id,
                row.provider_client_secret,
                row.pay_url,
                row.expires_at,
                row.end_user_message,
                row.support_email,
                row.support_phone,
                row.failure_code,
                row.failure_message,
                row.captured_minor,
                row.refunded_minor,
                row.updated_at,
                row.order_expires_at,
                row.submitted_at,
                row.outcome_unknown,
            ],
        )
        .map_err(database)?;
    if written == 0 {
        return Err(StoreError::Conflict);
    }
    if let Some(change) = change {
        append_history(transaction, &row.id, change)?;
    }
    Ok(PaymentRow {
        version: row.version + 1,
        ..row.clone()
    })
}

/// The payment of `order_ref` other than `except` that is in flight or paid.
fn order_attempt(
    connection: &Connection,
    order_ref: &str,
    except: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    connection
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM payments
             WHERE order_ref = ?1 AND id != ?2 AND status IN ({IN_FLIGHT_SQL}, {PAID_SQL})
             ORDER BY created_at DESC LIMIT 1"
        ))
        .map_err(database)?
        .query_row([order_ref, except], read_row)
        .optional()
        .map_err(database)
}

fn capture_name(capture: CaptureMethod) -> &'static str {
    match capture {
        CaptureMethod::Direct => "direct",
        CaptureMethod::Reservation => "reservation",
    }
}

fn select_by(
    connection: &Connection,
    column: &str,
    value: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    // Cached: every status poll reads a payment by id.
    connection
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM payments WHERE {column} = ?1"
        ))
        .map_err(database)?
        .query_row([value], read_row)
        .optional()
        .map_err(database)
}

fn append_history(
    connection: &Connection,
    payment_id: &str,
    change: &StatusChange,
) -> Result<(), StoreError> {
    connection
        .execute(
            "INSERT INTO payment_history (payment_id, status, at, detail) VALUES (?1, ?2, ?3, ?4)",
            params![payment_id, change.status.as_str(), change.at, change.detail],
        )
        .map(drop)
        .map_err(database)
}

#[async_trait]
impl PaymentStore for SqliteStore {
    async fn insert_or_get(&self, row: &PaymentRow) -> Result<Inserted, StoreError> {
        self.with(|connection| {
            let transaction = connection.transaction().map_err(database)?;
            if let Some(existing) = select_by(&transaction, "idempotency_key", &row.idempotency_key)? {
                return Ok(Inserted::Existing(existing));
            }
            transaction
                .execute(
                    &format!(
                        "INSERT INTO payments ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                         ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,
                         ?28, ?29, ?30)"
                    ),
                    params![
                        row.id,
                        row.idempotency_key,
                        row.request_fingerprint,
                        row.order_ref,
                        row.description,
                        row.method.as_str(),
                        row.provider,
                        row.amount_minor,
                        row.currency,
                        row.country_alpha3,
                        capture_name(row.capture_method),
                        row.phone,
                        row.status.as_str(),
                        row.provider_intent_id,
                        row.provider_client_secret,
                        row.pay_url,
                        row.expires_at,
                        row.end_user_message,
                        row.support_email,
                        row.support_phone,
                        row.failure_code,
                        row.failure_message,
                        row.captured_minor,
                        row.refunded_minor,
                        row.created_at,
                        row.updated_at,
                        row.version,
                        row.order_expires_at,
                        row.submitted_at,
                        row.outcome_unknown,
                    ],
                )
                .map_err(database)?;
            append_history(
                &transaction,
                &row.id,
                &StatusChange { status: row.status, at: row.created_at.clone(), detail: "payment created".into() },
            )?;
            transaction.commit().map_err(database)?;
            Ok(Inserted::New)
        })
    }

    async fn get(&self, id: &str) -> Result<Option<PaymentRow>, StoreError> {
        self.with(|connection| select_by(connection, "id", id))
    }

    async fn update(
        &self,
        row: &PaymentRow,
        change: Option<&StatusChange>,
    ) -> Result<PaymentRow, StoreError> {
        self.with(|connection| {
            let transaction = connection.transaction().map_err(database)?;
            let written = write_payment(&transaction, row, change)?;
            transaction.commit().map_err(database)?;
            Ok(written)
        })
    }

    async fn history(&self, id: &str) -> Result<Vec<StatusChange>, StoreError> {
        self.with(|connection| {
            let mut statement = connection
                .prepare_cached("SELECT status, at, detail FROM payment_history WHERE payment_id = ?1 ORDER BY seq")
                .map_err(database)?;
            let rows = statement
                .query_map([id], |row| {
                    let status: String = row.get(0)?;
                    Ok(StatusChange {
                        status: status.parse().map_err(|message| conversion_error(0, message))?,
                        at: row.get(1)?,
                        detail: row.get(2)?,
                    })
                })
                .map_err(database)?;
            rows.collect::<Result<_, _>>().map_err(database)
        })
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<PaymentRow>, StoreError> {
        self.with(|connection| {
            let mut statement = connection
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM payments
                     WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR order_ref = ?2)
                     ORDER BY created_at DESC, id DESC LIMIT ?3"
                ))
                .map_err(database)?;
            let rows = statement
                .query_map(
                    params![
                        filter.status.map(|status| status.as_str()),
                        filter.order_ref,
                        filter.limit
                    ],
                    read_row,
                )
                .map_err(database)?;
            rows.collect::<Result<_, _>>().map_err(database)
        })
    }

    async fn list_in_flight(&self) -> Result<Vec<PaymentRow>, StoreError> {
        self.with(|connection| {
            let mut statement = connection
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM payments
                     WHERE status IN ({IN_FLIGHT_SQL})
                       AND provider_intent_id IS NOT NULL
                     ORDER BY created_at"
                ))
                .map_err(database)?;
            let rows = statement.query_map([], read_row).map_err(database)?;
            rows.collect::<Result<_, _>>().map_err(database)
        })
    }

    async fn order_attempt(&self, order_ref: &str) -> Result<Option<PaymentRow>, StoreError> {
        self.with(|connection| order_attempt(connection, order_ref, ""))
    }

    async fn update_claiming_order(
        &self,
        row: &PaymentRow,
        change: &StatusChange,
    ) -> Result<PaymentRow, StoreError> {
        self.with(|connection| {
            // One connection behind a lock, and one transaction: the look and the write cannot
            // be split by another submit of the same order.
            let transaction = connection.transaction().map_err(database)?;
            if let Some(other) = order_attempt(&transaction, &row.order_ref, &row.id)? {
                return Err(StoreError::OrderTaken {
                    payment_id: other.id,
                    status: other.status,
                });
            }
            let written = write_payment(&transaction, row, Some(change))?;
            transaction.commit().map_err(database)?;
            Ok(written)
        })
    }

    async fn insert_operation(
        &self,
        operation: &OperationRow,
    ) -> Result<Inserted<OperationRow>, StoreError> {
        self.with(|connection| {
            let transaction = connection.transaction().map_err(database)?;
            let existing = transaction
                .prepare_cached(&format!(
                    "SELECT {OPERATION_COLUMNS} FROM operations
                     WHERE payment_id = ?1 AND kind = ?2 AND idempotency_key = ?3"
                ))
                .map_err(database)?
                .query_row(
                    params![
                        operation.payment_id,
                        operation.kind.as_str(),
                        operation.idempotency_key
                    ],
                    read_operation,
                )
                .optional()
                .map_err(database)?;
            if let Some(existing) = existing {
                if existing.request_fingerprint != operation.request_fingerprint {
                    return Err(StoreError::KeyReused);
                }
                return Ok(Inserted::Existing(existing));
            }
            transaction
                .execute(
                    &format!(
                        "INSERT INTO operations ({OPERATION_COLUMNS})
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
                    ),
                    params![
                        operation.id,
                        operation.payment_id,
                        operation.kind.as_str(),
                        operation.idempotency_key,
                        operation.request_fingerprint,
                        operation.amount_minor,
                        operation.requested_minor,
                        operation.description,
                        operation.reason,
                        operation.state.as_str(),
                        operation.status_before.as_str(),
                        operation.detail,
                        operation.created_at,
                        operation.updated_at,
                    ],
                )
                .map_err(database)?;
            transaction.commit().map_err(database)?;
            Ok(Inserted::New)
        })
    }

    async fn finish_operation(
        &self,
        operation: &OperationRow,
        payment: Option<(&PaymentRow, &StatusChange)>,
    ) -> Result<(), StoreError> {
        self.with(|connection| {
            let transaction = connection.transaction().map_err(database)?;
            if let Some((row, change)) = payment {
                write_payment(&transaction, row, Some(change))?;
            }
            transaction
                .execute(
                    "UPDATE operations SET state = ?2, detail = ?3, updated_at = ?4 WHERE id = ?1",
                    params![
                        operation.id,
                        operation.state.as_str(),
                        operation.detail,
                        operation.updated_at
                    ],
                )
                .map_err(database)?;
            transaction.commit().map_err(database)
        })
    }

    async fn operations(&self, payment_id: &str) -> Result<Vec<OperationRow>, StoreError> {
        self.with(|connection| {
            let mut statement = connection
                .prepare_cached(&format!(
                    "SELECT {OPERATION_COLUMNS} FROM operations WHERE payment_id = ?1
                     ORDER BY created_at, id"
                ))
                .map_err(database)?;
            let rows = statement
                .query_map([payment_id], read_operation)
                .map_err(database)?;
            rows.collect::<Result<_, _>>().map_err(database)
        })
    }

    async fn unfinished_operations(&self) -> Result<Vec<OperationRow>, StoreError> {
        self.with(|connection| {
            let mut statement = connection
                .prepare_cached(&format!(
                    "SELECT {OPERATION_COLUMNS} FROM operations WHERE state = 'pending'
                     ORDER BY created_at, id"
                ))
                .map_err(database)?;
            let rows = statement.query_map([], read_operation).map_err(database)?;
            rows.collect::<Result<_, _>>().map_err(database)
        })
    }
}
