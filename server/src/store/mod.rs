//! Where payments live. The service only sees [`PaymentStore`], so a shared PostgreSQL store for
//! several server instances is one more implementation, not a rewrite: every write is a
//! compare-and-set on [`PaymentRow::version`], and the idempotency key is a unique column.

mod sqlite;

pub use sqlite::SqliteStore;

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
    pub created_at: String,
    pub updated_at: String,
    /// Incremented by every write; a write against a stale version is refused.
    pub version: i64,
}

/// The answer to inserting a payment under an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub enum Inserted {
    New,
    /// A payment already holds this idempotency key.
    Existing(PaymentRow),
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
    #[error("database error: {0}")]
    Database(String),
}

#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Inserts `row` unless its idempotency key is taken, in which case the holder is returned.
    async fn insert_or_get(&self, row: &PaymentRow) -> Result<Inserted, StoreError>;
    async fn get(&self, id: &str) -> Result<Option<PaymentRow>, StoreError>;
    /// Writes `row` if the stored version still equals `row.version`, bumping it, and appends
    /// `change` to the history. Returns the row as written.
    async fn update(
        &self,
        row: &PaymentRow,
        change: Option<&StatusChange>,
    ) -> Result<PaymentRow, StoreError>;
    async fn history(&self, id: &str) -> Result<Vec<StatusChange>, StoreError>;
    /// Newest first.
    async fn list(&self, filter: &ListFilter) -> Result<Vec<PaymentRow>, StoreError>;
    /// Payments submitted to a provider and not final yet: what a restart must follow up.
    async fn list_in_flight(&self) -> Result<Vec<PaymentRow>, StoreError>;
}
