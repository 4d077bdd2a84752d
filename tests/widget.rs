//! The widget in a real browser, against a fake backend answering with the providers'
//! documented examples as contract bodies. Each test mounts its own widget for its own order.
#![cfg(target_arch = "wasm32")]

mod common;

use checkout_contract::{ErrorBody, ErrorResponse, MethodKind, PaymentStatus, SubmitRequest};
use checkout_widget::core::i18n::Lang;
use checkout_widget::core::redirect;
use checkout_widget::web::storage::{self, SavedAttempt};
use checkout_widget::web::{Backend, WidgetError};
use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const YASSIR_PHONE: &str = "#cw-yassir-phone, [id$='-yassir-phone']";

fn page_href() -> String {
    web_sys::window().unwrap().location().href().unwrap()
}

/// A Yassir Cash widget with a valid phone typed in.
async fn yassir_ready(order: &str, backend: std::rc::Rc<FakeBackend>) -> Mounted {
    let widget = mount(backend, order, Lang::En, quick_polling()).await;
    widget.type_into(YASSIR_PHONE, "0555 12 34 56").await;
    assert!(
        !widget.pay_button().disabled(),
        "Pay stays disabled: {}",
        widget.text()
    );
    widget
}

/// A mobile-money widget with a valid Congolese MTN number typed in.
async fn momo_ready(order: &str, backend: std::rc::Rc<FakeBackend>) -> Mounted {
    let widget = mount(backend, order, Lang::En, quick_polling()).await;
    widget.type_into("[id$='-msisdn']", "06 659 44 70").await;
    assert!(
        !widget.pay_button().disabled(),
        "Pay stays disabled: {}",
        widget.text()
    );
    widget
}

#[wasm_bindgen_test]
async fn renders_the_methods_offered() {
    let widget = mount(
        FakeBackend::new(session_both("t-methods")),
        "t-methods",
        Lang::En,
        quick_polling(),
    )
    .await;
    let labels: Vec<String> = widget
        .find_all(".cw-method label")
        .iter()
        .filter_map(|label| label.text_content())
        .collect();
    assert_eq!(labels, ["Yassir Cash", "Mobile money"]);
    assert!(
        !widget.pay_button().disabled(),
        "Pay can be pressed to learn what is missing"
    );
    assert!(widget.text().contains("Test mode"), "{}", widget.text());
}

/// The live regions of the widget, and the text each reads out.
fn live_regions(widget: &Mounted) -> Vec<String> {
    widget
        .find_all("[aria-live], [role='alert'], [role='status']")
        .iter()
        .filter(|region| region.get_attribute("aria-live").as_deref() != Some("off"))
        .map(|region| region.text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn a_bad_phone_says_so_when_left_and_pay_focuses_it_sending_nothing() {
    let order = "t-bad-phone";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    let widget = mount(backend.clone(), order, Lang::En, quick_polling()).await;
    let input = widget.find(YASSIR_PHONE);
    // Passing through an empty field says nothing yet.
    input
        .dispatch_event(&web_sys::Event::new("blur").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(
        input.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );

    widget.type_into(YASSIR_PHONE, "0555 12").await;
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    let error_id = format!("{}-error", input.id());
    let described = input.get_attribute("aria-describedby").unwrap_or_default();
    assert!(described.split(' ').any(|id| id == error_id), "{described}");
    let error = widget.find(&format!("#{error_id}")).text_content().unwrap();
    assert!(error.contains("too short"), "{error}");
    assert_eq!(input.closest("label").ok().flatten(), None);
    assert!(
        widget.has(&format!("label[for='{}']", input.id())),
        "every input has a label"
    );
    assert_eq!(
        live_regions(&widget),
        [""],
        "leaving a field announces nothing"
    );

    // Pay pressed: the focus goes to the phone, its error is announced once, nothing is sent.
    let pay = widget.pay_button();
    assert!(!pay.disabled());
    pay.click();
    settle().await;
    let focused = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert_eq!(focused.id(), input.id());
    let regions = live_regions(&widget);
    assert_eq!(regions.len(), 1, "one live region: {regions:?}");
    assert!(
        regions[0].starts_with("Check these details before paying:")
            && regions[0].matches("too short").count() == 1,
        "{regions:?}"
    );
    assert_eq!(backend.create_count(), 0, "nothing sent");
    assert_eq!(widget.step(), "choosing");

    // Fixing the field does not announce again; a second press does, with a new node.
    widget.type_into(YASSIR_PHONE, "0555 12 3").await;
    let before = widget.find(".cw-sr-only");
    assert_eq!(
        live_regions(&widget),
        regions,
        "typing changes no announcement"
    );
    widget.pay_button().click();
    settle().await;
    let after = widget.find(".cw-sr-only");
    assert!(
        !before.is_same_node(Some(&after)),
        "a new press is said anew"
    );
}

#[wasm_bindgen_test]
async fn pay_is_busy_while_the_request_is_out() {
    let order = "t-busy";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.hold_creates();
    let widget = yassir_ready(order, backend.clone()).await;
    let pay = widget.pay_button();
    pay.click();
    settle().await;
    assert_eq!(widget.step(), "creating");
    assert!(pay.disabled(), "no second press while a request is out");
    assert_eq!(pay.get_attribute("aria-busy").as_deref(), Some("true"));
    assert_eq!(pay.text_content().as_deref(), Some("Processing…"));
    // The form's own submit (Enter in a field) is refused too.
    let form: web_sys::HtmlFormElement =
        wasm_bindgen::JsCast::dyn_into(widget.find("form")).unwrap();
    form.request_submit().unwrap();
    settle().await;
    assert_eq!(backend.create_count(), 1);
}

#[wasm_bindgen_test]
async fn markup_in_provider_messages_is_shown_as_text() {
    let order = "t-markup";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    let hostile = "<img src=x onerror=\"window.pwned=1\"><b>Declined</b>";
    backend.on_submit(move |_| {
        let mut payment = yassir_rejected("pay_t_markup_1", "t-markup");
        payment.end_user_message = Some(hostile.into());
        if let Some(failure) = payment.failure.as_mut() {
            failure.message = hostile.into();
        }
        Ok(payment)
    });
    let widget = yassir_ready(order, backend.clone()).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("rejected").await;
    // The form shows again, read-only: Pay is not pressable, but nothing is processing.
    let pay = widget.pay_button();
    assert!(pay.disabled());
    assert_eq!(pay.get_attribute("aria-busy").as_deref(), Some("false"));
    assert!(pay.text_content().unwrap().starts_with("Pay"));
    assert!(
        widget.text().contains("<b>Declined</b>"),
        "{}",
        widget.text()
    );
    assert!(!widget.has("img"), "a provider's words made an element");
    assert!(!widget.has("b"), "a provider's words made an element");
}

#[wasm_bindgen_test]
async fn yassir_success_shows_amount_reference_message_and_support() {
    let order = "t-yassir-ok";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_submit(move |_| Ok(yassir_succeeded("pay_t_yassir_ok_1", "t-yassir-ok")));
    let widget = yassir_ready(order, backend.clone()).await;
    // 150,000 minor units of dinars, as English writes them (a no-break space after the code).
    let amount = "DZD\u{a0}1,500.00";
    assert!(widget.pay_button().text_content().unwrap().contains(amount));
    widget.click("button.cw-pay");
    widget.wait_for_step("succeeded").await;
    let text = widget.text();
    for expected in [
        amount,
        "Payment successful",
        "pay_t_yassir_ok_1",
        "Payment completed successfully",
        "support@yassir.com",
    ] {
        assert!(text.contains(expected), "`{expected}` missing from {text}");
    }
    // Yassir gives an e-mail and a phone: one line names both.
    assert_eq!(text.matches("Need help? Contact").count(), 1, "{text}");
    let support = widget.find_all(".cw-status__support");
    assert_eq!(support.len(), 1, "{text}");
    assert_eq!(
        support[0].text_content().unwrap(),
        "Need help? Contact support@yassir.com or +213000000000"
    );
    assert_eq!(widget.find_all(".cw-status__support a").len(), 2);
    let (_, create) = &backend.creates.borrow()[0];
    assert_eq!(create.method, MethodKind::YassirCash);
    assert_eq!(create.phone.as_deref(), Some("+213555123456"));
    assert_eq!(backend.submits.borrow()[0].1, SubmitRequest::YassirCash);
    // The status heading has the focus, and the live region holds the news.
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert!(
        active.class_list().contains("cw-status__title"),
        "focus on {}",
        active.outer_html()
    );
    assert!(widget
        .find("[role='status'][aria-live='polite']")
        .text_content()
        .unwrap()
        .contains("Payment successful"));
    assert!(
        storage::load(order, 0).is_none(),
        "a finished attempt is not resumed"
    );
}

#[wasm_bindgen_test]
async fn rejected_then_try_again_starts_a_new_attempt_with_a_new_key() {
    let order = "t-yassir-rejected";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_submit(move |count| match count {
        0 => Ok(yassir_rejected(
            "pay_t_yassir_rejected_1",
            "t-yassir-rejected",
        )),
        _ => Ok(yassir_succeeded(
            "pay_t_yassir_rejected_2",
            "t-yassir-rejected",
        )),
    });
    let widget = yassir_ready(order, backend.clone()).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("rejected").await;
    assert!(
        widget.text().contains("Payment declined"),
        "{}",
        widget.text()
    );
    widget.click_button("Try again").await;
    widget.wait_for_step("succeeded").await;
    let creates = backend.creates.borrow();
    assert_eq!(creates.len(), 2);
    assert_ne!(
        creates[0].0, creates[1].0,
        "a new attempt needs a new idempotency key"
    );
    assert_eq!(creates[0].1, creates[1].1, "same details");
}

#[wasm_bindgen_test]
async fn pre_authorized_says_the_funds_are_reserved() {
    let order = "t-yassir-preauth";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_submit(move |_| {
        Ok(yassir_pre_authorized(
            "pay_t_yassir_preauth_1",
            "t-yassir-preauth",
        ))
    });
    let widget = yassir_ready(order, backend).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("pre-authorized").await;
    assert!(
        widget.text().contains("Funds reserved"),
        "{}",
        widget.text()
    );
}

#[wasm_bindgen_test]
async fn double_click_on_pay_creates_one_payment() {
    let order = "t-double-click";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_submit(move |_| Ok(yassir_succeeded("pay_t_double_click_1", "t-double-click")));
    let widget = yassir_ready(order, backend.clone()).await;
    widget.click("button.cw-pay");
    widget.click("button.cw-pay");
    widget.wait_for_step("succeeded").await;
    settle().await;
    assert_eq!(backend.create_count(), 1);
    assert_eq!(backend.submits.borrow().len(), 1);
}

#[wasm_bindgen_test]
async fn otp_redirect_goes_to_the_pay_url_with_a_return_url_and_saves_the_attempt() {
    let order = "t-redirect";
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_submit(move |_| {
        Ok(yassir_requires_action(
            "pay_t_redirect_1",
            "t-redirect",
            YASSIR_PAY_URL,
        ))
    });
    let widget = yassir_ready(order, backend.clone()).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("redirecting").await;
    let visited = widget.navigator.visited.borrow().clone();
    let return_url = redirect::resume_url(&page_href(), "pay_t_redirect_1");
    assert_eq!(
        visited,
        [redirect::append_return_url(YASSIR_PAY_URL, &return_url).unwrap()]
    );
    // The browser's own URL parser reads the same returnUrl.
    let url = web_sys::Url::new(&visited[0]).unwrap();
    assert_eq!(url.origin(), YASSIR_ORIGIN);
    assert_eq!(
        url.search_params().get("returnUrl"),
        Some(return_url.clone())
    );
    assert_eq!(url.search_params().get("requestId").as_deref(), Some("..."));
    let saved = storage::load(order, 0).expect("saved before leaving");
    assert_eq!(saved.payment_id, "pay_t_redirect_1");
    assert_eq!(saved.client_secret, "pay_t_redirect_1_secret");
    storage::clear(order);
}

#[wasm_bindgen_test]
async fn pay_url_outside_the_allowlist_is_refused() {
    let order = "t-redirect-evil";
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_submit(move |_| {
        Ok(yassir_requires_action(
            "pay_t_redirect_evil_1",
            "t-redirect-evil",
            "https://otp.payment.yassir.io.evil.example/otp",
        ))
    });
    let widget = yassir_ready(order, backend).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("error").await;
    assert!(widget.navigator.visited.borrow().is_empty());
    assert!(
        widget
            .text()
            .contains("The confirmation page could not be opened."),
        "{}",
        widget.text()
    );
    assert!(
        !widget.has("a[href*='evil']"),
        "no link to the refused page"
    );
}

#[wasm_bindgen_test]
async fn options_override_the_session_allowlist() {
    let order = "t-redirect-override";
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_submit(move |_| {
        Ok(yassir_requires_action(
            "pay_t_redirect_override_1",
            "t-redirect-override",
            YASSIR_PAY_URL,
        ))
    });
    let widget = mount_with(
        backend,
        order,
        Lang::En,
        quick_polling(),
        Some(vec!["https://otp.other.example".into()]),
    )
    .await;
    widget.type_into(YASSIR_PHONE, "0555123456").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("error").await;
    assert!(widget.navigator.visited.borrow().is_empty());
}

#[wasm_bindgen_test]
async fn mobile_money_suggests_the_operator_and_succeeds_after_approval() {
    let order = "t-momo-ok";
    let backend = FakeBackend::new(session_cg(order));
    backend.on_submit(move |_| Ok(momo_awaiting("pay_t_momo_ok_1", "t-momo-ok")));
    backend.on_poll(move |count| match count {
        0 | 1 => Ok(momo_awaiting("pay_t_momo_ok_1", "t-momo-ok")),
        _ => Ok(momo_succeeded("pay_t_momo_ok_1", "t-momo-ok")),
    });
    let mut polling = quick_polling();
    polling.backoff.initial_ms = 300;
    let widget = mount(backend.clone(), order, Lang::En, polling).await;
    widget.type_into("[id$='-msisdn']", "06 659 44 70").await;
    let operator: web_sys::HtmlSelectElement =
        wasm_bindgen::JsCast::dyn_into(widget.find("[id$='-operator']")).unwrap();
    assert_eq!(operator.value(), "mtn", "suggested from the 06 prefix");
    widget.choose("[id$='-operator']", "airtel").await;
    assert!(
        widget.text().contains("This looks like an MTN number"),
        "{}",
        widget.text()
    );
    widget.choose("[id$='-operator']", "mtn").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("awaiting-approval").await;
    let text = widget.text();
    assert!(text.contains("Approve the request on your phone"), "{text}");
    assert!(text.contains("+242066594470"), "{text}");
    assert!(text.contains("Time left: "), "{text}");
    widget.wait_for_step("succeeded").await;
    let SubmitRequest::MobileMoney(details) = &backend.submits.borrow()[0].1 else {
        panic!("not mobile money")
    };
    assert_eq!(
        (details.country.as_str(), details.msisdn.as_str()),
        ("cg", "242066594470")
    );
    assert!(backend.polls.borrow().len() >= 3);
}

#[wasm_bindgen_test]
async fn the_optional_fields_unfold_from_one_button_and_reach_the_submit() {
    let order = "t-momo-optional";
    let backend = FakeBackend::new(session_cg(order));
    backend.hold_creates();
    let widget = mount(backend.clone(), order, Lang::En, quick_polling()).await;
    let toggle = widget.find("button.cw-more");
    let folded = widget.find(".cw-optional");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert_eq!(
        toggle.get_attribute("aria-controls").as_deref(),
        Some(folded.id().as_str())
    );
    assert!(folded.has_attribute("hidden"), "folded at first");
    widget.click("button.cw-more");
    settle().await;
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(!folded.has_attribute("hidden"));
    widget.type_into("[id$='-receipt-email']", "nope").await;
    widget.type_into("[id$='-msisdn']", "06 659 44 70").await;

    // Folded again with a wrong e-mail inside: Pay unfolds it and focuses the e-mail.
    widget.click("button.cw-more");
    settle().await;
    assert!(folded.has_attribute("hidden"));
    widget.click("button.cw-pay");
    settle().await;
    assert!(!folded.has_attribute("hidden"));
    let focused = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert!(focused.id().ends_with("-receipt-email"), "{}", focused.id());
    assert_eq!(backend.create_count(), 0);

    widget
        .type_into("[id$='-receipt-email']", "jean@example.com")
        .await;
    widget.click("button.cw-pay");
    settle().await;
    assert_eq!(backend.create_count(), 1);
}

#[wasm_bindgen_test]
async fn mobile_money_failed_is_declined_with_try_again() {
    let order = "t-momo-failed";
    let backend = FakeBackend::new(session_cg(order));
    backend.on_submit(move |_| Ok(momo_awaiting("pay_t_momo_failed_1", "t-momo-failed")));
    backend.on_poll(move |_| Ok(momo_failed("pay_t_momo_failed_1", "t-momo-failed")));
    let widget = momo_ready(order, backend).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("rejected").await;
    assert!(
        widget.text().contains("Payment declined"),
        "{}",
        widget.text()
    );
    assert!(widget.text().contains("Try again"), "{}", widget.text());
}

#[wasm_bindgen_test]
async fn mobile_money_expired_shows_the_provider_message_and_retry() {
    let order = "t-momo-expired";
    let backend = FakeBackend::new(session_cg(order));
    backend.on_submit(move |_| Ok(momo_awaiting("pay_t_momo_expired_1", "t-momo-expired")));
    backend.on_poll(move |_| Ok(momo_expired("pay_t_momo_expired_1", "t-momo-expired")));
    let widget = momo_ready(order, backend.clone()).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("expired").await;
    let text = widget.text();
    assert!(
        text.contains("Payment expired") && text.contains("Transaction timed out"),
        "{text}"
    );
    widget.click_button("Try again").await;
    settle().await;
    assert_eq!(backend.create_count(), 2);
}

async fn submit_fails_with(order: &str, status: u16) -> Mounted {
    let backend = FakeBackend::new(session_cg(order));
    backend.on_submit(move |_| Err(http_error(status)));
    let widget = momo_ready(order, backend).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("error").await;
    widget
}

#[wasm_bindgen_test]
async fn unauthorized_401_says_the_payment_could_not_start() {
    let widget = submit_fails_with("t-err-401", 401).await;
    assert!(
        widget.text().contains("The payment could not start"),
        "{}",
        widget.text()
    );
}

#[wasm_bindgen_test]
async fn not_found_404_says_the_payment_is_unknown() {
    let widget = submit_fails_with("t-err-404", 404).await;
    assert!(
        widget.text().contains("This payment could not be found."),
        "{}",
        widget.text()
    );
}

#[wasm_bindgen_test]
async fn unprocessable_422_says_what_to_do() {
    let widget = submit_fails_with("t-err-422", 422).await;
    assert!(
        widget.text().contains("Check them and try again"),
        "{}",
        widget.text()
    );
    assert!(
        widget.text().contains("Change payment details"),
        "{}",
        widget.text()
    );
}

#[wasm_bindgen_test]
async fn network_error_on_create_retries_with_the_same_key() {
    let order = "t-network";
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_create(|count, request| match count {
        0 => Err(WidgetError::Network("offline".into())),
        _ => Ok(payment(
            "pay_t_network_1",
            &request.order,
            request.method,
            PaymentStatus::Created,
        )),
    });
    backend.on_submit(move |_| Ok(yassir_succeeded("pay_t_network_1", "t-network")));
    let widget = yassir_ready(order, backend.clone()).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("error").await;
    widget.click_button("Retry").await;
    widget.wait_for_step("succeeded").await;
    let creates = backend.creates.borrow();
    assert_eq!(creates.len(), 2);
    assert_eq!(creates[0].0, creates[1].0, "the same attempt keeps its key");
}

#[wasm_bindgen_test]
async fn unknown_order_cannot_be_paid() {
    let backend = FakeBackend::failing_checkout(http_error(404));
    let widget = mount(backend, "t-unknown-order", Lang::Fr, quick_polling()).await;
    assert!(
        widget
            .text()
            .contains("Cette commande ne peut pas être payée ici"),
        "{}",
        widget.text()
    );
}

#[wasm_bindgen_test]
async fn resumes_a_saved_attempt_without_creating_a_payment() {
    let order = "t-resume-saved";
    storage::save(&SavedAttempt {
        payment_id: "pay_t_resume_saved_1".into(),
        client_secret: "pay_t_resume_saved_1_secret".into(),
        order: order.into(),
        saved_at: js_sys::Date::now() as u64,
    });
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_poll(move |count| match count {
        0 => Ok(payment(
            "pay_t_resume_saved_1",
            "t-resume-saved",
            MethodKind::YassirCash,
            PaymentStatus::Processing,
        )),
        _ => Ok(yassir_succeeded("pay_t_resume_saved_1", "t-resume-saved")),
    });
    let widget = mount(backend.clone(), order, Lang::En, quick_polling()).await;
    widget.wait_for_step("succeeded").await;
    assert_eq!(backend.create_count(), 0);
    assert!(backend.submits.borrow().is_empty());
    assert!(backend
        .polls
        .borrow()
        .iter()
        .all(|id| id == "pay_t_resume_saved_1"));
    assert_eq!(
        backend.client_secret("pay_t_resume_saved_1").as_deref(),
        Some("pay_t_resume_saved_1_secret"),
        "its reads carry the saved secret"
    );
    assert!(storage::load(order, 0).is_none(), "forgotten once final");
}

/// What the browser keeps: the payment id, its secret, the order and when, nothing personal;
/// attempts past their age, and those an older widget saved with more, are deleted on load.
#[wasm_bindgen_test]
async fn the_browser_keeps_no_phone_and_forgets_stale_attempts() {
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let now = js_sys::Date::now() as u64;
    storage::save(&SavedAttempt {
        payment_id: "pay_t_stale_1".into(),
        client_secret: "pay_t_stale_1_secret".into(),
        order: "t-stale".into(),
        saved_at: now - 7 * 60 * 60 * 1000,
    });
    local
        .set_item(
            "checkout-widget:attempt:t-older",
            r#"{"payment_id":"pay_o","order":"t-older","method":"yassir_cash","phone":"+213555123456","idempotency_key":"k","started_at":1}"#,
        )
        .unwrap();

    let order = "t-keeps-nothing";
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_submit(move |_| {
        Ok(yassir_requires_action(
            "pay_t_keeps_nothing_1",
            order,
            YASSIR_PAY_URL,
        ))
    });
    let widget = yassir_ready(order, backend.clone()).await;
    assert_eq!(
        local.get_item("checkout-widget:attempt:t-stale").unwrap(),
        None
    );
    assert_eq!(
        local.get_item("checkout-widget:attempt:t-older").unwrap(),
        None
    );
    widget.click("button.cw-pay");
    widget.wait_for_step("redirecting").await;
    let kept = local
        .get_item(&format!("checkout-widget:attempt:{order}"))
        .unwrap()
        .expect("saved before leaving");
    let kept: serde_json::Value = serde_json::from_str(&kept).unwrap();
    let mut names: Vec<&str> = kept
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["client_secret", "order", "payment_id", "saved_at"]);
    assert_eq!(kept["client_secret"], "pay_t_keeps_nothing_1_secret");
    assert_eq!(
        (kept["payment_id"].as_str(), kept["order"].as_str()),
        (Some("pay_t_keeps_nothing_1"), Some(order))
    );
    storage::clear(order);
}

#[wasm_bindgen_test]
async fn a_fresh_order_token_for_the_same_order_resumes_the_attempt_saved_before_the_otp_page() {
    // The merchant signs a new token on each page load: the same order reference, another string.
    let reference = "t-token-ref";
    let first_token = "v1.eyJyZWYiOiJ0LXRva2VuLXJlZiIsImV4cCI6MX0.c2lnMQ";
    let second_token = "v1.eyJyZWYiOiJ0LXRva2VuLXJlZiIsImV4cCI6Mn0.c2lnMg";
    let backend = FakeBackend::new(session_dz(reference, vec![YASSIR_ORIGIN.into()]));
    backend.on_create(move |_, _| {
        Ok(payment(
            "pay_t_token_ref_1",
            reference,
            MethodKind::YassirCash,
            PaymentStatus::Created,
        ))
    });
    backend.on_submit(move |_| {
        Ok(yassir_requires_action(
            "pay_t_token_ref_1",
            reference,
            YASSIR_PAY_URL,
        ))
    });
    let widget = yassir_ready(first_token, backend.clone()).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("redirecting").await;
    drop(widget);
    let saved = storage::load(reference, 0).expect("saved under the order's reference");
    assert_eq!(saved.payment_id, "pay_t_token_ref_1");
    assert!(
        storage::load(first_token, 0).is_none(),
        "not under the token"
    );

    // Back from the OTP page, on a page that signed a fresh token.
    let back = FakeBackend::new(session_dz(reference, vec![YASSIR_ORIGIN.into()]));
    back.on_poll(move |_| Ok(yassir_succeeded("pay_t_token_ref_1", reference)));
    let widget = mount(back.clone(), second_token, Lang::En, quick_polling()).await;
    widget.wait_for_step("succeeded").await;
    assert_eq!(back.create_count(), 0);
    assert_eq!(back.polls.borrow()[0], "pay_t_token_ref_1");
    assert!(
        storage::load(reference, 0).is_none(),
        "forgotten once settled"
    );
}

#[wasm_bindgen_test]
async fn an_attempt_saved_for_another_order_reference_is_not_resumed() {
    storage::save(&SavedAttempt {
        payment_id: "pay_t_ref_a_1".into(),
        client_secret: "pay_t_ref_a_1_secret".into(),
        order: "t-ref-a".into(),
        saved_at: js_sys::Date::now() as u64,
    });
    // A token that happens to be the other order's reference, for order `t-ref-b`.
    let backend = FakeBackend::new(session_dz("t-ref-b", vec![]));
    backend.on_poll(move |_| Ok(yassir_succeeded("pay_t_ref_a_1", "t-ref-a")));
    let widget = mount(backend.clone(), "t-ref-a", Lang::En, quick_polling()).await;
    settle().await;
    assert_eq!(widget.step(), "choosing");
    assert!(backend.polls.borrow().is_empty(), "nothing asked about it");
    drop(widget);
    assert!(
        storage::load("t-ref-a", 0).is_some(),
        "left to its own order"
    );
    storage::clear("t-ref-a");
}

#[wasm_bindgen_test]
async fn resume_marker_of_a_saved_attempt_polls_the_backend_and_is_removed_from_the_url() {
    let order = "t-resume-marker";
    storage::save(&SavedAttempt {
        payment_id: "pay_t_resume_marker_1".into(),
        client_secret: "pay_t_resume_marker_1_secret".into(),
        order: order.into(),
        saved_at: js_sys::Date::now() as u64,
    });
    let before = page_href();
    let history = web_sys::window().unwrap().history().unwrap();
    let marked = redirect::resume_url(&before, "pay_t_resume_marker_1");
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&marked))
        .unwrap();
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_poll(move |_| Ok(yassir_succeeded("pay_t_resume_marker_1", "t-resume-marker")));
    let widget = mount(backend.clone(), order, Lang::En, quick_polling()).await;
    widget.wait_for_step("succeeded").await;
    let after = page_href();
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before))
        .unwrap();
    assert_eq!(backend.create_count(), 0);
    assert!(redirect::resume_marker(&after).is_none(), "{after}");
}

#[wasm_bindgen_test]
async fn a_resume_link_this_browser_did_not_start_shows_the_form_not_someone_elses_outcome() {
    let order = "t-resume-forged";
    let before = page_href();
    let history = web_sys::window().unwrap().history().unwrap();
    // Another shopper's payment of the same order, paid: the link must not replay it here.
    let marked = redirect::resume_url(&before, "pay_another_shopper");
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&marked))
        .unwrap();
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_poll(move |_| Ok(yassir_succeeded("pay_another_shopper", "t-resume-forged")));
    let widget = mount(backend.clone(), order, Lang::En, quick_polling()).await;
    settle().await;
    yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before))
        .unwrap();
    assert_eq!(widget.step(), "choosing");
    assert!(backend.polls.borrow().is_empty(), "nothing asked about it");
    assert!(widget.has("button.cw-pay"));
}

#[wasm_bindgen_test]
async fn resume_marker_of_another_order_is_ignored() {
    let order = "t-resume-other";
    let before = page_href();
    let history = web_sys::window().unwrap().history().unwrap();
    let marked = redirect::resume_url(&before, "pay_someone_else");
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&marked))
        .unwrap();
    let backend = FakeBackend::new(session_dz(order, vec![]));
    backend.on_poll(move |_| Ok(yassir_succeeded("pay_someone_else", "another-order")));
    let widget = mount(backend, order, Lang::En, quick_polling()).await;
    settle().await;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before))
        .unwrap();
    assert_eq!(widget.step(), "choosing");
}

#[wasm_bindgen_test]
async fn the_create_carries_the_shopper_language() {
    let backend = FakeBackend::new(session_dz("t-language", vec![]));
    backend.on_submit(move |_| Ok(yassir_succeeded("pay_t_language_1", "t-language")));
    let widget = mount(backend.clone(), "t-language", Lang::Fr, quick_polling()).await;
    widget.type_into(YASSIR_PHONE, "0555 12 34 56").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("succeeded").await;
    assert_eq!(*backend.languages.borrow(), ["fr"]);
}

#[wasm_bindgen_test]
async fn arabic_renders_right_to_left() {
    let widget = mount(
        FakeBackend::new(session_dz("t-arabic", vec![])),
        "t-arabic",
        Lang::Ar,
        quick_polling(),
    )
    .await;
    let section = widget.find("section.cw");
    assert_eq!(section.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(section.get_attribute("lang").as_deref(), Some("ar"));
    assert_eq!(
        widget.find(YASSIR_PHONE).get_attribute("dir").as_deref(),
        Some("ltr"),
        "numbers stay left to right"
    );
    // The example number in the hint is isolated, so it does not break apart right to left.
    let hint = widget
        .find("[id$='-yassir-phone-hint']")
        .text_content()
        .unwrap();
    assert!(
        hint.ends_with("\u{2066}0555\u{a0}12\u{a0}34\u{a0}56\u{2069}"),
        "{hint:?}"
    );
}

#[wasm_bindgen_test]
async fn no_answer_before_the_deadline_is_still_pending_with_the_reference() {
    let order = "t-still-pending";
    let backend = FakeBackend::new(session_cg(order));
    backend.on_submit(move |_| Ok(momo_awaiting("pay_t_still_pending_1", "t-still-pending")));
    backend.on_poll(move |_| Ok(momo_awaiting("pay_t_still_pending_1", "t-still-pending")));
    let mut polling = quick_polling();
    polling.pending_deadline_ms = 300;
    polling.still_pending_every_ms = 60_000;
    let widget = mount(backend.clone(), order, Lang::En, polling).await;
    widget.type_into("[id$='-msisdn']", "06 659 44 70").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("still-pending").await;
    let text = widget.text();
    assert!(
        text.contains("Still pending") && text.contains("pay_t_still_pending_1"),
        "{text}"
    );
    assert!(text.contains("Do not pay again"), "{text}");
    assert!(!widget.has("button.cw-pay"), "no second payment offered");
    let polls = backend.polls.borrow().len();
    settle().await;
    yew::platform::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        backend.polls.borrow().len() <= polls + 1,
        "past the deadline polls are slow"
    );
    // Checking again asks the backend, which has an answer by now.
    backend.on_poll(move |_| Ok(momo_succeeded("pay_t_still_pending_1", "t-still-pending")));
    widget.click_button("Check again").await;
    widget.wait_for_step("succeeded").await;
    assert_eq!(backend.create_count(), 1);
}

#[wasm_bindgen_test]
async fn still_pending_keeps_asking_now_and_then_and_shows_a_late_success() {
    let order = "t-still-pending-late";
    let backend = FakeBackend::new(session_cg(order));
    backend.on_submit(move |_| {
        Ok(momo_awaiting(
            "pay_t_still_pending_late_1",
            "t-still-pending-late",
        ))
    });
    backend.on_poll(move |count| {
        if count < 8 {
            Ok(momo_awaiting(
                "pay_t_still_pending_late_1",
                "t-still-pending-late",
            ))
        } else {
            Ok(momo_succeeded(
                "pay_t_still_pending_late_1",
                "t-still-pending-late",
            ))
        }
    });
    let mut polling = quick_polling();
    polling.pending_deadline_ms = 200;
    polling.still_pending_every_ms = 100;
    let widget = mount(backend.clone(), order, Lang::En, polling).await;
    widget.type_into("[id$='-msisdn']", "06 659 44 70").await;
    widget.click("button.cw-pay");
    widget.wait_for_step("still-pending").await;
    assert!(
        widget.text().contains("Change payment details"),
        "a way back"
    );
    widget.wait_for_step("succeeded").await;
    assert_eq!(backend.create_count(), 1);
}

#[wasm_bindgen_test]
async fn an_order_already_paid_says_so_and_offers_no_second_payment() {
    let order = "t-already-paid";
    let backend = FakeBackend::new(session_dz(order, vec![YASSIR_ORIGIN.into()]));
    backend.on_create(move |_, _| {
        Err(WidgetError::Http {
            status: 409,
            body: Some(ErrorResponse {
                error: ErrorBody {
                    code: "order_already_paid".into(),
                    message: "this order is already paid (payment `pay_x`)".into(),
                    field: None,
                },
            }),
        })
    });
    let widget = yassir_ready(order, backend.clone()).await;
    widget.click("button.cw-pay");
    widget.wait_for_step("error").await;
    let text = widget.text();
    assert!(text.contains("This order is already paid"), "{text}");
    assert!(!widget.has("button.cw-pay"), "{text}");
    assert!(!widget.has("button.cw-button"), "{text}");
}

#[wasm_bindgen_test]
async fn an_order_paid_or_in_flight_says_so_on_load_instead_of_the_form() {
    use checkout_contract::OrderState;
    for (order, state, words) in [
        (
            "t-held-paid",
            OrderState::Paid,
            "This order is already paid.",
        ),
        (
            "t-held-in-flight",
            OrderState::InFlight,
            "A payment for this order is already under way.",
        ),
    ] {
        let mut session = session_dz(order, vec![]);
        session.order_state = state;
        let backend = FakeBackend::new(session);
        let widget = mount(backend.clone(), order, Lang::En, quick_polling()).await;
        assert!(widget.text().contains(words), "{}", widget.text());
        assert!(!widget.has("form"), "no form to fill in");
        assert!(!widget.has("button.cw-pay"));
    }
}

#[wasm_bindgen_test]
async fn this_browsers_own_attempt_in_flight_is_resumed_not_told_as_another_tabs() {
    let order = "t-held-own";
    storage::save(&SavedAttempt {
        payment_id: "pay_t_held_own_1".into(),
        client_secret: "pay_t_held_own_1_secret".into(),
        order: order.into(),
        saved_at: js_sys::Date::now() as u64,
    });
    let mut session = session_dz(order, vec![]);
    session.order_state = checkout_contract::OrderState::InFlight;
    let backend = FakeBackend::new(session);
    backend.on_poll(move |_| Ok(yassir_rejected("pay_t_held_own_1", "t-held-own")));
    let widget = mount(backend.clone(), order, Lang::En, quick_polling()).await;
    widget.wait_for_step("rejected").await;
    assert!(
        !widget.text().contains("already under way"),
        "{}",
        widget.text()
    );
    // Its outcome known, the form is back to pay again.
    widget.click_button("Change payment details").await;
    assert!(widget.has("button.cw-pay"), "{}", widget.text());
}

/// A widget on `order`, which is in flight elsewhere when it loads; its session, to move on.
async fn mount_in_flight(
    order: &str,
) -> (
    checkout_contract::CheckoutSession,
    std::rc::Rc<FakeBackend>,
    Mounted,
) {
    let mut session = session_dz(order, vec![]);
    session.order_state = checkout_contract::OrderState::InFlight;
    let backend = FakeBackend::new(session.clone());
    let widget = mount(backend.clone(), order, Lang::En, quick_polling()).await;
    assert!(
        widget.text().contains("already under way"),
        "{}",
        widget.text()
    );
    (session, backend, widget)
}

#[wasm_bindgen_test]
async fn an_order_in_flight_elsewhere_is_checked_again_and_paid_here_once_open() {
    let (mut session, backend, widget) = mount_in_flight("t-held-recheck").await;
    assert!(!widget.has("button.cw-pay"));

    // Still in flight: said again (in the live region, as a new answer), the form still held.
    widget.click_button("Check again").await;
    assert_eq!(backend.loads.get(), 2);
    let live = widget.find(".cw-status__live").text_content().unwrap();
    assert!(
        live.contains("A payment for this order is already under way."),
        "{live}"
    );
    assert!(!widget.has("button.cw-pay"));

    // The other payment failed: the order is open again, and the form is back to pay here.
    session.order_state = checkout_contract::OrderState::Open;
    backend.set_session(session);
    widget.click_button("Check again").await;
    assert_eq!(backend.loads.get(), 3);
    assert!(widget.has("button.cw-pay"), "{}", widget.text());
    assert!(
        !widget.text().contains("already under way"),
        "{}",
        widget.text()
    );
    assert!(
        !widget.has(".cw-actions button"),
        "no check again once open"
    );
    assert_eq!(backend.create_count(), 0);
}

#[wasm_bindgen_test]
async fn an_order_in_flight_that_got_paid_says_so_when_checked_again() {
    let (mut session, backend, widget) = mount_in_flight("t-held-recheck-paid").await;
    session.order_state = checkout_contract::OrderState::Paid;
    backend.set_session(session);
    widget.click_button("Check again").await;
    assert!(
        widget.text().contains("This order is already paid."),
        "{}",
        widget.text()
    );
    assert!(!widget.has(".cw-actions button"), "nothing more to check");
    assert!(!widget.has("button.cw-pay"));
}

#[wasm_bindgen_test]
async fn checking_again_picks_up_the_attempt_another_tab_of_this_browser_started() {
    let order = "t-held-recheck-own";
    let (_, backend, widget) = mount_in_flight(order).await;
    backend.on_poll(move |_| {
        Ok(yassir_rejected(
            "pay_t_held_recheck_own_1",
            "t-held-recheck-own",
        ))
    });
    // Another tab of this browser paid meanwhile and saved its attempt.
    storage::save(&SavedAttempt {
        payment_id: "pay_t_held_recheck_own_1".into(),
        client_secret: "pay_t_held_recheck_own_1_secret".into(),
        order: order.into(),
        saved_at: js_sys::Date::now() as u64,
    });
    widget.click_button("Check again").await;
    widget.wait_for_step("rejected").await;
    assert!(
        !widget.text().contains("already under way"),
        "{}",
        widget.text()
    );
}

/// Sets `value` with the caret at `caret`, as a keystroke or a paste leaves the field, and says so.
async fn edit_at(widget: &Mounted, selector: &str, value: &str, caret: u32) -> (String, u32) {
    let input: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(widget.find(selector)).unwrap();
    input.focus().unwrap();
    input.set_value(value);
    input.set_selection_range(caret, caret).unwrap();
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    let input: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(widget.find(selector)).unwrap();
    (input.value(), input.selection_start().unwrap().unwrap())
}

#[wasm_bindgen_test]
async fn the_phone_is_grouped_as_typed_with_the_caret_kept_in_place() {
    let order = "t-phone-format";
    let widget = mount(
        FakeBackend::new(session_dz(order, vec![])),
        order,
        Lang::En,
        quick_polling(),
    )
    .await;
    let input = widget.find(YASSIR_PHONE);
    assert_eq!(input.get_attribute("type").as_deref(), Some("tel"));
    assert_eq!(input.get_attribute("inputmode").as_deref(), Some("tel"));
    assert_eq!(input.get_attribute("dir").as_deref(), Some("ltr"));

    // Typed at the end: the caret follows the new group.
    assert_eq!(
        edit_at(&widget, YASSIR_PHONE, "05551", 5).await,
        ("0555 1".into(), 6)
    );
    assert_eq!(
        edit_at(&widget, YASSIR_PHONE, "0555 1234", 9).await,
        ("0555 12 34".into(), 10)
    );
    // A digit typed in the middle: the caret stays right after it, not at the end.
    assert_eq!(
        edit_at(&widget, YASSIR_PHONE, "0555 192 34", 7).await,
        ("0555 19 23 4".into(), 7)
    );
    // Backspace on a space takes the digit before it.
    assert_eq!(
        edit_at(&widget, YASSIR_PHONE, "055519 23 4", 4).await,
        ("0551 92 34".into(), 3)
    );
    // A pasted international number.
    assert_eq!(
        edit_at(&widget, YASSIR_PHONE, "+213-555-12-34-56", 17).await,
        ("+213 555 12 34 56".into(), 17)
    );
    widget.pay_button().click();
    settle().await;
    assert_eq!(
        widget
            .find(YASSIR_PHONE)
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("false"),
        "the grouped number is a valid one"
    );
}

#[wasm_bindgen_test]
async fn the_mobile_money_number_takes_the_chosen_countrys_groups() {
    let order = "t-msisdn-format";
    let widget = mount(
        FakeBackend::new(session_cg(order)),
        order,
        Lang::En,
        quick_polling(),
    )
    .await;
    let msisdn = "[id$='-msisdn']";
    assert_eq!(
        widget.find(msisdn).get_attribute("autocomplete").as_deref(),
        Some("tel-national")
    );
    assert_eq!(
        edit_at(&widget, msisdn, "00242066594470", 14).await,
        ("00242 06 659 44 70".into(), 18)
    );
    widget.choose("[id$='-country']", "cm").await;
    assert_eq!(
        edit_at(&widget, msisdn, "671234567", 9).await,
        ("6 71 23 45 67".into(), 13)
    );
}
