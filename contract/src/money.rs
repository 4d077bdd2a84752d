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
    if exponent == 0 {
        return amount_minor.to_string();
    }
    let scale = 10_i64.pow(exponent);
    let sign = if amount_minor < 0 { "-" } else { "" };
    let magnitude = amount_minor.unsigned_abs();
    let scale = scale as u64;
    format!(
        "{sign}{}.{:0width$}",
        magnitude / scale,
        magnitude % scale,
        width = exponent as usize
    )
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
    }

    #[test]
    fn knows_exponents() {
        assert_eq!(minor_unit_exponent("xaf"), Some(0));
        assert_eq!(minor_unit_exponent("DZD"), Some(2));
        assert_eq!(minor_unit_exponent("BTC"), None);
    }
}
