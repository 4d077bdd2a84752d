//! The demo shop, in sandbox mode only: a merchant checkout page on `/`, the embedding examples
//! (script tag, JavaScript API, custom element) on `/examples/` and the demo's webhook receiver
//! ([`receiver`]). The widget itself is served by [`crate::widget_assets`] in every mode.

use std::path::Path;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
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
            get(move || async move {
                let catalog = DemoCatalog::default();
                render(&ShopPage::new(&catalog, index.exists()))
            }),
        )
        .nest_service("/examples", ServeDir::new(examples_dir))
}

/// A demo page as the response's body. Writing it fails only if a value's `Display` does, which
/// no string or number shown here does; should it, the answer is a 500, not a panic.
fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "a demo page could not be rendered");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The demo catalog's orders, each a link to the widget, and the embedding examples.
#[derive(Template)]
#[template(path = "demo/shop.html")]
struct ShopPage<'a> {
    /// False until `trunk build` has made the widget: the page then says how.
    widget_built: bool,
    orders: Vec<ShopOrder<'a>>,
}

struct ShopOrder<'a> {
    reference: &'a str,
    description: &'a str,
    amount: String,
    currency: &'a str,
}

impl<'a> ShopPage<'a> {
    fn new(catalog: &'a DemoCatalog, widget_built: bool) -> Self {
        let orders = catalog
            .orders()
            .iter()
            .map(|order| ShopOrder {
                reference: &order.reference,
                description: &order.description,
                amount: checkout_contract::format_minor(order.amount_minor, &order.currency),
                currency: &order.currency,
            })
            .collect();
        Self {
            widget_built,
            orders,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_page_links_each_demo_order_to_the_widget() {
        let catalog = DemoCatalog::default();
        let html = ShopPage::new(&catalog, true).render().unwrap();
        for order in catalog.orders() {
            assert!(
                html.contains(&format!(r#"<a href="/widget/?order={}">"#, order.reference)),
                "{html}"
            );
        }
        assert!(!html.contains("not built yet"));
        let unbuilt = ShopPage::new(&catalog, false).render().unwrap();
        assert!(unbuilt.contains(r#"<p class="notice" role="status">The widget is not built yet"#));
    }

    #[test]
    fn shop_page_escapes_what_an_order_says() {
        let page = ShopPage {
            widget_built: true,
            orders: vec![ShopOrder {
                reference: r#"x"><script>"#,
                description: "<b>Tea & 'cups'</b>",
                amount: "1".into(),
                currency: "DZD",
            }],
        };
        let html = page.render().unwrap();
        assert!(
            html.contains(r#"href="/widget/?order=x&#34;&#62;&#60;script&#62;""#),
            "{html}"
        );
        assert!(html.contains("<strong>&#60;b&#62;Tea &#38; &#39;cups&#39;&#60;/b&#62;</strong>"));
        assert!(!html.contains("<script>") && !html.contains("<b>"));
    }
}
