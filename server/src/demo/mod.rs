//! The demo shop: a merchant checkout page on `/`, the widget's release build on `/widget/`, the
//! embedding examples (script tag, JavaScript API, custom element) on `/examples/` and the demo's
//! webhook receiver ([`receiver`]). In live mode only the widget is served.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::routing::get;
use axum::Router;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;

use crate::orders::DemoCatalog;

pub mod receiver;

/// The widget's release build on `/widget/`: the standalone checkout page and the files a
/// merchant's page loads. Served in every mode.
pub fn widget_router(widget_dir: &Path) -> Router {
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

/// The demo shop on `/` and the embedding examples on `/examples/`: sandbox mode only, since
/// they say no real money moves.
pub fn shop_router(widget_dir: &Path, examples_dir: &Path) -> Router {
    let index = widget_dir.join("index.html");
    // Looked up per request, so a widget built while the server runs shows up without a restart.
    Router::new()
        .route(
            "/",
            get(move || async move { Html(shop_page(index.exists())) }),
        )
        .nest_service("/examples", ServeDir::new(examples_dir))
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

fn shop_page(widget_built: bool) -> String {
    let catalog = DemoCatalog::default();
    let rows: String = catalog
        .orders()
        .iter()
        .map(|order| {
            format!(
                r#"<li><a href="/widget/?order={reference}"><strong>{description}</strong><span>{amount} {currency}</span></a></li>"#,
                reference = order.reference,
                description = order.description,
                amount = checkout_contract::format_minor(order.amount_minor, &order.currency),
                currency = order.currency,
            )
        })
        .collect();
    let notice = if widget_built {
        String::new()
    } else {
        r#"<p class="notice" role="status">The widget is not built yet: run <code>trunk build --release</code>, then reload this page.</p>"#.into()
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo shop — checkout</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; }}
main {{ max-width: 40rem; margin: 0 auto; padding: 2rem 1rem; }}
ul {{ list-style: none; padding: 0; }}
li a {{ display: flex; justify-content: space-between; gap: 1rem; padding: 1rem; margin: .5rem 0; background: #fff;
  border: 1px solid #d0d7de; border-radius: .5rem; color: inherit; text-decoration: none; }}
li a:hover, li a:focus-visible {{ border-color: #0b57d0; outline: 2px solid #0b57d0; }}
.notice {{ background: #fff4ce; padding: .75rem 1rem; border-radius: .5rem; }}
footer a {{ margin-right: 1rem; }}
</style>
</head>
<body>
<main>
<h1>Demo shop</h1>
<p>Pick an order to pay. This server runs on its embedded sandbox: no real money moves.</p>
{notice}
<ul>{rows}</ul>
<h2>Embedding the widget</h2>
<ul class="examples">
<li><a href="/examples/script-tag.html?order=demo-dz">Script tag only</a></li>
<li><a href="/examples/js-api.html?order=demo-cg">JavaScript API, with the events in a log</a></li>
<li><a href="/examples/custom-element.html?order=demo-ma">Custom element, dark theme</a></li>
</ul>
<footer>
<h2>Sandbox tools</h2>
<a href="/sandbox/yabetoo/phone">Mobile-money phone (approve or decline prompts)</a>
<a href="/demo/webhooks">Webhook receiver (the events the order system got)</a>
</footer>
</main>
</body>
</html>"#
    )
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
