//! What a simulator tells the sandbox's own test endpoints about an intent it holds
//! ([`crate::inspect`] lists them, [`crate::late`] makes one succeed late). The simulators
//! answer in these words and know nothing of the endpoints; the endpoints read both simulators.

use serde::Serialize;

/// One provider intent as the simulator holds it. Amounts are in the currency's minor unit
/// (hundredths of DZD, MAD and USD at Yassir; whole francs of XAF at Yabetoo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldIntent {
    /// `yassir` or `yabetoo`.
    pub provider: &'static str,
    pub intent_id: String,
    /// The merchant's payment the intent was created for: Yassir's
    /// `metaData.paymentCheckoutId`, else its `actionId`; Yabetoo's `metadata.paymentId`.
    pub payment_id: Option<String>,
    /// Yassir's `actionId` (none at Yabetoo).
    pub action_id: Option<String>,
    /// The merchant's order: `metaData.order` (Yassir) or `metadata.order` (Yabetoo).
    pub order: Option<String>,
    /// The provider's status in its own words: Yassir `created`, `requires_action`,
    /// `pre_authorized`, `succeeded`, `failed`, `canceled`, `partially_refunded`, `refunded`;
    /// Yabetoo `pending`, `processing`, `succeeded`, `failed`, `expired`.
    pub status: &'static str,
    /// Yassir's `statusCode` (none at Yabetoo).
    pub status_code: Option<u16>,
    pub amount: i64,
    pub currency: String,
    /// Held for a reservation not yet captured or released.
    pub reserved: i64,
    /// Taken from the shopper: captured at Yassir, each succeeded charge at Yabetoo.
    pub captured: i64,
    pub refunded: i64,
    /// Proceeded (Yassir) or confirmed (Yabetoo) at least once: no money moves through an
    /// intent that never was.
    pub submitted: bool,
    /// Yabetoo: the confirm attempts (charges) made on the intent.
    pub charges: Option<usize>,
    /// How many times the merchant asked where the intent stands (Yassir check, Yabetoo
    /// retrieve).
    pub checks: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The same moment, to sort by.
    #[serde(skip)]
    pub(crate) created: time::OffsetDateTime,
}

impl HeldIntent {
    /// `created_at` in RFC 3339 for `at`.
    pub(crate) fn timestamp(at: time::OffsetDateTime) -> String {
        at.to_offset(time::UtcOffset::UTC)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }
}

/// Why an intent cannot succeed late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The simulator holds no intent with that id.
    Unknown,
    /// The intent is final in another way, or nothing of it awaits an answer; why, in words.
    Conflict(String),
}
