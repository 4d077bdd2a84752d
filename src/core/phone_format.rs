//! A phone number grouped as its country writes it while the shopper types or pastes it, and
//! where the caret goes after each change: after as many digits as were before it.
//!
//! Only what is recognised is regrouped: letters or a foreign country code leave the text as
//! typed, and more digits than the country's numbers have are shown ungrouped, for the validator
//! to explain.

use checkout_numbering::{Country, LeadingZero};

/// The text to show in the field, and the caret's place in it (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    pub text: String,
    pub caret: usize,
}

/// How the national number (without a trunk `0`) is grouped: `555 12 34 56` in Algeria,
/// `6 12 34 56 78` in Morocco and Cameroon, `06 659 44 70` in Congo (its `0` is part of it).
fn groups(country: Country) -> &'static [usize] {
    match country {
        Country::Algeria => &[3, 2, 2, 2],
        Country::Congo => &[2, 3, 2, 2],
        Country::Morocco | Country::Cameroon => &[1, 2, 2, 2, 2],
    }
}

/// `input` as the shopper left it (`caret` in characters), regrouped for `countries`: with `+` or
/// `00` for the one whose code follows, else for the first. `previous` is the text before this
/// change: a separator deleted alone takes the digit before it along, or the caret would stick.
pub fn as_typed(input: &str, caret: usize, previous: &str, countries: &[Country]) -> Typed {
    regroup(input, caret, previous, countries).unwrap_or_else(|| Typed {
        text: input.to_string(),
        caret,
    })
}

/// [`as_typed`], or `None` to leave the text as typed.
fn regroup(input: &str, caret: usize, previous: &str, countries: &[Country]) -> Option<Typed> {
    let (plus, mut digits, mut before) = read(input, caret)?;
    if input.len() < previous.len() && before > 0 && read(previous, 0)?.1 == digits {
        before -= 1;
        digits.remove(before);
    }
    let mut text = Vec::new();
    let mut rest = digits.as_slice();
    if plus {
        text.push(b'+');
    } else if let Some(after) = rest.strip_prefix(b"00") {
        text.extend_from_slice(b"00");
        rest = after;
    }
    let country = if text.is_empty() {
        *countries.first()?
    } else {
        let code = |country: &Country| country.dial_code().as_bytes();
        match countries
            .iter()
            .find(|country| rest.starts_with(code(country)))
        {
            Some(&country) => {
                text.extend_from_slice(code(&country));
                rest = &rest[code(&country).len()..];
                country
            }
            // Still typing the country code.
            None if countries
                .iter()
                .any(|country| code(country).starts_with(rest)) =>
            {
                text.extend_from_slice(rest);
                rest = &[];
                countries[0]
            }
            None => return None,
        }
    };
    // A typed trunk `0` joins the first group.
    let mut extra =
        usize::from(country.leading_zero() == LeadingZero::Trunk && rest.first() == Some(&b'0'));
    for &size in groups(country) {
        if rest.is_empty() {
            break;
        }
        let size = (size + extra).min(rest.len());
        extra = 0;
        if !text.is_empty() {
            text.push(b' ');
        }
        text.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
    }
    if !rest.is_empty() {
        // Longer than the country's numbers (a provider's test number in test mode): the digits
        // ungrouped, so no grouping suggests a number it is not.
        text.clear();
        text.extend_from_slice(if plus { b"+" } else { b"" });
        text.extend_from_slice(&digits);
    }
    let caret = place(&text, before, plus && caret > 0);
    Some(Typed {
        text: String::from_utf8(text).ok()?,
        caret,
    })
}

/// Whether `input` starts with `+`, its digits in ASCII, and how many come before `caret`;
/// `None` for anything but digits, separators and a leading `+`.
fn read(input: &str, caret: usize) -> Option<(bool, Vec<u8>, usize)> {
    let mut plus = false;
    let mut digits = Vec::new();
    let mut before = 0;
    for (index, ch) in input.chars().enumerate() {
        let digit = match ch {
            '0'..='9' => ch as u32 - 0x30,
            // Arabic-Indic and Persian digits from Arabic keyboards.
            '\u{660}'..='\u{669}' => ch as u32 - 0x660,
            '\u{6F0}'..='\u{6F9}' => ch as u32 - 0x6F0,
            '+' if digits.is_empty() && !plus => {
                plus = true;
                continue;
            }
            ' ' | '\u{A0}' | '.' | '-' | '/' | '(' | ')' => continue,
            _ => return None,
        };
        digits.push(b'0' + digit as u8);
        before += usize::from(index < caret);
    }
    Some((plus, digits, before))
}

/// The place just after the `digits`-th digit of `text` (after the `+` when no digit comes
/// before the caret but the `+` does).
fn place(text: &[u8], digits: usize, after_plus: bool) -> usize {
    if digits == 0 {
        return usize::from(after_plus);
    }
    let mut seen = 0;
    text.iter()
        .position(|byte| {
            seen += usize::from(byte.is_ascii_digit());
            seen == digits
        })
        .map_or(text.len(), |index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const YASSIR: [Country; 2] = [Country::Algeria, Country::Morocco];

    /// The text for `input` typed with the caret at its end, from an empty field.
    fn typed(input: &str, countries: &[Country]) -> String {
        as_typed(input, input.chars().count(), "", countries).text
    }

    #[test]
    fn national_numbers_are_grouped_as_each_country_writes_them() {
        assert_eq!(typed("0555123456", &YASSIR), "0555 12 34 56");
        assert_eq!(typed("555123456", &YASSIR), "555 12 34 56");
        assert_eq!(typed("0612345678", &[Country::Morocco]), "06 12 34 56 78");
        assert_eq!(typed("066594470", &[Country::Congo]), "06 659 44 70");
        assert_eq!(typed("671234567", &[Country::Cameroon]), "6 71 23 45 67");
    }

    #[test]
    fn a_number_being_typed_is_grouped_as_far_as_it_goes() {
        let steps: Vec<String> = (1..=10)
            .map(|n| typed(&"0555123456"[..n], &YASSIR))
            .collect();
        assert_eq!(
            steps,
            [
                "0",
                "05",
                "055",
                "0555",
                "0555 1",
                "0555 12",
                "0555 12 3",
                "0555 12 34",
                "0555 12 34 5",
                "0555 12 34 56"
            ]
        );
    }

    #[test]
    fn pasted_international_forms_are_grouped_after_their_code() {
        for (input, shown) in [
            ("+213555123456", "+213 555 12 34 56"),
            ("+213 555-12-34-56", "+213 555 12 34 56"),
            ("00213555123456", "00213 555 12 34 56"),
            ("+212 6.12.34.56.78", "+212 6 12 34 56 78"),
            ("٠٥٥٥١٢٣٤٥٦", "0555 12 34 56"),
            ("+21", "+21"),
            ("+213", "+213"),
        ] {
            assert_eq!(typed(input, &YASSIR), shown, "{input}");
        }
        assert_eq!(
            typed("+242 066594470", &[Country::Congo]),
            "+242 06 659 44 70"
        );
        assert_eq!(
            typed("00237-671-234-567", &[Country::Cameroon]),
            "00237 6 71 23 45 67"
        );
    }

    #[test]
    fn what_is_not_recognised_is_left_as_typed() {
        for input in [
            "0555 12 34 5a",
            // A foreign code: a provider's test number in test mode.
            "+46733123451",
            "46733123451",
            // Longer than the country's numbers.
            "05551234567",
            "+33 6 12 34 56 78",
        ] {
            assert_eq!(typed(input, &YASSIR), input);
        }
        assert_eq!(typed("46733123451", &[Country::Congo]), "46733123451");
        // Typed digit by digit, grouped until it outgrows a Congolese number, then ungrouped.
        assert_eq!(typed("46 733 12 34", &[Country::Congo]), "46 733 12 34");
        assert_eq!(
            as_typed("46 733 12 345", 13, "46 733 12 34", &[Country::Congo]),
            Typed {
                text: "4673312345".into(),
                caret: 10
            }
        );
        assert_eq!(as_typed("0555 12a", 3, "", &YASSIR).caret, 3);
    }

    #[test]
    fn the_caret_stays_after_the_same_digits() {
        // A digit typed in the middle: "0555 1|2 34" becomes "0555 19|2 34".
        let edited = as_typed("0555 192 34", 7, "0555 12 34", &YASSIR);
        assert_eq!(edited.text, "0555 19 23 4");
        assert_eq!(edited.caret, 7);
        // The caret at the end stays at the end as a group opens.
        let edited = as_typed("05551", 5, "0555", &YASSIR);
        assert_eq!(
            edited,
            Typed {
                text: "0555 1".into(),
                caret: 6
            }
        );
        // At the start, and after the `+` of a code being typed.
        assert_eq!(as_typed("0555123", 0, "", &YASSIR).caret, 0);
        assert_eq!(as_typed("+", 1, "", &YASSIR).caret, 1);
    }

    #[test]
    fn deleting_a_space_deletes_the_digit_before_it() {
        // Backspace right after the space of "0555 12": the space goes, so does the 5.
        let edited = as_typed("055512", 4, "0555 12", &YASSIR);
        assert_eq!(
            edited,
            Typed {
                text: "0551 2".into(),
                caret: 3
            }
        );
        // A digit deleted is only that digit; the caret stays after the digits before it.
        let edited = as_typed("0555 2", 5, "0555 12", &YASSIR);
        assert_eq!(
            edited,
            Typed {
                text: "0555 2".into(),
                caret: 4
            }
        );
    }
}
