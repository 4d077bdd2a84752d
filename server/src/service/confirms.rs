//! The places for mobile-money confirmations waiting on shoppers' phones. Each holds a provider
//! request for up to two minutes, so only so many run at once, and they are shared: no client
//! address holds more than its share and no phone more than [`PER_PHONE`], so a few addresses
//! cannot take every place from the other shoppers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Confirmations one phone may have waiting: it answers one prompt at a time.
const PER_PHONE: usize = 2;

/// Who holds places, and how many each.
#[derive(Default)]
struct Holders(Mutex<HashMap<String, usize>>);

impl Holders {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        // Counts are plain integers updated in one step: a poisoned lock left them whole.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(super) struct ConfirmPlaces {
    all: Arc<Semaphore>,
    total: usize,
    per_client: usize,
    holders: Arc<Holders>,
}

/// One place, given back when dropped (once the confirmation's outcome is written).
pub(super) struct ConfirmPlace {
    _permit: OwnedSemaphorePermit,
    keys: [String; 2],
    holders: Arc<Holders>,
}

impl Drop for ConfirmPlace {
    fn drop(&mut self) {
        let mut held = self.holders.lock();
        for key in &self.keys {
            if let Some(count) = held.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    held.remove(key);
                }
            }
        }
    }
}

/// Why no place was given.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NoPlace {
    /// Every place is taken.
    Full,
    /// This client address holds its share.
    ClientShare,
    /// This phone has its prompts waiting.
    PhoneShare,
}

impl std::fmt::Display for NoPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NoPlace::Full => {
                "too many mobile-money confirmations are waiting for shoppers; try again in a moment"
            }
            NoPlace::ClientShare => {
                "too many mobile-money confirmations from this address are waiting for shoppers; try again in a moment"
            }
            NoPlace::PhoneShare => {
                "a confirmation is already waiting on this phone: answer it, or try again in a moment"
            }
        })
    }
}

impl ConfirmPlaces {
    /// `total` places, at most `per_client` for one client address.
    pub(super) fn new(total: usize, per_client: usize) -> Self {
        let total = total.max(1);
        Self {
            all: Arc::new(Semaphore::new(total)),
            total,
            per_client: per_client.clamp(1, total),
            holders: Arc::default(),
        }
    }

    /// A place for a confirmation asked by `client` for `phone`, if both are under their share.
    pub(super) fn take(&self, client: &str, phone: &str) -> Result<ConfirmPlace, NoPlace> {
        let keys = [format!("client {client}"), format!("phone {phone}")];
        let mut held = self.holders.lock();
        if held.get(&keys[0]).copied().unwrap_or(0) >= self.per_client {
            return Err(NoPlace::ClientShare);
        }
        if held.get(&keys[1]).copied().unwrap_or(0) >= PER_PHONE {
            return Err(NoPlace::PhoneShare);
        }
        let permit = self
            .all
            .clone()
            .try_acquire_owned()
            .map_err(|_| NoPlace::Full)?;
        for key in &keys {
            *held.entry(key.clone()).or_default() += 1;
        }
        Ok(ConfirmPlace {
            _permit: permit,
            keys,
            holders: self.holders.clone(),
        })
    }

    /// Waits up to `limit` for every place to be given back.
    pub(super) async fn drain(&self, limit: Duration) -> bool {
        let all = u32::try_from(self.total).unwrap_or(u32::MAX);
        tokio::time::timeout(limit, self.all.acquire_many(all))
            .await
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_addresses_cannot_take_every_place() {
        let places = ConfirmPlaces::new(8, 2);
        let mut held = Vec::new();
        for phone in ["1", "2"] {
            held.push(places.take("203.0.113.7", phone).unwrap());
        }
        assert_eq!(
            places.take("203.0.113.7", "3").err(),
            Some(NoPlace::ClientShare)
        );
        // Other shoppers still find places.
        for (client, phone) in [("198.51.100.1", "4"), ("198.51.100.2", "5")] {
            held.push(places.take(client, phone).unwrap());
        }
        // One place comes back when its confirmation ends.
        held.remove(0);
        assert!(places.take("203.0.113.7", "3").is_ok());
    }

    #[test]
    fn one_phone_holds_at_most_its_share_whatever_the_addresses() {
        let places = ConfirmPlaces::new(8, 8);
        let _first = places.take("198.51.100.1", "242066594470").unwrap();
        let _second = places.take("198.51.100.2", "242066594470").unwrap();
        assert_eq!(
            places.take("198.51.100.3", "242066594470").err(),
            Some(NoPlace::PhoneShare)
        );
    }

    #[test]
    fn every_place_taken_is_full() {
        let places = ConfirmPlaces::new(2, 2);
        let _a = places.take("a", "1").unwrap();
        let _b = places.take("b", "2").unwrap();
        assert_eq!(places.take("c", "3").err(), Some(NoPlace::Full));
    }

    #[tokio::test]
    async fn drain_waits_for_the_places_to_come_back() {
        let places = ConfirmPlaces::new(2, 2);
        let held = places.take("a", "1").unwrap();
        assert!(!places.drain(Duration::from_millis(10)).await);
        drop(held);
        assert!(places.drain(Duration::from_millis(10)).await);
    }
}
