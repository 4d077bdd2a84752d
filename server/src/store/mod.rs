//! Where payments live. The service only sees [`PaymentStore`] and [`WebhookStore`]: SQLite for
//! one server, PostgreSQL shared by several. Every write is a compare-and-set on
//! [`PaymentRow::version`], and the idempotency key is a unique column.

mod locks;
pub mod outbox;
mod postgres;
mod sql;
mod sqlite;

pub use locks::PaymentLock;
pub use outbox::{Events, NewEvent, WebhookStore};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// `url` as a log may show it: a `DATABASE_URL` with a password (`postgres://user:pw@host/db`)
/// keeps its user and host, never the password.
pub fn loggable_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rsplit_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// Statuses in which a payment's money may still move at the provider.
pub const IN_FLIGHT: [PaymentStatus; 3] = [
    PaymentStatus::Processing,
    PaymentStatus::RequiresAction,
    PaymentStatus::AwaitingApproval,
];

use async_trait::async_trait;
use checkout_contract::{CaptureMethod, MethodKind, PaymentStatus, StatusChange};

/// One payment, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentRow {
    pub id: String,
    pub idempotency_key: String,
    /// What the create request asked for; a replay with another body is refused.
    pub request_fingerprint: String,
    pub order_ref: String,
    pub description: String,
    pub method: MethodKind,
    /// `yassir` or `yabetoo`.
    pub provider: String,
    pub amount_minor: i64,
    pub currency: String,
    pub country_alpha3: String,
    pub capture_method: CaptureMethod,
    /// The wallet phone (Yassir) or the MSISDN (mobile money).
    pub phone: Option<String>,
    pub status: PaymentStatus,
    pub provider_intent_id: Option<String>,
    pub provider_client_secret: Option<String>,
    pub pay_url: Option<String>,
    pub expires_at: Option<String>,
    pub end_user_message: Option<String>,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    /// RFC 3339: when the order itself stops being payable (an order token's expiry).
    pub order_expires_at: Option<String>,
    /// Why the outcome of the last request to the provider is unknown (a timeout, a reset, a
    /// 5xx…): the payment stays in flight until a check at the provider says where it stands.
    pub outcome_unknown: Option<String>,
    /// The shopper's language when the payment was created (`en`, `fr`, `ar`), if known.
    pub language: Option<String>,
    /// RFC 3339: when the payment was sent to its provider (`None` while it never was).
    pub submitted_at: Option<String>,
    /// Who made a final payment final; `None` while it is not.
    pub decided_by: Option<Decider>,
    /// Why the payment waits for the merchant; `None` when it does not.
    pub attention: Option<Attention>,
    /// The payment's own secret, handed to the browser that created it: the shopper's read and
    /// submit of the payment need it, so a payment id alone reaches nothing.
    pub client_secret: String,
    pub created_at: String,
    pub updated_at: String,
    /// Incremented by every write; a write against a stale version is refused.
    pub version: i64,
}

impl PaymentRow {
    /// Closed by the server on its own clock after it was sent to the provider: the provider
    /// may still change its mind, so the payment is checked again.
    pub fn provisional(&self) -> bool {
        self.decided_by == Some(Decider::Server) && self.submitted_at.is_some()
    }

    /// In flight, closed provisionally, decided by the merchant (whose word a later answer of
    /// the provider may contradict), or waiting for the merchant: reconcile checks it.
    pub fn followed_up(&self) -> bool {
        IN_FLIGHT.contains(&self.status)
            || self.provisional()
            || self.decided_by == Some(Decider::Merchant)
            || self.attention.is_some()
    }
}

/// Who made a payment final.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum Decider {
    /// A definite answer of the provider.
    Provider,
    /// The server, on its own clock, while the provider had not decided: provisional.
    Server,
    /// The merchant, from what the provider's dashboard shows.
    Merchant,
}

impl Decider {
    /// Every one, in declaration order.
    pub const ALL: &'static [Decider] = <Decider as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}

/// Why a payment waits for the merchant. Its order stays blocked until the merchant resolves
/// it (`POST /api/v1/admin/payments/{id}/resolve`) or the provider's word settles it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum Attention {
    /// The provider gave no definite answer for too long (its checks fail, or answer what
    /// cannot be read as an outcome).
    NoDefiniteAnswer,
    /// The provider answered another amount or currency than the payment's.
    AmountMismatch,
    /// The payment succeeded while another payment of its order was paid: the shopper paid
    /// twice. Given back automatically where the provider can.
    PaidTwice,
    /// A definite answer of the provider disagrees with what is recorded (the merchant's word,
    /// or a late answer that is neither a success nor the close it follows).
    ProviderDisagrees,
}

impl Attention {
    /// Every one, in declaration order.
    pub const ALL: &'static [Attention] = <Attention as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(value: &str) -> Option<Self> {
        value.parse().ok()
    }

    /// What the merchant is asked to do.
    pub fn message(self) -> &'static str {
        match self {
            Attention::NoDefiniteAnswer => "the provider has given no definite answer for this payment: look it up in the provider's dashboard and record what it shows",
            Attention::AmountMismatch => "the provider answered another amount or currency than the payment's: look it up in the provider's dashboard and record what it shows",
            Attention::PaidTwice => "this payment succeeded although another payment of its order was paid: it is given back automatically where the provider can; otherwise refund the shopper through the provider, then record it",
            Attention::ProviderDisagrees => "the provider's answer disagrees with what is recorded for this payment: look it up in the provider's dashboard and record what it shows",
        }
    }
}

/// The answer to inserting a row under an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub enum Inserted<Row = PaymentRow> {
    New,
    /// A row already holds this idempotency key.
    Existing(Row),
}

/// Filters of the merchant's payment list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<PaymentStatus>,
    pub order_ref: Option<String>,
    pub limit: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else wrote the payment since it was read.
    #[error("the payment changed since it was read")]
    Conflict,
    /// Another payment of the same order is in flight, paid or waiting for the merchant: this
    /// one may not start.
    #[error("payment `{payment_id}` of this order is {status}")]
    OrderTaken {
        payment_id: String,
        status: PaymentStatus,
        /// It waits for the merchant ([`PaymentRow::attention`]).
        on_hold: bool,
    },
    /// A merchant operation already holds this idempotency key for another request.
    #[error("the idempotency key was used for another operation")]
    KeyReused,
    #[error("database error: {0}")]
    Database(String),
}

/// An allowance shared by every server on the database: `burst` uses at once, then one more
/// every `every_ms` (the generic cell rate algorithm, kept as one moment per key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub burst: u32,
    pub every_ms: i64,
}

impl Allowance {
    /// `count` uses per `period_ms`, all of them at once if need be; `None` for a count of 0
    /// (no limit).
    pub fn per(count: u32, period_ms: i64) -> Option<Self> {
        (count > 0).then(|| Self {
            burst: count,
            every_ms: (period_ms / i64::from(count)).max(1),
        })
    }

    /// The moment `key`'s allowance is whole again if a use at `now_ms` moves it from
    /// `until_ms` (`None` for a key never used), or how long to wait when no use is left.
    pub fn take(self, until_ms: Option<i64>, now_ms: i64) -> Result<i64, i64> {
        let next = until_ms.unwrap_or(now_ms).max(now_ms) + self.every_ms;
        let room = i64::from(self.burst) * self.every_ms;
        if next - now_ms <= room {
            Ok(next)
        } else {
            Err(next - now_ms - room)
        }
    }
}

/// The payments as the metrics count them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaymentCounts {
    /// `(status, count)` for every status with payments.
    pub by_status: Vec<(String, i64)>,
    /// Payments whose last request to the provider has no known outcome yet.
    pub outcome_unknown: i64,
    /// Payments reconcile follows up ([`PaymentRow::followed_up`], with an intent).
    pub followed_up: i64,
    /// Payments waiting for the merchant.
    pub attention: i64,
}

#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Inserts `row` unless its idempotency key is taken, in which case the holder is returned.
    async fn insert_or_get(&self, row: &PaymentRow) -> Result<Inserted, StoreError>;
    async fn get(&self, id: &str) -> Result<Option<PaymentRow>, StoreError>;
    /// The payment whose provider intent is `intent_id` (what a provider's webhook names).
    async fn get_by_intent(&self, intent_id: &str) -> Result<Option<PaymentRow>, StoreError>;
    /// Writes `row` if the stored version still equals `row.version`, bumping it, appends
    /// `change` to the history, and writes the merchant events `events` says the change causes
    /// (from the row as stored to the row as written), all in one transaction. Returns the row
    /// as written.
    async fn update(
        &self,
        row: &PaymentRow,
        change: Option<&StatusChange>,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError>;
    /// Like [`PaymentStore::update`], for the write that makes a payment paid: when another
    /// payment of its order is paid already, `twice` (the service's reading of that case) is
    /// written instead of `row`, decided in the same transaction as the write.
    async fn update_paid(
        &self,
        row: &PaymentRow,
        twice: &PaymentRow,
        change: &StatusChange,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError>;
    async fn history(&self, id: &str) -> Result<Vec<StatusChange>, StoreError>;
    /// Newest first.
    async fn list(&self, filter: &ListFilter) -> Result<Vec<PaymentRow>, StoreError>;
    /// The payments reconcile follows up ([`PaymentRow::followed_up`]) that have a provider
    /// intent: in flight, closed provisionally, or waiting for the merchant.
    async fn list_followed_up(&self) -> Result<Vec<PaymentRow>, StoreError>;
    /// What the metrics count: payments by status, and those reconcile follows up.
    async fn counts(&self) -> Result<PaymentCounts, StoreError>;
    /// Whether the database answers a query of the payments.
    async fn ping(&self) -> Result<(), StoreError>;
    /// The payment of `order_ref` that is in flight, paid or waiting for the merchant, if any:
    /// an order is paid once.
    async fn order_attempt(&self, order_ref: &str) -> Result<Option<PaymentRow>, StoreError>;
    /// Like [`PaymentStore::update`], for the write that sends a payment to its provider: refused
    /// with [`StoreError::OrderTaken`] while another payment of its order is in flight, paid or
    /// waiting for the merchant.
    async fn update_taking_order(
        &self,
        row: &PaymentRow,
        change: &StatusChange,
        events: Events<'_>,
    ) -> Result<PaymentRow, StoreError>;

    /// Records a merchant operation before the provider is asked to do it; an operation with the
    /// same payment, kind and key is returned instead (or [`StoreError::KeyReused`] when its
    /// request differs).
    async fn insert_operation(
        &self,
        operation: &OperationRow,
    ) -> Result<Inserted<OperationRow>, StoreError>;
    /// Writes an operation's outcome and, when it moved money, the payment with it, in one
    /// transaction (the payment's write is a compare-and-set as in [`PaymentStore::update`]).
    async fn finish_operation(
        &self,
        operation: &OperationRow,
        payment: Option<(&PaymentRow, &StatusChange)>,
        events: Events<'_>,
    ) -> Result<(), StoreError>;
    /// The operations of one payment, oldest first.
    async fn operations(&self, payment_id: &str) -> Result<Vec<OperationRow>, StoreError>;
    /// Operations whose outcome is not known yet: what a restart must follow up.
    async fn unfinished_operations(&self) -> Result<Vec<OperationRow>, StoreError>;

    /// Waits until the caller alone works on payment `id`, among every server on the
    /// database, for as long as it holds the answer. Refused with [`StoreError::Conflict`]
    /// after waiting longer than any provider request lasts.
    async fn lock_payment(&self, id: &str) -> Result<PaymentLock, StoreError>;
    /// Takes one use of `key`'s allowance at `now_ms`: `Ok(None)` when taken, `Ok(Some(wait))`
    /// with the milliseconds until the next use when none is left. The decision is the
    /// database's, so that every server counts in one place.
    async fn take_allowance(
        &self,
        key: &str,
        allowance: Allowance,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError>;
    /// Claims `key` until `until_ms` when nobody holds it at `now_ms`: one server does a due
    /// piece of work, and another takes it over once the claim runs out.
    async fn claim_lease(&self, key: &str, now_ms: i64, until_ms: i64) -> Result<bool, StoreError>;
    /// Forgets the allowances and claims that ran out before `before_ms`.
    async fn prune_leases(&self, before_ms: i64) -> Result<u64, StoreError>;
}

/// A merchant operation on a payment: capture, release or refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum OperationKind {
    Capture,
    Release,
    Refund,
}

impl OperationKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}

/// Where a merchant operation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum OperationState {
    /// Written, and the provider is being asked (or was, and did not answer clearly).
    Pending,
    /// The provider did it.
    Succeeded,
    /// The provider refused it: nothing moved.
    Refused,
}

impl OperationState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}

/// One merchant operation, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationRow {
    pub id: String,
    pub payment_id: String,
    pub kind: OperationKind,
    pub idempotency_key: String,
    /// What was asked; a replay with another request under the same key is refused.
    pub request_fingerprint: String,
    /// The amount this operation moves (captured or refunded; 0 for a release).
    pub amount_minor: i64,
    /// `None` for "all of it" as sent to the provider (full capture, full refund).
    pub requested_minor: Option<i64>,
    pub description: Option<String>,
    pub reason: Option<String>,
    pub state: OperationState,
    /// The payment's status before the operation, to read a later check against.
    pub status_before: PaymentStatus,
    /// Why the provider's answer was not definite, or the provider's refusal.
    pub detail: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[cfg(test)]
mod tests;
