//! Simulator of Yassir's Payment Intents API (Yassir Cash, `WALLET_V2`).
//!
//! It serves every documented route both under `/api/v1` (the current docs) and without a prefix
//! (the staging docs; with [`crate::Strict::no_api_prefix`], only without), plus the OTP page that a `payUrl` points to. Requests are validated in a
//! fixed order, like the real gateway's middleware stack: credentials, then required headers, then
//! the route and ids, then the body.
//!
//! Outcomes are chosen by the wallet phone (`userId`), see [`Scenario`]; the OTP page accepts
//! [`OTP_SUCCESS_CODE`] and [`OTP_INSUFFICIENT_FUNDS_CODE`].

mod api;
mod customers;
mod model;
mod otp;
mod payments;
mod words;

pub(crate) use api::error_words;

pub use model::Scenario;

use crate::held::HeldIntent;
use crate::held::Refusal;
use crate::webhooks::Notifier;
use crate::SandboxConfig;
use axum::routing::{get, post};
use axum::Router;
use model::Code;
use std::sync::{Arc, Mutex, MutexGuard};

/// The sandbox merchant's client id.
pub const CLIENT_ID: &str = "test_client";
/// The sandbox merchant's client secret.
pub const CLIENT_SECRET: &str = "test_secret";
/// The OTP that approves a payment on the sandbox OTP page.
pub const OTP_SUCCESS_CODE: &str = "123456";
/// The OTP that makes the wallet refuse the payment for lack of balance.
pub const OTP_INSUFFICIENT_FUNDS_CODE: &str = "999999";
/// The secret the embedded sandbox signs Yassir's webhooks with (`x-webhook-signature`).
pub const WEBHOOK_SECRET: &str = "yassir_sandbox_webhook_secret";
/// Wrong OTPs accepted before the payment is rejected.
pub const OTP_MAX_ATTEMPTS: u32 = 3;

/// Shared state of one simulator instance.
#[derive(Clone)]
struct Sim {
    config: Arc<SandboxConfig>,
    store: Arc<Mutex<model::Store>>,
    webhooks: Notifier,
    /// The OTP page's CSRF token ([`crate::csrf`]): its form carries it, and a decision posted
    /// without it is refused, so that no other site's page can cancel or try codes for a shopper.
    csrf_token: Arc<str>,
}

impl Sim {
    /// The store is never held across an `.await`, so a poisoned lock only means a handler
    /// panicked mid-update; the data is still usable for a simulator.
    fn lock(&self) -> MutexGuard<'_, model::Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Tells the merchant's webhook URL that the intent has a new `statusCode`.
    fn notify(&self, intent: &model::Intent) {
        self.webhooks.yassir(
            &intent.request.action_id,
            &intent.id,
            intent.code.number(),
            intent.end_user_message,
        );
    }
}

/// What the Yassir simulator holds, read by [`crate::inspect`].
#[derive(Clone)]
pub(crate) struct Ledger(Sim);

impl Ledger {
    pub(crate) fn intents(&self) -> Vec<HeldIntent> {
        let at = model::now();
        let store = self.0.lock();
        store
            .intents
            .values()
            .map(|intent| intent.held(at))
            .collect()
    }

    /// The shopper's late approval ([`crate::late`]): an intent awaiting its OTP, even past its
    /// `expiresAt`, is paid (or reserved), and Yassir's webhook says so.
    pub(crate) fn succeed(&self, id: &str) -> Result<HeldIntent, Refusal> {
        let at = model::now();
        let mut store = self.0.lock();
        let intent = store.intents.get_mut(id).ok_or(Refusal::Unknown)?;
        intent.refresh_expiry(at);
        let approved = match intent.request.capture {
            model::CaptureMethod::Direct => Code::Succeeded,
            model::CaptureMethod::Reservation => Code::PreAuthorized,
        };
        if intent.code == approved {
            return Ok(intent.held(at));
        }
        // Proceeded and undecided, or expired while undecided: an OTP page was waiting.
        let awaiting = intent.code == Code::RequiresAction || (intent.expired && intent.proceeded);
        if !awaiting {
            return Err(Refusal::Conflict(if intent.proceeded {
                format!(
                    "the intent is already final: statusCode {} ({})",
                    intent.code.number(),
                    intent.code.state()
                )
            } else {
                "the intent was never proceeded: no OTP page awaits the shopper".to_string()
            }));
        }
        intent.expired = false;
        intent.approve(at);
        self.0.notify(intent);
        Ok(intent.held(at))
    }
}

/// The Yassir simulator, to be nested at [`crate::YASSIR_MOUNT`].
pub fn router(config: SandboxConfig) -> Router {
    let notifier = Notifier::new(
        crate::faults::Provider::Yassir,
        config.webhooks.yassir.clone(),
        crate::Faults::default(),
    );
    router_and_ledger(config, notifier).0
}

/// [`router`], and the view of its intents.
pub(crate) fn router_and_ledger(config: SandboxConfig, webhooks: Notifier) -> (Router, Ledger) {
    let sim = Sim {
        config: Arc::new(config),
        store: Arc::default(),
        webhooks,
        csrf_token: crate::csrf::new_token().into(),
    };
    let api = Router::new()
        .route("/customers", post(customers::create))
        .route("/customers/{id}", get(customers::get_by_id))
        .route("/customers/search/{phone}", get(customers::search))
        .route("/payments/intents", post(payments::create))
        .route("/payments/intents/{id}/proceed", post(payments::proceed))
        .route("/payments/intents/{id}/check", get(payments::check))
        .route("/payments/intents/{id}/capture", post(payments::capture))
        .route("/payments/intents/{id}/release", post(payments::release))
        .route("/payments/{id}/refund", post(payments::refund));
    // The current docs put every route under `/api/v1`, the staging docs under no prefix.
    let prefixed = if sim.config.strict.no_api_prefix {
        Router::new()
    } else {
        Router::new().nest("/api/v1", api.clone())
    };
    let router = prefixed
        .merge(api)
        .route("/otp/verify", get(otp::page).post(otp::submit))
        .fallback(api::unknown_route)
        .with_state(sim.clone());
    (router, Ledger(sim))
}
