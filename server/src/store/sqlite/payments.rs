//! The `payments` and `payment_history` tables: each payment's row, written by compare-and-set,
//! and the status changes that led to it.

use crate::store::outbox::Events;
use checkout_contract::{CaptureMethod, MethodKind, StatusChange};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{conversion_error, database};
use crate::store::sql::{COLUMNS, FOLLOWED_UP_SQL, PAID_SQL, TAKES_ORDER_SQL};
use crate::store::{
    Attention, Decider, Inserted, ListFilter, PaymentCounts, PaymentRow, StoreError,
};

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
        outcome_unknown: row.get(28)?,
        language: row.get(29)?,
        submitted_at: row.get(30)?,
        decided_by: read_named(row, 31, Decider::parse)?,
        attention: read_named(row, 32, Attention::parse)?,
        client_secret: row.get(33)?,
    })
}

/// An optional column holding one of a fixed set of names.
fn read_named<T>(
    row: &Row<'_>,
    index: usize,
    parse: fn(&str) -> Option<T>,
) -> rusqlite::Result<Option<T>> {
    let Some(name) = row.get::<_, Option<String>>(index)? else {
        return Ok(None);
    };
    parse(&name)
        .map(Some)
        .ok_or_else(|| conversion_error(index, format!("unknown value `{name}`")))
}

/// The compare-and-set write of a payment (see
/// [`PaymentStore::update`](crate::store::PaymentStore::update)), with the merchant event the
/// change causes, in the same transaction.
pub(super) fn write_payment(
    transaction: &rusqlite::Transaction<'_>,
    row: &PaymentRow,
    change: Option<&StatusChange>,
    events: Events<'_>,
) -> Result<PaymentRow, StoreError> {
    let before = select_by(transaction, "id", &row.id)?.ok_or(StoreError::Conflict)?;
    let written = transaction
        .execute(
            "UPDATE payments SET phone = ?3, status = ?4, provider_intent_id = ?5,
                provider_client_secret = ?6, pay_url = ?7, expires_at = ?8, end_user_message = ?9,
                support_email = ?10, support_phone = ?11, failure_code = ?12, failure_message = ?13,
                captured_minor = ?14, refunded_minor = ?15, updated_at = ?16,
                order_expires_at = ?17, outcome_unknown = ?18, submitted_at = ?19,
                decided_by = ?20, attention = ?21,
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
                row.outcome_unknown,
                row.submitted_at,
                row.decided_by.map(Decider::as_str),
                row.attention.map(Attention::as_str),
            ],
        )
        .map_err(database)?;
    if written == 0 {
        return Err(StoreError::Conflict);
    }
    if let Some(change) = change {
        append_history(transaction, &row.id, change)?;
    }
    let written = PaymentRow {
        version: row.version + 1,
        ..row.clone()
    };
    for event in events(&before, &written) {
        super::outbox::insert_event(transaction, &event)?;
    }
    Ok(written)
}

/// The payment of `order_ref` other than `except` that takes the order (in flight, paid, or
/// waiting for the merchant).
pub(super) fn order_attempt(
    connection: &Connection,
    order_ref: &str,
    except: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    connection
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM payments
             WHERE order_ref = ?1 AND id != ?2 AND {TAKES_ORDER_SQL}
             ORDER BY status IN ({PAID_SQL}) DESC, created_at DESC LIMIT 1"
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

pub(super) fn select_by(
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

/// The payment under `row`'s idempotency key if there is one, else `row` inserted.
pub(super) fn insert_or_get(
    connection: &mut Connection,
    row: &PaymentRow,
) -> Result<Inserted, StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    if let Some(existing) = select_by(&transaction, "idempotency_key", &row.idempotency_key)? {
        return Ok(Inserted::Existing(existing));
    }
    transaction
        .execute(
            &format!(
                "INSERT INTO payments ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                 ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,
                 ?28, ?29, ?30, ?31, ?32, ?33, ?34)"
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
                row.outcome_unknown,
                row.language,
                row.submitted_at,
                row.decided_by.map(Decider::as_str),
                row.attention.map(Attention::as_str),
                row.client_secret,
            ],
        )
        .map_err(database)?;
    append_history(
        &transaction,
        &row.id,
        &StatusChange {
            status: row.status,
            at: row.created_at.clone(),
            detail: "payment created".into(),
        },
    )?;
    transaction.commit().map_err(database)?;
    Ok(Inserted::New)
}

pub(super) fn update(
    connection: &mut Connection,
    row: &PaymentRow,
    change: Option<&StatusChange>,
    events: Events<'_>,
) -> Result<PaymentRow, StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    let written = write_payment(&transaction, row, change, events)?;
    transaction.commit().map_err(database)?;
    Ok(written)
}

pub(super) fn update_paid(
    connection: &mut Connection,
    row: &PaymentRow,
    twice: &PaymentRow,
    change: &StatusChange,
    events: Events<'_>,
) -> Result<PaymentRow, StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    let other_paid: bool = transaction
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM payments
             WHERE order_ref = ?1 AND id != ?2 AND status IN ({PAID_SQL}))"
        ))
        .map_err(database)?
        .query_row([&row.order_ref, &row.id], |found| found.get(0))
        .map_err(database)?;
    let chosen = if other_paid { twice } else { row };
    let written = write_payment(&transaction, chosen, Some(change), events)?;
    transaction.commit().map_err(database)?;
    Ok(written)
}

pub(super) fn history(connection: &Connection, id: &str) -> Result<Vec<StatusChange>, StoreError> {
    let mut statement = connection
        .prepare_cached(
            "SELECT status, at, detail FROM payment_history WHERE payment_id = ?1 ORDER BY seq",
        )
        .map_err(database)?;
    let rows = statement
        .query_map([id], |row| {
            let status: String = row.get(0)?;
            Ok(StatusChange {
                status: status
                    .parse()
                    .map_err(|message| conversion_error(0, message))?,
                at: row.get(1)?,
                detail: row.get(2)?,
            })
        })
        .map_err(database)?;
    rows.collect::<Result<_, _>>().map_err(database)
}

pub(super) fn list(
    connection: &Connection,
    filter: &ListFilter,
) -> Result<Vec<PaymentRow>, StoreError> {
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
}

pub(super) fn list_followed_up(connection: &Connection) -> Result<Vec<PaymentRow>, StoreError> {
    let mut statement = connection
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM payments WHERE {FOLLOWED_UP_SQL} ORDER BY created_at"
        ))
        .map_err(database)?;
    let rows = statement.query_map([], read_row).map_err(database)?;
    rows.collect::<Result<_, _>>().map_err(database)
}

pub(super) fn counts(connection: &Connection) -> Result<PaymentCounts, StoreError> {
    let mut statement = connection
        .prepare_cached("SELECT status, COUNT(*) FROM payments GROUP BY status")
        .map_err(database)?;
    let by_status = statement
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))
        .map_err(database)?
        .collect::<Result<_, _>>()
        .map_err(database)?;
    let count = |condition: &str| -> Result<i64, StoreError> {
        connection
            .prepare_cached(&format!("SELECT COUNT(*) FROM payments WHERE {condition}"))
            .map_err(database)?
            .query_row([], |row| row.get(0))
            .map_err(database)
    };
    Ok(PaymentCounts {
        by_status,
        outcome_unknown: count("outcome_unknown IS NOT NULL")?,
        followed_up: count(FOLLOWED_UP_SQL)?,
        attention: count("attention IS NOT NULL")?,
    })
}

pub(super) fn update_taking_order(
    connection: &mut Connection,
    row: &PaymentRow,
    change: &StatusChange,
    events: Events<'_>,
) -> Result<PaymentRow, StoreError> {
    // One connection behind a lock, and one transaction: the look and the write cannot
    // be split by another submit of the same order.
    let transaction = connection.transaction().map_err(database)?;
    if let Some(other) = order_attempt(&transaction, &row.order_ref, &row.id)? {
        return Err(StoreError::OrderTaken {
            on_hold: other.attention.is_some(),
            payment_id: other.id,
            status: other.status,
        });
    }
    let written = write_payment(&transaction, row, Some(change), events)?;
    transaction.commit().map_err(database)?;
    Ok(written)
}
