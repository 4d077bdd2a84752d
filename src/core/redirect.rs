//! The OTP round trip as URLs: sending the shopper to the provider's page with a `returnUrl`,
//! checking that page is one we trust, and recognising the shopper when they come back.
//!
//! Hand-written instead of a URL crate to keep the widget small; it only edits query strings
//! and reads origins, and refuses anything it does not understand.

/// Query parameter the provider's OTP page reads to send the shopper back.
pub const RETURN_URL_PARAM: &str = "returnUrl";
/// Query parameter marking the page the shopper returns to with the payment to resume.
pub const RESUME_PARAM: &str = "checkout_resume";

/// Why a pay URL cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectError {
    /// Not an absolute `http`/`https` URL with a plain host.
    NotHttpUrl,
}

/// `pay_url` with `returnUrl=<return_url>` added (percent-encoded), replacing any `returnUrl`
/// already there and keeping its other parameters and its `#fragment`.
pub fn append_return_url(pay_url: &str, return_url: &str) -> Result<String, RedirectError> {
    origin_of(pay_url).ok_or(RedirectError::NotHttpUrl)?;
    Ok(set_query_param(
        pay_url.trim(),
        RETURN_URL_PARAM,
        return_url,
    ))
}

/// `scheme://host[:port]`, lower-cased, without the scheme's default port. `None` unless the URL
/// is absolute `http`/`https` with a plain host: no user info (`https://good@evil`), no
/// backslashes, no whitespace or control characters, which browsers read differently.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url.trim_matches(' ');
    if url
        .chars()
        .any(|ch| ch.is_whitespace() || ch.is_control() || ch == '\\')
    {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (host, port) = split_host_port(&authority)?;
    let plain_host = |ch: char| ch.is_ascii_alphanumeric() || ch == '-' || ch == '.';
    let is_ipv6 = host.len() > 2
        && host.starts_with('[')
        && host.ends_with(']')
        && host[1..host.len() - 1]
            .chars()
            .all(|ch| ch.is_ascii_hexdigit() || ch == ':' || ch == '.');
    if host.is_empty() || host.starts_with('.') || !(is_ipv6 || host.chars().all(plain_host)) {
        return None;
    }
    match port {
        Some(port) if port != default_port => Some(
            [
                &*scheme,
                "://",
                host,
                ":",
                &checkout_contract::decimal(port.into(), 0),
            ]
            .concat(),
        ),
        _ => Some([&*scheme, "://", host].concat()),
    }
}

/// True when `pay_url` is `http`/`https` and its origin is exactly one of `allowlist`.
pub fn is_allowed(pay_url: &str, allowlist: &[String]) -> bool {
    let Some(origin) = origin_of(pay_url) else {
        return false;
    };
    allowlist
        .iter()
        .any(|allowed| origin_of(allowed).as_deref() == Some(origin.as_str()))
}

/// The page URL to come back to after the OTP: `current_href` with `checkout_resume=<id>`,
/// replacing an earlier marker and keeping the page's other parameters.
pub fn resume_url(current_href: &str, payment_id: &str) -> String {
    set_query_param(current_href, RESUME_PARAM, payment_id)
}

/// The payment id the page was returned to with, if the marker is present and looks like one of
/// ours (letters, digits, `_`, `-`). The id is only a hint of what to ask the backend about.
pub fn resume_marker(href: &str) -> Option<String> {
    let (_, query, _) = split_url(href);
    let value = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix(RESUME_PARAM)?.strip_prefix('='))?;
    let id = percent_decode(value)?;
    let id_char = |ch: char| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-';
    (!id.is_empty() && id.len() <= 64 && id.chars().all(id_char)).then_some(id)
}

/// What the attempt in flight is saved under in the browser, so that the return from the OTP page,
/// a reload or a second tab finds it: the order's `reference` as the backend answered it
/// (`CheckoutSession::order`), which stays the same when a merchant signs a fresh order token for
/// the same order on each page load; before that answer, the `order` as the page named it.
pub fn resume_key<'a>(order: &'a str, reference: Option<&'a str>) -> &'a str {
    reference
        .filter(|reference| !reference.is_empty())
        .unwrap_or(order)
}

/// `href` without the resume marker, for `history.replaceState` once the payment is resumed.
pub fn strip_resume_marker(href: &str) -> String {
    let (base, query, fragment) = split_url(href);
    let kept = query
        .map(|query| without_param(query, RESUME_PARAM))
        .unwrap_or_default();
    join_url(base, &kept, fragment)
}

/// Percent-encodes all but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
pub fn percent_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    encoded
}

/// Decodes `%XX` escapes and `+` as space; `None` for broken escapes or invalid UTF-8.
fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                decoded.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                decoded.push(b' ');
                i += 1;
            }
            byte => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.contains('@') {
        return None;
    }
    // An IPv6 literal holds colons of its own, so the port comes after its closing bracket.
    let port_colon = match authority.rfind(']') {
        Some(end) => authority[end..].find(':').map(|at| end + at),
        None => authority.find(':'),
    };
    let Some(colon) = port_colon else {
        return Some((authority, None));
    };
    let port = &authority[colon + 1..];
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let port: u16 = port.parse().ok()?;
    Some((&authority[..colon], Some(port)))
}

/// Splits into what precedes the query, the query (without `?`) and the fragment (without `#`).
fn split_url(url: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (url, None),
    };
    match rest.split_once('?') {
        Some((base, query)) => (base, Some(query), fragment),
        None => (rest, None, fragment),
    }
}

fn join_url(base: &str, query: &str, fragment: Option<&str>) -> String {
    let mut url = base.to_string();
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

fn without_param(query: &str, name: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(name))
        .collect::<Vec<_>>()
        .join("&")
}

fn set_query_param(url: &str, name: &str, value: &str) -> String {
    let (base, query, fragment) = split_url(url);
    let mut query = query
        .map(|query| without_param(query, name))
        .unwrap_or_default();
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    query.push_str(&percent_encode(value));
    join_url(base, &query, fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAY_URL: &str = "https://otp.payment.yassir.io/otp/verify?requestId=9f1c2a&phone=213555123456&amount=1500&currency=DZD";
    const SHOP: &str = "https://shop.example.dz/checkout?order=demo-dz";

    fn origins(list: &[&str]) -> Vec<String> {
        list.iter().map(|origin| origin.to_string()).collect()
    }

    #[test]
    fn return_url_is_appended_after_existing_parameters() {
        let url = append_return_url(PAY_URL, SHOP).unwrap();
        assert_eq!(
            url,
            format!(
                "{PAY_URL}&returnUrl=https%3A%2F%2Fshop.example.dz%2Fcheckout%3Forder%3Ddemo-dz"
            )
        );
    }

    #[test]
    fn return_url_starts_the_query_when_there_is_none() {
        let url = append_return_url("https://otp.example/verify", "https://a.b/").unwrap();
        assert_eq!(
            url,
            "https://otp.example/verify?returnUrl=https%3A%2F%2Fa.b%2F"
        );
    }

    #[test]
    fn return_url_goes_before_fragment() {
        let url =
            append_return_url("https://otp.example/verify?x=1#step-2", "https://a.b/").unwrap();
        assert_eq!(
            url,
            "https://otp.example/verify?x=1&returnUrl=https%3A%2F%2Fa.b%2F#step-2"
        );
    }

    #[test]
    fn existing_return_url_is_replaced() {
        let url = append_return_url("https://otp.example/v?returnUrl=old&x=1", "new").unwrap();
        assert_eq!(url, "https://otp.example/v?x=1&returnUrl=new");
    }

    #[test]
    fn everything_but_unreserved_characters_is_encoded() {
        assert_eq!(percent_encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            percent_encode("a b&c=d/é+#"),
            "a%20b%26c%3Dd%2F%C3%A9%2B%23"
        );
    }

    #[test]
    fn return_url_needs_an_http_pay_url() {
        assert_eq!(
            append_return_url("javascript:alert(1)", SHOP),
            Err(RedirectError::NotHttpUrl)
        );
        assert_eq!(
            append_return_url("/otp/verify", SHOP),
            Err(RedirectError::NotHttpUrl)
        );
    }

    #[test]
    fn origin_is_lower_cased_without_default_port() {
        assert_eq!(
            origin_of(PAY_URL).as_deref(),
            Some("https://otp.payment.yassir.io")
        );
        assert_eq!(
            origin_of("HTTPS://OTP.Example.COM:443/x").as_deref(),
            Some("https://otp.example.com")
        );
        assert_eq!(
            origin_of("http://localhost:80").as_deref(),
            Some("http://localhost")
        );
        assert_eq!(
            origin_of("http://localhost:8080/otp").as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(
            origin_of("http://[::1]:3000/").as_deref(),
            Some("http://[::1]:3000")
        );
        assert_eq!(
            origin_of("https://a.example?x#y").as_deref(),
            Some("https://a.example")
        );
    }

    #[test]
    fn origin_refuses_what_browsers_read_differently() {
        for url in [
            "https://otp.good.com@evil.com/",
            "https://otp.good.com\\@evil.com/",
            "https://otp.good.com:443@evil.com",
            "java\tscript:alert(1)",
            "javascript:alert(1)",
            "data:text/html,<script>",
            "//otp.good.com/x",
            "https://",
            "https://otp.good.com:99999/",
            "https://otp.good.com:/",
            "https://ev%69l.com/",
            "https://[evil.com]/",
            "https://otp.good.com\n.evil.com/",
            "ftp://otp.good.com/",
        ] {
            assert_eq!(origin_of(url), None, "{url}");
        }
    }

    #[test]
    fn only_exact_origins_are_allowed() {
        let allow = origins(&["https://otp.payment.yassir.io"]);
        assert!(is_allowed(PAY_URL, &allow));
        assert!(is_allowed("https://OTP.payment.yassir.io:443/otp", &allow));
        assert!(!is_allowed("http://otp.payment.yassir.io/otp", &allow));
        assert!(!is_allowed(
            "https://otp.payment.yassir.io:8443/otp",
            &allow
        ));
        assert!(!is_allowed(
            "https://evil.otp.payment.yassir.io/otp",
            &allow
        ));
        assert!(!is_allowed(
            "https://otp.payment.yassir.io.evil.com/otp",
            &allow
        ));
        assert!(!is_allowed(
            "https://otp.payment.yassir.io@evil.com/otp",
            &allow
        ));
        assert!(!is_allowed(PAY_URL, &[]));
    }

    #[test]
    fn allowlist_entries_are_compared_as_origins() {
        let allow = origins(&["HTTPS://otp.payment.yassir.io/", "javascript:alert(1)"]);
        assert!(is_allowed(PAY_URL, &allow));
        assert!(!is_allowed("javascript:alert(1)", &allow));
    }

    #[test]
    fn resume_url_marks_the_page_and_keeps_its_parameters() {
        let url = resume_url("https://shop.example/pay?order=7#top", "pay_123");
        assert_eq!(
            url,
            "https://shop.example/pay?order=7&checkout_resume=pay_123#top"
        );
        let again = resume_url(&url, "pay_456");
        assert_eq!(
            again,
            "https://shop.example/pay?order=7&checkout_resume=pay_456#top"
        );
    }

    #[test]
    fn the_attempt_is_kept_under_the_order_reference_whatever_the_token() {
        // Two tokens the merchant signed for the same order (new `expires_at`), one for another.
        let first = resume_key("v1.eyJyZWYiOiJvcmQtNDIiLCJleHAiOjF9.c2lnMQ", Some("ord-42"));
        let again = resume_key("v1.eyJyZWYiOiJvcmQtNDIiLCJleHAiOjJ9.c2lnMg", Some("ord-42"));
        let other = resume_key("v1.eyJyZWYiOiJvcmQtNDMiLCJleHAiOjF9.c2lnMw", Some("ord-43"));
        assert_eq!(first, "ord-42");
        assert_eq!(first, again);
        assert_ne!(first, other);
        // A catalog reference is its own key, and the page's order stands in until one is known.
        assert_eq!(resume_key("demo-dz", Some("demo-dz")), "demo-dz");
        assert_eq!(resume_key("v1.tok.sig", None), "v1.tok.sig");
        assert_eq!(resume_key("v1.tok.sig", Some("")), "v1.tok.sig");
    }

    #[test]
    fn resume_marker_reads_back_the_payment_id() {
        let url = resume_url(SHOP, "pay_123");
        assert_eq!(resume_marker(&url).as_deref(), Some("pay_123"));
        assert_eq!(resume_marker(SHOP), None);
        assert_eq!(resume_marker("https://s/p?checkout_resume=#x"), None);
        assert_eq!(resume_marker("https://s/p?xcheckout_resume=pay_1"), None);
    }

    #[test]
    fn resume_marker_refuses_ids_that_could_escape_a_path() {
        assert_eq!(
            resume_marker("https://s/p?checkout_resume=..%2Fadmin"),
            None
        );
        assert_eq!(
            resume_marker("https://s/p?checkout_resume=pay%5F1").as_deref(),
            Some("pay_1")
        );
        assert_eq!(resume_marker("https://s/p?checkout_resume=%zz"), None);
    }

    #[test]
    fn stripping_the_marker_keeps_everything_else() {
        let url = "https://shop.example/pay?order=7&checkout_resume=pay_1&lang=fr#top";
        assert_eq!(
            strip_resume_marker(url),
            "https://shop.example/pay?order=7&lang=fr#top"
        );
        assert_eq!(
            strip_resume_marker("https://s/p?checkout_resume=pay_1"),
            "https://s/p"
        );
        assert_eq!(strip_resume_marker(SHOP), SHOP);
    }
}
