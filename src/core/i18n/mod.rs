//! Every text the widget shows, in English, French and Arabic (right to left).
//!
//! A plain `match` per message keeps the translations side by side and the wasm small. Texts
//! with a value (`{}`) go through the helpers below, which also isolate every number (example
//! phones, amounts, references, the masked phone) in Arabic so it keeps its left-to-right order:
//! the table itself holds no digits.

mod form;
mod lang;
mod messages;
mod steps;
mod table;

pub use form::{
    country_name, country_option, error_summary, field_error, method_name, msisdn_hint,
    operator_name, operator_warning, phone_error, yassir_phone_hint,
};
pub use lang::Lang;
pub use messages::{fill, isolate, t, Msg};
pub use steps::{action_label, order_held, reference, step_text, time_left, StepText};

#[cfg(test)]
mod tests;
