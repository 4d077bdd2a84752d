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
//! - `POST /api/v1/admin/order-tokens` ([`OrderTokenRequest`])      -> [`OrderTokenResponse`]
//!
//! Which phone numbers the contract takes is the numbering plan's ([`checkout_numbering`]) with
//! one rule of the contract's own: [`Operator::suggested_for`].
//!
//! Every error is an [`ErrorResponse`]. Amounts are integers in the currency's minor unit
//! (see [`minor_unit_exponent`]): 1500.00 DZD is `150000`, 5000 XAF is `5000`.

mod money;
mod status;
pub mod whole;

pub use money::{format_minor, minor_unit_exponent};
pub use status::PaymentStatus;

use checkout_numbering::{Country, Mobile, Network};
use serde::{Deserialize, Serialize};

/// Path prefix of every contract endpoint.
pub const API_PREFIX: &str = "/api/v1";
/// Header carrying the widget's idempotency key on `POST /payments`.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Header carrying a payment's `client_secret` on the shopper's submit and read of it.
pub const CLIENT_SECRET_HEADER: &str = "Client-Secret";

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
    /// Every method, in the order the contract lists them.
    pub const ALL: [MethodKind; 2] = [MethodKind::YassirCash, MethodKind::MobileMoney];

    /// The wire name (`yassir_cash`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            MethodKind::YassirCash => "yassir_cash",
            MethodKind::MobileMoney => "mobile_money",
        }
    }
}

/// Reads a wire name (`mobile_money`); anything else is an error, never a default method.
impl std::str::FromStr for MethodKind {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        MethodKind::ALL
            .into_iter()
            .find(|method| method.as_str() == value)
            .ok_or_else(|| format!("unknown method `{value}`"))
    }
}

impl std::fmt::Display for MethodKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
    /// Every operator, in the order the contract lists them.
    pub const ALL: [Operator; 2] = [Operator::Mtn, Operator::Airtel];

    /// The wire name (`mtn`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Mtn => "mtn",
            Operator::Airtel => "airtel",
        }
    }

    pub fn display_name(self) -> &'static str {
        self.network().name()
    }

    /// The network whose numbers this operator charges, in the numbering plan.
    pub fn network(self) -> Network {
        match self {
            Operator::Mtn => Network::Mtn,
            Operator::Airtel => Network::Airtel,
        }
    }

    /// The operator charging the numbers of `network`, if mobile money takes that network.
    pub fn from_network(network: Network) -> Option<Operator> {
        Operator::ALL
            .into_iter()
            .find(|operator| operator.network() == network)
    }

    /// The operator a mobile number's range suggests: `Ok(None)` when the plan does not say
    /// whose the range is (Congo `04`), `Err(network)` when it belongs to a network mobile
    /// money does not take (Orange, Nexttel and Camtel in Cameroon; Congo Telecom, Equateur
    /// Telecom): no operator offered could charge it, so the widget and the server refuse it.
    ///
    /// Between two operators both taken, the suggestion is what the operator must be: the
    /// operator asked is the one that charges, and an Airtel number sent to MTN can only fail,
    /// so the server refuses the mismatch (the widget pre-selects the suggestion). Where the
    /// plan names no owner (Congo `04`), either may be asked.
    pub fn suggested_for(number: &Mobile) -> Result<Option<Operator>, Network> {
        match number.network {
            Some(network) => Operator::from_network(network).map(Some).ok_or(network),
            None => Ok(None),
        }
    }
}

/// Reads a wire name (`airtel`); anything else is an error, never a default operator.
impl std::str::FromStr for Operator {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Operator::ALL
            .into_iter()
            .find(|operator| operator.as_str() == value)
            .ok_or_else(|| format!("unknown operator `{value}`"))
    }
}

impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `GET /api/v1/checkout?order=REF`: the order being paid and the methods offered for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutSession {
    pub order: OrderSummary,
    /// Only the methods the server can take for this order's currency, in display order.
    pub methods: Vec<MethodOffer>,
    /// True when this order's provider is reached with test credentials (the sandbox, Yassir's
    /// staging host, a Yabetoo `sk_test_` key): its test numbers are accepted and the widget says
    /// that no real money moves.
    #[serde(default)]
    pub test_mode: bool,
    /// In test mode only (absent otherwise): the provider's test numbers the server takes
    /// although no country's numbering plan does, digits in international form
    /// (`46733123451`). The widget takes these as typed; it knows none of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_numbers: Vec<String>,
    /// Origins the widget may send the shopper to for an OTP (`payUrl`), as the server sees them.
    #[serde(default)]
    pub redirect_origins: Vec<String>,
    /// Whether the order can be paid now, so a page opened on a paid order says so at once
    /// instead of offering the form.
    #[serde(default)]
    pub order_state: OrderState,
}

/// Where an order stands when its checkout loads. Names no payment and no phone: whoever holds
/// the order learns only whether it can be paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Nothing paid and nothing in flight: the shopper may pay.
    #[default]
    Open,
    /// A payment of the order is under way (in another tab, or on the shopper's phone).
    InFlight,
    /// A payment of the order waits for the merchant to check it with the provider.
    OnHold,
    /// The order is paid.
    Paid,
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

impl From<Country> for PhoneCountry {
    fn from(country: Country) -> Self {
        PhoneCountry {
            code: country.code().into(),
            dial_code: country.dial_code().into(),
        }
    }
}

/// A mobile-money country and the operators taken there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileMoneyCountry {
    /// Yabetoo's country code, ISO 3166-1 alpha-2 lower case (`cg`, `cm`).
    pub code: String,
    pub dial_code: String,
    pub operators: Vec<Operator>,
}

impl MobileMoneyCountry {
    /// `country` of the numbering plan, with the operators taken there.
    pub fn new(country: Country, operators: Vec<Operator>) -> Self {
        MobileMoneyCountry {
            code: country.code().into(),
            dial_code: country.dial_code().into(),
            operators,
        }
    }
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

/// The order an order token carries, signed by the merchant so the browser cannot change the
/// amount. A token is `ot1.<payload>.<signature>`: the payload is the base64url JSON of this
/// type, the signature base64url HMAC-SHA256 of `ot1.<payload>` under the merchant's signing
/// secret. Signing and verifying are the server's; the shape is the contract's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenOrder {
    pub reference: String,
    pub description: String,
    #[serde(deserialize_with = "whole::number")]
    pub amount_minor: i64,
    pub currency: String,
    #[serde(default = "direct_capture")]
    pub capture: CaptureMethod,
    /// Unix seconds after which the token is refused.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::optional"
    )]
    pub expires_at: Option<i64>,
}

fn direct_capture() -> CaptureMethod {
    CaptureMethod::Direct
}

/// `POST /api/v1/admin/order-tokens`: the order to sign, its fields at the top level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderTokenRequest {
    #[serde(flatten)]
    pub order: TokenOrder,
    /// Lifetime of the token; without it (and without `expires_at`) the server's default.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::optional"
    )]
    pub expires_in_seconds: Option<i64>,
}

/// The answer to [`OrderTokenRequest`]: the token to give the widget as its `order`, and the
/// order it carries, with the expiry the server set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderTokenResponse {
    pub token: String,
    pub order: TokenOrder,
}

#[cfg(test)]
mod tests;
