use super::*;
use crate::core::backoff::PollPolicy;
use crate::core::redirect;
use checkout_contract::{
    CreatePaymentRequest, ErrorBody, MethodKind, MobileMoneyDetails, NextAction, Operator, Payment,
    PaymentStatus, SubmitRequest,
};

const PAGE: &str = "https://shop.example.dz/checkout?order=demo-dz";
const PAY_URL: &str =
    "https://otp.payment.yassir.io/otp/verify?requestId=r1&phone=213555123456&amount=1500&currency=DZD";
const T0: u64 = 1_700_000_000_000;

fn at(now_ms: u64) -> Moment {
    Moment {
        now_ms,
        random_unit: 0.5,
    }
}

fn checkout() -> Checkout {
    Checkout::new(FlowConfig {
        order: "demo-dz".into(),
        page_url: PAGE.into(),
        redirect_origins: vec!["https://otp.payment.yassir.io".into()],
        polling: PollPolicy::default(),
    })
}

fn payment(status: PaymentStatus) -> Payment {
    Payment {
        order: "demo-cg".into(),
        method: MethodKind::MobileMoney,
        amount_minor: 5000,
        currency: "XAF".into(),
        phone: Some("242066594470".into()),
        ..crate::core::fixtures::payment(status)
    }
}

fn with_action(status: PaymentStatus, action: NextAction) -> Payment {
    Payment {
        next_action: Some(action),
        ..payment(status)
    }
}

fn redirect_to(url: &str) -> Payment {
    with_action(
        PaymentStatus::RequiresAction,
        NextAction::Redirect { url: url.into() },
    )
}

fn pay(key: &str) -> Event {
    Event::Pay {
        idempotency_key: key.into(),
        create: CreatePaymentRequest {
            order: "demo-cg".into(),
            method: MethodKind::MobileMoney,
            phone: None,
        },
        submit: SubmitRequest::MobileMoney(MobileMoneyDetails {
            country: "cg".into(),
            operator: Operator::Mtn,
            msisdn: "242066594470".into(),
            first_name: None,
            last_name: None,
            receipt_email: None,
        }),
    }
}

/// Runs events from a fresh checkout, all at `T0`, returning the last effects.
fn run(events: Vec<Event>) -> (Checkout, Vec<Effect>) {
    events
        .into_iter()
        .fold((checkout(), Vec::new()), |(state, _), event| {
            transition(state, event, at(T0))
        })
}

fn submitting() -> Vec<Event> {
    vec![
        pay("key-1"),
        Event::Created(payment(PaymentStatus::Created)),
    ]
}

fn settled(status_payment: Payment) -> (Checkout, Vec<Effect>) {
    let mut events = submitting();
    events.push(Event::Submitted(status_payment));
    run(events)
}

fn waiting() -> Checkout {
    settled(payment(PaymentStatus::Processing)).0
}

fn returned() -> (Checkout, Vec<Effect>) {
    run(vec![Event::Returned {
        payment_id: "pay_1".into(),
    }])
}

fn network() -> RequestError {
    RequestError::Network
}

fn create_key(effects: &[Effect]) -> Option<&str> {
    match effects {
        [Effect::CreatePayment {
            idempotency_key, ..
        }] => Some(idempotency_key),
        _ => None,
    }
}

#[test]
fn pay_creates_the_payment_with_its_key() {
    let (state, effects) = run(vec![pay("key-1")]);
    assert_eq!(state.step(), &Step::Creating);
    assert_eq!(create_key(&effects), Some("key-1"));
}

#[test]
fn second_pay_while_creating_does_nothing() {
    let (state, _) = run(vec![pay("key-1")]);
    let (again, effects) = transition(state.clone(), pay("key-2"), at(T0));
    assert_eq!(again, state);
    assert!(effects.is_empty());
}

#[test]
fn second_pay_while_submitting_or_waiting_does_nothing() {
    for state in [
        run(submitting()).0,
        waiting(),
        settled(redirect_to(PAY_URL)).0,
    ] {
        let (again, effects) = transition(state.clone(), pay("key-2"), at(T0));
        assert_eq!(again, state);
        assert!(effects.is_empty());
    }
}

#[test]
fn created_payment_gets_its_details_submitted() {
    let (state, effects) = run(submitting());
    assert_eq!(state.step(), &Step::Submitting);
    assert_eq!(state.payment_id(), Some("pay_1"));
    assert!(
        matches!(&effects[..], [Effect::SaveResume { .. }, Effect::SubmitDetails { payment_id, .. }] if payment_id == "pay_1")
    );
}

#[test]
fn replayed_create_that_already_succeeded_is_not_submitted_again() {
    let (state, effects) = run(vec![
        pay("key-1"),
        Event::Created(payment(PaymentStatus::Succeeded)),
    ]);
    assert!(matches!(state.step(), Step::Succeeded { .. }));
    assert!(effects.is_empty());
}

#[test]
fn create_network_error_retries_with_the_same_key() {
    let (state, _) = run(vec![pay("key-1"), Event::CreateFailed(network())]);
    assert_eq!(
        state.step(),
        &Step::Error {
            kind: ErrorKind::Network,
            can_retry: true
        }
    );
    let (state, effects) = transition(
        state,
        Event::Retry {
            idempotency_key: "key-2".into(),
        },
        at(T0),
    );
    assert_eq!(state.step(), &Step::Creating);
    assert_eq!(create_key(&effects), Some("key-1"));
}

#[test]
fn server_outage_is_retryable_but_refusal_is_not() {
    let outage = RequestError::Http {
        status: 503,
        error: None,
    };
    let (state, _) = run(vec![pay("key-1"), Event::CreateFailed(outage)]);
    assert_eq!(
        state.step(),
        &Step::Error {
            kind: ErrorKind::Unavailable,
            can_retry: true
        }
    );

    let body = ErrorBody {
        code: "invalid_request".into(),
        message: "bad msisdn".into(),
        field: Some("mobile_money.msisdn".into()),
    };
    let refused = RequestError::Http {
        status: 422,
        error: Some(body),
    };
    let (state, _) = run(vec![pay("key-1"), Event::CreateFailed(refused)]);
    let kind = ErrorKind::Refused {
        code: "invalid_request".into(),
        field: Some("mobile_money.msisdn".into()),
    };
    assert_eq!(
        state.step(),
        &Step::Error {
            kind,
            can_retry: false
        }
    );
    let (again, effects) = transition(
        state.clone(),
        Event::Retry {
            idempotency_key: "k".into(),
        },
        at(T0),
    );
    assert_eq!((again, effects), (state, Vec::new()));
}

#[test]
fn change_details_after_an_error_returns_to_the_form() {
    let (state, _) = run(vec![pay("key-1"), Event::CreateFailed(network())]);
    let (state, effects) = transition(state, Event::ChangeDetails, at(T0));
    assert_eq!(state.step(), &Step::Choosing);
    assert!(effects.is_empty());
    let (_, effects) = transition(state, pay("key-9"), at(T0));
    assert_eq!(create_key(&effects), Some("key-9"));
}

#[test]
fn interrupted_submit_is_checked_before_being_sent_again() {
    let mut events = submitting();
    events.push(Event::SubmitFailed(network()));
    let (state, _) = run(events);
    let (state, effects) = transition(
        state,
        Event::Retry {
            idempotency_key: "key-2".into(),
        },
        at(T0),
    );
    assert!(matches!(state.step(), Step::Checking { .. }));
    assert_eq!(
        effects,
        [Effect::Poll {
            payment_id: "pay_1".into(),
            after_ms: 0
        }]
    );

    let (resent, effects) = transition(
        state.clone(),
        Event::PollResult(payment(PaymentStatus::Created)),
        at(T0),
    );
    assert_eq!(resent.step(), &Step::Submitting);
    assert!(matches!(&effects[..], [Effect::SubmitDetails { .. }]));

    let (arrived, _) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Processing)),
        at(T0),
    );
    assert!(matches!(arrived.step(), Step::Checking { .. }));
}

#[test]
fn every_status_maps_to_its_step() {
    use PaymentStatus as P;
    for status in PaymentStatus::ALL {
        let (state, _) = settled(payment(status));
        let step = state.step();
        let expected = match status {
            P::Created | P::Processing => matches!(step, Step::Checking { .. }),
            P::AwaitingApproval => matches!(step, Step::AwaitingApproval { .. }),
            P::RequiresAction => {
                matches!(
                    step,
                    Step::Error {
                        kind: ErrorKind::MissingRedirect,
                        can_retry: true
                    }
                )
            }
            P::Succeeded => matches!(step, Step::Succeeded { .. }),
            P::Rejected => matches!(step, Step::Rejected { .. }),
            P::PreAuthorized => matches!(step, Step::PreAuthorized { .. }),
            P::Expired => matches!(step, Step::Expired { .. }),
            P::Canceled | P::Refunded | P::PartiallyRefunded => {
                matches!(step, Step::Closed { .. })
            }
            P::Failed => {
                matches!(
                    step,
                    Step::Error {
                        kind: ErrorKind::PaymentFailed { .. },
                        can_retry: true
                    }
                )
            }
        };
        assert!(expected, "{status} -> {step:?}");
    }
}

#[test]
fn pending_status_schedules_a_poll_within_the_deadline() {
    let (state, effects) = settled(payment(PaymentStatus::Processing));
    assert_eq!(
        state.step(),
        &Step::Checking {
            deadline_ms: T0 + 120_000
        }
    );
    assert_eq!(
        effects,
        [Effect::Poll {
            payment_id: "pay_1".into(),
            after_ms: 1_000
        }]
    );
}

#[test]
fn awaiting_approval_shows_the_phone_from_the_next_action() {
    let approve = NextAction::ApproveOnPhone {
        phone: "+242 06 659 44 70".into(),
    };
    let (state, _) = settled(with_action(PaymentStatus::AwaitingApproval, approve));
    assert_eq!(
        state.step(),
        &Step::AwaitingApproval {
            phone: Some("+242 06 659 44 70".into()),
            deadline_ms: T0 + 120_000
        }
    );
    assert_eq!(state.step().deadline_ms(), Some(T0 + 120_000));
}

#[test]
fn awaiting_approval_falls_back_to_the_payment_phone() {
    let (state, _) = settled(payment(PaymentStatus::AwaitingApproval));
    assert!(
        matches!(state.step(), Step::AwaitingApproval { phone: Some(p), .. } if p == "242066594470")
    );
}

#[test]
fn requires_action_redirects_with_a_return_url_to_resume() {
    let (state, effects) = settled(redirect_to(PAY_URL));
    let expected = format!(
        "{PAY_URL}&returnUrl={}",
        redirect::percent_encode(&format!("{PAGE}&checkout_resume=pay_1"))
    );
    assert_eq!(
        state.step(),
        &Step::Redirecting {
            url: expected.clone()
        }
    );
    assert_eq!(effects, [Effect::Redirect { url: expected }]);
}

#[test]
fn redirect_outside_the_allowlist_is_refused() {
    let (state, effects) = settled(redirect_to("https://otp.payment.yassir.io.evil.com/otp"));
    assert_eq!(
        state.step(),
        &Step::Error {
            kind: ErrorKind::UnsafeRedirect,
            can_retry: false
        }
    );
    assert_eq!(effects, [Effect::ClearResume]);
    let (state, _) = settled(redirect_to("javascript:alert(1)"));
    assert_eq!(
        state.step(),
        &Step::Error {
            kind: ErrorKind::UnsafeRedirect,
            can_retry: false
        }
    );
}

#[test]
fn requires_action_asking_to_approve_on_phone_is_an_error() {
    let approve = NextAction::ApproveOnPhone {
        phone: "242066594470".into(),
    };
    let (state, _) = settled(with_action(PaymentStatus::RequiresAction, approve));
    assert_eq!(
        state.step(),
        &Step::Error {
            kind: ErrorKind::MissingRedirect,
            can_retry: true
        }
    );
}

#[test]
fn undecided_polls_back_off() {
    let mut state = waiting();
    let mut delays = Vec::new();
    for _ in 0..3 {
        let (next, effects) = transition(
            state,
            Event::PollResult(payment(PaymentStatus::Processing)),
            at(T0),
        );
        let [Effect::Poll { after_ms, .. }] = effects[..] else {
            panic!("{effects:?}")
        };
        delays.push(after_ms);
        state = next;
    }
    assert_eq!(delays, [1_500, 2_250, 3_375]);
}

#[test]
fn network_errors_while_polling_back_off_too() {
    let (state, effects) = transition(waiting(), Event::PollFailed(network()), at(T0));
    assert!(matches!(state.step(), Step::Checking { .. }));
    assert_eq!(
        effects,
        [Effect::Poll {
            payment_id: "pay_1".into(),
            after_ms: 1_500
        }]
    );
}

#[test]
fn poll_refused_by_the_backend_stops_with_an_error() {
    let gone = RequestError::Http {
        status: 404,
        error: None,
    };
    let (state, effects) = transition(returned().0, Event::PollFailed(gone), at(T0));
    assert_eq!(
        state.step(),
        &Step::Error {
            kind: ErrorKind::NotFound,
            can_retry: false
        }
    );
    assert_eq!(effects, [Effect::ClearResume]);
}

#[test]
fn poll_result_for_another_payment_is_ignored() {
    let state = waiting();
    let other = Payment {
        id: "pay_2".into(),
        ..payment(PaymentStatus::Succeeded)
    };
    let (next, effects) = transition(state.clone(), Event::PollResult(other), at(T0));
    assert_eq!((next, effects), (state, Vec::new()));
}

#[test]
fn approval_approved_on_the_phone_succeeds() {
    let (state, _) = settled(payment(PaymentStatus::AwaitingApproval));
    let (state, effects) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Succeeded)),
        at(T0 + 9_000),
    );
    assert!(matches!(state.step(), Step::Succeeded { .. }));
    assert_eq!(effects, [Effect::ClearResume]);
}

#[test]
fn last_poll_lands_on_the_deadline() {
    let state = waiting();
    let (_, effects) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Processing)),
        at(T0 + 119_700),
    );
    assert_eq!(
        effects,
        [Effect::Poll {
            payment_id: "pay_1".into(),
            after_ms: 300
        }]
    );
}

#[test]
fn undecided_result_after_the_deadline_is_still_pending() {
    let (state, effects) = transition(
        waiting(),
        Event::PollResult(payment(PaymentStatus::Processing)),
        at(T0 + 120_000),
    );
    assert_eq!(
        state.step(),
        &Step::StillPending {
            payment_id: "pay_1".into()
        }
    );
    assert_eq!(effects, slow_poll());
}

fn slow_poll() -> Vec<Effect> {
    vec![Effect::Poll {
        payment_id: "pay_1".into(),
        after_ms: 15_000,
    }]
}

#[test]
fn deadline_timer_ends_the_wait_and_polling_slows_down() {
    let (state, _) = settled(payment(PaymentStatus::AwaitingApproval));
    let (state, effects) = transition(state, Event::DeadlineReached, at(T0 + 120_000));
    assert_eq!(
        state.step(),
        &Step::StillPending {
            payment_id: "pay_1".into()
        }
    );
    assert_eq!(effects, slow_poll());
}

#[test]
fn still_pending_keeps_asking_through_answers_and_errors() {
    let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
    let (state, effects) = transition(state, Event::PollFailed(network()), at(T0));
    assert_eq!(effects, slow_poll());
    let (state, effects) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Processing)),
        at(T0),
    );
    assert!(matches!(state.step(), Step::StillPending { .. }));
    assert_eq!(effects, slow_poll());
}

#[test]
fn still_pending_may_go_back_to_the_form() {
    let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
    let (state, _) = transition(state, Event::ChangeDetails, at(T0));
    assert_eq!(state.step(), &Step::Choosing);
}

/// Each step the shopper can reach with its actions, and the event each action sends.
fn action_event(action: ShopperAction) -> Event {
    match action {
        ShopperAction::Retry | ShopperAction::TryAgain => Event::Retry {
            idempotency_key: "k2".into(),
        },
        ShopperAction::CheckAgain => Event::CheckAgain,
        ShopperAction::ContinueToProvider => Event::ContinueToProvider,
        ShopperAction::ChangeDetails => Event::ChangeDetails,
    }
}

#[test]
fn every_action_a_step_offers_is_accepted() {
    let with_step = |step: Step| Checkout { step, ..waiting() };
    let failed = Box::new(payment(PaymentStatus::Failed));
    let steps = [
        Step::Rejected {
            payment: payment(PaymentStatus::Rejected),
        },
        Step::Expired {
            payment: payment(PaymentStatus::Expired),
        },
        Step::StillPending {
            payment_id: "pay_1".into(),
        },
        Step::RequiresAction {
            pay_url: PAY_URL.into(),
            deadline_ms: T0 + 1_000,
        },
        Step::Error {
            kind: ErrorKind::Network,
            can_retry: true,
        },
        Step::Error {
            kind: ErrorKind::Unavailable,
            can_retry: true,
        },
        Step::Error {
            kind: ErrorKind::PaymentFailed { payment: failed },
            can_retry: true,
        },
        Step::Error {
            kind: ErrorKind::NotFound,
            can_retry: false,
        },
        Step::Error {
            kind: ErrorKind::OrderInProgress,
            can_retry: false,
        },
    ];
    for step in steps {
        assert!(!step.actions().is_empty(), "{step:?} offers nothing");
        for &action in step.actions() {
            let state = with_step(step.clone());
            let (next, effects) = transition(state.clone(), action_event(action), at(T0));
            assert!(
                next != state || !effects.is_empty(),
                "{step:?} offers {action:?}, which transition ignores"
            );
        }
    }
    for done in [ErrorKind::OrderPaid, ErrorKind::OrderExpired] {
        let step = Step::Error {
            kind: done,
            can_retry: false,
        };
        assert!(step.actions().is_empty() && !step.shows_form());
    }
}

#[test]
fn order_errors_are_told_apart_by_their_code() {
    let error = |code: &str| RequestError::Http {
        status: 409,
        error: Some(ErrorBody {
            code: code.into(),
            message: "m".into(),
            field: None,
        }),
    };
    assert_eq!(error("order_already_paid").kind(), ErrorKind::OrderPaid);
    assert_eq!(error("order_on_hold").kind(), ErrorKind::OrderOnHold);
    assert_eq!(
        error("order_in_progress").kind(),
        ErrorKind::OrderInProgress
    );
    assert_eq!(error("order_expired").kind(), ErrorKind::OrderExpired);
    assert!(!error("order_already_paid").is_transient());
}

#[test]
fn deadline_is_kept_when_the_status_changes() {
    let state = waiting();
    let (state, _) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::AwaitingApproval)),
        at(T0 + 5_000),
    );
    assert_eq!(state.step().deadline_ms(), Some(T0 + 120_000));
}

#[test]
fn late_final_answer_replaces_still_pending() {
    let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
    let (pending, effects) = transition(
        state.clone(),
        Event::PollResult(payment(PaymentStatus::Processing)),
        at(T0),
    );
    assert_eq!((pending, effects), (state.clone(), slow_poll()));
    let (state, _) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Succeeded)),
        at(T0),
    );
    assert!(matches!(state.step(), Step::Succeeded { .. }));
}

#[test]
fn check_again_restarts_the_wait() {
    let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
    let (state, effects) = transition(state, Event::CheckAgain, at(T0 + 200_000));
    assert_eq!(
        state.step(),
        &Step::Checking {
            deadline_ms: T0 + 320_000
        }
    );
    assert_eq!(
        effects,
        [Effect::Poll {
            payment_id: "pay_1".into(),
            after_ms: 0
        }]
    );
}

#[test]
fn still_pending_does_not_invite_a_second_payment() {
    let (state, _) = transition(waiting(), Event::DeadlineReached, at(T0));
    for event in [
        Event::Retry {
            idempotency_key: "k".into(),
        },
        pay("k"),
    ] {
        let (next, effects) = transition(state.clone(), event, at(T0));
        assert_eq!((next, effects), (state.clone(), Vec::new()));
    }
}

#[test]
fn return_from_otp_checks_the_backend_with_the_long_deadline() {
    let (state, effects) = returned();
    assert_eq!(
        state.step(),
        &Step::Checking {
            deadline_ms: T0 + 600_000
        }
    );
    assert_eq!(
        effects,
        [Effect::Poll {
            payment_id: "pay_1".into(),
            after_ms: 0
        }]
    );
}

#[test]
fn success_after_return_clears_the_resume_marker() {
    let (state, _) = returned();
    let (state, effects) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Succeeded)),
        at(T0),
    );
    assert!(matches!(state.step(), Step::Succeeded { .. }));
    assert_eq!(effects, [Effect::ClearResume]);
}

#[test]
fn rejected_otp_after_return_clears_the_resume_marker() {
    let (state, _) = returned();
    let (state, effects) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Rejected)),
        at(T0),
    );
    assert!(matches!(state.step(), Step::Rejected { .. }));
    assert_eq!(effects, [Effect::ClearResume]);
}

#[test]
fn back_without_the_code_offers_the_otp_page_instead_of_looping() {
    let (state, _) = returned();
    let (state, effects) = transition(state, Event::PollResult(redirect_to(PAY_URL)), at(T0));
    assert_eq!(
        state.step(),
        &Step::RequiresAction {
            pay_url: PAY_URL.into(),
            deadline_ms: T0 + 600_000
        }
    );
    assert!(matches!(&effects[..], [Effect::Poll { .. }]));

    let (state, effects) = transition(state, Event::ContinueToProvider, at(T0));
    assert!(matches!(state.step(), Step::Redirecting { .. }));
    assert!(matches!(&effects[..], [Effect::Redirect { .. }]));
}

#[test]
fn abandoning_the_otp_page_goes_back_to_the_form() {
    let (state, _) = returned();
    let (state, _) = transition(state, Event::PollResult(redirect_to(PAY_URL)), at(T0));
    let (state, effects) = transition(state, Event::ChangeDetails, at(T0));
    assert_eq!(state.step(), &Step::Choosing);
    assert_eq!(effects, [Effect::ClearResume]);
}

#[test]
fn resumed_payment_never_submitted_goes_back_to_the_form() {
    let (state, _) = returned();
    let (state, effects) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Created)),
        at(T0),
    );
    assert_eq!(state.step(), &Step::Choosing);
    assert_eq!(effects, [Effect::ClearResume]);
}

#[test]
fn page_restored_while_redirecting_resumes() {
    let (state, _) = settled(redirect_to(PAY_URL));
    let (state, effects) = transition(
        state,
        Event::Returned {
            payment_id: "pay_1".into(),
        },
        at(T0),
    );
    assert!(matches!(state.step(), Step::Checking { .. }));
    assert_eq!(effects.len(), 1);
}

#[test]
fn page_restored_while_redirecting_can_still_try_again() {
    let (state, _) = settled(redirect_to(PAY_URL));
    let (state, _) = transition(
        state,
        Event::Returned {
            payment_id: "pay_1".into(),
        },
        at(T0),
    );
    let (state, _) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Rejected)),
        at(T0),
    );
    let (_, effects) = transition(
        state,
        Event::Retry {
            idempotency_key: "key-2".into(),
        },
        at(T0),
    );
    assert_eq!(create_key(&effects), Some("key-2"));
}

#[test]
fn retry_after_rejection_starts_a_fresh_attempt() {
    let (state, _) = settled(payment(PaymentStatus::Rejected));
    let (state, effects) = transition(
        state,
        Event::Retry {
            idempotency_key: "key-2".into(),
        },
        at(T0),
    );
    assert_eq!(state.step(), &Step::Creating);
    assert_eq!(state.payment_id(), None);
    assert_eq!(create_key(&effects), Some("key-2"));
}

#[test]
fn retry_after_expiry_or_failure_starts_a_fresh_attempt() {
    for status in [PaymentStatus::Expired, PaymentStatus::Failed] {
        let (state, _) = settled(payment(status));
        let (_, effects) = transition(
            state,
            Event::Retry {
                idempotency_key: "key-2".into(),
            },
            at(T0),
        );
        assert_eq!(create_key(&effects), Some("key-2"), "{status}");
    }
}

#[test]
fn retry_after_a_resumed_rejection_goes_back_to_the_form() {
    let (state, _) = returned();
    let (state, _) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Rejected)),
        at(T0),
    );
    let (state, effects) = transition(
        state,
        Event::Retry {
            idempotency_key: "key-2".into(),
        },
        at(T0),
    );
    assert_eq!(state.step(), &Step::Choosing);
    assert!(effects.is_empty());
}

#[test]
fn out_of_place_events_change_nothing() {
    let retry = || Event::Retry {
        idempotency_key: "k".into(),
    };
    let cases: Vec<(Checkout, Event)> = vec![
        (checkout(), Event::Created(payment(PaymentStatus::Created))),
        (
            checkout(),
            Event::Submitted(payment(PaymentStatus::Succeeded)),
        ),
        (
            checkout(),
            Event::PollResult(payment(PaymentStatus::Succeeded)),
        ),
        (checkout(), Event::PollFailed(network())),
        (checkout(), Event::CreateFailed(network())),
        (checkout(), Event::DeadlineReached),
        (checkout(), retry()),
        (checkout(), Event::CheckAgain),
        (checkout(), Event::ContinueToProvider),
        (checkout(), Event::ChangeDetails),
        (
            run(vec![pay("k")]).0,
            Event::Submitted(payment(PaymentStatus::Succeeded)),
        ),
        (run(vec![pay("k")]).0, Event::SubmitFailed(network())),
        (
            run(vec![pay("k")]).0,
            Event::Returned {
                payment_id: "pay_9".into(),
            },
        ),
        (run(vec![pay("k")]).0, Event::ChangeDetails),
        (
            run(submitting()).0,
            Event::Created(payment(PaymentStatus::Created)),
        ),
        (run(submitting()).0, Event::CreateFailed(network())),
        (
            run(submitting()).0,
            Event::PollResult(payment(PaymentStatus::Succeeded)),
        ),
        (
            run(submitting()).0,
            Event::Submitted(Payment {
                id: "pay_2".into(),
                ..payment(PaymentStatus::Succeeded)
            }),
        ),
        (waiting(), Event::Created(payment(PaymentStatus::Succeeded))),
        (
            waiting(),
            Event::Returned {
                payment_id: "pay_9".into(),
            },
        ),
        (waiting(), Event::ContinueToProvider),
        (waiting(), retry()),
        (waiting(), Event::ChangeDetails),
        (
            settled(redirect_to(PAY_URL)).0,
            Event::PollResult(payment(PaymentStatus::Succeeded)),
        ),
        (settled(redirect_to(PAY_URL)).0, Event::DeadlineReached),
        (settled(payment(PaymentStatus::Succeeded)).0, retry()),
        (
            settled(payment(PaymentStatus::Succeeded)).0,
            Event::ChangeDetails,
        ),
        (
            settled(payment(PaymentStatus::Succeeded)).0,
            Event::PollResult(payment(PaymentStatus::Rejected)),
        ),
        (
            settled(payment(PaymentStatus::Succeeded)).0,
            Event::Returned {
                payment_id: "pay_1".into(),
            },
        ),
        (settled(payment(PaymentStatus::PreAuthorized)).0, retry()),
        (
            settled(payment(PaymentStatus::Canceled)).0,
            Event::ChangeDetails,
        ),
        (
            settled(payment(PaymentStatus::Rejected)).0,
            Event::CheckAgain,
        ),
        (
            settled(payment(PaymentStatus::Rejected)).0,
            Event::DeadlineReached,
        ),
    ];
    for (state, event) in cases {
        let label = format!("{:?} + {event:?}", state.step());
        let (next, effects) = transition(state.clone(), event, at(T0));
        assert_eq!(next, state, "{label}");
        assert!(effects.is_empty(), "{label}");
    }
}

#[test]
fn success_is_never_read_from_the_return_alone() {
    let (state, _) = returned();
    assert!(!matches!(state.step(), Step::Succeeded { .. }));
    let (state, _) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Processing)),
        at(T0),
    );
    assert!(matches!(state.step(), Step::Checking { .. }));
}

fn saved(payment_id: &str) -> Effect {
    Effect::SaveResume {
        payment_id: payment_id.into(),
    }
}

#[test]
fn created_payment_is_saved_for_resume_before_its_details_are_sent() {
    let (_, effects) = run(submitting());
    assert_eq!(effects[0], saved("pay_1"));
    assert!(matches!(effects[1], Effect::SubmitDetails { .. }));
}

#[test]
fn every_settled_step_forgets_the_saved_attempt() {
    use PaymentStatus as P;
    for status in [
        P::Succeeded,
        P::Rejected,
        P::PreAuthorized,
        P::Expired,
        P::Canceled,
    ] {
        let (state, effects) = settled(payment(status));
        assert!(state.step().is_settled(), "{status}");
        assert_eq!(effects, [Effect::ClearResume], "{status}");
    }
    let (state, effects) = transition(waiting(), Event::PollFailed(http_404()), at(T0));
    assert!(state.step().is_settled());
    assert_eq!(effects, [Effect::ClearResume]);
}

fn http_404() -> RequestError {
    RequestError::Http {
        status: 404,
        error: None,
    }
}

#[test]
fn retryable_errors_and_pending_payments_keep_the_saved_attempt() {
    let mut interrupted = submitting();
    interrupted.push(Event::SubmitFailed(network()));
    let (state, effects) = run(interrupted);
    assert!(!state.step().is_settled());
    assert!(effects.is_empty());
    let (state, effects) = settled(payment(PaymentStatus::Failed));
    assert!(!state.step().is_settled());
    assert!(effects.is_empty());
    let (state, effects) = transition(waiting(), Event::DeadlineReached, at(T0));
    assert!(!state.step().is_settled());
    assert_eq!(effects, slow_poll());
}

#[test]
fn a_new_attempt_is_saved_in_place_of_the_failed_one_once_created() {
    let (state, _) = settled(payment(PaymentStatus::Failed));
    let (state, effects) = transition(
        state,
        Event::Retry {
            idempotency_key: "key-2".into(),
        },
        at(T0),
    );
    assert_eq!(create_key(&effects), Some("key-2"));
    let created = Payment {
        id: "pay_2".into(),
        ..payment(PaymentStatus::Created)
    };
    let (_, effects) = transition(state.clone(), Event::Created(created), at(T0));
    assert_eq!(effects[0], saved("pay_2"));
    // Refused instead: the failed one saved before is forgotten too.
    let refused = RequestError::Http {
        status: 422,
        error: None,
    };
    let (_, effects) = transition(state, Event::CreateFailed(refused), at(T0));
    assert_eq!(effects, [Effect::ClearResume]);
}

#[test]
fn a_resumed_failure_is_kept_until_the_shopper_goes_back_to_the_form() {
    let (state, _) = returned();
    let (state, effects) = transition(
        state,
        Event::PollResult(payment(PaymentStatus::Failed)),
        at(T0),
    );
    assert!(effects.is_empty());
    let (state, effects) = transition(
        state,
        Event::Retry {
            idempotency_key: "key-2".into(),
        },
        at(T0),
    );
    assert_eq!(state.step(), &Step::Choosing);
    assert_eq!(effects, [Effect::ClearResume]);
}

#[test]
fn leaving_for_the_otp_page_keeps_the_attempt_saved_at_its_creation() {
    let (state, effects) = run(vec![pay("key-1"), Event::Created(redirect_to(PAY_URL))]);
    assert!(matches!(state.step(), Step::Redirecting { .. }));
    assert!(matches!(
        &effects[..],
        [Effect::SaveResume { .. }, Effect::Redirect { .. }]
    ));
}

#[test]
fn a_rate_limited_request_says_so_and_offers_retry() {
    let limited = RequestError::Http {
        status: 429,
        error: Some(ErrorBody {
            code: "rate_limited".into(),
            message: "too many requests from this address; try again in 12 s".into(),
            field: None,
        }),
    };
    assert_eq!(limited.kind(), ErrorKind::TooManyAttempts);
    let step = Step::Error {
        kind: ErrorKind::TooManyAttempts,
        can_retry: true,
    };
    assert_eq!(step.actions()[0], ShopperAction::Retry);
}
