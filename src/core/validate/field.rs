//! The form's fields, what can be wrong with each, and the rules of the free-text ones.

use crate::core::phone::PhoneError;

/// Longest first or last name accepted.
pub const MAX_NAME_CHARS: usize = 60;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// A field of the form, to look up its error or mark it touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Method,
    YassirPhone,
    Country,
    Operator,
    Msisdn,
    FirstName,
    LastName,
    ReceiptEmail,
}

/// What is wrong with one field. The view words it (see `i18n::field_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    /// A choice (method, country, operator) not made yet.
    Required,
    /// A choice the merchant does not offer (an operator not taken in the chosen country).
    NotOffered,
    /// The phone number cannot be used.
    Phone(PhoneError),
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// Not an email address.
    InvalidEmail,
}

/// Errors by field, in the order the fields appear in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub(super) Vec<(Field, FieldError)>);

impl FieldErrors {
    /// The error to show under `field`, if any.
    pub fn get(&self, field: Field) -> Option<FieldError> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, error)| *error)
    }

    /// True when no field is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first wrong field, to move the focus to.
    pub fn first(&self) -> Option<Field> {
        self.0.first().map(|(field, _)| *field)
    }

    /// Every error, in form order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, FieldError)> + '_ {
        self.0.iter().copied()
    }
}

pub(super) fn check_name(name: &str) -> Result<(), FieldError> {
    if name.trim().chars().count() > MAX_NAME_CHARS {
        Err(FieldError::TooLong {
            max: MAX_NAME_CHARS,
        })
    } else {
        Ok(())
    }
}

/// Deliberately loose: the receipt is optional and the mail server has the last word.
pub(super) fn check_email(email: &str) -> Result<(), FieldError> {
    if email.is_empty() {
        return Ok(());
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(FieldError::TooLong {
            max: MAX_EMAIL_CHARS,
        });
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email
                    .chars()
                    .any(|ch| ch.is_whitespace() || ch.is_control())
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(FieldError::InvalidEmail)
    }
}
