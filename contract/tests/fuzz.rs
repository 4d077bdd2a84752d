//! Property tests of the contract's JSON decoders: whatever body a shopper, a merchant or a
//! server sends is decoded or refused without a panic, whatever is decoded encodes and decodes
//! back to itself, and every valid value survives `to_string` then `from_str` unchanged.
//!
//! Each type is decoded from arbitrary text, from arbitrary JSON trees, and from valid values
//! mutated (in their text and in their tree), so the decoders are reached past the first brace.
//! `PROPTEST_CASES` sets the cases per property (256 by default); `scripts/fuzz` runs them long.

use std::fmt::Debug;

use checkout_contract::{
    format_minor, minor_unit_exponent, Attention, CaptureMethod, CaptureRequest, CheckoutSession,
    CreatePaymentRequest, ErrorBody, ErrorResponse, Failure, MethodKind, MethodOffer,
    MobileMoneyCountry, MobileMoneyDetails, NextAction, Operation, Operator, OrderState,
    OrderSummary, OrderTokenRequest, OrderTokenResponse, Payment, PaymentList, PaymentRecord,
    PaymentStatus, PhoneCountry, RefundRequest, StatusChange, SubmitRequest, SupportInfo,
    TokenOrder,
};
use proptest::prelude::*;
use proptest::sample::select;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};

// ---------------------------------------------------------------------------------------------
// Arbitrary JSON.

/// Every field and tag name of the contract, and every wire name of its enums: keys and strings
/// drawn from here make objects the decoders read further into.
const WORDS: &[&str] = &[
    "order",
    "method",
    "phone",
    "type",
    "yassir_cash",
    "mobile_money",
    "country",
    "operator",
    "msisdn",
    "first_name",
    "last_name",
    "receipt_email",
    "mtn",
    "airtel",
    "id",
    "amount_minor",
    "currency",
    "status",
    "next_action",
    "client_secret",
    "end_user_message",
    "support",
    "failure",
    "expires_at",
    "created_at",
    "updated_at",
    "redirect",
    "approve_on_phone",
    "url",
    "email",
    "phone_number",
    "code",
    "message",
    "error",
    "field",
    "description",
    "reason",
    "payment",
    "provider",
    "provider_intent_id",
    "capture_method",
    "captured_minor",
    "refunded_minor",
    "history",
    "operations",
    "kind",
    "state",
    "detail",
    "at",
    "payments",
    "reference",
    "capture",
    "direct",
    "reservation",
    "expires_in_seconds",
    "token",
    "methods",
    "test_mode",
    "test_numbers",
    "redirect_origins",
    "countries",
    "dial_code",
    "operators",
    "created",
    "processing",
    "requires_action",
    "awaiting_approval",
    "succeeded",
    "rejected",
    "pre_authorized",
    "expired",
    "canceled",
    "refunded",
    "partially_refunded",
    "failed",
    "cg",
    "cm",
    "dz",
    "ma",
    "XAF",
    "DZD",
    "",
];

fn word() -> impl Strategy<Value = String> {
    select(WORDS).prop_map(str::to_owned)
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![4 => word(), 1 => any::<String>()]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        select(vec![0i64, 1, -1, i64::MIN, i64::MAX]).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        any::<f64>().prop_filter_map("finite", |float| Number::from_f64(float).map(Value::Number)),
        select(vec![0.0, -0.0, 0.5, 1e300, -1e-300, 9.223372036854776e18])
            .prop_filter_map("finite", |float| Number::from_f64(float).map(Value::Number)),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        word().prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ]
}

/// Any JSON tree, up to 6 levels deep.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 10, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..10)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

// ---------------------------------------------------------------------------------------------
// Valid values, type by type.

fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[ -~]{0,24}", 1 => any::<String>(), 1 => word()]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn method_kind() -> impl Strategy<Value = MethodKind> {
    select(MethodKind::ALL.to_vec())
}

fn operator() -> impl Strategy<Value = Operator> {
    select(Operator::ALL.to_vec())
}

fn payment_status() -> impl Strategy<Value = PaymentStatus> {
    select(PaymentStatus::ALL.to_vec())
}

fn capture_method() -> impl Strategy<Value = CaptureMethod> {
    select(vec![CaptureMethod::Direct, CaptureMethod::Reservation])
}

fn order_summary() -> impl Strategy<Value = OrderSummary> {
    (text(), text(), any::<i64>(), text()).prop_map(
        |(reference, description, amount_minor, currency)| OrderSummary {
            reference,
            description,
            amount_minor,
            currency,
        },
    )
}

fn phone_country() -> impl Strategy<Value = PhoneCountry> {
    (text(), text()).prop_map(|(code, dial_code)| PhoneCountry { code, dial_code })
}

fn mobile_money_country() -> impl Strategy<Value = MobileMoneyCountry> {
    (text(), text(), prop::collection::vec(operator(), 0..3)).prop_map(
        |(code, dial_code, operators)| MobileMoneyCountry {
            code,
            dial_code,
            operators,
        },
    )
}

fn method_offer() -> impl Strategy<Value = MethodOffer> {
    prop_oneof![
        prop::collection::vec(phone_country(), 0..3)
            .prop_map(|countries| MethodOffer::YassirCash { countries }),
        prop::collection::vec(mobile_money_country(), 0..3)
            .prop_map(|countries| MethodOffer::MobileMoney { countries }),
    ]
}

fn checkout_session() -> impl Strategy<Value = CheckoutSession> {
    (
        order_summary(),
        prop::collection::vec(method_offer(), 0..3),
        any::<bool>(),
        prop::collection::vec(text(), 0..3),
        prop::collection::vec(text(), 0..3),
        select(vec![
            OrderState::Open,
            OrderState::InFlight,
            OrderState::OnHold,
            OrderState::Paid,
        ]),
    )
        .prop_map(
            |(order, methods, test_mode, test_numbers, redirect_origins, order_state)| {
                CheckoutSession {
                    order,
                    methods,
                    test_mode,
                    test_numbers,
                    redirect_origins,
                    order_state,
                }
            },
        )
}

fn create_payment_request() -> impl Strategy<Value = CreatePaymentRequest> {
    (text(), method_kind(), opt_text()).prop_map(|(order, method, phone)| CreatePaymentRequest {
        order,
        method,
        phone,
    })
}

fn mobile_money_details() -> impl Strategy<Value = MobileMoneyDetails> {
    (
        text(),
        operator(),
        text(),
        opt_text(),
        opt_text(),
        opt_text(),
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

fn submit_request() -> impl Strategy<Value = SubmitRequest> {
    prop_oneof![
        Just(SubmitRequest::YassirCash),
        mobile_money_details().prop_map(SubmitRequest::MobileMoney),
    ]
}

fn next_action() -> impl Strategy<Value = NextAction> {
    prop_oneof![
        text().prop_map(|url| NextAction::Redirect { url }),
        text().prop_map(|phone| NextAction::ApproveOnPhone { phone }),
    ]
}

fn support_info() -> impl Strategy<Value = SupportInfo> {
    (opt_text(), opt_text()).prop_map(|(email, phone_number)| SupportInfo {
        email,
        phone_number,
    })
}

fn failure() -> impl Strategy<Value = Failure> {
    (text(), text()).prop_map(|(code, message)| Failure { code, message })
}

fn payment() -> impl Strategy<Value = Payment> {
    (
        (
            text(),
            text(),
            method_kind(),
            any::<i64>(),
            text(),
            payment_status(),
        ),
        (
            prop::option::of(next_action()),
            opt_text(),
            opt_text(),
            opt_text(),
            prop::option::of(support_info()),
            prop::option::of(failure()),
        ),
        (opt_text(), text(), text()),
    )
        .prop_map(
            |(
                (id, order, method, amount_minor, currency, status),
                (next_action, client_secret, phone, end_user_message, support, failure),
                (expires_at, created_at, updated_at),
            )| Payment {
                id,
                order,
                method,
                amount_minor,
                currency,
                status,
                next_action,
                client_secret,
                phone,
                end_user_message,
                support,
                failure,
                expires_at,
                created_at,
                updated_at,
            },
        )
}

fn error_response() -> impl Strategy<Value = ErrorResponse> {
    (text(), text(), opt_text()).prop_map(|(code, message, field)| ErrorResponse {
        error: ErrorBody {
            code,
            message,
            field,
        },
    })
}

fn capture_request() -> impl Strategy<Value = CaptureRequest> {
    prop::option::of(any::<i64>()).prop_map(|amount_minor| CaptureRequest { amount_minor })
}

fn refund_request() -> impl Strategy<Value = RefundRequest> {
    (prop::option::of(any::<i64>()), text(), opt_text()).prop_map(
        |(amount_minor, description, reason)| RefundRequest {
            amount_minor,
            description,
            reason,
        },
    )
}

fn status_change() -> impl Strategy<Value = StatusChange> {
    (payment_status(), text(), text()).prop_map(|(status, at, detail)| StatusChange {
        status,
        at,
        detail,
    })
}

fn operation() -> impl Strategy<Value = Operation> {
    (
        text(),
        text(),
        text(),
        any::<i64>(),
        opt_text(),
        text(),
        text(),
    )
        .prop_map(
            |(id, kind, state, amount_minor, detail, created_at, updated_at)| Operation {
                id,
                kind,
                state,
                amount_minor,
                detail,
                created_at,
                updated_at,
            },
        )
}

fn payment_record() -> impl Strategy<Value = PaymentRecord> {
    (
        payment(),
        text(),
        opt_text(),
        capture_method(),
        any::<i64>(),
        any::<i64>(),
        opt_text(),
        prop::option::of((text(), text())),
        prop::collection::vec(status_change(), 0..3),
        prop::collection::vec(operation(), 0..3),
    )
        .prop_map(
            |(
                payment,
                provider,
                provider_intent_id,
                capture_method,
                captured_minor,
                refunded_minor,
                decided_by,
                attention,
                history,
                operations,
            )| PaymentRecord {
                payment,
                provider,
                provider_intent_id,
                capture_method,
                captured_minor,
                refunded_minor,
                decided_by,
                attention: attention.map(|(code, message)| Attention { code, message }),
                history,
                operations,
            },
        )
}

fn payment_list() -> impl Strategy<Value = PaymentList> {
    prop::collection::vec(payment_record(), 0..3).prop_map(|payments| PaymentList { payments })
}

fn token_order() -> impl Strategy<Value = TokenOrder> {
    (
        text(),
        text(),
        any::<i64>(),
        text(),
        capture_method(),
        prop::option::of(any::<i64>()),
    )
        .prop_map(
            |(reference, description, amount_minor, currency, capture, expires_at)| TokenOrder {
                reference,
                description,
                amount_minor,
                currency,
                capture,
                expires_at,
            },
        )
}

fn order_token_request() -> impl Strategy<Value = OrderTokenRequest> {
    (token_order(), prop::option::of(any::<i64>())).prop_map(|(order, expires_in_seconds)| {
        OrderTokenRequest {
            order,
            expires_in_seconds,
        }
    })
}

fn order_token_response() -> impl Strategy<Value = OrderTokenResponse> {
    (text(), token_order()).prop_map(|(token, order)| OrderTokenResponse { token, order })
}

// ---------------------------------------------------------------------------------------------
// Mutations.

/// One change to a JSON text: at a place (taken modulo the text's length, on a character
/// boundary), delete some characters, insert some, or cut the text there.
#[derive(Debug, Clone)]
enum TextEdit {
    Delete(usize, usize),
    Insert(usize, String),
    Truncate(usize),
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    let inserted = prop_oneof![
        select(vec![
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            "\\",
            "\\u",
            "\\ud800",
            "0",
            "-",
            "1e999",
            "null",
            "true",
            " ",
            "\u{0}",
            "\u{FEFF}",
            "é",
            "\"type\":",
            "\"amount_minor\":",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
        word().prop_map(|word| format!("\"{word}\"")),
    ];
    prop_oneof![
        (any::<usize>(), 1..4usize).prop_map(|(at, count)| TextEdit::Delete(at, count)),
        (any::<usize>(), inserted).prop_map(|(at, text)| TextEdit::Insert(at, text)),
        any::<usize>().prop_map(TextEdit::Truncate),
    ]
}

fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply_text_edits(mut text: String, edits: &[TextEdit]) -> String {
    for edit in edits {
        match edit {
            TextEdit::Delete(at, count) => {
                let start = boundary(&text, *at);
                let end = text[start..]
                    .char_indices()
                    .nth(*count)
                    .map_or(text.len(), |(offset, _)| start + offset);
                text.replace_range(start..end, "");
            }
            TextEdit::Insert(at, inserted) => {
                let at = boundary(&text, *at);
                text.insert_str(at, inserted);
            }
            TextEdit::Truncate(at) => {
                let at = boundary(&text, *at);
                text.truncate(at);
            }
        }
    }
    text
}

/// One change to a JSON tree, at a node picked by index (modulo the number of nodes, in
/// pre-order): replace it, remove it from its object or array, add a member to it, or wrap it
/// in an array.
#[derive(Debug, Clone)]
enum TreeEdit {
    Replace(usize, Value),
    Remove(usize),
    AddMember(usize, String, Value),
    Wrap(usize),
}

fn tree_edit() -> impl Strategy<Value = TreeEdit> {
    prop_oneof![
        (any::<usize>(), json()).prop_map(|(at, value)| TreeEdit::Replace(at, value)),
        any::<usize>().prop_map(TreeEdit::Remove),
        (any::<usize>(), key(), json())
            .prop_map(|(at, key, value)| TreeEdit::AddMember(at, key, value)),
        any::<usize>().prop_map(TreeEdit::Wrap),
    ]
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(members) => members.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Applies `change` to the node at pre-order `index` of `value`; false if there is none.
fn change_node(value: &mut Value, index: &mut usize, change: &mut dyn FnMut(&mut Value)) -> bool {
    if *index == 0 {
        change(value);
        return true;
    }
    *index -= 1;
    match value {
        Value::Array(items) => items
            .iter_mut()
            .any(|item| change_node(item, index, change)),
        Value::Object(members) => members
            .values_mut()
            .any(|item| change_node(item, index, change)),
        _ => false,
    }
}

fn with_node(value: &mut Value, at: usize, mut change: impl FnMut(&mut Value)) {
    let mut index = at % count_nodes(value);
    change_node(value, &mut index, &mut change);
}

/// Removes the `at`-th child (in pre-order) from its parent, if it has one.
fn remove_node(value: &mut Value, at: usize) {
    let total = count_nodes(value);
    if total < 2 {
        return;
    }
    let target = 1 + at % (total - 1);
    remove_from(value, &mut { target });
}

fn remove_from(value: &mut Value, index: &mut usize) -> bool {
    match value {
        Value::Array(items) => {
            for position in 0..items.len() {
                *index -= 1;
                if *index == 0 {
                    items.remove(position);
                    return true;
                }
                if remove_from(&mut items[position], index) {
                    return true;
                }
            }
            false
        }
        Value::Object(members) => {
            let keys: Vec<String> = members.keys().cloned().collect();
            for key in keys {
                *index -= 1;
                if *index == 0 {
                    members.remove(&key);
                    return true;
                }
                if remove_from(members.get_mut(&key).unwrap(), index) {
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

fn apply_tree_edits(mut value: Value, edits: &[TreeEdit]) -> Value {
    for edit in edits {
        match edit {
            TreeEdit::Replace(at, replacement) => {
                with_node(&mut value, *at, |node| *node = replacement.clone())
            }
            TreeEdit::Remove(at) => remove_node(&mut value, *at),
            TreeEdit::AddMember(at, key, member) => with_node(&mut value, *at, |node| match node {
                Value::Object(members) => {
                    members.insert(key.clone(), member.clone());
                }
                Value::Array(items) => items.push(member.clone()),
                _ => {}
            }),
            TreeEdit::Wrap(at) => with_node(&mut value, *at, |node| {
                *node = Value::Array(vec![node.take()]);
            }),
        }
    }
    value
}

// ---------------------------------------------------------------------------------------------
// The properties, for each type.

/// Decodes `text` as `T`; if it is taken, the value encodes, and decodes back to itself.
fn decodes_or_refuses<T>(text: &str) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    if let Ok(value) = serde_json::from_str::<T>(text) {
        round_trips(&value)?;
    }
    Ok(())
}

/// Decodes the tree `json` as `T`, from the tree and from its text; both readings agree, and
/// what is taken decodes back to itself.
fn decodes_tree_or_refuses<T>(json: &Value) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let from_tree = serde_json::from_value::<T>(json.clone());
    let from_text = serde_json::from_str::<T>(&json.to_string());
    match (&from_tree, &from_text) {
        (Ok(tree), Ok(text)) => {
            prop_assert_eq!(tree, text);
            round_trips(tree)?;
        }
        (Err(_), Err(_)) => {}
        _ => {
            return Err(TestCaseError::fail(format!(
                "the tree and its text read differently: {from_tree:?} and {from_text:?}"
            )))
        }
    }
    Ok(())
}

/// `to_string` then `from_str`, and `to_value` then `from_value`, give back `value`.
fn round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text =
        serde_json::to_string(value).map_err(|error| TestCaseError::fail(error.to_string()))?;
    let again: T = serde_json::from_str(&text)
        .map_err(|error| TestCaseError::fail(format!("{text} does not decode: {error}")))?;
    prop_assert_eq!(&again, value, "through {}", text);
    let tree =
        serde_json::to_value(value).map_err(|error| TestCaseError::fail(error.to_string()))?;
    let again: T = serde_json::from_value(tree.clone())
        .map_err(|error| TestCaseError::fail(format!("{tree} does not decode: {error}")))?;
    prop_assert_eq!(&again, value, "through the tree {}", tree);
    Ok(())
}

/// Five properties for each type: arbitrary text, arbitrary trees, round trip of valid
/// values, and valid values mutated in their text and in their tree.
macro_rules! decoder_properties {
    ($($module:ident: $type:ty = $valid:expr;)*) => {$(
        mod $module {
            use super::*;

            proptest! {
                #[test]
                fn any_text_decodes_or_is_refused(text in any::<String>()) {
                    decodes_or_refuses::<$type>(&text)?;
                }

                #[test]
                fn any_json_decodes_or_is_refused(json in json()) {
                    decodes_tree_or_refuses::<$type>(&json)?;
                }

                #[test]
                fn valid_values_round_trip(value in $valid) {
                    round_trips::<$type>(&value)?;
                }

                #[test]
                fn mutated_text_decodes_or_is_refused(
                    value in $valid,
                    edits in prop::collection::vec(text_edit(), 1..4),
                ) {
                    let text = serde_json::to_string(&value).unwrap();
                    decodes_or_refuses::<$type>(&apply_text_edits(text, &edits))?;
                }

                #[test]
                fn mutated_json_decodes_or_is_refused(
                    value in $valid,
                    edits in prop::collection::vec(tree_edit(), 1..4),
                ) {
                    let tree = serde_json::to_value(&value).unwrap();
                    decodes_tree_or_refuses::<$type>(&apply_tree_edits(tree, &edits))?;
                }
            }
        }
    )*};
}

decoder_properties! {
    checkout_session: CheckoutSession = checkout_session();
    create_payment_request: CreatePaymentRequest = create_payment_request();
    submit_request: SubmitRequest = submit_request();
    mobile_money_details: MobileMoneyDetails = mobile_money_details();
    payment: Payment = payment();
    next_action: NextAction = next_action();
    error_response: ErrorResponse = error_response();
    capture_request: CaptureRequest = capture_request();
    refund_request: RefundRequest = refund_request();
    payment_record: PaymentRecord = payment_record();
    payment_list: PaymentList = payment_list();
    token_order: TokenOrder = token_order();
    order_token_request: OrderTokenRequest = order_token_request();
    order_token_response: OrderTokenResponse = order_token_response();
    method_offer: MethodOffer = method_offer();
    method_kind: MethodKind = method_kind();
    operator: Operator = operator();
    payment_status: PaymentStatus = payment_status();
    capture_method: CaptureMethod = capture_method();
}

// ---------------------------------------------------------------------------------------------
// The contract's own readers of wire names and amounts.

proptest! {
    /// A wire name reads as its value only when it is exactly one of the names.
    #[test]
    fn wire_names_read_exactly(name in prop_oneof![word(), any::<String>()]) {
        let method = name.parse::<MethodKind>();
        prop_assert_eq!(method.is_ok(), MethodKind::ALL.iter().any(|m| m.as_str() == name));
        if let Ok(method) = method {
            prop_assert_eq!(method.as_str(), name.as_str());
        }
        let operator = name.parse::<Operator>();
        prop_assert_eq!(operator.is_ok(), Operator::ALL.iter().any(|o| o.as_str() == name));
        if let Ok(operator) = operator {
            prop_assert_eq!(operator.as_str(), name.as_str());
        }
        let status = name.parse::<PaymentStatus>();
        prop_assert_eq!(status.is_ok(), PaymentStatus::ALL.iter().any(|s| s.as_str() == name));
        if let Ok(status) = status {
            prop_assert_eq!(status.as_str(), name.as_str());
            // The JSON name and the text name are the same.
            prop_assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{name}\""));
        }
    }

    /// Every amount formats, in every currency, and the digits are the amount's.
    #[test]
    fn every_amount_formats(
        amount in prop_oneof![any::<i64>(), select(vec![i64::MIN, i64::MAX, 0, -1, 1, 99, 100])],
        currency in prop_oneof![
            select(vec!["DZD", "dzd", "MAD", "USD", "EUR", "TND", "XAF", "xof", "BTC", ""])
                .prop_map(str::to_owned),
            any::<String>(),
        ],
    ) {
        let formatted = format_minor(amount, &currency);
        let exponent = minor_unit_exponent(&currency).unwrap_or(2) as usize;
        let digits: String = formatted.chars().filter(|ch| *ch != '.').collect();
        let back: i128 = digits.parse().map_err(|_| TestCaseError::fail(formatted.clone()))?;
        prop_assert_eq!(back, i128::from(amount), "{}", formatted);
        match formatted.split_once('.') {
            Some((_, decimals)) => prop_assert_eq!(decimals.len(), exponent),
            None => prop_assert_eq!(exponent, 0),
        }
    }
}
