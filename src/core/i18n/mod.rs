//! Every text the widget shows, in English, French and Arabic (right to left).
//!
//! A plain `match` per message keeps the translations side by side and the wasm small. Texts
//! with a value (`{}`) go through the helpers below, which also isolate every number (example
//! phones, amounts, references, the masked phone) in Arabic so it keeps its left-to-right order:
//! the table itself holds no digits.
//!
//! With the `split-texts` feature (the release builds) the wasm holds the English texts only:
//! each of the other languages is a file of the build (`scripts/texts.js` writes it from
//! [`table`]), which the loader fetches beside the wasm for a shopper who reads it.

mod form;
#[cfg(feature = "split-texts")]
mod installed;
mod lang;
mod messages;
mod steps;
mod table;

pub use form::{
    country_name, country_option, error_summary, field_error, method_name, msisdn_hint,
    operator_name, operator_warning, phone_error, yassir_phone_hint,
};
#[cfg(feature = "split-texts")]
pub use installed::install;
pub use lang::Lang;
pub use messages::{fill, isolate, t, Msg};
pub use steps::{action_label, order_held, reference, step_text, time_left, StepText};

#[cfg(test)]
mod tests;
