//! The checkout flow as a pure state machine: [`transition`] takes the current [`Checkout`] and
//! an [`Event`], and returns the next state and the [`Effect`]s the browser edge must carry out
//! (HTTP calls, timers, storage, navigation). Success is only ever read from the backend's
//! [`Payment`] status, never from the return URL.
//!
//! [`transition`]: fn@transition
//! [`Payment`]: checkout_contract::Payment

mod checkout;
mod error;
mod event;
mod moves;
mod step;
mod transition;

pub use checkout::{Checkout, FlowConfig};
pub use error::{ErrorKind, RequestError};
pub use event::{Effect, Event, Moment};
pub use step::{ShopperAction, Step};
pub use transition::transition;

#[cfg(test)]
mod tests;
