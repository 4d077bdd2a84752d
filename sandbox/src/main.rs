//! The sandbox as its own process: both simulators and the fault switch on one port, for a
//! server (or any client) pointed at them with `YASSIR_BASE_URL` / `YABETOO_BASE_URL`.
//!
//! `SANDBOX_PORT` (8788) and `BIND` (127.0.0.1) say where it listens; the `SANDBOX_*` knobs are
//! those of [`SandboxConfig::from_lookup`].

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use checkout_sandbox::{SandboxConfig, FAULTS_MOUNT, INTENTS_MOUNT, YABETOO_MOUNT, YASSIR_MOUNT};
use tracing_subscriber::EnvFilter;

const DEFAULT_PORT: u16 = 8788;
/// How long requests still open at a shutdown may take to finish (a mobile-money confirm can
/// wait on the phone page for a minute and more).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

const HELP: &str = "\
checkout-sandbox: offline simulators of Yassir Cash and Yabetoo mobile money, with a fault switch,
for a checkout server (or any client) pointed at them.

Usage: checkout-sandbox [--help | --version]

It takes no arguments: it is configured by environment variables (sandbox/README.md and
docs/configuration.md):
  SANDBOX_PORT, BIND     where it listens (8788 on 127.0.0.1)
  SANDBOX_PUBLIC_URL     how browsers reach it (its payUrls and page links)
  SANDBOX_YASSIR_CLIENT_ID, SANDBOX_YASSIR_CLIENT_SECRET, SANDBOX_YABETOO_SECRET_KEY
                         the credentials it accepts
  SANDBOX_FAULTS         faults it has from the start
  SANDBOX_RETURN_ORIGINS origins its OTP page may send shoppers back to

A server uses it with YASSIR_BASE_URL=http://127.0.0.1:8788/sandbox/yassir and
YABETOO_BASE_URL=http://127.0.0.1:8788/sandbox/yabetoo.
";

#[tokio::main]
async fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => {}
        ["--help" | "-h"] => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        ["--version" | "-V"] => {
            println!("checkout-sandbox {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!(
                "checkout-sandbox takes no arguments (got `{}`): it is configured by environment variables; see `checkout-sandbox --help`",
                arguments.join(" ")
            );
            return ExitCode::from(2);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let lookup = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let config = match SandboxConfig::from_lookup(lookup) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let bind = match bind_address(lookup) {
        Ok(bind) => bind,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on {bind}: {error} (set SANDBOX_PORT or BIND)");
            return ExitCode::from(2);
        }
    };
    let address = listener.local_addr().unwrap_or(bind);
    println!(
        "checkout sandbox listening on http://{address}: Yassir at {YASSIR_MOUNT}, Yabetoo at {YABETOO_MOUNT}, faults at {FAULTS_MOUNT}, intents held at {INTENTS_MOUNT}"
    );
    for rule in &config.faults {
        tracing::info!("fault in force: {rule}");
    }

    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, checkout_sandbox::router(config))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stopping.send(true);
        })
        .into_future();
    let grace_over = async move {
        let _ = stopped.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("sandbox error: {error}");
                ExitCode::FAILURE
            }
        },
        () = grace_over => {
            eprintln!("requests still open {} s after the signal; exiting", SHUTDOWN_GRACE.as_secs());
            ExitCode::SUCCESS
        }
    }
}

/// `BIND:SANDBOX_PORT`, IPv4 or IPv6.
fn bind_address(lookup: impl Fn(&str) -> Option<String>) -> Result<SocketAddr, String> {
    let port: u16 = match lookup("SANDBOX_PORT") {
        None => DEFAULT_PORT,
        Some(port) => port
            .trim()
            .parse()
            .map_err(|_| format!("SANDBOX_PORT: `{port}` is not a port number"))?,
    };
    let host = lookup("BIND").unwrap_or_else(|| "127.0.0.1".into());
    format!("{host}:{port}")
        .parse()
        .or_else(|_| format!("[{host}]:{port}").parse())
        .map_err(|_| format!("BIND: `{host}` is not an IP address"))
}

/// Ctrl-C, or SIGTERM where there is one.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
