//! Simulator of the Yabetoo API.

use crate::SandboxConfig;
use axum::Router;

pub fn router(_config: SandboxConfig) -> Router {
    Router::new()
}
