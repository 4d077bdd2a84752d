//! The sandbox as its own process: both simulators and the fault switch on one port, for a
//! server (or any client) pointed at them with `YASSIR_BASE_URL` / `YABETOO_BASE_URL`.
//!
//! Its settings are declared in [`checkout_sandbox::settings::ProcessSettings`]: where it
//! listens and the `SANDBOX_*` knobs; `checkout-sandbox --help` lists them.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use checkout_sandbox::settings::{self, ProcessSettings};
use checkout_sandbox::{ConfigError, FAULTS_MOUNT, INTENTS_MOUNT, YABETOO_MOUNT, YASSIR_MOUNT};
use tracing_subscriber::EnvFilter;

/// How long requests still open at a shutdown may take to finish (a mobile-money confirm can
/// wait on the phone page for a minute and more).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> ExitCode {
    let settings: ProcessSettings = settings::read_or_exit();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&settings.rust_log).unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let bind = match bind_address(&settings) {
        Ok(bind) => bind,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let config = match settings.sandbox.config() {
        Ok(config) => config,
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
fn bind_address(settings: &ProcessSettings) -> Result<SocketAddr, ConfigError> {
    let (host, port) = (&settings.bind, settings.sandbox_port);
    format!("{host}:{port}")
        .parse()
        .or_else(|_| format!("[{host}]:{port}").parse())
        .map_err(|_| ConfigError::new("BIND", format!("`{host}` is not an IP address")))
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
