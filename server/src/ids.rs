//! Random identifiers: payments, events and secrets are named by them.

use rand::distributions::Alphanumeric;
use rand::Rng;

/// `prefix_` and 24 random letters and digits (about 143 bits).
pub fn random_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_alphanumeric(24))
}

pub fn random_alphanumeric(length: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}
