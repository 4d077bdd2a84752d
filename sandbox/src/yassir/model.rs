//! The simulator's in-memory state: customers, payment intents and their status codes.

use crate::held::HeldIntent;
use rand::Rng;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

/// Yassir's timestamps: RFC 3339, UTC, milliseconds (`2026-02-18T10:30:00.000Z`).
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Lifetime of the intents of the "expiring" test phone, whatever the configured TTL.
pub(super) const EXPIRING_TTL: Duration = Duration::from_secs(10);

pub(super) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub(super) fn timestamp(at: OffsetDateTime) -> String {
    at.format(TIMESTAMP)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// An amount in hundredths as a JSON number: `1500` when whole (as in Yassir's check example),
/// `12.5` otherwise.
pub(super) fn amount_json(hundredths: i64) -> Value {
    if hundredths % 100 == 0 {
        json!(hundredths / 100)
    } else {
        json!(hundredths as f64 / 100.0)
    }
}

/// An amount in hundredths as text for messages and URLs (`700.00`).
pub(super) fn amount_text(hundredths: i64) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The digits of a phone number or user id (`+213 555-000002` -> `213555000002`).
pub(super) fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Yassir's numeric payment status codes. `Initialized` (0) is not in Yassir's docs; integrations
/// call it `STATUS_INITIALIZED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Code {
    Initialized,
    Succeeded,
    Rejected,
    Refunded,
    Reversed,
    RequiresAction,
    PreAuthorized,
    PartiallyRefunded,
}

impl Code {
    pub(super) fn number(self) -> u16 {
        match self {
            Code::Initialized => 0,
            Code::Succeeded => 2,
            Code::Rejected => 3,
            Code::Refunded => 4,
            Code::Reversed => 10,
            Code::RequiresAction => 12,
            Code::PreAuthorized => 13,
            Code::PartiallyRefunded => 16,
        }
    }

    /// The state Yassir's docs name for each code, in lower case.
    pub(super) fn state(self) -> &'static str {
        match self {
            Code::Initialized => "created",
            Code::Succeeded => "succeeded",
            Code::Rejected => "failed",
            Code::Refunded => "refunded",
            Code::Reversed => "canceled",
            Code::RequiresAction => "requires_action",
            Code::PreAuthorized => "pre_authorized",
            Code::PartiallyRefunded => "partially_refunded",
        }
    }

    /// The `status` text Yassir sends with each code.
    pub(super) fn label(self) -> &'static str {
        match self {
            Code::Initialized => "Payment initialized",
            Code::Succeeded => "The amount was deposited successfully",
            Code::Rejected => "Transaction was rejected",
            Code::Refunded => "Transaction was refunded",
            Code::Reversed => "Reversed",
            Code::RequiresAction => "Require Authentication Action",
            Code::PreAuthorized => "Pre-authorized",
            Code::PartiallyRefunded => "Transaction was partially refunded",
        }
    }
}

/// Messages for the shopper (`endUserMessage`).
pub(super) mod messages {
    pub const INITIALIZED: &str = "Payment initialized";
    pub const AWAITING_OTP: &str = "Enter the code sent to your phone to confirm the payment";
    pub const SUCCEEDED: &str = "Payment completed successfully";
    pub const RESERVED: &str = "The amount is reserved in your Yassir Cash wallet";
    pub const REJECTED_BY_WALLET: &str = "Transaction was rejected by the wallet";
    pub const INSUFFICIENT_FUNDS: &str = "Insufficient balance in your Yassir Cash wallet";
    pub const CANCELLED: &str = "Payment cancelled by the customer";
    pub const TOO_MANY_CODES: &str = "Too many wrong codes";
    pub const EXPIRED: &str = "The payment request has expired";
    pub const RELEASED: &str = "The reserved amount was released to your wallet";
    pub const REFUNDED: &str = "The payment was refunded";
    pub const PARTIALLY_REFUNDED: &str = "The payment was partially refunded";
}

/// What a wallet phone (`userId`) makes the simulator do, chosen by its last six digits
/// (`00000N`) so that `+213555000002`, `213555000002` and `+212600000002` behave alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `…000001` and every other id: proceed asks for an OTP (12).
    Otp,
    /// `…000002`: paid at once (2, or 13 for a reservation).
    Succeed,
    /// `…000003`: rejected at once by the wallet (3).
    Reject,
    /// `…000004`: rejected at once for lack of balance (3).
    InsufficientFunds,
    /// `…000005`: proceed fails with HTTP 500.
    ProviderError,
    /// `…000006`: proceed waits `slow_delay`, then asks for an OTP.
    Slow,
    /// `…000007`: the intent expires 10 seconds after creation; proceed asks for an OTP.
    Expiring,
}

impl Scenario {
    /// The scenario of a wallet phone or user id.
    pub fn for_user(user_id: &str) -> Self {
        let digits = digits(user_id);
        let Some(tail) = digits.len().checked_sub(6).map(|start| &digits[start..]) else {
            return Scenario::Otp;
        };
        match tail.strip_prefix("00000") {
            Some("2") => Scenario::Succeed,
            Some("3") => Scenario::Reject,
            Some("4") => Scenario::InsufficientFunds,
            Some("5") => Scenario::ProviderError,
            Some("6") => Scenario::Slow,
            Some("7") => Scenario::Expiring,
            _ => Scenario::Otp,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CaptureMethod {
    Direct,
    Reservation,
}

/// A registered (or automatically created) wallet customer.
#[derive(Debug, Clone)]
pub(super) struct Customer {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: String,
    pub is_active: bool,
}

impl Customer {
    pub(super) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "isActive": self.is_active,
        })
    }
}

/// What a create request asks for, once validated.
#[derive(Debug, Clone)]
pub(super) struct NewIntent {
    pub action_id: String,
    pub amount: i64,
    pub currency: String,
    /// `actionCountryCode` (ISO alpha-3).
    pub action_country: String,
    pub user_id: String,
    pub capture: CaptureMethod,
    /// The merchant's `metaData` object as sent (`Value::Null` when left out).
    pub meta_data: Value,
}

/// One payment intent. Amounts are in hundredths of the currency.
#[derive(Debug, Clone)]
pub(super) struct Intent {
    pub id: String,
    pub client_secret: String,
    pub request: NewIntent,
    pub code: Code,
    pub end_user_message: &'static str,
    /// Set once the intent passed `expires_at` before a decision.
    pub expired: bool,
    pub expires_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Set by the first proceed that reached the wallet.
    pub proceeded: bool,
    /// Fixed at the first proceed, so proceeding again returns the same link.
    pub pay_url: Option<String>,
    pub otp_attempts_left: u32,
    pub reserved: i64,
    pub captured: i64,
    pub refunded: i64,
    /// Checks the merchant made (shown by [`crate::inspect`]).
    pub checks: u32,
    /// What the check showed before the first refund or release, which a check that hides
    /// them ([`crate::Strict::check_hides_operations`]) keeps showing.
    pub before_operations: Option<Shown>,
}

/// A status as the check shows it: the code, the shopper's message and when it was set.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shown {
    pub code: Code,
    pub end_user_message: &'static str,
    pub at: OffsetDateTime,
}

impl Intent {
    pub(super) fn new(request: NewIntent, ttl: Duration, at: OffsetDateTime) -> Self {
        let id = uuid::Uuid::new_v4().to_string();
        let secret_bytes: [u8; 12] = rand::thread_rng().gen();
        let secret_hex = hex::encode(secret_bytes);
        let ttl = if Scenario::for_user(&request.user_id) == Scenario::Expiring {
            EXPIRING_TTL
        } else {
            ttl
        };
        Self {
            client_secret: format!("pa_{}_secret_{secret_hex}", &id[..8]),
            id,
            request,
            code: Code::Initialized,
            end_user_message: messages::INITIALIZED,
            expired: false,
            expires_at: at + ttl,
            created_at: at,
            updated_at: at,
            proceeded: false,
            pay_url: None,
            otp_attempts_left: super::OTP_MAX_ATTEMPTS,
            reserved: 0,
            captured: 0,
            refunded: 0,
            checks: 0,
            before_operations: None,
        }
    }

    /// Whether a replayed create describes this same payment.
    pub(super) fn is_same_payment(&self, other: &NewIntent) -> bool {
        let mine = &self.request;
        mine.amount == other.amount
            && mine.currency == other.currency
            && mine.user_id == other.user_id
            && mine.capture == other.capture
    }

    /// Lazily moves an undecided intent to rejected once `expires_at` has passed.
    pub(super) fn refresh_expiry(&mut self, at: OffsetDateTime) {
        let undecided = matches!(self.code, Code::Initialized | Code::RequiresAction);
        if undecided && at >= self.expires_at {
            self.expired = true;
            self.set(Code::Rejected, messages::EXPIRED, at);
        }
    }

    pub(super) fn set(&mut self, code: Code, end_user_message: &'static str, at: OffsetDateTime) {
        let operation = matches!(
            code,
            Code::Refunded | Code::PartiallyRefunded | Code::Reversed
        );
        if operation && self.before_operations.is_none() {
            self.before_operations = Some(self.shown());
        }
        self.code = code;
        self.end_user_message = end_user_message;
        self.updated_at = at;
    }

    /// The wallet approved: paid for a direct capture, reserved for a reservation.
    pub(super) fn approve(&mut self, at: OffsetDateTime) {
        match self.request.capture {
            CaptureMethod::Direct => {
                self.captured = self.request.amount;
                self.set(Code::Succeeded, messages::SUCCEEDED, at);
            }
            CaptureMethod::Reservation => {
                self.reserved = self.request.amount;
                self.set(Code::PreAuthorized, messages::RESERVED, at);
            }
        }
    }

    pub(super) fn reject(&mut self, end_user_message: &'static str, at: OffsetDateTime) {
        self.set(Code::Rejected, end_user_message, at);
    }

    /// The intent as [`crate::inspect`] shows it, its expiry brought up to date.
    pub(super) fn held(&self, at: OffsetDateTime) -> HeldIntent {
        let mut intent = self.clone();
        intent.refresh_expiry(at);
        let meta = |key: &str| {
            intent
                .request
                .meta_data
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        HeldIntent {
            provider: "yassir",
            payment_id: meta("paymentCheckoutId")
                .or_else(|| Some(intent.request.action_id.clone())),
            action_id: Some(intent.request.action_id.clone()),
            order: meta("order"),
            status: intent.code.state(),
            status_code: Some(intent.code.number()),
            amount: intent.request.amount,
            currency: intent.request.currency.clone(),
            reserved: intent.reserved,
            captured: intent.captured,
            refunded: intent.refunded,
            submitted: intent.proceeded,
            charges: None,
            checks: intent.checks,
            created_at: HeldIntent::timestamp(intent.created_at),
            created: intent.created_at,
            intent_id: intent.id,
        }
    }

    /// The create response, identical on replays.
    pub(super) fn created_body(&self) -> Value {
        json!({
            "data": {
                "paymentId": self.id,
                "clientSecret": self.client_secret,
                "status": "CREATED",
                "amount": amount_json(self.request.amount),
                "currency": self.request.currency,
                "expiresAt": timestamp(self.expires_at),
            },
            "message": "payment initiated successfully",
        })
    }

    /// The proceed response for the intent's current code.
    pub(super) fn proceeded_body(&self) -> Value {
        json!({
            "data": {
                "require3DS": self.code == Code::RequiresAction,
                "statusCode": self.code.number(),
                "status": self.code.label(),
                "metadata": { "payUrl": self.pay_url.as_deref().filter(|_| self.code == Code::RequiresAction).unwrap_or("") },
            },
            "message": "payment proceeded successfully",
        })
    }

    fn shown(&self) -> Shown {
        Shown {
            code: self.code,
            end_user_message: self.end_user_message,
            at: self.updated_at,
        }
    }

    /// The check response. Unlike the other answers it carries no `status` text, as in Yassir's
    /// docs: an expired intent reads as rejected (3) with the expiry in `endUserMessage`, said
    /// by `say` in the caller's language. With `hide_operations`, a refunded or released
    /// intent reads as it did before ([`crate::Strict::check_hides_operations`]).
    pub(super) fn checked_body(
        &self,
        hide_operations: bool,
        say: impl Fn(&'static str) -> &'static str,
    ) -> Value {
        let shown = self
            .before_operations
            .filter(|_| hide_operations)
            .unwrap_or_else(|| self.shown());
        let data = json!({
            "statusCode": shown.code.number(),
            "paymentMethodName": "WALLET_V2",
            "amount": amount_json(self.request.amount),
            "currencyCode": self.request.currency,
            "endUserMessage": say(shown.end_user_message),
            "supportInfo": { "email": "support@yassir.com", "phoneNumber": "+213000000000" },
            "lastUpdate": timestamp(shown.at),
        });
        json!({ "data": data, "message": "payment status retrieved successfully" })
    }
}

/// Everything the simulator remembers, behind one lock.
#[derive(Debug, Default)]
pub(super) struct Store {
    pub intents: HashMap<String, Intent>,
    /// `actionId` -> payment id, for idempotent creates.
    pub by_action: HashMap<String, String>,
    pub customers: HashMap<String, Customer>,
    /// [`phone_key`] -> customer id.
    pub customer_by_phone: HashMap<String, String>,
}

impl Store {
    /// Forgets the intents last changed before `before`, with their `actionId`s.
    pub(super) fn forget_older_than(&mut self, before: OffsetDateTime) {
        self.intents.retain(|_, intent| intent.updated_at >= before);
        let intents = &self.intents;
        self.by_action.retain(|_, id| intents.contains_key(id));
    }

    pub(super) fn customer_by_phone(&self, phone: &str) -> Option<&Customer> {
        self.customer_by_phone
            .get(&phone_key(phone))
            .and_then(|id| self.customers.get(id))
    }

    pub(super) fn add_customer(
        &mut self,
        name: String,
        email: Option<String>,
        phone: String,
        is_active: bool,
    ) -> Customer {
        let customer = Customer {
            id: uuid::Uuid::new_v4().to_string(),
            name,
            email,
            phone,
            is_active,
        };
        self.customer_by_phone
            .insert(phone_key(&customer.phone), customer.id.clone());
        self.customers.insert(customer.id.clone(), customer.clone());
        customer
    }

    /// Intents create their customer on the fly, as Yassir's newer docs describe.
    pub(super) fn ensure_customer(&mut self, user_id: &str) {
        if self.customer_by_phone(user_id).is_none() {
            self.add_customer(user_id.to_string(), None, user_id.to_string(), true);
        }
    }
}

/// Phones compare by their digits (`+213…` and `213…` are one customer); other ids as given.
fn phone_key(phone: &str) -> String {
    let phone = phone.trim();
    let body = phone.strip_prefix('+').unwrap_or(phone);
    if !body.is_empty() && body.bytes().all(|byte| byte.is_ascii_digit()) {
        body.to_string()
    } else {
        phone.to_string()
    }
}

#[cfg(test)]
mod tests;
