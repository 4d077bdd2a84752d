//! The browser side of the widget: views, the checkout that runs the core's effects and the hook
//! that gives it to the views, and the thin wrappers over HTTP, storage and navigation they use.

pub mod api;
pub mod app;
pub mod browser;
pub mod checkout;
pub mod components;
pub mod entry;
pub mod hooks;
pub mod navigate;
pub mod storage;
pub mod wire;

pub use api::{Backend, BackendFuture, HttpBackend, Prefetched, WidgetError};
pub use app::{CheckoutWidget, CheckoutWidgetProps};
pub use entry::{mount, WidgetOptions};
pub use navigate::{BrowserNavigator, Navigator};
