//! Provider adapters: each speaks one provider's real HTTP API (or the sandbox's, which is the
//! same API on another base URL) and maps its statuses and errors into the contract's words.

mod measured;
pub mod notices;
pub mod yabetoo;
pub mod yassir;

use async_trait::async_trait;
use checkout_contract::{CaptureMethod, MobileMoneyDetails, PaymentStatus, SupportInfo};

pub use measured::Measured;
pub use yabetoo::{YabetooClient, YabetooConfig};
pub use yassir::{YassirClient, YassirConfig};

/// What the server asks a provider to create for one payment attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIntent {
    /// Our payment id; unique per attempt (Yassir's `actionId`, Yabetoo's `metadata.paymentId`).
    pub payment_id: String,
    pub order: String,
    pub description: String,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    /// Yassir: ISO 3166-1 alpha-3 of the merchant's country (`DZA`, `MAR`).
    pub country_alpha3: String,
    /// Yassir: the shopper's wallet phone in `+213…` form (registered as a customer, then `userId`).
    pub customer_phone: Option<String>,
    pub capture: CaptureMethod,
    /// The shopper's language (`en`, `fr`, `ar`), when known: Yassir's `x-locale`.
    pub language: Option<String>,
}

/// The provider's side of a created intent, kept by the server.
#[derive(Clone, PartialEq)]
pub struct ProviderIntent {
    pub intent_id: String,
    /// Yassir: payment-scoped and safe in the browser. Yabetoo: server-only.
    pub client_secret: String,
    /// RFC 3339, when the provider gives one.
    pub expires_at: Option<String>,
}

/// How the server refers to an existing intent.
#[derive(Clone, PartialEq)]
pub struct IntentRef {
    pub intent_id: String,
    pub client_secret: String,
    /// The payment's amount, which every answer that states one must repeat.
    pub amount_minor: i64,
    pub currency: String,
    /// Yassir: ISO alpha-3 country of the intent (`x-country-code`).
    pub country_alpha3: String,
    /// The shopper's language (`en`, `fr`, `ar`), when known: Yassir's `x-locale`.
    pub language: Option<String>,
    /// RFC 3339: when the intent stops being payable, as its create answered (Yassir's
    /// `expiresAt`), if it said.
    pub expires_at: Option<String>,
    /// Whether the server still wants the shopper's next step at the provider (Yassir's OTP
    /// page): the payment is open and the server never heard where to send the shopper. Asking
    /// for it again re-sends the shopper a code, so a closed payment never wants it.
    pub wants_next_step: bool,
}

/// Written by hand so that no log line or panic message ever shows a secret.
impl std::fmt::Debug for ProviderIntent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderIntent")
            .field("intent_id", &self.intent_id)
            .field("client_secret", &crate::secrets::REDACTED)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl std::fmt::Debug for IntentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntentRef")
            .field("intent_id", &self.intent_id)
            .field("client_secret", &crate::secrets::REDACTED)
            .field("amount_minor", &self.amount_minor)
            .field("currency", &self.currency)
            .field("country_alpha3", &self.country_alpha3)
            .field("language", &self.language)
            .field("expires_at", &self.expires_at)
            .field("wants_next_step", &self.wants_next_step)
            .finish()
    }
}

/// The method details that start a payment.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitDetails {
    YassirCash,
    MobileMoney(MobileMoneyDetails),
}

/// A provider's answer mapped into the contract.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderStatus {
    pub status: PaymentStatus,
    /// Yassir statusCode 12: where to send the shopper.
    pub pay_url: Option<String>,
    pub end_user_message: Option<String>,
    pub support: Option<SupportInfo>,
    /// Set when the status is not a success: a stable code and the provider's message.
    pub failure: Option<(String, String)>,
    /// The provider's raw status, for the history (`statusCode 12`, `succeeded`).
    pub raw: String,
}

impl ProviderStatus {
    /// A status with nothing else to say.
    pub fn plain(status: PaymentStatus, raw: impl Into<String>) -> Self {
        Self {
            status,
            pay_url: None,
            end_user_message: None,
            support: None,
            failure: None,
            raw: raw.into(),
        }
    }
}

/// How an outcome made unknown by two disagreeing answers is worded ([`ProviderError::Disagree`]).
pub const ANSWERS_DISAGREE: &str = "the provider's answers disagree";

/// Everything that can go wrong talking to a provider.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Our credentials were refused (401): a configuration error, never the shopper's.
    #[error("the provider refused our credentials: {0}")]
    Unauthorized(String),
    /// The provider does not know this intent (404).
    #[error("the provider does not know this payment: {0}")]
    NotFound(String),
    /// The provider refused the request as invalid or not permitted (400, 409, 422).
    #[error("the provider refused the request: {message}")]
    Refused { code: String, message: String },
    /// The provider failed (5xx) or answered something unreadable.
    #[error("the provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider did not answer in time.
    #[error("the provider did not answer in time")]
    Timeout,
    /// The provider answered a status code we do not know: never treated as a success.
    #[error("the provider answered an unknown status: {0}")]
    UnknownStatus(String),
    /// The operation does not exist at this provider (Yabetoo refunds are not in its API).
    #[error("{0}")]
    Unsupported(String),
    /// Two answers of the provider about one request disagree: no answer, and the request did
    /// arrive ([`ANSWERS_DISAGREE`] begins what it says).
    #[error("the provider's answers disagree: {0}")]
    Disagree(String),
    /// The provider's answer names another amount or currency than the payment's: never a
    /// success, and an alert for the merchant.
    #[error("the provider's answer does not match the payment: {0}")]
    Mismatch(String),
}

/// The contract's failure code of a payment stopped by [`ProviderError::Mismatch`].
pub const MISMATCH_CODE: &str = "amount_mismatch";
/// What the shopper reads of it: nothing of the provider's answer.
pub const MISMATCH_MESSAGE: &str =
    "The payment could not be completed. No success was recorded; please contact the shop.";

/// Compares what an answer says of the money with the payment: `Err` with what differs when
/// the amount (in minor units) or the currency is another one. What the answer leaves out is not
/// compared. Logs the alert, without any secret.
pub fn check_money(
    provider: &str,
    intent_id: Option<&str>,
    expected: (i64, &str),
    answered_minor: Option<i64>,
    answered_currency: Option<&str>,
) -> Result<(), ProviderError> {
    let (amount, currency) = expected;
    let mut wrong = Vec::new();
    if let Some(answered) = answered_minor.filter(|answered| *answered != amount) {
        wrong.push(format!(
            "amount {answered} instead of {amount} (minor units)"
        ));
    }
    if let Some(answered) =
        answered_currency.filter(|answered| !answered.eq_ignore_ascii_case(currency))
    {
        wrong.push(format!("currency {answered} instead of {currency}"));
    }
    if wrong.is_empty() {
        return Ok(());
    }
    let detail = wrong.join(", ");
    tracing::error!(
        alert = "provider_amount_mismatch",
        provider,
        intent = intent_id.unwrap_or("-"),
        %detail,
        "ALERT: a provider answered another amount or currency than the payment's; the payment is failed"
    );
    Err(ProviderError::Mismatch(detail))
}

impl ProviderStatus {
    /// Whether this is the failure a mismatched answer makes.
    pub fn is_mismatch(&self) -> bool {
        self.failure
            .as_ref()
            .is_some_and(|(code, _)| code == MISMATCH_CODE)
    }

    /// The failed payment a mismatched answer makes, whatever status it claimed.
    pub fn mismatch(detail: &str) -> Self {
        Self {
            failure: Some((MISMATCH_CODE.to_string(), MISMATCH_MESSAGE.to_string())),
            ..ProviderStatus::plain(
                PaymentStatus::Failed,
                format!("answer does not match the payment: {detail}"),
            )
        }
    }
}

impl From<reqwest::Error> for ProviderError {
    fn from(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            ProviderError::Timeout
        } else {
            ProviderError::Unavailable(error.to_string())
        }
    }
}

/// One provider's operations, as the payment service uses them.
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// `yassir` or `yabetoo`.
    fn name(&self) -> &'static str;
    async fn create_intent(&self, request: &CreateIntent) -> Result<ProviderIntent, ProviderError>;
    /// Yassir: proceed with `WALLET_V2`. Yabetoo: confirm with mobile money (may block until the
    /// shopper answers on the phone; the service runs it in the background).
    async fn submit(
        &self,
        intent: &IntentRef,
        details: &SubmitDetails,
    ) -> Result<ProviderStatus, ProviderError>;
    /// Yassir: check. Yabetoo: retrieve.
    async fn check(&self, intent: &IntentRef) -> Result<ProviderStatus, ProviderError>;
    /// Full capture when `amount_minor` is `None`; a partial capture releases the rest.
    async fn capture(
        &self,
        intent: &IntentRef,
        amount_minor: Option<i64>,
    ) -> Result<ProviderStatus, ProviderError>;
    async fn release(&self, intent: &IntentRef) -> Result<ProviderStatus, ProviderError>;
    /// Full refund of what remains when `amount_minor` is `None`.
    async fn refund(
        &self,
        intent: &IntentRef,
        amount_minor: Option<i64>,
        description: &str,
        reason: Option<&str>,
    ) -> Result<ProviderStatus, ProviderError>;
}
