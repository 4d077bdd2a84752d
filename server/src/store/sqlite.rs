//! The embedded default store: one SQLite file in WAL mode.

use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;
use checkout_contract::{CaptureMethod, MethodKind, StatusChange};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{Inserted, ListFilter, PaymentRow, PaymentStore, StoreError};

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
";

const COLUMNS: &str =
    "id, idempotency_key, request_fingerprint, order_ref, description, method, provider,
    amount_minor, currency, country_alpha3, capture_method, phone, status, provider_intent_id,
    provider_client_secret, pay_url, expires_at, end_user_message, support_email, support_phone,
    failure_code, failure_message, captured_minor, refunded_minor, created_at, updated_at, version";

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
        method: match method.as_str() {
            "yassir_cash" => MethodKind::YassirCash,
            "mobile_money" => MethodKind::MobileMoney,
            other => return Err(conversion_error(5, format!("unknown method `{other}`"))),
        },
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
    })
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
                         ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)"
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
            let written = transaction
                .execute(
                    "UPDATE payments SET phone = ?3, status = ?4, provider_intent_id = ?5,
                        provider_client_secret = ?6, pay_url = ?7, expires_at = ?8, end_user_message = ?9,
                        support_email = ?10, support_phone = ?11, failure_code = ?12, failure_message = ?13,
                        captured_minor = ?14, refunded_minor = ?15, updated_at = ?16, version = version + 1
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
                    ],
                )
                .map_err(database)?;
            if written == 0 {
                return Err(StoreError::Conflict);
            }
            if let Some(change) = change {
                append_history(&transaction, &row.id, change)?;
            }
            transaction.commit().map_err(database)?;
            Ok(PaymentRow { version: row.version + 1, ..row.clone() })
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
                     WHERE status IN ('processing', 'requires_action', 'awaiting_approval')
                       AND provider_intent_id IS NOT NULL
                     ORDER BY created_at"
                ))
                .map_err(database)?;
            let rows = statement.query_map([], read_row).map_err(database)?;
            rows.collect::<Result<_, _>>().map_err(database)
        })
    }
}
