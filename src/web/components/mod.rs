//! The views: each renders what it is given and emits callbacks; none holds checkout logic.
//! Only the status panel, which keeps time, is a component; the others are plain functions and
//! view structs, which cost the wasm far less than a component each.

pub mod method_picker;
pub mod mobile_money_fields;
pub mod pay_button;
pub mod status_panel;
pub mod test_mode_badge;
pub mod text_field;
pub mod yassir_cash_fields;

pub use method_picker::MethodPicker;
pub use mobile_money_fields::MobileMoneyFields;
pub use pay_button::pay_button;
pub use status_panel::{action_button, StatusPanel};
pub use test_mode_badge::test_mode_badge;
pub use text_field::TextField;
pub use yassir_cash_fields::yassir_cash_fields;

use checkout_numbering::Country;
use yew::{html, AttrValue, Callback, Html};

use crate::core::validate::Field;
use crate::web::hooks::FormEdit;

/// The element id of a form field, unique per widget on the page (`prefix` is the widget's).
pub fn field_id(prefix: &str, field: Field) -> String {
    let name = match field {
        Field::Method => "method",
        Field::YassirPhone => "yassir-phone",
        Field::Country => "country",
        Field::Operator => "operator",
        Field::Msisdn => "msisdn",
        Field::FirstName => "first-name",
        Field::LastName => "last-name",
        Field::ReceiptEmail => "receipt-email",
    };
    [prefix, "-", name].concat()
}

/// A [`TextField`] for one form field and its edits. Not inlined: the props are built in one
/// place for every field instead of once per use, which keeps the wasm smaller.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn form_text_field(
    prefix: &str,
    field: Field,
    label: &'static str,
    hint: Option<AttrValue>,
    value: AttrValue,
    kind: &'static str,
    autocomplete: &'static str,
    inputmode: Option<&'static str>,
    ltr: bool,
    error: Option<AttrValue>,
    disabled: bool,
    countries: Vec<Country>,
    onedit: &Callback<FormEdit>,
    edit: fn(String) -> FormEdit,
) -> Html {
    TextField {
        id: field_id(prefix, field).into(),
        label: AttrValue::Static(label),
        hint,
        value,
        kind: AttrValue::Static(kind),
        autocomplete: Some(AttrValue::Static(autocomplete)),
        inputmode: inputmode.map(AttrValue::Static),
        dir: ltr.then_some(AttrValue::Static("ltr")),
        error,
        disabled,
        countries,
        oninput: onedit.reform(edit),
        onleave: onedit.reform(move |_| FormEdit::Leave(field)),
    }
    .view()
}

/// The `aria-describedby` of a field: the ids of its hint, warning and error that show.
#[inline(never)]
pub(crate) fn described_by(parts: &[(bool, &str)]) -> Option<String> {
    let mut ids = String::new();
    for &(present, id) in parts {
        if present {
            if !ids.is_empty() {
                ids.push(' ');
            }
            ids.push_str(id);
        }
    }
    (!ids.is_empty()).then_some(ids)
}

/// A field's box, marked invalid while its error shows. The classes are literals: a computed
/// class goes through yew's `Classes`, a hashed set that costs the wasm more.
#[inline(never)]
pub(crate) fn field_box(invalid: bool, children: Html) -> Html {
    if invalid {
        html! { <div class="cw-field cw-field--invalid">{ children }</div> }
    } else {
        html! { <div class="cw-field">{ children }</div> }
    }
}

/// The worded error of each wrong field, ready to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldMessages(pub Vec<(Field, yew::AttrValue)>);

impl FieldMessages {
    pub fn get(&self, field: Field) -> Option<yew::AttrValue> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, message)| message.clone())
    }
}
