use yew::prelude::*;

use crate::core::i18n::{fill, t, Lang, Msg};

/// Keeps the focus in the field being typed in when a button is pressed: leaving the field
/// would show its error at once and move the button away before the press ends, losing the
/// press. Keyboard users leave fields by Tab, which this does not touch.
pub fn keep_focus() -> Callback<MouseEvent> {
    Callback::from(|event: MouseEvent| event.prevent_default())
}

/// The form's submit button for `amount` (formatted for the shopper). Always pressable while the
/// form is being filled in, so a press on a wrong form can say what to fix; disabled once an
/// attempt runs (`locked`), and while its request is out (`processing`) busy and saying so.
pub fn pay_button(lang: Lang, amount: &str, locked: bool, processing: bool) -> Html {
    html! {
        <button
            type="submit"
            class="cw-pay"
            disabled={locked}
            aria-busy={if processing { "true" } else { "false" }}
            onmousedown={keep_focus()}
        >
            if processing {
                { t(lang, Msg::Processing) }
            } else {
                { fill(lang, Msg::PayTemplate, amount) }
            }
        </button>
    }
}
