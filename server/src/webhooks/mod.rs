//! Webhooks both ways.
//!
//! - [`inbound`]: the providers' notifications, verified. They only name a payment to check:
//!   the check at the provider decides, never the notification's body.
//! - [`events`]: which merchant event a payment's change causes, written to the outbox in the
//!   change's own transaction.
//! - [`signing`]: the Standard Webhooks signatures of the merchant's events.
//! - [`dispatch`]: delivering the outbox, at least once, retried across restarts.

pub mod dispatch;
pub mod events;
pub mod inbound;
pub mod signing;
