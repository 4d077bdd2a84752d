use checkout_contract::MethodKind;
use yew::prelude::*;

use crate::core::i18n::{method_name, t, Lang, Msg};

/// The offered methods as a radio group.
pub struct MethodPicker {
    pub lang: Lang,
    /// The group's id; each radio's id derives from it.
    pub id: AttrValue,
    pub methods: Vec<MethodKind>,
    pub selected: Option<MethodKind>,
    pub error: Option<AttrValue>,
    pub disabled: bool,
    pub onselect: Callback<MethodKind>,
}

impl MethodPicker {
    pub fn view(&self) -> Html {
        let error_id = [&*self.id, "-error"].concat();
        html! {
            <fieldset
                class="cw-methods"
                id={self.id.clone()}
                tabindex="-1"
                aria-describedby={self.error.as_ref().map(|_| error_id.clone())}
            >
                <legend class="cw-label">{ t(self.lang, Msg::MethodLabel) }</legend>
                { for self.methods.iter().map(|&method| {
                    let id = [&*self.id, "-", method.as_str()].concat();
                    let onchange = self.onselect.reform(move |_: Event| method);
                    html! {
                        <div class="cw-method">
                            <input
                                type="radio"
                                id={id.clone()}
                                name={self.id.clone()}
                                value={method.as_str()}
                                checked={self.selected == Some(method)}
                                disabled={self.disabled}
                                {onchange}
                            />
                            <label for={id}>{ method_name(self.lang, method) }</label>
                        </div>
                    }
                }) }
                if let Some(error) = &self.error {
                    <p class="cw-error" id={error_id.clone()}>{ error.clone() }</p>
                }
            </fieldset>
        }
    }
}
