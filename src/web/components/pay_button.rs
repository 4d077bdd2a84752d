use yew::prelude::*;

use crate::core::i18n::{fill, Lang, Msg};

/// The form's submit button for `amount` (formatted for the shopper): one press is one attempt,
/// and it stays disabled until the form is valid (`ready`) and while an attempt runs (`busy`).
pub fn pay_button(lang: Lang, amount: &str, ready: bool, busy: bool) -> Html {
    html! {
        <button
            type="submit"
            class="cw-pay"
            disabled={!ready || busy}
            aria-busy={if busy { "true" } else { "false" }}
        >
            { fill(lang, Msg::PayTemplate, amount) }
        </button>
    }
}
