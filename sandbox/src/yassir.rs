//! Simulator of the Yassir API.

use crate::SandboxConfig;
use axum::Router;

pub fn router(_config: SandboxConfig) -> Router {
    Router::new()
}
