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
use crate::html::escape;
use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::numbers::{digits, TEST_NUMBERS};
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

    /// `?msisdn=…` to keep the filter across a redirect; digits only, so nothing needs escaping.
    fn query(&self) -> String {
        match self.digits() {
            Some(digits) if digits.bytes().all(|byte| byte.is_ascii_digit()) => {
                format!("?msisdn={digits}")
            }
            _ => String::new(),
        }
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
        return (
            StatusCode::FORBIDDEN,
            Html(format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Form expired</title></head>\
                 <body><main><h1>This form has expired</h1><p><a href=\"{YABETOO_MOUNT}/phone{}\">Open the phone again</a> and answer from there.</p></main></body></html>",
                filter.query()
            )),
        )
            .into_response();
    }
    match (sandbox.answer_prompt(intent_id, approve), script) {
        (Some(charge), true) => Json(charge).into_response(),
        (Some(_), false) => {
            Redirect::to(&format!("{YABETOO_MOUNT}/phone{}", filter.query())).into_response()
        }
        (None, true) => (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "No prompt is waiting for this payment intent" })),
        )
            .into_response(),
        (None, false) => (StatusCode::NOT_FOUND, Html(no_prompt_page(filter))).into_response(),
    }
}

async fn phone_page(
    State(sandbox): State<Shared>,
    Query(filter): Query<PhoneFilter>,
) -> Html<String> {
    let prompts = sandbox.waiting_prompts(filter.digits());
    Html(render_page(
        &prompts,
        &filter,
        sandbox.csrf_token(),
        OffsetDateTime::now_utc(),
    ))
}

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}\
main{max-width:28rem;margin:0 auto;padding:1rem}\
h1{font-size:1.4rem;margin:.5rem 0}\
ul{list-style:none;padding:0}\
li{background:#fff;border:1px solid #d6d9de;border-radius:.75rem;padding:1rem;margin:.75rem 0}\
h2{font-size:1.1rem;margin:0 0 .25rem}\
p{margin:.25rem 0}\
.amount{font-size:1.3rem;font-weight:600}\
.actions{display:flex;gap:.5rem;margin-top:.75rem}\
.actions form{flex:1}\
button{width:100%;padding:.6rem;font-size:1rem;border-radius:.5rem;border:1px solid #1d1f23;cursor:pointer}\
.approve{background:#12703a;border-color:#12703a;color:#fff}\
.decline{background:#fff;color:#a1161b;border-color:#a1161b}\
button:focus-visible,input:focus-visible{outline:3px solid #2457c5;outline-offset:2px}\
.muted{color:#555c66}\
table{border-collapse:collapse;font-size:.9rem}\
td,th{text-align:left;padding:.2rem .5rem .2rem 0;vertical-align:top}";

/// Reloads every 2 s, but not while someone is typing in the filter box; without JavaScript the
/// `<noscript>` refresh does the same.
const REFRESH_SCRIPT: &str = "setInterval(function(){var a=document.activeElement;\
if(!a||a.tagName!=='INPUT'){location.reload();}},2000);";

fn render_page(
    prompts: &[WaitingPrompt],
    filter: &PhoneFilter,
    csrf: &str,
    now: OffsetDateTime,
) -> String {
    let mut html = String::with_capacity(4096);
    let filter_value = escape(filter.msisdn.as_deref().unwrap_or_default());
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>\
         <title>Sandbox phone · Yabetoo mobile money</title><style>{STYLE}</style></head><body><main>\
         <h1>Sandbox phone</h1>\
         <p class=\"muted\">Mobile-money prompts waiting for the shopper. Approve or decline as on \
         a real handset. No real money moves.</p>\
         <form method=\"get\" action=\"{YABETOO_MOUNT}/phone\"><label for=\"msisdn\">Show one number</label> \
         <input id=\"msisdn\" name=\"msisdn\" inputmode=\"tel\" autocomplete=\"off\" value=\"{filter_value}\"> \
         <button type=\"submit\" style=\"width:auto\">Filter</button></form>"
    );
    if prompts.is_empty() {
        html.push_str("<p role=\"status\">No prompt is waiting.</p>");
    } else {
        html.push_str("<ul aria-label=\"Waiting prompts\">");
        for prompt in prompts {
            render_prompt(&mut html, prompt, filter, csrf, now);
        }
        html.push_str("</ul>");
    }
    render_test_numbers(&mut html);
    let _ = write!(
        html,
        "</main><script>{REFRESH_SCRIPT}</script></body></html>"
    );
    html
}

fn render_prompt(
    html: &mut String,
    prompt: &WaitingPrompt,
    filter: &PhoneFilter,
    csrf: &str,
    now: OffsetDateTime,
) {
    let seconds_left = (prompt.expires_at - now).whole_seconds().max(0);
    let intent = escape(&prompt.intent_id);
    let action = format!("{YABETOO_MOUNT}/phone/prompts/{intent}");
    let query = filter.query();
    let description = prompt
        .description
        .as_deref()
        .map(|description| format!("<p>{}</p>", escape(description)))
        .unwrap_or_default();
    let _ = write!(
        html,
        "<li><h2>{msisdn}</h2>\
         <p class=\"amount\">{amount} {currency}</p>\
         <p>{operator} mobile money</p>{description}\
         <p class=\"muted\">Expires in {seconds_left} s · {intent}</p>\
         <div class=\"actions\">\
         <form method=\"post\" action=\"{action}/approve{query}\"><input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{csrf}\"><button class=\"approve\" type=\"submit\">Approve</button></form>\
         <form method=\"post\" action=\"{action}/decline{query}\"><input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{csrf}\"><button class=\"decline\" type=\"submit\">Decline</button></form>\
         </div></li>",
        msisdn = escape(&prompt.msisdn),
        amount = group_thousands(prompt.amount),
        currency = escape(&prompt.currency.to_ascii_uppercase()),
        operator = escape(&operator_name(&prompt.operator)),
    );
}

fn render_test_numbers(html: &mut String) {
    html.push_str(
        "<details><summary>Test numbers (they answer by themselves)</summary><table>\
         <thead><tr><th scope=\"col\">Number</th><th scope=\"col\">Operator</th><th scope=\"col\">Outcome</th></tr></thead><tbody>",
    );
    for number in TEST_NUMBERS {
        let origin = if number.documented {
            ""
        } else {
            " (sandbox only)"
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}{origin}</td></tr>",
            number.msisdn,
            number.operator,
            escape(number.summary)
        );
    }
    html.push_str("</tbody></table><p class=\"muted\">Any other number waits here.</p></details>");
}

fn no_prompt_page(filter: &PhoneFilter) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No prompt</title></head>\
         <body><main><h1>No prompt is waiting</h1><p>It was already answered or has expired.</p>\
         <p><a href=\"{YABETOO_MOUNT}/phone{}\">Back to the phone</a></p></main></body></html>",
        filter.query()
    )
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
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
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
