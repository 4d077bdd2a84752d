//! The demo shop, in sandbox mode only: a merchant checkout page on `/`, the embedding examples
//! (script tag, JavaScript API, custom element) on `/examples/` and the demo's webhook receiver
//! ([`receiver`]). The widget itself is served by [`crate::widget_assets`] in every mode.

use std::path::Path;

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

use crate::orders::DemoCatalog;

pub mod receiver;

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
