//! The tables against the plans as the regulators and operators publish them: one line per
//! prefix, written out rather than derived from the tables, and a check that every range of
//! every table is exercised here.

use checkout_numbering::{
    foreign_digits, international_digits, parse_international, parse_typed, prefix_range, Country,
    Lookup, Network, NumberError, Service,
};

/// What a complete national number is, as the published plan says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Mobile(Option<Network>),
    Fixed,
    Unassigned,
}

use Expect::{Fixed, Mobile, Unassigned};

/// Checks each national number (9 digits, or 8 for Algerian fixed lines) of `country`.
fn check(country: Country, cases: &[(&str, Expect)]) {
    for &(national, expect) in cases {
        let found = match country.lookup(national) {
            Lookup::Range(range) if range.service == Service::Mobile => Mobile(range.network),
            Lookup::Range(_) => Fixed,
            Lookup::Undecided | Lookup::Unassigned => Unassigned,
        };
        assert_eq!(found, expect, "{} {national}", country.code());
        let parsed =
            parse_international(&format!("+{}{national}", country.dial_code()), &[country]);
        match expect {
            Mobile(network) => assert_eq!(parsed.map(|m| m.network), Ok(network), "{national}"),
            Fixed | Unassigned => assert_eq!(parsed, Err(NumberError::NotMobile), "{national}"),
        }
    }
}

/// Every range of the table holds at least one of the cases, so no prefix goes untested.
fn every_range_is_tested(country: Country, cases: &[(&str, Expect)]) {
    for range in country.ranges() {
        assert!(
            cases.iter().any(|(national, _)| range.holds(national)),
            "{} {}-{} has no case",
            country.code(),
            range.first,
            range.last
        );
    }
}

const ALGERIA: &[(&str, Expect)] = &[
    ("550123456", Mobile(Some(Network::Ooredoo))),
    ("599999999", Mobile(Some(Network::Ooredoo))),
    ("661234567", Mobile(Some(Network::Mobilis))),
    ("698765432", Mobile(Some(Network::Mobilis))),
    ("770123456", Mobile(Some(Network::Djezzy))),
    ("799999999", Mobile(Some(Network::Djezzy))),
    ("21123456", Fixed),
    ("31123456", Fixed),
    ("41123456", Fixed),
    ("13123456", Fixed),
    ("812345678", Unassigned),
    ("912345678", Unassigned),
];

#[test]
fn algeria_mobiles_are_5_6_and_7_and_landlines_are_not() {
    check(Country::Algeria, ALGERIA);
    every_range_is_tested(Country::Algeria, ALGERIA);
}

const MOROCCO: &[(&str, Expect)] = &[
    ("612345678", Mobile(None)),
    ("661234567", Mobile(None)),
    ("712345678", Mobile(None)),
    ("770123456", Mobile(None)),
    ("522123456", Fixed),
    ("537123456", Fixed),
    ("808123456", Unassigned),
    ("912345678", Unassigned),
];

#[test]
fn morocco_mobiles_are_6_and_7_and_5_is_fixed_lines() {
    check(Country::Morocco, MOROCCO);
    every_range_is_tested(Country::Morocco, MOROCCO);
}

const CONGO: &[(&str, Expect)] = &[
    ("066594470", Mobile(Some(Network::Mtn))),
    ("069000001", Mobile(Some(Network::Mtn))),
    ("055000001", Mobile(Some(Network::Airtel))),
    ("050017890", Mobile(Some(Network::Airtel))),
    ("044000001", Mobile(None)),
    ("012345678", Mobile(Some(Network::EquateurTelecom))),
    ("024012345", Mobile(Some(Network::CongoTelecom))),
    ("025512345", Mobile(Some(Network::CongoTelecom))),
    ("025812345", Mobile(Some(Network::CongoTelecom))),
    ("026012345", Mobile(Some(Network::CongoTelecom))),
    ("026101234", Mobile(Some(Network::CongoTelecom))),
    ("026151234", Mobile(Some(Network::CongoTelecom))),
    ("026661234", Mobile(Some(Network::CongoTelecom))),
    ("026691234", Mobile(Some(Network::CongoTelecom))),
    ("026712345", Mobile(Some(Network::CongoTelecom))),
    ("026912345", Mobile(Some(Network::CongoTelecom))),
    ("222812345", Fixed),
    ("022345678", Unassigned),
    ("025412345", Unassigned),
    ("026161234", Unassigned),
    ("026651234", Unassigned),
    ("082345678", Unassigned),
    ("123456789", Unassigned),
];

#[test]
fn congo_06_is_mtn_05_airtel_04_unknown_and_02_congo_telecom() {
    check(Country::Congo, CONGO);
    every_range_is_tested(Country::Congo, CONGO);
}

const CAMEROON: &[(&str, Expect)] = &[
    ("671234567", Mobile(Some(Network::Mtn))),
    ("650123456", Mobile(Some(Network::Mtn))),
    ("654123456", Mobile(Some(Network::Mtn))),
    ("680123456", Mobile(Some(Network::Mtn))),
    ("683123456", Mobile(Some(Network::Mtn))),
    ("691234567", Mobile(Some(Network::Orange))),
    ("655123456", Mobile(Some(Network::Orange))),
    ("659123456", Mobile(Some(Network::Orange))),
    ("686123456", Mobile(Some(Network::Orange))),
    ("689123456", Mobile(Some(Network::Orange))),
    ("640123456", Mobile(Some(Network::Orange))),
    ("642123456", Mobile(Some(Network::Orange))),
    ("661234567", Mobile(Some(Network::Nexttel))),
    ("684123456", Mobile(Some(Network::Nexttel))),
    ("685123456", Mobile(Some(Network::Nexttel))),
    ("621234567", Mobile(Some(Network::Camtel))),
    ("242123456", Mobile(Some(Network::Camtel))),
    ("243123456", Mobile(Some(Network::Camtel))),
    ("222123456", Fixed),
    ("233123456", Fixed),
    ("643123456", Unassigned),
    ("601234567", Unassigned),
    ("631234567", Unassigned),
    ("244123456", Unassigned),
    ("712345678", Unassigned),
];

#[test]
fn cameroon_mtn_orange_nexttel_and_camtel_ranges() {
    check(Country::Cameroon, CAMEROON);
    every_range_is_tested(Country::Cameroon, CAMEROON);
}

#[test]
fn ranges_never_overlap() {
    for country in Country::ALL {
        let ranges = country.ranges();
        for (index, range) in ranges.iter().enumerate() {
            assert_eq!(range.first.len(), range.last.len(), "{range:?}");
            assert!(range.first <= range.last, "{range:?}");
            for other in &ranges[index + 1..] {
                let (short, long) = if range.first.len() <= other.first.len() {
                    (range, other)
                } else {
                    (other, range)
                };
                let len = short.first.len();
                let overlap = &long.first[..len] <= short.last && short.first <= &long.last[..len];
                assert!(!overlap, "{} {range:?} {other:?}", country.code());
            }
        }
    }
}

#[test]
fn codes_and_dial_codes_name_each_country_once() {
    for country in Country::ALL {
        assert_eq!(Country::from_code(country.code()), Some(country));
        assert_eq!(Country::from_dial_code(country.dial_code()), Some(country));
    }
    assert_eq!(Country::from_code("fr"), None);
    assert_eq!(Country::from_dial_code("33"), None);
}

#[test]
fn alpha3_codes_are_iso_3166() {
    let codes: Vec<&str> = Country::ALL
        .iter()
        .map(|country| country.alpha3())
        .collect();
    assert_eq!(codes, ["DZA", "MAR", "COG", "CMR"]);
}

#[test]
fn typed_numbers_are_normalised() {
    let dz = |input| parse_typed(input, &[Country::Algeria]).map(|m| m.e164());
    for input in [
        "+213 555 12 34 56",
        "00213555123456",
        "213555123456",
        "0555123456",
        " +213 (0) 555 12 34 56 ",
        "٠٥٥٥١٢٣٤٥٦",
        "۰۵۵۵۱۲۳۴۵۶",
    ] {
        assert_eq!(dz(input).as_deref(), Ok("+213555123456"), "{input}");
    }
    let cg = parse_typed("06 659 44 70", &[Country::Congo]).unwrap();
    assert_eq!(cg.international(), "242066594470");
    assert_eq!(cg.national, "066594470");
}

#[test]
fn the_leading_zero_follows_each_country() {
    let typed = |input, country| parse_typed(input, &[country]);
    assert_eq!(
        typed("66594470", Country::Congo),
        Err(NumberError::MissingLeadingZero)
    );
    assert_eq!(
        typed("0671234567", Country::Cameroon),
        Err(NumberError::TooLong { expected: 9 })
    );
    assert_eq!(
        typed("+212 0612345678", Country::Morocco).map(|m| m.national),
        Ok("612345678".to_string())
    );
    // The contract's form carries no trunk 0.
    assert_eq!(
        parse_international("+2130555123456", &[Country::Algeria]),
        Err(NumberError::TooLong { expected: 9 })
    );
}

#[test]
fn a_landline_is_named_whatever_its_length() {
    assert_eq!(
        parse_typed("021 12 34 56", &[Country::Algeria]),
        Err(NumberError::NotMobile)
    );
    assert_eq!(
        parse_typed("055512345", &[Country::Algeria]),
        Err(NumberError::TooShort { expected: 9 })
    );
}

#[test]
fn another_countrys_code_is_the_wrong_country() {
    assert_eq!(
        parse_typed("+33 6 12 34 56 78", &[Country::Algeria]),
        Err(NumberError::WrongCountry)
    );
    assert_eq!(
        parse_typed("242066594470", &[Country::Algeria, Country::Morocco]),
        Err(NumberError::WrongCountry)
    );
    assert_eq!(
        parse_international("066594470", &[Country::Congo]),
        Err(NumberError::WrongCountry)
    );
    assert_eq!(
        parse_international("+242 066594470", &[Country::Congo]),
        Err(NumberError::NotDigits)
    );
}

#[test]
fn the_prefix_tells_the_network_while_typing() {
    let network = |input, country| prefix_range(input, country).and_then(|range| range.network);
    assert_eq!(network("05", Country::Congo), Some(Network::Airtel));
    assert_eq!(network("+242 06", Country::Congo), Some(Network::Mtn));
    assert_eq!(network("0", Country::Congo), None);
    assert_eq!(network("65", Country::Cameroon), None);
    assert_eq!(network("652", Country::Cameroon), Some(Network::Mtn));
    assert_eq!(network("657", Country::Cameroon), Some(Network::Orange));
    assert_eq!(network("07", Country::Algeria), Some(Network::Djezzy));
}

#[test]
fn international_shape_is_digits_with_an_optional_plus() {
    assert_eq!(international_digits("+242066594470"), Some("242066594470"));
    assert_eq!(international_digits("46733123454"), Some("46733123454"));
    assert_eq!(international_digits("+242123456789"), Some("242123456789"));
    assert_eq!(international_digits("066594470"), None);
    assert_eq!(international_digits("+242 06 659 44 70"), None);
    assert_eq!(international_digits("1234567890123456"), None);
}

#[test]
fn foreign_numbers_are_those_of_no_country_here() {
    assert_eq!(
        foreign_digits("+46 733 123 454").as_deref(),
        Some("46733123454")
    );
    assert_eq!(
        foreign_digits("46733123454").as_deref(),
        Some("46733123454")
    );
    assert_eq!(foreign_digits("+242066594470"), None);
    assert_eq!(foreign_digits("0665944701"), None);
    assert_eq!(foreign_digits("6712345678"), None);
    assert_eq!(foreign_digits("+46 abc"), None);
}
