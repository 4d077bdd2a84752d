//! Amounts as a shopper reads them: the currency's major unit, grouped, with its symbol where
//! each of the widget's languages puts it. These are CLDR's patterns and symbols, written as
//! browsers' `Intl.NumberFormat` writes them (Chromium 156, ICU 78), for the currencies the
//! contract knows; any other currency is written with its code. Here rather than asked of the
//! browser: a page's first `Intl.NumberFormat` loads the browser's number data, 10-25 ms of the
//! main thread on the way to the widget's first render.

use checkout_contract::{decimal, minor_unit_exponent};

use super::i18n::Lang;

const NBSP: &str = "\u{a0}";
/// Right-to-left mark: an Arabic amount starts with one, so that it reads right to left
/// wherever it is placed.
const RLM: &str = "\u{200f}";

/// `amount_minor` of `currency` (an ISO 4217 code, any case), written for `lang`:
/// `DZD 1,500.00`, `1 500,00 DZD`, `‏1.500,00 د.ج.‏`, `FCFA 5,000`.
pub fn format_amount(amount_minor: i64, currency: &str, lang: Lang) -> String {
    let code = currency.to_ascii_uppercase();
    let exponent = minor_unit_exponent(&code).unwrap_or(2);
    let symbol = symbol(lang, &code).unwrap_or(&code);
    let (group, point) = separators(lang, &code);
    let number = digits(amount_minor.unsigned_abs(), exponent, group, point);
    let negative = amount_minor < 0;
    match lang {
        Lang::En => {
            let minus = if negative { "-" } else { "" };
            // A symbol that is letters (`DZD`, `FCFA`) stands apart; `$` and `€` do not.
            let space = if symbol.ends_with(|c: char| c.is_ascii_alphabetic()) {
                NBSP
            } else {
                ""
            };
            [minus, symbol, space, &number].concat()
        }
        Lang::Fr => {
            let minus = if negative { "-" } else { "" };
            [minus, &number, NBSP, symbol].concat()
        }
        Lang::Ar => {
            // A left-to-right mark keeps the minus sign on the left of the digits.
            let minus = if negative { "\u{200e}-" } else { "" };
            [RLM, minus, &number, NBSP, symbol].concat()
        }
    }
}

/// The currency's symbol in `lang`, where CLDR gives one other than the code.
fn symbol(lang: Lang, code: &str) -> Option<&'static str> {
    Some(match (lang, code) {
        (_, "EUR") => "€",
        (_, "XAF") => "FCFA",
        (_, "XOF") => "F\u{202f}CFA",
        (Lang::En, "USD") => "$",
        (Lang::Fr, "USD") => "$US",
        (Lang::Ar, "USD") => "US$",
        // Arabic symbols end with a right-to-left mark of their own.
        (Lang::Ar, "DZD") => "د.ج.\u{200f}",
        (Lang::Ar, "MAD") => "د.م.\u{200f}",
        (Lang::Ar, "TND") => "د.ت.\u{200f}",
        _ => return None,
    })
}

/// The group and decimal separators. Dinars and dirhams in Arabic are written as Algeria and
/// Morocco write them (`ar-DZ`, `ar-MA`), other currencies as Arabic in general does.
fn separators(lang: Lang, code: &str) -> (&'static str, &'static str) {
    match lang {
        Lang::En => (",", "."),
        Lang::Fr => ("\u{202f}", ","),
        Lang::Ar if matches!(code, "DZD" | "MAD") => (".", ","),
        Lang::Ar => (",", "."),
    }
}

/// `magnitude` minor units as major units with `exponent` decimals, grouped by thousands.
fn digits(magnitude: u64, exponent: u32, group: &str, point: &str) -> String {
    let scale = 10_u64.pow(exponent);
    let whole = decimal(magnitude / scale, 0);
    let mut out = String::with_capacity(whole.len() * 2 + 8);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            out.push_str(group);
        }
        out.push(digit);
    }
    if exponent > 0 {
        out.push_str(point);
        out.push_str(&decimal(magnitude % scale, exponent as usize));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Chromium's `Intl.NumberFormat` writes for the same amounts (the locale `ar-DZ` for
    /// dinars in Arabic, `ar-MA` for dirhams, `ar` otherwise; the currency's digits as both
    /// minimum and maximum).
    #[test]
    fn writes_what_browsers_write() {
        #[rustfmt::skip]
        let cases: &[(Lang, &str, i64, &str)] = &[
            (Lang::En, "DZD", 150_000, "DZD\u{a0}1,500.00"),
            (Lang::En, "MAD", 123_456_789, "MAD\u{a0}1,234,567.89"),
            (Lang::En, "XAF", 1_500, "FCFA\u{a0}1,500"),
            (Lang::En, "XOF", 0, "F\u{202f}CFA\u{a0}0"),
            (Lang::En, "USD", 150_000, "$1,500.00"),
            (Lang::En, "EUR", -500, "-€5.00"),
            (Lang::En, "TND", -500, "-TND\u{a0}5.00"),
            (Lang::Fr, "DZD", 150_000, "1\u{202f}500,00\u{a0}DZD"),
            (Lang::Fr, "MAD", 0, "0,00\u{a0}MAD"),
            (Lang::Fr, "XAF", 1_234_567, "1\u{202f}234\u{202f}567\u{a0}FCFA"),
            (Lang::Fr, "XOF", -5, "-5\u{a0}F\u{202f}CFA"),
            (Lang::Fr, "USD", 150_000, "1\u{202f}500,00\u{a0}$US"),
            (Lang::Fr, "EUR", 150_000, "1\u{202f}500,00\u{a0}€"),
            (Lang::Ar, "DZD", 150_000, "\u{200f}1.500,00\u{a0}د.ج.\u{200f}"),
            (Lang::Ar, "MAD", 123_456_789, "\u{200f}1.234.567,89\u{a0}د.م.\u{200f}"),
            (Lang::Ar, "DZD", -500, "\u{200f}\u{200e}-5,00\u{a0}د.ج.\u{200f}"),
            (Lang::Ar, "TND", 150_000, "\u{200f}1,500.00\u{a0}د.ت.\u{200f}"),
            (Lang::Ar, "XAF", 1_234_567, "\u{200f}1,234,567\u{a0}FCFA"),
            (Lang::Ar, "XOF", 0, "\u{200f}0\u{a0}F\u{202f}CFA"),
            (Lang::Ar, "USD", 150_000, "\u{200f}1,500.00\u{a0}US$"),
            (Lang::Ar, "EUR", -500, "\u{200f}\u{200e}-5.00\u{a0}€"),
        ];
        for &(lang, currency, minor, written) in cases {
            assert_eq!(
                format_amount(minor, currency, lang),
                written,
                "{lang:?} {currency} {minor}"
            );
        }
    }

    #[test]
    fn takes_the_code_in_any_case() {
        assert_eq!(format_amount(150_000, "dzd", Lang::En), "DZD\u{a0}1,500.00");
        assert_eq!(
            format_amount(5_000, "xaf", Lang::Fr),
            "5\u{202f}000\u{a0}FCFA"
        );
    }

    /// A currency the contract does not know: its code, and two decimals.
    #[test]
    fn writes_other_currencies_with_their_code() {
        assert_eq!(format_amount(150_000, "GHS", Lang::En), "GHS\u{a0}1,500.00");
        assert_eq!(
            format_amount(150_000, "GHS", Lang::Fr),
            "1\u{202f}500,00\u{a0}GHS"
        );
        assert_eq!(
            format_amount(150_000, "GHS", Lang::Ar),
            "\u{200f}1,500.00\u{a0}GHS"
        );
    }

    #[test]
    fn groups_every_size_of_number() {
        let grouped = |minor| format_amount(minor, "XAF", Lang::En);
        assert_eq!(grouped(1), "FCFA\u{a0}1");
        assert_eq!(grouped(999), "FCFA\u{a0}999");
        assert_eq!(grouped(1_000), "FCFA\u{a0}1,000");
        assert_eq!(grouped(100_000), "FCFA\u{a0}100,000");
        assert_eq!(grouped(1_000_000), "FCFA\u{a0}1,000,000");
        assert_eq!(grouped(i64::MAX), "FCFA\u{a0}9,223,372,036,854,775,807");
        assert_eq!(grouped(i64::MIN), "-FCFA\u{a0}9,223,372,036,854,775,808");
        assert_eq!(format_amount(5, "DZD", Lang::En), "DZD\u{a0}0.05");
    }
}
