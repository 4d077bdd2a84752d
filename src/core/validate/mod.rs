//! The payment-method form: what the shopper typed, which fields are wrong, and the contract
//! requests a valid form becomes.
//!
//! - `field`: the form's fields, what can be wrong with each, and the rules of the free-text ones.
//! - `form`: the form's state ([`MethodForm`]), its errors and its requests.

mod field;
mod form;

pub use field::{Field, FieldError, FieldErrors, MAX_EMAIL_CHARS, MAX_NAME_CHARS};
pub use form::MethodForm;

#[cfg(test)]
mod tests;
