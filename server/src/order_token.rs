//! Order tokens signed by the merchant: how a merchant's own backend hands the widget an order
//! whose amount the browser cannot change. `ot1.<payload>.<signature>`, where the payload is the
//! base64url JSON of [`TokenOrder`] and the signature is base64url HMAC-SHA256 of
//! `ot1.<payload>` under `ORDER_SIGNING_SECRET`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::orders::Order;

/// What a token carries: the contract's type, since merchants' backends build it too.
pub use checkout_contract::TokenOrder;

const PREFIX: &str = "ot1.";

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TokenError {
    #[error("the order token is malformed: {0}")]
    Malformed(String),
    #[error("the order token's signature does not match")]
    BadSignature,
    #[error("the order token expired")]
    Expired,
    #[error("the order token is invalid: {0}")]
    Invalid(String),
}

/// Signs and verifies order tokens with one secret.
#[derive(Clone)]
pub struct OrderSigner {
    secret: Vec<u8>,
}

impl OrderSigner {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            secret: secret.to_vec(),
        }
    }

    /// True for strings shaped like a token (as opposed to a catalog reference).
    pub fn looks_like_token(value: &str) -> bool {
        value.starts_with(PREFIX)
    }

    fn mac(&self, signed_part: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(signed_part.as_bytes());
        mac
    }

    pub fn sign(&self, order: &TokenOrder) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(order).expect("serialisable"));
        let signed_part = format!("{PREFIX}{payload}");
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&signed_part).finalize().into_bytes());
        format!("{signed_part}.{signature}")
    }

    /// The order a token carries, if its signature, expiry and contents hold.
    pub fn verify(&self, token: &str, now_unix: i64) -> Result<Order, TokenError> {
        let rest = token
            .strip_prefix(PREFIX)
            .ok_or_else(|| TokenError::Malformed(format!("it must start with `{PREFIX}`")))?;
        let (payload, signature) = rest.split_once('.').ok_or_else(|| {
            TokenError::Malformed("it must be `ot1.<payload>.<signature>`".into())
        })?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed("the signature is not base64url".into()))?;
        self.mac(&format!("{PREFIX}{payload}"))
            .verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;
        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Malformed("the payload is not base64url".into()))?;
        let order: TokenOrder = serde_json::from_slice(&json)
            .map_err(|error| TokenError::Malformed(error.to_string()))?;
        match order.expires_at {
            None => {
                return Err(TokenError::Invalid(
                    "expires_at is missing: every order token must expire".into(),
                ))
            }
            Some(expires_at) if expires_at < now_unix => return Err(TokenError::Expired),
            Some(_) => {}
        }
        validate(&order)
    }
}

/// The last second of the year 9999: an expiry later than a date can say is refused.
const LAST_EXPIRY: i64 = 253_402_300_799;

/// The rules a token's order must meet, also applied when the admin API mints one; the order
/// to pay when it meets them.
pub fn validate(order: &TokenOrder) -> Result<Order, TokenError> {
    if order.reference.trim().is_empty() || order.reference.len() > 100 {
        return Err(TokenError::Invalid(
            "reference must be 1 to 100 characters".into(),
        ));
    }
    if order.description.chars().count() > 200 {
        return Err(TokenError::Invalid(
            "description must be at most 200 characters".into(),
        ));
    }
    if order.amount_minor <= 0 {
        return Err(TokenError::Invalid(
            "amount_minor must be greater than 0".into(),
        ));
    }
    if order.expires_at.is_some_and(|at| at > LAST_EXPIRY) {
        return Err(TokenError::Invalid(
            "expires_at must be a Unix time before the year 10000".into(),
        ));
    }
    let payable = Order {
        reference: order.reference.clone(),
        description: order.description.clone(),
        amount_minor: order.amount_minor,
        currency: order.currency.to_ascii_uppercase(),
        capture: order.capture,
        product: false,
        expires_at: order.expires_at,
    };
    if payable
        .methods(crate::orders::Coverage::default())
        .is_empty()
    {
        return Err(TokenError::Invalid(format!(
            "no payment method takes currency `{}`: Yassir Cash takes DZD, MAD and USD; mobile money takes XAF",
            order.currency
        )));
    }
    Ok(payable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_contract::CaptureMethod;

    fn order() -> TokenOrder {
        TokenOrder {
            reference: "INV-42".into(),
            description: "Two tickets".into(),
            amount_minor: 250_000,
            currency: "dzd".into(),
            capture: CaptureMethod::Direct,
            expires_at: Some(2_000),
        }
    }

    #[test]
    fn a_signed_order_verifies() {
        let signer = OrderSigner::new(b"a-very-long-merchant-signing-secret");
        let token = signer.sign(&order());
        assert!(OrderSigner::looks_like_token(&token));
        let verified = signer.verify(&token, 1_000).unwrap();
        assert_eq!(verified.amount_minor, 250_000);
        assert_eq!(verified.currency, "DZD");
    }

    #[test]
    fn a_changed_amount_breaks_the_signature() {
        let signer = OrderSigner::new(b"a-very-long-merchant-signing-secret");
        let token = signer.sign(&order());
        let mut cheaper = order();
        cheaper.amount_minor = 1;
        let forged_payload = OrderSigner::new(b"attacker").sign(&cheaper);
        let payload = forged_payload.split('.').nth(1).unwrap();
        let signature = token.split('.').nth(2).unwrap();
        let forged = format!("ot1.{payload}.{signature}");
        assert_eq!(signer.verify(&forged, 1_000), Err(TokenError::BadSignature));
    }

    #[test]
    fn expired_tokens_are_refused() {
        let signer = OrderSigner::new(b"secret");
        assert_eq!(
            signer.verify(&signer.sign(&order()), 3_000),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn tokens_without_an_expiry_are_refused() {
        let signer = OrderSigner::new(b"secret");
        let forever = TokenOrder {
            expires_at: None,
            ..order()
        };
        assert!(matches!(
            signer.verify(&signer.sign(&forever), 1_000),
            Err(TokenError::Invalid(message)) if message.contains("expires_at")
        ));
    }

    #[test]
    fn currencies_no_method_takes_are_refused() {
        let mut euros = order();
        euros.currency = "EUR".into();
        assert!(matches!(validate(&euros), Err(TokenError::Invalid(_))));
    }

    #[test]
    fn malformed_tokens_say_why() {
        let signer = OrderSigner::new(b"secret");
        assert!(matches!(
            signer.verify("ot1.abc", 0),
            Err(TokenError::Malformed(_))
        ));
        assert!(matches!(
            signer.verify("ot1.abc.!!", 0),
            Err(TokenError::Malformed(_))
        ));
    }
}
