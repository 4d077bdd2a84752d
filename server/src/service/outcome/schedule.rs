//! When each payment was last checked: the throttle of polls and the backoff of reconcile,
//! kept in memory by each server.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When each in-flight payment was last checked, and how many checks in a row found nothing
/// new: polls are throttled to one check per interval, reconcile backs off exponentially.
#[derive(Default)]
pub(in crate::service) struct CheckSchedule {
    checks: Mutex<HashMap<String, LastCheck>>,
}

#[derive(Clone, Copy)]
struct LastCheck {
    at: Instant,
    unchanged: u32,
}

impl CheckSchedule {
    /// Claims a check of `id` if the last one is at least `wait(unchanged checks)` old at
    /// `now` (the service clock's monotonic reading), and answers that wait. A payment never
    /// checked is claimed at once when `at_once`, else its wait starts now.
    fn claim(
        &self,
        id: &str,
        now: Instant,
        at_once: bool,
        wait: impl Fn(u32) -> Duration,
    ) -> Option<Duration> {
        let mut checks = self.checks.lock().expect("lock");
        let unchanged = match checks.get(id) {
            Some(last) if now.duration_since(last.at) < wait(last.unchanged) => return None,
            Some(last) => last.unchanged,
            None if !at_once => {
                checks.insert(
                    id.to_string(),
                    LastCheck {
                        at: now,
                        unchanged: 0,
                    },
                );
                return None;
            }
            None => 0,
        };
        checks.insert(id.to_string(), LastCheck { at: now, unchanged });
        Some(wait(unchanged))
    }

    /// A poll's check: at most one per `interval`.
    pub(in crate::service) fn claim_for_poll(
        &self,
        id: &str,
        now: Instant,
        interval: Duration,
    ) -> bool {
        self.claim(id, now, true, |_| interval).is_some()
    }

    /// Reconcile's check: `base` after it first sees the payment (a widget polls a payment
    /// just submitted, and a webhook may announce it), then doubled for each check in a row
    /// that found nothing new, up to `max`. Answers the wait until the next one when due.
    pub(in crate::service) fn claim_for_reconcile(
        &self,
        id: &str,
        now: Instant,
        base: Duration,
        max: Duration,
    ) -> Option<Duration> {
        self.claim(id, now, false, |unchanged| {
            base.max(Duration::from_millis(500))
                .saturating_mul(1 << unchanged.min(16))
                .min(max)
        })
    }

    /// What the check found.
    pub(in crate::service) fn checked(&self, id: &str, changed: bool, finished: bool) {
        let mut checks = self.checks.lock().expect("lock");
        if finished {
            checks.remove(id);
        } else if let Some(last) = checks.get_mut(id) {
            last.unchanged = if changed { 0 } else { last.unchanged + 1 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconcile_backs_off_while_nothing_changes() {
        let schedule = CheckSchedule::default();
        let base = Duration::from_secs(60);
        let max = Duration::from_secs(600);
        let now = Instant::now();
        // Seen for the first time: the first check waits `base`.
        assert_eq!(schedule.claim_for_reconcile("pay_1", now, base, max), None);
        assert_eq!(schedule.claim_for_reconcile("pay_1", now, base, max), None);
        assert_eq!(
            schedule.claim_for_reconcile("pay_2", now, Duration::ZERO, Duration::ZERO),
            None
        );
        assert_eq!(
            schedule.claim_for_reconcile("pay_2", now, Duration::ZERO, Duration::ZERO),
            Some(Duration::ZERO),
            "due at once, and the next round as soon"
        );
        schedule.checked("pay_1", false, false);
        schedule.checked("pay_1", false, false);
        assert_eq!(schedule.checks.lock().unwrap()["pay_1"].unchanged, 2);
        schedule.checked("pay_1", true, false);
        assert_eq!(schedule.checks.lock().unwrap()["pay_1"].unchanged, 0);
        schedule.checked("pay_1", false, true);
        schedule.checked("pay_2", false, true);
        assert!(schedule.checks.lock().unwrap().is_empty());
        assert!(schedule.claim_for_poll("pay_1", now, Duration::ZERO));
    }

    #[test]
    fn reconcile_checks_again_once_the_wait_has_passed() {
        let schedule = CheckSchedule::default();
        let base = Duration::from_secs(60);
        let max = Duration::from_secs(150);
        let start = Instant::now();
        let at = |seconds| start + Duration::from_secs(seconds);
        assert_eq!(
            schedule.claim_for_reconcile("pay_1", at(0), base, max),
            None
        );
        assert_eq!(
            schedule.claim_for_reconcile("pay_1", at(59), base, max),
            None
        );
        assert_eq!(
            schedule.claim_for_reconcile("pay_1", at(60), base, max),
            Some(base)
        );
        schedule.checked("pay_1", false, false);
        // Nothing new: the next wait doubles, up to `max`.
        assert_eq!(
            schedule.claim_for_reconcile("pay_1", at(179), base, max),
            None
        );
        assert_eq!(
            schedule.claim_for_reconcile("pay_1", at(180), base, max),
            Some(Duration::from_secs(120))
        );
        schedule.checked("pay_1", false, false);
        assert_eq!(
            schedule.claim_for_reconcile("pay_1", at(330), base, max),
            Some(max)
        );
    }
}
