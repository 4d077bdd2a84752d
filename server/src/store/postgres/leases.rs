//! Allowances and claims, one moment per key (`leases`), decided under the key's row lock so
//! that every server counts in one place.

use sqlx::PgPool;

use super::database;
use crate::store::{Allowance, StoreError};

pub(super) async fn take_allowance(
    pool: &PgPool,
    key: &str,
    allowance: Allowance,
    now_ms: i64,
) -> Result<Option<i64>, StoreError> {
    let mut transaction = pool.begin().await.map_err(database)?;
    // A key never used is whole: 0 is before any `now`.
    sqlx::query("INSERT INTO leases (key, until_ms) VALUES ($1, 0) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .execute(&mut *transaction)
        .await
        .map_err(database)?;
    let until: i64 = sqlx::query_scalar("SELECT until_ms FROM leases WHERE key = $1 FOR UPDATE")
        .bind(key)
        .fetch_one(&mut *transaction)
        .await
        .map_err(database)?;
    let next = match allowance.take(Some(until), now_ms) {
        Ok(next) => next,
        Err(wait) => return Ok(Some(wait)),
    };
    sqlx::query("UPDATE leases SET until_ms = $2 WHERE key = $1")
        .bind(key)
        .bind(next)
        .execute(&mut *transaction)
        .await
        .map_err(database)?;
    transaction.commit().await.map_err(database)?;
    Ok(None)
}

pub(super) async fn claim(
    pool: &PgPool,
    key: &str,
    now_ms: i64,
    until_ms: i64,
) -> Result<bool, StoreError> {
    let claimed = sqlx::query(
        "INSERT INTO leases (key, until_ms) VALUES ($1, $3)
         ON CONFLICT (key) DO UPDATE SET until_ms = excluded.until_ms
         WHERE leases.until_ms <= $2",
    )
    .bind(key)
    .bind(now_ms)
    .bind(until_ms)
    .execute(pool)
    .await
    .map_err(database)?;
    Ok(claimed.rows_affected() == 1)
}

pub(super) async fn prune(pool: &PgPool, before_ms: i64) -> Result<u64, StoreError> {
    let removed = sqlx::query("DELETE FROM leases WHERE until_ms < $1")
        .bind(before_ms)
        .execute(pool)
        .await
        .map_err(database)?;
    Ok(removed.rows_affected())
}
