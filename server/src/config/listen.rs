//! Where the server listens (`PORT`, `BIND`), how it reaches itself and how browsers reach it
//! (`PUBLIC_URL`).

use std::net::SocketAddr;

use super::{ConfigError, Settings};

pub(super) struct Listen {
    pub bind: SocketAddr,
    /// How this machine reaches the server itself (the embedded sandbox, the demo's webhook
    /// receiver): its own address, or loopback when it listens on every address.
    pub local_base: String,
    pub public_url: String,
}

impl Listen {
    pub fn read(settings: &Settings) -> Result<Self, ConfigError> {
        let port = settings.port;
        let host = settings.bind.clone();
        let bind: SocketAddr = format!("{host}:{port}")
            .parse()
            .or_else(|_| format!("[{host}]:{port}").parse())
            .map_err(|_| ConfigError::new("BIND", format!("`{host}` is not an IP address")))?;
        let local_base = if bind.ip().is_unspecified() {
            format!("http://127.0.0.1:{port}")
        } else {
            format!("http://{bind}")
        };
        let shown_host = if bind.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            host
        };
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{shown_host}:{port}"))
            .trim_end_matches('/')
            .to_string();
        Ok(Self {
            bind,
            local_base,
            public_url,
        })
    }
}
