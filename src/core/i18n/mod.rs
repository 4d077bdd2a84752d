//! Every text the widget shows, in English, French and Arabic (right to left).
//!
//! A plain `match` per message keeps the translations side by side and the wasm small. Texts
//! with a value (`{}`) go through the helpers below, which also isolate phone numbers and
//! references in Arabic so they keep their left-to-right order.

mod form;
mod lang;
mod messages;
mod steps;
mod table;

pub use form::{
    country_name, field_error, method_name, msisdn_hint, operator_name, operator_warning,
    phone_error,
};
pub use lang::Lang;
pub use messages::{fill, t, Msg};
pub use steps::{action_label, reference, step_text, time_left, StepText};

#[cfg(test)]
mod tests;
