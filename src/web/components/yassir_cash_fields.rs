use yew::prelude::*;

use super::{field_id, TextField};
use crate::core::i18n::{t, Lang, Msg};
use crate::core::validate::Field;
use crate::web::hooks::FormEdit;

#[derive(Properties, PartialEq, Clone)]
pub struct YassirCashFieldsProps {
    pub lang: Lang,
    pub prefix: AttrValue,
    pub phone: AttrValue,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub onedit: Callback<FormEdit>,
}

/// The wallet phone number.
#[function_component(YassirCashFields)]
pub fn yassir_cash_fields(props: &YassirCashFieldsProps) -> Html {
    html! {
        <TextField
            id={field_id(&props.prefix, Field::YassirPhone)}
            label={t(props.lang, Msg::YassirPhoneLabel)}
            hint={AttrValue::from(t(props.lang, Msg::YassirPhoneHint))}
            value={props.phone.clone()}
            kind="tel"
            autocomplete={AttrValue::from("tel")}
            inputmode={AttrValue::from("tel")}
            dir={AttrValue::from("ltr")}
            error={props.error.clone()}
            disabled={props.disabled}
            oninput={props.onedit.reform(FormEdit::YassirPhone)}
            onchange={props.onedit.reform(|_| FormEdit::Touch(Field::YassirPhone))}
        />
    }
}
