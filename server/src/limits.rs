//! Rate limits on the unauthenticated endpoints: per client address on create and submit, and
//! per provider on their notifications. These are each server's own; the limits an attacker
//! could spread over several servers (prompts per phone, creates per order and per phone) are
//! counted in the database (`service::allowances`), and all of them are declared here.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::client_address::TrustedProxies;

/// How many requests each key may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Creates and submits per client address per minute; 0 turns the limit off.
    pub per_client_per_minute: u32,
    /// Submits per phone per hour; 0 turns the limit off.
    pub per_phone_per_hour: u32,
    /// Provider notifications per provider per minute; 0 turns the limit off.
    pub notices_per_minute: u32,
    /// Creates per order per minute, and per wallet phone per hour (each registers the phone
    /// with Yassir); 0 turns a limit off.
    pub creates_per_order_per_minute: u32,
    pub creates_per_phone_per_hour: u32,
}

/// A key past its allowance: what is limited, and how long until the next request may pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub what: &'static str,
    pub retry_after_secs: u64,
}

/// This server's limiters, shared by every request.
pub struct RateLimits {
    per_client: Option<DefaultKeyedRateLimiter<String>>,
    notices: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

fn limiter(count: u32, period: Duration) -> Option<DefaultKeyedRateLimiter<String>> {
    let count = NonZeroU32::new(count)?;
    // The whole allowance may be used at once, then it refills evenly over the period.
    let quota = Quota::with_period(period / count.get())?.allow_burst(count);
    Some(RateLimiter::keyed(quota))
}

impl RateLimits {
    pub fn new(settings: LimitSettings) -> Self {
        Self {
            per_client: limiter(settings.per_client_per_minute, Duration::from_secs(60)),
            notices: limiter(settings.notices_per_minute, Duration::from_secs(60)),
            clock: DefaultClock::default(),
        }
    }

    fn check(
        &self,
        limiter: &Option<DefaultKeyedRateLimiter<String>>,
        key: &str,
        what: &'static str,
    ) -> Result<(), Limited> {
        let Some(limiter) = limiter else {
            return Ok(());
        };
        limiter.check_key(&key.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            Limited {
                what,
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }

    pub fn check_client(&self, client: &ClientAddress) -> Result<(), Limited> {
        self.check(&self.per_client, &client.0, "requests from this address")
    }

    /// A provider notification (`yassir`, `yabetoo`).
    pub fn check_notice(&self, provider: &str) -> Result<(), Limited> {
        self.check(&self.notices, provider, "notifications from this provider")
    }

    /// Forgets keys whose allowance is whole again, so the limiters' memory stays bounded.
    pub fn forget_idle(&self) {
        for limiter in [&self.per_client, &self.notices].into_iter().flatten() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The client's address: as the listener saw it, or behind the trusted reverse proxies, as
/// they forwarded it ([`TrustedProxies::client`]).
pub struct ClientAddress(String);

impl ClientAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S> FromRequestParts<S> for ClientAddress
where
    S: Send + Sync,
    Arc<TrustedProxies>: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let proxies = Arc::<TrustedProxies>::from_ref(state);
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| proxies.client(address.ip(), &parts.headers))
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientAddress(address))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_turns_a_limit_off() {
        let limits = RateLimits::new(LimitSettings {
            per_client_per_minute: 0,
            per_phone_per_hour: 0,
            notices_per_minute: 0,
            creates_per_order_per_minute: 0,
            creates_per_phone_per_hour: 0,
        });
        let client = ClientAddress("203.0.113.7".into());
        for _ in 0..1000 {
            assert!(limits.check_client(&client).is_ok());
            assert!(limits.check_notice("yassir").is_ok());
        }
    }
}
