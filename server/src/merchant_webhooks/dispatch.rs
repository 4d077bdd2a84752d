//! Delivering the outbox to the merchant's endpoints: at least once, with the same
//! `webhook-id` on every retry, retried with exponential backoff and jitter for as long as the
//! policy allows, across restarts (the state is in the store). Each delivery runs on its own
//! task, so a slow or failing endpoint delays neither payments nor the other endpoints.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use tokio::sync::Semaphore;

use super::signing::Signer;
use crate::clock::Clock;
use crate::store::outbox::{AttemptResult, AttemptRow, DueDelivery, WebhookStore};

/// How often the outbox is looked at for deliveries that are due.
const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Deliveries in flight at once, over all endpoints.
const MAX_IN_FLIGHT: usize = 32;

/// When to try a failed delivery again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles after each one.
    pub first_retry: Duration,
    /// The longest wait between two attempts.
    pub max_interval: Duration,
    /// How long after the event it is still retried.
    pub give_up_after: Duration,
}

impl RetryPolicy {
    /// The wait before the next attempt after `failures` failed ones, for an event `age` old;
    /// `None` once that attempt would come too late. `jitter` (0 to 1) spreads the retries of
    /// many events over ±25 % of the wait, so that they do not all come back at once.
    pub fn next_wait(&self, failures: u32, age: Duration, jitter: f64) -> Option<Duration> {
        let doubled = self
            .first_retry
            .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
        let wait = doubled
            .min(self.max_interval)
            .mul_f64(0.75 + 0.5 * jitter.clamp(0.0, 1.0));
        (age + wait <= self.give_up_after).then_some(wait)
    }
}

/// The delivery worker.
#[derive(Clone)]
pub struct Dispatcher {
    store: Arc<dyn WebhookStore>,
    http: reqwest::Client,
    signer: Arc<Signer>,
    policy: RetryPolicy,
    timeout: Duration,
    slots: Arc<Semaphore>,
    /// What the schedule of retries is read against.
    clock: Clock,
}

impl Dispatcher {
    pub fn new(
        store: Arc<dyn WebhookStore>,
        signer: Signer,
        policy: RetryPolicy,
        timeout: Duration,
        ca_pem: Option<&[u8]>,
        clock: Clock,
    ) -> Self {
        let mut http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            // A redirect is not a delivery: the merchant must give the endpoint itself.
            .redirect(reqwest::redirect::Policy::none());
        // Checked when the configuration was read.
        for authority in ca_pem
            .and_then(|pem| reqwest::Certificate::from_pem_bundle(pem).ok())
            .unwrap_or_default()
        {
            http = http.add_root_certificate(authority);
        }
        let http = http.build().expect("HTTP client");
        Self {
            store,
            http,
            signer: Arc::new(signer),
            policy,
            timeout,
            slots: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            clock,
        }
    }

    /// Waits, up to `limit`, for the deliveries under way to record their attempt (those cut
    /// off are due again once their lease runs out).
    pub async fn drain(&self, limit: Duration) -> bool {
        let all = u32::try_from(MAX_IN_FLIGHT).unwrap_or(u32::MAX);
        tokio::time::timeout(limit, self.slots.acquire_many(all))
            .await
            .is_ok()
    }

    /// Delivers forever.
    pub async fn run(self) {
        loop {
            self.round().await;
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Makes every delivery due now, then waits until no delivery is under way (those started
    /// by [`Dispatcher::run`] too), each attempt recorded; answers how many this call made. The
    /// loop does the same on its own schedule; this does it at the moment the caller chooses
    /// (after moving a manual clock).
    pub async fn deliver_due(&self) -> usize {
        let started = self.round().await;
        let all = u32::try_from(MAX_IN_FLIGHT).unwrap_or(u32::MAX);
        // Each attempt ends within the delivery timeout, so this wait does too.
        drop(self.slots.acquire_many(all).await);
        started
    }

    /// Starts every due delivery there is room for; answers how many started.
    pub async fn round(&self) -> usize {
        let room = self.slots.available_permits();
        if room == 0 {
            return 0;
        }
        let now = self.clock.unix_millis();
        // Leased past the longest an attempt can take: no other round sends it meanwhile, and
        // after a crash it is due again once the lease runs out.
        let lease = now + millis(self.timeout + Duration::from_secs(5));
        let due = match self
            .store
            .claim_due(now, lease, u32::try_from(room).unwrap_or(u32::MAX))
            .await
        {
            Ok(due) => due,
            Err(error) => {
                tracing::error!(%error, "could not read the webhook outbox");
                return 0;
            }
        };
        let started = due.len();
        for delivery in due {
            let Ok(permit) = self.slots.clone().acquire_owned().await else {
                break;
            };
            let worker = self.clone();
            tokio::spawn(async move {
                worker.deliver(delivery).await;
                drop(permit);
            });
        }
        started
    }

    async fn deliver(&self, due: DueDelivery) {
        let DueDelivery { delivery, event } = due;
        let timestamp = self.clock.unix_seconds();
        let mut request = self
            .http
            .post(&delivery.url)
            .header("content-type", "application/json")
            .header("user-agent", "checkout-server-webhooks/1");
        for (name, value) in self.signer.headers(&event.id, timestamp, &event.payload) {
            request = request.header(name, value);
        }
        let started = Instant::now();
        let outcome = request.body(event.payload.clone()).send().await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (status, error) = match &outcome {
            Ok(response) if response.status().is_success() => {
                (Some(response.status().as_u16()), None)
            }
            Ok(response) => (
                Some(response.status().as_u16()),
                Some(format!(
                    "the endpoint answered HTTP {}",
                    response.status().as_u16()
                )),
            ),
            Err(error) if error.is_timeout() => (
                None,
                Some(format!("no answer within {} ms", self.timeout.as_millis())),
            ),
            Err(error) => (None, Some(failure_reason(error))),
        };
        let result = if error.is_none() {
            AttemptResult::Delivered
        } else {
            let age = crate::clock::parse_rfc3339(&event.created_at)
                .map(|created| Duration::try_from(self.clock.now() - created).unwrap_or_default())
                .unwrap_or_default();
            let jitter = rand::thread_rng().gen::<f64>();
            match self.policy.next_wait(delivery.attempts + 1, age, jitter) {
                Some(wait) => AttemptResult::RetryAt(self.clock.unix_millis() + millis(wait)),
                None => AttemptResult::GaveUp,
            }
        };
        match result {
            AttemptResult::Delivered => {
                tracing::info!(event = %event.id, kind = %event.kind, "webhook delivered")
            }
            AttemptResult::RetryAt(_) => tracing::warn!(
                event = %event.id,
                attempt = delivery.attempts + 1,
                error = error.as_deref().unwrap_or_default(),
                "webhook not delivered; retrying later"
            ),
            AttemptResult::GaveUp => tracing::error!(
                event = %event.id,
                attempts = delivery.attempts + 1,
                "webhook never delivered; gave up (replay it from the admin API)"
            ),
        }
        let attempt = AttemptRow {
            at: self.clock.now_rfc3339(),
            status,
            error,
            duration_ms,
        };
        if let Err(error) = self
            .store
            .record_attempt(delivery.id, &attempt, result)
            .await
        {
            // The lease runs out and the delivery is sent again: at least once.
            tracing::error!(%error, event = %event.id, "could not record a webhook attempt");
        }
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Why a delivery could not be made, precisely enough for the merchant to fix it (the name did
/// not resolve, the connection was refused, which TLS check failed), read from the error's
/// causes. The endpoint's address stays out: the merchant knows it, the log need not.
fn failure_reason(error: &reqwest::Error) -> String {
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return "connection refused: nothing listens at the endpoint's address".into()
                }
                std::io::ErrorKind::ConnectionReset => {
                    return "the endpoint reset the connection".into()
                }
                _ => {}
            }
        }
        causes.push(cause.to_string());
        source = cause.source();
    }
    let said = causes.join(": ");
    let lower = said.to_ascii_lowercase();
    if lower.contains("dns error") || lower.contains("failed to lookup") {
        "the endpoint's host name could not be resolved (DNS)".into()
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        // rustls says which check failed (e.g. `invalid peer certificate: UnknownIssuer`).
        let detail = causes
            .iter()
            .rev()
            .find(|cause| {
                let cause = cause.to_ascii_lowercase();
                cause.contains("certificate") || cause.contains("tls") || cause.contains("alert")
            })
            .cloned()
            .unwrap_or(said);
        format!("TLS failed: {detail} (a private certificate authority goes in WEBHOOK_CA_FILE)")
    } else if error.is_connect() {
        format!("could not connect: {said}")
    } else {
        format!("the request failed: {said}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration's defaults (`WEBHOOK_FIRST_RETRY_MS`, `WEBHOOK_MAX_RETRY_INTERVAL_MS`,
    /// `WEBHOOK_RETRY_FOR_SECONDS`).
    fn policy() -> RetryPolicy {
        RetryPolicy {
            first_retry: Duration::from_secs(5),
            max_interval: Duration::from_secs(6 * 3600),
            give_up_after: Duration::from_secs(3 * 24 * 3600),
        }
    }

    #[test]
    fn waits_double_up_to_the_longest_interval() {
        let policy = policy();
        let wait = |failures| policy.next_wait(failures, Duration::ZERO, 0.5).unwrap();
        assert_eq!(wait(1), Duration::from_secs(5));
        assert_eq!(wait(2), Duration::from_secs(10));
        assert_eq!(wait(5), Duration::from_secs(80));
        assert_eq!(wait(30), Duration::from_secs(6 * 3600));
    }

    #[test]
    fn jitter_spreads_a_wait_by_a_quarter_each_way() {
        let policy = policy();
        let low = policy.next_wait(3, Duration::ZERO, 0.0).unwrap();
        let high = policy.next_wait(3, Duration::ZERO, 1.0).unwrap();
        assert_eq!(low, Duration::from_secs(15));
        assert_eq!(high, Duration::from_secs(25));
    }

    #[test]
    fn retries_stop_when_the_next_would_pass_the_limit() {
        let policy = policy();
        let almost = policy.give_up_after - Duration::from_secs(60);
        assert_eq!(policy.next_wait(40, almost, 0.5), None);
        assert!(policy.next_wait(1, almost, 0.5).is_some());
        // Three days of retries at six hours at most: about twenty attempts in all.
        let mut age = Duration::ZERO;
        let mut attempts = 1;
        while let Some(wait) = policy.next_wait(attempts, age, 0.5) {
            age += wait;
            attempts += 1;
        }
        assert!((15..30).contains(&attempts), "{attempts}");
    }
}
