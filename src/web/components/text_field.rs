use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{described_by, field_box};

#[derive(Properties, PartialEq, Clone)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    /// `text`, `tel` or `email`.
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    /// `ltr` for phone numbers, which read left to right in Arabic too.
    #[prop_or_default]
    pub dir: Option<AttrValue>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// Advice that does not block paying.
    #[prop_or_default]
    pub warning: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub oninput: Callback<String>,
    /// The shopper left the field after changing it.
    pub onchange: Callback<()>,
}

/// A labelled input with its hint and error tied to it for assistive technology.
#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let hint_id = format!("{}-hint", props.id);
    let error_id = format!("{}-error", props.id);
    let warning_id = format!("{}-warning", props.id);
    let describedby = described_by([
        (props.hint.is_some(), &hint_id),
        (props.warning.is_some(), &warning_id),
        (props.error.is_some(), &error_id),
    ]);
    let oninput = props.oninput.reform(|event: InputEvent| event.target_unchecked_into::<HtmlInputElement>().value());
    let onchange = props.onchange.reform(|_: Event| ());
    let children = html! {
        <>
            <label class="cw-label" for={props.id.clone()}>{ props.label.clone() }</label>
            if let Some(hint) = &props.hint {
                <p class="cw-hint" id={hint_id.clone()}>{ hint.clone() }</p>
            }
            <input
                class="cw-input"
                id={props.id.clone()}
                name={props.id.clone()}
                type={props.kind.clone()}
                value={props.value.clone()}
                autocomplete={props.autocomplete.clone()}
                inputmode={props.inputmode.clone()}
                dir={props.dir.clone()}
                disabled={props.disabled}
                aria-invalid={if props.error.is_some() { "true" } else { "false" }}
                aria-describedby={describedby}
                {oninput}
                {onchange}
            />
            if let Some(warning) = &props.warning {
                <p class="cw-warning" id={warning_id.clone()}>{ warning.clone() }</p>
            }
            if let Some(error) = &props.error {
                <p class="cw-error" id={error_id.clone()}>{ error.clone() }</p>
            }
        </>
    };
    field_box(props.error.is_some(), children)
}
