use yew::prelude::*;

use super::form_text_field;
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
    form_text_field(
        &props.prefix,
        Field::YassirPhone,
        t(props.lang, Msg::YassirPhoneLabel),
        Some(AttrValue::from(t(props.lang, Msg::YassirPhoneHint))),
        props.phone.clone(),
        "tel",
        "tel",
        Some("tel"),
        true,
        props.error.clone(),
        props.disabled,
        &props.onedit,
        FormEdit::YassirPhone,
    )
}
