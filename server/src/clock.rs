//! The clock the server is given, and the RFC 3339 form times are stored and sent in.
//!
//! Every moment that decides something (a stored time, a lease, the outbox's schedule,
//! reconcile's backoff, a grace period, a token's expiry) is read from the [`Clock`] the server
//! was built with: the system's in production, a [`Clock::manual`] one that only moves when
//! told to in tests, so that a test lets an hour pass without waiting for it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// Where the server reads the time. Cheap to clone: clones share one clock.
#[derive(Clone, Default)]
pub struct Clock {
    manual: Option<Arc<Mutex<Manual>>>,
}

/// A manual clock's reading: the wall time, and the monotonic instant that moves with it.
#[derive(Clone, Copy)]
struct Manual {
    wall: OffsetDateTime,
    instant: Instant,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.manual {
            None => f.write_str("Clock::System"),
            Some(manual) => write!(f, "Clock::Manual({})", rfc3339(read(manual).wall)),
        }
    }
}

fn read(manual: &Mutex<Manual>) -> Manual {
    *manual
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock standing at `start` until [`Clock::advance`] or [`Clock::set`] moves it.
    pub fn manual(start: OffsetDateTime) -> Self {
        Self {
            manual: Some(Arc::new(Mutex::new(Manual {
                wall: start,
                instant: Instant::now(),
            }))),
        }
    }

    /// Whether this clock moves only when told to.
    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }

    /// Moves a manual clock forward by `by`.
    ///
    /// # Panics
    /// On the system clock, which nobody moves.
    pub fn advance(&self, by: Duration) {
        let mut manual = self.manual_state();
        manual.wall += by;
        manual.instant += by;
    }

    /// Moves a manual clock to `at`, forward or back (its monotonic reading never goes back).
    ///
    /// # Panics
    /// On the system clock, which nobody moves.
    pub fn set(&self, at: OffsetDateTime) {
        let mut manual = self.manual_state();
        if let Ok(forward) = Duration::try_from(at - manual.wall) {
            manual.instant += forward;
        }
        manual.wall = at;
    }

    fn manual_state(&self) -> std::sync::MutexGuard<'_, Manual> {
        self.manual
            .as_ref()
            .expect("only a manual clock can be moved")
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Now, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        match &self.manual {
            None => OffsetDateTime::now_utc(),
            Some(manual) => read(manual).wall,
        }
    }

    /// Now, as times are stored and sent.
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.now())
    }

    /// Now, in Unix seconds: the form order tokens and signature timestamps use.
    pub fn unix_seconds(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Now, in Unix milliseconds: the form the outbox's schedule and the leases are kept in.
    pub fn unix_millis(&self) -> i64 {
        i64::try_from(self.now().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
    }

    /// A monotonic now, for waits kept in memory (the system clock may be set back; this never
    /// goes back).
    pub fn instant(&self) -> Instant {
        match &self.manual {
            None => Instant::now(),
            Some(manual) => read(manual).instant,
        }
    }

    /// Whether the RFC 3339 moment `at`, plus `grace`, is in the past.
    pub fn passed(&self, at: Option<&str>, grace: Duration) -> bool {
        at.and_then(parse_rfc3339)
            .is_some_and(|at| at + grace < self.now())
    }
}

pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn parse_rfc3339(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_its_clones_follow() {
        let start = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let clock = Clock::manual(start);
        let shared = clock.clone();
        let instant = clock.instant();
        assert_eq!(clock.now(), start);
        assert_eq!(clock.unix_millis(), 1_800_000_000_000);
        shared.advance(Duration::from_millis(1500));
        assert_eq!(clock.unix_millis(), 1_800_000_001_500);
        assert_eq!(clock.instant() - instant, Duration::from_millis(1500));
        clock.set(start);
        assert_eq!(shared.now(), start);
        assert_eq!(
            clock.instant() - instant,
            Duration::from_millis(1500),
            "the monotonic reading never goes back"
        );
        assert!(clock.passed(Some("2027-01-15T07:59:59Z"), Duration::ZERO));
        assert!(!clock.passed(Some(&rfc3339(start)), Duration::from_secs(1)));
        assert!(!clock.passed(None, Duration::ZERO));
    }

    #[test]
    #[should_panic(expected = "only a manual clock")]
    fn the_system_clock_cannot_be_moved() {
        Clock::system().advance(Duration::from_secs(1));
    }

    #[test]
    fn the_system_clock_reads_the_system_time() {
        let before = OffsetDateTime::now_utc();
        let read = Clock::system().now();
        assert!(read >= before && read <= OffsetDateTime::now_utc());
        assert!(!Clock::system().is_manual());
    }
}
