//! Yassir payment gateway adapter (Payment Intents API, Yassir Cash `WALLET_V2`).
//!
//! Every request carries `Authorization: Bearer base64(client_id:client_secret)`, `x-platform: API`
//! and the merchant's `x-service`; those made for a shopper also `x-locale`, from the shopper's
//! language. Yassir answers numeric `statusCode`s, which [`map_status_code`] turns into the
//! contract's statuses; its words are never read for meaning, since they follow `x-locale`.
//! Every answer that states an amount and a currency is compared with the payment's.

use super::{
    check_money, CreateIntent, IntentRef, PaymentProvider, ProviderError, ProviderIntent,
    ProviderStatus, SubmitDetails,
};
use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use checkout_contract::{
    format_minor, minor_unit_exponent, CaptureMethod, PaymentStatus, SupportInfo,
};
use rand::distributions::Alphanumeric;
use rand::Rng;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Map, Value};
use std::time::Duration;

/// The only payment method the adapter proceeds with: Yassir Cash.
const PAYMENT_METHOD: &str = "WALLET_V2";
/// Name under which the shopper's wallet phone is registered as a Yassir customer.
const CUSTOMER_NAME: &str = "Checkout customer";
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
}

impl YassirClient {
    pub fn new(config: YassirConfig, http: reqwest::Client) -> Self {
        Self { config, http }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = format!(
            "{}{}{path}",
            self.config.base_url.trim_end_matches('/'),
            self.config.api_prefix.trim_end_matches('/')
        );
        let credentials = STANDARD.encode(format!(
            "{}:{}",
            self.config.client_id, self.config.client_secret
        ));
        self.http
            .request(method, url)
            .header("Authorization", format!("Bearer {credentials}"))
            .header("x-platform", "API")
            .header("x-service", &self.config.service)
            .header("Content-Type", "application/json")
            .timeout(self.config.timeout)
    }

    /// A request made for the shopper: with `x-locale` when the shopper's language is known.
    fn shopper_request(
        &self,
        method: Method,
        path: &str,
        language: Option<&str>,
        country_alpha3: &str,
    ) -> RequestBuilder {
        let request = self.request(method, path);
        match x_locale(language, country_alpha3) {
            Some(locale) => request.header("x-locale", locale),
            None => request,
        }
    }

    /// Registers the wallet phone as a customer. The docs answer 201, or 409 when the phone is
    /// already registered ("safe to ignore"). Any other refusal (staging reportedly answers 400,
    /// in the words of `x-locale`) is settled by looking the phone up: listed, the customer is
    /// there; not listed, the create cannot go on, and says so.
    async fn register_customer(
        &self,
        phone: &str,
        request: &CreateIntent,
    ) -> Result<(), ProviderError> {
        let language = request.language.as_deref();
        let country = &request.country_alpha3;
        let registration = self
            .shopper_request(Method::POST, "/customers", language, country)
            .json(&json!({ "name": CUSTOMER_NAME, "phone": phone, "isActive": true }));
        let refusal = match send(registration).await {
            Ok(_) => return Ok(()),
            Err(ProviderError::Refused { code, .. }) if code == "conflict" => return Ok(()),
            Err(ProviderError::Refused { code, message }) => (code, message),
            Err(error) => return Err(error),
        };
        let search = self.shopper_request(
            Method::GET,
            &format!("/customers/search/{}", phone.replace('+', "%2B")),
            language,
            country,
        );
        match send(search).await {
            Ok(_) => Ok(()),
            Err(ProviderError::NotFound(_)) => {
                let (code, message) = refusal;
                tracing::warn!(%code, provider_message = %message, "Yassir refused to register a wallet phone as a customer, and does not list it");
                Err(ProviderError::Refused {
                    code: "customer_not_registered".into(),
                    message: "Yassir did not register the wallet phone as a customer".into(),
                })
            }
            Err(error) => Err(error),
        }
    }

    /// `POST /payments/intents` with `action_id` as the `actionId`.
    async fn send_create(
        &self,
        request: &CreateIntent,
        phone: &str,
        action_id: &str,
    ) -> Result<Value, ProviderError> {
        let capture_method = match request.capture {
            CaptureMethod::Direct => "DIRECT",
            CaptureMethod::Reservation => "RESERVATION",
        };
        let body = json!({
            "actionId": action_id,
            "amount": Self::major_units(request.amount_minor, &request.currency)?,
            "actionCurrencyCode": request.currency,
            "actionCountryCode": request.country_alpha3,
            "userId": phone,
            "captureMethod": capture_method,
            "metaData": { "paymentCheckoutId": request.payment_id, "order": request.order },
        });
        let http_request = self
            .shopper_request(
                Method::POST,
                "/payments/intents",
                request.language.as_deref(),
                &request.country_alpha3,
            )
            .query(&[("countryCode", request.country_alpha3.as_str())])
            .json(&body);
        send(http_request).await
    }

    /// Compares the amount and currency an answer states (a check's, a proceed's) with the
    /// payment's.
    fn check_answer_money(&self, intent: &IntentRef, answer: &Value) -> Result<(), ProviderError> {
        let data = answer.get("data").unwrap_or(&Value::Null);
        let (amount, currency) = money_of(data, &intent.currency);
        check_money(
            self.name(),
            Some(&intent.intent_id),
            (intent.amount_minor, &intent.currency),
            amount,
            currency.as_deref(),
        )
    }

    /// A JSON amount in major units (`150000` DZD -> `1500.0`), as Yassir expects.
    fn major_units(amount_minor: i64, currency: &str) -> Result<Value, ProviderError> {
        serde_json::from_str(&format_minor(amount_minor, currency)).map_err(|error| {
            ProviderError::Refused {
                code: "invalid_request".into(),
                message: format!(
                    "amount {amount_minor} {currency} cannot be sent to Yassir: {error}"
                ),
            }
        })
    }
}

impl YassirClient {
    /// One Check of the intent, read (the expiry included).
    async fn check_once(&self, intent: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        let path = format!("/payments/intents/{}/check", intent.intent_id);
        let request = self
            .shopper_request(
                Method::GET,
                &path,
                intent.language.as_deref(),
                &intent.country_alpha3,
            )
            .header("x-client-secret", &intent.client_secret);
        let answer = send(request).await?;
        if let Err(ProviderError::Mismatch(detail)) = self.check_answer_money(intent, &answer) {
            return Ok(ProviderStatus::mismatch(&detail));
        }
        Ok(expiry_read(intent, status_from_answer(&answer)?))
    }

    /// Proceed's answer says only what happened; Check adds the shopper's message and the
    /// support contact, so a final answer is checked at once. Two answers that disagree are no
    /// answer ([`ProviderError::Disagree`]); another amount is the check's word. A check that
    /// fails adds nothing, and the proceed's answer stands.
    async fn confirmed_by_check(
        &self,
        intent: &IntentRef,
        proceeded: ProviderStatus,
    ) -> Result<ProviderStatus, ProviderError> {
        if !proceeded.status.is_final() || proceeded.is_mismatch() {
            return Ok(proceeded);
        }
        match self.check_once(intent).await {
            Ok(checked) if checked.is_mismatch() || checked.status == proceeded.status => {
                Ok(checked)
            }
            Ok(checked) => Err(ProviderError::Disagree(format!(
                "the proceed answered {} but the check {}",
                proceeded.raw, checked.raw
            ))),
            Err(error) => {
                tracing::warn!(intent = %intent.intent_id, %error, "check after proceed failed");
                Ok(proceeded)
            }
        }
    }
}

/// Yassir answers a plain 3 (rejected) for an intent that ran out of time: its own `expiresAt`
/// says which.
fn expiry_read(intent: &IntentRef, mut status: ProviderStatus) -> ProviderStatus {
    let expired = intent
        .expires_at
        .as_deref()
        .and_then(crate::clock::parse_rfc3339)
        .is_some_and(|at| at < crate::clock::now());
    if status.status == PaymentStatus::Rejected && expired {
        status.status = PaymentStatus::Expired;
        let message = status
            .failure
            .take()
            .map(|(_, message)| message)
            .unwrap_or_else(|| "The payment was not completed in time.".into());
        status.failure = Some(("expired".into(), message));
    }
    status
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
        let status = expiry_read(intent, status_from_answer(&answer)?);
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

/// Sends a request and returns the JSON body of a 2xx answer, or the error it stands for.
async fn send(request: RequestBuilder) -> Result<Value, ProviderError> {
    let response = request.send().await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    let body: Option<Value> = serde_json::from_slice(&bytes).ok();
    if status.is_success() {
        return body.ok_or_else(|| {
            ProviderError::Unavailable(format!(
                "Yassir answered {status} with a body that is not JSON"
            ))
        });
    }
    let message = body
        .as_ref()
        .and_then(|body| body.get("message"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("Yassir answered {status}"));
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ProviderError::Unauthorized(message),
        StatusCode::NOT_FOUND => ProviderError::NotFound(message),
        StatusCode::BAD_REQUEST => ProviderError::Refused {
            code: "invalid_request".into(),
            message,
        },
        StatusCode::CONFLICT => ProviderError::Refused {
            code: "conflict".into(),
            message,
        },
        StatusCode::UNPROCESSABLE_ENTITY => ProviderError::Refused {
            code: "unprocessable".into(),
            message,
        },
        // Rate limiting and server errors are Yassir's trouble, and worth retrying later.
        StatusCode::TOO_MANY_REQUESTS => ProviderError::Unavailable(message),
        status if status.is_server_error() => ProviderError::Unavailable(message),
        status => ProviderError::Refused {
            code: format!("http_{}", status.as_u16()),
            message,
        },
    })
}

/// Reads a proceed, check, capture, release or refund answer (`data.statusCode` and friends).
fn status_from_answer(answer: &Value) -> Result<ProviderStatus, ProviderError> {
    let data = answer.get("data").unwrap_or(&Value::Null);
    let status_text = text(data, "status");
    let end_user_message = text(data, "endUserMessage");
    // Proceed says `metadata`, capture and release say `metaData`; an empty payUrl means none.
    let pay_url = ["metadata", "metaData"]
        .iter()
        .find_map(|key| data.get(key).and_then(|meta| text(meta, "payUrl")));
    let code = match data.get("statusCode").and_then(Value::as_i64) {
        Some(code) => code,
        // Integrations infer "OTP required" when Yassir leaves statusCode out but asks for 3DS.
        None if data.get("require3DS").and_then(Value::as_bool) == Some(true) => 12,
        None => {
            tracing::error!(answer = %answer, "Yassir answered without a statusCode");
            return Err(ProviderError::UnknownStatus(format!(
                "no statusCode in {answer}"
            )));
        }
    };
    // Refunds (and, by the same envelope, other operations) explain a refusal here.
    let provider_error = data.get("errorMessage").and_then(|error| {
        text(error, "providerErrorMessage").or_else(|| text(error, "internalErrorMessage"))
    });
    let mut status = map_status_code(code, status_text.as_deref(), end_user_message.as_deref())?;
    if let (Some(detail), Some((_, message))) = (provider_error, status.failure.as_mut()) {
        *message = format!("{message}: {detail}");
    }
    status.pay_url = pay_url;
    status.end_user_message = end_user_message;
    status.support = data
        .get("supportInfo")
        .filter(|info| info.is_object())
        .map(|info| SupportInfo {
            email: text(info, "email"),
            phone_number: text(info, "phoneNumber"),
        });
    Ok(status)
}

/// Maps Yassir's `statusCode` to the contract's status; the `status` text and `endUserMessage`
/// only make the history and the shopper's message. An unknown code is an error, never a
/// success.
///
/// A 12 from Check carries no `payUrl`; the caller that needs one (proceed) checks for it.
pub fn map_status_code(
    code: i64,
    status_text: Option<&str>,
    end_user_message: Option<&str>,
) -> Result<ProviderStatus, ProviderError> {
    let raw = match status_text {
        Some(text) => format!("statusCode {code}: {text}"),
        None => format!("statusCode {code}"),
    };
    let status = match code {
        0 => PaymentStatus::Created,
        2 => PaymentStatus::Succeeded,
        3 => return Ok(rejection(raw, status_text, end_user_message)),
        4 => PaymentStatus::Refunded,
        10 => PaymentStatus::Canceled,
        12 => PaymentStatus::RequiresAction,
        13 => PaymentStatus::PreAuthorized,
        16 => PaymentStatus::PartiallyRefunded,
        _ => {
            tracing::error!(status_code = code, status = ?status_text, "Yassir answered an unknown statusCode");
            return Err(ProviderError::UnknownStatus(raw));
        }
    };
    Ok(ProviderStatus::plain(status, raw))
}

/// statusCode 3. Yassir gives no code that tells an expiry or a lack of funds from another
/// rejection, and its words are for the shopper, not for parsing: the service tells an expiry by
/// the intent's `expiresAt`, and the shopper reads Yassir's own message.
fn rejection(
    raw: String,
    status_text: Option<&str>,
    end_user_message: Option<&str>,
) -> ProviderStatus {
    let message = end_user_message
        .or(status_text)
        .unwrap_or("Transaction was rejected")
        .to_string();
    ProviderStatus {
        failure: Some(("rejected".to_string(), message)),
        ..ProviderStatus::plain(PaymentStatus::Rejected, raw)
    }
}

/// The `x-locale` of a shopper's language (`en`, `fr`, `ar`) for a wallet of `country_alpha3`,
/// as Yassir's document writes it (`en_US`, `fr_FR`, `ar_DZ`); `None` for a language Yassir is not
/// known to speak, which leaves Yassir to its default.
pub fn x_locale(language: Option<&str>, country_alpha3: &str) -> Option<&'static str> {
    match (language?, country_alpha3) {
        ("en", _) => Some("en_US"),
        ("fr", _) => Some("fr_FR"),
        ("ar", "MAR") => Some("ar_MA"),
        ("ar", _) => Some("ar_DZ"),
        _ => None,
    }
}

/// The amount (in minor units) and the currency an answer's `data` states, where it states
/// them: `amount` in major units (of its currency, else of `payment_currency`), `currency`
/// (create) or `currencyCode` (check).
fn money_of(data: &Value, payment_currency: &str) -> (Option<i64>, Option<String>) {
    let currency = text(data, "currency").or_else(|| text(data, "currencyCode"));
    let amount = data.get("amount").and_then(|amount| {
        let major = amount
            .as_f64()
            .or_else(|| amount.as_str()?.trim().parse().ok())?;
        let exponent = minor_unit_exponent(currency.as_deref().unwrap_or(payment_currency))?;
        Some((major * 10f64.powi(exponent as i32)).round() as i64)
    });
    (amount, currency)
}

/// A non-empty string field.
fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests;
