use checkout_server::config::{Config, ProviderMode, Settings};
use checkout_server::{app, build_state};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let settings = Settings::read_or_exit();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&settings.rust_log)
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")),
        )
        .init();

    let config = match Config::from_settings(&settings) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            std::process::exit(2);
        }
    };
    let state = match build_state(&config).await {
        Ok(state) => state,
        Err(error) => {
            eprintln!(
                "cannot open the database `{}`: {error}",
                checkout_server::store::loggable_url(&config.database_url)
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

    if config.mode == ProviderMode::Live && config.webhooks.yassir_secret.is_none() {
        tracing::warn!("no YASSIR_WEBHOOK_SECRET: Yassir's webhooks are read unsigned (they only prompt a check at Yassir, which decides); set the secret Yassir gives at onboarding to refuse forged ones");
    }
    if config.webhooks.yabetoo_secret.is_none() {
        tracing::warn!("no YABETOO_WEBHOOK_SECRET: Yabetoo's webhooks are refused, and payments are followed up by checks alone");
    }
    match config.webhooks.urls.len() {
        0 => tracing::info!("no WEBHOOK_URLS: the merchant's order system gets no webhook"),
        count => tracing::info!("merchant webhooks to {count} endpoint(s)"),
    }

    let drain_service = state.service.clone();
    let draining = state.draining.clone();
    let background = match checkout_server::start_background(&config, &state).await {
        Ok(background) => background,
        Err(error) => {
            eprintln!("cannot start the background work: {error}");
            std::process::exit(2);
        }
    };
    let router = app(&config, state);
    checkout_server::serve::serve(
        listener,
        router,
        config.connections,
        async move {
            shutdown().await;
            draining.store(true, std::sync::atomic::Ordering::Relaxed);
        },
        std::time::Duration::from_secs(30),
    )
    .await;
    if !background.drain(std::time::Duration::from_secs(5)).await {
        tracing::warn!(
            "stopped with webhook deliveries under way: they are sent again after the restart"
        );
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
