//! The widget's pure core: no browser APIs, so it builds and is tested natively.
//!
//! - [`phone`]: phone numbers as shoppers type them, normalised for each provider.
//! - [`phone_format`]: a phone number grouped as its country writes it, as the shopper types.
//! - [`validate`]: the method form, its errors and the contract requests it becomes.
//! - [`state`]: the checkout flow as a state machine returning effects for the edge to run.
//! - [`events`]: what the widget tells the page it is embedded in, from each step change.
//! - [`redirect`]: the OTP round trip as URLs (return URL, allowed origins, resume marker).
//! - [`backoff`]: how often and how long to poll a pending payment.
//! - [`money`]: amounts as a shopper reads them, in each language.
//! - [`i18n`]: every text the widget shows, in English, French and Arabic.

pub mod backoff;
pub mod events;
#[cfg(test)]
mod fixtures;
pub mod i18n;
pub mod money;
pub mod phone;
pub mod phone_format;
pub mod redirect;
pub mod state;
pub mod validate;
