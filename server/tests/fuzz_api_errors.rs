//! Property tests of how the API reads a body it refuses: whatever a shopper or a merchant
//! sends is refused without a panic, and the `field` the error names is one of the request's
//! own fields, never a word taken from the body's values.
//!
//! `PROPTEST_CASES` sets the cases per property (256 by default); `scripts/fuzz` runs them long.

mod fuzz_support;

use axum::Json;
use checkout_contract::{
    CaptureRequest, CreatePaymentRequest, OrderTokenRequest, RefundRequest, SubmitRequest,
};
use checkout_server::api::ApiError;
use fuzz_support::json;
use proptest::prelude::*;
use proptest::sample::select;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// The fields of each body the API takes, as an error may name them.
const CREATE_FIELDS: &[&str] = &["order", "method", "phone"];
const SUBMIT_FIELDS: &[&str] = &[
    "type",
    "country",
    "operator",
    "msisdn",
    "first_name",
    "last_name",
    "receipt_email",
];
const REFUND_FIELDS: &[&str] = &["amount_minor", "description", "reason"];
const CAPTURE_FIELDS: &[&str] = &["amount_minor"];
const TOKEN_FIELDS: &[&str] = &[
    "reference",
    "description",
    "amount_minor",
    "currency",
    "capture",
    "expires_at",
    "expires_in_seconds",
];

const WORDS: &[&str] = &[
    "order",
    "method",
    "phone",
    "type",
    "yassir_cash",
    "mobile_money",
    "mtn",
    "airtel",
    "amount_minor",
    "description",
    "reference",
    "currency",
    "capture",
    "direct",
    "expires_at",
    "msisdn",
    "field `phone`",
    "missing field `x`",
];

/// A valid body of each kind, as a JSON object.
fn valid_bodies() -> Vec<(&'static str, Value)> {
    vec![
        (
            "create",
            json!({ "order": "INV-42", "method": "yassir_cash", "phone": "+213555123456" }),
        ),
        (
            "submit",
            json!({ "type": "mobile_money", "country": "cg", "operator": "mtn", "msisdn": "242066594470" }),
        ),
        (
            "refund",
            json!({ "amount_minor": 100, "description": "Returned", "reason": "requested_by_customer" }),
        ),
        ("capture", json!({ "amount_minor": 100 })),
        (
            "token",
            json!({ "reference": "INV-42", "description": "Two tickets", "amount_minor": 250000, "currency": "DZD", "capture": "direct", "expires_in_seconds": 60 }),
        ),
    ]
}

/// Text a shopper may put in a value, some of it shaped like serde's own words.
fn planted() -> impl Strategy<Value = String> {
    let name = prop_oneof![select(WORDS).prop_map(str::to_owned), "[a-z_]{1,12}"];
    prop_oneof![
        (
            select(vec![
                "",
                "field ",
                "missing field ",
                "unknown field ",
                "duplicate field "
            ]),
            name,
            select(vec!["", " ", "x"])
        )
            .prop_map(|(before, name, after)| format!("{before}field `{name}`{after}")),
        any::<String>(),
        "[a-z` ]{0,20}",
    ]
}

/// A body of some kind: valid, with one member's value replaced (by planted text, or by any
/// JSON), with a member removed, or any JSON at all.
fn body() -> impl Strategy<Value = (&'static str, String)> {
    let kind = select(valid_bodies());
    (
        kind,
        any::<usize>(),
        prop_oneof![
            3 => planted().prop_map(Value::String),
            1 => json(WORDS),
            1 => Just(Value::Null),
        ],
        0..4u8,
        json(WORDS),
    )
        .prop_map(|((kind, mut body), at, value, how, other)| {
            let object = body.as_object_mut().unwrap();
            let key = object.keys().nth(at % object.len()).unwrap().clone();
            match how {
                0 | 1 => {
                    object.insert(key, value);
                }
                2 => {
                    object.remove(&key);
                }
                _ => return (kind, other.to_string()),
            }
            (kind, body.to_string())
        })
}

/// Refuses `body` as `T` the two ways the API does, by the JSON extractor and by
/// [`ApiError::from_json`]; the field each names, if any, must be one of `fields` (when given).
fn check_refusal<T: DeserializeOwned>(
    body: &str,
    fields: Option<&[&str]>,
) -> Result<(), TestCaseError> {
    let mut named = Vec::new();
    if let Err(rejection) = Json::<T>::from_bytes(body.as_bytes()) {
        named.extend(ApiError::from(rejection).field().map(str::to_owned));
    }
    if let Err(error) = serde_json::from_str::<T>(body) {
        named.extend(ApiError::from_json(error).field().map(str::to_owned));
    }
    if let Some(fields) = fields {
        for field in named {
            prop_assert!(
                fields.contains(&field.as_str()),
                "{:?} named {:?}",
                body,
                field
            );
        }
    }
    Ok(())
}

proptest! {
    /// Any body is refused (or taken) without a panic, and a refusal names one of the
    /// request's own fields, if any.
    #[test]
    fn refusals_name_the_requests_own_fields((kind, body) in body()) {
        let fields = Some;
        match kind {
            "create" => check_refusal::<CreatePaymentRequest>(&body, fields(CREATE_FIELDS))?,
            "submit" => check_refusal::<SubmitRequest>(&body, fields(SUBMIT_FIELDS))?,
            "refund" => check_refusal::<RefundRequest>(&body, fields(REFUND_FIELDS))?,
            "capture" => check_refusal::<CaptureRequest>(&body, fields(CAPTURE_FIELDS))?,
            _ => check_refusal::<OrderTokenRequest>(&body, fields(TOKEN_FIELDS))?,
        }
    }

    /// Any text at all is refused without a panic, by every body the API takes.
    #[test]
    fn any_text_is_refused_without_a_panic(body in any::<String>()) {
        let fields = Some;
        check_refusal::<CreatePaymentRequest>(&body, fields(CREATE_FIELDS))?;
        check_refusal::<SubmitRequest>(&body, fields(SUBMIT_FIELDS))?;
        check_refusal::<RefundRequest>(&body, fields(REFUND_FIELDS))?;
        check_refusal::<CaptureRequest>(&body, fields(CAPTURE_FIELDS))?;
        check_refusal::<OrderTokenRequest>(&body, fields(TOKEN_FIELDS))?;
    }
}

// Regression test of what the properties found.

#[test]
fn a_value_in_the_body_does_not_name_the_field() {
    let body = r#"{"order":"INV-42","method":"field `phone`"}"#;
    let rejection = Json::<CreatePaymentRequest>::from_bytes(body.as_bytes()).unwrap_err();
    let field = ApiError::from(rejection).field().map(str::to_owned);
    assert!(
        field.is_none() || field.as_deref() == Some("method"),
        "{field:?}"
    );
    let body = r#"{"amount_minor":"field `description`"}"#;
    let error = serde_json::from_str::<CaptureRequest>(body).unwrap_err();
    assert_eq!(ApiError::from_json(error).field(), None);
}
