//! The webhook outbox as stored: merchant events (written with the payment change that causes
//! them), one delivery per endpoint and event, and every attempt; plus the provider
//! notifications already received, to see duplicates.

use async_trait::async_trait;

use super::StoreError;

use super::PaymentRow;

/// A merchant event as written to the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// `evt_…`: the `webhook-id` of every delivery of it, retries included.
    pub id: String,
    /// The event's type (`payment.succeeded`, …).
    pub kind: &'static str,
    pub payment_id: String,
    pub created_at: String,
    /// Unix milliseconds: when its deliveries are first due.
    pub due_ms: i64,
    /// The JSON body every delivery sends, byte for byte (what the signature covers).
    pub payload: String,
}

/// The service's rule for the merchant events a payment's write causes, from the payment as
/// stored before the write to the payment as written: handed to every write, which stores the
/// events in the same transaction.
pub type Events<'a> = &'a (dyn Fn(&PaymentRow, &PaymentRow) -> Vec<NewEvent> + Send + Sync);

/// One merchant event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: String,
    /// `payment.succeeded`, …
    pub kind: String,
    pub payment_id: String,
    pub created_at: String,
    /// The exact JSON body every delivery sends.
    pub payload: String,
}

/// Where one delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryState {
    /// Not delivered yet: due at `next_attempt_at`.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Retried for as long as allowed, never answered 2xx (a replay sends it again).
    GaveUp,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

/// One event for one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: String,
    pub url: String,
    pub state: DeliveryState,
    pub attempts: u32,
    /// Unix milliseconds.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub delivered_at: Option<String>,
}

/// One try at a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRow {
    pub at: String,
    /// The endpoint's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why the attempt failed, when it did (never an endpoint's body).
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// What an attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptResult {
    Delivered,
    /// Try again at this Unix millisecond.
    RetryAt(i64),
    GaveUp,
}

/// A delivery claimed for sending, with its event.
#[derive(Debug, Clone, PartialEq)]
pub struct DueDelivery {
    pub delivery: DeliveryRow,
    pub event: EventRow,
}

/// Filters of the merchant's event list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub payment_id: Option<String>,
    pub kind: Option<String>,
    pub limit: u32,
}

#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// The endpoints that get the events written from now on (earlier ones keep theirs).
    async fn set_endpoints(&self, urls: &[String]) -> Result<(), StoreError>;
    /// Pending deliveries due at `now_ms` to endpoints still configured, oldest event first,
    /// each leased until `lease_until_ms` so that no other round sends it meanwhile.
    async fn claim_due(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError>;
    async fn record_attempt(
        &self,
        delivery_id: i64,
        attempt: &AttemptRow,
        result: AttemptResult,
    ) -> Result<(), StoreError>;
    /// Newest first.
    async fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>, StoreError>;
    async fn event(&self, id: &str) -> Result<Option<EventRow>, StoreError>;
    /// The deliveries of an event, each with its attempts (oldest first).
    async fn deliveries(
        &self,
        event_id: &str,
    ) -> Result<Vec<(DeliveryRow, Vec<AttemptRow>)>, StoreError>;
    /// Makes every delivery of the event due again at `now_ms`; `false` for an unknown event.
    async fn replay(&self, event_id: &str, now_ms: i64) -> Result<bool, StoreError>;
    /// Remembers a provider notification; `false` when this one was received before.
    async fn record_inbound(
        &self,
        provider: &str,
        event_id: &str,
        received_at: &str,
    ) -> Result<bool, StoreError>;
    /// Forgets what is older than `before` (RFC 3339): provider notifications received, and
    /// merchant events whose every delivery is over (delivered or given up), with their
    /// deliveries and attempts. Returns how many notifications and events were forgotten.
    async fn prune(&self, before: &str) -> Result<(usize, usize), StoreError>;
    /// How many deliveries are in each state (`pending`, `delivered`, `failed`).
    async fn delivery_counts(&self) -> Result<Vec<(String, i64)>, StoreError>;
}
