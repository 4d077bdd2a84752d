//! One contract, two stores: each behaviour the service relies on runs against SQLite (a file in
//! a temporary folder) and against PostgreSQL (a throwaway cluster of this test binary's own,
//! a database per test). Concurrent cases run on several threads: on PostgreSQL they are
//! decided by the database, as between several servers.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use checkout_contract::{CaptureMethod, MethodKind, PaymentStatus, StatusChange};
use checkout_server::store::outbox::{
    AttemptResult, AttemptRow, DeliveryState, EventFilter, WebhookStore,
};
use checkout_server::store::{
    Allowance, Attention, Decider, Inserted, ListFilter, OperationKind, OperationRow,
    OperationState, PaymentRow, PaymentStore, PgStore, SqliteStore, StoreError,
};

/// Runs every named behaviour once per store.
macro_rules! on_both_stores {
    ($($behaviour:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $behaviour() {
                    let dir = tempfile::tempdir().unwrap();
                    let store = super::SqliteStore::open(&dir.path().join("store.sqlite3")).unwrap();
                    super::$behaviour(std::sync::Arc::new(store)).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $behaviour() {
                    let url = super::common::postgres::database_url().await;
                    let store = super::PgStore::open(&url).await.unwrap();
                    super::$behaviour(std::sync::Arc::new(store)).await;
                }
            )*
        }
    };
}

on_both_stores!(
    one_key_inserted_twice_at_once_is_one_payment,
    a_write_on_a_stale_version_is_refused,
    paid_twice_is_decided_in_the_write,
    paid_twice_is_decided_once_when_both_are_paid_at_once,
    an_order_is_taken_by_one_payment_at_a_time,
    two_payments_taking_one_order_at_once_give_it_to_one,
    followed_up_payments_and_counts,
    operations_are_kept_under_their_keys,
    a_payment_change_writes_its_event_and_deliveries,
    concurrent_claims_never_share_a_delivery_and_leases_run_out,
    a_provider_notice_is_taken_once,
    pruning_forgets_what_is_old_and_over,
    a_payment_lock_has_one_holder_at_a_time,
    an_allowance_is_counted_once_however_many_ask_at_once,
    a_lease_is_claimed_by_one_until_it_runs_out,
);

/// The service's rule for the merchant events a write causes, as the server hands it over.
fn events(before: &PaymentRow, after: &PaymentRow) -> Vec<checkout_server::store::NewEvent> {
    checkout_server::merchant_webhooks::events::new_events(before, after, false, service_now())
}

trait Store: PaymentStore + WebhookStore + 'static {}
impl<S: PaymentStore + WebhookStore + 'static> Store for S {}

const AT: &str = "2026-01-01T00:00:00Z";

/// A payment of 1500.00 DZD by Yassir Cash, created in `status`.
fn payment(id: &str, order: &str, status: PaymentStatus) -> PaymentRow {
    PaymentRow {
        id: id.into(),
        idempotency_key: format!("key_{id}"),
        request_fingerprint: "fingerprint".into(),
        order_ref: order.into(),
        description: "an order".into(),
        method: MethodKind::YassirCash,
        provider: "yassir".into(),
        amount_minor: 150_000,
        currency: "DZD".into(),
        country_alpha3: "DZA".into(),
        capture_method: CaptureMethod::Direct,
        phone: Some("+213555000001".into()),
        status,
        provider_intent_id: Some(format!("intent_{id}")),
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
        order_expires_at: None,
        outcome_unknown: None,
        language: Some("fr".into()),
        submitted_at: None,
        decided_by: None,
        attention: None,
        client_secret: format!("{id}_secret"),
        created_at: AT.into(),
        updated_at: AT.into(),
        version: 1,
    }
}

fn change(status: PaymentStatus) -> StatusChange {
    StatusChange {
        status,
        at: AT.into(),
        detail: format!("now {}", status.as_str()),
    }
}

/// `row` inserted; panics if its key was taken.
async fn insert(store: &impl Store, row: PaymentRow) -> PaymentRow {
    assert_eq!(store.insert_or_get(&row).await.unwrap(), Inserted::New);
    row
}

/// `row` moved to `status` (a plain write).
async fn moved(store: &impl Store, row: &PaymentRow, status: PaymentStatus) -> PaymentRow {
    let next = PaymentRow {
        status,
        ..row.clone()
    };
    store
        .update(&next, Some(&change(status)), &events)
        .await
        .unwrap()
}

async fn one_key_inserted_twice_at_once_is_one_payment(store: Arc<impl Store>) {
    for round in 0..5 {
        let first = payment(&format!("pay_a{round}"), "INV-1", PaymentStatus::Created);
        let second = PaymentRow {
            id: format!("pay_b{round}"),
            idempotency_key: first.idempotency_key.clone(),
            ..first.clone()
        };
        let (a, b) = tokio::join!(
            tokio::spawn({
                let (store, row) = (store.clone(), first.clone());
                async move { store.insert_or_get(&row).await.unwrap() }
            }),
            tokio::spawn({
                let (store, row) = (store.clone(), second.clone());
                async move { store.insert_or_get(&row).await.unwrap() }
            }),
        );
        let (winner, existing) = match (a.unwrap(), b.unwrap()) {
            (Inserted::New, Inserted::Existing(existing)) => (&first, existing),
            (Inserted::Existing(existing), Inserted::New) => (&second, existing),
            other => panic!("one insert wins, the other reads it: {other:?}"),
        };
        assert_eq!(&existing, winner);
        let loser = if winner.id == first.id {
            &second
        } else {
            &first
        };
        assert_eq!(store.get(&loser.id).await.unwrap(), None);
        assert_eq!(store.history(&winner.id).await.unwrap().len(), 1);
    }
}

async fn a_write_on_a_stale_version_is_refused(store: Arc<impl Store>) {
    let row = insert(&*store, payment("pay_1", "INV-1", PaymentStatus::Created)).await;
    let written = moved(&*store, &row, PaymentStatus::Processing).await;
    assert_eq!(written.version, 2);
    let stale = PaymentRow {
        status: PaymentStatus::Canceled,
        ..row.clone()
    };
    assert!(matches!(
        store.update(&stale, None, &events).await,
        Err(StoreError::Conflict)
    ));
    let stored = store.get("pay_1").await.unwrap().unwrap();
    assert_eq!(
        (stored.status, stored.version),
        (PaymentStatus::Processing, 2)
    );
    assert_eq!(
        store.get_by_intent("intent_pay_1").await.unwrap(),
        Some(stored)
    );
    let history: Vec<_> = store
        .history("pay_1")
        .await
        .unwrap()
        .into_iter()
        .map(|change| change.status)
        .collect();
    assert_eq!(history, [PaymentStatus::Created, PaymentStatus::Processing]);
    // Two writes of one version at once: one is written, the other refused.
    let (a, b) = tokio::join!(
        tokio::spawn({
            let (store, row) = (store.clone(), written.clone());
            async move { moved_or_refused(&*store, &row, PaymentStatus::Succeeded).await }
        }),
        tokio::spawn({
            let (store, row) = (store.clone(), written.clone());
            async move { moved_or_refused(&*store, &row, PaymentStatus::Failed).await }
        }),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "exactly one write of version 2");
    assert_eq!(store.get("pay_1").await.unwrap().unwrap().version, 3);
}

/// 1 when written, 0 when refused as stale.
async fn moved_or_refused(store: &impl Store, row: &PaymentRow, status: PaymentStatus) -> u32 {
    let next = PaymentRow {
        status,
        ..row.clone()
    };
    match store.update(&next, Some(&change(status)), &events).await {
        Ok(_) => 1,
        Err(StoreError::Conflict) => 0,
        Err(other) => panic!("{other}"),
    }
}

/// What `row` becomes when paid, and its reading as paid twice.
fn paid(row: &PaymentRow) -> (PaymentRow, PaymentRow) {
    let paid = PaymentRow {
        status: PaymentStatus::Succeeded,
        decided_by: Some(Decider::Provider),
        captured_minor: row.amount_minor,
        ..row.clone()
    };
    let twice = PaymentRow {
        attention: Some(Attention::PaidTwice),
        ..paid.clone()
    };
    (paid, twice)
}

async fn paid_twice_is_decided_in_the_write(store: Arc<impl Store>) {
    let a = insert(
        &*store,
        payment("pay_a", "INV-1", PaymentStatus::Processing),
    )
    .await;
    let b = insert(
        &*store,
        payment("pay_b", "INV-1", PaymentStatus::Processing),
    )
    .await;
    let (a_paid, a_twice) = paid(&a);
    let written = store
        .update_paid(
            &a_paid,
            &a_twice,
            &change(PaymentStatus::Succeeded),
            &events,
        )
        .await
        .unwrap();
    assert_eq!(written.attention, None);
    let (b_paid, b_twice) = paid(&b);
    let written = store
        .update_paid(
            &b_paid,
            &b_twice,
            &change(PaymentStatus::Succeeded),
            &events,
        )
        .await
        .unwrap();
    assert_eq!(written.attention, Some(Attention::PaidTwice));
    assert_eq!(
        store.get("pay_b").await.unwrap().unwrap().attention,
        Some(Attention::PaidTwice)
    );
    // A paid payment takes its order before one waiting for the merchant.
    assert_eq!(
        store
            .order_attempt("INV-1")
            .await
            .unwrap()
            .map(|row| row.id),
        Some("pay_a".into())
    );
}

async fn paid_twice_is_decided_once_when_both_are_paid_at_once(store: Arc<impl Store>) {
    for round in 0..5 {
        let order = format!("INV-{round}");
        let rows = [
            insert(
                &*store,
                payment(&format!("pay_a{round}"), &order, PaymentStatus::Processing),
            )
            .await,
            insert(
                &*store,
                payment(&format!("pay_b{round}"), &order, PaymentStatus::Processing),
            )
            .await,
        ];
        let tasks = rows.map(|row| {
            let store = store.clone();
            tokio::spawn(async move {
                let (paid, twice) = paid(&row);
                store
                    .update_paid(&paid, &twice, &change(PaymentStatus::Succeeded), &events)
                    .await
                    .unwrap()
            })
        });
        let mut twice = 0;
        for task in tasks {
            twice += usize::from(task.await.unwrap().attention == Some(Attention::PaidTwice));
        }
        assert_eq!(twice, 1, "one payment is paid, the other paid twice");
    }
}

/// `row` sent to its provider: what the submit writes.
fn submitted(row: &PaymentRow) -> PaymentRow {
    PaymentRow {
        status: PaymentStatus::Processing,
        submitted_at: Some(AT.into()),
        ..row.clone()
    }
}

async fn an_order_is_taken_by_one_payment_at_a_time(store: Arc<impl Store>) {
    let a = insert(&*store, payment("pay_a", "INV-1", PaymentStatus::Created)).await;
    let b = insert(&*store, payment("pay_b", "INV-1", PaymentStatus::Created)).await;
    assert_eq!(store.order_attempt("INV-1").await.unwrap(), None);
    let claimed = store
        .update_taking_order(&submitted(&a), &change(PaymentStatus::Processing), &events)
        .await
        .unwrap();
    match store
        .update_taking_order(&submitted(&b), &change(PaymentStatus::Processing), &events)
        .await
    {
        Err(StoreError::OrderTaken {
            payment_id,
            status,
            on_hold,
        }) => {
            assert_eq!(payment_id, "pay_a");
            assert_eq!(status, PaymentStatus::Processing);
            assert!(!on_hold);
        }
        other => panic!("the order is taken: {other:?}"),
    }
    assert_eq!(store.get("pay_b").await.unwrap().unwrap().version, 1);
    assert_eq!(
        store.order_attempt("INV-1").await.unwrap(),
        Some(claimed.clone())
    );
    // Once the first failed, the order is free again.
    moved(&*store, &claimed, PaymentStatus::Failed).await;
    store
        .update_taking_order(&submitted(&b), &change(PaymentStatus::Processing), &events)
        .await
        .unwrap();
    // A payment waiting for the merchant holds its order too.
    let c = insert(&*store, payment("pay_c", "INV-2", PaymentStatus::Created)).await;
    let held = PaymentRow {
        status: PaymentStatus::Failed,
        attention: Some(Attention::NoDefiniteAnswer),
        ..c
    };
    store.update(&held, None, &events).await.unwrap();
    let d = insert(&*store, payment("pay_d", "INV-2", PaymentStatus::Created)).await;
    assert!(matches!(
        store
            .update_taking_order(&submitted(&d), &change(PaymentStatus::Processing), &events)
            .await,
        Err(StoreError::OrderTaken { on_hold: true, .. })
    ));
}

async fn two_payments_taking_one_order_at_once_give_it_to_one(store: Arc<impl Store>) {
    for round in 0..5 {
        let order = format!("INV-{round}");
        let rows = [
            insert(
                &*store,
                payment(&format!("pay_a{round}"), &order, PaymentStatus::Created),
            )
            .await,
            insert(
                &*store,
                payment(&format!("pay_b{round}"), &order, PaymentStatus::Created),
            )
            .await,
        ];
        let tasks = rows.map(|row| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .update_taking_order(
                        &submitted(&row),
                        &change(PaymentStatus::Processing),
                        &events,
                    )
                    .await
            })
        });
        let mut won = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => won += 1,
                Err(StoreError::OrderTaken { .. }) => {}
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(won, 1, "one payment takes the order");
    }
}

async fn followed_up_payments_and_counts(store: Arc<impl Store>) {
    let mut in_flight = payment("pay_1", "INV-1", PaymentStatus::Processing);
    in_flight.outcome_unknown = Some("HTTP 503".into());
    insert(&*store, in_flight).await;
    insert(&*store, payment("pay_2", "INV-2", PaymentStatus::Created)).await;
    let mut paid = payment("pay_3", "INV-3", PaymentStatus::Succeeded);
    paid.decided_by = Some(Decider::Provider);
    insert(&*store, paid).await;
    let mut provisional = payment("pay_4", "INV-4", PaymentStatus::Expired);
    provisional.decided_by = Some(Decider::Server);
    provisional.submitted_at = Some(AT.into());
    insert(&*store, provisional).await;
    let mut merchant = payment("pay_5", "INV-5", PaymentStatus::Succeeded);
    merchant.decided_by = Some(Decider::Merchant);
    insert(&*store, merchant).await;
    let mut waiting = payment("pay_6", "INV-6", PaymentStatus::Failed);
    waiting.attention = Some(Attention::AmountMismatch);
    insert(&*store, waiting).await;
    let mut no_intent = payment("pay_7", "INV-7", PaymentStatus::Processing);
    no_intent.provider_intent_id = None;
    insert(&*store, no_intent).await;
    // Created a second later each, so that the order is the creation order.
    let mut later = payment("pay_8", "INV-8", PaymentStatus::RequiresAction);
    later.created_at = "2026-01-01T00:00:01Z".into();
    insert(&*store, later).await;

    let followed: Vec<String> = store
        .list_followed_up()
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    let mut first_second: Vec<_> = followed[..followed.len() - 1].to_vec();
    first_second.sort();
    assert_eq!(first_second, ["pay_1", "pay_4", "pay_5", "pay_6"]);
    assert_eq!(followed.last().map(String::as_str), Some("pay_8"));

    let counts = store.counts().await.unwrap();
    let mut by_status = counts.by_status.clone();
    by_status.sort();
    let expected: Vec<(String, i64)> = [
        ("created", 1),
        ("expired", 1),
        ("failed", 1),
        ("processing", 2),
        ("requires_action", 1),
        ("succeeded", 2),
    ]
    .into_iter()
    .map(|(status, count)| (status.to_owned(), count))
    .collect();
    assert_eq!(by_status, expected);
    assert_eq!(
        (counts.outcome_unknown, counts.followed_up, counts.attention),
        (1, 5, 1)
    );
    store.ping().await.unwrap();

    let listed: Vec<String> = store
        .list(&ListFilter {
            status: Some(PaymentStatus::Processing),
            order_ref: None,
            limit: 10,
        })
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    assert_eq!(listed, ["pay_7", "pay_1"], "newest first, then by id");
    let newest = store
        .list(&ListFilter {
            limit: 2,
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(newest[0].id, "pay_8");
    assert_eq!(newest.len(), 2);
    let of_order = store
        .list(&ListFilter {
            order_ref: Some("INV-3".into()),
            limit: 10,
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(of_order.len(), 1);
    assert_eq!(of_order[0].decided_by, Some(Decider::Provider));
}

fn capture(payment: &PaymentRow, key: &str, amount_minor: i64) -> OperationRow {
    OperationRow {
        id: format!("op_{key}"),
        payment_id: payment.id.clone(),
        kind: OperationKind::Capture,
        idempotency_key: key.into(),
        request_fingerprint: format!("capture {amount_minor}"),
        amount_minor,
        requested_minor: Some(amount_minor),
        description: None,
        reason: None,
        state: OperationState::Pending,
        status_before: payment.status,
        detail: None,
        created_at: AT.into(),
        updated_at: AT.into(),
    }
}

async fn operations_are_kept_under_their_keys(store: Arc<impl Store>) {
    let mut row = payment("pay_1", "INV-1", PaymentStatus::PreAuthorized);
    row.capture_method = CaptureMethod::Reservation;
    let row = insert(&*store, row).await;
    let operation = capture(&row, "k1", 150_000);
    assert_eq!(
        store.insert_operation(&operation).await.unwrap(),
        Inserted::New
    );
    let replay = OperationRow {
        id: "op_other".into(),
        ..operation.clone()
    };
    assert_eq!(
        store.insert_operation(&replay).await.unwrap(),
        Inserted::Existing(operation.clone())
    );
    let reused = OperationRow {
        id: "op_reused".into(),
        ..capture(&row, "k1", 100)
    };
    assert!(matches!(
        store.insert_operation(&reused).await,
        Err(StoreError::KeyReused)
    ));
    // The same key for another kind is another operation.
    let release = OperationRow {
        id: "op_release".into(),
        kind: OperationKind::Release,
        ..operation.clone()
    };
    assert_eq!(
        store.insert_operation(&release).await.unwrap(),
        Inserted::New
    );
    assert_eq!(store.unfinished_operations().await.unwrap().len(), 2);

    // A finish whose payment is stale writes nothing, the operation included.
    let captured = PaymentRow {
        status: PaymentStatus::Succeeded,
        captured_minor: 150_000,
        ..row.clone()
    };
    let done = OperationRow {
        state: OperationState::Succeeded,
        detail: Some("captured".into()),
        updated_at: "2026-01-01T00:00:05Z".into(),
        ..operation.clone()
    };
    let stale = PaymentRow {
        version: 7,
        ..captured.clone()
    };
    assert!(matches!(
        store
            .finish_operation(
                &done,
                Some((&stale, &change(PaymentStatus::Succeeded))),
                &events
            )
            .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        store.operations("pay_1").await.unwrap()[0].state,
        OperationState::Pending
    );
    store
        .finish_operation(
            &done,
            Some((&captured, &change(PaymentStatus::Succeeded))),
            &events,
        )
        .await
        .unwrap();
    let stored = store.get("pay_1").await.unwrap().unwrap();
    assert_eq!(
        (stored.status, stored.version),
        (PaymentStatus::Succeeded, 2)
    );
    let operations = store.operations("pay_1").await.unwrap();
    assert_eq!(operations.len(), 2);
    assert_eq!(operations[0], done);
    let refused = OperationRow {
        state: OperationState::Refused,
        ..release
    };
    store
        .finish_operation(&refused, None, &events)
        .await
        .unwrap();
    assert!(store.unfinished_operations().await.unwrap().is_empty());
}

const HOOK_A: &str = "https://shop.example/hooks/a";
const HOOK_B: &str = "https://shop.example/hooks/b";

/// `count` payments of their own paid: one `payment.succeeded` event each.
async fn paid_payments(store: &impl Store, count: usize) -> Vec<PaymentRow> {
    let mut rows = Vec::new();
    for n in 0..count {
        let row = insert(
            store,
            payment(
                &format!("pay_{n}"),
                &format!("INV-{n}"),
                PaymentStatus::Processing,
            ),
        )
        .await;
        rows.push(moved(store, &row, PaymentStatus::Succeeded).await);
    }
    rows
}

async fn a_payment_change_writes_its_event_and_deliveries(store: Arc<impl Store>) {
    // An event written before any endpoint has no delivery.
    let early = paid_payments(&*store, 1).await;
    store
        .set_endpoints(&[HOOK_A.to_owned(), HOOK_B.to_owned()])
        .await
        .unwrap();
    let row = insert(
        &*store,
        payment("pay_x", "INV-X", PaymentStatus::Processing),
    )
    .await;
    moved(&*store, &row, PaymentStatus::Succeeded).await;
    let events = store
        .events(&EventFilter {
            payment_id: Some("pay_x".into()),
            limit: 10,
            ..EventFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "payment.succeeded");
    assert_eq!(
        store.event(&events[0].id).await.unwrap().as_ref(),
        Some(&events[0])
    );
    assert_eq!(store.event("evt_none").await.unwrap(), None);
    let deliveries = store.deliveries(&events[0].id).await.unwrap();
    let urls: Vec<_> = deliveries
        .iter()
        .map(|(delivery, _)| delivery.url.as_str())
        .collect();
    assert_eq!(urls, [HOOK_A, HOOK_B]);
    // A write refused as stale writes no event either.
    assert!(store
        .update(
            &PaymentRow {
                status: PaymentStatus::Refunded,
                ..row
            },
            None,
            &self::events
        )
        .await
        .is_err());
    assert_eq!(
        store
            .events(&EventFilter {
                limit: 10,
                ..EventFilter::default()
            })
            .await
            .unwrap()
            .len(),
        2
    );

    let first = store
        .events(&EventFilter {
            payment_id: Some(early[0].id.clone()),
            limit: 10,
            ..EventFilter::default()
        })
        .await
        .unwrap();
    assert!(store.deliveries(&first[0].id).await.unwrap().is_empty());
    // Its replay sends it to today's endpoints.
    assert!(store.replay(&first[0].id, 5).await.unwrap());
    assert_eq!(store.deliveries(&first[0].id).await.unwrap().len(), 2);
    assert!(!store.replay("evt_none", 5).await.unwrap());
}

async fn concurrent_claims_never_share_a_delivery_and_leases_run_out(store: Arc<impl Store>) {
    store
        .set_endpoints(&[HOOK_A.to_owned(), HOOK_B.to_owned()])
        .await
        .unwrap();
    paid_payments(&*store, 6).await;
    // Rounds of claimers at once, each round once the leases of the one before ran out.
    let start = service_now();
    for round in 0..20 {
        let at = start + round * 1_000;
        claim_all_at_once(&store, at, at + 999).await;
    }
    let now = start + 20_000;
    let lease = now + 60_000;
    let claimed = claim_all_at_once(&store, now, lease).await;
    // Leased: none is due again before its lease runs out.
    assert!(store
        .claim_due(now + 1_000, now + 61_000, 20)
        .await
        .unwrap()
        .is_empty());

    let delivered = claimed[0].delivery.id;
    let retried = claimed[1].delivery.id;
    let abandoned = claimed[2].delivery.id;
    let attempt = |status| AttemptRow {
        at: AT.into(),
        status,
        error: (status != Some(200)).then(|| "HTTP 500".to_owned()),
        duration_ms: 12,
    };
    store
        .record_attempt(delivered, &attempt(Some(200)), AttemptResult::Delivered)
        .await
        .unwrap();
    store
        .record_attempt(
            retried,
            &attempt(Some(500)),
            AttemptResult::RetryAt(lease + 30_000),
        )
        .await
        .unwrap();
    store
        .record_attempt(abandoned, &attempt(None), AttemptResult::GaveUp)
        .await
        .unwrap();

    // Past the lease the other nine are due again, oldest event first; the one retried later.
    let again = store
        .claim_due(lease + 1, lease + 60_000, 20)
        .await
        .unwrap();
    assert_eq!(again.len(), 9);
    let seen: Vec<&str> = again
        .iter()
        .map(|due| due.event.payment_id.as_str())
        .collect();
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "oldest event first");
    let later = store
        .claim_due(lease + 60_001, lease + 120_000, 20)
        .await
        .unwrap();
    assert_eq!(later.len(), 10);
    assert!(later.iter().any(|due| due.delivery.id == retried));

    let event = &claimed[0].event;
    let deliveries = store.deliveries(&event.id).await.unwrap();
    let (row, attempts) = deliveries
        .iter()
        .find(|(delivery, _)| delivery.id == delivered)
        .unwrap();
    assert_eq!(row.state, DeliveryState::Delivered);
    assert_eq!((row.attempts, row.delivered_at.as_deref()), (1, Some(AT)));
    assert_eq!(attempts, &[attempt(Some(200))]);
    let mut counts = store.delivery_counts().await.unwrap();
    counts.sort();
    assert_eq!(
        counts,
        [
            ("delivered".to_owned(), 1),
            ("gave_up".to_owned(), 1),
            ("pending".to_owned(), 10)
        ]
    );
    // A replay makes what was over due again.
    assert!(store.replay(&event.id, lease + 120_001).await.unwrap());
    let replayed = store
        .claim_due(lease + 120_001, lease + 180_000, 20)
        .await
        .unwrap();
    assert!(replayed.iter().any(|due| due.delivery.id == delivered));
    // Deliveries to an endpoint no longer configured are not claimed.
    store.set_endpoints(&[HOOK_A.to_owned()]).await.unwrap();
    let only_a = store.claim_due(i64::MAX - 1, i64::MAX, 20).await.unwrap();
    assert!(!only_a.is_empty());
    assert!(only_a.iter().all(|due| due.delivery.url == HOOK_A));
}

/// Six claimers at once, then one more: every delivery due (twelve) claimed exactly once.
async fn claim_all_at_once(
    store: &Arc<impl Store>,
    now: i64,
    lease: i64,
) -> Vec<checkout_server::store::outbox::DueDelivery> {
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.claim_due(now, lease, 3).await.unwrap() })
        })
        .collect();
    let mut claimed = Vec::new();
    for task in tasks {
        claimed.extend(task.await.unwrap());
    }
    claimed.extend(store.claim_due(now, lease, 12).await.unwrap());
    let ids: HashSet<i64> = claimed.iter().map(|due| due.delivery.id).collect();
    assert_eq!(ids.len(), claimed.len(), "no delivery claimed twice");
    assert_eq!(ids.len(), 12);
    claimed
}

fn service_now() -> i64 {
    checkout_server::clock::Clock::system().unix_millis()
}

async fn a_provider_notice_is_taken_once(store: Arc<impl Store>) {
    assert!(store.record_inbound("yassir", "n1", AT).await.unwrap());
    assert!(!store.record_inbound("yassir", "n1", AT).await.unwrap());
    assert!(store.record_inbound("yabetoo", "n1", AT).await.unwrap());
    for round in 0..5 {
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .record_inbound("yassir", &format!("race{round}"), AT)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut new = 0;
        for task in tasks {
            new += usize::from(task.await.unwrap());
        }
        assert_eq!(new, 1, "one of the servers receiving it at once takes it");
    }
}

async fn pruning_forgets_what_is_old_and_over(store: Arc<impl Store>) {
    store.set_endpoints(&[HOOK_A.to_owned()]).await.unwrap();
    paid_payments(&*store, 2).await;
    let due = store
        .claim_due(service_now(), service_now() + 60_000, 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 2);
    let done = &due[0];
    store
        .record_attempt(
            done.delivery.id,
            &AttemptRow {
                at: AT.into(),
                status: Some(204),
                error: None,
                duration_ms: 3,
            },
            AttemptResult::Delivered,
        )
        .await
        .unwrap();
    assert!(store
        .record_inbound("yassir", "old", "2026-01-01T00:00:00Z")
        .await
        .unwrap());
    assert!(store
        .record_inbound("yassir", "new", "2999-06-01T00:00:00Z")
        .await
        .unwrap());

    let (notices, events) = store.prune("2999-01-01T00:00:00Z").await.unwrap();
    assert_eq!((notices, events), (1, 1));
    let left: Vec<String> = store
        .events(&EventFilter {
            limit: 10,
            ..EventFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.id)
        .collect();
    assert_eq!(left, [due[1].event.id.clone()], "the pending one is kept");
    assert_eq!(store.event(&done.event.id).await.unwrap(), None);
    assert!(store.deliveries(&done.event.id).await.unwrap().is_empty());
    // A notification forgotten may be taken again; one kept is still a duplicate.
    assert!(store.record_inbound("yassir", "old", AT).await.unwrap());
    assert!(!store.record_inbound("yassir", "new", AT).await.unwrap());
    assert_eq!(store.prune("2000-01-01T00:00:00Z").await.unwrap(), (0, 0));
}

/// A database whose schema has a migration this version does not know was written by a newer
/// server: the store refuses it, and the server does not start on it (exit status 2).
#[tokio::test]
async fn postgres_refuses_a_schema_newer_than_it_knows() {
    use sqlx::Connection;
    let url = common::postgres::database_url().await;
    drop(PgStore::open(&url).await.unwrap());
    let running = PgStore::open(&url)
        .await
        .expect("a current schema opens again");
    running.ping().await.expect("ready on its own schema");
    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from a newer server', true, '\\x00'::bytea, 0)",
    )
    .execute(&mut connection)
    .await
    .unwrap();
    // A server running when a newer one migrates is no longer ready.
    assert!(running.ping().await.is_err());
    let refused = PgStore::open(&url)
        .await
        .err()
        .expect("an unknown migration");
    assert!(
        refused.to_string().contains("migration 99990101000000"),
        "{refused}"
    );

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_checkout-server"))
        .env("DATABASE_URL", &url)
        .env("PORT", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not know"), "{stderr}");
}

async fn a_payment_lock_has_one_holder_at_a_time(store: Arc<impl Store>) {
    let first = store.lock_payment("pay_1").await.unwrap();
    let (taken, mut told) = tokio::sync::oneshot::channel();
    let waiting = {
        let store = store.clone();
        tokio::spawn(async move {
            let lock = store.lock_payment("pay_1").await.unwrap();
            taken.send(()).unwrap();
            drop(lock);
        })
    };
    // Another payment's lock is free meanwhile.
    drop(store.lock_payment("pay_2").await.unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    assert!(told.try_recv().is_err(), "the second holder waits");
    drop(first);
    tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
        .await
        .expect("the second holder gets the lock once the first lets go")
        .unwrap();
}

async fn an_allowance_is_counted_once_however_many_ask_at_once(store: Arc<impl Store>) {
    let allowance = Allowance::per(3, 3_600_000).unwrap();
    let now = 1_000_000_000_000;
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .take_allowance("prompts:242066594470", allowance, now)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut taken = 0;
    for task in tasks {
        match task.await.unwrap() {
            None => taken += 1,
            Some(wait) => assert!(wait > 0 && wait <= allowance.every_ms, "{wait}"),
        }
    }
    assert_eq!(taken, 3, "the burst, once");
    // Another key has its own; the first gets one more use per interval.
    assert_eq!(
        store
            .take_allowance("prompts:213555000001", allowance, now)
            .await
            .unwrap(),
        None
    );
    let later = now + allowance.every_ms;
    assert_eq!(
        store
            .take_allowance("prompts:242066594470", allowance, later)
            .await
            .unwrap(),
        None
    );
    assert!(store
        .take_allowance("prompts:242066594470", allowance, later)
        .await
        .unwrap()
        .is_some());
    // Whole again in three intervals: forgotten then, and the burst is back.
    let whole = later + 3 * allowance.every_ms;
    assert!(store.prune_leases(whole).await.unwrap() >= 1);
    for _ in 0..3 {
        assert_eq!(
            store
                .take_allowance("prompts:242066594470", allowance, whole)
                .await
                .unwrap(),
            None
        );
    }
}

async fn a_lease_is_claimed_by_one_until_it_runs_out(store: Arc<impl Store>) {
    let now = 1_000_000_000_000;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .claim_lease("round:pay_1", now, now + 1000)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut claimed = 0;
    for task in tasks {
        claimed += u32::from(task.await.unwrap());
    }
    assert_eq!(claimed, 1);
    assert!(!store
        .claim_lease("round:pay_1", now + 999, now + 2000)
        .await
        .unwrap());
    assert!(store
        .claim_lease("round:pay_2", now, now + 1000)
        .await
        .unwrap());
    assert!(store
        .claim_lease("round:pay_1", now + 1000, now + 2000)
        .await
        .unwrap());
    assert_eq!(
        store.prune_leases(now + 1500).await.unwrap(),
        1,
        "pay_2's claim ran out"
    );
}

/// Two servers on one database: a payment's lock held by one keeps the other waiting, and is
/// let go when the holder's connections end as a killed server's do; the allowances are one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_servers_share_locks_and_allowances() {
    let url = common::postgres::database_url().await;
    let one = Arc::new(PgStore::open(&url).await.unwrap());
    let two = Arc::new(PgStore::open(&url).await.unwrap());

    let held = one.lock_payment("pay_1").await.unwrap();
    let waiting = {
        let two = two.clone();
        tokio::spawn(async move { drop(two.lock_payment("pay_1").await.unwrap()) })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!waiting.is_finished(), "the other server waits");
    drop(held);
    tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
        .await
        .expect("the other server gets the lock")
        .unwrap();

    // A holder whose server dies: its session ends (ended here by the database), and so
    // does the lock.
    std::mem::forget(one.lock_payment("pay_2").await.unwrap());
    let mut admin = {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&url).await.unwrap()
    };
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(ended, [true]);
    tokio::time::timeout(std::time::Duration::from_secs(5), two.lock_payment("pay_2"))
        .await
        .expect("a dead server's lock is let go")
        .unwrap();

    let three = PgStore::open(&url).await.unwrap();
    let allowance = Allowance::per(2, 3_600_000).unwrap();
    let now = 1_000_000_000_000;
    assert_eq!(
        two.take_allowance("prompts:1", allowance, now)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        three
            .take_allowance("prompts:1", allowance, now)
            .await
            .unwrap(),
        None
    );
    assert!(two
        .take_allowance("prompts:1", allowance, now)
        .await
        .unwrap()
        .is_some());
    assert!(three
        .take_allowance("prompts:1", allowance, now)
        .await
        .unwrap()
        .is_some());
}

/// A SQLite file whose schema version is past this server's was written by a newer server: the
/// store refuses it, and the server does not start on it (exit status 2).
#[tokio::test]
async fn sqlite_refuses_a_schema_newer_than_it_knows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    drop(SqliteStore::open(&path).unwrap());
    let running = SqliteStore::open(&path).expect("a current schema opens again");
    running.ping().await.expect("ready on its own schema");
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    // A server running when a newer one changes the schema is no longer ready.
    assert!(running.ping().await.is_err());
    let refused = SqliteStore::open(&path).err().expect("a newer schema");
    assert!(refused.to_string().contains("newer"), "{refused}");

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_checkout-server"))
        .env("DATABASE_URL", format!("sqlite://{}", path.display()))
        .env("PORT", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("newer"), "{stderr}");
}
