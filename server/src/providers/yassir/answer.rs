//! Reading Yassir's answers: its numeric `statusCode` mapped onto the contract's statuses (its
//! words are for the shopper, never read for meaning), with the details an answer carries, and
//! a rejection past the intent's expiry read as an expiry.

use checkout_contract::{PaymentStatus, SupportInfo};
use serde_json::Value;

use crate::providers::{IntentRef, ProviderError, ProviderStatus};

/// Reads a proceed, check, capture, release or refund answer (`data.statusCode` and friends).
pub(super) fn status_from_answer(answer: &Value) -> Result<ProviderStatus, ProviderError> {
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

/// Yassir answers a plain 3 (rejected) for an intent that ran out of time: its own `expiresAt`,
/// before `now`, says which.
pub(super) fn expiry_read(
    intent: &IntentRef,
    mut status: ProviderStatus,
    now: time::OffsetDateTime,
) -> ProviderStatus {
    let expired = intent
        .expires_at
        .as_deref()
        .and_then(crate::clock::parse_rfc3339)
        .is_some_and(|at| at < now);
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

/// A non-empty string field.
pub(super) fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}
