//! The embedded default store: one SQLite file in WAL mode.

use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;
use checkout_contract::StatusChange;
use rusqlite::Connection;
use tokio::runtime::RuntimeFlavor;

use super::locks::{LocalLocks, PaymentLock};
use super::outbox::Events;
use super::outbox::{
    AttemptResult, AttemptRow, DeliveryRow, DueDelivery, EventFilter, EventRow, WebhookStore,
};
use super::{
    Allowance, Inserted, ListFilter, OperationRow, PaymentCounts, PaymentRow, PaymentStore,
    StoreError,
};

mod leases;
mod operations;
mod outbox;
mod payments;
mod schema;

/// A payment store in one SQLite database file.
pub struct SqliteStore {
    connection: Mutex<Connection>,
    /// One server uses the file: its own locks are the payments' locks.
    locks: LocalLocks,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`; `:memory:` keeps it in memory.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut connection = Connection::open(path).map_err(database)?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(database)?;
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(database)?;
        schema::migrate(&mut connection)?;
        Ok(Self {
            connection: Mutex::new(connection),
            locks: LocalLocks::default(),
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

    /// Runs `work` on the connection. SQLite's calls block (on the disk, on another writer for up
    /// to the busy timeout, on this store's other callers), so on a multi-threaded runtime the
    /// worker first hands its other tasks on (`block_in_place`) and no request waits behind the
    /// database; a current-thread runtime has no other worker to hand them to.
    fn with<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let run = || {
            let mut connection = self
                .connection
                .lock()
                .map_err(|_| StoreError::Database("store lock poisoned".into()))?;
            work(&mut connection)
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) if runtime.runtime_flavor() == RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(run)
            }
            _ => run(),
        }
    }
}

fn database(error: rusqlite::Error) -> StoreError {
    StoreError::Database(error.to_string())
}

fn conversion_error(index: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, message.into())
}

#[async_trait]
impl PaymentStore for SqliteStore {
    async fn insert_or_get(&self, row: &PaymentRow) -> Result<Inserted, StoreError> {
        self.with(|connection| payments::insert_or_get(connection, row))
    }

    async fn get(&self, id: &str) -> Result<Option<PaymentRow>, StoreError> {
        self.with(|connection| payments::select_by(connection, "id", id))
    }

    async fn get_by_intent(&self, intent_id: &str) -> Result<Option<PaymentRow>, StoreError> {
        self.with(|connection| payments::select_by(connection, "provider_intent_id", intent_id))
    }

    async fn update(
        &self,
        row: &PaymentRow,
        change: Option<&StatusChange>,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError> {
        self.with(|connection| payments::update(connection, row, change, events))
    }

    async fn update_paid(
        &self,
        row: &PaymentRow,
        twice: &PaymentRow,
        change: &StatusChange,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError> {
        self.with(|connection| payments::update_paid(connection, row, twice, change, events))
    }

    async fn history(&self, id: &str) -> Result<Vec<StatusChange>, StoreError> {
        self.with(|connection| payments::history(connection, id))
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<PaymentRow>, StoreError> {
        self.with(|connection| payments::list(connection, filter))
    }

    async fn list_followed_up(&self) -> Result<Vec<PaymentRow>, StoreError> {
        self.with(|connection| payments::list_followed_up(connection))
    }

    async fn counts(&self) -> Result<PaymentCounts, StoreError> {
        self.with(|connection| payments::counts(connection))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.with(|connection| schema::check_current(connection))
    }

    async fn order_attempt(&self, order_ref: &str) -> Result<Option<PaymentRow>, StoreError> {
        self.with(|connection| payments::order_attempt(connection, order_ref, ""))
    }

    async fn update_taking_order(
        &self,
        row: &PaymentRow,
        change: &StatusChange,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError> {
        self.with(|connection| payments::update_taking_order(connection, row, change, events))
    }

    async fn insert_operation(
        &self,
        operation: &OperationRow,
    ) -> Result<Inserted<OperationRow>, StoreError> {
        self.with(|connection| operations::insert(connection, operation))
    }

    async fn finish_operation(
        &self,
        operation: &OperationRow,
        payment: Option<(&PaymentRow, &StatusChange)>,
        events: Events<'_>,
    ) -> Result<(), StoreError> {
        self.with(|connection| operations::finish(connection, operation, payment, events))
    }

    async fn operations(&self, payment_id: &str) -> Result<Vec<OperationRow>, StoreError> {
        self.with(|connection| operations::of_payment(connection, payment_id))
    }

    async fn unfinished_operations(&self) -> Result<Vec<OperationRow>, StoreError> {
        self.with(|connection| operations::unfinished(connection))
    }

    async fn lock_payment(&self, id: &str) -> Result<PaymentLock, StoreError> {
        Ok(PaymentLock::local(self.locks.lock(id).await))
    }

    async fn take_allowance(
        &self,
        key: &str,
        allowance: Allowance,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.with(|connection| leases::take_allowance(connection, key, allowance, now_ms))
    }

    async fn claim_lease(&self, key: &str, now_ms: i64, until_ms: i64) -> Result<bool, StoreError> {
        self.with(|connection| leases::claim(connection, key, now_ms, until_ms))
    }

    async fn prune_leases(&self, before_ms: i64) -> Result<u64, StoreError> {
        self.with(|connection| leases::prune(connection, before_ms))
    }
}

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn set_endpoints(&self, urls: &[String]) -> Result<(), StoreError> {
        self.with(|connection| outbox::set_endpoints(connection, urls))
    }

    async fn claim_due(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        self.with(|connection| outbox::claim_due(connection, now_ms, lease_until_ms, limit))
    }

    async fn record_attempt(
        &self,
        delivery_id: i64,
        attempt: &AttemptRow,
        result: AttemptResult,
    ) -> Result<(), StoreError> {
        self.with(|connection| outbox::record_attempt(connection, delivery_id, attempt, result))
    }

    async fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>, StoreError> {
        self.with(|connection| outbox::events(connection, filter))
    }

    async fn event(&self, id: &str) -> Result<Option<EventRow>, StoreError> {
        self.with(|connection| outbox::event(connection, id))
    }

    async fn deliveries(
        &self,
        event_id: &str,
    ) -> Result<Vec<(DeliveryRow, Vec<AttemptRow>)>, StoreError> {
        self.with(|connection| outbox::deliveries(connection, event_id))
    }

    async fn replay(&self, event_id: &str, now_ms: i64) -> Result<bool, StoreError> {
        self.with(|connection| outbox::replay(connection, event_id, now_ms))
    }

    async fn record_inbound(
        &self,
        provider: &str,
        event_id: &str,
        received_at: &str,
    ) -> Result<bool, StoreError> {
        self.with(|connection| outbox::record_inbound(connection, provider, event_id, received_at))
    }

    async fn prune(&self, before: &str) -> Result<(usize, usize), StoreError> {
        self.with(|connection| outbox::prune(connection, before))
    }

    async fn delivery_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        self.with(|connection| outbox::delivery_counts(connection))
    }
}

#[cfg(test)]
mod tests;
