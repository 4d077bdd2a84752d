use checkout_numbering::Country;
use yew::prelude::*;

use super::form_text_field;
use crate::core::i18n::{t, yassir_phone_hint, Lang, Msg};
use crate::core::validate::Field;
use crate::web::hooks::FormEdit;

/// The wallet phone number.
pub fn yassir_cash_fields(
    lang: Lang,
    prefix: &str,
    phone: AttrValue,
    error: Option<AttrValue>,
    disabled: bool,
    countries: Vec<Country>,
    onedit: &Callback<FormEdit>,
) -> Html {
    form_text_field(
        prefix,
        Field::YassirPhone,
        t(lang, Msg::YassirPhoneLabel),
        Some(AttrValue::from(yassir_phone_hint(lang))),
        phone,
        "tel",
        "tel",
        Some("tel"),
        true,
        error,
        disabled,
        countries,
        onedit,
        FormEdit::YassirPhone,
    )
}
