//! The CSRF token of the sandbox's pages that a shopper answers with a form: the Yabetoo phone
//! page and the Yassir OTP page. Each simulator makes a random token when it starts; its pages'
//! forms carry it in a hidden [`FIELD`], and a form posted without it is refused (403) before
//! anything changes. A page on another site can post a form here without asking, but it cannot
//! read the token out of the sandbox's page, so it cannot answer for the shopper.

use rand::distributions::Alphanumeric;
use rand::Rng;

/// The name of the hidden field that carries the token.
pub(crate) const FIELD: &str = "csrf";

/// A new random token: 32 letters and digits, so it needs no escaping anywhere.
pub(crate) fn new_token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// Whether a form's fields (`name`, `value`) carry `token` in [`FIELD`]. The value is compared
/// in constant time for its length, so the answer's timing says nothing of how much of a guess
/// was right.
pub(crate) fn carries_token<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    token: &str,
) -> bool {
    fields
        .into_iter()
        .any(|(name, value)| name == FIELD && same(value, token))
}

fn same(value: &str, token: &str) -> bool {
    value.len() == token.len()
        && value
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_form_with_the_token_carries_it() {
        let carries = |fields: &[(&str, &str)]| carries_token(fields.iter().copied(), "tok3n");
        assert!(carries(&[("csrf", "tok3n")]));
        assert!(carries(&[("x", "1"), ("csrf", "tok3n")]));
        assert!(!carries(&[]));
        assert!(!carries(&[("x", "tok3n")]), "another field");
        assert!(!carries(&[("csrf", "tok3")]), "a prefix");
        assert!(!carries(&[("csrf", "tok3nn")]), "longer");
        assert!(!carries(&[("csrf", "tok3N")]), "one byte off");
        assert!(!carries(&[("csrf", "")]));
        assert!(!carries(&[("CSRF", "tok3n")]), "the field's exact name");
    }

    #[test]
    fn tokens_are_long_random_and_plain() {
        let (one, two) = (new_token(), new_token());
        assert_eq!(one.len(), 32);
        assert!(one.bytes().all(|byte| byte.is_ascii_alphanumeric()));
        assert_ne!(one, two);
    }
}
