use checkout_contract::{MobileMoneyCountry, Operator};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{field_id, FieldMessages, TextField};
use crate::core::i18n::{country_name, msisdn_hint, operator_name, t, Lang, Msg};
use crate::core::validate::Field;
use crate::web::hooks::FormEdit;

#[derive(Properties, PartialEq, Clone)]
pub struct MobileMoneyFieldsProps {
    pub lang: Lang,
    pub prefix: AttrValue,
    pub countries: Vec<MobileMoneyCountry>,
    pub country: Option<AttrValue>,
    /// The operators offered in the chosen country.
    pub operators: Vec<Operator>,
    /// Picked by hand or suggested from the number's prefix.
    pub operator: Option<Operator>,
    pub msisdn: AttrValue,
    pub first_name: AttrValue,
    pub last_name: AttrValue,
    pub receipt_email: AttrValue,
    pub errors: FieldMessages,
    #[prop_or_default]
    pub operator_warning: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub onedit: Callback<FormEdit>,
}

fn select_value(event: Event) -> String {
    event.target_unchecked_into::<HtmlSelectElement>().value()
}

/// Country, operator, number, and the optional name and receipt email.
#[function_component(MobileMoneyFields)]
pub fn mobile_money_fields(props: &MobileMoneyFieldsProps) -> Html {
    let lang = props.lang;
    let id = |field| field_id(&props.prefix, field);
    let error_of = |field| props.errors.get(field);
    let select_attrs = |field: Field| {
        let error = error_of(field);
        let error_id = format!("{}-error", id(field));
        (error.clone(), error.map(|_| error_id.clone()), error_id)
    };

    let (country_error, country_describedby, country_error_id) = select_attrs(Field::Country);
    let oncountry = props.onedit.reform(|event: Event| FormEdit::Country(select_value(event)));
    let country_select = html! {
        <div class={classes!("cw-field", country_error.as_ref().map(|_| "cw-field--invalid"))}>
            <label class="cw-label" for={id(Field::Country)}>{ t(lang, Msg::CountryLabel) }</label>
            <select
                class="cw-input"
                id={id(Field::Country)}
                disabled={props.disabled}
                aria-invalid={if country_error.is_some() { "true" } else { "false" }}
                aria-describedby={country_describedby}
                onchange={oncountry}
            >
                if props.country.is_none() {
                    <option value="" selected=true disabled=true>{ t(lang, Msg::ChooseCountry) }</option>
                }
                { for props.countries.iter().map(|country| {
                    let name = country_name(lang, &country.code).unwrap_or(country.code.as_str());
                    let selected = props.country.as_deref() == Some(country.code.as_str());
                    html! {
                        <option value={country.code.clone()} {selected}>
                            { format!("{name} (+{})", country.dial_code) }
                        </option>
                    }
                }) }
            </select>
            if let Some(error) = country_error {
                <p class="cw-error" id={country_error_id}>{ error }</p>
            }
        </div>
    };

    let (operator_error, _, operator_error_id) = select_attrs(Field::Operator);
    let operator_hint_id = format!("{}-hint", id(Field::Operator));
    let operator_warning_id = format!("{}-warning", id(Field::Operator));
    let operator_describedby = [
        Some(operator_hint_id.as_str()),
        props.operator_warning.as_ref().map(|_| operator_warning_id.as_str()),
        operator_error.as_ref().map(|_| operator_error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let onoperator = props.onedit.reform(|event: Event| match select_value(event).as_str() {
        "airtel" => FormEdit::Operator(Operator::Airtel),
        _ => FormEdit::Operator(Operator::Mtn),
    });
    let operator_select = html! {
        <div class={classes!("cw-field", operator_error.as_ref().map(|_| "cw-field--invalid"))}>
            <label class="cw-label" for={id(Field::Operator)}>{ t(lang, Msg::OperatorLabel) }</label>
            <p class="cw-hint" id={operator_hint_id.clone()}>{ t(lang, Msg::OperatorHint) }</p>
            <select
                class="cw-input"
                id={id(Field::Operator)}
                disabled={props.disabled}
                aria-invalid={if operator_error.is_some() { "true" } else { "false" }}
                aria-describedby={operator_describedby}
                onchange={onoperator}
            >
                if props.operator.is_none() {
                    <option value="" selected=true disabled=true>{ t(lang, Msg::ChooseOperator) }</option>
                }
                { for props.operators.iter().map(|&operator| html! {
                    <option value={operator.as_str()} selected={props.operator == Some(operator)}>
                        { operator_name(operator) }
                    </option>
                }) }
            </select>
            if let Some(warning) = &props.operator_warning {
                <p class="cw-warning" id={operator_warning_id.clone()}>{ warning.clone() }</p>
            }
            if let Some(error) = operator_error {
                <p class="cw-error" id={operator_error_id}>{ error }</p>
            }
        </div>
    };

    let touch = |field| props.onedit.reform(move |_| FormEdit::Touch(field));
    let hint = props.country.as_deref().and_then(|code| msisdn_hint(lang, code)).map(AttrValue::from);
    html! {
        <div class="cw-momo">
            { country_select }
            <TextField
                id={id(Field::Msisdn)}
                label={t(lang, Msg::MsisdnLabel)}
                {hint}
                value={props.msisdn.clone()}
                kind="tel"
                autocomplete={AttrValue::from("tel-national")}
                inputmode={AttrValue::from("tel")}
                dir={AttrValue::from("ltr")}
                error={error_of(Field::Msisdn)}
                disabled={props.disabled}
                oninput={props.onedit.reform(FormEdit::Msisdn)}
                onchange={touch(Field::Msisdn)}
            />
            { operator_select }
            <TextField
                id={id(Field::FirstName)}
                label={t(lang, Msg::FirstNameLabel)}
                value={props.first_name.clone()}
                autocomplete={AttrValue::from("given-name")}
                error={error_of(Field::FirstName)}
                disabled={props.disabled}
                oninput={props.onedit.reform(FormEdit::FirstName)}
                onchange={touch(Field::FirstName)}
            />
            <TextField
                id={id(Field::LastName)}
                label={t(lang, Msg::LastNameLabel)}
                value={props.last_name.clone()}
                autocomplete={AttrValue::from("family-name")}
                error={error_of(Field::LastName)}
                disabled={props.disabled}
                oninput={props.onedit.reform(FormEdit::LastName)}
                onchange={touch(Field::LastName)}
            />
            <TextField
                id={id(Field::ReceiptEmail)}
                label={t(lang, Msg::ReceiptEmailLabel)}
                value={props.receipt_email.clone()}
                kind="email"
                autocomplete={AttrValue::from("email")}
                dir={AttrValue::from("ltr")}
                error={error_of(Field::ReceiptEmail)}
                disabled={props.disabled}
                oninput={props.onedit.reform(FormEdit::ReceiptEmail)}
                onchange={touch(Field::ReceiptEmail)}
            />
        </div>
    }
}
