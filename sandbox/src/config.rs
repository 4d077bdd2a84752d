use std::fmt;
use std::time::Duration;

use crate::faults::FaultRule;
use crate::webhooks::WebhookTargets;

/// Knobs of the simulators. Defaults suit the demo; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Base URL the shopper's browser uses to reach the sandbox (`http://127.0.0.1:8787`),
    /// used to build absolute `payUrl`s and page links. When `None`, the request's `Host` is used.
    pub public_base_url: Option<String>,
    /// How long Yabetoo's documented test numbers take to settle by themselves.
    pub momo_settle_delay: Duration,
    /// How long a prompt waits on the sandbox phone page before it expires (Yabetoo: ~90 s).
    pub momo_prompt_timeout: Duration,
    /// Lifetime of a Yassir intent (`expiresAt` = creation + this).
    pub yassir_intent_ttl: Duration,
    /// How long the "slow provider" test numbers make a request wait.
    pub slow_delay: Duration,
    /// Faults in force from the start; more can be added at [`crate::FAULTS_MOUNT`].
    pub faults: Vec<FaultRule>,
    /// Where the providers' webhooks go (none by default).
    pub webhooks: WebhookTargets,
    /// `false` (`SANDBOX_WEBHOOKS=off`): no webhook is sent, wherever they would go; a server
    /// embedding the sandbox then gives it no targets of its own either.
    pub send_webhooks: bool,
    /// The credentials the simulators accept.
    pub credentials: Credentials,
    /// How long an intent is kept after its last change; then it is forgotten, so that the
    /// simulators' memory stays bounded however long they run.
    pub intent_retention: Duration,
    /// Origins the OTP page may send shoppers back to (`returnUrl`), besides loopback ones and
    /// [`Self::public_base_url`]'s; `*` for any.
    pub return_origins: Vec<String>,
    /// The stricter readings of what the providers leave undocumented; all off by default.
    pub strict: Strict,
}

/// Stricter answers where the providers' documents are silent or contradict each other. Off,
/// the sandbox takes the lenient reading (the demo's); on, the one a real gateway may well
/// have, so that an adapter can be tried against both. `SANDBOX_STRICT` names them
/// ([`Strict::parse`]):
///
/// | name | switch |
/// |---|---|
/// | `customers` | [`Self::customer_must_exist`] |
/// | `action-id` | [`Self::duplicate_action_id_conflict`] |
/// | `no-api-prefix` | [`Self::no_api_prefix`] |
/// | `french`, `arabic` | [`Self::language`] |
/// | `wallet-country` | [`Self::wallet_country`] |
/// | `check-hides-operations` | [`Self::check_hides_operations`] |
/// | `locale-format` | [`Self::locale_format`] |
/// | `momo-numbers` | [`Self::momo_numbers`] |
/// | `all` | every one, answering in French ([`Strict::ALL`]) |
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Strict {
    /// Yassir: an intent's `userId` must be a registered customer (customers v1), and a second
    /// registration of a phone is answered 400 "already exists" (what staging reportedly does)
    /// instead of the documented 409.
    pub customer_must_exist: bool,
    /// Yassir: a create with an `actionId` already used is answered 409, even for the same
    /// payment, instead of the intent it made.
    pub duplicate_action_id_conflict: bool,
    /// Yassir: only the staging docs' paths without `/api/v1` are served.
    pub no_api_prefix: bool,
    /// Yassir: messages are in this language unless `x-locale` asks for another one the
    /// sandbox speaks; `None` is English.
    pub language: Option<Language>,
    /// Yassir: `countryCode` and `actionCountryCode` must be the wallet phone's country.
    pub wallet_country: bool,
    /// Yassir: the check documents only statusCodes 2, 3, 12 and 13, so it never shows a
    /// refund or a release: after one it keeps answering the status it had before (2, or 13
    /// for a released reservation). The refund and release answers, the webhooks and
    /// [`crate::inspect`] still say what happened.
    pub check_hides_operations: bool,
    /// Yassir: `x-locale` must be written as its document writes it, `ll_CC` (`en_US`); any
    /// other form (`en-US`, `en`) is answered 400. Off, both forms are read.
    pub locale_format: bool,
    /// Yabetoo: only Congo (`cg`) is served, and a number whose prefix belongs to the other
    /// operator than `operator_name` is refused (422).
    pub momo_numbers: bool,
}

/// The languages the Yassir simulator answers in (`x-locale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    French,
    Arabic,
}

impl Language {
    /// The language of an `x-locale` value (`fr-FR`, `ar_DZ`, `en`), if the sandbox speaks it.
    pub fn from_locale(locale: &str) -> Option<Language> {
        let primary = locale.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Language::English),
            "fr" => Some(Language::French),
            "ar" => Some(Language::Arabic),
            _ => None,
        }
    }
}

impl Strict {
    /// Every switch on, answering in French.
    pub const ALL: Strict = Strict {
        customer_must_exist: true,
        duplicate_action_id_conflict: true,
        no_api_prefix: true,
        language: Some(Language::French),
        wallet_country: true,
        check_hides_operations: true,
        locale_format: true,
        momo_numbers: true,
    };

    /// The comma-separated names of `SANDBOX_STRICT`: `customers`, `action-id`,
    /// `no-api-prefix`, `french`, `arabic`, `wallet-country`, `check-hides-operations`,
    /// `locale-format`, `momo-numbers`, or `all`.
    pub fn parse(list: &str) -> Result<Strict, String> {
        let mut strict = Strict::default();
        for name in list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            match name {
                "all" => strict = Strict::ALL,
                "customers" => strict.customer_must_exist = true,
                "action-id" => strict.duplicate_action_id_conflict = true,
                "no-api-prefix" => strict.no_api_prefix = true,
                "french" => strict.language = Some(Language::French),
                "arabic" => strict.language = Some(Language::Arabic),
                "wallet-country" => strict.wallet_country = true,
                "check-hides-operations" => strict.check_hides_operations = true,
                "locale-format" => strict.locale_format = true,
                "momo-numbers" => strict.momo_numbers = true,
                other => {
                    return Err(format!(
                        "unknown switch `{other}` (customers, action-id, no-api-prefix, french, \
                         arabic, wallet-country, check-hides-operations, locale-format, \
                         momo-numbers or all)"
                    ))
                }
            }
        }
        Ok(strict)
    }
}

/// The credentials the simulators accept: by default the well-known sandbox ones
/// ([`crate::yassir::CLIENT_ID`], [`crate::yassir::CLIENT_SECRET`],
/// [`crate::yabetoo::SECRET_KEY`]); a simulator standing in for the providers behind a live-mode
/// server is given others, since a live server refuses the well-known ones.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub yassir_client_id: String,
    pub yassir_client_secret: String,
    pub yabetoo_secret_key: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            yassir_client_id: crate::yassir::CLIENT_ID.into(),
            yassir_client_secret: crate::yassir::CLIENT_SECRET.into(),
            yabetoo_secret_key: crate::yabetoo::SECRET_KEY.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("yassir_client_id", &self.yassir_client_id)
            .finish_non_exhaustive()
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            public_base_url: None,
            momo_settle_delay: Duration::from_secs(3),
            momo_prompt_timeout: Duration::from_secs(90),
            yassir_intent_ttl: Duration::from_secs(15 * 60),
            slow_delay: Duration::from_secs(30),
            faults: Vec::new(),
            webhooks: WebhookTargets::default(),
            send_webhooks: true,
            credentials: Credentials::default(),
            intent_retention: Duration::from_secs(3600),
            return_origins: Vec::new(),
            strict: Strict::default(),
        }
    }
}

/// A setting that cannot be used, named by its variable, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(variable: &str, message: impl Into<String>) -> Self {
        Self {
            variable: variable.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_switches_are_off_unless_named() {
        let config = SandboxConfig::from_lookup(|_| None).unwrap();
        assert_eq!(config.strict, Strict::default());
        let strict = Strict::parse("customers, arabic,no-api-prefix").unwrap();
        assert!(strict.customer_must_exist && strict.no_api_prefix);
        assert_eq!(strict.language, Some(Language::Arabic));
        assert!(!strict.duplicate_action_id_conflict && !strict.momo_numbers);
        assert!(!strict.check_hides_operations && !strict.locale_format);
        let strict = Strict::parse("check-hides-operations,locale-format").unwrap();
        assert!(strict.check_hides_operations && strict.locale_format);
        let all = Strict::parse("all").unwrap();
        assert_eq!(all, Strict::ALL);
        assert!(all.check_hides_operations && all.locale_format);
    }

    #[test]
    fn locales_name_their_language() {
        assert_eq!(Language::from_locale("fr-FR"), Some(Language::French));
        assert_eq!(Language::from_locale("ar_DZ"), Some(Language::Arabic));
        assert_eq!(Language::from_locale("en"), Some(Language::English));
        assert_eq!(Language::from_locale("de-DE"), None);
    }
}
