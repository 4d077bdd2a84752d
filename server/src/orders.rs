//! The orders the server knows: the amount and currency always come from here, never from the
//! browser. The reference server ships a demo catalog; a merchant's backend would look its own
//! orders up instead, or mint signed order tokens (`order_token`).

use checkout_contract::{
    CaptureMethod, MethodKind, MethodOffer, MobileMoneyCountry, Operator, OrderSummary,
    PhoneCountry,
};
use checkout_numbering::Country;

/// An order the shopper can pay.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub reference: String,
    pub description: String,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    pub capture: CaptureMethod,
    /// A product of the demo catalog rather than one order: each checkout of it is an order of
    /// its own, so it can be paid again and again.
    pub product: bool,
    /// Unix seconds after which the order can no longer be paid (an order token's expiry).
    pub expires_at: Option<i64>,
}

impl Order {
    pub fn summary(&self) -> OrderSummary {
        OrderSummary {
            reference: self.reference.clone(),
            description: self.description.clone(),
            amount_minor: self.amount_minor,
            currency: self.currency.clone(),
        }
    }

    /// Yassir's country for a payment of this order (ISO alpha-3), sent as `countryCode`,
    /// `actionCountryCode` and `x-country-code`: the wallet's, from its dial code (a USD order
    /// is paid from an Algerian or a Moroccan wallet); without a wallet, the currency's.
    pub fn yassir_country(&self, wallet_phone: Option<&str>) -> &'static str {
        let wallet = wallet_phone
            .and_then(|phone| checkout_numbering::parse_international(phone, &Country::ALL).ok());
        match (wallet, self.currency.as_str()) {
            (Some(wallet), _) => wallet.country.alpha3(),
            (None, "MAD") => Country::Morocco.alpha3(),
            (None, _) => Country::Algeria.alpha3(),
        }
    }

    /// The methods offered for this order: those whose provider takes its currency, in the
    /// countries `coverage` names.
    pub fn methods(&self, coverage: Coverage) -> Vec<MethodOffer> {
        let mut methods = Vec::new();
        if let Some(countries) = yassir_countries(&self.currency) {
            methods.push(MethodOffer::YassirCash { countries });
        }
        if self.currency == "XAF" {
            methods.push(MethodOffer::MobileMoney {
                countries: mobile_money_countries(coverage),
            });
        }
        methods
    }

    pub fn offers(&self, method: MethodKind, coverage: Coverage) -> bool {
        self.methods(coverage)
            .iter()
            .any(|offer| offer.kind() == method)
    }

    /// The dial codes of the Yassir Cash wallets this order's currency takes (none if it takes
    /// no wallet).
    pub fn yassir_dial_codes(&self) -> Vec<String> {
        yassir_countries(&self.currency)
            .unwrap_or_default()
            .into_iter()
            .map(|country| country.dial_code)
            .collect()
    }
}

/// Yassir Cash wallets by currency: Algeria (DZD), Morocco (MAD); USD from either.
fn yassir_countries(currency: &str) -> Option<Vec<PhoneCountry>> {
    let countries = match currency {
        "DZD" => vec![Country::Algeria],
        "MAD" => vec![Country::Morocco],
        "USD" => vec![Country::Algeria, Country::Morocco],
        _ => return None,
    };
    Some(countries.into_iter().map(PhoneCountry::from).collect())
}

/// Where mobile money is offered beyond what Yabetoo is known to serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Cameroon (MTN), which Yabetoo's documents name only as an example code: its API, FAQ
    /// and SDKs serve the Republic of Congo alone. Off unless `MOBILE_MONEY_UNVERIFIED_COUNTRIES`
    /// names `cm` (the sandbox's default, for the demo).
    pub cameroon_unverified: bool,
}

/// Yabetoo takes XAF: the Republic of Congo with MTN and Airtel; Cameroon with MTN (Airtel has
/// no network there) only when `coverage` says so.
pub fn mobile_money_countries(coverage: Coverage) -> Vec<MobileMoneyCountry> {
    let mut countries = vec![MobileMoneyCountry::new(
        Country::Congo,
        vec![Operator::Mtn, Operator::Airtel],
    )];
    if coverage.cameroon_unverified {
        countries.push(MobileMoneyCountry::new(
            Country::Cameroon,
            vec![Operator::Mtn],
        ));
    }
    countries
}

/// Where orders come from.
pub trait OrderBook: Send + Sync {
    fn find(&self, reference: &str) -> Option<Order>;
}

/// Live mode's order book: no catalog, since real orders come from the merchant as signed
/// tokens (or from the merchant's own [`OrderBook`]). The demo's products are never payable
/// with real money.
#[derive(Debug, Clone, Default)]
pub struct NoCatalog;

impl OrderBook for NoCatalog {
    fn find(&self, _reference: &str) -> Option<Order> {
        None
    }
}

/// The demo shop's orders, one per kind of payment the sandbox can show.
#[derive(Debug, Clone)]
pub struct DemoCatalog {
    orders: Vec<Order>,
}

impl Default for DemoCatalog {
    fn default() -> Self {
        let order =
            |reference: &str, description: &str, amount_minor, currency: &str, capture| Order {
                reference: reference.into(),
                description: description.into(),
                amount_minor,
                currency: currency.into(),
                capture,
                product: true,
                expires_at: None,
            };
        Self {
            orders: vec![
                order(
                    "demo-dz",
                    "Couscous kit and tea set (Algiers)",
                    150_000,
                    "DZD",
                    CaptureMethod::Direct,
                ),
                order(
                    "demo-dz-hotel",
                    "Hotel night, paid at check-in (Oran)",
                    500_000,
                    "DZD",
                    CaptureMethod::Reservation,
                ),
                order(
                    "demo-ma",
                    "Argan oil gift box (Casablanca)",
                    29_900,
                    "MAD",
                    CaptureMethod::Direct,
                ),
                order(
                    "demo-cg",
                    "Wax print fabric, 6 yards (Brazzaville)",
                    5_000,
                    "XAF",
                    CaptureMethod::Direct,
                ),
                order(
                    "demo-cm",
                    "Coffee beans, 1 kg (Douala)",
                    2_500,
                    "XAF",
                    CaptureMethod::Direct,
                ),
            ],
        }
    }
}

impl DemoCatalog {
    pub fn orders(&self) -> &[Order] {
        &self.orders
    }
}

impl OrderBook for DemoCatalog {
    fn find(&self, reference: &str) -> Option<Order> {
        self.orders
            .iter()
            .find(|order| order.reference == reference)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dinar_orders_offer_yassir_cash_only() {
        let order = DemoCatalog::default().find("demo-dz").unwrap();
        assert!(order.offers(MethodKind::YassirCash, Coverage::default()));
        assert!(!order.offers(MethodKind::MobileMoney, Coverage::default()));
        assert_eq!(order.yassir_country(None), "DZA");
        assert_eq!(order.yassir_country(Some("+213555000001")), "DZA");
    }

    #[test]
    fn dollar_orders_go_to_the_wallet_country() {
        let order = Order {
            currency: "USD".into(),
            ..DemoCatalog::default().find("demo-dz").unwrap()
        };
        assert_eq!(order.yassir_country(Some("+212600000002")), "MAR");
        assert_eq!(order.yassir_country(Some("+213555000002")), "DZA");
        let dirhams = DemoCatalog::default().find("demo-ma").unwrap();
        assert_eq!(dirhams.yassir_country(None), "MAR");
    }

    #[test]
    fn franc_orders_offer_mobile_money_only() {
        let order = DemoCatalog::default().find("demo-cg").unwrap();
        assert!(order.offers(MethodKind::MobileMoney, Coverage::default()));
        assert!(!order.offers(MethodKind::YassirCash, Coverage::default()));
    }

    #[test]
    fn cameroon_is_offered_only_as_unverified() {
        let codes = |coverage| -> Vec<String> {
            mobile_money_countries(coverage)
                .into_iter()
                .map(|country| country.code)
                .collect()
        };
        assert_eq!(codes(Coverage::default()), ["cg"]);
        let unverified = Coverage {
            cameroon_unverified: true,
        };
        assert_eq!(codes(unverified), ["cg", "cm"]);
    }

    #[test]
    fn live_mode_knows_no_demo_product() {
        assert!(NoCatalog.find("demo-dz").is_none());
    }

    #[test]
    fn unknown_orders_are_not_found() {
        assert!(DemoCatalog::default().find("nope").is_none());
    }
}
