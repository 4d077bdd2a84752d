//! Creating a payment and its provider intent, once per idempotency key.

use checkout_contract::{MethodKind, Payment, PaymentStatus, StatusChange};

use super::ServiceError;
use super::{new_client_secret, random_id, PaymentService};
use crate::clock::rfc3339;
use crate::orders::Order;
use crate::providers::{CreateIntent, ProviderError, MISMATCH_CODE, MISMATCH_MESSAGE};
use crate::store::{Inserted, PaymentRow};

/// A new payment's create request, validated.
pub struct NewPayment {
    pub idempotency_key: String,
    /// The order as the widget named it (a reference or a token).
    pub order: Order,
    pub method: MethodKind,
    pub phone: Option<String>,
    /// The shopper's language (`en`, `fr`, `ar`), when the request says it.
    pub language: Option<String>,
}

/// Whether a create made a payment or answered the one an earlier create of the same key made.
/// Either carries the payment's `client_secret`: only the create's caller learns it.
pub enum Created {
    New(Payment),
    Replayed(Payment),
}

impl PaymentService {
    /// Creates the payment and its provider intent, once per idempotency key, and at most one
    /// in flight per order.
    pub async fn create(&self, new: NewPayment) -> Result<Created, ServiceError> {
        self.order_attempt(&new.order, &new.idempotency_key).await?;
        let fingerprint = format!(
            "{}|{}|{}|{}|{}",
            new.order.reference,
            new.order.amount_minor,
            new.order.currency,
            new.method.as_str(),
            new.phone.as_deref().unwrap_or("")
        );
        let now = self.now_rfc3339();
        let id = random_id("pay");
        let row = PaymentRow {
            client_secret: new_client_secret(&id),
            id,
            idempotency_key: new.idempotency_key,
            request_fingerprint: fingerprint,
            order_ref: Self::payment_order_ref(&new.order),
            description: new.order.description.clone(),
            method: new.method,
            provider: self.provider(new.method).name().into(),
            amount_minor: new.order.amount_minor,
            currency: new.order.currency.clone(),
            country_alpha3: new.order.yassir_country(new.phone.as_deref()).into(),
            capture_method: new.order.capture,
            phone: new.phone,
            status: PaymentStatus::Created,
            provider_intent_id: None,
            provider_client_secret: None,
            pay_url: None,
            expires_at: None,
            end_user_message: None,
            support_email: None,
            support_phone: None,
            failure_code: None,
            failure_message: None,
            captured_minor: 0,
            refunded_minor: 0,
            order_expires_at: new
                .order
                .expires_at
                .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
                .map(rfc3339),
            outcome_unknown: None,
            language: new.language,
            submitted_at: None,
            decided_by: None,
            attention: None,
            created_at: now.clone(),
            updated_at: now,
            version: 0,
        };

        let (row, replayed) = match self.inner.store.insert_or_get(&row).await? {
            Inserted::New => (row, false),
            Inserted::Existing(existing)
                if existing.request_fingerprint != row.request_fingerprint =>
            {
                return Err(ServiceError::unprocessable(
                    "idempotency_key_reused",
                    Some("Idempotency-Key"),
                    "this Idempotency-Key was already used for a different payment request; \
                     send a new key for a new attempt",
                ))
            }
            Inserted::Existing(existing) => (existing, true),
        };
        let row = self.ensure_intent(row, &new.order).await?;
        let payment = Payment {
            client_secret: Some(row.client_secret.clone()),
            ..self.view(&row)
        };
        Ok(if replayed {
            Created::Replayed(payment)
        } else {
            Created::New(payment)
        })
    }

    /// Creates the provider intent of a stored payment that has none yet: a first create, or a
    /// replay after the provider failed. Never creates a second intent for one payment.
    async fn ensure_intent(
        &self,
        row: PaymentRow,
        order: &Order,
    ) -> Result<PaymentRow, ServiceError> {
        if row.provider_intent_id.is_some() || row.status.is_final() {
            return Ok(row);
        }
        let _guard = self.inner.store.lock_payment(&row.id).await?;
        self.create_intent_once(&row.id, order).await
    }

    async fn create_intent_once(
        &self,
        id: &str,
        order: &Order,
    ) -> Result<PaymentRow, ServiceError> {
        let mut row = self.load(id).await?;
        if row.provider_intent_id.is_some() || row.status.is_final() {
            return Ok(row);
        }
        let request = CreateIntent {
            payment_id: row.id.clone(),
            order: row.order_ref.clone(),
            description: order.description.clone(),
            amount_minor: row.amount_minor,
            currency: row.currency.clone(),
            country_alpha3: row.country_alpha3.clone(),
            customer_phone: row.phone.clone(),
            capture: row.capture_method,
            language: row.language.clone(),
        };
        match self.provider(row.method).create_intent(&request).await {
            Ok(intent) => {
                row.provider_intent_id = Some(intent.intent_id.clone());
                row.provider_client_secret = Some(intent.client_secret);
                row.expires_at = intent.expires_at;
                row.failure_code = None;
                row.failure_message = None;
                row.updated_at = self.now_rfc3339();
                let change = StatusChange {
                    status: PaymentStatus::Created,
                    at: row.updated_at.clone(),
                    detail: format!("{} intent {} created", row.provider, intent.intent_id),
                };
                Ok(self
                    .inner
                    .store
                    .update(&row, Some(&change), &self.events())
                    .await?)
            }
            // The provider made an intent for another amount or currency: the payment stops
            // here, failed, and a replay of its key answers it as it is.
            Err(ProviderError::Mismatch(detail)) => {
                row.status = PaymentStatus::Failed;
                row.decided_by = Some(crate::store::Decider::Provider);
                row.failure_code = Some(MISMATCH_CODE.into());
                row.failure_message = Some(MISMATCH_MESSAGE.into());
                row.updated_at = self.now_rfc3339();
                let change = StatusChange {
                    status: PaymentStatus::Failed,
                    at: row.updated_at.clone(),
                    detail: format!(
                        "intent creation answered another amount or currency: {detail}"
                    ),
                };
                Ok(self
                    .inner
                    .store
                    .update(&row, Some(&change), &self.events())
                    .await?)
            }
            Err(error) => {
                // Kept without an intent: a replay with the same key tries again.
                tracing::warn!(payment = %row.id, %error, "provider intent creation failed");
                row.failure_code = Some("provider_error".into());
                row.failure_message = Some(error.to_string());
                let detail = format!("intent creation failed: {error}");
                self.write(row, detail).await?;
                Err(error.into())
            }
        }
    }
}
