//! A payment's lock: one holder at a time for the work that must not overlap (creating its
//! provider intent, a capture, release or refund, the merchant's word). Every store keeps the
//! in-process part; the PostgreSQL store adds the database's lock, so that servers take turns.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

/// Held while one caller works on a payment; dropping it lets the next one in.
pub struct PaymentLock {
    // Declared first, so dropped first: the database's lock goes before this process's.
    _shared: Option<Box<dyn Send>>,
    _local: LocalGuard,
}

impl PaymentLock {
    /// A lock this process alone takes (one server on its database).
    pub(super) fn local(local: LocalGuard) -> Self {
        Self {
            _shared: None,
            _local: local,
        }
    }

    /// A lock held in this process and in the database, by `shared` until it is dropped.
    pub(super) fn shared(local: LocalGuard, shared: Box<dyn Send>) -> Self {
        Self {
            _shared: Some(shared),
            _local: local,
        }
    }
}

/// One async lock per payment in this process. Locks are dropped once nobody holds or waits
/// for them.
#[derive(Default, Clone)]
pub(super) struct LocalLocks {
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

/// Holds one payment's lock in this process; releasing it forgets the lock when nobody else
/// wants it.
pub(super) struct LocalGuard {
    locks: LocalLocks,
    id: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl LocalLocks {
    /// Waits for the lock of payment `id`.
    pub(super) async fn lock(&self, id: &str) -> LocalGuard {
        let lock = {
            let mut locks = self.locks.lock().expect("lock");
            locks.entry(id.to_string()).or_default().clone()
        };
        let guard = lock.lock_owned().await;
        LocalGuard {
            locks: self.clone(),
            id: id.to_string(),
            guard: Some(guard),
        }
    }
}

impl Drop for LocalGuard {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut locks = self.locks.locks.lock().expect("lock");
        // Only the map holds it now: nobody holds or waits for this payment.
        if locks
            .get(&self.id)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            locks.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_holder_waits_and_the_lock_is_forgotten_after() {
        let locks = LocalLocks::default();
        let first = locks.lock("pay_1").await;
        let waiting = {
            let locks = locks.clone();
            tokio::spawn(async move {
                let _second = locks.lock("pay_1").await;
            })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        drop(first);
        waiting.await.unwrap();
        assert!(locks.locks.lock().unwrap().is_empty());
    }
}
