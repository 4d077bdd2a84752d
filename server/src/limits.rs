//! Rate limits on the unauthenticated endpoints that reach a provider: per client address on
//! create and submit, and per phone on submit, since the attacker picks the phone and each
//! submit sends a text message (Yassir's OTP) or a USSD prompt (mobile money) to it.

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

/// The limiters, shared by every request.
pub struct RateLimits {
    per_client: Option<DefaultKeyedRateLimiter<String>>,
    per_phone: Option<DefaultKeyedRateLimiter<String>>,
    notices: Option<DefaultKeyedRateLimiter<String>>,
    creates_per_order: Option<DefaultKeyedRateLimiter<String>>,
    creates_per_phone: Option<DefaultKeyedRateLimiter<String>>,
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
            per_phone: limiter(settings.per_phone_per_hour, Duration::from_secs(3600)),
            notices: limiter(settings.notices_per_minute, Duration::from_secs(60)),
            creates_per_order: limiter(
                settings.creates_per_order_per_minute,
                Duration::from_secs(60),
            ),
            creates_per_phone: limiter(
                settings.creates_per_phone_per_hour,
                Duration::from_secs(3600),
            ),
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

    /// `phone` in any form (see [`phone_key`]).
    pub fn check_phone(&self, phone: &str) -> Result<(), Limited> {
        self.check(
            &self.per_phone,
            &phone_key(phone),
            "payments to this phone number",
        )
    }

    /// A create for `order` (none for a demo product, each checkout of which is an order of
    /// its own) and the wallet `phone`, for Yassir Cash: many addresses cannot together make
    /// one order or one phone create payment after payment.
    pub fn check_create(&self, order: Option<&str>, phone: Option<&str>) -> Result<(), Limited> {
        if let Some(order) = order {
            self.check(&self.creates_per_order, order, "payments of this order")?;
        }
        match phone {
            Some(phone) => self.check(
                &self.creates_per_phone,
                &phone_key(phone),
                "payments for this phone number",
            ),
            None => Ok(()),
        }
    }

    /// A provider notification (`yassir`, `yabetoo`).
    pub fn check_notice(&self, provider: &str) -> Result<(), Limited> {
        self.check(&self.notices, provider, "notifications from this provider")
    }

    /// Forgets keys whose allowance is whole again, so the limiters' memory stays bounded.
    pub fn forget_idle(&self) {
        for limiter in [
            &self.per_client,
            &self.per_phone,
            &self.notices,
            &self.creates_per_order,
            &self.creates_per_phone,
        ]
        .into_iter()
        .flatten()
        {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// A phone as the limits count it: only its digits, so `+242 06…` and `24206…` are one phone.
fn phone_key(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
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
    fn a_phone_gets_its_allowance_then_waits() {
        let limits = RateLimits::new(LimitSettings {
            per_client_per_minute: 0,
            per_phone_per_hour: 2,
            notices_per_minute: 0,
            creates_per_order_per_minute: 0,
            creates_per_phone_per_hour: 0,
        });
        assert!(limits.check_phone("+242 06 659 44 70").is_ok());
        assert!(limits.check_phone("242066594470").is_ok());
        match limits.check_phone("242066594470") {
            Err(Limited {
                retry_after_secs, ..
            }) => assert!((1..=1800).contains(&retry_after_secs), "{retry_after_secs}"),
            other => panic!("{other:?}"),
        }
        assert!(limits.check_phone("242066000001").is_ok(), "another phone");
        limits.forget_idle();
    }

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
            assert!(limits.check_phone("+213555000001").is_ok());
        }
    }
}
