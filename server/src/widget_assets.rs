//! The widget's release build on `/widget/`, in every mode: the standalone checkout page and
//! the files merchants' pages load, with the cache policy and CORS they need.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;

/// The widget's release build on `/widget/`: the standalone checkout page and the files a
/// merchant's page loads. Served in every mode.
pub fn router(widget_dir: &Path) -> Router {
    if !widget_dir.join("index.html").exists() {
        tracing::warn!(dir = %widget_dir.display(), "no widget build found: run `trunk build --release` first");
    }
    // Merchant pages on other origins load the widget's files with CORS (its glue is a module,
    // and the wasm and CSS are fetched with `integrity`): they are public, so any origin may.
    // Compressed copies (`.br`, `.gz`) written by the build are sent to browsers that take them.
    let files = ServeDir::new(widget_dir)
        .append_index_html_on_directories(true)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/widget", files)
        .layer(middleware::from_fn(cache_policy))
        .layer(CorsLayer::new().allow_origin(Any))
}

/// Files whose name carries their content hash never change, so browsers keep them; the rest
/// (the loader, the page) are revalidated, so a new release reaches shoppers at once.
async fn cache_policy(request: Request, next: Next) -> Response {
    let immutable = is_content_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let policy = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// `checkout-widget-8b428834257a25ca_bg.wasm`, `widget-3f9a787a23670f1c.css`: trunk's hashed names.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_build_files_are_recognised() {
        assert!(is_content_hashed(
            "/widget/checkout-widget-8b428834257a25ca_bg.wasm"
        ));
        assert!(is_content_hashed(
            "/widget/checkout-widget-8b428834257a25ca.js"
        ));
        assert!(is_content_hashed("/widget/widget-3f9a787a23670f1c.css"));
        assert!(!is_content_hashed("/widget/checkout.js"));
        assert!(!is_content_hashed("/widget/"));
        assert!(!is_content_hashed("/widget/index.html"));
    }
}
