//! Property tests of the provider adapters' readers: whatever Yassir or Yabetoo answers (any
//! JSON, any text, any HTTP status) is read without a panic, and an unknown status is an
//! error, never a success: `Succeeded` only for Yassir's `statusCode` 2 and Yabetoo's
//! `succeeded`.
//!
//! `PROPTEST_CASES` sets the cases per property (256 by default); `scripts/fuzz` runs them long.

mod fuzz_support;

use checkout_contract::{MobileMoneyDetails, Operator, PaymentStatus};
use checkout_server::providers::yabetoo::{
    confirm_body, error_from_response, map_status, status_from_body, Source,
};
use checkout_server::providers::yassir::map_status_code;
use checkout_server::providers::{ProviderError, ProviderStatus};
use fuzz_support::{json, object_with, recase, word_or_any};
use proptest::prelude::*;
use proptest::sample::select;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Yabetoo's statuses as its API documents them.
const YABETOO_STATUSES: &[&str] = &[
    "pending",
    "processing",
    "requires_payment_method",
    "requires_confirmation",
    "succeeded",
    "failed",
    "expired",
    "canceled",
    "cancelled",
];

/// Words Yabetoo's answers use, and near misses of its statuses.
const YABETOO_WORDS: &[&str] = &[
    "status",
    "failureCode",
    "failure_code",
    "failureMessage",
    "failure_message",
    "last_payment_error",
    "lastPaymentError",
    "code",
    "message",
    "errors",
    "error",
    "detail",
    "field",
    "rule",
    "id",
    "succeeded",
    "success",
    "successful",
    "succeed",
    "paid",
    "completed",
    "captured",
    "failed",
    "pending",
    "expired",
    "canceled",
    "succeeded ",
    " succeeded",
    "succeeded\u{0}",
    "ſucceeded",
    "LOW_BALANCE",
    "LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED",
    "APPROVAL_REJECTED",
];

/// What the adapter documents for each Yabetoo status; `None` for any other (an error).
fn documented_yabetoo(source: Source, status: &str) -> Option<PaymentStatus> {
    Some(match (status.to_ascii_lowercase().as_str(), source) {
        ("pending", Source::Confirm) | ("processing", _) => PaymentStatus::AwaitingApproval,
        ("pending" | "requires_payment_method" | "requires_confirmation", _) => {
            PaymentStatus::Created
        }
        ("succeeded", _) => PaymentStatus::Succeeded,
        ("failed", _) => PaymentStatus::Rejected,
        ("expired", _) => PaymentStatus::Expired,
        ("canceled" | "cancelled", _) => PaymentStatus::Canceled,
        _ => return None,
    })
}

/// Yassir's statusCodes as the adapter documents them; `None` for any other (an error).
fn documented_yassir(code: i64) -> Option<PaymentStatus> {
    Some(match code {
        0 => PaymentStatus::Created,
        2 => PaymentStatus::Succeeded,
        3 => PaymentStatus::Rejected,
        4 => PaymentStatus::Refunded,
        10 => PaymentStatus::Canceled,
        12 => PaymentStatus::RequiresAction,
        13 => PaymentStatus::PreAuthorized,
        16 => PaymentStatus::PartiallyRefunded,
        _ => return None,
    })
}

fn source() -> impl Strategy<Value = Source> {
    select(vec![Source::Confirm, Source::Retrieve])
}

/// A status as Yabetoo might write it: a documented one in any ASCII case, a near miss, or
/// anything at all.
fn yabetoo_status() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            select(YABETOO_STATUSES),
            prop::collection::vec(any::<bool>(), 0..12)
        )
            .prop_map(|(status, flips)| recase(status, &flips)),
        word_or_any(YABETOO_WORDS),
    ]
}

/// A value that is a string most of the time.
fn stringish(strings: BoxedStrategy<String>) -> BoxedStrategy<Value> {
    prop_oneof![
        3 => strings.prop_map(Value::String),
        1 => json(YABETOO_WORDS),
    ]
    .boxed()
}

/// A confirm or retrieve body: a status (or something else under `status`), failure fields in
/// both casings, a last payment error as a string or an object, and other members.
fn yabetoo_body() -> BoxedStrategy<Value> {
    let text = || word_or_any(YABETOO_WORDS).boxed();
    let last_error = || {
        prop_oneof![
            stringish(text()),
            object_with(
                vec![("code", stringish(text())), ("message", stringish(text()))],
                YABETOO_WORDS
            ),
        ]
        .boxed()
    };
    prop_oneof![
        4 => object_with(
            vec![
                ("status", stringish(yabetoo_status().boxed())),
                ("failureCode", stringish(text())),
                ("failure_code", stringish(text())),
                ("failureMessage", stringish(text())),
                ("failure_message", stringish(text())),
                ("last_payment_error", last_error()),
                ("lastPaymentError", last_error()),
            ],
            YABETOO_WORDS,
        ),
        1 => json(YABETOO_WORDS),
    ]
    .boxed()
}

/// An error body in each of the shapes Yabetoo uses, or anything.
fn yabetoo_error_body() -> BoxedStrategy<String> {
    let text = || word_or_any(YABETOO_WORDS).boxed();
    let field_error = object_with(
        vec![
            ("message", stringish(text())),
            ("rule", stringish(text())),
            ("field", stringish(text())),
        ],
        YABETOO_WORDS,
    );
    let shaped = object_with(
        vec![
            ("detail", stringish(text())),
            ("message", stringish(text())),
            ("code", stringish(text())),
            (
                "errors",
                prop_oneof![
                    3 => prop::collection::vec(field_error, 0..4).prop_map(Value::Array),
                    1 => json(YABETOO_WORDS),
                ]
                .boxed(),
            ),
            (
                "error",
                prop_oneof![
                    stringish(text()),
                    object_with(
                        vec![("message", stringish(text())), ("code", stringish(text()))],
                        YABETOO_WORDS
                    ),
                ]
                .boxed(),
            ),
        ],
        YABETOO_WORDS,
    );
    prop_oneof![
        4 => shaped.prop_map(|body| body.to_string()),
        1 => json(YABETOO_WORDS).prop_map(|body| body.to_string()),
        1 => any::<String>(),
        1 => select(vec!["", "<html>502 Bad Gateway</html>", "null", "{", "[]"]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// Any HTTP status code `http` can hold (100 to 999), the usual ones more often.
fn http_status() -> impl Strategy<Value = StatusCode> {
    prop_oneof![
        select(vec![
            400u16, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504
        ]),
        100u16..1000,
    ]
    .prop_map(|code| StatusCode::from_u16(code).unwrap())
}

fn not_blank(text: &str) -> bool {
    !text.trim().is_empty()
}

/// What every Yabetoo status the adapter returns must be, given the status string read.
fn check_yabetoo(
    source: Source,
    status: &str,
    mapped: &Result<ProviderStatus, ProviderError>,
) -> Result<(), TestCaseError> {
    match (documented_yabetoo(source, status), mapped) {
        (Some(expected), Ok(mapped)) => {
            prop_assert_eq!(mapped.status, expected, "{:?}", status);
            prop_assert!(mapped.raw.starts_with(status), "{:?}", mapped.raw);
            let failed = matches!(
                expected,
                PaymentStatus::Rejected | PaymentStatus::Expired | PaymentStatus::Canceled
            );
            prop_assert_eq!(mapped.failure.is_some(), failed, "{:?}", mapped);
            prop_assert_eq!(mapped.pay_url.as_ref(), None);
        }
        (None, Err(ProviderError::UnknownStatus(raw))) => {
            prop_assert!(raw.starts_with(status), "{:?}", raw)
        }
        (expected, mapped) => {
            return Err(TestCaseError::fail(format!(
                "status {status:?} ({source:?}) should be {expected:?}, was {mapped:?}"
            )))
        }
    }
    if let Ok(mapped) = mapped {
        if mapped.status == PaymentStatus::Succeeded || mapped.status.is_paid() {
            prop_assert!(status.eq_ignore_ascii_case("succeeded"), "{:?}", status);
        }
    }
    Ok(())
}

fn details() -> impl Strategy<Value = MobileMoneyDetails> {
    let text = || any::<String>();
    (
        text(),
        select(Operator::ALL.to_vec()),
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
    )
        .prop_map(
            |(country, operator, msisdn, first_name, last_name, receipt_email)| {
                MobileMoneyDetails {
                    country,
                    operator,
                    msisdn,
                    first_name,
                    last_name,
                    receipt_email,
                }
            },
        )
}

proptest! {
    /// Any confirm or retrieve body is read without a panic; a status is taken only when it is
    /// one of Yabetoo's, `Succeeded` only for `succeeded`.
    #[test]
    fn yabetoo_bodies_map_to_documented_statuses_only(source in source(), body in yabetoo_body()) {
        let mapped = status_from_body(source, &body);
        match body.get("status").and_then(Value::as_str).filter(|status| not_blank(status)) {
            Some(status) => check_yabetoo(source, status, &mapped)?,
            None => prop_assert!(
                matches!(mapped, Err(ProviderError::Unavailable(_))),
                "{:?} gave {:?}", body, mapped
            ),
        }
    }

    /// A failure the adapter reports always says something: a code and a message, never blank.
    #[test]
    fn yabetoo_failures_are_never_blank(source in source(), body in yabetoo_body()) {
        if let Ok(ProviderStatus { failure: Some((code, message)), .. }) =
            status_from_body(source, &body)
        {
            prop_assert!(not_blank(&code), "{:?} gave code {:?}", body, code);
            prop_assert!(not_blank(&message), "{:?} gave message {:?}", body, message);
        }
    }

    /// `map_status`, called with any strings, keeps to the same table.
    #[test]
    fn yabetoo_map_status_keeps_to_the_table(
        source in source(),
        status in yabetoo_status(),
        failure_code in prop::option::of(word_or_any(YABETOO_WORDS)),
        failure_message in prop::option::of(word_or_any(YABETOO_WORDS)),
    ) {
        let mapped = map_status(source, &status, failure_code.as_deref(), failure_message.as_deref());
        check_yabetoo(source, &status, &mapped)?;
    }

    /// Any error answer, with any HTTP status, is read without a panic into the error its
    /// status stands for, with a message that says something.
    #[test]
    fn yabetoo_error_answers_map_by_status(status in http_status(), body in yabetoo_error_body()) {
        let error = error_from_response(status, &body);
        let message = match (&error, status.as_u16()) {
            (ProviderError::Unauthorized(message), 401 | 403)
            | (ProviderError::NotFound(message), 404)
            | (ProviderError::Refused { message, .. }, 400 | 409 | 422)
            | (ProviderError::Unavailable(message), _) => message,
            (other, code) => {
                return Err(TestCaseError::fail(format!("HTTP {code} gave {other:?}")))
            }
        };
        if status == StatusCode::TOO_MANY_REQUESTS {
            prop_assert!(message.starts_with("rate limited: "), "{:?}", message);
        }
        prop_assert!(not_blank(message), "HTTP {} {:?} gave {:?}", status, body, error);
    }

    /// A refusal names its code: never a blank one.
    #[test]
    fn yabetoo_refusals_have_a_code(
        status in select(vec![400u16, 409, 422]).prop_map(|code| StatusCode::from_u16(code).unwrap()),
        body in yabetoo_error_body(),
    ) {
        if let ProviderError::Refused { code, .. } = error_from_response(status, &body) {
            prop_assert!(not_blank(&code), "{:?} gave code {:?}", body, code);
        }
    }

    /// The confirm body always carries the details as given, whatever they hold.
    #[test]
    fn yabetoo_confirm_bodies_carry_the_details(secret in any::<String>(), details in details()) {
        let body = confirm_body(&secret, &details);
        prop_assert_eq!(&body["client_secret"], &json!(secret));
        let momo = &body["payment_method_data"]["momo"];
        prop_assert_eq!(&momo["msisdn"], &json!(details.msisdn));
        prop_assert_eq!(&momo["operator_name"], &json!(details.operator.as_str()));
        prop_assert_eq!(&momo["country"], &json!(details.country.to_ascii_lowercase()));
        for key in ["first_name", "last_name", "receipt_email"] {
            if let Some(value) = body.get(key) {
                prop_assert!(value.as_str().is_some_and(not_blank), "{}: {:?}", key, value);
            }
        }
    }

    /// Any statusCode maps to the documented status or to an error: `Succeeded` only for 2.
    #[test]
    fn yassir_status_codes_map_to_documented_statuses_only(
        code in prop_oneof![any::<i64>(), -2i64..20, select(vec![i64::MIN, i64::MAX])],
        status_text in prop::option::of(word_or_any(YABETOO_WORDS)),
        end_user_message in prop::option::of(word_or_any(YABETOO_WORDS)),
    ) {
        let mapped = map_status_code(code, status_text.as_deref(), end_user_message.as_deref());
        match (documented_yassir(code), &mapped) {
            (Some(expected), Ok(mapped)) => {
                prop_assert_eq!(mapped.status, expected);
                prop_assert!(mapped.raw.starts_with(&format!("statusCode {code}")), "{:?}", mapped.raw);
                prop_assert_eq!(mapped.failure.is_some(), expected == PaymentStatus::Rejected);
            }
            (None, Err(ProviderError::UnknownStatus(raw))) => {
                prop_assert!(raw.starts_with(&format!("statusCode {code}")), "{:?}", raw)
            }
            (expected, mapped) => {
                return Err(TestCaseError::fail(format!(
                    "statusCode {code} should be {expected:?}, was {mapped:?}"
                )))
            }
        }
        if let Ok(mapped) = &mapped {
            prop_assert_eq!(mapped.status == PaymentStatus::Succeeded, code == 2);
        }
    }
}

// Regression tests of what the properties found.

#[test]
fn a_blank_last_payment_error_is_no_message() {
    for blank in ["", " ", "\n"] {
        let body = json!({ "status": "failed", "last_payment_error": blank });
        let mapped = status_from_body(Source::Confirm, &body).unwrap();
        assert_eq!(
            mapped.failure,
            Some(("failed".to_owned(), "The payment failed.".to_owned())),
            "{body}"
        );
        let body = json!({ "status": "expired", "lastPaymentError": blank });
        let mapped = status_from_body(Source::Retrieve, &body).unwrap();
        assert_eq!(
            mapped.failure,
            Some((
                "expired".to_owned(),
                "The payment was not approved in time.".to_owned()
            )),
            "{body}"
        );
    }
}

#[test]
fn a_blank_error_string_is_no_message() {
    for status in [400, 401, 404, 500] {
        let status = StatusCode::from_u16(status).unwrap();
        let error = error_from_response(status, r#"{"error":""}"#);
        let message = match error {
            ProviderError::Unauthorized(message)
            | ProviderError::NotFound(message)
            | ProviderError::Refused { message, .. }
            | ProviderError::Unavailable(message) => message,
            other => panic!("{other:?}"),
        };
        assert!(message.contains(&format!("HTTP {status}")), "{message:?}");
    }
}

#[test]
fn a_blank_rule_is_no_code() {
    let error = error_from_response(StatusCode::BAD_REQUEST, r#"{"errors":[{"rule":""}]}"#);
    match error {
        ProviderError::Refused { code, message } => {
            assert_eq!(code, "invalid_request");
            assert_eq!(message, "invalid");
        }
        other => panic!("{other:?}"),
    }
}
