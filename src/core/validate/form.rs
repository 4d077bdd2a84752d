//! The method form's state: what the shopper typed and chose, which fields are touched, and the
//! contract requests a valid form becomes.

use checkout_contract::{
    CheckoutSession, CreatePaymentRequest, MethodKind, MethodOffer, MobileMoneyCountry,
    MobileMoneyDetails, Operator, PhoneCountry, SubmitRequest,
};
use checkout_numbering::Country;

use super::field::{check_email, check_name, Field, FieldError, FieldErrors};
use crate::core::phone;

/// The method form's state. Choices count as touched when made; text fields when the view
/// calls [`MethodForm::leave`] (on blur) or [`MethodForm::touch_all`] (on a Pay press).
#[derive(Debug, Clone, PartialEq)]
pub struct MethodForm {
    order: String,
    test_mode: bool,
    /// The provider's test numbers this (test-mode) checkout takes as typed.
    test_numbers: Vec<String>,
    yassir_countries: Option<Vec<PhoneCountry>>,
    momo_countries: Option<Vec<MobileMoneyCountry>>,
    method: Option<MethodKind>,
    yassir_phone: String,
    country: Option<String>,
    operator: Option<Operator>,
    operator_chosen: bool,
    msisdn: String,
    first_name: String,
    last_name: String,
    receipt_email: String,
    /// The optional name and receipt e-mail are shown (folded at first, to keep Pay on screen).
    optional_open: bool,
    touched: Vec<Field>,
}

impl MethodForm {
    /// An empty form for the session's offers, paying `order` as the page named it (a catalog
    /// reference or a signed token). A lone method, the first mobile-money country and a
    /// country's lone operator are pre-selected.
    pub fn new(session: &CheckoutSession, order: &str) -> Self {
        let mut form = MethodForm {
            order: order.to_string(),
            test_mode: session.test_mode,
            test_numbers: session.test_numbers.clone(),
            yassir_countries: None,
            momo_countries: None,
            method: None,
            yassir_phone: String::new(),
            country: None,
            operator: None,
            operator_chosen: false,
            msisdn: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            receipt_email: String::new(),
            optional_open: false,
            touched: Vec::new(),
        };
        for offer in &session.methods {
            match offer {
                MethodOffer::YassirCash { countries } => {
                    form.yassir_countries = Some(countries.clone())
                }
                MethodOffer::MobileMoney { countries } => {
                    form.momo_countries = Some(countries.clone())
                }
            }
        }
        if let [only] = session.methods.as_slice() {
            form.method = Some(only.kind());
        }
        form.country = form
            .momo_countries()
            .first()
            .map(|country| country.code.clone());
        form.suggest_operator();
        form
    }

    /// The methods offered, in the session's order.
    pub fn offered_methods(&self) -> Vec<MethodKind> {
        let yassir = self
            .yassir_countries
            .as_ref()
            .map(|_| MethodKind::YassirCash);
        let momo = self
            .momo_countries
            .as_ref()
            .map(|_| MethodKind::MobileMoney);
        yassir.into_iter().chain(momo).collect()
    }

    /// The mobile-money countries to choose from.
    pub fn momo_countries(&self) -> &[MobileMoneyCountry] {
        self.momo_countries.as_deref().unwrap_or_default()
    }

    /// The operators offered in the chosen country.
    pub fn operators(&self) -> &[Operator] {
        self.chosen_country()
            .map(|country| country.operators.as_slice())
            .unwrap_or_default()
    }

    /// The chosen method.
    pub fn method(&self) -> Option<MethodKind> {
        self.method
    }
    /// The wallet phone as typed.
    pub fn yassir_phone(&self) -> &str {
        &self.yassir_phone
    }
    /// The chosen mobile-money country code.
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }
    /// The operator, picked by hand or suggested from the number's prefix.
    pub fn operator(&self) -> Option<Operator> {
        self.operator
    }
    /// The mobile-money number as typed.
    pub fn msisdn(&self) -> &str {
        &self.msisdn
    }
    /// The first name as typed.
    pub fn first_name(&self) -> &str {
        &self.first_name
    }
    /// The last name as typed.
    pub fn last_name(&self) -> &str {
        &self.last_name
    }
    /// The receipt email as typed.
    pub fn receipt_email(&self) -> &str {
        &self.receipt_email
    }
    /// The countries a phone field's number is grouped for as it is typed: the offered ones for
    /// the wallet phone (a national number is the first's), the chosen one for mobile money.
    pub fn phone_countries(&self, field: Field) -> Vec<Country> {
        let codes: Vec<&str> = match field {
            Field::YassirPhone => (self.yassir_countries.iter().flatten())
                .map(|country| country.code.as_str())
                .collect(),
            Field::Msisdn => self.country.as_deref().into_iter().collect(),
            _ => Vec::new(),
        };
        codes.into_iter().filter_map(Country::from_code).collect()
    }

    /// True while the optional name and receipt e-mail show.
    pub fn optional_open(&self) -> bool {
        self.optional_open
    }
    /// Shows or folds the optional name and receipt e-mail; what is typed in them stays.
    pub fn toggle_optional(&mut self) {
        self.optional_open = !self.optional_open;
    }
    /// True when the session is a sandbox one (show the test-mode banner).
    pub fn test_mode(&self) -> bool {
        self.test_mode
    }

    /// Picks the payment method.
    pub fn select_method(&mut self, method: MethodKind) {
        self.method = Some(method);
        self.touch(Field::Method);
    }

    /// Updates the wallet phone as the shopper types.
    pub fn set_yassir_phone(&mut self, value: &str) {
        self.yassir_phone = value.to_string();
    }

    /// Picks a mobile-money country; a hand-picked operator the country does not take is dropped.
    pub fn select_country(&mut self, code: &str) {
        self.country = Some(code.to_string());
        self.touch(Field::Country);
        if self.operator_chosen
            && !self
                .operator
                .is_some_and(|op| self.operators().contains(&op))
        {
            self.operator_chosen = false;
        }
        self.suggest_operator();
    }

    /// Updates the number and, until the shopper picks an operator, the operator its prefix
    /// suggests.
    pub fn set_msisdn(&mut self, value: &str) {
        self.msisdn = value.to_string();
        self.suggest_operator();
    }

    /// The shopper's own pick, which the number's prefix no longer overrides.
    pub fn choose_operator(&mut self, operator: Operator) {
        self.operator = Some(operator);
        self.operator_chosen = true;
        self.touch(Field::Operator);
    }

    /// Updates the first name as the shopper types.
    pub fn set_first_name(&mut self, value: &str) {
        self.first_name = value.to_string();
    }
    /// Updates the last name as the shopper types.
    pub fn set_last_name(&mut self, value: &str) {
        self.last_name = value.to_string();
    }
    /// Updates the receipt email as the shopper types.
    pub fn set_receipt_email(&mut self, value: &str) {
        self.receipt_email = value.to_string();
    }

    /// Marks a field as visited, so its error shows.
    pub fn touch(&mut self, field: Field) {
        if !self.touched.contains(&field) {
            self.touched.push(field);
        }
    }

    /// The shopper left `field`: its error shows, unless nothing is typed in it yet (a shopper
    /// moving through the form is not told off for a field not reached). Pay shows that one.
    pub fn leave(&mut self, field: Field) {
        let text = match field {
            Field::YassirPhone => &self.yassir_phone,
            Field::Msisdn => &self.msisdn,
            Field::FirstName => &self.first_name,
            Field::LastName => &self.last_name,
            Field::ReceiptEmail => &self.receipt_email,
            Field::Method | Field::Country | Field::Operator => return self.touch(field),
        };
        if !text.trim().is_empty() {
            self.touch(field);
        }
    }

    /// Marks every field as visited: on a Pay press, every error shows, and the optional fields
    /// unfold if one of them is wrong.
    pub fn touch_all(&mut self) {
        let errors = self.all_errors();
        self.optional_open |= [Field::FirstName, Field::LastName, Field::ReceiptEmail]
            .iter()
            .any(|&field| errors.get(field).is_some());
        for field in [
            Field::Method,
            Field::YassirPhone,
            Field::Country,
            Field::Operator,
            Field::Msisdn,
            Field::FirstName,
            Field::LastName,
            Field::ReceiptEmail,
        ] {
            self.touch(field);
        }
    }

    /// The errors to show: those of touched fields only.
    pub fn errors(&self) -> FieldErrors {
        let all = self.all_errors();
        FieldErrors(
            all.0
                .into_iter()
                .filter(|(field, _)| self.touched.contains(field))
                .collect(),
        )
    }

    /// Every error, touched or not.
    pub fn all_errors(&self) -> FieldErrors {
        let mut errors = Vec::new();
        let mut check = |field, result: Result<(), FieldError>| {
            if let Err(error) = result {
                errors.push((field, error));
            }
        };
        match self.method {
            None => check(Field::Method, Err(FieldError::Required)),
            Some(MethodKind::YassirCash) => check(Field::YassirPhone, self.yassir().map(drop)),
            Some(MethodKind::MobileMoney) => {
                check(
                    Field::Country,
                    self.chosen_country().map(drop).ok_or(self.country_error()),
                );
                check(Field::Msisdn, self.momo_number().map(drop));
                check(Field::Operator, self.chosen_operator().map(drop));
            }
        }
        check(Field::FirstName, check_name(&self.first_name));
        check(Field::LastName, check_name(&self.last_name));
        check(Field::ReceiptEmail, check_email(self.receipt_email.trim()));
        FieldErrors(errors)
    }

    /// Offers only the `allowed` ones of the session's methods (the page narrowed them); a lone
    /// method left is pre-selected.
    pub fn retain_methods(&mut self, allowed: &[MethodKind]) {
        if !allowed.contains(&MethodKind::YassirCash) {
            self.yassir_countries = None;
        }
        if !allowed.contains(&MethodKind::MobileMoney) {
            self.momo_countries = None;
        }
        let offered = self.offered_methods();
        if self.method.is_some_and(|method| !offered.contains(&method)) {
            self.method = None;
        }
        if let [only] = offered.as_slice() {
            self.method = Some(*only);
        }
    }

    /// True while nothing is typed in the chosen method's fields (nothing chosen counts as empty).
    pub fn is_blank(&self) -> bool {
        match self.method {
            Some(MethodKind::YassirCash) => self.yassir_phone.trim().is_empty(),
            Some(MethodKind::MobileMoney) => [
                &self.msisdn,
                &self.first_name,
                &self.last_name,
                &self.receipt_email,
            ]
            .iter()
            .all(|text| text.trim().is_empty()),
            None => true,
        }
    }

    /// True when the whole form can be sent, touched or not.
    pub fn is_valid(&self) -> bool {
        self.all_errors().is_empty()
    }

    /// The operator the number's prefix suggests when the shopper picked another one: a warning,
    /// since a ported number keeps its old prefix.
    pub fn operator_warning(&self) -> Option<Operator> {
        let msisdn = self.momo_number().ok()?;
        let chosen = self.operator?;
        (!phone::operator_matches(&msisdn, chosen)).then_some(msisdn.suggested_operator?)
    }

    /// The create and submit requests for a valid form, or every error.
    pub fn to_requests(&self) -> Result<(CreatePaymentRequest, SubmitRequest), FieldErrors> {
        let errors = self.all_errors();
        match self.method {
            Some(method) if errors.is_empty() => self.build_requests(method).ok_or(errors),
            _ => Err(errors),
        }
    }

    fn build_requests(&self, method: MethodKind) -> Option<(CreatePaymentRequest, SubmitRequest)> {
        let create = |phone| CreatePaymentRequest {
            order: self.order.clone(),
            method,
            phone,
        };
        match method {
            MethodKind::YassirCash => Some((
                create(Some(self.yassir().ok()?.e164)),
                SubmitRequest::YassirCash,
            )),
            MethodKind::MobileMoney => {
                let details = MobileMoneyDetails {
                    country: self.chosen_country()?.code.clone(),
                    operator: self.chosen_operator().ok()?,
                    msisdn: self.momo_number().ok()?.international,
                    first_name: non_empty(&self.first_name),
                    last_name: non_empty(&self.last_name),
                    receipt_email: non_empty(&self.receipt_email),
                };
                Some((create(None), SubmitRequest::MobileMoney(details)))
            }
        }
    }

    fn chosen_country(&self) -> Option<&MobileMoneyCountry> {
        let code = self.country.as_deref()?;
        self.momo_countries()
            .iter()
            .find(|country| country.code == code)
    }

    fn country_error(&self) -> FieldError {
        if self.country.is_some() {
            FieldError::NotOffered
        } else {
            FieldError::Required
        }
    }

    fn chosen_operator(&self) -> Result<Operator, FieldError> {
        let operator = self.operator.ok_or(FieldError::Required)?;
        if self.operators().contains(&operator) {
            Ok(operator)
        } else {
            Err(FieldError::NotOffered)
        }
    }

    fn yassir(&self) -> Result<phone::NormalizedPhone, FieldError> {
        let countries = self.yassir_countries.as_deref().unwrap_or_default();
        phone::validate_yassir_phone(&self.yassir_phone, countries).map_err(FieldError::Phone)
    }

    fn momo_number(&self) -> Result<phone::Msisdn, FieldError> {
        let country = self.country.as_deref().unwrap_or_default();
        phone::validate_msisdn(&self.msisdn, country, &self.test_numbers).map_err(FieldError::Phone)
    }

    fn suggest_operator(&mut self) {
        if self.operator_chosen {
            return;
        }
        let offered = self.operators();
        let country = self.country.as_deref().unwrap_or_default();
        let suggested = phone::suggest_operator(&self.msisdn, country, &self.test_numbers)
            .filter(|operator| offered.contains(operator));
        let only = match offered {
            [only] => Some(*only),
            _ => None,
        };
        self.operator = suggested.or(only);
    }
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}
