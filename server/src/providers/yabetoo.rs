//! Yabetoo Pay adapter (payment intents, mobile money confirm and retrieve).
//!
//! - create: `POST /v1/payment-intents` with the amount in XAF francs (XAF has no minor unit).
//! - submit: `POST /v1/payment-intents/{id}/confirm` with `payment_method_data.momo`. Yabetoo
//!   holds this request until the shopper answers the prompt (up to ~90 s), so it gets its own
//!   timeout; on a timeout the intent may still settle, and `check` finds out.
//! - check: `GET /v1/payment-intents/{id}`.
//! - capture, release, refund: not in Yabetoo's API (mobile money is captured at once; refunds
//!   go through Yabetoo support).
//!
//! The client secret Yabetoo returns is server-only: it authorises confirm.
//!
//! Every answer that states an amount and a currency (create, confirm, retrieve) is compared
//! with the payment's; one that differs fails the payment, never succeeds it.

use std::time::Duration;

use async_trait::async_trait;
use checkout_contract::{minor_unit_exponent, MobileMoneyDetails, PaymentStatus};
use reqwest::{RequestBuilder, StatusCode, Url};
use serde_json::{json, Map, Value};

use super::{
    check_money, CreateIntent, IntentRef, PaymentProvider, ProviderError, ProviderIntent,
    ProviderStatus, SubmitDetails,
};

/// A test key (`sk_test_…`): Yabetoo routes it to its sandbox, where its test numbers work and
/// no money moves.
pub fn is_test_key(secret_key: &str) -> bool {
    secret_key.starts_with("sk_test_")
}

/// Where and how to reach Yabetoo. From `YABETOO_*` environment variables in production.
#[derive(Clone)]
pub struct YabetooConfig {
    /// `https://pay.api.yabetoopay.com`, `https://pay.sandbox.yabetoopay.com`, or the sandbox
    /// (`http://127.0.0.1:8787/sandbox/yabetoo`). Paths `/v1/...` are appended.
    pub base_url: String,
    /// `sk_live_…` / `sk_test_…`.
    pub secret_key: String,
    /// Timeout of ordinary requests.
    pub timeout: Duration,
    /// Timeout of confirm, which holds the request until the shopper answers (~90 s).
    pub confirm_timeout: Duration,
}

impl std::fmt::Debug for YabetooConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YabetooConfig")
            .field("base_url", &self.base_url)
            .field("secret_key", &crate::secrets::REDACTED)
            .field("timeout", &self.timeout)
            .field("confirm_timeout", &self.confirm_timeout)
            .finish()
    }
}

/// Speaks Yabetoo's HTTP API.
#[derive(Debug, Clone)]
pub struct YabetooClient {
    config: YabetooConfig,
    http: reqwest::Client,
}

impl YabetooClient {
    pub fn new(config: YabetooConfig, http: reqwest::Client) -> Self {
        Self { config, http }
    }

    /// The base URL with `segments` appended, each percent-encoded as needed.
    fn url(&self, segments: &[&str]) -> Result<Url, ProviderError> {
        let mut url = Url::parse(&self.config.base_url).map_err(|error| {
            ProviderError::Unavailable(format!("invalid Yabetoo base URL: {error}"))
        })?;
        url.path_segments_mut()
            .map_err(|()| ProviderError::Unavailable("invalid Yabetoo base URL".into()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// Compares the amount and currency a confirm or retrieve answer states with the payment's.
    fn check_answer_money(&self, intent: &IntentRef, answer: &Value) -> Result<(), ProviderError> {
        let (amount, currency) = money_of(answer);
        check_money(
            self.name(),
            Some(&intent.intent_id),
            (intent.amount_minor, &intent.currency),
            amount,
            currency,
        )
    }

    /// Sends an authenticated request and reads a successful JSON answer; any other answer
    /// becomes the matching [`ProviderError`].
    async fn send(&self, request: RequestBuilder) -> Result<Value, ProviderError> {
        let response = request.bearer_auth(&self.config.secret_key).send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            let error = error_from_response(status, &text);
            tracing::warn!(%status, %error, "Yabetoo refused a request");
            return Err(error);
        }
        serde_json::from_str(&text).map_err(|_| {
            ProviderError::Unavailable(format!(
                "Yabetoo answered HTTP {status} with a body that is not JSON"
            ))
        })
    }
}

#[async_trait]
impl PaymentProvider for YabetooClient {
    fn name(&self) -> &'static str {
        "yabetoo"
    }

    async fn create_intent(&self, request: &CreateIntent) -> Result<ProviderIntent, ProviderError> {
        // Yabetoo amounts are whole units; only zero-decimal currencies (XAF) can be sent as is.
        if minor_unit_exponent(&request.currency) != Some(0) {
            return Err(ProviderError::Refused {
                code: "unsupported_currency".into(),
                message: format!(
                    "Yabetoo takes XAF in whole francs, not {}",
                    request.currency
                ),
            });
        }
        let body = json!({
            "amount": request.amount_minor,
            "currency": request.currency.to_ascii_lowercase(),
            "description": request.description,
            "metadata": { "paymentId": request.payment_id, "order": request.order },
        });
        let url = self.url(&["v1", "payment-intents"])?;
        let answer = self
            .send(self.http.post(url).timeout(self.config.timeout).json(&body))
            .await?;
        let intent_id = text(&answer, &["id"]).ok_or_else(|| {
            ProviderError::Unavailable("Yabetoo's create answer has no intent id".into())
        })?;
        let client_secret = text(&answer, &["clientSecret", "client_secret"]).ok_or_else(|| {
            ProviderError::Unavailable("Yabetoo's create answer has no client secret".into())
        })?;
        let (amount, currency) = money_of(&answer);
        check_money(
            self.name(),
            Some(intent_id),
            (request.amount_minor, &request.currency),
            amount,
            currency,
        )?;
        Ok(ProviderIntent {
            intent_id: intent_id.to_owned(),
            client_secret: client_secret.to_owned(),
            expires_at: None,
        })
    }

    async fn submit(
        &self,
        intent: &IntentRef,
        details: &SubmitDetails,
    ) -> Result<ProviderStatus, ProviderError> {
        let SubmitDetails::MobileMoney(details) = details else {
            return Err(ProviderError::Unsupported(
                "Yabetoo takes mobile money only, not Yassir Cash".into(),
            ));
        };
        let url = self.url(&["v1", "payment-intents", &intent.intent_id, "confirm"])?;
        let body = confirm_body(&intent.client_secret, details);
        let answer = self
            .send(
                self.http
                    .post(url)
                    .timeout(self.config.confirm_timeout)
                    .json(&body),
            )
            .await?;
        if let Err(ProviderError::Mismatch(detail)) = self.check_answer_money(intent, &answer) {
            return Ok(ProviderStatus::mismatch(&detail));
        }
        status_from_body(Source::Confirm, &answer)
    }

    async fn check(&self, intent: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        let url = self.url(&["v1", "payment-intents", &intent.intent_id])?;
        let answer = self
            .send(self.http.get(url).timeout(self.config.timeout))
            .await?;
        if let Err(ProviderError::Mismatch(detail)) = self.check_answer_money(intent, &answer) {
            return Ok(ProviderStatus::mismatch(&detail));
        }
        status_from_body(Source::Retrieve, &answer)
    }

    async fn capture(
        &self,
        _intent: &IntentRef,
        _amount_minor: Option<i64>,
    ) -> Result<ProviderStatus, ProviderError> {
        Err(ProviderError::Unsupported(
            "Yabetoo captures mobile money when the shopper approves: there is nothing to capture"
                .into(),
        ))
    }

    async fn release(&self, _intent: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        Err(ProviderError::Unsupported(
            "Yabetoo does not reserve funds: there is nothing to release".into(),
        ))
    }

    async fn refund(
        &self,
        _intent: &IntentRef,
        _amount_minor: Option<i64>,
        _description: &str,
        _reason: Option<&str>,
    ) -> Result<ProviderStatus, ProviderError> {
        Err(ProviderError::Unsupported(
            "Yabetoo has no refund API: refunds go through Yabetoo support".into(),
        ))
    }
}

/// The confirm body: the intent's client secret, the shopper's optional names and receipt email,
/// and the mobile-money details (the MSISDN as the shopper gave it, in international form).
pub fn confirm_body(client_secret: &str, details: &MobileMoneyDetails) -> Value {
    let mut body = Map::new();
    body.insert("client_secret".into(), json!(client_secret));
    let optional = [
        ("first_name", &details.first_name),
        ("last_name", &details.last_name),
        ("receipt_email", &details.receipt_email),
    ];
    for (key, value) in optional {
        if let Some(value) = value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
        {
            body.insert(key.into(), json!(value));
        }
    }
    body.insert(
        "payment_method_data".into(),
        json!({
            "type": "momo",
            "momo": {
                "country": details.country.to_ascii_lowercase(),
                "msisdn": details.msisdn,
                "operator_name": details.operator.as_str(),
            }
        }),
    );
    Value::Object(body)
}

/// Which answer a status comes from: confirm reports the charge it made, retrieve the intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Confirm,
    Retrieve,
}

/// The first of `keys` that holds a non-empty string. Yabetoo's pages disagree on casing
/// (`failureMessage` / `failure_message`), so callers list both.
fn text<'a>(body: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .filter_map(|key| body.get(key)?.as_str())
        .find(|value| !value.trim().is_empty())
}

/// The amount (whole francs, a number or a numeric string as the OAS types it) and the
/// currency an answer states, where it states them.
fn money_of(body: &Value) -> (Option<i64>, Option<&str>) {
    let amount = body.get("amount").and_then(|amount| {
        let francs = amount
            .as_f64()
            .or_else(|| amount.as_str()?.trim().parse().ok())?;
        Some(francs.round() as i64)
    });
    (amount, text(body, &["currency"]))
}

/// A string with something in it: a blank one counts as absent.
fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.trim().is_empty())
}

/// Maps a confirm or retrieve body into the contract's words.
pub fn status_from_body(source: Source, body: &Value) -> Result<ProviderStatus, ProviderError> {
    let status = text(body, &["status"])
        .ok_or_else(|| ProviderError::Unavailable("Yabetoo answered without a status".into()))?;
    let last_error = body
        .get("last_payment_error")
        .or_else(|| body.get("lastPaymentError"));
    let failure_code = text(body, &["failureCode", "failure_code"])
        .or_else(|| last_error.and_then(|error| text(error, &["code"])));
    let failure_message = text(body, &["failureMessage", "failure_message"]).or_else(|| {
        last_error.and_then(|error| non_blank(error.as_str()).or_else(|| text(error, &["message"])))
    });
    let mapped = map_status(source, status, failure_code, failure_message)?;
    // A success whose money was not captured is not paid: no outcome yet, checked again.
    if mapped.status == PaymentStatus::Succeeded
        && body.get("captured").and_then(Value::as_bool) == Some(false)
    {
        return Err(ProviderError::UnknownStatus(format!(
            "{} with captured: false",
            mapped.raw
        )));
    }
    Ok(mapped)
}

/// Maps a Yabetoo status (and failure reason) into the contract's words. An unknown status is
/// an error, never a success.
pub fn map_status(
    source: Source,
    status: &str,
    failure_code: Option<&str>,
    failure_message: Option<&str>,
) -> Result<ProviderStatus, ProviderError> {
    // The provider's words go to the merchant's history only.
    let raw = match (failure_code, failure_message) {
        (Some(code), Some(message)) if code != message => format!("{status} ({code}: {message})"),
        (Some(reason), _) | (None, Some(reason)) => format!("{status} ({reason})"),
        (None, None) => status.to_owned(),
    };
    let mapped = match (status.to_ascii_lowercase().as_str(), source) {
        // Confirm answering `pending` means the prompt is on the phone; retrieve answers
        // `pending` for an intent nobody has confirmed yet.
        ("pending", Source::Confirm) | ("processing", _) => PaymentStatus::AwaitingApproval,
        ("pending" | "requires_payment_method" | "requires_confirmation", _) => {
            PaymentStatus::Created
        }
        ("succeeded", _) => PaymentStatus::Succeeded,
        ("failed", _) => PaymentStatus::Rejected,
        ("expired", _) => PaymentStatus::Expired,
        ("canceled" | "cancelled", _) => PaymentStatus::Canceled,
        _ => {
            tracing::error!(
                status,
                ?source,
                "Yabetoo answered a status this adapter does not know"
            );
            return Err(ProviderError::UnknownStatus(raw));
        }
    };
    let failure = match mapped {
        PaymentStatus::Rejected | PaymentStatus::Expired | PaymentStatus::Canceled => {
            Some(failure_of(mapped, failure_code, failure_message))
        }
        _ => None,
    };
    Ok(ProviderStatus {
        failure,
        ..ProviderStatus::plain(mapped, raw)
    })
}

/// The contract's stable failure code of a Yabetoo failure, with the shopper's message (never
/// Yabetoo's words). Yabetoo sends a code (`APPROVAL_REJECTED`, `LOW_BALANCE…`) on some pages
/// and free text on others (`"Transaction timed out"`), so both are read.
fn failure_of(
    status: PaymentStatus,
    failure_code: Option<&str>,
    failure_message: Option<&str>,
) -> (String, String) {
    let said = format!(
        "{} {}",
        failure_code.unwrap_or_default(),
        failure_message.unwrap_or_default()
    )
    .to_ascii_lowercase();
    let says = |words: &[&str]| words.iter().any(|word| said.contains(word));
    let code = if status == PaymentStatus::Canceled {
        "canceled"
    } else if says(&["low_balance", "insufficient", "solde"]) {
        "insufficient_funds"
    } else if status == PaymentStatus::Expired || says(&["expired", "timeout", "timed out"]) {
        "expired"
    } else if says(&["reject", "declin", "refus", "denied"]) {
        "declined"
    } else if says(&["payee"]) {
        // The receiving account's side, the merchant's: nothing the shopper can change.
        "failed"
    } else if says(&["not_allowed", "not allowed"]) {
        "not_allowed"
    } else {
        "failed"
    };
    let message = match code {
        "canceled" => "The payment was canceled.",
        "insufficient_funds" => "The mobile money balance is too low for this payment.",
        "expired" => "The payment was not approved in time.",
        "declined" => "The payment was declined on the phone.",
        "not_allowed" => "This mobile money account cannot make this payment.",
        _ => "The payment failed.",
    };
    (code.to_owned(), message.to_owned())
}

/// Maps an error answer. Yabetoo uses several body shapes (`{"errors":[…]}`, `{"error":…}`,
/// `{"message":…}`, `{code, message, detail}`), so each field is looked for in all of them.
pub fn error_from_response(status: StatusCode, body: &str) -> ProviderError {
    let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let nested = body.get("error");
    let field_errors: Vec<String> = body
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .map(|error| {
                    let message = text(error, &["message"])
                        .or_else(|| text(error, &["rule"]))
                        .unwrap_or("invalid");
                    match text(error, &["field"]) {
                        Some(field) => format!("{field}: {message}"),
                        None => message.to_owned(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let message = text(&body, &["detail"])
        .map(str::to_owned)
        .or_else(|| (!field_errors.is_empty()).then(|| field_errors.join("; ")))
        .or_else(|| text(&body, &["message"]).map(str::to_owned))
        .or_else(|| {
            nested
                .and_then(|error| non_blank(error.as_str()).or_else(|| text(error, &["message"])))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| format!("HTTP {status}"));

    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ProviderError::Unauthorized(message),
        StatusCode::NOT_FOUND => ProviderError::NotFound(message),
        StatusCode::BAD_REQUEST | StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY => {
            let code = text(&body, &["code"])
                .or_else(|| nested.and_then(|error| text(error, &["code"])))
                .or_else(|| non_blank(body.pointer("/errors/0/rule").and_then(Value::as_str)))
                .unwrap_or("invalid_request");
            ProviderError::Refused {
                code: code.to_owned(),
                message,
            }
        }
        StatusCode::TOO_MANY_REQUESTS => {
            ProviderError::Unavailable(format!("rate limited: {message}"))
        }
        _ => ProviderError::Unavailable(format!("HTTP {status}: {message}")),
    }
}

#[cfg(test)]
mod tests;
