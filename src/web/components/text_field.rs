use checkout_numbering::Country;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{described_by, field_box};
use crate::core::phone_format;

/// A labelled input with its hint and error tied to it for assistive technology.
pub struct TextField {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    /// `text`, `tel` or `email`.
    pub kind: AttrValue,
    pub autocomplete: Option<AttrValue>,
    pub inputmode: Option<AttrValue>,
    /// `ltr` for phone numbers, which read left to right in Arabic too.
    pub dir: Option<AttrValue>,
    pub hint: Option<AttrValue>,
    pub error: Option<AttrValue>,
    pub disabled: bool,
    /// A phone field's countries: its number is grouped as they write it, as it is typed.
    pub countries: Vec<Country>,
    pub oninput: Callback<String>,
    /// The shopper left the field.
    pub onleave: Callback<()>,
}

impl TextField {
    pub fn view(&self) -> Html {
        let hint_id = [&*self.id, "-hint"].concat();
        let error_id = [&*self.id, "-error"].concat();
        let describedby = described_by(&[
            (self.hint.is_some(), &hint_id),
            (self.error.is_some(), &error_id),
        ]);
        let countries = self.countries.clone();
        let previous = self.value.clone();
        let oninput = self.oninput.reform(move |event: InputEvent| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            let value = input.value();
            if countries.is_empty() {
                return value;
            }
            // Regrouped in place, the caret put back by hand: a re-render would leave it at
            // the end.
            let caret = input.selection_start().ok().flatten();
            let caret = caret.map_or(value.chars().count(), |caret| caret as usize);
            let typed = phone_format::as_typed(&value, caret, &previous, &countries);
            if typed.text != value {
                input.set_value(&typed.text);
                let _ = input.set_selection_range(typed.caret as u32, typed.caret as u32);
            }
            typed.text
        });
        let onblur = self.onleave.reform(|_: FocusEvent| ());
        let children = html! {
            <>
                <label class="cw-label" for={self.id.clone()}>{ self.label.clone() }</label>
                if let Some(hint) = &self.hint {
                    <p class="cw-hint" id={hint_id.clone()}>{ hint.clone() }</p>
                }
                <input
                    class="cw-input"
                    id={self.id.clone()}
                    name={self.id.clone()}
                    type={self.kind.clone()}
                    value={self.value.clone()}
                    autocomplete={self.autocomplete.clone()}
                    inputmode={self.inputmode.clone()}
                    dir={self.dir.clone()}
                    disabled={self.disabled}
                    aria-invalid={if self.error.is_some() { "true" } else { "false" }}
                    aria-describedby={describedby}
                    {oninput}
                    {onblur}
                />
                if let Some(error) = &self.error {
                    <p class="cw-error" id={error_id.clone()}>{ error.clone() }</p>
                }
            </>
        };
        field_box(self.error.is_some(), children)
    }
}
