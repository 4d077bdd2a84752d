//! What the server counts for its operators, in the Prometheus text format (`GET /metrics`,
//! behind the admin token): provider calls by provider, operation and outcome with their
//! latencies, measured as they happen; payments by status, the ones reconcile follows up, and
//! the merchant's webhook deliveries by state, read from the database at each scrape, so every
//! server on one database reports the same.

use std::sync::Mutex;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use checkout_contract::PaymentStatus;

use crate::store::PaymentCounts;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    provider: &'static str,
    operation: &'static str,
    /// `answered`, `unknown` (no definite answer: timeout, 5xx, unreadable), `refused`, or
    /// `mismatch` (another amount or currency).
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

type HistogramFamily = Family<CallLabels, Histogram, fn() -> Histogram>;

fn call_histogram() -> Histogram {
    // 5 ms to about 20 s: a check answers in milliseconds, a confirm waits for the phone.
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

pub struct Metrics {
    registry: Registry,
    calls: HistogramFamily,
    payments: Family<StatusLabels, Gauge>,
    outcome_unknown: Gauge,
    followed_up: Gauge,
    attention: Gauge,
    deliveries: Family<StateLabels, Gauge>,
    /// One scrape at a time writes the gauges and reads them out.
    scrape: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("checkout");
        let calls = HistogramFamily::new_with_constructor(call_histogram);
        registry.register(
            "provider_call_duration_seconds",
            "Requests to the providers, by provider, operation and outcome",
            calls.clone(),
        );
        let payments = Family::<StatusLabels, Gauge>::default();
        registry.register("payments", "Payments by status", payments.clone());
        let outcome_unknown = Gauge::default();
        registry.register(
            "payments_outcome_unknown",
            "Payments whose last request to the provider has no known outcome yet",
            outcome_unknown.clone(),
        );
        let followed_up = Gauge::default();
        registry.register(
            "reconcile_backlog",
            "Payments reconcile follows up: in flight, closed provisionally, or waiting for the merchant",
            followed_up.clone(),
        );
        let attention = Gauge::default();
        registry.register(
            "payments_attention",
            "Payments waiting for the merchant",
            attention.clone(),
        );
        let deliveries = Family::<StateLabels, Gauge>::default();
        registry.register(
            "webhook_deliveries",
            "Deliveries of the merchant's webhooks by state (pending is the outbox backlog, failed were given up)",
            deliveries.clone(),
        );
        Self {
            registry,
            calls,
            payments,
            outcome_unknown,
            followed_up,
            attention,
            deliveries,
            scrape: Mutex::new(()),
        }
    }
}

impl Metrics {
    /// Counts one provider call and how long it took.
    pub fn provider_call(
        &self,
        provider: &'static str,
        operation: &'static str,
        outcome: &'static str,
        seconds: f64,
    ) {
        let labels = CallLabels {
            provider,
            operation,
            outcome,
        };
        self.calls.get_or_create(&labels).observe(seconds);
    }

    /// The text exposition, with the database's counts as of now. Every status is written, so
    /// one with no payment left reads 0 rather than its last count.
    pub fn render(&self, payments: &PaymentCounts, deliveries: &[(String, i64)]) -> String {
        let _one_at_a_time = self
            .scrape
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for status in PaymentStatus::ALL.map(PaymentStatus::as_str) {
            let count = payments
                .by_status
                .iter()
                .find(|(name, _)| name == status)
                .map_or(0, |(_, count)| *count);
            let labels = StatusLabels {
                status: status.to_string(),
            };
            self.payments.get_or_create(&labels).set(count);
        }
        self.outcome_unknown.set(payments.outcome_unknown);
        self.followed_up.set(payments.followed_up);
        self.attention.set(payments.attention);
        for state in ["pending", "delivered", "failed"] {
            let count = deliveries
                .iter()
                .find(|(name, _)| name == state)
                .map_or(0, |(_, count)| *count);
            let labels = StateLabels {
                state: state.into(),
            };
            self.deliveries.get_or_create(&labels).set(count);
        }
        let mut text = String::new();
        encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_carries_calls_and_counts() {
        let metrics = Metrics::default();
        metrics.provider_call("yassir", "check", "answered", 0.012);
        metrics.provider_call("yabetoo", "confirm", "unknown", 30.0);
        let counts = PaymentCounts {
            by_status: vec![("succeeded".into(), 3)],
            outcome_unknown: 1,
            followed_up: 2,
            attention: 0,
        };
        let text = metrics.render(&counts, &[("pending".into(), 4)]);
        for line in [
            "checkout_payments{status=\"succeeded\"} 3",
            "checkout_payments{status=\"failed\"} 0",
            "checkout_payments_outcome_unknown 1",
            "checkout_reconcile_backlog 2",
            "checkout_webhook_deliveries{state=\"pending\"} 4",
            "checkout_webhook_deliveries{state=\"failed\"} 0",
            "checkout_provider_call_duration_seconds_count{provider=\"yassir\",operation=\"check\",outcome=\"answered\"} 1",
            "checkout_provider_call_duration_seconds_count{provider=\"yabetoo\",operation=\"confirm\",outcome=\"unknown\"} 1",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }
}
