use checkout_contract::MethodKind;
use yew::prelude::*;

use crate::core::i18n::{method_name, t, Lang, Msg};

#[derive(Properties, PartialEq, Clone)]
pub struct MethodPickerProps {
    pub lang: Lang,
    /// The group's id; each radio's id derives from it.
    pub id: AttrValue,
    pub methods: Vec<MethodKind>,
    pub selected: Option<MethodKind>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub onselect: Callback<MethodKind>,
}

/// The offered methods as a radio group.
#[function_component(MethodPicker)]
pub fn method_picker(props: &MethodPickerProps) -> Html {
    let error_id = format!("{}-error", props.id);
    html! {
        <fieldset
            class="cw-methods"
            id={props.id.clone()}
            tabindex="-1"
            aria-describedby={props.error.as_ref().map(|_| error_id.clone())}
        >
            <legend class="cw-label">{ t(props.lang, Msg::MethodLabel) }</legend>
            { for props.methods.iter().map(|&method| {
                let id = format!("{}-{}", props.id, method.as_str());
                let onchange = props.onselect.reform(move |_: Event| method);
                html! {
                    <div class="cw-method">
                        <input
                            type="radio"
                            id={id.clone()}
                            name={props.id.clone()}
                            value={method.as_str()}
                            checked={props.selected == Some(method)}
                            disabled={props.disabled}
                            {onchange}
                        />
                        <label for={id}>{ method_name(props.lang, method) }</label>
                    </div>
                }
            }) }
            if let Some(error) = &props.error {
                <p class="cw-error" id={error_id.clone()}>{ error.clone() }</p>
            }
        </fieldset>
    }
}
