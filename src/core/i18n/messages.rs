//! The widget's fixed texts by name, and how a template takes its value.

use super::table::texts;
use super::Lang;

/// A fixed text. Those ending in `Template` hold a `{}` filled by [`fill`] or a helper built on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Msg {
    // The widget's frame
    /// The widget's accessible name.
    WidgetLabel,
    Loading,
    LoadFailed,
    NoMethodOffered,
    LoadFailedNetwork,
    /// Before a link to the merchant's support (`{}` at the end, filled with nothing).
    SupportTemplate,
    /// Before the link to the OTP page, in case the browser did not follow the redirect.
    RedirectFallback,
    // Methods and form
    MethodYassirCash,
    MethodMobileMoney,
    MethodLabel,
    YassirPhoneLabel,
    YassirPhoneHint,
    CountryLabel,
    OperatorLabel,
    OperatorHint,
    MsisdnLabel,
    MsisdnHintCongo,
    MsisdnHintCameroon,
    FirstNameLabel,
    LastNameLabel,
    ReceiptEmailLabel,
    TestMode,
    // Buttons
    /// `{}`: the formatted amount.
    PayTemplate,
    Retry,
    TryAgain,
    ChangeDetails,
    CheckAgain,
    ContinueToYassir,
    // Steps
    CreatingTitle,
    SubmittingTitle,
    RedirectingTitle,
    RequiresActionTitle,
    RequiresActionBody,
    AwaitingApprovalTitle,
    AwaitingApprovalBody,
    AwaitingApprovalTemplate,
    CheckingTitle,
    SucceededTitle,
    SucceededBody,
    RejectedTitle,
    RejectedBody,
    PreAuthorizedTitle,
    PreAuthorizedBody,
    ExpiredTitle,
    ExpiredBody,
    CanceledTitle,
    RefundedTitle,
    PartiallyRefundedTitle,
    ClosedBody,
    StillPendingTemplate,
    StillPendingBody,
    TimeLeftTemplate,
    ReferenceTemplate,
    // Errors of the flow
    ErrorTitle,
    NetworkError,
    UnavailableError,
    TooManyAttemptsError,
    RefusedError,
    NotFoundError,
    PaymentFailedError,
    NotSubmittedError,
    OrderPaidError,
    OrderInProgressError,
    OrderOnHoldError,
    OrderExpiredError,
    RedirectError,
    // Countries
    CountryAlgeria,
    CountryMorocco,
    CountryCongo,
    CountryCameroon,
    // Field errors
    PhoneEmpty,
    PhoneNotDigits,
    PhoneTooShortTemplate,
    PhoneTooLongTemplate,
    PhoneMissingLeadingZero,
    PhoneWrongCountry,
    PhoneNotMobile,
    PhoneUnsupportedCountry,
    PhoneNotMtnOrAirtel,
    PhoneOnlyMtnInCameroonTemplate,
    ChooseMethod,
    ChooseCountry,
    ChooseOperator,
    CountryNotOffered,
    OperatorNotOffered,
    TooLongTemplate,
    InvalidEmail,
    OperatorMismatchTemplate,
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    let [en, fr, ar] = texts(msg);
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
        Lang::Ar => ar,
    }
}

/// Fills a template's `{}` with `value`; in Arabic the value is isolated (U+2066…U+2069) so
/// numbers and references keep their left-to-right order inside right-to-left text.
pub fn fill(lang: Lang, template: Msg, value: &str) -> String {
    let value = if lang.is_rtl() {
        format!("\u{2066}{value}\u{2069}")
    } else {
        value.to_string()
    };
    t(lang, template).replacen("{}", &value, 1)
}
