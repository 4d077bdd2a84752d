//! Charges: starting one for a confirm, settling it (by its behaviour, its timeout or a
//! person's answer), and the prompts waiting on the phone page.

use std::sync::Arc;

use serde_json::Value;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::AbortHandle;

use super::{
    outcome_status, random_alphanumeric, random_digits, Charge, ChargeState, Prompt, Sandbox,
    WaitingPrompt,
};
use crate::held::Refusal;
use crate::yabetoo::numbers::{digits, Behaviour, Outcome, APPROVAL_REJECTED, TIMEOUT};
use crate::yabetoo::validate::Confirmation;

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

impl Sandbox {
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
        self.webhooks.yabetoo(intent.retrieved_body());
        Some(intent.charge(charge_id)?.body(intent))
    }

    /// A late success ([`crate::late`]): the intent's latest charge, still awaiting an answer,
    /// succeeds as if the shopper had approved it, and Yabetoo's webhook says so. Nothing
    /// changes for an intent that already succeeded.
    pub fn succeed_late(&self, intent_id: &str) -> Result<(), Refusal> {
        let charge_id = {
            let intents = self.intents();
            let intent = intents.get(intent_id).ok_or(Refusal::Unknown)?;
            let Some(charge) = intent.charges.last() else {
                return Err(Refusal::Conflict(
                    "the intent was never confirmed: no charge awaits an answer".into(),
                ));
            };
            match charge.state {
                ChargeState::Processing => charge.id.clone(),
                ChargeState::Settled(Outcome::Succeeded) => return Ok(()),
                ChargeState::Settled(outcome) => {
                    return Err(Refusal::Conflict(format!(
                        "the intent's latest charge is already final: {}",
                        outcome_status(outcome)
                    )))
                }
            }
        };
        match self.settle(intent_id, &charge_id, Outcome::Succeeded) {
            Some(_) => Ok(()),
            // Settled some other way in between: answer as for that.
            None => self.succeed_late(intent_id),
        }
    }

    /// The prompts waiting for a person, soonest to expire first, optionally for one number
    /// (compared on digits, so `+` does not matter).
    pub fn waiting_prompts(&self, msisdn: Option<&str>) -> Vec<WaitingPrompt> {
        let wanted = msisdn.map(digits).filter(|digits| !digits.is_empty());
        let intents = self.intents();
        let mut prompts: Vec<WaitingPrompt> = intents
            .values()
            .filter_map(|intent| {
                let charge = intent.charges.last()?;
                let prompt = charge.prompt.as_ref()?;
                if wanted.is_some_and(|wanted| digits(&charge.msisdn) != wanted) {
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
