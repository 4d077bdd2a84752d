//! Signatures of the merchant's webhooks, to the Standard Webhooks specification: `webhook-id`,
//! `webhook-timestamp` and `webhook-signature: v1,<base64>` over `id.timestamp.body`, with
//! `whsec_` secrets. Several secrets sign at once (one signature each) while the merchant
//! rotates from one to the next.

use standardwebhooks::Webhook;

use crate::secrets::Secret;

/// The shortest key the server accepts (the specification asks for 24 to 64 bytes).
const MIN_KEY_BYTES: usize = 24;

/// Why a webhook secret cannot be used (the message never repeats the secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadSecret(String);

/// Signs event bodies with each configured secret.
pub struct Signer {
    keys: Vec<Webhook>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({} keys)", self.keys.len())
    }
}

/// Checks one `whsec_` secret: base64 after the prefix, long enough.
pub fn check_secret(secret: &str) -> Result<(), BadSecret> {
    use base64::Engine;
    let Some(encoded) = secret.strip_prefix("whsec_") else {
        return Err(BadSecret(
            "each secret must start with `whsec_` followed by base64".into(),
        ));
    };
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| BadSecret("the part after `whsec_` is not valid base64".into()))?;
    if key.len() < MIN_KEY_BYTES {
        return Err(BadSecret(format!(
            "a secret must hold at least {MIN_KEY_BYTES} bytes (got {})",
            key.len()
        )));
    }
    Ok(())
}

impl Signer {
    pub fn new(secrets: &[Secret]) -> Result<Self, BadSecret> {
        let keys = secrets
            .iter()
            .map(|secret| {
                check_secret(secret.expose())?;
                Webhook::new(secret.expose()).map_err(|_| BadSecret("invalid secret".into()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(BadSecret("no secret to sign with".into()));
        }
        Ok(Self { keys })
    }

    /// The three headers of one delivery of event `id` at `timestamp` (Unix seconds).
    pub fn headers(&self, id: &str, timestamp: i64, body: &str) -> [(&'static str, String); 3] {
        let signatures: Vec<String> = self
            .keys
            .iter()
            .filter_map(|key| key.sign(id, timestamp, body.as_bytes()).ok())
            .collect();
        [
            (standardwebhooks::HEADER_WEBHOOK_ID, id.to_string()),
            (
                standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
                timestamp.to_string(),
            ),
            (
                standardwebhooks::HEADER_WEBHOOK_SIGNATURE,
                signatures.join(" "),
            ),
        ]
    }
}

/// Verifies a delivery as a merchant's receiver would (the demo's receiver does).
pub fn verify(
    secret: &str,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<(), standardwebhooks::WebhookError> {
    Webhook::new(secret)?.verify(body, headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "whsec_Y2hlY2tvdXQtc2FuZGJveC13ZWJob29rLWtleQ==";
    const NEW: &str = "whsec_bmV4dC1zYW5kYm94LXdlYmhvb2stc2lnbmluZy1rZXk=";

    fn header_map(headers: [(&'static str, String); 3]) -> axum::http::HeaderMap {
        headers
            .into_iter()
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn the_specifications_example_signs_as_published() {
        // The test vector of the Standard Webhooks reference libraries.
        let signer = Signer::new(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_string().into()]);
        let headers = signer.unwrap().headers(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            headers[2].1,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn during_a_rotation_both_secrets_verify() {
        let signer = Signer::new(&[OLD.to_string().into(), NEW.to_string().into()]).unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let body = r#"{"type":"payment.succeeded"}"#;
        let headers = header_map(signer.headers("evt_1", now, body));
        assert_eq!(
            headers["webhook-signature"]
                .to_str()
                .unwrap()
                .split(' ')
                .count(),
            2
        );
        verify(OLD, &headers, body.as_bytes()).unwrap();
        verify(NEW, &headers, body.as_bytes()).unwrap();
        assert!(verify(NEW, &headers, br#"{"type":"payment.failed"}"#).is_err());
    }

    #[test]
    fn secrets_that_cannot_sign_are_refused_with_a_reason() {
        assert!(check_secret("sk_live_abc").is_err());
        assert!(check_secret("whsec_not base64!").is_err());
        assert!(check_secret("whsec_c2hvcnQ=")
            .unwrap_err()
            .0
            .contains("24 bytes"));
        assert!(check_secret(OLD).is_ok());
        assert!(Signer::new(&[]).is_err());
    }
}
