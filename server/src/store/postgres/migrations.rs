//! The schema's versions: `migrations/postgres/`, embedded in the binary and applied at start,
//! each once, recorded in `_sqlx_migrations`. Servers starting together take turns (the
//! migrator holds an advisory lock while it works).

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::PgPool;

use crate::store::StoreError;

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// Applies the migrations the database lacks. A database that holds a migration this version
/// does not know (written by a newer server), or one changed since it was applied, is refused:
/// running on a schema it does not know could lose payments.
pub(super) async fn run(pool: &PgPool) -> Result<(), StoreError> {
    MIGRATOR.run(pool).await.map_err(|error| match error {
        MigrateError::VersionMissing(version) => StoreError::Database(format!(
            "the database's schema has migration {version}, which this server does not know \
             (it was written by a newer version): run that version, or a database of this one"
        )),
        MigrateError::VersionMismatch(version) => StoreError::Database(format!(
            "the database's migration {version} differs from this server's: the schema was \
             changed outside this server's migrations"
        )),
        other => StoreError::Database(format!("cannot migrate the database: {other}")),
    })
}

/// Whether the database answers with the schema this version made: a newer server applying a
/// migration while this one runs makes it not current.
pub(super) async fn check_current(pool: &PgPool) -> Result<(), StoreError> {
    let newest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await
            .map_err(|error| StoreError::Database(error.to_string()))?;
    let known = MIGRATOR.iter().map(|migration| migration.version).max();
    if newest > known {
        return Err(StoreError::Database(format!(
            "the database's schema has migration {}, which this server does not know",
            newest.unwrap_or_default()
        )));
    }
    Ok(())
}
