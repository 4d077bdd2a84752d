use yew::prelude::*;

use crate::core::i18n::{fill, t, Lang, Msg};

/// The form's submit button for `amount` (formatted for the shopper). Always pressable while the
/// form is being filled in, so a press on a wrong form can say what to fix; while a request is
/// out it is busy, says so, and cannot be pressed twice.
pub fn pay_button(lang: Lang, amount: &str, busy: bool) -> Html {
    html! {
        <button
            type="submit"
            class="cw-pay"
            disabled={busy}
            aria-busy={if busy { "true" } else { "false" }}
        >
            if busy {
                { t(lang, Msg::Processing) }
            } else {
                { fill(lang, Msg::PayTemplate, amount) }
            }
        </button>
    }
}
