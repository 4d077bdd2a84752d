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
    /// Before the links to the provider's support, on one line: `Support` e-mail `Or` phone.
    Support,
    Or,
    /// Before the link to the OTP page, in case the browser did not follow the redirect.
    RedirectFallback,
    // Methods and form
    MethodYassirCash,
    MethodMobileMoney,
    MethodLabel,
    YassirPhoneLabel,
    /// `{}`: the example wallet number.
    YassirPhoneHintTemplate,
    CountryLabel,
    OperatorLabel,
    OperatorHint,
    MsisdnLabel,
    /// `{}`: the example mobile-money number of the chosen country.
    ExampleTemplate,
    /// The button that unfolds the optional name and receipt e-mail.
    AddOptional,
    FirstNameLabel,
    LastNameLabel,
    ReceiptEmailLabel,
    TestMode,
    // Buttons
    /// `{}`: the formatted amount.
    PayTemplate,
    /// Pay's label while a request is out.
    Processing,
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
    /// Before the list of what is wrong, announced when Pay is pressed on a wrong form.
    FixErrors,
    PhoneEmpty,
    PhoneNotDigits,
    PhoneTooShortTemplate,
    PhoneTooLongTemplate,
    /// Two `{}`: the leading `0`, then the example number.
    PhoneMissingLeadingZeroTemplate,
    PhoneWrongCountry,
    PhoneForeign,
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
#[cfg(not(feature = "split-texts"))]
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    let [en, fr, ar] = texts(msg);
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
        Lang::Ar => ar,
    }
}

/// The text of `msg` in `lang`: English from the wasm, which holds no other language, French and
/// Arabic as [`super::install`] was given them, in English until then.
#[cfg(feature = "split-texts")]
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    super::installed::text(lang, msg as usize).unwrap_or(texts(msg)[0])
}

/// `value` as it goes inside a text: in Arabic it is isolated left to right (U+2066…U+2069) so
/// numbers, amounts, phones and references keep their order inside right-to-left text, and its
/// spaces do not break (U+00A0), so a grouped number is never split over two lines, where each
/// half would be read in the line's order. The one owner of that rule: no text in the table
/// holds a number, each comes through here, by [`fill`] or directly.
pub fn isolate(lang: Lang, value: &str) -> String {
    if lang.is_rtl() {
        ["\u{2066}", &value.replace(' ', "\u{a0}"), "\u{2069}"].concat()
    } else {
        value.to_string()
    }
}

/// Fills a template's first `{}` with `value`, [`isolate`]d.
pub fn fill(lang: Lang, template: Msg, value: &str) -> String {
    t(lang, template).replacen("{}", &isolate(lang, value), 1)
}
