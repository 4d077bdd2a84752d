//! The payment service: the contract's operations on top of the store and the provider adapters.
//! Handlers stay thin; every rule about payments lives here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use checkout_contract::{
    MethodKind, MobileMoneyDetails, NextAction, Payment, PaymentRecord, PaymentStatus,
    StatusChange, SupportInfo,
};
use rand::distributions::Alphanumeric;
use rand::Rng;

use crate::api::ApiError;
use crate::order_token::{self, OrderSigner, TokenOrder};
use crate::orders::{Order, OrderBook};
use crate::providers::{
    CreateIntent, IntentRef, PaymentProvider, ProviderError, ProviderStatus, SubmitDetails,
};
use crate::store::{Inserted, ListFilter, PaymentRow, PaymentStore, StoreError};
use crate::validate;

/// How many times a write is retried when another request changed the payment meanwhile.
const WRITE_ATTEMPTS: usize = 5;

#[derive(Clone)]
pub struct PaymentService {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn PaymentStore>,
    orders: Arc<dyn OrderBook>,
    order_signer: Option<OrderSigner>,
    yassir: Arc<dyn PaymentProvider>,
    yabetoo: Arc<dyn PaymentProvider>,
    test_mode: bool,
    check_interval: Duration,
    /// When each payment was last checked at its provider, so polling widgets do not turn into
    /// one provider request per poll.
    last_checked: Mutex<HashMap<String, Instant>>,
    /// One lock per payment whose provider intent is being created, so concurrent replays of
    /// one create wait for it instead of creating a second intent.
    creating: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A new payment's create request, validated.
pub struct NewPayment {
    pub idempotency_key: String,
    pub order: Order,
    pub method: MethodKind,
    pub phone: Option<String>,
}

/// Whether a create made a payment or replayed an earlier one.
pub enum Created {
    New(Payment),
    Replayed(Payment),
}

pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn new_payment_id() -> String {
    let suffix: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect();
    format!("pay_{suffix}")
}

fn expired(expires_at: &Option<String>) -> bool {
    let Some(expires_at) = expires_at else {
        return false;
    };
    time::OffsetDateTime::parse(expires_at, &time::format_description::well_known::Rfc3339)
        .map(|at| at < time::OffsetDateTime::now_utc())
        .unwrap_or(false)
}

/// How far along a payment is; a provider answer never moves a payment backwards.
fn progress(status: PaymentStatus) -> u8 {
    match status {
        PaymentStatus::Created => 0,
        PaymentStatus::Processing => 1,
        PaymentStatus::RequiresAction | PaymentStatus::AwaitingApproval => 2,
        _ => 3,
    }
}

impl PaymentService {
    pub fn new(
        store: Arc<dyn PaymentStore>,
        orders: Arc<dyn OrderBook>,
        order_signer: Option<OrderSigner>,
        yassir: Arc<dyn PaymentProvider>,
        yabetoo: Arc<dyn PaymentProvider>,
        test_mode: bool,
        check_interval: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                orders,
                order_signer,
                yassir,
                yabetoo,
                test_mode,
                check_interval,
                last_checked: Mutex::new(HashMap::new()),
                creating: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn test_mode(&self) -> bool {
        self.inner.test_mode
    }

    /// The order a widget names: a catalog reference, or an order token signed by the merchant.
    pub fn find_order(&self, reference: &str) -> Result<Order, ApiError> {
        if OrderSigner::looks_like_token(reference) {
            let Some(signer) = &self.inner.order_signer else {
                return Err(ApiError::bad_request(
                    "order",
                    "order tokens are not enabled on this server: set ORDER_SIGNING_SECRET",
                ));
            };
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            return signer
                .verify(reference, now)
                .map_err(|error| ApiError::bad_request("order", error.to_string()));
        }
        self.inner
            .orders
            .find(reference)
            .ok_or_else(|| ApiError::not_found(format!("no order `{reference}`")))
    }

    /// Mints an order token, for merchants trying tokens out through the admin API.
    pub fn sign_order(&self, order: &TokenOrder) -> Result<String, ApiError> {
        let Some(signer) = &self.inner.order_signer else {
            return Err(ApiError::conflict(
                "order_tokens_disabled",
                "order tokens are not enabled on this server: set ORDER_SIGNING_SECRET",
            ));
        };
        order_token::validate(order)
            .map_err(|error| ApiError::unprocessable("invalid_order", None, error.to_string()))?;
        Ok(signer.sign(order))
    }

    fn provider(&self, method: MethodKind) -> &Arc<dyn PaymentProvider> {
        match method {
            MethodKind::YassirCash => &self.inner.yassir,
            MethodKind::MobileMoney => &self.inner.yabetoo,
        }
    }

    fn intent_ref(row: &PaymentRow) -> Option<IntentRef> {
        Some(IntentRef {
            intent_id: row.provider_intent_id.clone()?,
            client_secret: row.provider_client_secret.clone().unwrap_or_default(),
            currency: row.currency.clone(),
            country_alpha3: row.country_alpha3.clone(),
        })
    }

    async fn load(&self, id: &str) -> Result<PaymentRow, ApiError> {
        self.inner
            .store
            .get(id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no payment `{id}`")))
    }

    /// Creates the payment and its provider intent, once per idempotency key.
    pub async fn create(&self, new: NewPayment) -> Result<Created, ApiError> {
        let fingerprint = format!(
            "{}|{}|{}|{}|{}",
            new.order.reference,
            new.order.amount_minor,
            new.order.currency,
            new.method.as_str(),
            new.phone.as_deref().unwrap_or("")
        );
        let now = now_rfc3339();
        let row = PaymentRow {
            id: new_payment_id(),
            idempotency_key: new.idempotency_key,
            request_fingerprint: fingerprint,
            order_ref: new.order.reference.clone(),
            description: new.order.description.clone(),
            method: new.method,
            provider: self.provider(new.method).name().into(),
            amount_minor: new.order.amount_minor,
            currency: new.order.currency.clone(),
            country_alpha3: new.order.yassir_country().into(),
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
            created_at: now.clone(),
            updated_at: now,
            version: 0,
        };

        let (row, replayed) = match self.inner.store.insert_or_get(&row).await? {
            Inserted::New => (row, false),
            Inserted::Existing(existing)
                if existing.request_fingerprint != row.request_fingerprint =>
            {
                return Err(ApiError::unprocessable(
                    "idempotency_key_reused",
                    Some("Idempotency-Key"),
                    "this Idempotency-Key was already used for a different payment request; \
                     send a new key for a new attempt",
                ))
            }
            Inserted::Existing(existing) => (existing, true),
        };
        let row = self.ensure_intent(row, &new.order).await?;
        let payment = self.view(&row);
        Ok(if replayed {
            Created::Replayed(payment)
        } else {
            Created::New(payment)
        })
    }

    /// Creates the provider intent of a stored payment that has none yet: a first create, or a
    /// replay after the provider failed. Never creates a second intent for one payment.
    async fn ensure_intent(&self, row: PaymentRow, order: &Order) -> Result<PaymentRow, ApiError> {
        if row.provider_intent_id.is_some() {
            return Ok(row);
        }
        let lock = self.creation_lock(&row.id);
        let result = {
            let _guard = lock.lock().await;
            self.create_intent_once(&row.id, order).await
        };
        drop(lock);
        self.release_creation_lock(&row.id);
        result
    }

    fn creation_lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.inner.creating.lock().expect("lock");
        locks.entry(id.to_string()).or_default().clone()
    }

    fn release_creation_lock(&self, id: &str) {
        let mut locks = self.inner.creating.lock().expect("lock");
        if locks
            .get(id)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            locks.remove(id);
        }
    }

    async fn create_intent_once(&self, id: &str, order: &Order) -> Result<PaymentRow, ApiError> {
        let mut row = self.load(id).await?;
        if row.provider_intent_id.is_some() {
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
        };
        match self.provider(row.method).create_intent(&request).await {
            Ok(intent) => {
                row.provider_intent_id = Some(intent.intent_id.clone());
                row.provider_client_secret = Some(intent.client_secret);
                row.expires_at = intent.expires_at;
                row.failure_code = None;
                row.failure_message = None;
                row.updated_at = now_rfc3339();
                let change = StatusChange {
                    status: PaymentStatus::Created,
                    at: row.updated_at.clone(),
                    detail: format!("{} intent {} created", row.provider, intent.intent_id),
                };
                Ok(self.inner.store.update(&row, Some(&change)).await?)
            }
            Err(error) => {
                // Kept without an intent: a replay with the same key tries again.
                tracing::warn!(payment = %row.id, %error, "provider intent creation failed");
                row.failure_code = Some("provider_error".into());
                row.failure_message = Some(error.to_string());
                row.updated_at = now_rfc3339();
                let change = StatusChange {
                    status: row.status,
                    at: row.updated_at.clone(),
                    detail: format!("intent creation failed: {error}"),
                };
                self.inner.store.update(&row, Some(&change)).await?;
                Err(error.into())
            }
        }
    }

    /// Starts the payment with the shopper's method details.
    pub async fn submit(&self, id: &str, details: SubmitDetails) -> Result<Payment, ApiError> {
        let row = self.load(id).await?;
        let submitted_method = match details {
            SubmitDetails::YassirCash => MethodKind::YassirCash,
            SubmitDetails::MobileMoney(_) => MethodKind::MobileMoney,
        };
        if submitted_method != row.method {
            return Err(ApiError::unprocessable(
                "method_mismatch",
                Some("type"),
                format!(
                    "payment `{id}` was created for `{}`, not `{}`",
                    row.method.as_str(),
                    submitted_method.as_str()
                ),
            ));
        }
        if row.provider_intent_id.is_none() {
            return Err(ApiError::conflict(
                "payment_not_ready",
                "the provider intent of this payment was not created; repeat the create request with the same Idempotency-Key",
            ));
        }
        if row.status != PaymentStatus::Created {
            return Err(ApiError::conflict(
                "payment_already_submitted",
                format!(
                    "payment `{id}` was already submitted and is `{}`; poll GET /api/v1/payments/{id}, or create a new payment for a new attempt",
                    row.status
                ),
            ));
        }
        if expired(&row.expires_at) {
            let row = self
                .apply(
                    row,
                    ProviderStatus {
                        failure: Some((
                            "expired".into(),
                            "the payment expired before it was submitted".into(),
                        )),
                        ..ProviderStatus::plain(PaymentStatus::Expired, "expired before submit")
                    },
                )
                .await?;
            return Ok(self.view(&row));
        }
        match details {
            SubmitDetails::YassirCash => self.submit_yassir(row).await,
            SubmitDetails::MobileMoney(details) => self.submit_mobile_money(row, details).await,
        }
    }

    async fn submit_yassir(&self, row: PaymentRow) -> Result<Payment, ApiError> {
        // Marked processing first, so a second submit is refused while this one runs.
        let row = self
            .transition(row, PaymentStatus::Processing, "proceed sent (WALLET_V2)")
            .await?;
        let intent = Self::intent_ref(&row).expect("checked above");
        match self
            .inner
            .yassir
            .submit(&intent, &SubmitDetails::YassirCash)
            .await
        {
            Ok(status) => {
                let status = self.with_check_details(&intent, status).await;
                let row = self.apply(row, status).await?;
                Ok(self.view(&row))
            }
            Err(error @ (ProviderError::Timeout | ProviderError::Unavailable(_))) => {
                // The provider may have taken the proceed: the payment stays processing and the
                // widget's polling finds out from Check.
                tracing::warn!(payment = %row.id, %error, "proceed did not complete");
                Err(error.into())
            }
            Err(error) => {
                let failure = ProviderStatus {
                    failure: Some(("provider_error".into(), error.to_string())),
                    ..ProviderStatus::plain(
                        PaymentStatus::Failed,
                        format!("proceed failed: {error}"),
                    )
                };
                self.apply(row, failure).await?;
                Err(error.into())
            }
        }
    }

    /// Proceed's answer says only what happened; Check adds the shopper's message and the
    /// support contact (and why a payment was rejected), so a final answer is completed by it.
    async fn with_check_details(
        &self,
        intent: &IntentRef,
        proceeded: ProviderStatus,
    ) -> ProviderStatus {
        if !proceeded.status.is_final() {
            return proceeded;
        }
        match self.inner.yassir.check(intent).await {
            Ok(checked) if checked.status == proceeded.status => checked,
            Ok(_) => proceeded,
            Err(error) => {
                tracing::warn!(intent = %intent.intent_id, %error, "check after proceed failed");
                proceeded
            }
        }
    }

    async fn submit_mobile_money(
        &self,
        mut row: PaymentRow,
        details: MobileMoneyDetails,
    ) -> Result<Payment, ApiError> {
        row.phone = Some(details.msisdn.clone());
        let row = self
            .transition(row, PaymentStatus::AwaitingApproval, "confirm sent (momo)")
            .await?;
        let service = self.clone();
        let intent = Self::intent_ref(&row).expect("checked above");
        let payment_id = row.id.clone();
        // Confirm holds the request until the shopper answers on the phone: the widget gets its
        // answer now and polls, while the confirm finishes here.
        tokio::spawn(async move {
            let outcome = service
                .inner
                .yabetoo
                .submit(&intent, &SubmitDetails::MobileMoney(details))
                .await;
            service
                .record_background_outcome(&payment_id, outcome)
                .await;
        });
        Ok(self.view(&row))
    }

    async fn record_background_outcome(
        &self,
        id: &str,
        outcome: Result<ProviderStatus, ProviderError>,
    ) {
        let status = match outcome {
            Ok(status) => status,
            Err(ProviderError::Timeout) => {
                tracing::warn!(
                    payment = id,
                    "confirm timed out; polling will follow the intent"
                );
                return;
            }
            Err(error) => {
                tracing::warn!(payment = id, %error, "confirm failed");
                ProviderStatus {
                    failure: Some(("provider_error".into(), error.to_string())),
                    ..ProviderStatus::plain(
                        PaymentStatus::Failed,
                        format!("confirm failed: {error}"),
                    )
                }
            }
        };
        for _ in 0..WRITE_ATTEMPTS {
            let row = match self.inner.store.get(id).await {
                Ok(Some(row)) => row,
                Ok(None) => return,
                Err(error) => {
                    tracing::error!(payment = id, %error, "could not read the payment to record its outcome");
                    return;
                }
            };
            match self.apply(row, status.clone()).await {
                Err(ApiError::Store(StoreError::Conflict)) => continue,
                Err(error) => {
                    tracing::error!(payment = id, ?error, "could not record the confirm outcome");
                    return;
                }
                Ok(_) => return,
            }
        }
    }

    /// Moves a payment to `status` without a provider answer (the request went out).
    async fn transition(
        &self,
        mut row: PaymentRow,
        status: PaymentStatus,
        detail: &str,
    ) -> Result<PaymentRow, ApiError> {
        row.status = status;
        row.updated_at = now_rfc3339();
        let change = StatusChange {
            status,
            at: row.updated_at.clone(),
            detail: detail.into(),
        };
        match self.inner.store.update(&row, Some(&change)).await {
            Err(StoreError::Conflict) => Err(ApiError::conflict(
                "payment_already_submitted",
                format!("payment `{}` is being submitted by another request", row.id),
            )),
            other => Ok(other?),
        }
    }

    /// Records a provider's answer on the payment, unless it would move it backwards or says
    /// nothing new (polling must not turn into one write per poll).
    async fn apply(&self, row: PaymentRow, answer: ProviderStatus) -> Result<PaymentRow, ApiError> {
        if row.status.is_final() || progress(answer.status) < progress(row.status) {
            return Ok(row);
        }
        let mut updated = row.clone();
        updated.status = answer.status;
        if answer.pay_url.is_some() {
            updated.pay_url = answer.pay_url;
        }
        if answer.end_user_message.is_some() {
            updated.end_user_message = answer.end_user_message;
        }
        if let Some(support) = answer.support {
            updated.support_email = support.email;
            updated.support_phone = support.phone_number;
        }
        if let Some((code, message)) = answer.failure {
            updated.failure_code = Some(code);
            updated.failure_message = Some(message);
        } else if answer.status.is_paid() {
            updated.failure_code = None;
            updated.failure_message = None;
        }
        if answer.status == PaymentStatus::Succeeded && updated.captured_minor == 0 {
            updated.captured_minor = updated.amount_minor;
        }
        if updated == row {
            return Ok(row);
        }
        updated.updated_at = now_rfc3339();
        let change = (updated.status != row.status).then(|| StatusChange {
            status: updated.status,
            at: updated.updated_at.clone(),
            detail: answer.raw.clone(),
        });
        Ok(self.inner.store.update(&updated, change.as_ref()).await?)
    }

    /// The payment as the widget polls it, refreshed from the provider while it is in flight.
    pub async fn status(&self, id: &str) -> Result<Payment, ApiError> {
        let row = self.load(id).await?;
        let row = self.refresh(row).await;
        Ok(self.view(&row))
    }

    /// Asks the provider where an in-flight payment stands. Provider trouble is logged and the
    /// stored status is kept: the widget simply polls again.
    async fn refresh(&self, row: PaymentRow) -> PaymentRow {
        let in_flight = matches!(
            row.status,
            PaymentStatus::Processing
                | PaymentStatus::RequiresAction
                | PaymentStatus::AwaitingApproval
        );
        let Some(intent) = Self::intent_ref(&row).filter(|_| in_flight) else {
            return row;
        };
        if !self.due_for_check(&row.id) {
            return row;
        }
        match self.provider(row.method).check(&intent).await {
            Ok(answer) => match self.apply(row.clone(), answer).await {
                Ok(updated) => updated,
                Err(error) => {
                    // Another request recorded something meanwhile (or the store failed): the
                    // latest stored row is the answer, else the one read before the check.
                    tracing::warn!(payment = %row.id, ?error, "could not record a check");
                    self.inner
                        .store
                        .get(&row.id)
                        .await
                        .ok()
                        .flatten()
                        .unwrap_or(row)
                }
            },
            Err(error) => {
                tracing::warn!(payment = %row.id, %error, "status check failed");
                row
            }
        }
    }

    fn due_for_check(&self, id: &str) -> bool {
        let mut last_checked = self.inner.last_checked.lock().expect("lock");
        let now = Instant::now();
        match last_checked.get(id) {
            Some(at) if now.duration_since(*at) < self.inner.check_interval => false,
            _ => {
                last_checked.insert(id.to_string(), now);
                if last_checked.len() > 10_000 {
                    let interval = self.inner.check_interval;
                    last_checked.retain(|_, at| now.duration_since(*at) < interval);
                }
                true
            }
        }
    }

    /// Follows up every payment left in flight, e.g. by a restart during a mobile-money confirm.
    pub async fn reconcile_in_flight(&self) {
        let rows = match self.inner.store.list_in_flight().await {
            Ok(rows) => rows,
            Err(error) => {
                tracing::error!(%error, "could not list in-flight payments");
                return;
            }
        };
        // Through the same throttle as the widget's polls: a payment a widget had checked a moment
        // ago is not asked about twice.
        for row in rows {
            self.refresh(row).await;
        }
    }

    /// The shopper's view of a stored payment.
    pub fn view(&self, row: &PaymentRow) -> Payment {
        let next_action = match row.status {
            PaymentStatus::RequiresAction => {
                row.pay_url.clone().map(|url| NextAction::Redirect { url })
            }
            PaymentStatus::AwaitingApproval => row
                .phone
                .clone()
                .map(|phone| NextAction::ApproveOnPhone { phone }),
            _ => None,
        };
        let support =
            (row.support_email.is_some() || row.support_phone.is_some()).then(|| SupportInfo {
                email: row.support_email.clone(),
                phone_number: row.support_phone.clone(),
            });
        let failure = match (&row.failure_code, &row.failure_message) {
            (Some(code), Some(message))
                if !row.status.is_paid() && row.status != PaymentStatus::Created =>
            {
                Some(checkout_contract::Failure {
                    code: code.clone(),
                    message: message.clone(),
                })
            }
            _ => None,
        };
        Payment {
            id: row.id.clone(),
            order: row.order_ref.clone(),
            method: row.method,
            amount_minor: row.amount_minor,
            currency: row.currency.clone(),
            status: row.status,
            next_action,
            // Yassir documents its payment-scoped secret as safe in the browser; Yabetoo's is not.
            client_secret: match row.method {
                MethodKind::YassirCash => row.provider_client_secret.clone(),
                MethodKind::MobileMoney => None,
            },
            phone: row.phone.clone(),
            end_user_message: row.end_user_message.clone(),
            support,
            failure,
            expires_at: row.expires_at.clone(),
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
        }
    }

    async fn record(&self, row: PaymentRow) -> Result<PaymentRecord, ApiError> {
        let history = self.inner.store.history(&row.id).await?;
        Ok(PaymentRecord {
            payment: self.view(&row),
            provider: row.provider.clone(),
            provider_intent_id: row.provider_intent_id.clone(),
            capture_method: row.capture_method,
            captured_minor: row.captured_minor,
            refunded_minor: row.refunded_minor,
            history,
        })
    }

    pub async fn admin_get(&self, id: &str) -> Result<PaymentRecord, ApiError> {
        let row = self.load(id).await?;
        let row = self.refresh(row).await;
        self.record(row).await
    }

    pub async fn admin_list(&self, filter: ListFilter) -> Result<Vec<PaymentRecord>, ApiError> {
        let rows = self.inner.store.list(&filter).await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            records.push(self.record(row).await?);
        }
        Ok(records)
    }

    /// Captures reserved funds: all of them, or `amount_minor` and the rest released.
    pub async fn capture(
        &self,
        id: &str,
        amount_minor: Option<i64>,
    ) -> Result<PaymentRecord, ApiError> {
        let row = self.load(id).await?;
        if row.status != PaymentStatus::PreAuthorized {
            return Err(ApiError::conflict(
                "not_pre_authorized",
                format!(
                    "only a pre-authorized payment can be captured; `{id}` is `{}`",
                    row.status
                ),
            ));
        }
        let amount = amount_minor.unwrap_or(row.amount_minor);
        validate::amount_within(
            "amount_minor",
            amount,
            row.amount_minor,
            "the reserved amount",
        )?;
        let intent = Self::intent_ref(&row).expect("pre-authorized payments have an intent");
        let answer = self
            .provider(row.method)
            .capture(&intent, amount_minor)
            .await?;
        let reserved = row.amount_minor;
        let mut row = row;
        row.captured_minor = amount;
        let row = self
            .apply_admin(row, answer, format!("captured {amount} of {reserved}"))
            .await?;
        self.record(row).await
    }

    pub async fn release(&self, id: &str) -> Result<PaymentRecord, ApiError> {
        let row = self.load(id).await?;
        if row.status != PaymentStatus::PreAuthorized {
            return Err(ApiError::conflict(
                "not_pre_authorized",
                format!(
                    "only a pre-authorized payment can be released; `{id}` is `{}`",
                    row.status
                ),
            ));
        }
        let intent = Self::intent_ref(&row).expect("pre-authorized payments have an intent");
        let answer = self.provider(row.method).release(&intent).await?;
        let row = self
            .apply_admin(row, answer, "reserved funds released".into())
            .await?;
        self.record(row).await
    }

    /// Refunds all that remains, or `amount_minor` of it; may be repeated until nothing remains.
    pub async fn refund(
        &self,
        id: &str,
        amount_minor: Option<i64>,
        description: &str,
        reason: Option<&str>,
    ) -> Result<PaymentRecord, ApiError> {
        let row = self.load(id).await?;
        if !matches!(
            row.status,
            PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded
        ) {
            return Err(ApiError::conflict(
                "not_refundable",
                format!("only a succeeded or partially refunded payment can be refunded; `{id}` is `{}`", row.status),
            ));
        }
        let remaining = row.captured_minor - row.refunded_minor;
        let amount = amount_minor.unwrap_or(remaining);
        validate::amount_within("amount_minor", amount, remaining, "the refundable balance")?;
        let intent = Self::intent_ref(&row).expect("succeeded payments have an intent");
        let answer = self
            .provider(row.method)
            .refund(&intent, amount_minor, description, reason)
            .await?;
        let mut row = row;
        row.refunded_minor += amount;
        let detail = format!(
            "refunded {amount}; {} remains refundable",
            row.captured_minor - row.refunded_minor
        );
        let row = self.apply_admin(row, answer, detail).await?;
        self.record(row).await
    }

    /// Records the answer to a merchant operation, which may move a final payment on
    /// (succeeded -> refunded), unlike a shopper-side status.
    async fn apply_admin(
        &self,
        mut row: PaymentRow,
        answer: ProviderStatus,
        detail: String,
    ) -> Result<PaymentRow, ApiError> {
        row.status = answer.status;
        row.updated_at = now_rfc3339();
        let change = StatusChange {
            status: row.status,
            at: row.updated_at.clone(),
            detail: format!("{detail} ({})", answer.raw),
        };
        Ok(self.inner.store.update(&row, Some(&change)).await?)
    }
}
