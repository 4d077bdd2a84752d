//! When to ask the backend again while a payment is undecided, and for how long.

/// Capped exponential backoff with jitter, so many open widgets do not poll in lockstep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Delay before the second request.
    pub initial_ms: u32,
    /// Growth of the delay from one attempt to the next.
    pub factor: f64,
    /// Longest delay, jitter included.
    pub max_ms: u32,
    /// Relative spread: `0.2` draws each delay within ±20 % of its base.
    pub jitter: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial_ms: 1_000,
            factor: 1.5,
            max_ms: 5_000,
            jitter: 0.2,
        }
    }
}

impl Backoff {
    /// Delay before poll number `attempt + 1` (`attempt` counts from 0). `random_unit` is a
    /// uniform draw in `[0, 1)` supplied by the caller, which keeps this function deterministic.
    pub fn delay_ms(&self, attempt: u32, random_unit: f64) -> u32 {
        let max = f64::from(self.max_ms);
        // Capping the exponent keeps powi finite; the result is capped again below.
        let base = (f64::from(self.initial_ms) * self.factor.powi(attempt.min(64) as i32)).min(max);
        let spread = self.jitter * (2.0 * random_unit.clamp(0.0, 1.0) - 1.0);
        (base * (1.0 + spread)).clamp(0.0, max).round() as u32
    }
}

/// How the checkout polls a pending payment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollPolicy {
    /// Spacing of successive polls; network errors back off on the same schedule.
    pub backoff: Backoff,
    /// How long to wait for an undecided payment (mobile money times out after about 90 s).
    pub pending_deadline_ms: u64,
    /// How long to keep checking after the shopper comes back from the OTP page, where the
    /// provider may take its time to record the code.
    pub after_return_deadline_ms: u64,
    /// Past the deadline the widget still asks now and then, so a late answer still shows.
    pub still_pending_every_ms: u32,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            backoff: Backoff::default(),
            pending_deadline_ms: 120_000,
            after_return_deadline_ms: 600_000,
            still_pending_every_ms: 15_000,
        }
    }
}

/// `m:ss` for a countdown, rounded up so it reads `0:00` only when the time is really up.
pub fn countdown_text(remaining_ms: u64) -> String {
    let seconds = remaining_ms.div_ceil(1_000);
    [
        checkout_contract::decimal(seconds / 60, 0),
        checkout_contract::decimal(seconds % 60, 2),
    ]
    .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    const JITTER_EXTREMES: [f64; 3] = [0.0, 0.5, 0.999_999];

    #[test]
    fn delays_grow_by_the_factor_without_jitter() {
        let backoff = Backoff::default();
        let delays: Vec<u32> = (0..5)
            .map(|attempt| backoff.delay_ms(attempt, 0.5))
            .collect();
        assert_eq!(delays, [1_000, 1_500, 2_250, 3_375, 5_000]);
    }

    #[test]
    fn jitter_stays_within_its_spread() {
        let backoff = Backoff::default();
        assert_eq!(backoff.delay_ms(0, 0.0), 800);
        assert_eq!(backoff.delay_ms(0, 1.0), 1_200);
        assert_eq!(backoff.delay_ms(1, 0.0), 1_200);
    }

    #[test]
    fn delay_never_exceeds_the_cap() {
        let backoff = Backoff::default();
        for attempt in [4, 10, 1_000, u32::MAX] {
            for random in JITTER_EXTREMES {
                let delay = backoff.delay_ms(attempt, random);
                assert!(
                    (4_000..=5_000).contains(&delay),
                    "{attempt} {random} -> {delay}"
                );
            }
        }
    }

    #[test]
    fn random_outside_the_unit_interval_is_clamped() {
        let backoff = Backoff::default();
        assert_eq!(backoff.delay_ms(0, -3.0), 800);
        assert_eq!(backoff.delay_ms(0, 7.0), 1_200);
    }

    #[test]
    fn polling_averages_at_most_one_request_per_second() {
        let backoff = Backoff::default();
        for random in JITTER_EXTREMES {
            let mut total_ms = 0_u64;
            for attempt in 0..300_u32 {
                total_ms += u64::from(backoff.delay_ms(attempt, random));
                let requests = u64::from(attempt) + 1;
                if requests >= 2 {
                    assert!(
                        total_ms >= requests * 1_000,
                        "{requests} polls in {total_ms} ms"
                    );
                }
            }
        }
    }

    #[test]
    fn default_deadlines_suit_mobile_money_and_otp_returns() {
        let policy = PollPolicy::default();
        assert_eq!(policy.pending_deadline_ms, 120_000);
        assert_eq!(policy.after_return_deadline_ms, 600_000);
    }

    #[test]
    fn countdown_reads_minutes_and_seconds() {
        assert_eq!(countdown_text(90_000), "1:30");
        assert_eq!(countdown_text(120_000), "2:00");
        assert_eq!(countdown_text(59_001), "1:00");
        assert_eq!(countdown_text(1), "0:01");
        assert_eq!(countdown_text(0), "0:00");
        assert_eq!(countdown_text(600_000), "10:00");
    }
}
