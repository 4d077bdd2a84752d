//! The `operations` table: captures, releases and refunds of a payment, each under its own
//! idempotency key.

use crate::store::outbox::Events;
use crate::store::sql::OPERATION_COLUMNS;
use checkout_contract::StatusChange;
use sqlx::postgres::PgRow;
use sqlx::{PgExecutor, PgPool, Row};

use super::payments::{lock_order, write_payment};
use super::{database, unreadable};
use crate::store::{Inserted, OperationKind, OperationRow, OperationState, PaymentRow, StoreError};

fn read_operation(row: &PgRow) -> Result<OperationRow, StoreError> {
    let kind: String = row.try_get("kind").map_err(database)?;
    let state: String = row.try_get("state").map_err(database)?;
    let status_before: String = row.try_get("status_before").map_err(database)?;
    Ok(OperationRow {
        id: row.try_get("id").map_err(database)?,
        payment_id: row.try_get("payment_id").map_err(database)?,
        kind: OperationKind::parse(&kind).ok_or_else(|| unreadable("operation", &kind))?,
        idempotency_key: row.try_get("idempotency_key").map_err(database)?,
        request_fingerprint: row.try_get("request_fingerprint").map_err(database)?,
        amount_minor: row.try_get("amount_minor").map_err(database)?,
        requested_minor: row.try_get("requested_minor").map_err(database)?,
        description: row.try_get("description").map_err(database)?,
        reason: row.try_get("reason").map_err(database)?,
        state: OperationState::parse(&state)
            .ok_or_else(|| unreadable("operation state", &state))?,
        status_before: status_before
            .parse()
            .map_err(|_| unreadable("status", &status_before))?,
        detail: row.try_get("detail").map_err(database)?,
        created_at: row.try_get("created_at").map_err(database)?,
        updated_at: row.try_get("updated_at").map_err(database)?,
    })
}

async fn select_by_key(
    executor: impl PgExecutor<'_>,
    operation: &OperationRow,
) -> Result<Option<OperationRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {OPERATION_COLUMNS} FROM operations
         WHERE payment_id = $1 AND kind = $2 AND idempotency_key = $3"
    ))
    .bind(&operation.payment_id)
    .bind(operation.kind.as_str())
    .bind(&operation.idempotency_key)
    .fetch_optional(executor)
    .await
    .map_err(database)?
    .map(|found| read_operation(&found))
    .transpose()
}

/// The operation under the same payment, kind and key if there is one, else `operation`
/// inserted; the unique key decides between two servers inserting one key at once.
pub(super) async fn insert(
    pool: &PgPool,
    operation: &OperationRow,
) -> Result<Inserted<OperationRow>, StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO operations ({OPERATION_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (payment_id, kind, idempotency_key) DO NOTHING"
    ))
    .bind(&operation.id)
    .bind(&operation.payment_id)
    .bind(operation.kind.as_str())
    .bind(&operation.idempotency_key)
    .bind(&operation.request_fingerprint)
    .bind(operation.amount_minor)
    .bind(operation.requested_minor)
    .bind(&operation.description)
    .bind(&operation.reason)
    .bind(operation.state.as_str())
    .bind(operation.status_before.as_str())
    .bind(&operation.detail)
    .bind(&operation.created_at)
    .bind(&operation.updated_at)
    .execute(&mut *transaction)
    .await
    .map_err(database)?
    .rows_affected();
    if inserted == 0 {
        let existing = select_by_key(&mut *transaction, operation)
            .await?
            .ok_or_else(|| StoreError::Database("an operation's key vanished".into()))?;
        if existing.request_fingerprint != operation.request_fingerprint {
            return Err(StoreError::KeyReused);
        }
        return Ok(Inserted::Existing(existing));
    }
    transaction.commit().await.map_err(database)?;
    Ok(Inserted::New)
}

pub(super) async fn finish(
    pool: &PgPool,
    operation: &OperationRow,
    payment: Option<(&PaymentRow, &StatusChange)>,
    events: Events<'_>,
) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    if let Some((row, change)) = payment {
        lock_order(&mut transaction, &row.order_ref).await?;
        write_payment(&mut transaction, row, Some(change), events).await?;
    }
    sqlx::query("UPDATE operations SET state = $2, detail = $3, updated_at = $4 WHERE id = $1")
        .bind(&operation.id)
        .bind(operation.state.as_str())
        .bind(&operation.detail)
        .bind(&operation.updated_at)
        .execute(&mut *transaction)
        .await
        .map_err(database)?;
    transaction.commit().await.map_err(database)
}

pub(super) async fn of_payment(
    pool: &PgPool,
    payment_id: &str,
) -> Result<Vec<OperationRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {OPERATION_COLUMNS} FROM operations WHERE payment_id = $1
         ORDER BY created_at, id"
    ))
    .bind(payment_id)
    .fetch_all(pool)
    .await
    .map_err(database)?
    .iter()
    .map(read_operation)
    .collect()
}

pub(super) async fn unfinished(pool: &PgPool) -> Result<Vec<OperationRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {OPERATION_COLUMNS} FROM operations WHERE state = 'pending'
         ORDER BY created_at, id"
    ))
    .fetch_all(pool)
    .await
    .map_err(database)?
    .iter()
    .map(read_operation)
    .collect()
}
