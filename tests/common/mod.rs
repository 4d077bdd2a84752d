//! A fake merchant backend answering with contract bodies built from the providers' documented
//! examples, a navigator that records instead of leaving the page, and DOM helpers.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use checkout_contract::{
    CheckoutSession, CreatePaymentRequest, ErrorBody, ErrorResponse, Failure, MethodKind,
    MethodOffer, MobileMoneyCountry, NextAction, Operator, OrderSummary, Payment, PaymentStatus,
    PhoneCountry, SubmitRequest, SupportInfo,
};
use checkout_widget::core::backoff::{Backoff, PollPolicy};
use checkout_widget::core::i18n::Lang;
use checkout_widget::web::{
    Backend, BackendFuture, CheckoutWidget, CheckoutWidgetProps, Navigator, WidgetError,
};
use wasm_bindgen::JsCast;
use web_sys::{Element, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::AttrValue;

/// Yassir's documented OTP page (`statusCode 12` `payUrl`).
pub const YASSIR_PAY_URL: &str =
    "https://otp.payment.yassir.io/otp/verify?requestId=...&phone=213555123456&amount=1500&currency=DZD";
pub const YASSIR_ORIGIN: &str = "https://otp.payment.yassir.io";

type Answer = Box<dyn Fn(usize) -> Result<Payment, WidgetError>>;
type CreateAnswer = Box<dyn Fn(usize, &CreatePaymentRequest) -> Result<Payment, WidgetError>>;

/// Answers the widget from scripts and records every call.
pub struct FakeBackend {
    /// What `GET /checkout` answers: the same each time until [`FakeBackend::set_session`].
    pub session: RefCell<Result<CheckoutSession, WidgetError>>,
    /// How many times the order was loaded.
    pub loads: Cell<usize>,
    /// `(idempotency key, request)` of every create.
    pub creates: RefCell<Vec<(String, CreatePaymentRequest)>>,
    /// The shopper's language sent with each create.
    pub languages: RefCell<Vec<String>>,
    pub submits: RefCell<Vec<(String, SubmitRequest)>>,
    pub polls: RefCell<Vec<String>>,
    /// Given the number of creates so far (0 for the first).
    on_create: RefCell<Option<CreateAnswer>>,
    /// Given the number of submits so far.
    on_submit: RefCell<Option<Answer>>,
    /// Given the number of polls so far.
    on_poll: RefCell<Option<Answer>>,
    next_id: Cell<u32>,
    /// `(payment id, client secret)` held, as `HttpBackend` holds them.
    pub secrets: RefCell<Vec<(String, String)>>,
    /// Creates that never answer, to see the widget while a request is out.
    hold_creates: Cell<bool>,
}

impl FakeBackend {
    pub fn new(session: CheckoutSession) -> Rc<Self> {
        Rc::new(FakeBackend {
            session: RefCell::new(Ok(session)),
            loads: Cell::new(0),
            creates: RefCell::default(),
            languages: RefCell::default(),
            submits: RefCell::default(),
            polls: RefCell::default(),
            on_create: RefCell::new(None),
            on_submit: RefCell::new(None),
            on_poll: RefCell::new(None),
            next_id: Cell::new(0),
            secrets: RefCell::new(Vec::new()),
            hold_creates: Cell::new(false),
        })
    }

    pub fn failing_checkout(error: WidgetError) -> Rc<Self> {
        let fake = FakeBackend::new(session_dz("unused", Vec::new()));
        let mut fake = Rc::try_unwrap(fake).ok().unwrap();
        fake.session = RefCell::new(Err(error));
        Rc::new(fake)
    }

    pub fn on_create(
        &self,
        answer: impl Fn(usize, &CreatePaymentRequest) -> Result<Payment, WidgetError> + 'static,
    ) {
        *self.on_create.borrow_mut() = Some(Box::new(answer));
    }
    pub fn on_submit(&self, answer: impl Fn(usize) -> Result<Payment, WidgetError> + 'static) {
        *self.on_submit.borrow_mut() = Some(Box::new(answer));
    }
    pub fn on_poll(&self, answer: impl Fn(usize) -> Result<Payment, WidgetError> + 'static) {
        *self.on_poll.borrow_mut() = Some(Box::new(answer));
    }

    /// Every create from now on stays unanswered.
    pub fn hold_creates(&self) {
        self.hold_creates.set(true);
    }

    /// What the order's next loads answer (the order moved on since the widget loaded it).
    pub fn set_session(&self, session: CheckoutSession) {
        *self.session.borrow_mut() = Ok(session);
    }

    pub fn create_count(&self) -> usize {
        self.creates.borrow().len()
    }
}

fn unscripted(call: &str) -> WidgetError {
    WidgetError::Network(format!("the test did not script {call}"))
}

impl Backend for FakeBackend {
    fn checkout<'a>(&'a self, _order: &'a str) -> BackendFuture<'a, CheckoutSession> {
        self.loads.set(self.loads.get() + 1);
        let answer = self.session.borrow().clone();
        Box::pin(async move { answer })
    }

    fn create_payment<'a>(
        &'a self,
        key: &'a str,
        request: &'a CreatePaymentRequest,
        language: &'a str,
    ) -> BackendFuture<'a, Payment> {
        let count = self.create_count();
        self.languages.borrow_mut().push(language.to_string());
        self.creates
            .borrow_mut()
            .push((key.to_string(), request.clone()));
        let answer = match self.on_create.borrow().as_ref() {
            Some(answer) => answer(count, request).inspect(|payment| {
                // Like the server: each payment has its secret, held by the backend.
                self.keep_client_secret(&payment.id, format!("{}_secret", payment.id));
            }),
            None => {
                // Like the server: a new payment in `created`, its id from the key's order.
                self.next_id.set(self.next_id.get() + 1);
                let id = format!(
                    "pay_{}_{}",
                    request.order.replace('-', "_"),
                    self.next_id.get()
                );
                self.keep_client_secret(&id, format!("{id}_secret"));
                Ok(payment(
                    &id,
                    &request.order,
                    request.method,
                    PaymentStatus::Created,
                ))
            }
        };
        let hold = self.hold_creates.get();
        Box::pin(async move {
            if hold {
                std::future::pending::<()>().await;
            }
            answer
        })
    }

    fn submit<'a>(
        &'a self,
        payment_id: &'a str,
        request: &'a SubmitRequest,
    ) -> BackendFuture<'a, Payment> {
        let count = self.submits.borrow().len();
        self.submits
            .borrow_mut()
            .push((payment_id.to_string(), request.clone()));
        let answer = self
            .on_submit
            .borrow()
            .as_ref()
            .map(|answer| answer(count))
            .unwrap_or(Err(unscripted("submit")));
        Box::pin(async move { answer })
    }

    fn payment<'a>(&'a self, payment_id: &'a str) -> BackendFuture<'a, Payment> {
        let count = self.polls.borrow().len();
        self.polls.borrow_mut().push(payment_id.to_string());
        let answer = self
            .on_poll
            .borrow()
            .as_ref()
            .map(|answer| answer(count))
            .unwrap_or(Err(unscripted("poll")));
        Box::pin(async move { answer })
    }

    fn client_secret(&self, payment_id: &str) -> Option<String> {
        let secrets = self.secrets.borrow();
        let found = secrets.iter().find(|(id, _)| id == payment_id);
        found.map(|(_, secret)| secret.clone())
    }

    fn keep_client_secret(&self, payment_id: &str, client_secret: String) {
        let mut secrets = self.secrets.borrow_mut();
        secrets.retain(|(id, _)| id != payment_id);
        secrets.push((payment_id.to_string(), client_secret));
    }
}

/// Records where the widget would send the page.
#[derive(Default)]
pub struct RecordingNavigator {
    pub visited: RefCell<Vec<String>>,
}

impl Navigator for RecordingNavigator {
    fn assign(&self, url: &str) {
        self.visited.borrow_mut().push(url.to_string());
    }
}

// ---- contract bodies ------------------------------------------------------------------------

pub fn session_dz(order: &str, redirect_origins: Vec<String>) -> CheckoutSession {
    CheckoutSession {
        order: OrderSummary {
            reference: order.into(),
            description: "Order".into(),
            amount_minor: 150_000,
            currency: "DZD".into(),
        },
        methods: vec![MethodOffer::YassirCash {
            countries: vec![
                PhoneCountry {
                    code: "dz".into(),
                    dial_code: "213".into(),
                },
                PhoneCountry {
                    code: "ma".into(),
                    dial_code: "212".into(),
                },
            ],
        }],
        test_mode: true,
        test_numbers: Vec::new(),
        redirect_origins,
        order_state: checkout_contract::OrderState::Open,
    }
}

pub fn session_cg(order: &str) -> CheckoutSession {
    CheckoutSession {
        order: OrderSummary {
            reference: order.into(),
            description: "Order".into(),
            amount_minor: 2228,
            currency: "XAF".into(),
        },
        methods: vec![MethodOffer::MobileMoney {
            countries: vec![
                MobileMoneyCountry {
                    code: "cg".into(),
                    dial_code: "242".into(),
                    operators: vec![Operator::Mtn, Operator::Airtel],
                },
                MobileMoneyCountry {
                    code: "cm".into(),
                    dial_code: "237".into(),
                    operators: vec![Operator::Mtn],
                },
            ],
        }],
        test_mode: true,
        test_numbers: Vec::new(),
        redirect_origins: Vec::new(),
        order_state: checkout_contract::OrderState::Open,
    }
}

pub fn session_both(order: &str) -> CheckoutSession {
    let mut session = session_dz(order, Vec::new());
    session.methods.extend(session_cg(order).methods);
    session
}

pub fn payment(id: &str, order: &str, method: MethodKind, status: PaymentStatus) -> Payment {
    let (amount_minor, currency) = match method {
        MethodKind::YassirCash => (150_000, "DZD"),
        MethodKind::MobileMoney => (2228, "XAF"),
    };
    Payment {
        id: id.into(),
        order: order.into(),
        method,
        amount_minor,
        currency: currency.into(),
        status,
        next_action: None,
        client_secret: None,
        phone: None,
        end_user_message: None,
        support: None,
        failure: None,
        expires_at: None,
        created_at: "2025-01-15T10:30:00.000Z".into(),
        updated_at: "2025-01-15T10:30:00.000Z".into(),
    }
}

/// Yassir `statusCode 2`, with the documented `endUserMessage` and `supportInfo`.
pub fn yassir_succeeded(id: &str, order: &str) -> Payment {
    Payment {
        end_user_message: Some("Payment completed successfully".into()),
        support: Some(SupportInfo {
            email: Some("support@yassir.com".into()),
            phone_number: Some("+213000000000".into()),
        }),
        ..payment(id, order, MethodKind::YassirCash, PaymentStatus::Succeeded)
    }
}

/// Yassir `statusCode 3`.
pub fn yassir_rejected(id: &str, order: &str) -> Payment {
    Payment {
        failure: Some(Failure {
            code: "rejected".into(),
            message: "Payment rejected".into(),
        }),
        ..payment(id, order, MethodKind::YassirCash, PaymentStatus::Rejected)
    }
}

/// Yassir `statusCode 12` with the documented `payUrl`.
pub fn yassir_requires_action(id: &str, order: &str, pay_url: &str) -> Payment {
    Payment {
        next_action: Some(NextAction::Redirect {
            url: pay_url.into(),
        }),
        ..payment(
            id,
            order,
            MethodKind::YassirCash,
            PaymentStatus::RequiresAction,
        )
    }
}

/// Yassir `statusCode 13`.
pub fn yassir_pre_authorized(id: &str, order: &str) -> Payment {
    payment(
        id,
        order,
        MethodKind::YassirCash,
        PaymentStatus::PreAuthorized,
    )
}

pub fn momo_awaiting(id: &str, order: &str) -> Payment {
    Payment {
        next_action: Some(NextAction::ApproveOnPhone {
            phone: "242066594470".into(),
        }),
        phone: Some("242066594470".into()),
        ..payment(
            id,
            order,
            MethodKind::MobileMoney,
            PaymentStatus::AwaitingApproval,
        )
    }
}

/// Yabetoo `succeeded`.
pub fn momo_succeeded(id: &str, order: &str) -> Payment {
    payment(id, order, MethodKind::MobileMoney, PaymentStatus::Succeeded)
}

/// Yabetoo `failed`.
pub fn momo_failed(id: &str, order: &str) -> Payment {
    Payment {
        failure: Some(Failure {
            code: "insufficient_funds".into(),
            message: "Insufficient balance".into(),
        }),
        ..payment(id, order, MethodKind::MobileMoney, PaymentStatus::Rejected)
    }
}

/// Yabetoo `expired` with its documented `failureMessage`.
pub fn momo_expired(id: &str, order: &str) -> Payment {
    Payment {
        failure: Some(Failure {
            code: "Transaction timed out".into(),
            message: "Transaction timed out".into(),
        }),
        ..payment(id, order, MethodKind::MobileMoney, PaymentStatus::Expired)
    }
}

/// Yabetoo's documented error answers, as the contract's `ErrorResponse`.
pub fn http_error(status: u16) -> WidgetError {
    let (code, message) = match status {
        401 => ("Unauthorized", "Unauthorized"),
        404 => ("not_found", "Row not found"),
        422 => ("E_OPERATION_NOT_PERMITTED", "Operation not permitted"),
        _ => ("internal_error", "something went wrong"),
    };
    WidgetError::Http {
        status,
        body: Some(ErrorResponse {
            error: ErrorBody {
                code: code.into(),
                message: message.into(),
                field: None,
            },
        }),
    }
}

// ---- rendering and the DOM ------------------------------------------------------------------

/// Polling fast enough for tests.
pub fn quick_polling() -> PollPolicy {
    PollPolicy {
        backoff: Backoff {
            initial_ms: 20,
            factor: 1.5,
            max_ms: 100,
            jitter: 0.2,
        },
        pending_deadline_ms: 5_000,
        after_return_deadline_ms: 5_000,
        still_pending_every_ms: 200,
    }
}

pub struct Mounted {
    pub root: Element,
    pub navigator: Rc<RecordingNavigator>,
    app: Option<yew::AppHandle<CheckoutWidget>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

pub async fn mount(
    backend: Rc<FakeBackend>,
    order: &str,
    lang: Lang,
    polling: PollPolicy,
) -> Mounted {
    mount_with(backend, order, lang, polling, None).await
}

pub async fn mount_with(
    backend: Rc<FakeBackend>,
    order: &str,
    lang: Lang,
    polling: PollPolicy,
    redirect_origins: Option<Vec<String>>,
) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let navigator = Rc::new(RecordingNavigator::default());
    let props = CheckoutWidgetProps {
        endpoint: AttrValue::default(),
        order: AttrValue::from(order.to_string()),
        lang: Some(lang),
        redirect_origins,
        methods: None,
        on_event: None,
        backend: Some(backend),
        navigator: Some(navigator.clone()),
        polling: Some(polling),
    };
    let app = yew::Renderer::<CheckoutWidget>::with_root_and_props(root.clone(), props).render();
    let mounted = Mounted {
        root,
        navigator,
        app: Some(app),
    };
    settle().await;
    mounted
}

/// Renders `props` into `root` (which may sit in a shadow root), for tests that set props the
/// helpers above do not.
pub async fn mount_props(
    root: Element,
    props: CheckoutWidgetProps,
    navigator: Rc<RecordingNavigator>,
) -> Mounted {
    let app = yew::Renderer::<CheckoutWidget>::with_root_and_props(root.clone(), props).render();
    let mounted = Mounted {
        root,
        navigator,
        app: Some(app),
    };
    settle().await;
    mounted
}

/// Lets spawned tasks and renders run.
pub async fn settle() {
    for _ in 0..3 {
        yew::platform::time::sleep(Duration::from_millis(5)).await;
        yew::scheduler::flush().await;
    }
}

impl Mounted {
    pub fn text(&self) -> String {
        self.root.text_content().unwrap_or_default()
    }

    pub fn step(&self) -> String {
        self.root
            .query_selector("section.cw")
            .unwrap()
            .and_then(|section| section.get_attribute("data-step"))
            .unwrap_or_default()
    }

    /// Waits until the widget shows `step`, or fails with what it shows instead.
    pub async fn wait_for_step(&self, step: &str) {
        for _ in 0..300 {
            if self.step() == step {
                return;
            }
            yew::platform::time::sleep(Duration::from_millis(10)).await;
            yew::scheduler::flush().await;
        }
        panic!(
            "expected step `{step}`, the widget shows `{}`: {}",
            self.step(),
            self.text()
        );
    }

    pub fn find(&self, selector: &str) -> Element {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no `{selector}` in {}", self.text()))
    }

    pub fn find_all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    pub fn has(&self, selector: &str) -> bool {
        self.root.query_selector(selector).unwrap().is_some()
    }

    /// Types `value` into the input matching `selector`, then leaves it (input + change).
    pub async fn type_into(&self, selector: &str, value: &str) {
        let input: HtmlInputElement = self.find(selector).dyn_into().unwrap();
        input.set_value(value);
        dispatch(&input, "input");
        dispatch(&input, "change");
        dispatch(&input, "blur");
        settle().await;
    }

    pub async fn choose(&self, selector: &str, value: &str) {
        let select: HtmlSelectElement = self.find(selector).dyn_into().unwrap();
        select.set_value(value);
        dispatch(&select, "change");
        settle().await;
    }

    pub fn click(&self, selector: &str) {
        self.find(selector)
            .dyn_into::<HtmlElement>()
            .unwrap()
            .click();
    }

    pub fn pay_button(&self) -> web_sys::HtmlButtonElement {
        self.find("button.cw-pay").dyn_into().unwrap()
    }

    /// Clicks the status panel's button whose text is `label`.
    pub async fn click_button(&self, label: &str) {
        let button = self
            .find_all(".cw-actions button")
            .into_iter()
            .find(|button| button.text_content().as_deref() == Some(label))
            .unwrap_or_else(|| panic!("no `{label}` button in {}", self.text()));
        button.dyn_into::<HtmlElement>().unwrap().click();
        settle().await;
    }
}

fn dispatch(target: &web_sys::EventTarget, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}
