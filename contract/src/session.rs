//! `GET /api/v1/checkout`: the order being paid, where it stands, and the methods offered for
//! it, each with the countries (and operators) it takes.

use checkout_numbering::Country;
use serde::{Deserialize, Serialize};

use crate::method::{MethodKind, Operator};

/// `GET /api/v1/checkout?order=REF`: the order being paid and the methods offered for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutSession {
    pub order: OrderSummary,
    /// Only the methods the server can take for this order's currency, in display order.
    pub methods: Vec<MethodOffer>,
    /// True when this order's provider is reached with test credentials (the sandbox, Yassir's
    /// staging host, a Yabetoo `sk_test_` key): its test numbers are accepted and the widget says
    /// that no real money moves.
    #[serde(default)]
    pub test_mode: bool,
    /// In test mode only (absent otherwise): the provider's test numbers the server takes
    /// although no country's numbering plan does, digits in international form
    /// (`46733123451`). The widget takes these as typed; it knows none of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_numbers: Vec<String>,
    /// Origins the widget may send the shopper to for an OTP (`payUrl`), as the server sees them.
    #[serde(default)]
    pub redirect_origins: Vec<String>,
    /// Whether the order can be paid now, so a page opened on a paid order says so at once
    /// instead of offering the form.
    #[serde(default)]
    pub order_state: OrderState,
}

/// Where an order stands when its checkout loads. Names no payment and no phone: whoever holds
/// the order learns only whether it can be paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Nothing paid and nothing in flight: the shopper may pay.
    #[default]
    Open,
    /// A payment of the order is under way (in another tab, or on the shopper's phone).
    InFlight,
    /// A payment of the order waits for the merchant to check it with the provider.
    OnHold,
    /// The order is paid.
    Paid,
}

/// The order as the server knows it: the browser never decides the amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub reference: String,
    pub description: String,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
}

/// A method the server offers, with the countries (and operators) it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MethodOffer {
    YassirCash { countries: Vec<PhoneCountry> },
    MobileMoney { countries: Vec<MobileMoneyCountry> },
}

impl MethodOffer {
    pub fn kind(&self) -> MethodKind {
        match self {
            MethodOffer::YassirCash { .. } => MethodKind::YassirCash,
            MethodOffer::MobileMoney { .. } => MethodKind::MobileMoney,
        }
    }
}

/// A country whose phone numbers a Yassir Cash wallet may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneCountry {
    /// ISO 3166-1 alpha-2, lower case (`dz`, `ma`).
    pub code: String,
    /// Calling code without `+` (`213`).
    pub dial_code: String,
}

impl From<Country> for PhoneCountry {
    fn from(country: Country) -> Self {
        PhoneCountry {
            code: country.code().into(),
            dial_code: country.dial_code().into(),
        }
    }
}

/// A mobile-money country and the operators taken there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileMoneyCountry {
    /// Yabetoo's country code, ISO 3166-1 alpha-2 lower case (`cg`, `cm`).
    pub code: String,
    pub dial_code: String,
    pub operators: Vec<Operator>,
}

impl MobileMoneyCountry {
    /// `country` of the numbering plan, with the operators taken there.
    pub fn new(country: Country, operators: Vec<Operator>) -> Self {
        MobileMoneyCountry {
            code: country.code().into(),
            dial_code: country.dial_code().into(),
            operators,
        }
    }
}
