//! One async lock per payment, held while work that must not overlap runs (creating its provider
//! intent, a capture, release or refund). Locks are dropped once nobody holds or waits for them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

#[derive(Default)]
pub struct PaymentLocks {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Holds one payment's lock; releasing it forgets the lock when nobody else wants it.
pub struct PaymentGuard<'a> {
    locks: &'a PaymentLocks,
    id: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl PaymentLocks {
    /// Waits for the lock of payment `id`.
    pub async fn lock(&self, id: &str) -> PaymentGuard<'_> {
        let lock = {
            let mut locks = self.locks.lock().expect("lock");
            locks.entry(id.to_string()).or_default().clone()
        };
        let guard = lock.lock_owned().await;
        PaymentGuard {
            locks: self,
            id: id.to_string(),
            guard: Some(guard),
        }
    }
}

impl Drop for PaymentGuard<'_> {
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
        let locks = Arc::new(PaymentLocks::default());
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
