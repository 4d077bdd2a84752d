//! The sandbox handset: a page where a person answers the mobile-money prompts sent to numbers
//! that are not test numbers, as the shopper would on a real phone.
//!
//! - `GET  /phone[?msisdn=…]`: the waiting prompts, each with Approve and Decline buttons. Works
//!   without JavaScript and refreshes itself every 2 s.
//! - `GET  /phone/prompts[?msisdn=…]`: the same list as JSON, for tests and scripts.
//! - `POST /phone/prompts/{intent_id}/approve` and `…/decline`: answer a prompt. A form post
//!   carries the page's CSRF token (403 without it) and is sent back to the page (303); a script
//!   sends `Content-Type: application/json` (which no other site's page can send here without
//!   a CORS preflight, and the sandbox allows none) and gets the charge as confirm reports it.
//!   404 when no prompt of that intent is waiting.

use crate::csrf::FIELD as CSRF_FIELD;
use crate::page::render;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::numbers::{digits, TestNumber, TEST_NUMBERS};
use super::store::WaitingPrompt;
use super::Shared;
use crate::YABETOO_MOUNT;

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/phone", get(phone_page))
        .route("/phone/prompts", get(prompts_list))
        .route("/phone/prompts/{intent_id}/approve", post(prompt_approve))
        .route("/phone/prompts/{intent_id}/decline", post(prompt_decline))
}

/// `?msisdn=`: show only one number's prompts.
#[derive(Debug, Default, Deserialize)]
struct PhoneFilter {
    msisdn: Option<String>,
}

impl PhoneFilter {
    /// The number's digits, if a filter is set.
    fn digits(&self) -> Option<&str> {
        self.msisdn
            .as_deref()
            .map(str::trim)
            .map(digits)
            .filter(|digits| !digits.is_empty())
    }

    /// `?msisdn=…` to keep the filter across a redirect; digits only, so nothing needs encoding.
    fn query(&self) -> String {
        match self.digits() {
            Some(digits) if digits.bytes().all(|byte| byte.is_ascii_digit()) => {
                format!("?msisdn={digits}")
            }
            _ => String::new(),
        }
    }

    /// The phone page's address, keeping the filter.
    fn page(&self) -> String {
        format!("{YABETOO_MOUNT}/phone{}", self.query())
    }
}

async fn prompts_list(
    State(sandbox): State<Shared>,
    Query(filter): Query<PhoneFilter>,
) -> Json<Value> {
    let prompts = sandbox.waiting_prompts(filter.digits());
    Json(Value::Array(
        prompts.iter().map(WaitingPrompt::body).collect(),
    ))
}

async fn prompt_approve(
    State(sandbox): State<Shared>,
    Path(intent_id): Path<String>,
    Query(filter): Query<PhoneFilter>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_prompt(&sandbox, &intent_id, true, &filter, &headers, &body)
}

async fn prompt_decline(
    State(sandbox): State<Shared>,
    Path(intent_id): Path<String>,
    Query(filter): Query<PhoneFilter>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_prompt(&sandbox, &intent_id, false, &filter, &headers, &body)
}

/// Whether a form post carries the page's token ([`crate::csrf`]).
fn carries_token(body: &[u8], token: &str) -> bool {
    crate::csrf::carries_token(url_form_pairs(body), token)
}

fn url_form_pairs(body: &[u8]) -> impl Iterator<Item = (&str, &str)> {
    std::str::from_utf8(body)
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
}

fn answer_prompt(
    sandbox: &Shared,
    intent_id: &str,
    approve: bool,
    filter: &PhoneFilter,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let script = crate::guard::sends_json(headers);
    if !script && !carries_token(body, sandbox.csrf_token()) {
        let phone = filter.page();
        return render(StatusCode::FORBIDDEN, &FormExpired { phone: &phone });
    }
    match (sandbox.answer_prompt(intent_id, approve), script) {
        (Some(charge), true) => Json(charge).into_response(),
        (Some(_), false) => Redirect::to(&filter.page()).into_response(),
        (None, true) => (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "No prompt is waiting for this payment intent" })),
        )
            .into_response(),
        (None, false) => {
            let phone = filter.page();
            render(StatusCode::NOT_FOUND, &NoPrompt { phone: &phone })
        }
    }
}

async fn phone_page(State(sandbox): State<Shared>, Query(filter): Query<PhoneFilter>) -> Response {
    let prompts = sandbox.waiting_prompts(filter.digits());
    let page = PhonePage::new(
        &prompts,
        &filter,
        sandbox.csrf_token(),
        OffsetDateTime::now_utc(),
    );
    render(StatusCode::OK, &page)
}

/// The waiting prompts with their answers, the number filter and the test numbers. Refreshes
/// itself every 2 s (the template says how).
#[derive(Template)]
#[template(path = "yabetoo/phone.html")]
struct PhonePage<'a> {
    mount: &'a str,
    /// The filter as typed, shown back in its box.
    filter_value: &'a str,
    /// `?msisdn=…` on each answer's form, so the page comes back filtered.
    query: String,
    csrf_field: &'a str,
    csrf: &'a str,
    prompts: Vec<PromptView<'a>>,
    test_numbers: &'a [TestNumber],
}

/// One waiting prompt, as the page words it.
struct PromptView<'a> {
    intent_id: &'a str,
    msisdn: &'a str,
    amount: String,
    currency: String,
    operator: String,
    description: Option<&'a str>,
    seconds_left: i64,
}

impl<'a> PhonePage<'a> {
    fn new(
        prompts: &'a [WaitingPrompt],
        filter: &'a PhoneFilter,
        csrf: &'a str,
        now: OffsetDateTime,
    ) -> Self {
        let prompts = prompts
            .iter()
            .map(|prompt| PromptView {
                intent_id: &prompt.intent_id,
                msisdn: &prompt.msisdn,
                amount: group_thousands(prompt.amount),
                currency: prompt.currency.to_ascii_uppercase(),
                operator: operator_name(&prompt.operator),
                description: prompt.description.as_deref(),
                seconds_left: (prompt.expires_at - now).whole_seconds().max(0),
            })
            .collect();
        Self {
            mount: YABETOO_MOUNT,
            filter_value: filter.msisdn.as_deref().unwrap_or_default(),
            query: filter.query(),
            csrf_field: CSRF_FIELD,
            csrf,
            prompts,
            test_numbers: TEST_NUMBERS,
        }
    }
}

/// 403 for a form posted without the page's token, with a link to the phone again.
#[derive(Template)]
#[template(path = "yabetoo/form_expired.html")]
struct FormExpired<'a> {
    phone: &'a str,
}

/// 404 for an answer to a prompt that is no longer waiting.
#[derive(Template)]
#[template(path = "yabetoo/no_prompt.html")]
struct NoPrompt<'a> {
    phone: &'a str,
}

fn operator_name(operator: &str) -> String {
    match operator {
        "mtn" => "MTN".into(),
        "airtel" => "Airtel".into(),
        other => other.to_owned(),
    }
}

/// `5000` -> `5 000` (a non-breaking space between groups).
fn group_thousands(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(digit);
    }
    if amount < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(description: &str) -> WaitingPrompt {
        WaitingPrompt {
            intent_id: "pi_abc".into(),
            msisdn: "+242066594470".into(),
            operator: "mtn".into(),
            amount: 12500,
            currency: "xaf".into(),
            description: Some(description.into()),
            expires_at: OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(90),
        }
    }

    fn render_page(
        prompts: &[WaitingPrompt],
        filter: &PhoneFilter,
        csrf: &str,
        now: OffsetDateTime,
    ) -> String {
        PhonePage::new(prompts, filter, csrf, now).render().unwrap()
    }

    #[test]
    fn page_shows_each_prompt_with_its_answers() {
        let html = render_page(
            &[prompt("Order 42")],
            &PhoneFilter::default(),
            "tok3n",
            OffsetDateTime::UNIX_EPOCH,
        );
        assert!(html.contains("<html lang=\"en\">"));
        assert_eq!(
            html.matches("<input type=\"hidden\" name=\"csrf\" value=\"tok3n\">")
                .count(),
            2
        );
        assert!(html.contains("+242066594470"));
        assert!(html.contains("12\u{a0}500 XAF"));
        assert!(html.contains("Expires in 90 s"));
        assert!(html.contains("action=\"/sandbox/yabetoo/phone/prompts/pi_abc/approve\""));
        assert!(html.contains("action=\"/sandbox/yabetoo/phone/prompts/pi_abc/decline\""));
    }

    #[test]
    fn page_escapes_what_the_merchant_wrote() {
        let html = render_page(
            &[prompt("<script>x</script>")],
            &PhoneFilter::default(),
            "t",
            OffsetDateTime::UNIX_EPOCH,
        );
        assert!(
            html.contains("<p>&#60;script&#62;x&#60;/script&#62;</p>"),
            "{html}"
        );
        assert!(!html.contains("<script>x"));
    }

    #[test]
    fn page_escapes_the_filter_and_the_prompt_fields() {
        let hostile = r#""><script>x</script>'"#;
        let filter = PhoneFilter {
            msisdn: Some(hostile.into()),
        };
        let prompt = WaitingPrompt {
            intent_id: hostile.into(),
            msisdn: hostile.into(),
            operator: hostile.into(),
            currency: hostile.into(),
            ..prompt("x")
        };
        let html = render_page(&[prompt], &filter, "t", OffsetDateTime::UNIX_EPOCH);
        let escaped = "&#34;&#62;&#60;script&#62;x&#60;/script&#62;&#39;";
        assert!(html.contains(&format!("value=\"{escaped}\"")), "{html}");
        assert!(html.contains(&format!("<h2>{escaped}</h2>")), "{html}");
        assert!(
            html.contains(&format!("/phone/prompts/{escaped}/approve")),
            "{html}"
        );
        assert_eq!(
            html.matches("<script>").count(),
            1,
            "only the page's own: {html}"
        );
    }

    #[test]
    fn the_short_pages_link_back_to_the_filtered_phone() {
        let filter = PhoneFilter {
            msisdn: Some("+242066594470".into()),
        };
        let phone = filter.page();
        let expired = FormExpired { phone: &phone }.render().unwrap();
        assert!(expired.contains(
            r#"<a href="/sandbox/yabetoo/phone?msisdn=242066594470">Open the phone again</a>"#
        ));
        let gone = NoPrompt { phone: &phone }.render().unwrap();
        assert!(gone.contains(
            r#"<a href="/sandbox/yabetoo/phone?msisdn=242066594470">Back to the phone</a>"#
        ));
    }

    #[test]
    fn forms_keep_the_number_filter() {
        let filter = PhoneFilter {
            msisdn: Some("+242066594470".into()),
        };
        let html = render_page(&[prompt("x")], &filter, "t", OffsetDateTime::UNIX_EPOCH);
        assert!(html.contains("/approve?msisdn=242066594470\""));
    }

    #[test]
    fn a_posted_form_body_carries_the_token_only_in_its_field() {
        assert!(carries_token(b"csrf=tok3n", "tok3n"));
        assert!(carries_token(b"x=1&csrf=tok3n", "tok3n"));
        assert!(!carries_token(b"", "tok3n"));
        assert!(!carries_token(b"csrf=tok3", "tok3n"));
        assert!(!carries_token(b"csrf=", "tok3n"));
        assert!(!carries_token(b"x=tok3n", "tok3n"));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(5), "5");
        assert_eq!(group_thousands(1000), "1\u{a0}000");
        assert_eq!(group_thousands(1234567), "1\u{a0}234\u{a0}567");
    }
}
