//! The production build, `cargo build --release -p checkout-server`: a panic in one request's
//! handler ends that request, not the process (the widget's size profile aborts on panic; the
//! release profile must not).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

#[tokio::test]
#[ignore = "builds the server with the release profile, which takes minutes: scripts/test runs it"]
async fn a_panicking_request_ends_alone_in_the_release_build() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "--locked", "-p", "checkout-server"])
        .args(["--example", "panicking_request"])
        .status()
        .unwrap();
    assert!(built.success(), "the release build failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let mut server =
        common::start_program(&target.join("release/examples/panicking_request"), &[]).await;

    let panicked = server.http.get(server.url("/panics")).send().await;
    assert!(
        panicked.is_err() || !panicked.unwrap().status().is_success(),
        "the panicking request was answered as a success"
    );
    assert!(server.is_running(), "the process ended");
    let next = server.http.get(server.url("/healthz")).send().await;
    assert_eq!(
        next.unwrap().status(),
        200,
        "the next request went unanswered"
    );
    assert!(server.is_running(), "the process ended");
}
