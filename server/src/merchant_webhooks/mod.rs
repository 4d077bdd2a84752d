//! The merchant's webhooks: the events of payments, sent to the merchant's endpoints. (The
//! providers' notifications, the other direction, are `providers::notices`.)
//!
//! - [`events`]: which merchant event a payment's change causes, the rule the service hands to
//!   each write of the store, which writes the event in the change's own transaction.
//! - [`signing`]: the Standard Webhooks signatures of the merchant's events.
//! - [`dispatch`]: delivering the outbox, at least once, retried across restarts.

pub mod dispatch;
pub mod events;
pub mod signing;
