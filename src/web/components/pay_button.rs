use yew::prelude::*;

use crate::core::i18n::Lang;
use crate::web::text::{frame_fill, Frame};

#[derive(Properties, PartialEq, Clone)]
pub struct PayButtonProps {
    pub lang: Lang,
    /// The amount, formatted for the shopper.
    pub amount: AttrValue,
    /// The form is complete and valid.
    pub ready: bool,
    /// An attempt is running.
    pub busy: bool,
}

/// The form's submit button: one press is one attempt, and it stays disabled until the form is
/// valid and while an attempt runs.
#[function_component(PayButton)]
pub fn pay_button(props: &PayButtonProps) -> Html {
    html! {
        <button
            type="submit"
            class="cw-pay"
            disabled={!props.ready || props.busy}
            aria-busy={if props.busy { "true" } else { "false" }}
        >
            { frame_fill(props.lang, Frame::PayAmountTemplate, &props.amount) }
        </button>
    }
}
