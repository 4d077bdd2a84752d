//! The demo shop: a merchant checkout page on `/` and the widget's release build on `/widget/`.

use std::path::Path;

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

use crate::orders::DemoCatalog;

pub fn router(widget_dir: &Path) -> Router {
    let index = widget_dir.join("index.html");
    if !index.exists() {
        tracing::warn!(dir = %widget_dir.display(), "no widget build found: run `trunk build --release` first");
    }
    // Looked up per request, so a widget built while the server runs shows up without a restart.
    Router::new()
        .route("/", get(move || async move { Html(shop_page(index.exists())) }))
        .nest_service("/widget", ServeDir::new(widget_dir).append_index_html_on_directories(true))
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
        r#"<p class="notice" role="status">The widget is not built yet: run <code>trunk build --release</code>, then restart the server.</p>"#.into()
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
<footer>
<h2>Sandbox tools</h2>
<a href="/sandbox/yabetoo/phone">Mobile-money phone (approve or decline prompts)</a>
</footer>
</main>
</body>
</html>"#
    )
}
