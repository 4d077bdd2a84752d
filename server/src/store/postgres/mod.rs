//! The shared store: one PostgreSQL database that several servers use at once. Whatever the
//! SQLite store gets from its single connection, this one gets from the database: a unique
//! idempotency key, row locks, a lock per order, and leases claimed with `SKIP LOCKED`.

use std::time::Duration;

use async_trait::async_trait;
use checkout_contract::StatusChange;
use sqlx::postgres::{PgPool, PgPoolOptions};

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
mod migrations;
mod operations;
mod outbox;
mod payments;

/// Connections one server keeps to the database at most.
const MAX_CONNECTIONS: u32 = 16;

/// How long a request waits for a free connection before it fails (the SQLite store's busy
/// timeout).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections one server keeps for the payments' locks: each lock held is a session's
/// advisory lock, so one connection per payment being worked on.
const LOCK_CONNECTIONS: u32 = 16;

/// How long a payment's lock is waited for: longer than any provider request lasts.
const LOCK_WAIT: Duration = Duration::from_secs(60);

/// How often a payment's lock held by another server is asked for again.
const LOCK_RETRY: Duration = Duration::from_millis(20);

/// The first key of the payments' locks, so that they meet no other advisory lock.
const PAYMENT_LOCK_CLASS: i32 = 0x7061_796d; // "paym"

/// A payment store in a PostgreSQL database.
pub struct PgStore {
    pool: PgPool,
    /// The connections that hold payments' locks. One goes back to the pool only with its
    /// locks released, and a server that dies takes its sessions, hence its locks, with it.
    lock_pool: PgPool,
    /// Waiters of one server queue here, each then taking one connection to the database's lock.
    locks: LocalLocks,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host/database`) and brings
    /// its schema up to this version's migrations; refuses a schema this version does not know.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .map_err(database)?;
        if let Err(error) = migrations::run(&pool).await {
            // A refused migration leaves the migrator's lock held by its connection: closing
            // the pool ends that session now, so that other servers are not kept waiting.
            pool.close().await;
            return Err(error);
        }
        let lock_pool = PgPoolOptions::new()
            .max_connections(LOCK_CONNECTIONS)
            .acquire_timeout(LOCK_WAIT)
            .after_release(|connection, _| {
                Box::pin(async move {
                    sqlx::query("SELECT pg_advisory_unlock_all()")
                        .execute(connection)
                        .await?;
                    Ok(true)
                })
            })
            .connect_lazy(url)
            .map_err(database)?;
        Ok(Self {
            pool,
            lock_pool,
            locks: LocalLocks::default(),
        })
    }

    /// Whether `url` names a PostgreSQL database.
    pub fn handles(url: &str) -> bool {
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }
}

fn database(error: sqlx::Error) -> StoreError {
    StoreError::Database(error.to_string())
}

/// A stored value this version cannot read.
fn unreadable(what: &str, value: &str) -> StoreError {
    StoreError::Database(format!("unknown {what} `{value}` in the database"))
}

#[async_trait]
impl PaymentStore for PgStore {
    async fn insert_or_get(&self, row: &PaymentRow) -> Result<Inserted, StoreError> {
        payments::insert_or_get(&self.pool, row).await
    }

    async fn get(&self, id: &str) -> Result<Option<PaymentRow>, StoreError> {
        payments::select_by(&self.pool, "id", id).await
    }

    async fn get_by_intent(&self, intent_id: &str) -> Result<Option<PaymentRow>, StoreError> {
        payments::select_by(&self.pool, "provider_intent_id", intent_id).await
    }

    async fn update(
        &self,
        row: &PaymentRow,
        change: Option<&StatusChange>,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError> {
        payments::update(&self.pool, row, change, events).await
    }

    async fn update_paid(
        &self,
        row: &PaymentRow,
        twice: &PaymentRow,
        change: &StatusChange,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError> {
        payments::update_paid(&self.pool, row, twice, change, events).await
    }

    async fn history(&self, id: &str) -> Result<Vec<StatusChange>, StoreError> {
        payments::history(&self.pool, id).await
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<PaymentRow>, StoreError> {
        payments::list(&self.pool, filter).await
    }

    async fn list_followed_up(&self) -> Result<Vec<PaymentRow>, StoreError> {
        payments::list_followed_up(&self.pool).await
    }

    async fn counts(&self) -> Result<PaymentCounts, StoreError> {
        payments::counts(&self.pool).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        migrations::check_current(&self.pool).await
    }

    async fn order_attempt(&self, order_ref: &str) -> Result<Option<PaymentRow>, StoreError> {
        payments::order_attempt(&self.pool, order_ref, "").await
    }

    async fn update_taking_order(
        &self,
        row: &PaymentRow,
        change: &StatusChange,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError> {
        payments::update_taking_order(&self.pool, row, change, events).await
    }

    async fn insert_operation(
        &self,
        operation: &OperationRow,
    ) -> Result<Inserted<OperationRow>, StoreError> {
        operations::insert(&self.pool, operation).await
    }

    async fn finish_operation(
        &self,
        operation: &OperationRow,
        payment: Option<(&PaymentRow, &StatusChange)>,
        events: Events<'_>,
    ) -> Result<(), StoreError> {
        operations::finish(&self.pool, operation, payment, events).await
    }

    async fn operations(&self, payment_id: &str) -> Result<Vec<OperationRow>, StoreError> {
        operations::of_payment(&self.pool, payment_id).await
    }

    async fn unfinished_operations(&self) -> Result<Vec<OperationRow>, StoreError> {
        operations::unfinished(&self.pool).await
    }

    async fn lock_payment(&self, id: &str) -> Result<PaymentLock, StoreError> {
        let local = self.locks.lock(id).await;
        let started = std::time::Instant::now();
        let mut connection = self.lock_pool.acquire().await.map_err(database)?;
        loop {
            let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
                .bind(PAYMENT_LOCK_CLASS)
                .bind(id)
                .fetch_one(&mut *connection)
                .await
                .map_err(database)?;
            if taken {
                return Ok(PaymentLock::shared(local, Box::new(connection)));
            }
            if started.elapsed() > LOCK_WAIT {
                return Err(StoreError::Conflict);
            }
            tokio::time::sleep(LOCK_RETRY).await;
        }
    }

    async fn take_allowance(
        &self,
        key: &str,
        allowance: Allowance,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        leases::take_allowance(&self.pool, key, allowance, now_ms).await
    }

    async fn claim_lease(&self, key: &str, now_ms: i64, until_ms: i64) -> Result<bool, StoreError> {
        leases::claim(&self.pool, key, now_ms, until_ms).await
    }

    async fn prune_leases(&self, before_ms: i64) -> Result<u64, StoreError> {
        leases::prune(&self.pool, before_ms).await
    }
}

#[async_trait]
impl WebhookStore for PgStore {
    async fn set_endpoints(&self, urls: &[String]) -> Result<(), StoreError> {
        outbox::set_endpoints(&self.pool, urls).await
    }

    async fn claim_due(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        outbox::claim_due(&self.pool, now_ms, lease_until_ms, limit).await
    }

    async fn record_attempt(
        &self,
        delivery_id: i64,
        attempt: &AttemptRow,
        result: AttemptResult,
    ) -> Result<(), StoreError> {
        outbox::record_attempt(&self.pool, delivery_id, attempt, result).await
    }

    async fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>, StoreError> {
        outbox::events(&self.pool, filter).await
    }

    async fn event(&self, id: &str) -> Result<Option<EventRow>, StoreError> {
        outbox::event(&self.pool, id).await
    }

    async fn deliveries(
        &self,
        event_id: &str,
    ) -> Result<Vec<(DeliveryRow, Vec<AttemptRow>)>, StoreError> {
        outbox::deliveries(&self.pool, event_id).await
    }

    async fn replay(&self, event_id: &str, now_ms: i64) -> Result<bool, StoreError> {
        outbox::replay(&self.pool, event_id, now_ms).await
    }

    async fn record_inbound(
        &self,
        provider: &str,
        event_id: &str,
        received_at: &str,
    ) -> Result<bool, StoreError> {
        outbox::record_inbound(&self.pool, provider, event_id, received_at).await
    }

    async fn prune(&self, before: &str) -> Result<(usize, usize), StoreError> {
        outbox::prune(&self.pool, before).await
    }

    async fn delivery_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        outbox::delivery_counts(&self.pool).await
    }
}
