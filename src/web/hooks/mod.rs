//! Custom hooks, one per file.

pub mod use_checkout;
pub mod use_now;

pub use crate::web::checkout::{CheckoutSettings, FormEdit, Phase, WidgetState};
pub use use_checkout::{use_checkout, CheckoutHandle};
pub use use_now::use_now;
