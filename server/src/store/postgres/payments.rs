//! The `payments` and `payment_history` tables: each payment's row, written by compare-and-set
//! under a row lock, and the status changes that led to it.
//!
//! Every write of a payment first takes its order's lock (a transaction-scoped advisory lock on
//! the order reference), then the payment's row lock: the rules that look at the other payments
//! of an order (paid twice, one attempt at a time) see them as they are, whichever server wrote
//! them, and the locks are always taken in that order.

use crate::store::outbox::Events;
use checkout_contract::{CaptureMethod, MethodKind, StatusChange};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, PgPool, Row};

use super::{database, unreadable};
use crate::store::sql::{COLUMNS, FOLLOWED_UP_SQL, PAID_SQL, TAKES_ORDER_SQL};
use crate::store::{
    Attention, Decider, Inserted, ListFilter, PaymentCounts, PaymentRow, StoreError,
};

/// The first key of the order locks, so that they meet no other advisory lock of the database.
const ORDER_LOCK_CLASS: i32 = 0x6f72_6472; // "ordr"

fn read_row(row: &PgRow) -> Result<PaymentRow, StoreError> {
    let get_text = |column: &str| row.try_get::<String, _>(column).map_err(database);
    let method = get_text("method")?;
    let capture = get_text("capture_method")?;
    let status = get_text("status")?;
    let named = |column: &str| row.try_get::<Option<String>, _>(column).map_err(database);
    let decided_by = match named("decided_by")? {
        Some(name) => Some(Decider::parse(&name).ok_or_else(|| unreadable("decider", &name))?),
        None => None,
    };
    let attention = match named("attention")? {
        Some(name) => Some(Attention::parse(&name).ok_or_else(|| unreadable("attention", &name))?),
        None => None,
    };
    Ok(PaymentRow {
        id: get_text("id")?,
        idempotency_key: get_text("idempotency_key")?,
        request_fingerprint: get_text("request_fingerprint")?,
        order_ref: get_text("order_ref")?,
        description: get_text("description")?,
        method: method
            .parse::<MethodKind>()
            .map_err(|_| unreadable("method", &method))?,
        provider: get_text("provider")?,
        amount_minor: row.try_get("amount_minor").map_err(database)?,
        currency: get_text("currency")?,
        country_alpha3: get_text("country_alpha3")?,
        capture_method: match capture.as_str() {
            "direct" => CaptureMethod::Direct,
            "reservation" => CaptureMethod::Reservation,
            other => return Err(unreadable("capture method", other)),
        },
        phone: named("phone")?,
        status: status.parse().map_err(|_| unreadable("status", &status))?,
        provider_intent_id: named("provider_intent_id")?,
        provider_client_secret: named("provider_client_secret")?,
        pay_url: named("pay_url")?,
        expires_at: named("expires_at")?,
        end_user_message: named("end_user_message")?,
        support_email: named("support_email")?,
        support_phone: named("support_phone")?,
        failure_code: named("failure_code")?,
        failure_message: named("failure_message")?,
        captured_minor: row.try_get("captured_minor").map_err(database)?,
        refunded_minor: row.try_get("refunded_minor").map_err(database)?,
        created_at: get_text("created_at")?,
        updated_at: get_text("updated_at")?,
        version: row.try_get("version").map_err(database)?,
        order_expires_at: named("order_expires_at")?,
        outcome_unknown: named("outcome_unknown")?,
        language: named("language")?,
        submitted_at: named("submitted_at")?,
        decided_by,
        attention,
        client_secret: get_text("client_secret")?,
    })
}

fn capture_name(capture: CaptureMethod) -> &'static str {
    match capture {
        CaptureMethod::Direct => "direct",
        CaptureMethod::Reservation => "reservation",
    }
}

/// Waits for the lock of `order_ref` in this transaction: one write of the order's payments at
/// a time, across servers, until the transaction ends.
pub(super) async fn lock_order(
    connection: &mut PgConnection,
    order_ref: &str,
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(ORDER_LOCK_CLASS)
        .bind(order_ref)
        .execute(connection)
        .await
        .map(drop)
        .map_err(database)
}

/// The compare-and-set write of a payment (see
/// [`PaymentStore::update`](crate::store::PaymentStore::update)), with the merchant event the
/// change causes, in the caller's transaction, which holds the order's lock.
pub(super) async fn write_payment(
    connection: &mut PgConnection,
    row: &PaymentRow,
    change: Option<&StatusChange>,
    events: Events<'_>,
) -> Result<PaymentRow, StoreError> {
    // The row lock holds `before` still until the transaction ends: the events are computed
    // from what the write replaces.
    let before = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM payments WHERE id = $1 FOR UPDATE"
    ))
    .bind(&row.id)
    .fetch_optional(&mut *connection)
    .await
    .map_err(database)?
    .map(|found| read_row(&found))
    .transpose()?
    .ok_or(StoreError::Conflict)?;
    if before.version != row.version {
        return Err(StoreError::Conflict);
    }
    sqlx::query(
        "UPDATE payments SET phone = $3, status = $4, provider_intent_id = $5,
            provider_client_secret = $6, pay_url = $7, expires_at = $8, end_user_message = $9,
            support_email = $10, support_phone = $11, failure_code = $12, failure_message = $13,
            captured_minor = $14, refunded_minor = $15, updated_at = $16,
            order_expires_at = $17, outcome_unknown = $18, submitted_at = $19,
            decided_by = $20, attention = $21,
            version = version + 1
         WHERE id = $1 AND version = $2",
    )
    .bind(&row.id)
    .bind(row.version)
    .bind(&row.phone)
    .bind(row.status.as_str())
    .bind(&row.provider_intent_id)
    .bind(&row.provider_client_secret)
    .bind(&row.pay_url)
    .bind(&row.expires_at)
    .bind(&row.end_user_message)
    .bind(&row.support_email)
    .bind(&row.support_phone)
    .bind(&row.failure_code)
    .bind(&row.failure_message)
    .bind(row.captured_minor)
    .bind(row.refunded_minor)
    .bind(&row.updated_at)
    .bind(&row.order_expires_at)
    .bind(&row.outcome_unknown)
    .bind(&row.submitted_at)
    .bind(row.decided_by.map(Decider::as_str))
    .bind(row.attention.map(Attention::as_str))
    .execute(&mut *connection)
    .await
    .map_err(database)?;
    if let Some(change) = change {
        append_history(&mut *connection, &row.id, change).await?;
    }
    let written = PaymentRow {
        version: row.version + 1,
        ..row.clone()
    };
    for event in events(&before, &written) {
        super::outbox::insert_event(&mut *connection, &event).await?;
    }
    Ok(written)
}

/// The payment of `order_ref` other than `except` that takes the order (in flight, paid, or
/// waiting for the merchant).
pub(super) async fn order_attempt(
    executor: impl PgExecutor<'_>,
    order_ref: &str,
    except: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM payments
         WHERE order_ref = $1 AND id != $2 AND {TAKES_ORDER_SQL}
         ORDER BY status IN ({PAID_SQL}) DESC, created_at DESC LIMIT 1"
    ))
    .bind(order_ref)
    .bind(except)
    .fetch_optional(executor)
    .await
    .map_err(database)?
    .map(|found| read_row(&found))
    .transpose()
}

pub(super) async fn select_by(
    executor: impl PgExecutor<'_>,
    column: &str,
    value: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM payments WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(executor)
    .await
    .map_err(database)?
    .map(|found| read_row(&found))
    .transpose()
}

async fn append_history(
    connection: &mut PgConnection,
    payment_id: &str,
    change: &StatusChange,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO payment_history (payment_id, status, at, detail) VALUES ($1, $2, $3, $4)",
    )
    .bind(payment_id)
    .bind(change.status.as_str())
    .bind(&change.at)
    .bind(&change.detail)
    .execute(connection)
    .await
    .map(drop)
    .map_err(database)
}

/// The payment under `row`'s idempotency key if there is one, else `row` inserted. Two servers
/// inserting one key at once: the unique key makes the second wait for the first's commit, then
/// insert nothing and read the first's row.
pub(super) async fn insert_or_get(pool: &PgPool, row: &PaymentRow) -> Result<Inserted, StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO payments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
         $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27,
         $28, $29, $30, $31, $32, $33, $34)
         ON CONFLICT (idempotency_key) DO NOTHING"
    ))
    .bind(&row.id)
    .bind(&row.idempotency_key)
    .bind(&row.request_fingerprint)
    .bind(&row.order_ref)
    .bind(&row.description)
    .bind(row.method.as_str())
    .bind(&row.provider)
    .bind(row.amount_minor)
    .bind(&row.currency)
    .bind(&row.country_alpha3)
    .bind(capture_name(row.capture_method))
    .bind(&row.phone)
    .bind(row.status.as_str())
    .bind(&row.provider_intent_id)
    .bind(&row.provider_client_secret)
    .bind(&row.pay_url)
    .bind(&row.expires_at)
    .bind(&row.end_user_message)
    .bind(&row.support_email)
    .bind(&row.support_phone)
    .bind(&row.failure_code)
    .bind(&row.failure_message)
    .bind(row.captured_minor)
    .bind(row.refunded_minor)
    .bind(&row.created_at)
    .bind(&row.updated_at)
    .bind(row.version)
    .bind(&row.order_expires_at)
    .bind(&row.outcome_unknown)
    .bind(&row.language)
    .bind(&row.submitted_at)
    .bind(row.decided_by.map(Decider::as_str))
    .bind(row.attention.map(Attention::as_str))
    .bind(&row.client_secret)
    .execute(&mut *transaction)
    .await
    .map_err(database)?
    .rows_affected();
    if inserted == 0 {
        let existing = select_by(&mut *transaction, "idempotency_key", &row.idempotency_key)
            .await?
            .ok_or_else(|| StoreError::Database("an idempotency key's payment vanished".into()))?;
        return Ok(Inserted::Existing(existing));
    }
    append_history(
        &mut transaction,
        &row.id,
        &StatusChange {
            status: row.status,
            at: row.created_at.clone(),
            detail: "payment created".into(),
        },
    )
    .await?;
    transaction.commit().await.map_err(database)?;
    Ok(Inserted::New)
}

pub(super) async fn update(
    pool: &PgPool,
    row: &PaymentRow,
    change: Option<&StatusChange>,
    events: Events<'_>,
) -> Result<PaymentRow, StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    lock_order(&mut transaction, &row.order_ref).await?;
    let written = write_payment(&mut transaction, row, change, events).await?;
    transaction.commit().await.map_err(database)?;
    Ok(written)
}

pub(super) async fn update_paid(
    pool: &PgPool,
    row: &PaymentRow,
    twice: &PaymentRow,
    change: &StatusChange,
    events: Events<'_>,
) -> Result<PaymentRow, StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    // Under the order's lock, another payment of the order that became paid has committed:
    // this statement, read after the lock, sees it.
    lock_order(&mut transaction, &row.order_ref).await?;
    let other_paid: bool = sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM payments
         WHERE order_ref = $1 AND id != $2 AND status IN ({PAID_SQL}))"
    ))
    .bind(&row.order_ref)
    .bind(&row.id)
    .fetch_one(&mut *transaction)
    .await
    .map_err(database)?;
    let chosen = if other_paid { twice } else { row };
    let written = write_payment(&mut transaction, chosen, Some(change), events).await?;
    transaction.commit().await.map_err(database)?;
    Ok(written)
}

pub(super) async fn update_taking_order(
    pool: &PgPool,
    row: &PaymentRow,
    change: &StatusChange,
    events: Events<'_>,
) -> Result<PaymentRow, StoreError> {
    // The order's lock keeps the look and the write together: another submit of the same order,
    // on any server, waits for this transaction and then sees its payment in flight.
    let mut transaction = pool.begin().await.map_err(database)?;
    lock_order(&mut transaction, &row.order_ref).await?;
    if let Some(other) = order_attempt(&mut *transaction, &row.order_ref, &row.id).await? {
        return Err(StoreError::OrderTaken {
            on_hold: other.attention.is_some(),
            payment_id: other.id,
            status: other.status,
        });
    }
    let written = write_payment(&mut transaction, row, Some(change), events).await?;
    transaction.commit().await.map_err(database)?;
    Ok(written)
}

pub(super) async fn history(pool: &PgPool, id: &str) -> Result<Vec<StatusChange>, StoreError> {
    let rows = sqlx::query(
        "SELECT status, at, detail FROM payment_history WHERE payment_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .map_err(database)?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status").map_err(database)?;
            Ok(StatusChange {
                status: status.parse().map_err(|_| unreadable("status", &status))?,
                at: row.try_get("at").map_err(database)?,
                detail: row.try_get("detail").map_err(database)?,
            })
        })
        .collect()
}

pub(super) async fn list(
    pool: &PgPool,
    filter: &ListFilter,
) -> Result<Vec<PaymentRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM payments
         WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR order_ref = $2)
         ORDER BY created_at DESC, id DESC LIMIT $3"
    ))
    .bind(filter.status.map(|status| status.as_str()))
    .bind(&filter.order_ref)
    .bind(i64::from(filter.limit))
    .fetch_all(pool)
    .await
    .map_err(database)?
    .iter()
    .map(read_row)
    .collect()
}

pub(super) async fn list_followed_up(pool: &PgPool) -> Result<Vec<PaymentRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM payments WHERE {FOLLOWED_UP_SQL} ORDER BY created_at"
    ))
    .fetch_all(pool)
    .await
    .map_err(database)?
    .iter()
    .map(read_row)
    .collect()
}

pub(super) async fn counts(pool: &PgPool) -> Result<PaymentCounts, StoreError> {
    let by_status: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM payments GROUP BY status ORDER BY status")
            .fetch_all(pool)
            .await
            .map_err(database)?;
    let (outcome_unknown, followed_up, attention): (i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FILTER (WHERE outcome_unknown IS NOT NULL),
                COUNT(*) FILTER (WHERE {FOLLOWED_UP_SQL}),
                COUNT(*) FILTER (WHERE attention IS NOT NULL)
         FROM payments"
    ))
    .fetch_one(pool)
    .await
    .map_err(database)?;
    Ok(PaymentCounts {
        by_status,
        outcome_unknown,
        followed_up,
        attention,
    })
}
