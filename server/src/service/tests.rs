//! The service against fakes behind its traits: a scripted provider and an in-memory store, so
//! each rule is checked natively, without HTTP.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use checkout_contract::{CaptureMethod, MethodKind, OrderState, PaymentStatus};

use super::*;
use crate::orders::{DemoCatalog, Order};
use crate::providers::{
    CreateIntent, ProviderError, ProviderIntent, ProviderStatus, SubmitDetails,
};
use crate::store::SqliteStore;

/// A provider answering from scripts, and counting what it was asked.
#[derive(Default)]
struct ScriptedProvider {
    submits: Mutex<VecDeque<Result<ProviderStatus, ProviderError>>>,
    checks: Mutex<VecDeque<Result<ProviderStatus, ProviderError>>>,
    asked: Mutex<Vec<&'static str>>,
}

impl ScriptedProvider {
    fn answer_submits(&self, answers: Vec<Result<ProviderStatus, ProviderError>>) {
        self.submits.lock().unwrap().extend(answers);
    }

    fn answer_checks(&self, answers: Vec<Result<ProviderStatus, ProviderError>>) {
        self.checks.lock().unwrap().extend(answers);
    }

    fn asked(&self) -> Vec<&'static str> {
        self.asked.lock().unwrap().clone()
    }

    /// How many status checks it was asked for so far.
    fn checks(&self) -> usize {
        self.asked().iter().filter(|what| **what == "check").count()
    }

    fn next(
        queue: &Mutex<VecDeque<Result<ProviderStatus, ProviderError>>>,
    ) -> Result<ProviderStatus, ProviderError> {
        queue
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Err(ProviderError::Timeout))
    }
}

#[async_trait]
impl PaymentProvider for ScriptedProvider {
    fn name(&self) -> &'static str {
        "yassir"
    }

    async fn create_intent(&self, _: &CreateIntent) -> Result<ProviderIntent, ProviderError> {
        self.asked.lock().unwrap().push("create");
        Ok(ProviderIntent {
            intent_id: "intent_1".into(),
            client_secret: "secret_1".into(),
            expires_at: None,
        })
    }

    async fn submit(
        &self,
        _: &IntentRef,
        _: &SubmitDetails,
    ) -> Result<ProviderStatus, ProviderError> {
        self.asked.lock().unwrap().push("submit");
        Self::next(&self.submits)
    }

    async fn check(&self, _: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        self.asked.lock().unwrap().push("check");
        Self::next(&self.checks)
    }

    async fn capture(
        &self,
        _: &IntentRef,
        _: Option<i64>,
    ) -> Result<ProviderStatus, ProviderError> {
        Err(ProviderError::Unsupported("not scripted".into()))
    }

    async fn release(&self, _: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        Err(ProviderError::Unsupported("not scripted".into()))
    }

    async fn refund(
        &self,
        _: &IntentRef,
        _: Option<i64>,
        _: &str,
        _: Option<&str>,
    ) -> Result<ProviderStatus, ProviderError> {
        Err(ProviderError::Unsupported("not scripted".into()))
    }
}

fn service(yassir: Arc<ScriptedProvider>, grace: Duration) -> PaymentService {
    service_with(
        yassir,
        ServiceSettings {
            check_interval: Duration::ZERO,
            unknown_outcome_grace: grace,
            ..ServiceSettings::default()
        },
    )
}

fn order(reference: &str) -> Order {
    Order {
        reference: reference.into(),
        description: "Two tickets".into(),
        amount_minor: 250_000,
        currency: "DZD".into(),
        capture: CaptureMethod::Direct,
        product: false,
        expires_at: None,
    }
}

/// A created payment's id and its `client_secret`.
async fn created(service: &PaymentService, key: &str, reference: &str) -> (String, String) {
    let new = NewPayment {
        idempotency_key: key.into(),
        order: order(reference),
        method: MethodKind::YassirCash,
        phone: Some("+213555000001".into()),
        language: None,
    };
    match service.create(new).await.unwrap() {
        Created::New(payment) | Created::Replayed(payment) => {
            (payment.id, payment.client_secret.unwrap())
        }
    }
}

fn otp_page() -> ProviderStatus {
    ProviderStatus {
        pay_url: Some("https://otp.example/1".into()),
        ..ProviderStatus::plain(PaymentStatus::RequiresAction, "statusCode 12")
    }
}

#[tokio::test]
async fn a_lost_proceed_answer_is_found_out_by_a_check_that_brings_the_otp_page() {
    let yassir = Arc::new(ScriptedProvider::default());
    let service = service(yassir.clone(), Duration::from_secs(60));
    let (id, secret) = created(&service, "k1", "INV-1").await;
    // The proceed's answer is lost; the check (which asks again for a page it is told is not
    // known: the adapter's part) shows it landed, with its OTP page.
    yassir.answer_submits(vec![Err(ProviderError::Timeout)]);
    yassir.answer_checks(vec![Ok(otp_page())]);
    let payment = service
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    assert_eq!(payment.status, PaymentStatus::RequiresAction);
    assert!(payment.next_action.is_some(), "{payment:?}");
    assert_eq!(yassir.asked(), ["create", "submit", "check"]);
}

#[tokio::test]
async fn an_unknown_outcome_becomes_final_only_on_the_providers_word() {
    let yassir = Arc::new(ScriptedProvider::default());
    let service = service(yassir.clone(), Duration::ZERO);
    let (id, secret) = created(&service, "k1", "INV-2").await;
    yassir.answer_submits(vec![Err(ProviderError::Unavailable("HTTP 502".into()))]);
    // Checks that say nothing: a failed check, an unknown status.
    yassir.answer_checks(vec![
        Err(ProviderError::Unavailable("HTTP 503".into())),
        Err(ProviderError::UnknownStatus("statusCode 99".into())),
        Err(ProviderError::Timeout),
    ]);
    let payment = service
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    assert_eq!(payment.status, PaymentStatus::Processing);
    for _ in 0..2 {
        assert_eq!(
            service.status(&id, &secret).await.unwrap().status,
            PaymentStatus::Processing
        );
    }
    // The provider says it was paid.
    yassir.answer_checks(vec![Ok(ProviderStatus::plain(
        PaymentStatus::Succeeded,
        "statusCode 2",
    ))]);
    assert_eq!(
        service.status(&id, &secret).await.unwrap().status,
        PaymentStatus::Succeeded
    );
}

#[tokio::test]
async fn a_payment_the_provider_never_received_fails_without_money_after_the_grace() {
    let yassir = Arc::new(ScriptedProvider::default());
    let service = service(yassir.clone(), Duration::ZERO);
    let (id, secret) = created(&service, "k1", "INV-3").await;
    yassir.answer_submits(vec![Err(ProviderError::Unavailable("reset".into()))]);
    yassir.answer_checks(vec![
        Ok(ProviderStatus::plain(
            PaymentStatus::Created,
            "statusCode 0",
        )),
        Ok(ProviderStatus::plain(
            PaymentStatus::Created,
            "statusCode 0",
        )),
    ]);
    service
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    service.clock().advance(Duration::from_millis(1));
    let payment = service.status(&id, &secret).await.unwrap();
    assert_eq!(payment.status, PaymentStatus::Failed);
    assert_eq!(payment.failure.unwrap().code, "not_submitted");
}

#[tokio::test]
async fn a_second_attempt_of_an_order_in_flight_is_refused_without_naming_the_first() {
    let yassir = Arc::new(ScriptedProvider::default());
    let service = service(yassir.clone(), Duration::from_secs(60));
    let (first, secret) = created(&service, "k1", "INV-4").await;
    yassir.answer_submits(vec![Ok(otp_page())]);
    service
        .submit(&first, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    let second = NewPayment {
        idempotency_key: "k2".into(),
        order: order("INV-4"),
        method: MethodKind::YassirCash,
        phone: Some("+213555000002".into()),
        language: None,
    };
    let Err(refused) = service.create(second).await else {
        panic!("a second payment of an order in flight was created");
    };
    let text = format!("{refused:?}");
    assert!(text.contains("order_in_progress"), "{text}");
    assert!(!text.contains(&first), "{text}");
    // Its own create's key still answers the first, with its secret.
    assert_eq!(created(&service, "k1", "INV-4").await, (first, secret));
}

#[tokio::test]
async fn a_payment_id_without_its_secret_reaches_nothing() {
    let yassir = Arc::new(ScriptedProvider::default());
    let service = service(yassir.clone(), Duration::from_secs(60));
    let (id, secret) = created(&service, "k1", "INV-7").await;
    assert!(secret.starts_with(&format!("{id}_secret_")), "{secret}");
    for wrong in ["", "pay_x_secret_y", &secret[..secret.len() - 1]] {
        let read = service.status(&id, wrong).await;
        assert!(
            matches!(&read, Err(error) if format!("{error:?}").contains("NotFound")),
            "{read:?}"
        );
        let submit = service
            .submit(&id, wrong, SubmitDetails::YassirCash, "203.0.113.7")
            .await;
        assert!(submit.is_err(), "{submit:?}");
    }
    assert_eq!(yassir.asked(), ["create"], "no submit reached the provider");
    let payment = service.status(&id, &secret).await.unwrap();
    assert_eq!(
        payment.client_secret, None,
        "a read never repeats the secret"
    );
}

/// A service on a manual clock ([`PaymentService::clock`] moves it).
fn service_with(yassir: Arc<ScriptedProvider>, settings: ServiceSettings) -> PaymentService {
    let store = SqliteStore::open(std::path::Path::new(":memory:")).unwrap();
    PaymentService::new(
        ServiceParts {
            store: Arc::new(store),
            orders: Arc::new(DemoCatalog::default()),
            order_signer: None,
            yassir: yassir.clone(),
            yabetoo: yassir,
            clock: Clock::manual(time::OffsetDateTime::now_utc()),
        },
        settings,
    )
}

#[tokio::test]
async fn reconcile_waits_its_first_interval_and_leaves_payments_past_the_age_limit() {
    let yassir = Arc::new(ScriptedProvider::default());
    let settings = ServiceSettings {
        check_interval: Duration::ZERO,
        reconcile_first_check: Duration::ZERO,
        max_reconcile_interval: Duration::ZERO,
        ..ServiceSettings::default()
    };
    let service = service_with(yassir.clone(), settings.clone());
    let (id, secret) = created(&service, "k1", "INV-5").await;
    yassir.answer_submits(vec![Ok(otp_page())]);
    service
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    let before = yassir.checks();
    // The first round only notes the payment; the next one checks it.
    service.reconcile().await;
    assert_eq!(yassir.checks(), before);
    yassir.answer_checks(vec![Ok(otp_page())]);
    service.reconcile().await;
    assert_eq!(yassir.checks(), before + 1);

    // The same in flight payment, past an age limit of zero: reconcile never asks.
    let old = Arc::new(ScriptedProvider::default());
    let service = service_with(
        old.clone(),
        ServiceSettings {
            reconcile_max_age: Duration::ZERO,
            ..settings
        },
    );
    let (id, secret) = created(&service, "k1", "INV-6").await;
    old.answer_submits(vec![Ok(otp_page())]);
    service
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    service.clock().advance(Duration::from_millis(1));
    let before = old.checks();
    for _ in 0..3 {
        service.reconcile().await;
    }
    assert_eq!(old.checks(), before);
}

#[tokio::test]
async fn the_checkout_tells_an_order_open_in_flight_or_paid_and_a_product_always_open() {
    let yassir = Arc::new(ScriptedProvider::default());
    let service = service(yassir.clone(), Duration::from_secs(60));
    let state = |reference| {
        let service = &service;
        async move { service.order_state(&order(reference)).await.unwrap() }
    };
    assert_eq!(state("INV-6").await, OrderState::Open);
    // Created but not sent to the provider: nobody is paying it yet.
    let (id, secret) = created(&service, "k1", "INV-6").await;
    assert_eq!(state("INV-6").await, OrderState::Open);

    yassir.answer_submits(vec![Ok(otp_page())]);
    service
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    // Brought up to date first: still on the OTP page.
    yassir.answer_checks(vec![Ok(otp_page())]);
    assert_eq!(state("INV-6").await, OrderState::InFlight);
    // Paid since: the check that the load makes finds it.
    yassir.answer_checks(vec![Ok(ProviderStatus::plain(
        PaymentStatus::Succeeded,
        "statusCode 2",
    ))]);
    assert_eq!(state("INV-6").await, OrderState::Paid);

    let product = Order {
        product: true,
        ..order("INV-6")
    };
    assert_eq!(
        service.order_state(&product).await.unwrap(),
        OrderState::Open,
        "each checkout of a product is an order of its own"
    );
}

#[tokio::test]
async fn an_attempt_that_ended_unpaid_leaves_the_order_open() {
    let yassir = Arc::new(ScriptedProvider::default());
    let service = service(yassir.clone(), Duration::from_secs(60));
    let (id, secret) = created(&service, "k1", "INV-7").await;
    yassir.answer_submits(vec![Ok(otp_page())]);
    service
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    yassir.answer_checks(vec![Ok(ProviderStatus::plain(
        PaymentStatus::Rejected,
        "statusCode 4",
    ))]);
    assert_eq!(
        service.order_state(&order("INV-7")).await.unwrap(),
        OrderState::Open
    );
}

#[tokio::test]
async fn reconcile_checks_a_payment_again_as_its_backoff_elapses_on_the_services_clock() {
    let yassir = Arc::new(ScriptedProvider::default());
    let service = service_with(
        yassir.clone(),
        ServiceSettings {
            reconcile_first_check: Duration::from_secs(60),
            max_reconcile_interval: Duration::from_secs(300),
            ..ServiceSettings::default()
        },
    );
    let (id, secret) = created(&service, "k1", "INV-8").await;
    yassir.answer_submits(vec![Ok(otp_page())]);
    service
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    yassir.answer_checks((0..3).map(|_| Ok(otp_page())).collect());
    let before = yassir.checks();
    let mut checked_at = Vec::new();
    // Ten minutes, a round every ten seconds as the background runs them.
    for round in 0..60 {
        let seen = yassir.checks();
        service.reconcile().await;
        if yassir.checks() > seen {
            checked_at.push(round * 10);
        }
        service.clock().advance(Duration::from_secs(10));
    }
    // Nothing changes at the provider: 60 s after it was first seen, then 120 s, then 240 s
    // later, then every 300 s.
    assert_eq!(checked_at, [60, 180, 420], "{:?}", yassir.asked());
    assert_eq!(yassir.checks(), before + 3);
}

#[test]
fn only_an_open_payment_without_its_page_asks_the_provider_for_it_again() {
    let mut open = PaymentRow::sample(PaymentStatus::RequiresAction);
    open.pay_url = None;
    assert!(PaymentService::intent_ref(&open).unwrap().wants_next_step);
    let mut shown = open.clone();
    shown.pay_url = Some("https://pay.example/otp".into());
    assert!(!PaymentService::intent_ref(&shown).unwrap().wants_next_step);
    // Closed by the server on its own clock: checked again, but no code re-sent to the shopper.
    let mut closed = open.clone();
    closed.status = PaymentStatus::Failed;
    assert!(!PaymentService::intent_ref(&closed).unwrap().wants_next_step);
}

/// Two servers on one database: a shopper's polls reaching both within the check interval ask
/// the provider once.
#[tokio::test]
async fn polls_reaching_two_servers_check_the_provider_once_per_interval() {
    let yassir = Arc::new(ScriptedProvider::default());
    let store = Arc::new(SqliteStore::open(std::path::Path::new(":memory:")).unwrap());
    let clock = Clock::manual(time::OffsetDateTime::now_utc());
    let server = || {
        PaymentService::new(
            ServiceParts {
                store: store.clone(),
                orders: Arc::new(DemoCatalog::default()),
                order_signer: None,
                yassir: yassir.clone(),
                yabetoo: yassir.clone(),
                clock: clock.clone(),
            },
            ServiceSettings {
                check_interval: Duration::from_secs(60),
                ..ServiceSettings::default()
            },
        )
    };
    let (first, second) = (server(), server());
    let (id, secret) = created(&first, "k1", "INV-1").await;
    yassir.answer_submits(vec![Ok(otp_page())]);
    first
        .submit(&id, &secret, SubmitDetails::YassirCash, "203.0.113.7")
        .await
        .unwrap();
    let before = yassir.checks();

    yassir.answer_checks(vec![Ok(otp_page()), Ok(otp_page())]);
    first.status(&id, &secret).await.unwrap();
    assert_eq!(yassir.checks(), before + 1);
    second.status(&id, &secret).await.unwrap();
    first.status(&id, &secret).await.unwrap();
    assert_eq!(yassir.checks(), before + 1, "{:?}", yassir.asked());
}
