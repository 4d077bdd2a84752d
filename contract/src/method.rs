//! The ways a shopper pays and the mobile-money operators, each with its wire name: what a
//! request names and what the numbering plan's networks map onto.

use checkout_numbering::{Mobile, Network};
use serde::{Deserialize, Serialize};

/// The ways a shopper can pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// Yassir Cash wallet (Algeria, Morocco), paid with `WALLET_V2`.
    YassirCash,
    /// Mobile money through Yabetoo (MTN, Airtel).
    MobileMoney,
}

impl MethodKind {
    /// Every method, in the order the contract lists them.
    pub const ALL: [MethodKind; 2] = [MethodKind::YassirCash, MethodKind::MobileMoney];

    /// The wire name (`yassir_cash`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            MethodKind::YassirCash => "yassir_cash",
            MethodKind::MobileMoney => "mobile_money",
        }
    }
}

/// Reads a wire name (`mobile_money`); anything else is an error, never a default method.
impl std::str::FromStr for MethodKind {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        MethodKind::ALL
            .into_iter()
            .find(|method| method.as_str() == value)
            .ok_or_else(|| ["unknown method `", value, "`"].concat())
    }
}

impl std::fmt::Display for MethodKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Mobile-money operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Mtn,
    Airtel,
}

impl Operator {
    /// Every operator, in the order the contract lists them.
    pub const ALL: [Operator; 2] = [Operator::Mtn, Operator::Airtel];

    /// The wire name (`mtn`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Mtn => "mtn",
            Operator::Airtel => "airtel",
        }
    }

    pub fn display_name(self) -> &'static str {
        self.network().name()
    }

    /// The network whose numbers this operator charges, in the numbering plan.
    pub fn network(self) -> Network {
        match self {
            Operator::Mtn => Network::Mtn,
            Operator::Airtel => Network::Airtel,
        }
    }

    /// The operator charging the numbers of `network`, if mobile money takes that network.
    pub fn from_network(network: Network) -> Option<Operator> {
        Operator::ALL
            .into_iter()
            .find(|operator| operator.network() == network)
    }

    /// The operator a mobile number's range suggests: `Ok(None)` when the plan does not say
    /// whose the range is (Congo `04`), `Err(network)` when it belongs to a network mobile
    /// money does not take (Orange, Nexttel and Camtel in Cameroon; Congo Telecom, Equateur
    /// Telecom): no operator offered could charge it, so the widget and the server refuse it.
    ///
    /// Between two operators both taken, the suggestion is what the operator must be: the
    /// operator asked is the one that charges, and an Airtel number sent to MTN can only fail,
    /// so the server refuses the mismatch (the widget pre-selects the suggestion). Where the
    /// plan names no owner (Congo `04`), either may be asked.
    pub fn suggested_for(number: &Mobile) -> Result<Option<Operator>, Network> {
        match number.network {
            Some(network) => Operator::from_network(network).map(Some).ok_or(network),
            None => Ok(None),
        }
    }
}

/// Reads a wire name (`airtel`); anything else is an error, never a default operator.
impl std::str::FromStr for Operator {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Operator::ALL
            .into_iter()
            .find(|operator| operator.as_str() == value)
            .ok_or_else(|| ["unknown operator `", value, "`"].concat())
    }
}

impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
