//! Every text the widget shows, in English, French and Arabic (right to left).
//!
//! A plain `match` per message keeps the translations side by side and the wasm small. Texts
//! with a value (`{}`) go through the helpers below, which also isolate phone numbers and
//! references in Arabic so they keep their left-to-right order.

use checkout_contract::{Operator, PaymentStatus};

use super::backoff::countdown_text;
use super::phone::{Network, PhoneError};
use super::state::{ErrorKind, ShopperAction, Step};
use super::validate::{Field, FieldError};

/// A language the widget speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
    Ar,
}

impl Lang {
    /// The language of a BCP 47 tag (`fr-FR`, `ar_DZ`, `EN`), if the widget speaks it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            "ar" => Some(Lang::Ar),
            _ => None,
        }
    }

    /// The first supported language among the browser's (`navigator.languages`), else English.
    pub fn negotiate<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or_default()
    }

    /// The tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ar => "ar",
        }
    }

    /// True for right-to-left scripts (Arabic).
    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }

    /// The value for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }
}

/// A fixed text. Those ending in `Template` hold a `{}` filled by a helper of this module.
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
    RefusedError,
    NotFoundError,
    PaymentFailedError,
    NotSubmittedError,
    OrderPaidError,
    OrderInProgressError,
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

fn texts(msg: Msg) -> [&'static str; 3] {
    use Msg::*;
    match msg {
        WidgetLabel => ["Payment", "Paiement", "الدفع"],
        Loading => ["Loading your order…", "Chargement de votre commande…", "جارٍ تحميل طلبك…"],
        LoadFailed => [
            "This order cannot be paid here. Go back to the shop and try again.",
            "Cette commande ne peut pas être payée ici. Retournez sur la boutique et réessayez.",
            "لا يمكن دفع هذا الطلب هنا. ارجع إلى المتجر وحاول مرة أخرى.",
        ],
        NoMethodOffered => [
            "None of the payment methods this page accepts can pay this order.",
            "Aucun des moyens de paiement acceptés sur cette page ne peut payer cette commande.",
            "لا يمكن دفع هذا الطلب بأيّ من وسائل الدفع المقبولة في هذه الصفحة.",
        ],
        LoadFailedNetwork => [
            "Connection problem. Check your internet connection and reload the page.",
            "Problème de connexion. Vérifiez votre connexion Internet puis rechargez la page.",
            "مشكلة في الاتصال. تحقّق من اتصالك بالإنترنت ثم أعد تحميل الصفحة.",
        ],
        SupportTemplate => [
            "Need help? Contact {}",
            "Besoin d’aide\u{a0}? Contactez {}",
            "هل تحتاج إلى مساعدة؟ تواصل مع {}",
        ],
        RedirectFallback => [
            "If nothing happens, use this link:",
            "Si rien ne se passe, utilisez ce lien\u{a0}:",
            "إذا لم يحدث شيء، فاستخدم هذا الرابط:",
        ],
        MethodYassirCash => ["Yassir Cash", "Yassir Cash", "Yassir Cash"],
        MethodMobileMoney => ["Mobile money", "Mobile Money", "الدفع عبر الهاتف المحمول"],
        MethodLabel => ["Payment method", "Moyen de paiement", "طريقة الدفع"],
        YassirPhoneLabel => [
            "Yassir Cash phone number",
            "Numéro de téléphone Yassir Cash",
            "رقم الهاتف المرتبط بـ Yassir Cash",
        ],
        YassirPhoneHint => [
            "The number linked to your Yassir account, e.g. 0555 12 34 56",
            "Le numéro lié à votre compte Yassir, par ex. 0555 12 34 56",
            "الرقم المرتبط بحسابك في Yassir، مثل 0555 12 34 56",
        ],
        CountryLabel => ["Country", "Pays", "البلد"],
        OperatorLabel => ["Operator", "Opérateur", "المشغّل"],
        OperatorHint => [
            "Picked from your number; change it if you moved your number to another operator.",
            "Choisi d’après votre numéro\u{a0}; changez-le si vous avez transféré votre numéro chez un autre opérateur.",
            "تم اختياره حسب رقمك؛ غيّره إذا نقلت رقمك إلى مشغّل آخر.",
        ],
        MsisdnLabel => ["Mobile money number", "Numéro Mobile Money", "رقم الهاتف المحمول"],
        MsisdnHintCongo => ["e.g. 06 659 44 70", "par ex. 06 659 44 70", "مثال: 06 659 44 70"],
        MsisdnHintCameroon => ["e.g. 6 71 23 45 67", "par ex. 6 71 23 45 67", "مثال: 6 71 23 45 67"],
        FirstNameLabel => ["First name (optional)", "Prénom (facultatif)", "الاسم (اختياري)"],
        LastNameLabel => ["Last name (optional)", "Nom (facultatif)", "اللقب (اختياري)"],
        ReceiptEmailLabel => [
            "Email for the receipt (optional)",
            "E-mail pour le reçu (facultatif)",
            "البريد الإلكتروني لاستلام الإيصال (اختياري)",
        ],
        TestMode => [
            "Test mode: no real money moves",
            "Mode test\u{a0}: aucun argent réel n’est débité",
            "وضع الاختبار: لا تُنقل أي أموال حقيقية",
        ],
        PayTemplate => ["Pay {}", "Payer {}", "ادفع {}"],
        Retry => ["Retry", "Réessayer", "أعد المحاولة"],
        TryAgain => ["Try again", "Essayer à nouveau", "حاول مرة أخرى"],
        ChangeDetails => ["Change payment details", "Modifier le paiement", "تغيير بيانات الدفع"],
        CheckAgain => ["Check again", "Vérifier à nouveau", "تحقّق مرة أخرى"],
        ContinueToYassir => ["Continue to Yassir", "Continuer vers Yassir", "المتابعة إلى Yassir"],
        CreatingTitle => ["Preparing your payment…", "Préparation de votre paiement…", "جارٍ تحضير عملية الدفع…"],
        SubmittingTitle => ["Sending your payment…", "Envoi de votre paiement…", "جارٍ إرسال عملية الدفع…"],
        RedirectingTitle => [
            "Redirecting to Yassir to confirm with a code",
            "Redirection vers Yassir pour confirmer avec un code",
            "جارٍ تحويلك إلى Yassir لتأكيد الدفع برمز",
        ],
        RequiresActionTitle => [
            "Confirm the payment with a code on Yassir’s page",
            "Confirmez le paiement avec un code sur la page Yassir",
            "أكّد الدفع بالرمز على صفحة Yassir",
        ],
        RequiresActionBody => [
            "The payment is not confirmed yet. If you did not enter the code, go back to Yassir’s page.",
            "Le paiement n’est pas encore confirmé. Si vous n’avez pas saisi le code, retournez sur la page Yassir.",
            "لم يتم تأكيد الدفع بعد. إذا لم تُدخل الرمز، فارجع إلى صفحة Yassir.",
        ],
        AwaitingApprovalTitle => [
            "Approve the request on your phone",
            "Validez la demande sur votre téléphone",
            "وافق على الطلب من هاتفك",
        ],
        AwaitingApprovalBody => [
            "Waiting for your approval on your phone",
            "En attente de votre validation sur votre téléphone",
            "في انتظار موافقتك من هاتفك",
        ],
        AwaitingApprovalTemplate => [
            "Waiting for your approval on {}",
            "En attente de votre validation sur le {}",
            "في انتظار موافقتك على الرقم {}",
        ],
        CheckingTitle => ["Checking your payment…", "Vérification de votre paiement…", "جارٍ التحقق من عملية الدفع…"],
        SucceededTitle => ["Payment successful", "Paiement réussi", "تم الدفع بنجاح"],
        SucceededBody => [
            "Thank you, your payment has been received.",
            "Merci, votre paiement a bien été reçu.",
            "شكرًا لك، تم استلام دفعتك.",
        ],
        RejectedTitle => ["Payment declined", "Paiement refusé", "تم رفض الدفع"],
        RejectedBody => [
            "The payment was not accepted. You can try again or use another number.",
            "Le paiement n’a pas été accepté. Vous pouvez réessayer ou utiliser un autre numéro.",
            "لم تتم الموافقة على الدفع. يمكنك المحاولة مرة أخرى أو استخدام رقم آخر.",
        ],
        PreAuthorizedTitle => ["Funds reserved", "Fonds réservés", "تم حجز المبلغ"],
        PreAuthorizedBody => [
            "The amount is reserved on your account; the merchant will confirm your order.",
            "Le montant est réservé sur votre compte\u{a0}; le marchand confirmera votre commande.",
            "المبلغ محجوز في حسابك، وسيؤكد التاجر طلبك.",
        ],
        ExpiredTitle => ["Payment expired", "Paiement expiré", "انتهت صلاحية الدفع"],
        ExpiredBody => [
            "The request was not approved in time. You can try again.",
            "La demande n’a pas été validée à temps. Vous pouvez réessayer.",
            "لم تتم الموافقة على الطلب في الوقت المحدد. يمكنك المحاولة مرة أخرى.",
        ],
        CanceledTitle => ["Payment canceled", "Paiement annulé", "تم إلغاء الدفع"],
        RefundedTitle => ["Payment refunded", "Paiement remboursé", "تم استرداد المبلغ"],
        PartiallyRefundedTitle => [
            "Payment partly refunded",
            "Paiement partiellement remboursé",
            "تم استرداد جزء من المبلغ",
        ],
        ClosedBody => [
            "Nothing more is needed from you.",
            "Aucune autre action n’est nécessaire de votre part.",
            "لا يلزمك القيام بأي إجراء آخر.",
        ],
        StillPendingTemplate => [
            "Still pending — reference {}",
            "Toujours en attente — référence {}",
            "لا يزال الدفع قيد المعالجة — المرجع {}",
        ],
        StillPendingBody => [
            "We have no final answer yet. Do not pay again: check again in a moment, or contact the merchant with this reference.",
            "Nous n’avons pas encore de réponse définitive. Ne payez pas une seconde fois\u{a0}: vérifiez à nouveau dans un instant ou contactez le marchand avec cette référence.",
            "لم نتلقَّ ردًا نهائيًا بعد. لا تدفع مرة أخرى: تحقّق بعد قليل أو تواصل مع التاجر مع ذكر هذا المرجع.",
        ],
        TimeLeftTemplate => ["Time left: {}", "Temps restant\u{a0}: {}", "الوقت المتبقي: {}"],
        ReferenceTemplate => ["Reference: {}", "Référence\u{a0}: {}", "المرجع: {}"],
        ErrorTitle => ["Payment not completed", "Paiement non abouti", "لم يكتمل الدفع"],
        NetworkError => [
            "Connection problem. Check your internet connection and retry.",
            "Problème de connexion. Vérifiez votre connexion Internet puis réessayez.",
            "مشكلة في الاتصال. تحقّق من اتصالك بالإنترنت ثم أعد المحاولة.",
        ],
        UnavailableError => [
            "The payment service is unavailable. Please retry in a moment.",
            "Le service de paiement est indisponible. Réessayez dans un instant.",
            "خدمة الدفع غير متاحة حاليًا. يُرجى إعادة المحاولة بعد قليل.",
        ],
        RefusedError => [
            "The payment could not start with these details. Check them and try again.",
            "Le paiement n’a pas pu démarrer avec ces informations. Vérifiez-les puis réessayez.",
            "تعذّر بدء الدفع بهذه البيانات. تحقّق منها ثم حاول مرة أخرى.",
        ],
        NotFoundError => ["This payment could not be found.", "Ce paiement est introuvable.", "لم يتم العثور على عملية الدفع هذه."],
        NotSubmittedError => [
            "The payment did not go through and no money was taken. You can try again.",
            "Le paiement n’est pas passé et aucun montant n’a été débité. Vous pouvez réessayer.",
            "لم يتم الدفع ولم يُقتطع أي مبلغ. يمكنك المحاولة مرة أخرى.",
        ],
        OrderPaidError => [
            "This order is already paid. There is nothing more to pay.",
            "Cette commande est déjà payée. Il n’y a plus rien à payer.",
            "تم دفع هذا الطلب بالفعل. لا يوجد ما يُدفع.",
        ],
        OrderInProgressError => [
            "A payment for this order is already under way. Wait for its result before paying again.",
            "Un paiement de cette commande est déjà en cours. Attendez son résultat avant de payer à nouveau.",
            "هناك عملية دفع جارية لهذا الطلب. انتظر نتيجتها قبل الدفع مرة أخرى.",
        ],
        OrderExpiredError => [
            "This order can no longer be paid. Return to the shop to place it again.",
            "Cette commande ne peut plus être payée. Retournez sur la boutique pour la passer à nouveau.",
            "لم يعد بالإمكان دفع هذا الطلب. عُد إلى المتجر لإعادة تقديمه.",
        ],
        PaymentFailedError => [
            "The payment could not be completed.",
            "Le paiement n’a pas pu aboutir.",
            "تعذّر إتمام الدفع.",
        ],
        RedirectError => [
            "The confirmation page could not be opened.",
            "Impossible d’ouvrir la page de confirmation.",
            "تعذّر فتح صفحة التأكيد.",
        ],
        CountryAlgeria => ["Algeria", "Algérie", "الجزائر"],
        CountryMorocco => ["Morocco", "Maroc", "المغرب"],
        CountryCongo => ["Republic of the Congo", "République du Congo", "جمهورية الكونغو"],
        CountryCameroon => ["Cameroon", "Cameroun", "الكاميرون"],
        PhoneEmpty => ["Enter your phone number", "Saisissez votre numéro de téléphone", "أدخل رقم هاتفك"],
        PhoneNotDigits => ["Use digits only", "Utilisez uniquement des chiffres", "استخدم الأرقام فقط"],
        PhoneTooShortTemplate => [
            "Number too short: {} digits expected after the country code",
            "Numéro trop court\u{a0}: {} chiffres attendus après l’indicatif",
            "الرقم قصير جدًا: يجب أن يتكوّن من {} أرقام بعد رمز البلد",
        ],
        PhoneTooLongTemplate => [
            "Number too long: {} digits expected after the country code",
            "Numéro trop long\u{a0}: {} chiffres attendus après l’indicatif",
            "الرقم طويل جدًا: يجب أن يتكوّن من {} أرقام بعد رمز البلد",
        ],
        PhoneMissingLeadingZero => [
            "Congolese numbers start with 0, e.g. 06 659 44 70",
            "Les numéros congolais commencent par 0, par ex. 06 659 44 70",
            "تبدأ الأرقام الكونغولية بالرقم 0، مثل 06 659 44 70",
        ],
        PhoneWrongCountry => [
            "This country code is not offered for this payment method",
            "Cet indicatif n’est pas proposé pour ce moyen de paiement",
            "رمز البلد هذا غير متاح لطريقة الدفع هذه",
        ],
        PhoneNotMobile => ["This is not a mobile number", "Ce n’est pas un numéro de mobile", "هذا ليس رقم هاتف محمول"],
        PhoneUnsupportedCountry => ["This country is not offered", "Ce pays n’est pas proposé", "هذا البلد غير متاح"],
        PhoneNotMtnOrAirtel => [
            "This number is not an MTN or Airtel number",
            "Ce numéro n’est pas un numéro MTN ou Airtel",
            "هذا الرقم ليس رقم MTN أو Airtel",
        ],
        PhoneOnlyMtnInCameroonTemplate => [
            "This is a {} number. In Cameroon, only MTN Mobile Money is offered.",
            "C’est un numéro {}. Au Cameroun, seul MTN Mobile Money est proposé.",
            "هذا رقم {}. في الكاميرون، الدفع متاح عبر MTN Mobile Money فقط.",
        ],
        ChooseMethod => ["Choose a payment method", "Choisissez un moyen de paiement", "اختر طريقة الدفع"],
        ChooseCountry => ["Choose your country", "Choisissez votre pays", "اختر بلدك"],
        ChooseOperator => ["Choose your operator", "Choisissez votre opérateur", "اختر المشغّل"],
        CountryNotOffered => ["This country is not offered", "Ce pays n’est pas proposé", "هذا البلد غير متاح"],
        OperatorNotOffered => [
            "This operator is not offered in this country",
            "Cet opérateur n’est pas proposé dans ce pays",
            "هذا المشغّل غير متاح في هذا البلد",
        ],
        TooLongTemplate => ["{} characters at most", "{} caractères maximum", "{} حرفًا كحد أقصى"],
        InvalidEmail => [
            "Enter a valid email address, e.g. name@example.com",
            "Saisissez une adresse e-mail valide, par ex. nom@exemple.com",
            "أدخل بريدًا إلكترونيًا صحيحًا، مثل name@example.com",
        ],
        OperatorMismatchTemplate => [
            "This looks like an {} number. Check the operator.",
            "Ce numéro semble être un numéro {}. Vérifiez l’opérateur.",
            "يبدو أن هذا الرقم تابع لـ {}. تحقّق من المشغّل.",
        ],
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

/// The method's name.
pub fn method_name(lang: Lang, method: checkout_contract::MethodKind) -> &'static str {
    match method {
        checkout_contract::MethodKind::YassirCash => t(lang, Msg::MethodYassirCash),
        checkout_contract::MethodKind::MobileMoney => t(lang, Msg::MethodMobileMoney),
    }
}

/// The name of a country by its ISO code (`dz`, `ma`, `cg`, `cm`).
pub fn country_name(lang: Lang, code: &str) -> Option<&'static str> {
    let msg = match code {
        "dz" => Msg::CountryAlgeria,
        "ma" => Msg::CountryMorocco,
        "cg" => Msg::CountryCongo,
        "cm" => Msg::CountryCameroon,
        _ => return None,
    };
    Some(t(lang, msg))
}

/// An operator's brand, the same in every language.
pub fn operator_name(operator: Operator) -> &'static str {
    operator.display_name()
}

/// The example number shown under the mobile-money field for a country.
pub fn msisdn_hint(lang: Lang, country_code: &str) -> Option<&'static str> {
    match country_code {
        "cg" => Some(t(lang, Msg::MsisdnHintCongo)),
        "cm" => Some(t(lang, Msg::MsisdnHintCameroon)),
        _ => None,
    }
}

/// Why a phone number is refused.
pub fn phone_error(lang: Lang, error: PhoneError) -> String {
    let msg = match error {
        PhoneError::Empty => Msg::PhoneEmpty,
        PhoneError::NotDigits => Msg::PhoneNotDigits,
        PhoneError::TooShort { expected } => {
            return fill(lang, Msg::PhoneTooShortTemplate, &expected.to_string())
        }
        PhoneError::TooLong { expected } => {
            return fill(lang, Msg::PhoneTooLongTemplate, &expected.to_string())
        }
        PhoneError::MissingLeadingZero => Msg::PhoneMissingLeadingZero,
        PhoneError::WrongCountry => Msg::PhoneWrongCountry,
        PhoneError::NotMobile => Msg::PhoneNotMobile,
        PhoneError::UnsupportedCountry => Msg::PhoneUnsupportedCountry,
        PhoneError::UnsupportedOperator { network } => match network {
            Network::Orange | Network::Nexttel | Network::Camtel => {
                return fill(lang, Msg::PhoneOnlyMtnInCameroonTemplate, network.name())
            }
            _ => Msg::PhoneNotMtnOrAirtel,
        },
    };
    t(lang, msg).to_string()
}

/// The message under a form field.
pub fn field_error(lang: Lang, field: Field, error: FieldError) -> String {
    let msg = match (error, field) {
        (FieldError::Phone(error), _) => return phone_error(lang, error),
        (FieldError::TooLong { max }, _) => {
            return fill(lang, Msg::TooLongTemplate, &max.to_string())
        }
        (FieldError::InvalidEmail, _) => Msg::InvalidEmail,
        (FieldError::Required, Field::Country) => Msg::ChooseCountry,
        (FieldError::Required, Field::Operator) => Msg::ChooseOperator,
        (FieldError::Required, Field::YassirPhone | Field::Msisdn) => Msg::PhoneEmpty,
        (FieldError::Required, _) => Msg::ChooseMethod,
        (FieldError::NotOffered, Field::Operator) => Msg::OperatorNotOffered,
        (FieldError::NotOffered, _) => Msg::CountryNotOffered,
    };
    t(lang, msg).to_string()
}

/// The warning when the chosen operator differs from the one the number suggests.
pub fn operator_warning(lang: Lang, suggested: Operator) -> String {
    fill(
        lang,
        Msg::OperatorMismatchTemplate,
        operator_name(suggested),
    )
}

/// "Time left: 1:30".
pub fn time_left(lang: Lang, remaining_ms: u64) -> String {
    fill(lang, Msg::TimeLeftTemplate, &countdown_text(remaining_ms))
}

/// "Reference: pay_…", for any step that has a payment.
pub fn reference(lang: Lang, payment_id: &str) -> String {
    fill(lang, Msg::ReferenceTemplate, payment_id)
}

/// A step's heading and explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepText {
    pub title: String,
    pub body: Option<String>,
}

/// The heading and explanation for a step; `None` on the form itself.
pub fn step_text(lang: Lang, step: &Step) -> Option<StepText> {
    let text = |title: Msg, body: Option<Msg>| StepText {
        title: t(lang, title).to_string(),
        body: body.map(|body| t(lang, body).to_string()),
    };
    let step_text = match step {
        Step::Choosing => return None,
        Step::Creating => text(Msg::CreatingTitle, None),
        Step::Submitting => text(Msg::SubmittingTitle, None),
        Step::Redirecting { .. } => text(Msg::RedirectingTitle, None),
        Step::RequiresAction { .. } => {
            text(Msg::RequiresActionTitle, Some(Msg::RequiresActionBody))
        }
        Step::AwaitingApproval { phone, .. } => StepText {
            title: t(lang, Msg::AwaitingApprovalTitle).to_string(),
            body: Some(match phone {
                Some(phone) => fill(lang, Msg::AwaitingApprovalTemplate, &display_phone(phone)),
                None => t(lang, Msg::AwaitingApprovalBody).to_string(),
            }),
        },
        Step::Checking { .. } => text(Msg::CheckingTitle, None),
        Step::Succeeded { .. } => text(Msg::SucceededTitle, Some(Msg::SucceededBody)),
        Step::Rejected { .. } => text(Msg::RejectedTitle, Some(Msg::RejectedBody)),
        Step::PreAuthorized { .. } => text(Msg::PreAuthorizedTitle, Some(Msg::PreAuthorizedBody)),
        Step::Expired { .. } => text(Msg::ExpiredTitle, Some(Msg::ExpiredBody)),
        Step::Closed { payment } => {
            let title = match payment.status {
                PaymentStatus::Refunded => Msg::RefundedTitle,
                PaymentStatus::PartiallyRefunded => Msg::PartiallyRefundedTitle,
                _ => Msg::CanceledTitle,
            };
            text(title, Some(Msg::ClosedBody))
        }
        Step::StillPending { payment_id } => StepText {
            title: fill(lang, Msg::StillPendingTemplate, payment_id),
            body: Some(t(lang, Msg::StillPendingBody).to_string()),
        },
        Step::Error { kind, .. } => {
            let body = match kind {
                ErrorKind::Network => Msg::NetworkError,
                ErrorKind::Unavailable => Msg::UnavailableError,
                ErrorKind::Refused { .. } => Msg::RefusedError,
                ErrorKind::NotFound => Msg::NotFoundError,
                ErrorKind::PaymentFailed { payment }
                    if payment
                        .failure
                        .as_ref()
                        .is_some_and(|f| f.code == "not_submitted") =>
                {
                    Msg::NotSubmittedError
                }
                ErrorKind::PaymentFailed { .. } => Msg::PaymentFailedError,
                ErrorKind::OrderPaid => Msg::OrderPaidError,
                ErrorKind::OrderInProgress => Msg::OrderInProgressError,
                ErrorKind::OrderExpired => Msg::OrderExpiredError,
                ErrorKind::MissingRedirect | ErrorKind::UnsafeRedirect => Msg::RedirectError,
            };
            text(Msg::ErrorTitle, Some(body))
        }
    };
    Some(step_text)
}

/// The label of an action a step offers.
pub fn action_label(lang: Lang, action: ShopperAction) -> &'static str {
    let msg = match action {
        ShopperAction::Retry => Msg::Retry,
        ShopperAction::TryAgain => Msg::TryAgain,
        ShopperAction::CheckAgain => Msg::CheckAgain,
        ShopperAction::ContinueToProvider => Msg::ContinueToYassir,
        ShopperAction::ChangeDetails => Msg::ChangeDetails,
    };
    t(lang, msg)
}

/// A number as the backend sends it (`242066594470`), with a `+` for display.
fn display_phone(phone: &str) -> String {
    if phone.starts_with('+') || !phone.bytes().all(|b| b.is_ascii_digit()) {
        phone.to_string()
    } else {
        format!("+{phone}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_contract::MethodKind;

    const LANGS: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Ar];

    #[test]
    fn tags_pick_the_language() {
        assert_eq!(Lang::from_tag("fr-FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("ar_DZ"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag("EN"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de-DE"), None);
        assert_eq!(Lang::negotiate(["de", "fr-CA", "en"]), Lang::Fr);
        assert_eq!(Lang::negotiate(["de"]), Lang::En);
    }

    #[test]
    fn only_arabic_is_right_to_left() {
        assert!(Lang::Ar.is_rtl());
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert!(!Lang::Fr.is_rtl());
        assert_eq!(Lang::En.dir(), "ltr");
        assert_eq!(Lang::Ar.tag(), "ar");
    }

    #[test]
    fn french_uses_accents_and_spaced_colons() {
        assert_eq!(t(Lang::Fr, Msg::PreAuthorizedTitle), "Fonds réservés");
        assert_eq!(reference(Lang::Fr, "pay_1"), "Référence\u{a0}: pay_1");
        assert_eq!(
            t(Lang::Fr, Msg::TestMode),
            "Mode test\u{a0}: aucun argent réel n’est débité"
        );
    }

    #[test]
    fn templates_fill_their_value() {
        assert_eq!(time_left(Lang::En, 90_000), "Time left: 1:30");
        assert_eq!(
            field_error(Lang::En, Field::LastName, FieldError::TooLong { max: 60 }),
            "60 characters at most"
        );
        assert_eq!(
            operator_warning(Lang::En, Operator::Mtn),
            "This looks like an MTN number. Check the operator."
        );
    }

    #[test]
    fn arabic_isolates_numbers_and_references() {
        let text = reference(Lang::Ar, "pay_1");
        assert_eq!(text, "المرجع: \u{2066}pay_1\u{2069}");
    }

    #[test]
    fn waiting_body_names_the_phone() {
        let step = Step::AwaitingApproval {
            phone: Some("242066594470".into()),
            deadline_ms: 0,
        };
        let text = step_text(Lang::En, &step).unwrap();
        assert_eq!(text.title, "Approve the request on your phone");
        assert_eq!(
            text.body.as_deref(),
            Some("Waiting for your approval on +242066594470")
        );
    }

    #[test]
    fn still_pending_title_carries_the_reference() {
        let step = Step::StillPending {
            payment_id: "pay_9".into(),
        };
        assert_eq!(
            step_text(Lang::En, &step).unwrap().title,
            "Still pending — reference pay_9"
        );
        let labels: Vec<_> = step
            .actions()
            .iter()
            .map(|&action| action_label(Lang::Fr, action))
            .collect();
        assert_eq!(labels, ["Vérifier à nouveau", "Modifier le paiement"]);
    }

    #[test]
    fn network_error_offers_retry_and_decline_offers_try_again() {
        let network = Step::Error {
            kind: ErrorKind::Network,
            can_retry: true,
        };
        assert_eq!(action_label(Lang::En, network.actions()[0]), "Retry");
        let refused = Step::Error {
            kind: ErrorKind::NotFound,
            can_retry: false,
        };
        assert_eq!(refused.actions(), [ShopperAction::ChangeDetails]);
        assert_eq!(
            step_text(Lang::Ar, &network).unwrap().title,
            "لم يكتمل الدفع"
        );
    }

    #[test]
    fn cameroon_network_errors_name_the_network() {
        let orange = PhoneError::UnsupportedOperator {
            network: Network::Orange,
        };
        assert_eq!(
            phone_error(Lang::Fr, orange),
            "C’est un numéro Orange. Au Cameroun, seul MTN Mobile Money est proposé."
        );
        let congo = PhoneError::UnsupportedOperator {
            network: Network::CongoTelecom,
        };
        assert_eq!(
            phone_error(Lang::En, congo),
            "This number is not an MTN or Airtel number"
        );
    }

    #[test]
    fn every_phone_and_field_error_has_text_in_every_language() {
        let phone_errors = [
            PhoneError::Empty,
            PhoneError::NotDigits,
            PhoneError::TooShort { expected: 9 },
            PhoneError::TooLong { expected: 9 },
            PhoneError::MissingLeadingZero,
            PhoneError::WrongCountry,
            PhoneError::NotMobile,
            PhoneError::UnsupportedCountry,
            PhoneError::UnsupportedOperator {
                network: Network::Nexttel,
            },
        ];
        for lang in LANGS {
            for error in phone_errors {
                let text = phone_error(lang, error);
                assert!(
                    !text.is_empty() && !text.contains("{}"),
                    "{lang:?} {error:?}"
                );
            }
            for (field, error) in [
                (Field::Method, FieldError::Required),
                (Field::Country, FieldError::Required),
                (Field::Operator, FieldError::Required),
                (Field::Operator, FieldError::NotOffered),
                (Field::Country, FieldError::NotOffered),
                (Field::ReceiptEmail, FieldError::InvalidEmail),
            ] {
                assert!(!field_error(lang, field, error).is_empty());
            }
        }
        assert_eq!(
            field_error(Lang::En, Field::Operator, FieldError::Required),
            "Choose your operator"
        );
    }

    #[test]
    fn every_step_but_the_form_has_a_title() {
        let payment = crate::core::fixtures::payment;
        let steps = [
            Step::Creating,
            Step::Submitting,
            Step::Redirecting { url: "u".into() },
            Step::RequiresAction {
                pay_url: "u".into(),
                deadline_ms: 0,
            },
            Step::AwaitingApproval {
                phone: None,
                deadline_ms: 0,
            },
            Step::Checking { deadline_ms: 0 },
            Step::Succeeded {
                payment: payment(PaymentStatus::Succeeded),
            },
            Step::Rejected {
                payment: payment(PaymentStatus::Rejected),
            },
            Step::PreAuthorized {
                payment: payment(PaymentStatus::PreAuthorized),
            },
            Step::Expired {
                payment: payment(PaymentStatus::Expired),
            },
            Step::Closed {
                payment: payment(PaymentStatus::Refunded),
            },
            Step::StillPending {
                payment_id: "pay_1".into(),
            },
            Step::Error {
                kind: ErrorKind::UnsafeRedirect,
                can_retry: false,
            },
        ];
        for lang in LANGS {
            assert_eq!(step_text(lang, &Step::Choosing), None);
            for step in &steps {
                let text = step_text(lang, step).unwrap();
                assert!(
                    !text.title.is_empty() && !text.title.contains("{}"),
                    "{lang:?} {step:?}"
                );
            }
        }
        let refunded = Step::Closed {
            payment: payment(PaymentStatus::Refunded),
        };
        assert_eq!(
            step_text(Lang::Fr, &refunded).unwrap().title,
            "Paiement remboursé"
        );
    }

    #[test]
    fn names_cover_methods_countries_and_operators() {
        assert_eq!(
            method_name(Lang::Ar, MethodKind::MobileMoney),
            "الدفع عبر الهاتف المحمول"
        );
        assert_eq!(country_name(Lang::Fr, "cm"), Some("Cameroun"));
        assert_eq!(country_name(Lang::Ar, "dz"), Some("الجزائر"));
        assert_eq!(country_name(Lang::En, "xx"), None);
        assert_eq!(operator_name(Operator::Airtel), "Airtel");
        assert_eq!(msisdn_hint(Lang::En, "cg"), Some("e.g. 06 659 44 70"));
    }
}
