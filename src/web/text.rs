//! The few texts of the widget's frame (loading, the Pay button with its amount, support) that
//! the core's `i18n` does not hold, in the same three languages.

use crate::core::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// The widget's accessible name.
    WidgetLabel,
    Loading,
    LoadFailed,
    LoadFailedNetwork,
    /// `{}`: the formatted amount.
    PayAmountTemplate,
    /// `{}`: an email address or phone number.
    SupportTemplate,
    RedirectFallback,
}

fn texts(msg: Frame) -> [&'static str; 3] {
    match msg {
        Frame::WidgetLabel => ["Payment", "Paiement", "الدفع"],
        Frame::Loading => [
            "Loading your order…",
            "Chargement de votre commande…",
            "جارٍ تحميل طلبك…",
        ],
        Frame::LoadFailed => [
            "This order cannot be paid here. Go back to the shop and try again.",
            "Cette commande ne peut pas être payée ici. Retournez sur la boutique et réessayez.",
            "لا يمكن دفع هذا الطلب هنا. ارجع إلى المتجر وحاول مرة أخرى.",
        ],
        Frame::LoadFailedNetwork => [
            "Connection problem. Check your internet connection and reload the page.",
            "Problème de connexion. Vérifiez votre connexion Internet puis rechargez la page.",
            "مشكلة في الاتصال. تحقّق من اتصالك بالإنترنت ثم أعد تحميل الصفحة.",
        ],
        Frame::PayAmountTemplate => ["Pay {}", "Payer {}", "ادفع {}"],
        Frame::SupportTemplate => [
            "Need help? Contact {}",
            "Besoin d’aide\u{a0}? Contactez {}",
            "هل تحتاج إلى مساعدة؟ تواصل مع {}",
        ],
        Frame::RedirectFallback => [
            "If nothing happens, use this link:",
            "Si rien ne se passe, utilisez ce lien\u{a0}:",
            "إذا لم يحدث شيء، فاستخدم هذا الرابط:",
        ],
    }
}

/// The text of `msg` in `lang`.
pub fn frame(lang: Lang, msg: Frame) -> &'static str {
    let [en, fr, ar] = texts(msg);
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
        Lang::Ar => ar,
    }
}

/// A template filled with `value`, isolated in Arabic so numbers keep their order.
pub fn frame_fill(lang: Lang, msg: Frame, value: &str) -> String {
    let value = if lang.is_rtl() {
        format!("\u{2066}{value}\u{2069}")
    } else {
        value.to_string()
    };
    frame(lang, msg).replacen("{}", &value, 1)
}
