//! Yassir payment gateway adapter (Payment Intents API, Yassir Cash `WALLET_V2`).
//!
//! Every request carries `Authorization: Bearer base64(client_id:client_secret)`, `x-platform: API`
//! and the merchant's `x-service`; those made for a shopper also `x-locale`, from the shopper's
//! language. Yassir answers numeric `statusCode`s, which [`map_status_code`] turns into the
//! contract's statuses; its words are never read for meaning, since they follow `x-locale`.
//! Every answer that states an amount and a currency is compared with the payment's.
//!
//! The adapter's flows are here; the rest is one concern a module:
//!
//! - [`transport`]: how a request reaches Yassir, and what an HTTP answer stands for;
//! - [`create`]: the wallet phone registered as a customer, then the intent created;
//! - [`check`]: Yassir's Check, and the check of a final proceed;
//! - [`answer`]: reading a `statusCode` answer into the contract's statuses;
//! - [`money`]: amounts as Yassir writes them, and an answer's compared with the payment's.

mod answer;
mod check;
mod create;
mod money;
mod transport;

use super::{
    check_money, CreateIntent, IntentRef, PaymentProvider, ProviderError, ProviderIntent,
    ProviderStatus, SubmitDetails,
};
use async_trait::async_trait;
use checkout_contract::PaymentStatus;
use rand::distributions::Alphanumeric;
use rand::Rng;
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::time::Duration;

use crate::clock::Clock;
use answer::{expiry_read, status_from_answer, text};
use money::money_of;
use transport::send;

pub use answer::map_status_code;
pub use transport::x_locale;

/// The only payment method the adapter proceeds with: Yassir Cash.
const PAYMENT_METHOD: &str = "WALLET_V2";
/// The path prefix of Yassir's current docs (and production); the staging docs show none.
pub const API_PREFIX: &str = "/api/v1";

/// Where and how to reach Yassir. From `YASSIR_*` environment variables in production.
#[derive(Clone)]
pub struct YassirConfig {
    /// `https://api.payment.yassir.io`, `https://stg-api.payment.yassir.io`, or the sandbox
    /// (`http://127.0.0.1:8787/sandbox/yassir`). Paths `{api_prefix}/...` are appended.
    pub base_url: String,
    /// [`API_PREFIX`] (`/api/v1`, the current docs), or empty for the staging docs' paths.
    pub api_prefix: String,
    pub client_id: String,
    pub client_secret: String,
    /// `x-service`, given at onboarding.
    pub service: String,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl std::fmt::Debug for YassirConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YassirConfig")
            .field("base_url", &self.base_url)
            .field("api_prefix", &self.api_prefix)
            .field("client_id", &self.client_id)
            .field("client_secret", &crate::secrets::REDACTED)
            .field("service", &self.service)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Speaks Yassir's HTTP API.
#[derive(Debug, Clone)]
pub struct YassirClient {
    config: YassirConfig,
    http: reqwest::Client,
    /// What an intent's expiry is read against.
    clock: Clock,
}

impl YassirClient {
    pub fn new(config: YassirConfig, http: reqwest::Client, clock: Clock) -> Self {
        Self {
            config,
            http,
            clock,
        }
    }
}

#[async_trait]
impl PaymentProvider for YassirClient {
    fn name(&self) -> &'static str {
        "yassir"
    }

    async fn create_intent(&self, request: &CreateIntent) -> Result<ProviderIntent, ProviderError> {
        let phone = request
            .customer_phone
            .as_deref()
            .ok_or_else(|| ProviderError::Refused {
                code: "invalid_request".into(),
                message: "a Yassir Cash payment needs the shopper's wallet phone".into(),
            })?;
        self.register_customer(phone, request).await?;

        let answer = match self.send_create(request, phone, &request.payment_id).await {
            // The docs say only that `actionId` is "used for idempotency": a create repeated
            // after a lost answer may get that intent back, a new one, or a 409. The intent a
            // 409 stands for was never proceeded, so it moves no money; this attempt goes on
            // under an `actionId` of its own (the payment id, a dot and a random suffix).
            Err(ProviderError::Refused { code, .. }) if code == "conflict" => {
                let suffix: String = rand::thread_rng()
                    .sample_iter(&Alphanumeric)
                    .take(8)
                    .map(char::from)
                    .collect();
                let action_id = format!("{}.{suffix}", request.payment_id);
                tracing::warn!(payment = %request.payment_id, %action_id, "Yassir answered 409 to a repeated actionId; creating under a new one");
                self.send_create(request, phone, &action_id).await?
            }
            answer => answer?,
        };
        let data = answer.get("data").cloned().unwrap_or(Value::Null);
        // Older Yassir docs and integrations name the id `id`.
        let intent_id = text(&data, "paymentId").or_else(|| text(&data, "id"));
        let client_secret = text(&data, "clientSecret");
        let (amount, currency) = money_of(&data, &request.currency);
        check_money(
            self.name(),
            intent_id.as_deref(),
            (request.amount_minor, &request.currency),
            amount,
            currency.as_deref(),
        )?;
        match (intent_id, client_secret) {
            (Some(intent_id), Some(client_secret)) => Ok(ProviderIntent {
                intent_id,
                client_secret,
                expires_at: text(&data, "expiresAt"),
            }),
            // Not the answer itself: it may hold a client secret.
            _ => Err(ProviderError::Unavailable(
                "Yassir's create answer has no paymentId or clientSecret".into(),
            )),
        }
    }

    async fn submit(
        &self,
        intent: &IntentRef,
        details: &SubmitDetails,
    ) -> Result<ProviderStatus, ProviderError> {
        if let SubmitDetails::MobileMoney(_) = details {
            return Err(ProviderError::Unsupported(
                "Yassir only takes Yassir Cash, not mobile money".into(),
            ));
        }
        let path = format!("/payments/intents/{}/proceed", intent.intent_id);
        let request = self
            .shopper_request(
                Method::POST,
                &path,
                intent.language.as_deref(),
                &intent.country_alpha3,
            )
            .header("x-client-secret", &intent.client_secret)
            .header("x-country-code", &intent.country_alpha3)
            .json(&json!({ "paymentMethodCode": PAYMENT_METHOD }));
        let answer = send(request).await?;
        if let Err(ProviderError::Mismatch(detail)) = self.check_answer_money(intent, &answer) {
            return Ok(ProviderStatus::mismatch(&detail));
        }
        let status = expiry_read(intent, status_from_answer(&answer)?, self.clock.now());
        if status.status == PaymentStatus::RequiresAction && status.pay_url.is_none() {
            return Err(ProviderError::Unavailable(
                "Yassir asked for an OTP (statusCode 12) without a payUrl".into(),
            ));
        }
        self.confirmed_by_check(intent, status).await
    }

    /// Check, with what Yassir's Check leaves out: it carries no payUrl, so an OTP step whose
    /// page is not known (the proceed's answer was lost) is asked for again, which only
    /// re-issues the page.
    async fn check(&self, intent: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        let checked = self.check_once(intent).await?;
        if checked.status != PaymentStatus::RequiresAction || !intent.wants_next_step {
            return Ok(checked);
        }
        match self.submit(intent, &SubmitDetails::YassirCash).await {
            Ok(proceeded) if proceeded.pay_url.is_some() => Ok(proceeded),
            Ok(proceeded) => {
                tracing::warn!(intent = %intent.intent_id, raw = %proceeded.raw, "proceed again gave no payUrl");
                Ok(checked)
            }
            Err(error) => {
                tracing::warn!(intent = %intent.intent_id, %error, "proceed again for the payUrl failed");
                Ok(checked)
            }
        }
    }

    async fn capture(
        &self,
        intent: &IntentRef,
        amount_minor: Option<i64>,
    ) -> Result<ProviderStatus, ProviderError> {
        let mut body = Map::new();
        if let Some(amount) = amount_minor {
            body.insert(
                "amount".into(),
                Self::major_units(amount, &intent.currency)?,
            );
        }
        let path = format!("/payments/intents/{}/capture", intent.intent_id);
        let request = self.request(Method::POST, &path).json(&body);
        status_from_answer(&send(request).await?)
    }

    async fn release(&self, intent: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        let path = format!("/payments/intents/{}/release", intent.intent_id);
        let request = self.request(Method::POST, &path).json(&json!({}));
        status_from_answer(&send(request).await?)
    }

    async fn refund(
        &self,
        intent: &IntentRef,
        amount_minor: Option<i64>,
        description: &str,
        reason: Option<&str>,
    ) -> Result<ProviderStatus, ProviderError> {
        let mut body = Map::new();
        body.insert("description".into(), json!(description));
        if let Some(amount) = amount_minor {
            body.insert(
                "amount".into(),
                Self::major_units(amount, &intent.currency)?,
            );
        }
        if let Some(reason) = reason {
            body.insert("reason".into(), json!(reason));
        }
        // Refunds live under `/payments/:paymentId`, not under `/payments/intents`.
        let path = format!("/payments/{}/refund", intent.intent_id);
        let request = self.request(Method::POST, &path).json(&body);
        status_from_answer(&send(request).await?)
    }
}

#[cfg(test)]
mod tests;
