//! The views: each renders its props and emits callbacks; none holds checkout logic.

pub mod method_picker;
pub mod mobile_money_fields;
pub mod pay_button;
pub mod status_panel;
pub mod test_mode_badge;
pub mod text_field;
pub mod yassir_cash_fields;

pub use method_picker::MethodPicker;
pub use mobile_money_fields::MobileMoneyFields;
pub use pay_button::PayButton;
pub use status_panel::StatusPanel;
pub use test_mode_badge::TestModeBadge;
pub use text_field::TextField;
pub use yassir_cash_fields::YassirCashFields;

use crate::core::validate::Field;

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
    format!("{prefix}-{name}")
}

/// The worded error of each wrong field, ready to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldMessages(pub Vec<(Field, yew::AttrValue)>);

impl FieldMessages {
    pub fn get(&self, field: Field) -> Option<yew::AttrValue> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, message)| message.clone())
    }
}
