//! The `operations` table: captures, releases and refunds of a payment, each under its own
//! idempotency key.

use crate::store::outbox::Events;
use crate::store::sql::OPERATION_COLUMNS;
use checkout_contract::StatusChange;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::payments::write_payment;
use super::{conversion_error, database};
use crate::store::{Inserted, OperationKind, OperationRow, OperationState, PaymentRow, StoreError};

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

pub(super) fn insert(
    connection: &mut Connection,
    operation: &OperationRow,
) -> Result<Inserted<OperationRow>, StoreError> {
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
}

pub(super) fn finish(
    connection: &mut Connection,
    operation: &OperationRow,
    payment: Option<(&PaymentRow, &StatusChange)>,
    events: Events<'_>,
) -> Result<(), StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    if let Some((row, change)) = payment {
        write_payment(&transaction, row, Some(change), events)?;
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
}

pub(super) fn of_payment(
    connection: &Connection,
    payment_id: &str,
) -> Result<Vec<OperationRow>, StoreError> {
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
}

pub(super) fn unfinished(connection: &Connection) -> Result<Vec<OperationRow>, StoreError> {
    let mut statement = connection
        .prepare_cached(&format!(
            "SELECT {OPERATION_COLUMNS} FROM operations WHERE state = 'pending'
             ORDER BY created_at, id"
        ))
        .map_err(database)?;
    let rows = statement.query_map([], read_operation).map_err(database)?;
    rows.collect::<Result<_, _>>().map_err(database)
}
