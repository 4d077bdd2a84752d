//! The simulator's messages in the languages it answers in: English by default, French or
//! Arabic when `x-locale` asks for them (`fr_FR` as Yassir's document writes it, or `fr-FR`,
//! unless [`crate::Strict::locale_format`]) or when [`crate::Strict::language`] makes one the
//! default. Yassir's real wording is not documented; what matters is that it is not English.

use super::model::messages;
use crate::Language;
use axum::http::HeaderMap;

/// A sentence that is not one of [`messages`]: said only by the stricter answers.
pub(super) const CUSTOMER_EXISTS: &str = "Customer already exists";
pub(super) const CUSTOMER_UNKNOWN: &str =
    "No customer is registered with this userId: register the phone first";
pub(super) const ACTION_ID_USED: &str = "actionId already used";
pub(super) const ACTION_ID_OTHER_PAYMENT: &str = "actionId already used for a different payment";
pub(super) const WRONG_COUNTRY: &str =
    "countryCode and actionCountryCode must be the country of the customer's wallet";
pub(super) const LOCALE_FORMAT: &str =
    "x-locale header must be a language and a country joined by an underscore, such as en_US";

/// English, French, Arabic.
const TABLE: &[[&str; 3]] = &[
    [
        CUSTOMER_EXISTS,
        "Le client existe déjà",
        "العميل موجود بالفعل",
    ],
    [
        CUSTOMER_UNKNOWN,
        "Aucun client n'est enregistré avec ce userId : enregistrez d'abord le numéro",
        "لا يوجد عميل مسجل بهذا المعرف: سجل الرقم أولا",
    ],
    [
        ACTION_ID_USED,
        "actionId déjà utilisé",
        "actionId مستخدم بالفعل",
    ],
    [
        ACTION_ID_OTHER_PAYMENT,
        "actionId déjà utilisé pour un autre paiement",
        "actionId مستخدم بالفعل لدفع آخر",
    ],
    [
        WRONG_COUNTRY,
        "countryCode et actionCountryCode doivent être le pays du portefeuille du client",
        "يجب أن يكون countryCode و actionCountryCode بلد محفظة العميل",
    ],
    [
        LOCALE_FORMAT,
        "L'en-tête x-locale doit être une langue et un pays joints par un tiret bas, comme fr_FR",
        "يجب أن يكون رأس x-locale لغة وبلدا مفصولين بشرطة سفلية، مثل ar_DZ",
    ],
    [
        messages::INITIALIZED,
        "Paiement initialisé",
        "تم إنشاء الدفع",
    ],
    [
        messages::AWAITING_OTP,
        "Saisissez le code reçu sur votre téléphone pour confirmer le paiement",
        "أدخل الرمز المرسل إلى هاتفك لتأكيد الدفع",
    ],
    [
        messages::SUCCEEDED,
        "Paiement effectué avec succès",
        "تم الدفع بنجاح",
    ],
    [
        messages::RESERVED,
        "Le montant est réservé dans votre portefeuille Yassir Cash",
        "تم حجز المبلغ في محفظة Yassir Cash",
    ],
    [
        messages::REJECTED_BY_WALLET,
        "Transaction refusée par le portefeuille",
        "رفضت المحفظة المعاملة",
    ],
    [
        messages::INSUFFICIENT_FUNDS,
        "Solde insuffisant dans votre portefeuille Yassir Cash",
        "رصيد غير كاف في محفظة Yassir Cash",
    ],
    [
        messages::CANCELLED,
        "Paiement annulé par le client",
        "ألغى العميل الدفع",
    ],
    [
        messages::TOO_MANY_CODES,
        "Trop de codes erronés",
        "رموز خاطئة كثيرة",
    ],
    [
        messages::EXPIRED,
        "La demande de paiement a expiré",
        "انتهت صلاحية طلب الدفع",
    ],
    [
        messages::RELEASED,
        "Le montant réservé a été restitué à votre portefeuille",
        "أعيد المبلغ المحجوز إلى محفظتك",
    ],
    [
        messages::REFUNDED,
        "Le paiement a été remboursé",
        "تم استرداد الدفع",
    ],
    [
        messages::PARTIALLY_REFUNDED,
        "Le paiement a été partiellement remboursé",
        "تم استرداد جزء من الدفع",
    ],
];

/// The language of a request: its `x-locale` when the sandbox speaks it, else the default.
pub(super) fn language(headers: &HeaderMap, default: Option<Language>) -> Language {
    headers
        .get("x-locale")
        .and_then(|value| value.to_str().ok())
        .and_then(Language::from_locale)
        .or(default)
        .unwrap_or(Language::English)
}

/// `english` in `language`; a sentence without a translation stays English.
pub(super) fn say(language: Language, english: &'static str) -> &'static str {
    let column = match language {
        Language::English => return english,
        Language::French => 1,
        Language::Arabic => 2,
    };
    TABLE
        .iter()
        .find(|row| row[0] == english)
        .map_or(english, |row| row[column])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_its_translations() {
        for english in [
            messages::INITIALIZED,
            messages::AWAITING_OTP,
            messages::SUCCEEDED,
            messages::RESERVED,
            messages::REJECTED_BY_WALLET,
            messages::INSUFFICIENT_FUNDS,
            messages::CANCELLED,
            messages::TOO_MANY_CODES,
            messages::EXPIRED,
            messages::RELEASED,
            messages::REFUNDED,
            messages::PARTIALLY_REFUNDED,
            CUSTOMER_EXISTS,
            CUSTOMER_UNKNOWN,
            ACTION_ID_USED,
            ACTION_ID_OTHER_PAYMENT,
            WRONG_COUNTRY,
            LOCALE_FORMAT,
        ] {
            assert_ne!(say(Language::French, english), english);
            assert_ne!(say(Language::Arabic, english), english);
        }
    }

    #[test]
    fn x_locale_wins_over_the_default() {
        let mut headers = HeaderMap::new();
        assert_eq!(language(&headers, None), Language::English);
        assert_eq!(language(&headers, Some(Language::French)), Language::French);
        headers.insert("x-locale", "en-US".parse().unwrap());
        assert_eq!(
            language(&headers, Some(Language::French)),
            Language::English
        );
        headers.insert("x-locale", "ar-DZ".parse().unwrap());
        assert_eq!(language(&headers, None), Language::Arabic);
    }
}
