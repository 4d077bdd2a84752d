//! The payment service: the contract's operations on top of the store and the provider adapters.
//! Handlers stay thin; every rule about payments lives here, one concern a module:
//!
//! - [`orders`]: which order a reference or token names, and that an order is paid once;
//! - [`create`]: a payment and its provider intent, once per idempotency key;
//! - [`submit`]: sending the shopper's method details, where an unclear answer is "outcome
//!   unknown", never a failure;
//! - [`outcome`]: recording provider answers, and checking in-flight payments until the provider
//!   gives a definite one;
//! - [`operations`]: the merchant's capture, release and refund, written before they are sent;
//! - [`attention`]: the merchant's word on a payment no provider answer could decide.

mod allowances;
mod attention;
mod confirms;
mod create;
mod error;
mod notices;
mod operations;
mod orders;
mod outcome;
mod submit;

use std::sync::Arc;
use std::time::Duration;

use checkout_contract::{
    MethodKind, NextAction, Payment, PaymentRecord, PaymentStatus, StatusChange, SupportInfo,
};

use crate::clock::Clock;
use crate::order_token::OrderSigner;
use crate::orders::OrderBook;
use crate::providers::{IntentRef, PaymentProvider};
use crate::store::{PaymentRow, PaymentStore};

pub use allowances::SharedAllowances;
pub use attention::Resolution;
pub use create::{Created, NewPayment};
pub use error::ServiceError;
pub use notices::NoticeOutcome;
pub use operations::OperationDone;

/// How many times a write is retried when another request changed the payment meanwhile.
const WRITE_ATTEMPTS: usize = 5;

/// What the service is built from.
pub struct ServiceParts {
    pub store: Arc<dyn PaymentStore>,
    pub orders: Arc<dyn OrderBook>,
    pub order_signer: Option<OrderSigner>,
    pub yassir: Arc<dyn PaymentProvider>,
    pub yabetoo: Arc<dyn PaymentProvider>,
    /// Where every moment that decides something is read.
    pub clock: Clock,
}

/// The service's knobs.
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    /// Yassir is reached with test credentials (the sandbox, or Yassir's staging host): the
    /// widget says no real money moves.
    pub yassir_test_mode: bool,
    /// Yabetoo is reached with a test key (`sk_test_…`, which Yabetoo routes to its sandbox) or
    /// through the sandbox: its test numbers are taken, and no real money moves.
    pub yabetoo_test_mode: bool,
    /// The mobile-money countries offered beyond the ones Yabetoo is known to serve.
    pub coverage: crate::orders::Coverage,
    /// Shortest time between two provider checks of one payment while the widget polls.
    pub check_interval: Duration,
    /// How long after a request whose outcome is unknown the provider may still show the
    /// payment untouched before that is taken as its answer ("it never arrived").
    pub unknown_outcome_grace: Duration,
    /// The longest wait between two checks of a payment nobody polls (reconcile's backoff).
    pub max_reconcile_interval: Duration,
    /// Lifetime given to an order token minted without an expiry.
    pub order_token_ttl: Duration,
    /// Mobile-money confirmations waiting for shoppers at once (each holds a provider request).
    pub max_confirms_in_flight: usize,
    /// Of those, how many one client address may hold.
    pub max_confirms_per_client: usize,
    /// The payments are real (live mode): said in every merchant event (`live_mode`).
    pub live: bool,
    /// The limits every server on the database shares (prompts per phone, creates per order
    /// and per phone).
    pub allowances: SharedAllowances,
    /// The first wait of reconcile's backoff (longer when provider webhooks announce outcomes).
    pub reconcile_first_check: Duration,
    /// How old an in-flight payment may be and still be followed up by reconcile; older ones
    /// stay as they are (in flight, listed by the admin API) until a poll, an admin read or a
    /// webhook checks them.
    pub reconcile_max_age: Duration,
    /// How long a payment may stay in flight after it was sent to its provider before it asks
    /// for the merchant's attention (it stays in flight, checked, its order blocked).
    pub attention_after: Duration,
}

impl Default for ServiceSettings {
    fn default() -> Self {
        Self {
            yassir_test_mode: true,
            yabetoo_test_mode: true,
            coverage: crate::orders::Coverage {
                cameroon_unverified: true,
            },
            check_interval: Duration::from_secs(1),
            unknown_outcome_grace: Duration::from_secs(120),
            max_reconcile_interval: Duration::from_secs(300),
            order_token_ttl: Duration::from_secs(24 * 3600),
            max_confirms_in_flight: 256,
            max_confirms_per_client: 32,
            allowances: SharedAllowances::default(),
            live: false,
            reconcile_first_check: Duration::from_secs(1),
            reconcile_max_age: Duration::from_secs(7 * 24 * 3600),
            attention_after: Duration::from_secs(3600),
        }
    }
}

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
    clock: Clock,
    settings: ServiceSettings,
    /// When each in-flight payment is next due for a provider check.
    checks: outcome::CheckSchedule,
    /// One place per mobile-money confirmation running in the background.
    confirms: confirms::ConfirmPlaces,
    /// Payments with a check prompted by a provider notification still to run.
    notices: notices::PendingNotices,
}

use crate::ids::{random_alphanumeric, random_id};

/// A phone as the public payment read shows it: the country code and the last four digits
/// (`+242 ••• 4470`), enough for the shopper to recognise their own number.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return "•••".into();
    }
    let country: String = digits[..3].iter().collect();
    let last: String = digits[digits.len() - 4..].iter().collect();
    format!("+{country} ••• {last}")
}

/// A payment's own secret (about 190 bits), named after it so a merchant reading one knows whose.
fn new_client_secret(payment_id: &str) -> String {
    format!("{payment_id}_secret_{}", random_alphanumeric(32))
}

impl PaymentService {
    pub fn new(parts: ServiceParts, settings: ServiceSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                store: parts.store,
                orders: parts.orders,
                order_signer: parts.order_signer,
                yassir: parts.yassir,
                yabetoo: parts.yabetoo,
                clock: parts.clock,
                checks: outcome::CheckSchedule::default(),
                notices: notices::PendingNotices::default(),
                confirms: confirms::ConfirmPlaces::new(
                    settings.max_confirms_in_flight,
                    settings.max_confirms_per_client,
                ),
                settings,
            }),
        }
    }

    /// The clock the service reads.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Now, as times are stored.
    fn now_rfc3339(&self) -> String {
        self.inner.clock.now_rfc3339()
    }

    /// Whether the RFC 3339 moment `at`, plus `grace`, is in the past.
    fn passed(&self, at: Option<&str>, grace: Duration) -> bool {
        self.inner.clock.passed(at, grace)
    }

    /// The merchant events a write of a payment causes (the rule of `merchant_webhooks::events`, with
    /// whether payments are real), handed to every write so that the store writes them in the
    /// same transaction.
    fn events(
        &self,
    ) -> impl Fn(&PaymentRow, &PaymentRow) -> Vec<crate::store::NewEvent> + Send + Sync {
        let live = self.inner.settings.live;
        let clock = self.inner.clock.clone();
        move |before, after| {
            crate::merchant_webhooks::events::new_events(before, after, live, clock.unix_millis())
        }
    }

    /// Waits, up to `limit`, for the confirmations running in the background to record their
    /// outcome, and for the checks the providers' webhooks prompted: a shutdown that does not
    /// cut them off leaves less for reconcile to find out.
    pub async fn drain(&self, limit: Duration) -> bool {
        let started = std::time::Instant::now();
        let confirms = self.inner.confirms.drain(limit).await;
        // The checks providers' notifications prompted, in what is left of the time.
        let notices = self
            .inner
            .notices
            .drain(limit.saturating_sub(started.elapsed()))
            .await;
        confirms && notices
    }

    /// Waits, up to `limit`, for the checks the providers' notifications prompted (those under
    /// way and those waiting their turn); the confirmations are not waited for.
    pub async fn notice_checks_done(&self, limit: Duration) -> bool {
        self.inner.notices.drain(limit).await
    }

    /// The payments as the metrics count them.
    pub async fn counts(&self) -> Result<crate::store::PaymentCounts, ServiceError> {
        Ok(self.inner.store.counts().await?)
    }

    /// Whether the database answers: what makes the server ready for traffic.
    pub async fn store_ready(&self) -> Result<(), crate::store::StoreError> {
        self.inner.store.ping().await
    }

    /// Whether paying `order` moves no real money: its provider is reached with test
    /// credentials. An order is paid through one provider, chosen by its currency.
    pub fn test_mode(&self, order: &crate::orders::Order) -> bool {
        if self.offers(order, MethodKind::MobileMoney) {
            self.inner.settings.yabetoo_test_mode
        } else {
            self.inner.settings.yassir_test_mode
        }
    }

    /// Whether Yabetoo's test numbers are taken: keyed on its credentials, not on the mode.
    pub fn mobile_money_test_numbers(&self) -> bool {
        self.inner.settings.yabetoo_test_mode
    }

    /// The test numbers a checkout of `order` takes although no numbering plan does: the
    /// sandbox's, when the order is paid by mobile money and Yabetoo is reached with a test key;
    /// none otherwise (a live checkout refuses them).
    pub fn test_numbers(&self, order: &crate::orders::Order) -> Vec<String> {
        if self.offers(order, MethodKind::MobileMoney) && self.mobile_money_test_numbers() {
            checkout_sandbox::yabetoo::numbers::test_msisdns()
                .map(String::from)
                .collect()
        } else {
            Vec::new()
        }
    }

    /// The mobile-money countries offered.
    pub fn coverage(&self) -> crate::orders::Coverage {
        self.inner.settings.coverage
    }

    /// The methods offered for `order`.
    pub fn methods(&self, order: &crate::orders::Order) -> Vec<checkout_contract::MethodOffer> {
        order.methods(self.coverage())
    }

    pub fn offers(&self, order: &crate::orders::Order, method: MethodKind) -> bool {
        order.offers(method, self.coverage())
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
            amount_minor: row.amount_minor,
            currency: row.currency.clone(),
            country_alpha3: row.country_alpha3.clone(),
            language: row.language.clone(),
            expires_at: row.expires_at.clone(),
            wants_next_step: row.pay_url.is_none() && !row.status.is_final(),
        })
    }

    async fn load(&self, id: &str) -> Result<PaymentRow, ServiceError> {
        self.inner
            .store
            .get(id)
            .await?
            .ok_or_else(|| ServiceError::not_found(format!("no payment `{id}`")))
    }

    /// The payment `id` for the browser that presents its `client_secret`. A wrong secret is
    /// answered as an unknown id: nothing tells a guesser that the payment exists.
    pub(super) async fn load_for_shopper(
        &self,
        id: &str,
        client_secret: &str,
    ) -> Result<PaymentRow, ServiceError> {
        match self.inner.store.get(id).await? {
            Some(row) if crate::secrets::same(client_secret, &row.client_secret) => Ok(row),
            _ => Err(ServiceError::not_found(format!("no payment `{id}`"))),
        }
    }

    /// Writes `row` with a history line saying why.
    async fn write(
        &self,
        mut row: PaymentRow,
        detail: String,
    ) -> Result<PaymentRow, crate::store::StoreError> {
        row.updated_at = self.now_rfc3339();
        let change = StatusChange {
            status: row.status,
            at: row.updated_at.clone(),
            detail,
        };
        self.inner
            .store
            .update(&row, Some(&change), &self.events())
            .await
    }

    /// The shopper's view of a stored payment: what the widget needs and nothing more. The phone
    /// is masked (enough for the shopper to recognise it), and no secret is in it: the create
    /// hands the payment's own secret once ([`PaymentService::create`]).
    pub fn view(&self, row: &PaymentRow) -> Payment {
        let mut payment = self.full_view(row);
        payment.phone = payment.phone.as_deref().map(mask_phone);
        if let Some(NextAction::ApproveOnPhone { phone }) = &mut payment.next_action {
            *phone = mask_phone(phone);
        }
        payment
    }

    /// The merchant's view of a stored payment (behind the admin token).
    fn full_view(&self, row: &PaymentRow) -> Payment {
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
            (Some(code), Some(message)) if row.status.is_final() && !row.status.is_paid() => {
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
            // No secret in any read: the provider's stay on the server, the payment's own is
            // handed by the create alone.
            client_secret: None,
            phone: row.phone.clone(),
            end_user_message: row.end_user_message.clone(),
            support,
            failure,
            expires_at: row.expires_at.clone(),
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
        }
    }

    pub(super) async fn record(&self, row: PaymentRow) -> Result<PaymentRecord, ServiceError> {
        let history = self.inner.store.history(&row.id).await?;
        let operations = self
            .inner
            .store
            .operations(&row.id)
            .await?
            .into_iter()
            .map(|operation| checkout_contract::Operation {
                id: operation.id,
                kind: operation.kind.as_str().into(),
                state: operation.state.as_str().into(),
                amount_minor: operation.amount_minor,
                detail: operation.detail,
                created_at: operation.created_at,
                updated_at: operation.updated_at,
            })
            .collect();
        Ok(PaymentRecord {
            payment: self.full_view(&row),
            provider: row.provider.clone(),
            provider_intent_id: row.provider_intent_id.clone(),
            capture_method: row.capture_method,
            captured_minor: row.captured_minor,
            refunded_minor: row.refunded_minor,
            decided_by: row
                .decided_by
                .filter(|_| row.status.is_final())
                .map(|decider| decider.as_str().into()),
            attention: row.attention.map(|attention| checkout_contract::Attention {
                code: attention.as_str().into(),
                message: attention.message().into(),
            }),
            history,
            operations,
        })
    }

    pub async fn admin_get(&self, id: &str) -> Result<PaymentRecord, ServiceError> {
        let row = self.load(id).await?;
        let row = self.refresh(row).await;
        self.record(row).await
    }

    pub async fn admin_list(
        &self,
        filter: crate::store::ListFilter,
    ) -> Result<Vec<PaymentRecord>, ServiceError> {
        let rows = self.inner.store.list(&filter).await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            records.push(self.record(row).await?);
        }
        Ok(records)
    }
}

#[cfg(test)]
mod masking_tests {
    use super::mask_phone;

    #[test]
    fn phones_are_masked_to_the_country_and_the_last_four_digits() {
        assert_eq!(mask_phone("+213555000001"), "+213 ••• 0001");
        assert_eq!(mask_phone("242066594470"), "+242 ••• 4470");
        assert_eq!(mask_phone("12345"), "•••");
    }
}

#[cfg(test)]
mod tests;
