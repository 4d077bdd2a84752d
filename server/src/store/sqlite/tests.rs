use std::time::{Duration, Instant};

use super::SqliteStore;
use crate::store::PaymentStore;

/// A write waiting on another writer (up to the busy timeout) holds no worker: with a single
/// worker, another task still runs at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_busy_database_holds_no_worker() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("checkout.db");
    let store = std::sync::Arc::new(SqliteStore::open(&path).unwrap());
    let other_writer = rusqlite::Connection::open(&path).unwrap();
    other_writer.execute_batch("BEGIN IMMEDIATE").unwrap();

    let waiting = tokio::spawn({
        let store = store.clone();
        async move { store.claim_lease("round:1", 0, 1_000).await }
    });
    // Let the write reach the database and wait on the other writer.
    std::thread::sleep(Duration::from_millis(200));
    assert!(!waiting.is_finished());

    let started = Instant::now();
    tokio::spawn(async {}).await.unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(1),
        "another task waited {elapsed:?} behind the database"
    );
    assert!(!waiting.is_finished());

    other_writer.execute_batch("COMMIT").unwrap();
    assert!(waiting.await.unwrap().unwrap());
}
