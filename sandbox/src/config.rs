use std::time::Duration;

/// Knobs of the simulators. Defaults suit the demo; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Base URL the shopper's browser uses to reach this server (`http://127.0.0.1:8787`),
    /// used to build absolute `payUrl`s and page links. When `None`, the request's `Host` is used.
    pub public_base_url: Option<String>,
    /// How long Yabetoo's documented test numbers take to settle by themselves.
    pub momo_settle_delay: Duration,
    /// How long a prompt waits on the sandbox phone page before it expires (Yabetoo: ~90 s).
    pub momo_prompt_timeout: Duration,
    /// Lifetime of a Yassir intent (`expiresAt` = creation + this).
    pub yassir_intent_ttl: Duration,
    /// How long the "slow provider" test numbers make a request wait.
    pub slow_delay: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            public_base_url: None,
            momo_settle_delay: Duration::from_secs(3),
            momo_prompt_timeout: Duration::from_secs(90),
            yassir_intent_ttl: Duration::from_secs(15 * 60),
            slow_delay: Duration::from_secs(30),
        }
    }
}
