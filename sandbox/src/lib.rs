//! Faithful, stateful simulators of the two providers' HTTP APIs, mounted by the reference server
//! at `/sandbox/yassir` and `/sandbox/yabetoo`. They follow the providers' documented paths,
//! headers, bodies, status codes and error shapes, so the server's real adapters talk to them over
//! real HTTP exactly as they would talk to the providers.

mod config;
mod html;
pub mod yabetoo;
pub mod yassir;

pub use config::SandboxConfig;

use axum::Router;

/// Where the simulators are mounted on the server.
pub const YASSIR_MOUNT: &str = "/sandbox/yassir";
pub const YABETOO_MOUNT: &str = "/sandbox/yabetoo";

/// Both simulators, nested at their mount points.
pub fn router(config: SandboxConfig) -> Router {
    Router::new()
        .nest(YASSIR_MOUNT, yassir::router(config.clone()))
        .nest(YABETOO_MOUNT, yabetoo::router(config))
}
