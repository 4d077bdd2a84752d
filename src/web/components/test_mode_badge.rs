use yew::prelude::*;

use crate::core::i18n::{t, Lang, Msg};

/// Says that the session talks to a sandbox and no real money moves.
pub fn test_mode_badge(lang: Lang) -> Html {
    html! { <p class="cw-badge" role="note">{ t(lang, Msg::TestMode) }</p> }
}
