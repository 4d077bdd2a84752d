//! The production build, `cargo build --release -p checkout-server`: a panic in one request's
//! handler ends that request, not the process (the widget's size profile aborts on panic; the
//! release profile must not).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Sends one request and reads the whole answer (empty when the connection ends without one).
fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
#[ignore = "builds the server with the release profile, which takes minutes: scripts/test runs it"]
fn a_panicking_request_ends_alone_in_the_release_build() {
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

    let folder = tempfile::tempdir().unwrap();
    let mut server = Command::new(target.join("release/examples/panicking_request"))
        .env_clear()
        .env("DATABASE_URL", folder.path().join("checkout.sqlite3"))
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line `{line}`"))
        .to_string();

    assert!(get(&address, "/healthz").starts_with("HTTP/1.1 200"));
    let panicked = get(&address, "/panics");
    assert!(!panicked.starts_with("HTTP/1.1 200"), "{panicked}");
    assert_eq!(server.try_wait().unwrap(), None, "the process ended");
    assert!(
        get(&address, "/healthz").starts_with("HTTP/1.1 200"),
        "the next request went unanswered"
    );
    assert_eq!(server.try_wait().unwrap(), None, "the process ended");
    server.kill().unwrap();
    server.wait().unwrap();
}
