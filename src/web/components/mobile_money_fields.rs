use checkout_contract::{MobileMoneyCountry, Operator};
use checkout_numbering::Country;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::pay_button::keep_focus;
use super::{described_by, field_box, field_id, form_text_field, FieldMessages};
use crate::core::i18n::{country_name, country_option, msisdn_hint, operator_name, t, Lang, Msg};
use crate::core::validate::Field;
use crate::web::hooks::FormEdit;

/// Country, operator, number, and the optional name and receipt email.
pub struct MobileMoneyFields {
    pub lang: Lang,
    pub prefix: AttrValue,
    pub countries: Vec<MobileMoneyCountry>,
    pub country: Option<AttrValue>,
    /// The operators offered in the chosen country.
    pub operators: Vec<Operator>,
    /// Picked by hand or suggested from the number's prefix.
    pub operator: Option<Operator>,
    pub msisdn: AttrValue,
    /// The chosen country, whose grouping the number takes as it is typed.
    pub msisdn_countries: Vec<Country>,
    pub first_name: AttrValue,
    pub last_name: AttrValue,
    pub receipt_email: AttrValue,
    /// The optional name and receipt e-mail show; folded, Pay fits on a phone's first screen.
    pub optional_open: bool,
    pub errors: FieldMessages,
    pub operator_warning: Option<AttrValue>,
    pub disabled: bool,
    pub onedit: Callback<FormEdit>,
}

fn select_value(event: Event) -> String {
    event.target_unchecked_into::<HtmlSelectElement>().value()
}

/// A labelled select with its hint, warning and error tied to it for assistive technology: one
/// copy of the markup for the country and the operator.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn select_field(
    id: String,
    label: &'static str,
    hint: Option<&'static str>,
    placeholder: Option<&'static str>,
    options: Html,
    warning: Option<AttrValue>,
    error: Option<AttrValue>,
    disabled: bool,
    onchange: Callback<Event>,
) -> Html {
    let hint_id = [&*id, "-hint"].concat();
    let warning_id = [&*id, "-warning"].concat();
    let error_id = [&*id, "-error"].concat();
    let describedby = described_by(&[
        (hint.is_some(), &hint_id),
        (warning.is_some(), &warning_id),
        (error.is_some(), &error_id),
    ]);
    let invalid = error.is_some();
    let children = html! {
        <>
            <label class="cw-label" for={id.clone()}>{ label }</label>
            if let Some(hint) = hint {
                <p class="cw-hint" id={hint_id}>{ hint }</p>
            }
            <select
                class="cw-input"
                id={id}
                {disabled}
                aria-invalid={if error.is_some() { "true" } else { "false" }}
                aria-describedby={describedby}
                {onchange}
            >
                if let Some(placeholder) = placeholder {
                    <option value="" selected=true disabled=true>{ placeholder }</option>
                }
                { options }
            </select>
            if let Some(warning) = warning {
                <p class="cw-warning" id={warning_id}>{ warning }</p>
            }
            if let Some(error) = error {
                <p class="cw-error" id={error_id}>{ error }</p>
            }
        </>
    };
    field_box(invalid, children)
}

impl MobileMoneyFields {
    pub fn view(&self) -> Html {
        let lang = self.lang;
        let prefix = &self.prefix;
        let disabled = self.disabled;
        let onedit = &self.onedit;
        let error_of = |field| self.errors.get(field);

        let country_select = select_field(
            field_id(prefix, Field::Country),
            t(lang, Msg::CountryLabel),
            None,
            self.country.is_none().then(|| t(lang, Msg::ChooseCountry)),
            self.countries
                .iter()
                .map(|country| {
                    let name = country_name(lang, &country.code).unwrap_or(country.code.as_str());
                    let selected = self.country.as_deref() == Some(country.code.as_str());
                    html! {
                        <option value={country.code.clone()} {selected}>
                            { country_option(lang, name, &country.dial_code) }
                        </option>
                    }
                })
                .collect(),
            None,
            error_of(Field::Country),
            disabled,
            onedit.reform(|event: Event| FormEdit::Country(select_value(event))),
        );

        let operator_select = select_field(
            field_id(prefix, Field::Operator),
            t(lang, Msg::OperatorLabel),
            Some(t(lang, Msg::OperatorHint)),
            self.operator.is_none().then(|| t(lang, Msg::ChooseOperator)),
            self
                .operators
                .iter()
                .map(|&operator| html! {
                    <option value={operator.as_str()} selected={self.operator == Some(operator)}>
                        { operator_name(operator) }
                    </option>
                })
                .collect(),
            self.operator_warning.clone(),
            error_of(Field::Operator),
            disabled,
            {
                // Only an operator the contract knows: no guess for anything else.
                let onedit = onedit.clone();
                Callback::from(move |event: Event| {
                    if let Ok(operator) = select_value(event).parse::<Operator>() {
                        onedit.emit(FormEdit::Operator(operator));
                    }
                })
            },
        );

        let optional_id = [prefix, "-optional"].concat();
        let hint = self
            .country
            .as_deref()
            .and_then(|code| msisdn_hint(lang, code))
            .map(AttrValue::from);
        html! {
            <div class="cw-momo">
                { country_select }
                { form_text_field(
                    prefix, Field::Msisdn, t(lang, Msg::MsisdnLabel), hint, self.msisdn.clone(),
                    "tel", "tel-national", Some("tel"), true, error_of(Field::Msisdn), disabled,
                    self.msisdn_countries.clone(), onedit, FormEdit::Msisdn,
                ) }
                { operator_select }
                <button
                    type="button"
                    class="cw-more"
                    aria-expanded={if self.optional_open { "true" } else { "false" }}
                    aria-controls={optional_id.clone()}
                    {disabled}
                    onmousedown={keep_focus()}
                    onclick={onedit.reform(|_: MouseEvent| FormEdit::ToggleOptional)}
                >
                    { t(lang, Msg::AddOptional) }
                </button>
                <div class="cw-optional" id={optional_id} hidden={!self.optional_open}>
                    { form_text_field(
                        prefix, Field::FirstName, t(lang, Msg::FirstNameLabel), None, self.first_name.clone(),
                        "text", "given-name", None, false, error_of(Field::FirstName), disabled, Vec::new(), onedit, FormEdit::FirstName,
                    ) }
                    { form_text_field(
                        prefix, Field::LastName, t(lang, Msg::LastNameLabel), None, self.last_name.clone(),
                        "text", "family-name", None, false, error_of(Field::LastName), disabled, Vec::new(), onedit, FormEdit::LastName,
                    ) }
                    { form_text_field(
                        prefix, Field::ReceiptEmail, t(lang, Msg::ReceiptEmailLabel), None, self.receipt_email.clone(),
                        "email", "email", None, true, error_of(Field::ReceiptEmail), disabled, Vec::new(), onedit, FormEdit::ReceiptEmail,
                    ) }
                </div>
            </div>
        }
    }
}
