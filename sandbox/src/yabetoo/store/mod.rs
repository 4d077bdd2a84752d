//! The simulator's state, in memory: intents, their charges, and the prompts waiting on the phone
//! page. Every change goes through [`Sandbox`], which holds the lock only for plain data updates
//! (never across an `.await`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::Value;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::AbortHandle;

use super::numbers::Outcome;
use super::validate::NewIntent;
use crate::held::HeldIntent;
use crate::SandboxConfig;

mod answers;
mod charges;

pub(crate) use answers::WaitingPrompt;
pub(crate) use charges::ConfirmRefusal;

/// Yabetoo's timestamp form: `2026-02-16T06:51:43.103+00:00`.
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+00:00");

/// A timestamp as Yabetoo writes it (always UTC).
pub(crate) fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(TIMESTAMP)
        .unwrap_or_default()
}

fn random_alphanumeric(length: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}

fn random_digits(length: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..length)
        .map(|_| char::from(b'0' + rng.gen_range(0..10)))
        .collect()
}

/// A payment intent and every charge made on it (the latest last).
struct Intent {
    id: String,
    amount: i64,
    currency: String,
    description: Option<String>,
    metadata: Value,
    client_secret: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    charges: Vec<Charge>,
    /// Retrieves the merchant made (shown by [`crate::inspect`]).
    checks: u32,
}

/// One confirm attempt (`ch_…`).
struct Charge {
    id: String,
    msisdn: String,
    operator: String,
    state: ChargeState,
    financial_transaction_id: Option<String>,
    external_id: String,
    payment_method_id: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    /// Turns `true` when the charge settles, waking the confirms that wait for it.
    settled: watch::Sender<bool>,
    /// Set while the prompt waits on the phone page for a person.
    prompt: Option<Prompt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChargeState {
    /// The prompt is on the shopper's phone.
    Processing,
    Settled(Outcome),
}

struct Prompt {
    expires_at: OffsetDateTime,
    /// The task that expires the prompt; stopped when a person answers first.
    timeout: AbortHandle,
}

impl Intent {
    /// `pending` before any confirm, then the latest charge's state.
    fn status(&self) -> &'static str {
        match self.charges.last().map(|charge| charge.state) {
            None => "pending",
            Some(ChargeState::Processing) => "processing",
            Some(ChargeState::Settled(outcome)) => outcome_status(outcome),
        }
    }

    fn charge(&self, charge_id: &str) -> Option<&Charge> {
        self.charges.iter().find(|charge| charge.id == charge_id)
    }

    fn charge_mut(&mut self, charge_id: &str) -> Option<&mut Charge> {
        self.charges
            .iter_mut()
            .find(|charge| charge.id == charge_id)
    }
}

fn outcome_status(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Succeeded => "succeeded",
        Outcome::Failed(_) => "failed",
        Outcome::Expired(_) => "expired",
    }
}

/// The simulator: its configuration and every intent, shared by all requests.
pub(crate) struct Sandbox {
    pub config: SandboxConfig,
    account_id: String,
    intents: Mutex<HashMap<String, Intent>>,
    webhooks: crate::webhooks::Notifier,
    /// The phone page's CSRF token: its forms carry it, and an answer posted without it is
    /// refused, so that no other site's page can approve a prompt.
    csrf_token: String,
}

impl Sandbox {
    pub fn new(config: SandboxConfig, webhooks: crate::webhooks::Notifier) -> Arc<Self> {
        Arc::new(Self {
            config,
            account_id: format!("acct_sandbox{}", random_alphanumeric(29)),
            intents: Mutex::new(HashMap::new()),
            webhooks,
            csrf_token: crate::csrf::new_token(),
        })
    }

    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    fn intents(&self) -> MutexGuard<'_, HashMap<String, Intent>> {
        // A panic while holding the lock cannot leave an intent half-written (updates are
        // plain assignments), so a poisoned lock is still safe to use.
        self.intents
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Creates an intent and answers create's body.
    pub fn create_intent(&self, new: NewIntent) -> Value {
        let id = format!("pi_{}", random_alphanumeric(36));
        let now = OffsetDateTime::now_utc();
        let intent = Intent {
            client_secret: format!("{id}_secret_{}", random_alphanumeric(36)),
            id: id.clone(),
            amount: new.amount,
            currency: new.currency,
            description: new.description,
            metadata: new.metadata,
            created_at: now,
            updated_at: now,
            charges: Vec::new(),
            checks: 0,
        };
        let body = intent.created_body(&self.account_id);
        let mut intents = self.intents();
        // Intents last changed past the retention are forgotten: the memory stays bounded.
        let before = now - self.config.intent_retention;
        intents.retain(|_, intent| intent.updated_at >= before);
        intents.insert(id, intent);
        body
    }

    pub fn exists(&self, intent_id: &str) -> bool {
        self.intents().contains_key(intent_id)
    }

    /// Retrieve's body, or `None` for an unknown intent.
    pub fn retrieve(&self, intent_id: &str) -> Option<Value> {
        let mut intents = self.intents();
        let intent = intents.get_mut(intent_id)?;
        intent.checks += 1;
        Some(intent.retrieved_body())
    }

    /// Confirm's body for one charge.
    pub fn charge_body(&self, intent_id: &str, charge_id: &str) -> Option<Value> {
        let intents = self.intents();
        let intent = intents.get(intent_id)?;
        Some(intent.charge(charge_id)?.body(intent))
    }

    /// Every intent as [`crate::inspect`] shows it.
    pub fn held_intents(&self) -> Vec<HeldIntent> {
        self.intents().values().map(Intent::held).collect()
    }

    /// One intent as [`crate::inspect`] shows it.
    pub fn held_intent(&self, intent_id: &str) -> Option<HeldIntent> {
        self.intents().get(intent_id).map(Intent::held)
    }
}
