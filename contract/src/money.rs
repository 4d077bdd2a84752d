/// Digits after the decimal point in a currency's major unit (ISO 4217), for the currencies the
/// providers take. `None` for a currency the contract does not know.
pub fn minor_unit_exponent(currency: &str) -> Option<u32> {
    match currency.to_ascii_uppercase().as_str() {
        "DZD" | "MAD" | "USD" | "EUR" | "TND" => Some(2),
        "XAF" | "XOF" => Some(0),
        _ => None,
    }
}

/// Plain decimal form of a minor-unit amount (`150000` DZD -> `"1500.00"`), as providers that
/// take major units expect it. Unknown currencies are treated as having two decimals.
pub fn format_minor(amount_minor: i64, currency: &str) -> String {
    let exponent = minor_unit_exponent(currency).unwrap_or(2);
    let sign = if amount_minor < 0 { "-" } else { "" };
    let magnitude = amount_minor.unsigned_abs();
    if exponent == 0 {
        return [sign, &decimal(magnitude, 0)].concat();
    }
    let scale = 10_u64.pow(exponent);
    [
        sign,
        &decimal(magnitude / scale, 0),
        ".",
        &decimal(magnitude % scale, exponent as usize),
    ]
    .concat()
}

/// `value` in decimal digits, at least `width` of them (zero-padded on the left), as
/// `format!("{value:0width$}")` writes it, without `core::fmt`: the widget's wasm, which writes
/// its few numbers through here, then links none of that machinery.
pub fn decimal(value: u64, width: usize) -> String {
    let mut digits = Vec::new();
    let mut rest = value;
    while rest > 0 || digits.len() < width.max(1) {
        digits.push(b'0' + (rest % 10) as u8);
        rest /= 10;
    }
    digits
        .iter()
        .rev()
        .map(|&digit| char::from(digit))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_major_units() {
        assert_eq!(format_minor(150000, "DZD"), "1500.00");
        assert_eq!(format_minor(5, "MAD"), "0.05");
        assert_eq!(format_minor(5000, "XAF"), "5000");
        assert_eq!(format_minor(-1050, "dzd"), "-10.50");
        assert_eq!(format_minor(-5000, "XAF"), "-5000");
        assert_eq!(format_minor(i64::MIN, "XAF"), i64::MIN.to_string());
    }

    #[test]
    fn decimal_writes_what_format_writes() {
        for value in [0, 1, 9, 10, 59, 100, 65_535, u64::MAX] {
            for width in [0, 1, 2, 5, 25] {
                assert_eq!(decimal(value, width), format!("{value:0width$}"));
            }
        }
    }

    #[test]
    fn knows_exponents() {
        assert_eq!(minor_unit_exponent("xaf"), Some(0));
        assert_eq!(minor_unit_exponent("DZD"), Some(2));
        assert_eq!(minor_unit_exponent("BTC"), None);
    }
}
