//! The merchant backend contract, version 1: the HTTP+JSON API the checkout widget calls on the
//! merchant's backend. The server and the widget both use these types, so the two cannot drift.
//! `openapi.yaml` at the repository root describes the same API for other languages.
//!
//! Shopper endpoints (called by the widget):
//! - `GET  /api/v1/checkout?order=REF`         -> [`CheckoutSession`]
//! - `POST /api/v1/payments` + `Idempotency-Key` -> [`Payment`] (201 created, 200 replayed)
//! - `POST /api/v1/payments/{id}/submit`       -> [`Payment`]
//! - `GET  /api/v1/payments/{id}`              -> [`Payment`] (what the widget polls)
//!
//! Merchant endpoints (`Authorization: Bearer <admin token>`, never called by a shopper):
//! - `GET  /api/v1/admin/payments`             -> [`PaymentList`]
//! - `GET  /api/v1/admin/payments/{id}`        -> [`PaymentRecord`]
//! - `POST /api/v1/admin/payments/{id}/capture` ([`CaptureRequest`]) -> [`PaymentRecord`]
//! - `POST /api/v1/admin/payments/{id}/release`                    -> [`PaymentRecord`]
//! - `POST /api/v1/admin/payments/{id}/refund`  ([`RefundRequest`])  -> [`PaymentRecord`]
//!
//! Every error is an [`ErrorResponse`]. Amounts are integers in the currency's minor unit
//! (see [`minor_unit_exponent`]): 1500.00 DZD is `150000`, 5000 XAF is `5000`.

mod money;
mod status;

pub use money::{format_minor, minor_unit_exponent};
pub use status::PaymentStatus;

use serde::{Deserialize, Serialize};

/// Path prefix of every contract endpoint.
pub const API_PREFIX: &str = "/api/v1";
/// Header carrying the widget's idempotency key on `POST /payments`.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// Yabetoo's sandbox MSISDNs, `46733123450` to `46733123457` (MTN's own sandbox range): valid
/// mobile-money numbers in test mode only, for the widget and the server alike.
pub fn is_sandbox_msisdn(digits: &str) -> bool {
    const STEM: &str = "4673312345";
    digits.len() == STEM.len() + 1
        && digits.starts_with(STEM)
        && (b'0'..=b'7').contains(&digits.as_bytes()[STEM.len()])
}

/// The ways a shopper can pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// Yassir Cash wallet (Algeria, Morocco), paid with `WALLET_V2`.
    YassirCash,
    /// Mobile money through Yabetoo (MTN, Airtel).
    MobileMoney,
}

impl MethodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MethodKind::YassirCash => "yassir_cash",
            MethodKind::MobileMoney => "mobile_money",
        }
    }
}

/// Mobile-money operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Mtn,
    Airtel,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Mtn => "mtn",
            Operator::Airtel => "airtel",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Operator::Mtn => "MTN",
            Operator::Airtel => "Airtel",
        }
    }
}

/// `GET /api/v1/checkout?order=REF`: the order being paid and the methods offered for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutSession {
    pub order: OrderSummary,
    /// Only the methods the server can take for this order's currency, in display order.
    pub methods: Vec<MethodOffer>,
    /// True when the server talks to a sandbox: the providers' test numbers are accepted and the
    /// widget says that no real money moves.
    #[serde(default)]
    pub test_mode: bool,
    /// Origins the widget may send the shopper to for an OTP (`payUrl`), as the server sees them.
    #[serde(default)]
    pub redirect_origins: Vec<String>,
}

/// The order as the server knows it: the browser never decides the amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub reference: String,
    pub description: String,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
}

/// A method the server offers, with the countries (and operators) it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MethodOffer {
    YassirCash { countries: Vec<PhoneCountry> },
    MobileMoney { countries: Vec<MobileMoneyCountry> },
}

impl MethodOffer {
    pub fn kind(&self) -> MethodKind {
        match self {
            MethodOffer::YassirCash { .. } => MethodKind::YassirCash,
            MethodOffer::MobileMoney { .. } => MethodKind::MobileMoney,
        }
    }
}

/// A country whose phone numbers a Yassir Cash wallet may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneCountry {
    /// ISO 3166-1 alpha-2, lower case (`dz`, `ma`).
    pub code: String,
    /// Calling code without `+` (`213`).
    pub dial_code: String,
}

/// A mobile-money country and the operators taken there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileMoneyCountry {
    /// Yabetoo's country code, ISO 3166-1 alpha-2 lower case (`cg`, `cm`).
    pub code: String,
    pub dial_code: String,
    pub operators: Vec<Operator>,
}

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
    /// Yassir's payment-scoped `clientSecret`, which Yassir documents as safe in the browser.
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
    /// Stable, machine-readable: `rejected`, `insufficient_funds`, `expired`, `provider_error`, …
    /// or the provider's own failure code (`APPROVAL_REJECTED`).
    pub code: String,
    pub message: String,
}

/// Every error answer of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, machine-readable (`invalid_request`, `not_found`, `provider_unavailable`, …).
    pub code: String,
    /// For the developer: names the field and the rule that failed.
    pub message: String,
    /// The request field at fault, as a dotted path (`mobile_money.msisdn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// `POST /api/v1/admin/payments/{id}/capture`: omit the amount to capture all that is reserved;
/// a smaller amount captures that and releases the rest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaptureRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<i64>,
}

/// `POST /api/v1/admin/payments/{id}/refund`: omit the amount to refund what remains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    pub history: Vec<StatusChange>,
    /// The merchant's captures, releases and refunds of this payment, oldest first.
    #[serde(default)]
    pub operations: Vec<Operation>,
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

#[cfg(test)]
mod tests {

    #[test]
    fn sandbox_msisdns_are_the_eight_documented_ones() {
        assert!(super::is_sandbox_msisdn("46733123450"));
        assert!(super::is_sandbox_msisdn("46733123457"));
        assert!(!super::is_sandbox_msisdn("46733123458"));
        assert!(!super::is_sandbox_msisdn("46733123400"));
        assert!(!super::is_sandbox_msisdn("4673312345"));
        assert!(!super::is_sandbox_msisdn("467331234500"));
    }
    use super::*;

    #[test]
    fn submit_request_is_tagged_by_method() {
        let json =
            r#"{"type":"mobile_money","country":"cg","operator":"mtn","msisdn":"242066594470"}"#;
        let request: SubmitRequest = serde_json::from_str(json).unwrap();
        let SubmitRequest::MobileMoney(details) = request else {
            panic!("wrong variant")
        };
        assert_eq!(details.operator, Operator::Mtn);
        assert_eq!(details.first_name, None);

        let yassir: SubmitRequest = serde_json::from_str(r#"{"type":"yassir_cash"}"#).unwrap();
        assert_eq!(yassir, SubmitRequest::YassirCash);
    }

    #[test]
    fn payment_omits_absent_fields() {
        let payment = Payment {
            id: "pay_1".into(),
            order: "demo-dz".into(),
            method: MethodKind::YassirCash,
            amount_minor: 150000,
            currency: "DZD".into(),
            status: PaymentStatus::RequiresAction,
            next_action: Some(NextAction::Redirect {
                url: "http://x/otp".into(),
            }),
            client_secret: None,
            phone: None,
            end_user_message: None,
            support: None,
            failure: None,
            expires_at: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
        };
        let json = serde_json::to_value(&payment).unwrap();
        assert_eq!(json["status"], "requires_action");
        assert_eq!(json["next_action"]["type"], "redirect");
        assert!(json.get("client_secret").is_none());
        let back: Payment = serde_json::from_value(json).unwrap();
        assert_eq!(back, payment);
    }

    #[test]
    fn method_offer_round_trips() {
        let offer = MethodOffer::MobileMoney {
            countries: vec![MobileMoneyCountry {
                code: "cg".into(),
                dial_code: "242".into(),
                operators: vec![Operator::Mtn, Operator::Airtel],
            }],
        };
        let json = serde_json::to_string(&offer).unwrap();
        assert!(json.starts_with(r#"{"type":"mobile_money""#), "{json}");
        assert_eq!(
            serde_json::from_str::<MethodOffer>(&json).unwrap().kind(),
            MethodKind::MobileMoney
        );
    }
}
