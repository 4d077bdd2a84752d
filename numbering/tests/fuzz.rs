//! Property tests of the numbering plan's readers: whatever a shopper types, or a provider or a
//! merchant sends as a number, is answered without a panic, and whatever is taken as a mobile
//! number reads back the same from its international form.
//!
//! `PROPTEST_CASES` sets the cases per property (256 by default); `scripts/fuzz` runs them long.

use checkout_numbering::{
    foreign_digits, international_digits, parse_international, parse_typed, prefix_range, Country,
    LeadingZero, Mobile, NumberError, Range, Service, NATIONAL_DIGITS,
};
use proptest::prelude::*;
use proptest::sample::select;

/// Some of the plan's countries, each at most once, in any order (the first takes national
/// numbers).
fn countries() -> impl Strategy<Value = Vec<Country>> {
    prop::collection::vec(select(Country::ALL.to_vec()), 0..6).prop_map(|picked| {
        let mut countries = Vec::new();
        for country in picked {
            if !countries.contains(&country) {
                countries.push(country);
            }
        }
        countries
    })
}

/// Text shaped like a phone number: a `+` or `00` or nothing, a calling code (of the plan or
/// not, whole or cut short), then digits of every kind the readers know and separators.
fn number_like() -> impl Strategy<Value = String> {
    let lead = select(vec!["", "", "+", "00", "0", " ", "+0", "++", "(+"]);
    let code = select(vec![
        "", "213", "212", "242", "237", "21", "2", "24", "33", "1", "2130", "2420",
    ]);
    let body = prop_oneof![
        "[0-9]{0,14}",
        "[0-9 .()/\\-]{0,18}",
        "[0-9\u{660}-\u{669}\u{6F0}-\u{6F9}\u{A0} ]{0,14}",
        "[0-9a-z+#*,\u{FF10}-\u{FF19}]{0,14}",
    ];
    let tail = select(vec!["", "", " ", "\t", "\n", "0", "+"]);
    (lead, code, body, tail)
        .prop_map(|(lead, code, body, tail)| format!("{lead}{code}{body}{tail}"))
}

/// Any text: number-shaped half the time.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![number_like(), any::<String>(), "[ -~]{0,24}"]
}

/// Calls every reader on `text`; none may panic. Returns what `parse_typed` said.
fn read_every_way(text: &str, countries: &[Country]) -> Result<Mobile, NumberError> {
    let typed = parse_typed(text, countries);
    let _ = parse_international(text, countries);
    let _ = international_digits(text);
    let _ = foreign_digits(text);
    let _ = Country::from_code(text);
    let _ = Country::from_dial_code(text);
    for country in Country::ALL {
        let _ = prefix_range(text, country);
        let _ = country.lookup(text);
        for range in country.ranges() {
            let _ = range.holds(text);
        }
    }
    typed
}

/// What must hold of every mobile number a reader returns, whatever was read.
fn check_mobile(mobile: &Mobile, countries: &[Country]) -> Result<(), TestCaseError> {
    prop_assert!(countries.contains(&mobile.country), "{mobile:?}");
    prop_assert_eq!(mobile.national.len(), mobile.country.national_digits());
    prop_assert!(mobile.national.bytes().all(|byte| byte.is_ascii_digit()));
    let range = match mobile.country.lookup(&mobile.national) {
        checkout_numbering::Lookup::Range(range) => range,
        other => return Err(TestCaseError::fail(format!("{mobile:?} is {other:?}"))),
    };
    prop_assert_eq!(range.service, Service::Mobile);
    prop_assert_eq!(range.network, mobile.network);

    let international = mobile.international();
    let e164 = mobile.e164();
    prop_assert_eq!(&e164, &format!("+{international}"));
    prop_assert_eq!(
        international_digits(&international),
        Some(international.as_str())
    );
    prop_assert_eq!(international_digits(&e164), Some(international.as_str()));
    for form in [&international, &e164] {
        prop_assert_eq!(parse_international(form, countries), Ok(mobile.clone()));
        prop_assert_eq!(
            parse_international(form, &[mobile.country]),
            Ok(mobile.clone())
        );
        prop_assert_eq!(parse_typed(form, countries), Ok(mobile.clone()));
        prop_assert_eq!(parse_typed(form, &[mobile.country]), Ok(mobile.clone()));
        prop_assert_eq!(foreign_digits(form), None);
    }
    Ok(())
}

/// A national number in `range` of `country`, `NATIONAL_DIGITS` long (`fill` supplies the
/// digits after the prefix, and `pick` the prefix between the range's first and last).
fn national_in(range: &Range, pick: u32, fill: &str) -> String {
    let first: u32 = range.first.parse().unwrap();
    let last: u32 = range.last.parse().unwrap();
    let prefix = first + pick % (last - first + 1);
    let width = range.first.len();
    let national = format!("{prefix:0width$}{fill}");
    national[..NATIONAL_DIGITS].to_string()
}

/// How a shopper may type a national number of a country.
#[derive(Debug, Clone, Copy)]
enum Style {
    Plus,
    DoubleZero,
    CodeWithoutPlus,
    National,
    /// With the trunk 0 where the country has one (`0555…`), and `+213 (0) 555…`.
    Trunk,
}

fn style() -> impl Strategy<Value = Style> {
    select(vec![
        Style::Plus,
        Style::DoubleZero,
        Style::CodeWithoutPlus,
        Style::National,
        Style::Trunk,
    ])
}

/// Writes `national` of `country` in `style`, then inserts separators at `cuts` and turns the
/// digits at `arabic` into Arabic-Indic or Persian ones.
fn typed(
    country: Country,
    national: &str,
    style: Style,
    cuts: &[(usize, char)],
    arabic: &[(usize, bool)],
) -> String {
    let dial = country.dial_code();
    let trunk = country.leading_zero() == LeadingZero::Trunk;
    let (plus, digits) = match style {
        Style::Plus => (true, format!("{dial}{national}")),
        Style::DoubleZero => (false, format!("00{dial}{national}")),
        Style::CodeWithoutPlus => (false, format!("{dial}{national}")),
        Style::National => (false, national.to_string()),
        Style::Trunk if trunk => (false, format!("0{national}")),
        Style::Trunk => (true, format!("{dial}{national}")),
    };
    let mut chars: Vec<char> = digits.chars().collect();
    for &(at, arabic_indic) in arabic {
        let at = at % chars.len();
        let digit = digits.as_bytes()[at] - b'0';
        let base = if arabic_indic { 0x660 } else { 0x6F0 };
        chars[at] = char::from_u32(base + u32::from(digit)).unwrap();
    }
    for &(at, separator) in cuts {
        let at = at % (chars.len() + 1);
        chars.insert(at, separator);
    }
    let mut text: String = chars.into_iter().collect();
    if matches!(style, Style::Trunk) && trunk && cuts.len() % 2 == 1 {
        // `+213 (0) 555 12 34 56`: the trunk 0 in brackets after the code.
        text = format!("+{dial} (0){national}");
    }
    if plus {
        text.insert(0, '+');
    }
    text
}

fn separator() -> impl Strategy<Value = char> {
    select(vec![' ', '\u{A0}', '.', '-', '/', '(', ')'])
}

/// Any range of any country, with what its numbers are.
fn plan_range() -> impl Strategy<Value = (Country, &'static Range)> {
    select(Country::ALL.to_vec()).prop_flat_map(|country| {
        select(country.ranges().iter().collect::<Vec<_>>()).prop_map(move |range| (country, range))
    })
}

proptest! {
    #[test]
    fn any_text_is_read_without_a_panic(text in any_text(), countries in countries()) {
        let _ = read_every_way(&text, &countries);
    }

    #[test]
    fn digit_strings_are_read_without_a_panic(
        digits in "[+]?[0-9]{0,20}",
        countries in countries(),
    ) {
        let _ = read_every_way(&digits, &countries);
    }

    /// Whatever `parse_typed` takes reads back the same from its international and E.164 forms.
    #[test]
    fn whatever_parses_reparses_from_its_international_form(
        text in any_text(),
        countries in countries(),
    ) {
        if let Ok(mobile) = read_every_way(&text, &countries) {
            check_mobile(&mobile, &countries)?;
            // The range named while typing is the one of the number typed.
            let range = prefix_range(&text, mobile.country);
            prop_assert_eq!(range.map(|range| range.network), Some(mobile.network));
            prop_assert_eq!(foreign_digits(&text), None);
        }
    }

    /// The international form is the stricter reader: what it takes, `parse_typed` takes alike.
    #[test]
    fn the_international_reader_agrees_with_the_typed_one(
        text in any_text(),
        countries in countries(),
    ) {
        if let Ok(mobile) = parse_international(&text, &countries) {
            check_mobile(&mobile, &countries)?;
            prop_assert_eq!(parse_typed(&text, &countries), Ok(mobile));
        }
    }

    /// Every number of every range of the plan, typed any way a shopper may, reads as that
    /// number: a mobile with the range's network, a fixed line refused as one.
    #[test]
    fn every_number_of_the_plan_reads_however_it_is_typed(
        (country, range) in plan_range(),
        pick in any::<u32>(),
        fill in "[0-9]{9}",
        style in style(),
        cuts in prop::collection::vec((any::<usize>(), separator()), 0..4),
        arabic in prop::collection::vec((any::<usize>(), any::<bool>()), 0..3),
        others in countries(),
        padding in select(vec!["", " ", "  ", "\u{A0}"]),
    ) {
        let national = national_in(range, pick, &fill);
        let text = format!("{padding}{}{padding}", typed(country, &national, style, &cuts, &arabic));
        // National numbers belong to the first country offered.
        let mut offered = vec![country];
        offered.extend(others.into_iter().filter(|other| *other != country));
        let parsed = parse_typed(&text, &offered);
        match range.service {
            Service::Mobile => {
                let expected = Mobile { country, national, network: range.network };
                prop_assert_eq!(parsed, Ok(expected.clone()), "{:?}", text);
                check_mobile(&expected, &offered)?;
            }
            Service::Fixed => prop_assert_eq!(parsed, Err(NumberError::NotMobile), "{:?}", text),
        }
    }

    /// While a number is typed, the range named is never another than the finished number's.
    /// Typed with its country code but no `+`, it reads as a national number until it is longer
    /// than one (`2135…` is an Algerian fixed line), so only a mobile range counts there.
    #[test]
    fn a_number_being_typed_never_names_another_range(
        (country, range) in plan_range(),
        pick in any::<u32>(),
        fill in "[0-9]{9}",
        style in style(),
    ) {
        let national = national_in(range, pick, &fill);
        let text = typed(country, &national, style, &[], &[]);
        let chars: Vec<char> = text.chars().collect();
        for end in 0..=chars.len() {
            let partial: String = chars[..end].iter().collect();
            let found = prefix_range(&partial, country);
            let counts = match style {
                Style::CodeWithoutPlus => found.filter(|found| found.service == Service::Mobile),
                _ => found,
            };
            if let Some(found) = counts {
                prop_assert_eq!(found, range, "{:?}", partial);
            }
        }
    }

    /// A foreign number is international and of no country of the plan, so no reader takes it.
    #[test]
    fn foreign_numbers_belong_to_no_country_of_the_plan(text in any_text()) {
        if let Some(digits) = foreign_digits(&text) {
            prop_assert_eq!(international_digits(&digits), Some(digits.as_str()));
            prop_assert!(Country::ALL.iter().all(|country| !digits.starts_with(country.dial_code())));
            prop_assert!(parse_typed(&text, &Country::ALL).is_err());
            prop_assert!(parse_international(&digits, &Country::ALL).is_err());
        }
    }

    /// The international shape is 10 to 15 ASCII digits after an optional `+`, not starting
    /// with 0, and nothing else.
    #[test]
    fn the_international_shape_is_digits_only(text in any_text()) {
        if let Some(digits) = international_digits(&text) {
            prop_assert_eq!(text.strip_prefix('+').unwrap_or(&text), digits);
            prop_assert!((10..=15).contains(&digits.len()));
            prop_assert!(digits.bytes().all(|byte| byte.is_ascii_digit()));
            prop_assert!(!digits.starts_with('0'));
        }
    }
}
