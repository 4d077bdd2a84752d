//! Reading numbers: as shoppers type them (`+213 555 12 34 56`, `00213…`, `0555…`, Arabic-Indic
//! digits) or as the contract carries them (`+213555123456`, `242066594470`), each checked
//! against its country's table.

use crate::plan::{Country, LeadingZero, Lookup, Network, Range, Service, NATIONAL_DIGITS};

/// Why a number is not a mobile number of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Nothing typed.
    Empty,
    /// Letters or symbols other than `+`, spaces, dots, dashes, slashes and brackets (typed), or
    /// anything but digits after the optional `+` (international form).
    NotDigits,
    /// Fewer digits than a mobile number has; `expected` counts digits after the country code.
    TooShort { expected: usize },
    /// More digits than a mobile number has.
    TooLong { expected: usize },
    /// A Congolese number without its leading `0` (`66594470` for `066594470`).
    MissingLeadingZero,
    /// A country code none of the given countries has.
    WrongCountry,
    /// A fixed line, or a prefix allocated to no mobile network.
    NotMobile,
}

/// A mobile number of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mobile {
    /// Its country.
    pub country: Country,
    /// The digits after the country code: for Congo with the 0 (`066594470`), for Algeria and
    /// Morocco without the trunk 0 (`555123456`).
    pub national: String,
    /// Who runs its range, when the prefix tells. Only a default: the shopper may know better.
    pub network: Option<Network>,
}

impl Mobile {
    /// Country code and national number, digits only (`242066594470`), as Yabetoo takes it.
    pub fn international(&self) -> String {
        [self.country.dial_code(), &self.national].concat()
    }

    /// E.164 (`+213555123456`), as Yassir takes it.
    pub fn e164(&self) -> String {
        ["+", &self.international()].concat()
    }
}

/// Most digits of an international number (E.164).
const MAX_INTERNATIONAL_DIGITS: usize = 15;
/// Fewest digits taken as an international number: anything shorter is a national number
/// (9 digits here), typed without its country code.
const MIN_INTERNATIONAL_DIGITS: usize = NATIONAL_DIGITS + 1;
/// Most digits of a number typed the national way: 9 and a trunk `0`.
const LONGEST_NATIONAL_TYPED: usize = NATIONAL_DIGITS + 1;

/// A number as a shopper types it, in one of `countries`: international (`+`, `00`, or the
/// country code typed in front), or national, then belonging to the first of `countries`.
/// Separators and Arabic-Indic digits are accepted and a trunk `0` is dropped.
pub fn parse_typed(input: &str, countries: &[Country]) -> Result<Mobile, NumberError> {
    let typed = clean(input)?;
    let (country, rest) = locate(&typed, countries)?;
    check(country, national_part(country, rest))
}

/// A number in the contract's international form: an optional `+`, then the country code of one
/// of `countries` and the national number, digits only (`+213555123456`, `242066594470`).
pub fn parse_international(msisdn: &str, countries: &[Country]) -> Result<Mobile, NumberError> {
    let msisdn = msisdn.trim();
    if msisdn.is_empty() {
        return Err(NumberError::Empty);
    }
    let digits = msisdn.strip_prefix('+').unwrap_or(msisdn);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(NumberError::NotDigits);
    }
    let country = countries
        .iter()
        .copied()
        .find(|country| digits.starts_with(country.dial_code()))
        .ok_or(NumberError::WrongCountry)?;
    check(country, &digits[country.dial_code().len()..])
}

/// The range a number being typed falls in, as soon as its prefix tells: lets a form name the
/// operator before the number is complete.
pub fn prefix_range(partial_input: &str, country: Country) -> Option<&'static Range> {
    let typed = clean(partial_input).ok()?;
    let (country, rest) = locate(&typed, &[country]).ok()?;
    match country.lookup(national_part(country, rest)) {
        Lookup::Range(range) => Some(range),
        Lookup::Undecided | Lookup::Unassigned => None,
    }
}

/// The digits of `msisdn` if it has the shape of an international number: an optional `+`,
/// then 10 to 15 digits not starting with 0. Says nothing of the country or the range.
pub fn international_digits(msisdn: &str) -> Option<&str> {
    let digits = msisdn.strip_prefix('+').unwrap_or(msisdn);
    let shaped = (MIN_INTERNATIONAL_DIGITS..=MAX_INTERNATIONAL_DIGITS).contains(&digits.len())
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && !digits.starts_with('0');
    shaped.then_some(digits)
}

/// The digits of a typed number that belongs to none of the plan's countries: international
/// (with `+` or `00`, or longer than any national number), with a country code that is none
/// of the plan's. The plan cannot check such a number; a caller that must take it anyway (a
/// provider's test numbers) sends it as it is, for whoever knows it to decide.
pub fn foreign_digits(input: &str) -> Option<String> {
    let typed = clean(input).ok()?;
    let international = typed.international || typed.digits.len() > LONGEST_NATIONAL_TYPED;
    let foreign = !Country::ALL
        .iter()
        .any(|country| typed.digits.starts_with(country.dial_code()));
    (international && foreign && international_digits(&typed.digits).is_some())
        .then_some(typed.digits)
}

/// A number reduced to its digits, remembering whether it was typed with `+` or `00`.
struct Typed {
    international: bool,
    digits: String,
}

/// Keeps the digits (ASCII, Arabic-Indic or Persian), drops separators, rejects anything else.
fn clean(input: &str) -> Result<Typed, NumberError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(NumberError::Empty);
    }
    let (plus, rest) = match input.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let mut digits = String::with_capacity(rest.len());
    for ch in rest.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            // Arabic-Indic and Extended Arabic-Indic (Persian) digits from Arabic keyboards.
            '\u{660}'..='\u{669}' => digits.push(char::from(b'0' + (ch as u32 - 0x660) as u8)),
            '\u{6F0}'..='\u{6F9}' => digits.push(char::from(b'0' + (ch as u32 - 0x6F0) as u8)),
            ' ' | '\u{A0}' | '.' | '-' | '/' | '(' | ')' => {}
            _ => return Err(NumberError::NotDigits),
        }
    }
    if digits.is_empty() {
        return Err(NumberError::NotDigits);
    }
    if !plus {
        if let Some(after) = digits.strip_prefix("00") {
            return Ok(Typed {
                international: true,
                digits: after.to_string(),
            });
        }
    }
    Ok(Typed {
        international: plus,
        digits,
    })
}

/// The country a typed number belongs to, and its digits after the country code if it has one.
fn locate<'a>(typed: &'a Typed, countries: &[Country]) -> Result<(Country, &'a str), NumberError> {
    let digits = typed.digits.as_str();
    let with_code = |country: &Country| digits.starts_with(country.dial_code());
    let offered = countries.iter().copied().find(with_code);
    let after_code = |country: Country| (country, &digits[country.dial_code().len()..]);
    if typed.international {
        return offered.map(after_code).ok_or(NumberError::WrongCountry);
    }
    // Without `+` or `00`, only a number longer than a national one carries a country code.
    if digits.len() > LONGEST_NATIONAL_TYPED {
        if let Some(country) = offered {
            return Ok(after_code(country));
        }
        if Country::ALL.iter().any(with_code) {
            return Err(NumberError::WrongCountry);
        }
    }
    let country = countries.first().ok_or(NumberError::WrongCountry)?;
    Ok((*country, digits))
}

/// The national number: without the trunk 0 where the 0 is one (`+213 (0) 555…` has it too).
fn national_part(country: Country, rest: &str) -> &str {
    match country.leading_zero() {
        LeadingZero::Trunk => rest.strip_prefix('0').unwrap_or(rest),
        LeadingZero::Part | LeadingZero::Absent => rest,
    }
}

/// Checks national digits against the country's table. A fixed line is called one whatever its
/// length (Algerian ones have 8 digits); anything else must have the mobile length first.
fn check(country: Country, national: &str) -> Result<Mobile, NumberError> {
    let lookup = country.lookup(national);
    if let Lookup::Range(range) = lookup {
        if range.service == Service::Fixed {
            return Err(NumberError::NotMobile);
        }
    }
    let expected = country.national_digits();
    if country.leading_zero() == LeadingZero::Part
        && national.len() == expected - 1
        && !national.starts_with('0')
    {
        return Err(NumberError::MissingLeadingZero);
    }
    if national.len() < expected {
        return Err(NumberError::TooShort { expected });
    }
    if national.len() > expected {
        return Err(NumberError::TooLong { expected });
    }
    match lookup {
        Lookup::Range(range) => Ok(Mobile {
            country,
            national: national.to_string(),
            network: range.network,
        }),
        Lookup::Undecided | Lookup::Unassigned => Err(NumberError::NotMobile),
    }
}
