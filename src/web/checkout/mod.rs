//! The checkout on the page, one concern per module:
//!
//! - [`state`]: what the views read, and the pure reducer that returns the next state and the
//!   work to carry out, a thin adapter over the core's `transition`.
//! - `runner`: holds the state, runs the reducer and carries out its work (backend calls, the
//!   wait's deadline, the saved attempt, the redirect, the events).
//! - `poller`: one poll request at a time, paused while the page is hidden.
//! - `resume`: keeps the attempt the core says to keep, and picks it up on load.
//! - `settings`: what a checkout runs with, from the page's options.

mod poller;
mod resume;
pub(crate) mod runner;
mod settings;
pub mod state;

pub use settings::CheckoutSettings;
pub use state::{Action, FormEdit, Phase, WidgetState, Work};
