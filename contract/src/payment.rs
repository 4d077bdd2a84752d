//! The shopper's payment: what the widget sends to create and submit it, and the payment as the
//! widget sees it.

use serde::{Deserialize, Serialize};

use crate::method::{MethodKind, Operator};
use crate::status::PaymentStatus;

/// `POST /api/v1/payments` body, sent with an `Idempotency-Key` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatePaymentRequest {
    /// The order reference from the merchant's catalog, or an order token signed by the merchant.
    pub order: String,
    pub method: MethodKind,
    /// Yassir Cash only: the shopper's wallet phone in international form (`+213555123456`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `POST /api/v1/payments/{id}/submit` body: the method details that start the payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SubmitRequest {
    /// Proceed with the Yassir Cash wallet (`WALLET_V2`).
    YassirCash,
    /// Confirm with mobile money; the server answers at once and the widget polls.
    MobileMoney(MobileMoneyDetails),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileMoneyDetails {
    /// `cg` or `cm`.
    pub country: String,
    pub operator: Operator,
    /// International form, digits only or with a leading `+` (`242066594470`).
    pub msisdn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_email: Option<String>,
}

/// A payment as the shopper's widget sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// Our payment reference (`pay_…`), shown to the shopper.
    pub id: String,
    pub order: String,
    pub method: MethodKind,
    pub amount_minor: i64,
    pub currency: String,
    pub status: PaymentStatus,
    /// What the widget must do next, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_action: Option<NextAction>,
    /// The payment's own secret, in the create's answer only (a new payment, or a replay of the
    /// same `Idempotency-Key`): the submit and the reads of the payment send it back in the
    /// `Client-Secret` header, so a payment id alone reaches nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The phone the payment is for (wallet phone or MSISDN), to show "approve on your phone".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The provider's message for the shopper, where it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_user_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<SupportInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// RFC 3339; after it the payment can no longer be completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The next step the widget must take for the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NextAction {
    /// Send the shopper to `url` (Yassir's OTP page) with a `returnUrl` appended.
    Redirect { url: String },
    /// Wait for the shopper to approve the prompt on their phone.
    ApproveOnPhone { phone: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

/// Why a payment did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Stable, machine-readable: Yassir's `rejected` and `expired`; for mobile money `declined`,
    /// `insufficient_funds`, `expired`, `not_allowed`, `canceled` or `failed`; the server's
    /// `not_submitted`, `amount_mismatch` and `order_expired`. Never a provider's own code.
    pub code: String,
    pub message: String,
}
