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
