//! The merchant's endpoints: the capture and refund they take, and the full record of a payment
//! they answer, with its history and operations.

use serde::{Deserialize, Serialize};

use crate::payment::Payment;
use crate::status::PaymentStatus;
use crate::whole;

/// `POST /api/v1/admin/payments/{id}/capture`: omit the amount to capture all that is reserved;
/// a smaller amount captures that and releases the rest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaptureRequest {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::optional"
    )]
    pub amount_minor: Option<i64>,
}

/// `POST /api/v1/admin/payments/{id}/refund`: omit the amount to refund what remains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundRequest {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::optional"
    )]
    pub amount_minor: Option<i64>,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The merchant's full view of a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentRecord {
    #[serde(flatten)]
    pub payment: Payment,
    /// `yassir` or `yabetoo`.
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_intent_id: Option<String>,
    pub capture_method: CaptureMethod,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    /// Who made the payment final: `provider` (its definite answer), `server` (on its own
    /// clock while the provider had not decided: provisional, a late answer of the provider
    /// still counts) or `merchant` (from the provider's dashboard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// Why the payment waits for the merchant, who records what the provider's dashboard shows
    /// (`POST /api/v1/admin/payments/{id}/resolve`); its order stays blocked until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<Attention>,
    pub history: Vec<StatusChange>,
    /// The merchant's captures, releases and refunds of this payment, oldest first.
    #[serde(default)]
    pub operations: Vec<Operation>,
}

/// Why a payment waits for the merchant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    /// `no_definite_answer`, `amount_mismatch`, `paid_twice` or `provider_disagrees`.
    pub code: String,
    pub message: String,
}

/// A capture, release or refund, as the merchant asked it and as the provider answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// `op_…`.
    pub id: String,
    /// `capture`, `release` or `refund`.
    pub kind: String,
    /// `pending` (asked; the provider's answer is not known yet and is being checked),
    /// `succeeded` (the provider did it) or `refused` (the provider did not; nothing moved).
    pub state: String,
    /// What it moves (captured or refunded; 0 for a release).
    pub amount_minor: i64,
    /// The provider's refusal, or why the outcome is not known yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMethod {
    /// Captured when the shopper pays.
    Direct,
    /// Funds reserved when the shopper pays; the merchant captures or releases them later.
    Reservation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: PaymentStatus,
    pub at: String,
    /// The provider's raw status (`statusCode 12`, `succeeded`) or what caused the change.
    pub detail: String,
}

/// `GET /api/v1/admin/payments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentList {
    pub payments: Vec<PaymentRecord>,
}
