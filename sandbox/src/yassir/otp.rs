//! The OTP page a `payUrl` points to: `GET /otp/verify` shows it, `POST /otp/verify` decides.
//!
//! It works without JavaScript. The page trusts only the intent it looks up by `requestId`: the
//! amount and phone in the link are for show in Yassir's links and are ignored here. After a
//! decision the shopper is sent back to `returnUrl` unchanged, with no result in the URL, so the
//! merchant has to ask the API (Check) what happened.
//!
//! The form carries the page's CSRF token ([`crate::csrf`]): a decision posted without it (by
//! another site's page, which can post a form here but cannot read the page) is refused with a
//! 403 page before anything else, and the intent stays as it was.

use super::model::{amount_text, digits, messages, now, Code, Intent};
use super::{Sim, OTP_INSUFFICIENT_FUNDS_CODE, OTP_SUCCESS_CODE};
use crate::page::render;
use crate::SandboxConfig;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use std::collections::HashMap;

type Params = HashMap<String, String>;

/// Why the page cannot go on, shown as a page of its own.
struct Problem {
    status: StatusCode,
    title: &'static str,
    text: &'static str,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        message_page(self.status, self.title, self.text, None)
    }
}

/// `GET /otp/verify?requestId=…&returnUrl=…`.
pub(super) async fn page(State(sim): State<Sim>, Query(params): Query<Params>) -> Response {
    let return_url = match return_url(&sim.config, &params) {
        Ok(url) => url,
        Err(problem) => return problem.into_response(),
    };
    let mut store = sim.lock();
    let intent = match find_intent(&mut store.intents, &params) {
        Ok(intent) => intent,
        Err(problem) => return problem.into_response(),
    };
    match intent.code {
        Code::RequiresAction => code_form(intent, return_url.as_deref(), &sim.csrf_token, None),
        Code::Initialized => not_awaiting_code(),
        _ => decided(intent, return_url.as_deref()),
    }
}

/// `POST /otp/verify`, form fields `requestId`, `code`, `returnUrl`, `action=verify|cancel` and
/// the page's `csrf` token.
pub(super) async fn submit(State(sim): State<Sim>, Form(form): Form<Params>) -> Response {
    // First of all: not even the intent's expiry is refreshed for a form the page did not make.
    let fields = form
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()));
    if !crate::csrf::carries_token(fields, &sim.csrf_token) {
        return form_expired(&sim.config, &form);
    }
    let return_url = match return_url(&sim.config, &form) {
        Ok(url) => url,
        Err(problem) => return problem.into_response(),
    };
    let mut store = sim.lock();
    let intent = match find_intent(&mut store.intents, &form) {
        Ok(intent) => intent,
        Err(problem) => return problem.into_response(),
    };
    match intent.code {
        Code::RequiresAction => {}
        Code::Initialized => return not_awaiting_code(),
        // Already decided (a second click): go where the first decision went.
        _ => return finish(intent, return_url),
    }
    let at = now();
    match form.get("action").map(String::as_str).unwrap_or("verify") {
        "cancel" => intent.reject(messages::CANCELLED, at),
        "verify" => match form.get("code").map(|code| code.trim()).unwrap_or("") {
            OTP_SUCCESS_CODE => intent.approve(at),
            OTP_INSUFFICIENT_FUNDS_CODE => intent.reject(messages::INSUFFICIENT_FUNDS, at),
            _ => {
                intent.otp_attempts_left = intent.otp_attempts_left.saturating_sub(1);
                if intent.otp_attempts_left == 0 {
                    intent.reject(messages::TOO_MANY_CODES, at);
                } else {
                    let left = intent.otp_attempts_left;
                    let error = format!(
                        "Wrong code, {left} attempt{} left",
                        if left == 1 { "" } else { "s" }
                    );
                    return code_form(intent, return_url.as_deref(), &sim.csrf_token, Some(&error));
                }
            }
        },
        other => {
            let text = format!("The action must be verify or cancel (got “{other}”).");
            return message_page(StatusCode::BAD_REQUEST, "Invalid request", &text, None);
        }
    }
    sim.notify(intent);
    finish(intent, return_url)
}

/// The optional `returnUrl`: absolute http(s), printable ASCII only (it becomes a `Location`),
/// and on an origin the sandbox may send shoppers to (see [`return_allowed`]): the page is no
/// open redirect.
fn return_url(config: &SandboxConfig, params: &Params) -> Result<Option<String>, Problem> {
    let Some(url) = params
        .get("returnUrl")
        .map(|url| url.trim())
        .filter(|url| !url.is_empty())
    else {
        return Ok(None);
    };
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let has_host =
        rest.is_some_and(|rest| !rest.split(['/', '?', '#']).next().unwrap_or("").is_empty());
    let printable = url.bytes().all(|byte| byte.is_ascii_graphic());
    if !(has_host && printable) {
        return Err(Problem {
            status: StatusCode::BAD_REQUEST,
            title: "Invalid return address",
            text: "The returnUrl parameter must be an absolute http:// or https:// URL. Go back to the merchant and try again.",
        });
    }
    if !return_allowed(config, &lower) {
        return Err(Problem {
            status: StatusCode::BAD_REQUEST,
            title: "Return address not allowed",
            text: "This sandbox sends shoppers back only to the shop's own address (its loopback addresses, its own, and those of SANDBOX_RETURN_ORIGINS). Go back to the merchant and try again.",
        });
    }
    Ok(Some(url.to_string()))
}

/// `scheme://host[:port]` of a lower-case absolute URL.
fn origin(url: &str) -> &str {
    let scheme_end = url.find("://").map_or(0, |at| at + 3);
    let end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| scheme_end + at);
    &url[..end]
}

/// Loopback origins (a shop in development), the sandbox's own public origin, and the
/// configured [`SandboxConfig::return_origins`] (`*` for any).
fn return_allowed(config: &SandboxConfig, url: &str) -> bool {
    let origin = origin(url);
    let host = origin
        .split_once("://")
        .map_or("", |(_, authority)| authority);
    let host = host
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|byte| byte.is_ascii_digit()))
        .map_or(host, |(host, _)| host);
    if matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        return true;
    }
    let listed = |allowed: &str| {
        let allowed = allowed.trim().trim_end_matches('/').to_ascii_lowercase();
        allowed == "*" || allowed == origin
    };
    config.public_base_url.as_deref().is_some_and(listed)
        || config.return_origins.iter().any(|allowed| listed(allowed))
}

fn find_intent<'a>(
    intents: &'a mut HashMap<String, Intent>,
    params: &Params,
) -> Result<&'a mut Intent, Problem> {
    let Some(id) = params.get("requestId").filter(|id| !id.is_empty()) else {
        return Err(Problem {
            status: StatusCode::BAD_REQUEST,
            title: "Invalid request",
            text: "The requestId parameter is missing.",
        });
    };
    let Some(intent) = intents.get_mut(id) else {
        return Err(Problem {
            status: StatusCode::NOT_FOUND,
            title: "Payment not found",
            text: "This payment request does not exist.",
        });
    };
    intent.refresh_expiry(now());
    if intent.expired {
        return Err(Problem {
            status: StatusCode::GONE,
            title: "Payment request expired",
            text:
                "This payment request has expired. Go back to the merchant to start a new payment.",
        });
    }
    Ok(intent)
}

/// After a decision: back to the merchant, or a closing page when there is nowhere to go.
fn finish(intent: &Intent, return_url: Option<String>) -> Response {
    let Some(url) = return_url else {
        return decided(intent, None);
    };
    match HeaderValue::from_str(&url) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => decided(intent, None),
    }
}

fn decided(intent: &Intent, return_url: Option<&str>) -> Response {
    let (title, text) = match intent.code {
        Code::Succeeded | Code::PreAuthorized => ("Payment confirmed", intent.end_user_message),
        _ => ("Payment not completed", intent.end_user_message),
    };
    let text = match return_url {
        Some(_) => text.to_string(),
        None => format!("{}. You can close this page.", text.trim_end_matches('.')),
    };
    message_page(StatusCode::OK, title, &text, return_url)
}

/// 403 for a form posted without the page's token, with a link to the page again.
fn form_expired(config: &SandboxConfig, form: &Params) -> Response {
    let again = page_again(config, form);
    render(StatusCode::FORBIDDEN, &FormExpired { again: &again })
}

/// The page's address for a form's `requestId`, and its `returnUrl` only if the page would
/// accept it. Relative, like the form's action: the page wherever the simulator is mounted.
fn page_again(config: &SandboxConfig, form: &Params) -> String {
    let mut query = Vec::new();
    if let Some(id) = form.get("requestId").filter(|id| !id.is_empty()) {
        query.push(format!("requestId={}", url_component(id)));
    }
    if let Ok(Some(url)) = return_url(config, form) {
        query.push(format!("returnUrl={}", url_component(&url)));
    }
    if query.is_empty() {
        "verify".to_string()
    } else {
        format!("verify?{}", query.join("&"))
    }
}

/// `text` percent-encoded for a query string (everything but unreserved characters).
fn url_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn not_awaiting_code() -> Response {
    message_page(
        StatusCode::CONFLICT,
        "Nothing to confirm",
        "This payment is not waiting for a verification code.",
        None,
    )
}

fn code_form(
    intent: &Intent,
    return_url: Option<&str>,
    csrf: &str,
    error: Option<&str>,
) -> Response {
    let page = CodeForm {
        amount: amount_text(intent.request.amount),
        currency: &intent.request.currency,
        phone: masked_phone(&intent.request.user_id),
        error,
        id: &intent.id,
        csrf_field: crate::csrf::FIELD,
        csrf,
        return_url,
        ok: OTP_SUCCESS_CODE,
        funds: OTP_INSUFFICIENT_FUNDS_CODE,
    };
    render(StatusCode::OK, &page)
}

/// A page with a title, a message and an optional link back to the merchant.
fn message_page(status: StatusCode, title: &str, text: &str, return_url: Option<&str>) -> Response {
    let page = MessagePage {
        title,
        text,
        return_url,
    };
    render(status, &page)
}

/// The code form: what is paid, to whom the code went, and the decision's two buttons.
#[derive(Template)]
#[template(path = "yassir/code_form.html")]
struct CodeForm<'a> {
    amount: String,
    currency: &'a str,
    phone: String,
    /// Why the last code was refused, announced to screen readers (`role="alert"`).
    error: Option<&'a str>,
    id: &'a str,
    csrf_field: &'a str,
    csrf: &'a str,
    return_url: Option<&'a str>,
    ok: &'a str,
    funds: &'a str,
}

#[derive(Template)]
#[template(path = "yassir/message.html")]
struct MessagePage<'a> {
    title: &'a str,
    text: &'a str,
    return_url: Option<&'a str>,
}

/// 403 for a form posted without the page's token; `again` is the page's address.
#[derive(Template)]
#[template(path = "yassir/form_expired.html")]
struct FormExpired<'a> {
    again: &'a str,
}

/// `+213•••••••01`: enough for the shopper to recognise their number.
fn masked_phone(user_id: &str) -> String {
    let digits = digits(user_id);
    if digits.len() < 6 {
        return "your Yassir Cash wallet phone".to_string();
    }
    let hidden = "•".repeat(digits.len() - 5);
    format!("+{}{hidden}{}", &digits[..3], &digits[digits.len() - 2..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_country_code_and_last_two_digits() {
        assert_eq!(masked_phone("+213555000001"), "+213•••••••01");
        assert_eq!(masked_phone("user_abc123"), "your Yassir Cash wallet phone");
    }

    const HOSTILE: &str = r#""><script>x</script>&'"#;
    const ESCAPED: &str = "&#34;&#62;&#60;script&#62;x&#60;/script&#62;&#38;&#39;";

    #[test]
    fn code_form_escapes_the_error_the_ids_and_the_return_address() {
        let page = CodeForm {
            amount: "1500.00".into(),
            currency: HOSTILE,
            phone: masked_phone("+213555000001"),
            error: Some(HOSTILE),
            id: HOSTILE,
            csrf_field: crate::csrf::FIELD,
            csrf: "tok3n",
            return_url: Some(HOSTILE),
            ok: OTP_SUCCESS_CODE,
            funds: OTP_INSUFFICIENT_FUNDS_CODE,
        }
        .render()
        .unwrap();
        assert!(page.contains(&format!(r#"<p class="amount">1500.00 {ESCAPED}</p>"#)));
        assert!(page.contains(&format!(
            r#"<p class="error" role="alert" id="error">{ESCAPED}</p>"#
        )));
        assert!(page.contains(&format!(r#"name="requestId" value="{ESCAPED}">"#)));
        assert!(page.contains(&format!(r#"name="returnUrl" value="{ESCAPED}">"#)));
        assert!(page.contains(r#"aria-describedby="error hint">"#), "{page}");
        assert!(!page.contains("<script>"), "{page}");
    }

    #[test]
    fn code_form_without_an_error_describes_the_input_by_its_hint() {
        let page = CodeForm {
            amount: "1500.00".into(),
            currency: "DZD",
            phone: masked_phone("+213555000001"),
            error: None,
            id: "pi_1",
            csrf_field: crate::csrf::FIELD,
            csrf: "tok3n",
            return_url: None,
            ok: OTP_SUCCESS_CODE,
            funds: OTP_INSUFFICIENT_FUNDS_CODE,
        }
        .render()
        .unwrap();
        assert!(page.contains(r#"aria-describedby="hint">"#), "{page}");
        assert!(page.contains(r#"pattern="[0-9]{6}" minlength="6" maxlength="6" required"#));
        assert!(page.contains(r#"<input type="hidden" name="csrf" value="tok3n">"#));
        assert!(!page.contains("role=\"alert\"") && !page.contains("returnUrl"));
        assert!(page.contains("<title>Confirm your payment · Yassir Cash (sandbox)</title>"));
    }

    #[test]
    fn message_page_escapes_its_title_text_and_link() {
        let page = MessagePage {
            title: HOSTILE,
            text: HOSTILE,
            return_url: Some(HOSTILE),
        }
        .render()
        .unwrap();
        assert!(page.contains(&format!("<title>{ESCAPED} · Yassir Cash (sandbox)</title>")));
        assert!(page.contains(&format!("<h1>{ESCAPED}</h1>\n<p>{ESCAPED}</p>")));
        assert!(page.contains(&format!(
            r#"<a class="button" href="{ESCAPED}">Return to the merchant</a>"#
        )));
        assert!(!page.contains("<script>"), "{page}");
    }

    #[test]
    fn form_expired_page_escapes_its_link() {
        let page = FormExpired { again: HOSTILE }.render().unwrap();
        assert!(page.contains(&format!(
            r#"<a href="{ESCAPED}">Open the payment page again</a> and confirm from there."#
        )));
        assert!(!page.contains("<script>"), "{page}");
    }

    #[test]
    fn a_form_without_the_token_links_to_the_page_again() {
        let config = SandboxConfig {
            return_origins: vec!["https://shop.example".into()],
            ..SandboxConfig::default()
        };
        let form = |fields: &[(&str, &str)]| -> Params {
            fields
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect()
        };
        assert_eq!(
            page_again(
                &config,
                &form(&[
                    ("requestId", "pi_1"),
                    ("returnUrl", "https://shop.example/back?a=1&b=2")
                ])
            ),
            "verify?requestId=pi_1&returnUrl=https%3A%2F%2Fshop.example%2Fback%3Fa%3D1%26b%3D2"
        );
        // A return address the page would refuse is left out; what was posted is encoded.
        assert_eq!(
            page_again(
                &config,
                &form(&[
                    ("requestId", "\"><script>&x=1"),
                    ("returnUrl", "https://evil.example/")
                ])
            ),
            "verify?requestId=%22%3E%3Cscript%3E%26x%3D1"
        );
        assert_eq!(page_again(&config, &Params::new()), "verify");
    }

    #[test]
    fn return_url_must_be_absolute_http_and_allowed() {
        let params = |url: &str| Params::from([("returnUrl".to_string(), url.to_string())]);
        let config = SandboxConfig {
            public_base_url: Some("https://sandbox.example".into()),
            return_origins: vec!["https://shop.example".into()],
            ..SandboxConfig::default()
        };
        let read = |url: &str| return_url(&config, &params(url));
        assert!(read("https://shop.example/return?x=1").is_ok());
        assert!(read("HTTPS://SHOP.example/return").is_ok());
        assert!(read("http://127.0.0.1:8787/").is_ok());
        assert!(read("http://localhost:3000/cart").is_ok());
        assert!(read("https://sandbox.example/widget/").is_ok());
        assert!(read("/relative").is_err());
        assert!(read("javascript:alert(1)").is_err());
        assert!(read("https:///nohost").is_err());
        // Not an allowed origin, however it is dressed up.
        for url in [
            "https://evil.example/",
            "https://shop.example.evil.example/",
            "https://shop.example@evil.example/",
            "http://shop.example/",
            "https://127.0.0.1.evil.example/",
        ] {
            assert!(read(url).is_err(), "{url}");
        }
        assert_eq!(return_url(&config, &Params::new()).ok(), Some(None));
        let any = SandboxConfig {
            return_origins: vec!["*".into()],
            ..SandboxConfig::default()
        };
        assert!(return_url(&any, &params("https://evil.example/")).is_ok());
    }
}
