//! What a checkout on the page runs with: the order, and the page's options for it.

use std::rc::Rc;

use checkout_contract::MethodKind;
use yew::Callback;

use crate::core::backoff::PollPolicy;
use crate::core::events::PageEvent;
use crate::web::api::Backend;
use crate::web::navigate::Navigator;

/// One checkout's order, the backend and navigation it uses, and the page's options for it.
#[derive(Clone)]
pub struct CheckoutSettings {
    pub order: String,
    pub backend: Rc<dyn Backend>,
    pub navigator: Rc<dyn Navigator>,
    /// Replaces the session's `redirect_origins` when set.
    pub redirect_origins: Option<Vec<String>>,
    /// Narrows the session's methods when set.
    pub methods: Option<Vec<MethodKind>>,
    pub polling: PollPolicy,
    /// The shopper's language tag (`fr`), sent with the create.
    pub language: &'static str,
    /// Hears the events for the embedding page.
    pub notify: Option<Callback<PageEvent>>,
}
