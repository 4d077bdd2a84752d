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

mod error;
mod merchant;
mod method;
mod money;
mod order_token;
mod payment;
mod session;
mod status;
pub mod whole;

pub use error::{ErrorBody, ErrorResponse};
pub use merchant::{
    Attention, CaptureMethod, CaptureRequest, Operation, PaymentList, PaymentRecord, RefundRequest,
    StatusChange,
};
pub use method::{MethodKind, Operator};
pub use money::{decimal, format_minor, minor_unit_exponent};
pub use order_token::{OrderTokenRequest, OrderTokenResponse, TokenOrder};
pub use payment::{
    CreatePaymentRequest, Failure, MobileMoneyDetails, NextAction, Payment, SubmitRequest,
    SupportInfo,
};
pub use session::{
    CheckoutSession, MethodOffer, MobileMoneyCountry, OrderState, OrderSummary, PhoneCountry,
};
pub use status::PaymentStatus;

/// Path prefix of every contract endpoint.
pub const API_PREFIX: &str = "/api/v1";
/// Header carrying the widget's idempotency key on `POST /payments`.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Header carrying a payment's `client_secret` on the shopper's submit and read of it.
pub const CLIENT_SECRET_HEADER: &str = "Client-Secret";

#[cfg(test)]
mod tests;
