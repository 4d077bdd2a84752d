//! The simulator's state, in memory: intents, their charges, and the prompts waiting on the phone
//! page. Every change goes through [`Sandbox`], which holds the lock only for plain data updates
//! (never across an `.await`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{json, Map, Value};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::AbortHandle;

use super::numbers::{Behaviour, Failure, Outcome, APPROVAL_REJECTED, TIMEOUT};
use super::validate::{Confirmation, NewIntent};
use crate::inspect::HeldIntent;
use crate::SandboxConfig;

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

    /// The body create answers.
    fn created_body(&self, account_id: &str) -> Value {
        json!({
            "amount": self.amount,
            "currency": self.currency,
            "description": self.description,
            "metadata": self.metadata,
            "accountId": account_id,
            "liveMode": false,
            "label": "payment_intent",
            "id": self.id,
            "createdAt": timestamp(self.created_at),
            "updatedAt": timestamp(self.updated_at),
            "clientSecret": self.client_secret,
        })
    }

    /// The body retrieve answers; a settled failure carries the latest charge's reason.
    fn retrieved_body(&self) -> Value {
        let mut body = json!({
            "id": self.id,
            "amount": self.amount,
            "currency": self.currency,
            "description": self.description,
            "label": "payment_intent",
            "status": self.status(),
            "clientSecret": self.client_secret,
            "metadata": self.metadata,
            "liveMode": false,
            "createdAt": timestamp(self.created_at),
            "updatedAt": timestamp(self.updated_at),
        });
        if let Some(charge) = self.charges.last() {
            body["chargeId"] = json!(charge.id);
            if let Some(failure) = charge.failure() {
                body["failureMessage"] = json!(failure.message);
                body["failureCode"] = json!(failure.code);
            }
        }
        body
    }

    /// The intent as [`crate::inspect`] shows it: each succeeded charge took the amount.
    fn held(&self) -> HeldIntent {
        let meta = |key: &str| {
            self.metadata
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let succeeded = self
            .charges
            .iter()
            .filter(|charge| charge.state == ChargeState::Settled(Outcome::Succeeded))
            .count();
        HeldIntent {
            provider: "yabetoo",
            intent_id: self.id.clone(),
            payment_id: meta("paymentId"),
            action_id: None,
            order: meta("order"),
            status: self.status(),
            status_code: None,
            amount: self.amount,
            currency: self.currency.clone(),
            reserved: 0,
            captured: self.amount * i64::try_from(succeeded).unwrap_or(i64::MAX),
            refunded: 0,
            submitted: !self.charges.is_empty(),
            charges: Some(self.charges.len()),
            created_at: HeldIntent::timestamp(self.created_at),
            created: self.created_at,
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

impl Charge {
    fn failure(&self) -> Option<Failure> {
        match self.state {
            ChargeState::Settled(Outcome::Failed(failure) | Outcome::Expired(failure)) => {
                Some(failure)
            }
            _ => None,
        }
    }

    /// The body confirm answers, shaped as in Yabetoo's confirm examples. A charge still on
    /// the phone reads `pending`, as the OAS allows for confirm.
    fn body(&self, intent: &Intent) -> Value {
        let status = match self.state {
            ChargeState::Processing => "pending",
            ChargeState::Settled(outcome) => outcome_status(outcome),
        };
        let mut body = Map::new();
        body.insert("intentId".into(), json!(intent.id));
        if let Some(id) = &self.financial_transaction_id {
            body.insert("financialTransactionId".into(), json!(id));
        }
        body.insert("transactionId".into(), json!(intent.id));
        body.insert("amount".into(), json!(intent.amount));
        body.insert("currency".into(), json!(intent.currency));
        body.insert("status".into(), json!(status));
        body.insert(
            "captured".into(),
            json!(self.state == ChargeState::Settled(Outcome::Succeeded)),
        );
        body.insert("externalId".into(), json!(self.external_id));
        if let Some(failure) = self.failure() {
            body.insert("failureMessage".into(), json!(failure.message));
            body.insert("failureCode".into(), json!(failure.code));
        }
        body.insert("id".into(), json!(self.id));
        body.insert("createdAt".into(), json!(timestamp(self.created_at)));
        body.insert("updatedAt".into(), json!(timestamp(self.updated_at)));
        body.insert("paymentMethodId".into(), json!(self.payment_method_id));
        Value::Object(body)
    }
}

/// Why a confirm cannot start a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConfirmRefusal {
    /// No such intent.
    NotFound,
    /// Wrong client secret, already succeeded, or a prompt is already waiting.
    NotPermitted,
    /// The number simulates a provider failure.
    ServerError,
}

/// A charge that has just started.
pub(crate) struct Started {
    pub charge_id: String,
    /// Whether confirm answers only once the charge settles.
    pub blocks: bool,
    settled: watch::Receiver<bool>,
}

impl Started {
    /// Resolves as soon as the charge settles (at once if it already has).
    pub async fn settled(mut self) {
        // The sender lives as long as the intent, which is never removed.
        let _ = self.settled.wait_for(|settled| *settled).await;
    }
}

/// A prompt waiting on the phone page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WaitingPrompt {
    pub intent_id: String,
    pub msisdn: String,
    pub operator: String,
    pub amount: i64,
    pub currency: String,
    pub description: Option<String>,
    pub expires_at: OffsetDateTime,
}

impl WaitingPrompt {
    /// The JSON form served at `/phone/prompts`.
    pub fn body(&self) -> Value {
        json!({
            "intentId": self.intent_id,
            "msisdn": self.msisdn,
            "operator": self.operator,
            "amount": self.amount,
            "currency": self.currency,
            "description": self.description,
            "expiresAt": timestamp(self.expires_at),
        })
    }
}

/// The simulator: its configuration and every intent, shared by all requests.
pub(crate) struct Sandbox {
    pub config: SandboxConfig,
    account_id: String,
    intents: Mutex<HashMap<String, Intent>>,
}

impl Sandbox {
    pub fn new(config: SandboxConfig) -> Arc<Self> {
        Arc::new(Self {
            config,
            account_id: format!("acct_sandbox{}", random_alphanumeric(29)),
            intents: Mutex::new(HashMap::new()),
        })
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
        };
        let body = intent.created_body(&self.account_id);
        self.intents().insert(id, intent);
        body
    }

    pub fn exists(&self, intent_id: &str) -> bool {
        self.intents().contains_key(intent_id)
    }

    /// Retrieve's body, or `None` for an unknown intent.
    pub fn retrieve(&self, intent_id: &str) -> Option<Value> {
        self.intents().get(intent_id).map(Intent::retrieved_body)
    }

    /// Confirm's body for one charge.
    pub fn charge_body(&self, intent_id: &str, charge_id: &str) -> Option<Value> {
        let intents = self.intents();
        let intent = intents.get(intent_id)?;
        Some(intent.charge(charge_id)?.body(intent))
    }

    /// Starts a charge for a valid confirm, and arranges how it will settle.
    pub fn start_charge(
        self: &Arc<Self>,
        intent_id: &str,
        confirmation: &Confirmation,
        behaviour: Behaviour,
    ) -> Result<Started, ConfirmRefusal> {
        let mut intents = self.intents();
        let intent = intents.get_mut(intent_id).ok_or(ConfirmRefusal::NotFound)?;
        if confirmation.client_secret != intent.client_secret {
            return Err(ConfirmRefusal::NotPermitted);
        }
        // Re-confirming is allowed until a charge succeeds, but not while one is on the phone.
        if matches!(intent.status(), "succeeded" | "processing") {
            return Err(ConfirmRefusal::NotPermitted);
        }
        if behaviour == Behaviour::ServerError {
            return Err(ConfirmRefusal::ServerError);
        }

        let now = OffsetDateTime::now_utc();
        let charge_id = format!("ch_{}", random_alphanumeric(36));
        let (settled, receiver) = watch::channel(false);
        let prompt = (behaviour == Behaviour::OnPhone).then(|| {
            let timeout = self.config.momo_prompt_timeout;
            Prompt {
                expires_at: now + timeout,
                timeout: self.settle_later(
                    intent_id,
                    &charge_id,
                    timeout,
                    Outcome::Expired(TIMEOUT),
                ),
            }
        });
        match behaviour {
            Behaviour::Settles { outcome, .. } | Behaviour::SettlesLater(outcome) => {
                let delay = behaviour.settle_after(&self.config).unwrap_or_default();
                self.settle_later(intent_id, &charge_id, delay, outcome);
            }
            Behaviour::Slow => {
                self.settle_later(
                    intent_id,
                    &charge_id,
                    self.config.slow_delay,
                    Outcome::Succeeded,
                );
            }
            Behaviour::OnPhone | Behaviour::ServerError => {}
        }
        intent.charges.push(Charge {
            id: charge_id.clone(),
            msisdn: confirmation.momo.msisdn.clone(),
            operator: confirmation.momo.operator.clone(),
            state: ChargeState::Processing,
            financial_transaction_id: None,
            external_id: format!("ext_{}", random_alphanumeric(16)),
            payment_method_id: format!("pm_{}", random_alphanumeric(36)),
            created_at: now,
            updated_at: now,
            settled,
            prompt,
        });
        intent.updated_at = now;
        Ok(Started {
            charge_id,
            blocks: !matches!(behaviour, Behaviour::SettlesLater(_)),
            settled: receiver,
        })
    }

    /// Settles a charge after `delay` unless something settles it first.
    fn settle_later(
        self: &Arc<Self>,
        intent_id: &str,
        charge_id: &str,
        delay: std::time::Duration,
        outcome: Outcome,
    ) -> AbortHandle {
        let sandbox = Arc::clone(self);
        let (intent_id, charge_id) = (intent_id.to_owned(), charge_id.to_owned());
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            sandbox.settle(&intent_id, &charge_id, outcome);
        })
        .abort_handle()
    }

    /// Settles a charge still on the phone and wakes its confirms. The first settlement wins:
    /// answers for a charge that has already settled are ignored (`None`).
    fn settle(&self, intent_id: &str, charge_id: &str, outcome: Outcome) -> Option<Value> {
        let mut intents = self.intents();
        let intent = intents.get_mut(intent_id)?;
        let now = OffsetDateTime::now_utc();
        let charge = intent.charge_mut(charge_id)?;
        if charge.state != ChargeState::Processing {
            return None;
        }
        charge.state = ChargeState::Settled(outcome);
        charge.updated_at = now;
        if outcome == Outcome::Succeeded {
            charge.financial_transaction_id = Some(random_digits(10));
        }
        if let Some(prompt) = charge.prompt.take() {
            prompt.timeout.abort();
        }
        charge.settled.send_replace(true);
        intent.updated_at = now;
        Some(intent.charge(charge_id)?.body(intent))
    }

    /// The prompts waiting for a person, soonest to expire first, optionally for one number
    /// (compared on digits, so `+` does not matter).
    pub fn waiting_prompts(&self, msisdn: Option<&str>) -> Vec<WaitingPrompt> {
        let wanted = msisdn
            .map(super::numbers::digits)
            .filter(|digits| !digits.is_empty());
        let intents = self.intents();
        let mut prompts: Vec<WaitingPrompt> = intents
            .values()
            .filter_map(|intent| {
                let charge = intent.charges.last()?;
                let prompt = charge.prompt.as_ref()?;
                if wanted.is_some_and(|wanted| super::numbers::digits(&charge.msisdn) != wanted) {
                    return None;
                }
                Some(WaitingPrompt {
                    intent_id: intent.id.clone(),
                    msisdn: charge.msisdn.clone(),
                    operator: charge.operator.clone(),
                    amount: intent.amount,
                    currency: intent.currency.clone(),
                    description: intent.description.clone(),
                    expires_at: prompt.expires_at,
                })
            })
            .collect();
        prompts.sort_by(|a, b| {
            a.expires_at
                .cmp(&b.expires_at)
                .then_with(|| a.intent_id.cmp(&b.intent_id))
        });
        prompts
    }

    /// Every intent as [`crate::inspect`] shows it.
    pub fn held_intents(&self) -> Vec<HeldIntent> {
        self.intents().values().map(Intent::held).collect()
    }

    /// A person's answer to the prompt of an intent: approve succeeds, decline fails with
    /// `APPROVAL_REJECTED`. `None` when no prompt of that intent waits on the phone.
    pub fn answer_prompt(&self, intent_id: &str, approve: bool) -> Option<Value> {
        let charge_id = {
            let intents = self.intents();
            let charge = intents.get(intent_id)?.charges.last()?;
            charge.prompt.as_ref()?;
            charge.id.clone()
        };
        let outcome = if approve {
            Outcome::Succeeded
        } else {
            Outcome::Failed(APPROVAL_REJECTED)
        };
        self.settle(intent_id, &charge_id, outcome)
    }
}
