//! The server as `main` serves it (its router, its accept loop), plus one route whose handler
//! panics, built with whichever profile it is given: `server/tests/release_build.rs` builds it
//! with the release profile and shows that a panicking request ends alone there.
//!
//! Configured by the environment as the server is, and listening where it would.

use axum::routing::get;
use checkout_server::config::{Config, Settings};
use checkout_server::{app, build_state};

async fn panics() -> &'static str {
    panic!("a request's handler panicked")
}

#[tokio::main]
async fn main() {
    let config = Config::from_settings(&Settings::read_or_exit()).expect("configuration");
    let state = build_state(&config).await.expect("database");
    let router = app(&config, state).route("/panics", get(panics));
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .expect("listen");
    checkout_server::serve::serve(
        listener,
        router,
        config.connections,
        std::future::pending(),
        std::time::Duration::ZERO,
    )
    .await;
}
