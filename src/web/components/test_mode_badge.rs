use yew::prelude::*;

use crate::core::i18n::{t, Lang, Msg};

#[derive(Properties, PartialEq, Clone)]
pub struct TestModeBadgeProps {
    pub lang: Lang,
}

/// Says that the session talks to a sandbox and no real money moves.
#[function_component(TestModeBadge)]
pub fn test_mode_badge(props: &TestModeBadgeProps) -> Html {
    html! { <p class="cw-badge" role="note">{ t(props.lang, Msg::TestMode) }</p> }
}
