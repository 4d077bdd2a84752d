//! What the records answer: the bodies of Yabetoo's create, retrieve and confirm, the intent as
//! [`crate::inspect`] shows it, and the prompts the phone page lists.

use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::{outcome_status, timestamp, Charge, ChargeState, Intent};
use crate::held::HeldIntent;
use crate::yabetoo::numbers::{Failure, Outcome};

impl Intent {
    /// The body create answers.
    pub(super) fn created_body(&self, account_id: &str) -> Value {
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

    /// The body retrieve answers: `captured` as confirm has it (true once succeeded); a
    /// settled failure carries the latest charge's reason.
    pub(super) fn retrieved_body(&self) -> Value {
        let status = self.status();
        let mut body = json!({
            "id": self.id,
            "amount": self.amount,
            "currency": self.currency,
            "description": self.description,
            "label": "payment_intent",
            "status": status,
            "captured": status == "succeeded",
            "clientSecret": self.client_secret,
            "metadata": self.metadata,
            "liveMode": false,
            "createdAt": timestamp(self.created_at),
            "updatedAt": timestamp(self.updated_at),
        });
        if let Some(charge) = self.charges.last() {
            body["chargeId"] = json!(charge.id);
            if let Some(failure) = charge.failure() {
                body["failureMessage"] = json!(failure.text);
                body["failureCode"] = json!(failure.text);
            }
        }
        body
    }

    /// The intent as [`crate::inspect`] shows it: each succeeded charge took the amount.
    pub(super) fn held(&self) -> HeldIntent {
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
            checks: self.checks,
            created_at: HeldIntent::timestamp(self.created_at),
            created: self.created_at,
        }
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
    pub(super) fn body(&self, intent: &Intent) -> Value {
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
            body.insert("failureMessage".into(), json!(failure.text));
            body.insert("failureCode".into(), json!(failure.text));
        }
        body.insert("id".into(), json!(self.id));
        body.insert("createdAt".into(), json!(timestamp(self.created_at)));
        body.insert("updatedAt".into(), json!(timestamp(self.updated_at)));
        body.insert("paymentMethodId".into(), json!(self.payment_method_id));
        Value::Object(body)
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
