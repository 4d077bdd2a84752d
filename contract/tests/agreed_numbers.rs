//! The contract's own reading of the agreed numbers: the numbering plan, then
//! [`Operator::suggested_for`] for mobile money.

use checkout_contract::Operator;
use checkout_numbering::{parse_international, Country};

include!("agreed/numbers.rs");

#[test]
fn the_plan_and_the_operator_rule_give_the_agreed_answers() {
    for &(code, number, agreed) in AGREED_NUMBERS {
        let countries = match code {
            "dz" | "ma" => vec![Country::Algeria, Country::Morocco],
            other => vec![Country::from_code(other).unwrap()],
        };
        let answer = parse_international(number, &countries)
            .ok()
            .and_then(|mobile| match code {
                "dz" | "ma" => Some(None),
                _ => Operator::suggested_for(&mobile).ok(),
            });
        let expected = match agreed {
            Agreed::Taken(operator) => Some(operator.map(|name| name.parse::<Operator>().unwrap())),
            Agreed::Refused => None,
        };
        assert_eq!(answer, expected, "{code} {number}");
    }
}
