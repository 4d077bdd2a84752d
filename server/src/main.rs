use axum::serve::ListenerExt;
use checkout_server::config::{Config, ProviderMode};
use checkout_server::{app, build_state};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")),
        )
        .init();

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            std::process::exit(2);
        }
    };
    let state = match build_state(&config) {
        Ok(state) => state,
        Err(error) => {
            eprintln!(
                "cannot open the database `{}`: {error}",
                config.database_url
            );
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.bind).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "cannot listen on {}: {error} (set PORT or BIND)",
                config.bind
            );
            std::process::exit(2);
        }
    };

    // Which mode and which providers, never a secret: the admin token is shown only when it
    // is the sandbox's well-known default.
    match config.mode {
        ProviderMode::Sandbox if config.admin_token_is_default => tracing::info!(
            "checkout server on {} in SANDBOX mode: no real money moves (admin token `{}`, the sandbox default)",
            config.public_url,
            config.admin_token.expose()
        ),
        ProviderMode::Sandbox => tracing::info!(
            "checkout server on {} in SANDBOX mode: no real money moves",
            config.public_url
        ),
        ProviderMode::Live => tracing::info!("checkout server on {} in LIVE mode", config.public_url),
    }
    tracing::info!(
        "providers: Yassir at {}, Yabetoo at {}",
        config.yassir.base_url,
        config.yabetoo.base_url
    );

    // Payments in flight and merchant operations of unknown outcome are followed up even when
    // no widget polls them any more (a shopper who closed the tab, a restart during a confirm):
    // none is forgotten. The first round runs once the server listens, since the sandbox they
    // may talk to is this server.
    let service = state.service.clone();
    let every = config.reconcile_interval;
    tokio::spawn(async move {
        let mut rounds = tokio::time::interval(every);
        rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            rounds.tick().await;
            service.reconcile().await;
        }
    });

    let state_limits = state.limits.clone();
    let drain_service = state.service.clone();
    let router = app(&config, state);
    // Without TCP_NODELAY a response written in two parts (a static file's headers, then its
    // body) waits for the browser's delayed ACK of the first: about 40 ms per file.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    // Every so often the rate limiters forget the keys they no longer limit.
    let limits = state_limits;
    tokio::spawn(async move {
        let mut rounds = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            rounds.tick().await;
            limits.forget_idle();
        }
    });
    let router = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    if let Err(error) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown())
        .await
    {
        eprintln!("server error: {error}");
        std::process::exit(1);
    }
    // Confirmations still waiting for shoppers get a moment to record their outcome; whatever
    // is left is in flight in the database, and the next start's reconcile finds out.
    if !drain_service
        .drain(std::time::Duration::from_secs(10))
        .await
    {
        tracing::warn!(
            "stopped with mobile-money confirmations still waiting: reconcile will follow them"
        );
    }
}

/// Ctrl-C, or the SIGTERM a service manager or a container runtime sends.
async fn shutdown() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
