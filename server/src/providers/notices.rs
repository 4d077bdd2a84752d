//! The providers' notifications, read and verified. Pure: no I/O. A notification never says
//! how a payment ended; it only names the payment the server should check at the provider.
//!
//! - Yabetoo signs `"<timestamp>.<raw body>"` with HMAC-SHA256 and its `whsec_…` secret, in hex.
//!   Its docs send `X-Yabetoo-Webhook-Signature` (`v1=<hex>` or `t=<ts>,v1=<hex>`) with
//!   `X-Yabetoo-Webhook-Timestamp` and `X-Yabetoo-Webhook-Id`; its CLI sends `Yabetoo-Signature:
//!   t=<ts>,v1=<hex>` with `Yabetoo-Event-Id`. Both are accepted.
//! - Yassir's current docs show an unsigned `{actionId, remoteStatus, remoteStatusCode,
//!   contextType, orderId, additionalData}`; its older docs sign the raw body in
//!   `x-webhook-signature` (hex HMAC-SHA256). With a secret configured, the signature is required.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// How far a Yabetoo timestamp may be from now, in seconds (the CLI's tolerance).
pub const TIMESTAMP_TOLERANCE_SECONDS: i64 = 300;

/// A verified notification: which event it is and which provider intent it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The provider's event id (Yabetoo `evt_…`), or a digest of the body when it has none
    /// (Yassir): a second delivery of the same notification has the same one.
    pub event_id: String,
    /// What the provider calls the event, for the log only: it decides nothing.
    pub kind: String,
    /// The provider's id of the payment (Yabetoo `pi_…`, Yassir's payment id).
    pub intent_id: String,
}

/// Why a notification is refused. Said in the answer and the log; it changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no webhook secret is configured for this provider")]
    NotConfigured,
    #[error("the signature header is missing")]
    MissingSignature,
    #[error("the signature does not match the body")]
    BadSignature,
    #[error("the timestamp is missing or not a number")]
    MissingTimestamp,
    #[error("the timestamp is {0} s away from now (at most 300 s allowed)")]
    Stale(i64),
    #[error("the body is not a notification: {0}")]
    Malformed(&'static str),
}

fn header<'a>(headers: &'a HeaderMap, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

fn mac_of(secret: &str, parts: &[&[u8]]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    mac
}

fn hmac_hex(secret: &str, parts: &[&[u8]]) -> String {
    hex::encode(mac_of(secret, parts).finalize().into_bytes())
}

/// Whether `signature` is the HMAC of `parts`, compared in constant time (by the hmac crate).
fn signs(secret: &str, parts: &[&[u8]], signature: &[u8]) -> bool {
    mac_of(secret, parts).verify_slice(signature).is_ok()
}

/// Verifies and reads a Yabetoo notification received at `now` (Unix seconds).
pub fn yabetoo(
    secret: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<Notice, Refusal> {
    let secret = secret.ok_or(Refusal::NotConfigured)?;
    let signature = header(
        headers,
        &["x-yabetoo-webhook-signature", "yabetoo-signature"],
    )
    .ok_or(Refusal::MissingSignature)?;
    let mut timestamp = header(headers, &["x-yabetoo-webhook-timestamp"]).map(str::to_string);
    let mut signatures = Vec::new();
    for part in signature.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = Some(value.trim().to_string()),
            Some(("v1", value)) => signatures.push(value.trim().to_ascii_lowercase()),
            _ => {}
        }
    }
    let timestamp: i64 = timestamp
        .and_then(|value| value.parse().ok())
        .ok_or(Refusal::MissingTimestamp)?;
    let signed = timestamp.to_string();
    let matches = signatures
        .iter()
        .filter_map(|signature| hex::decode(signature).ok())
        .any(|signature| signs(secret, &[signed.as_bytes(), b".", body], &signature));
    if !matches {
        return Err(Refusal::BadSignature);
    }
    // Checked after the signature, so that a forger learns nothing from the answer.
    let skew = now - timestamp;
    if skew.abs() > TIMESTAMP_TOLERANCE_SECONDS {
        return Err(Refusal::Stale(skew));
    }
    let event: Value = serde_json::from_slice(body).map_err(|_| Refusal::Malformed("not JSON"))?;
    // The envelope varies between Yabetoo's pages: `{id, type, data}` or `{event: {…}}`.
    let event = event
        .get("event")
        .filter(|inner| inner.is_object())
        .unwrap_or(&event);
    // De-duplicated on what the signature covers, never on a header it does not: a signed body
    // replayed under a new event-id header is the same notification.
    let event_id = signed_content_id(body);
    let kind = header(headers, &["x-yabetoo-webhook-event", "yabetoo-event-type"])
        .map(str::to_string)
        .or_else(|| event.get("type")?.as_str().map(str::to_string))
        .unwrap_or_default();
    let data = event.get("data").ok_or(Refusal::Malformed("no data"))?;
    let intent_id = [
        "id",
        "payment_intent_id",
        "paymentIntentId",
        "payment_id",
        "paymentId",
    ]
    .iter()
    .find_map(|field| data.get(*field)?.as_str())
    .filter(|id| id.starts_with("pi_"))
    .ok_or(Refusal::Malformed("no payment intent id in data"))?;
    Ok(Notice {
        event_id,
        kind,
        intent_id: intent_id.to_string(),
    })
}

/// Verifies (when a secret is configured) and reads a Yassir notification.
pub fn yassir(secret: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Result<Notice, Refusal> {
    if let Some(secret) = secret {
        let signature =
            header(headers, &["x-webhook-signature"]).ok_or(Refusal::MissingSignature)?;
        let signature = signature.strip_prefix("sha256=").unwrap_or(signature);
        let given = hex::decode(signature).map_err(|_| Refusal::BadSignature)?;
        if !signs(secret, &[body], &given) {
            return Err(Refusal::BadSignature);
        }
    }
    let event: Value = serde_json::from_slice(body).map_err(|_| Refusal::Malformed("not JSON"))?;
    // `orderId` is Yassir's payment id; the older `{type, data}` shape carries it in `data`.
    let data = event
        .get("data")
        .filter(|data| data.is_object())
        .unwrap_or(&event);
    let intent_id = ["orderId", "paymentId", "id"]
        .iter()
        .find_map(|field| data.get(*field)?.as_str())
        .filter(|id| !id.is_empty())
        .ok_or(Refusal::Malformed("no orderId"))?;
    let kind = match (event.get("type"), data.get("remoteStatusCode")) {
        (Some(Value::String(kind)), _) => kind.clone(),
        (_, Some(code)) => format!("remoteStatusCode {code}"),
        _ => String::new(),
    };
    let event_id = signed_content_id(body);
    Ok(Notice {
        event_id,
        kind,
        intent_id: intent_id.to_string(),
    })
}

/// The identity of a notification: a digest of its body, which the signature covers.
fn signed_content_id(body: &[u8]) -> String {
    hex::encode(&Sha256::digest(body)[..16])
}

/// Signs a Yabetoo notification as Yabetoo does (for the tests and the sandbox's own check).
pub fn yabetoo_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    hmac_hex(secret, &[timestamp.to_string().as_bytes(), b".", body])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_yabetoo";
    const NOW: i64 = 1_800_000_000;

    fn body() -> Vec<u8> {
        br#"{"id":"evt_1","type":"intent.completed","data":{"id":"pi_abc","status":"succeeded"}}"#
            .to_vec()
    }

    fn headers(pairs: &[(&str, String)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn both_documented_header_spellings_verify() {
        let signature = yabetoo_signature(SECRET, NOW, &body());
        let docs = headers(&[
            ("x-yabetoo-webhook-signature", format!("v1={signature}")),
            ("x-yabetoo-webhook-timestamp", NOW.to_string()),
            ("x-yabetoo-webhook-id", "evt_1".into()),
        ]);
        let cli = headers(&[
            ("yabetoo-signature", format!("t={NOW},v1={signature}")),
            ("yabetoo-event-id", "evt_1".into()),
        ]);
        let ids: Vec<String> = [docs, cli]
            .iter()
            .map(|headers| {
                let notice = yabetoo(Some(SECRET), headers, &body(), NOW + 10).unwrap();
                assert_eq!(notice.intent_id, "pi_abc");
                notice.event_id
            })
            .collect();
        // Known by the signed body, whatever the (unsigned) event-id header says.
        assert_eq!(ids[0], ids[1]);
        let renamed = headers(&[
            ("yabetoo-signature", format!("t={NOW},v1={signature}")),
            ("yabetoo-event-id", "evt_other".into()),
        ]);
        let notice = yabetoo(Some(SECRET), &renamed, &body(), NOW).unwrap();
        assert_eq!(notice.event_id, ids[0]);
    }

    #[test]
    fn a_wrong_signature_stale_time_or_missing_secret_is_refused() {
        let signature = yabetoo_signature(SECRET, NOW, &body());
        let signed = headers(&[("yabetoo-signature", format!("t={NOW},v1={signature}"))]);
        assert_eq!(
            yabetoo(Some("whsec_other"), &signed, &body(), NOW),
            Err(Refusal::BadSignature)
        );
        let mut tampered = body();
        tampered[10] = b'X';
        assert_eq!(
            yabetoo(Some(SECRET), &signed, &tampered, NOW),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            yabetoo(Some(SECRET), &signed, &body(), NOW + 301),
            Err(Refusal::Stale(301))
        );
        assert_eq!(
            yabetoo(Some(SECRET), &HeaderMap::new(), &body(), NOW),
            Err(Refusal::MissingSignature)
        );
        assert_eq!(
            yabetoo(None, &signed, &body(), NOW),
            Err(Refusal::NotConfigured)
        );
    }

    #[test]
    fn the_connect_envelope_is_read_too() {
        let body = br#"{"event":{"id":"evt_9","type":"intent.completed","data":{"paymentIntentId":"pi_x"}}}"#;
        let signature = yabetoo_signature(SECRET, NOW, body);
        let signed = headers(&[("yabetoo-signature", format!("t={NOW},v1={signature}"))]);
        let notice = yabetoo(Some(SECRET), &signed, body, NOW).unwrap();
        assert_eq!(notice.intent_id, "pi_x");
        assert_eq!(notice.kind, "intent.completed");
    }

    #[test]
    fn yassir_is_read_unsigned_and_verified_when_a_secret_is_set() {
        let body = br#"{"actionId":"pay_1","remoteStatus":"ok","remoteStatusCode":2,"contextType":"ORDER","orderId":"9b1c","additionalData":{}}"#;
        let notice = yassir(None, &HeaderMap::new(), body).unwrap();
        assert_eq!(notice.intent_id, "9b1c");
        assert_eq!(notice.kind, "remoteStatusCode 2");
        assert_eq!(
            notice.event_id,
            yassir(None, &HeaderMap::new(), body).unwrap().event_id
        );

        let signature = hmac_hex("yassir-secret", &[body]);
        let signed = headers(&[("x-webhook-signature", signature)]);
        assert!(yassir(Some("yassir-secret"), &signed, body).is_ok());
        assert_eq!(
            yassir(Some("yassir-secret"), &HeaderMap::new(), body),
            Err(Refusal::MissingSignature)
        );
        assert_eq!(
            yassir(Some("other"), &signed, body),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            yassir(None, &HeaderMap::new(), b"{}"),
            Err(Refusal::Malformed("no orderId"))
        );
    }
}
