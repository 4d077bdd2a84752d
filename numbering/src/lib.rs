//! The phone-numbering plans of the countries the checkout takes payments in: Algeria (+213)
//! and Morocco (+212) for Yassir Cash wallets, the Republic of Congo (+242) and Cameroon (+237)
//! for mobile money.
//!
//! One table per country ([`Country::ranges`]) says which national prefixes are mobile or
//! fixed and, where the prefix tells, which [`Network`] runs them. The widget's form, the
//! server's validation and the sandbox all read numbers through this crate, so a number one of
//! them takes is a number the others take:
//!
//! - [`parse_typed`]: a number as a shopper types it, normalised ([`Mobile::e164`],
//!   [`Mobile::international`]).
//! - [`parse_international`]: a number in the contract's international form.
//! - [`prefix_range`]: the range, and so the network, of a number still being typed.
//! - [`international_digits`]: the bare shape of an international number, for a provider that
//!   checks no more than that.
//! - [`foreign_digits`]: a number of no country here, which the plan cannot check.
//!
//! Pure and without dependencies. It knows numbering only: which networks a payment method
//! takes is the contract's business, and no provider's test numbers are here.

mod parse;
mod plan;

pub use parse::{
    foreign_digits, international_digits, parse_international, parse_typed, prefix_range, Mobile,
    NumberError,
};
pub use plan::{Country, LeadingZero, Lookup, Network, Range, Service, NATIONAL_DIGITS};
