//! A page of the simulators as an answer: its template rendered, every value escaped by
//! construction (askama).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// `page` as the answer's body. Rendering fails only if a value's `Display` does, which no
/// string or number these pages show does; should it, the answer is a 500, not a panic.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a sandbox page could not be rendered");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
