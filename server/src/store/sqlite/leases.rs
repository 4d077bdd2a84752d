//! Allowances and claims, one moment per key (`leases`).

use rusqlite::{params, Connection, OptionalExtension};

use super::database;
use crate::store::{Allowance, StoreError};

pub(super) fn take_allowance(
    connection: &mut Connection,
    key: &str,
    allowance: Allowance,
    now_ms: i64,
) -> Result<Option<i64>, StoreError> {
    let transaction = connection.transaction().map_err(database)?;
    let until: Option<i64> = transaction
        .query_row("SELECT until_ms FROM leases WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()
        .map_err(database)?;
    let next = match allowance.take(until, now_ms) {
        Ok(next) => next,
        Err(wait) => return Ok(Some(wait)),
    };
    transaction
        .execute(
            "INSERT INTO leases (key, until_ms) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET until_ms = excluded.until_ms",
            params![key, next],
        )
        .map_err(database)?;
    transaction.commit().map_err(database)?;
    Ok(None)
}

pub(super) fn claim(
    connection: &mut Connection,
    key: &str,
    now_ms: i64,
    until_ms: i64,
) -> Result<bool, StoreError> {
    let changed = connection
        .execute(
            "INSERT INTO leases (key, until_ms) VALUES (?1, ?3)
             ON CONFLICT (key) DO UPDATE SET until_ms = excluded.until_ms
             WHERE leases.until_ms <= ?2",
            params![key, now_ms, until_ms],
        )
        .map_err(database)?;
    Ok(changed == 1)
}

pub(super) fn prune(connection: &mut Connection, before_ms: i64) -> Result<u64, StoreError> {
    let removed = connection
        .execute("DELETE FROM leases WHERE until_ms < ?1", [before_ms])
        .map_err(database)?;
    Ok(removed as u64)
}
