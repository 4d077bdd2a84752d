//! Response headers on everything the server serves: no MIME sniffing, no referrer (a page's
//! address may carry an order token), and on its own pages a Content-Security-Policy that also
//! forbids framing.

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The standalone checkout page (`/widget/`): exactly what the widget needs, as the policy
/// `docs/embedding.md` gives merchant pages.
const WIDGET_PAGE_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

/// The demo shop, the examples and the sandbox's pages, which keep their scripts and styles
/// inline for readability, and whose forms may send the shopper back to a merchant's page.
const DEMO_PAGE_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' \
    'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
    base-uri 'none'; frame-ancestors 'none'";

pub async fn security_headers(request: Request, next: Next) -> Response {
    let widget_page = matches!(
        request.uri().path(),
        "/widget" | "/widget/" | "/widget/index.html"
    );
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if html && !headers.contains_key(CONTENT_SECURITY_POLICY) {
        let policy = if widget_page {
            WIDGET_PAGE_POLICY
        } else {
            DEMO_PAGE_POLICY
        };
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    }
    response
}
