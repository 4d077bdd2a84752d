//! Property tests of the order-token reader: whatever a shopper sends as `order` is read
//! without a panic and never verifies without the merchant's signature, a token changed in any
//! one character is refused, and whatever the merchant signs (even a payload that is no order)
//! is read without a panic and taken only when its order holds.
//!
//! `PROPTEST_CASES` sets the cases per property (256 by default); `scripts/fuzz` runs them long.

mod fuzz_support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use checkout_contract::CaptureMethod;
use checkout_server::order_token::{validate, OrderSigner, TokenError, TokenOrder};
use fuzz_support::json;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use proptest::sample::select;
use sha2::Sha256;

const SECRET: &[u8] = b"a-very-long-merchant-signing-secret";
const PREFIX: &str = "ot1.";

/// The words of a token's payload, and near misses.
const ORDER_WORDS: &[&str] = &[
    "reference",
    "description",
    "amount_minor",
    "currency",
    "capture",
    "expires_at",
    "direct",
    "reservation",
    "DZD",
    "dzd",
    "MAD",
    "USD",
    "XAF",
    "xaf",
    "EUR",
    "INV-42",
];

/// What the merchant signs: `ot1.<payload>.<signature>`, as the server documents it, written
/// here rather than through `OrderSigner::sign` so that any payload can be signed.
fn signed(secret: &[u8], payload: &str) -> String {
    let signed_part = format!("{PREFIX}{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(signed_part.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signed_part}.{signature}")
}

fn secret() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => Just(SECRET.to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..80),
    ]
}

fn now() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        0i64..4_000_000_000,
        select(vec![i64::MIN, i64::MAX, 0])
    ]
}

/// Text a shopper may send as `order`: anything, or shaped like a token.
fn token_like() -> impl Strategy<Value = String> {
    let base64ish = "[A-Za-z0-9_\\-]{0,64}";
    prop_oneof![
        any::<String>(),
        "[ -~]{0,80}",
        (base64ish, base64ish)
            .prop_map(|(payload, signature)| format!("ot1.{payload}.{signature}")),
        (base64ish, "[ -~]{0,50}").prop_map(|(payload, rest)| format!("ot1.{payload}{rest}")),
        json(ORDER_WORDS).prop_map(|order| {
            let payload = URL_SAFE_NO_PAD.encode(order.to_string());
            format!("ot1.{payload}.{}", URL_SAFE_NO_PAD.encode([0u8; 32]))
        }),
    ]
}

/// An order a merchant may sign, valid or not.
fn order() -> impl Strategy<Value = TokenOrder> {
    (
        prop_oneof!["[ -~]{0,12}", any::<String>(), "[a-z]{95,105}"],
        prop_oneof!["[ -~]{0,20}", any::<String>(), "[a-zé]{195,205}"],
        prop_oneof![
            any::<i64>(),
            1i64..10_000_000,
            select(vec![0, -1, 1, i64::MAX])
        ],
        select(vec![
            "DZD", "dzd", "MAD", "USD", "XAF", "xaf", "EUR", "", "BTC",
        ]),
        select(vec![CaptureMethod::Direct, CaptureMethod::Reservation]),
        prop::option::of(prop_oneof![any::<i64>(), 0i64..4_000_000_000]),
    )
        .prop_map(
            |(reference, description, amount_minor, currency, capture, expires_at)| TokenOrder {
                reference,
                description,
                amount_minor,
                currency: currency.to_owned(),
                capture,
                expires_at,
            },
        )
}

/// An order whose token verifies (until it expires).
fn valid_order() -> impl Strategy<Value = TokenOrder> {
    (
        "[A-Za-z0-9 _\\-]{0,20}[A-Za-z0-9]",
        prop_oneof!["[ -~]{0,40}", "\\PC{0,60}"],
        1i64..=i64::MAX,
        select(vec!["DZD", "dzd", "MAD", "USD", "XAF", "xaf"]),
        select(vec![CaptureMethod::Direct, CaptureMethod::Reservation]),
        // Any moment a date can say (up to the end of the year 9999).
        i64::MIN..=253_402_300_799i64,
    )
        .prop_map(
            |(reference, description, amount_minor, currency, capture, expires_at)| TokenOrder {
                reference,
                description,
                amount_minor,
                currency: currency.to_owned(),
                capture,
                expires_at: Some(expires_at),
            },
        )
}

/// One change to a token's text: one character replaced by another, one removed, or one added.
#[derive(Debug, Clone)]
enum Change {
    Replace(usize, char),
    Remove(usize),
    Insert(usize, char),
}

fn change() -> impl Strategy<Value = Change> {
    let replacement = prop_oneof![
        3 => prop::char::range('!', '~'),
        1 => select(vec!['.', '=', '+', '/', '-', '_', 'A', 'a', '0', ' ', '\u{0}']),
        1 => any::<char>(),
    ];
    prop_oneof![
        (any::<usize>(), replacement.clone()).prop_map(|(at, ch)| Change::Replace(at, ch)),
        any::<usize>().prop_map(Change::Remove),
        (any::<usize>(), replacement).prop_map(|(at, ch)| Change::Insert(at, ch)),
    ]
}

/// `token` with `change` made; `None` when the change would leave it as it was.
fn changed(token: &str, change: &Change) -> Option<String> {
    let mut chars: Vec<char> = token.chars().collect();
    match *change {
        Change::Replace(at, ch) => {
            let at = at % chars.len();
            if chars[at] == ch {
                return None;
            }
            chars[at] = ch;
        }
        Change::Remove(at) => {
            chars.remove(at % chars.len());
        }
        Change::Insert(at, ch) => chars.insert(at % (chars.len() + 1), ch),
    }
    Some(chars.into_iter().collect())
}

proptest! {
    /// Any text is read without a panic, and none verifies: a shopper cannot make an order.
    #[test]
    fn no_text_verifies_without_the_signature(
        text in token_like(),
        secret in secret(),
        now in now(),
    ) {
        let signer = OrderSigner::new(&secret);
        let verified = signer.verify(&text, now);
        prop_assert!(verified.is_err(), "{:?} verified: {:?}", text, verified);
        prop_assert_eq!(OrderSigner::looks_like_token(&text), text.starts_with(PREFIX));
    }

    /// A token changed in any one character is refused, whatever the change and wherever.
    #[test]
    fn a_token_changed_in_one_character_is_refused(
        order in valid_order(),
        change in change(),
        now in now(),
    ) {
        let signer = OrderSigner::new(SECRET);
        let token = signer.sign(&order);
        if let Some(forged) = changed(&token, &change) {
            let verified = signer.verify(&forged, now);
            prop_assert!(
                matches!(verified, Err(TokenError::Malformed(_) | TokenError::BadSignature)),
                "{:?} from {:?} gave {:?}", forged, token, verified
            );
        }
    }

    /// A token changed in one byte of what it encodes (payload or signature) is refused.
    #[test]
    fn a_token_changed_in_one_decoded_byte_is_refused(
        order in valid_order(),
        in_signature in any::<bool>(),
        at in any::<usize>(),
        flip in 1u8..=255,
        now in now(),
    ) {
        let signer = OrderSigner::new(SECRET);
        let token = signer.sign(&order);
        let mut parts: Vec<String> = token.splitn(3, '.').map(str::to_owned).collect();
        let part = if in_signature { 2 } else { 1 };
        let mut bytes = URL_SAFE_NO_PAD.decode(&parts[part]).unwrap();
        let at = at % bytes.len();
        bytes[at] ^= flip;
        parts[part] = URL_SAFE_NO_PAD.encode(&bytes);
        let forged = parts.join(".");
        prop_assert_eq!(signer.verify(&forged, now), Err(TokenError::BadSignature));
    }

    /// A token signed under another secret is refused. (HMAC pads a short key with zero bytes,
    /// so `secret` and `secret\0` are one key: the other secrets here hold no zero byte, as no
    /// environment variable can.)
    #[test]
    fn another_secret_does_not_verify(
        order in valid_order(),
        secret in prop::collection::vec(1u8..=255, 0..80),
        now in now(),
    ) {
        prop_assume!(secret != SECRET);
        let token = OrderSigner::new(&secret).sign(&order);
        prop_assert_eq!(OrderSigner::new(SECRET).verify(&token, now), Err(TokenError::BadSignature));
    }

    /// A signed valid order verifies to that order until it expires, and never after.
    #[test]
    fn a_signed_order_verifies_until_it_expires(
        order in valid_order(),
        secret in secret(),
        now in now(),
    ) {
        let signer = OrderSigner::new(&secret);
        let token = signer.sign(&order);
        prop_assert!(OrderSigner::looks_like_token(&token));
        let expires_at = order.expires_at.unwrap();
        let verified = signer.verify(&token, now);
        if now > expires_at {
            prop_assert_eq!(verified, Err(TokenError::Expired));
        } else {
            let verified = verified.map_err(|error| TestCaseError::fail(format!("{order:?}: {error}")))?;
            prop_assert_eq!(Ok(verified.clone()), validate(&order));
            prop_assert_eq!(&verified.reference, &order.reference);
            prop_assert_eq!(&verified.description, &order.description);
            prop_assert_eq!(verified.amount_minor, order.amount_minor);
            prop_assert_eq!(verified.currency, order.currency.to_ascii_uppercase());
            prop_assert_eq!(verified.capture, order.capture);
            prop_assert_eq!(verified.expires_at, order.expires_at);
        }
    }

    /// Any order the merchant signs is read without a panic, and taken only when it has an
    /// expiry not passed and meets the rules.
    #[test]
    fn signed_orders_are_taken_only_when_they_hold(order in order(), now in now()) {
        let signer = OrderSigner::new(SECRET);
        let verified = signer.verify(&signer.sign(&order), now);
        match order.expires_at {
            None => prop_assert!(matches!(verified, Err(TokenError::Invalid(_))), "{:?}", verified),
            Some(expires_at) if expires_at < now => prop_assert_eq!(verified, Err(TokenError::Expired)),
            Some(_) => prop_assert_eq!(verified, validate(&order)),
        }
    }

    /// Whatever payload the merchant signs (any JSON, any bytes) is read without a panic and
    /// taken only when it is an order that holds.
    #[test]
    fn any_signed_payload_is_read_without_a_panic(
        payload in prop_oneof![
            json(ORDER_WORDS).prop_map(|json| URL_SAFE_NO_PAD.encode(json.to_string())),
            prop::collection::vec(any::<u8>(), 0..64).prop_map(|bytes| URL_SAFE_NO_PAD.encode(bytes)),
            "[ -~]{0,40}",
        ],
        now in now(),
    ) {
        let token = signed(SECRET, &payload);
        let verified = OrderSigner::new(SECRET).verify(&token, now);
        if let Ok(order) = &verified {
            let json = URL_SAFE_NO_PAD.decode(&payload).unwrap();
            let sent: TokenOrder = serde_json::from_slice(&json).unwrap();
            prop_assert!(sent.expires_at.is_some_and(|expires_at| expires_at >= now));
            prop_assert_eq!(Ok(order.clone()), validate(&sent));
        }
    }
}
