//! The sandbox's settings, declared once: each variable with its default and what it does, as
//! `--help` prints them and as the configuration document is checked against them. The
//! `SANDBOX_*` variables ([`SandboxSettings`]) are the same whether the sandbox runs in its own
//! process ([`ProcessSettings`]) or inside a server, which flattens them into its own
//! declaration. How they become a [`SandboxConfig`] is [`SandboxSettings::config`].
//!
//! Both binaries read their declaration the same way ([`read_or_exit`], [`from_lookup`]): each
//! setting is a variable or the flag of the same name (`SANDBOX_PORT=8789` or
//! `--sandbox-port 8789`; the flag wins), and an empty variable counts as unset.

use clap::{Args, Command, FromArgMatches, Parser, ValueEnum};

use crate::config::{ConfigError, Credentials, SandboxConfig, Strict};
use crate::faults::FaultRule;
use crate::webhooks::{WebhookTarget, WebhookTargets};

/// The `SANDBOX_*` variables: the simulators' knobs.
// Not `Debug`: it holds the credentials it accepts.
#[derive(Clone, Args)]
#[command(next_help_heading = "The sandbox (SANDBOX_*)")]
pub struct SandboxSettings {
    /// How browsers reach the sandbox (its payUrls and page links); by default the request's
    /// Host, or the server's PUBLIC_URL when a server embeds it
    #[arg(long, env = "SANDBOX_PUBLIC_URL", value_name = "URL")]
    pub sandbox_public_url: Option<String>,
    /// How long Yabetoo's documented test numbers take to settle by themselves (ms)
    #[arg(
        long,
        env = "SANDBOX_SETTLE_DELAY_MS",
        value_name = "MS",
        default_value_t = 3_000
    )]
    pub sandbox_settle_delay_ms: u64,
    /// How long a prompt waits on the sandbox phone page before it expires (ms)
    #[arg(
        long,
        env = "SANDBOX_PROMPT_TIMEOUT_MS",
        value_name = "MS",
        default_value_t = 90_000
    )]
    pub sandbox_prompt_timeout_ms: u64,
    /// How long the "slow provider" test numbers make a request wait (ms)
    #[arg(
        long,
        env = "SANDBOX_SLOW_DELAY_MS",
        value_name = "MS",
        default_value_t = 30_000
    )]
    pub sandbox_slow_delay_ms: u64,
    /// How long an intent is kept after its last change, so the sandbox's memory stays bounded (ms)
    #[arg(
        long,
        env = "SANDBOX_INTENT_RETENTION_MS",
        value_name = "MS",
        default_value_t = 3_600_000
    )]
    pub sandbox_intent_retention_ms: u64,
    /// Faults in force from the start, comma-separated (`yassir.check=reset*1`; sandbox/README.md)
    #[arg(long, env = "SANDBOX_FAULTS", value_name = "RULES")]
    pub sandbox_faults: Option<String>,
    /// Stricter readings of what the providers leave undocumented, comma-separated, or `all`
    /// (customers, action-id, no-api-prefix, french, arabic, wallet-country,
    /// check-hides-operations, locale-format, momo-numbers)
    #[arg(long, env = "SANDBOX_STRICT", value_name = "SWITCHES")]
    pub sandbox_strict: Option<String>,
    /// Origins the OTP page may send shoppers back to besides loopback ones and its own,
    /// comma-separated (`*` for any); a server adds its own origin and CORS_ORIGINS
    #[arg(long, env = "SANDBOX_RETURN_ORIGINS", value_name = "ORIGINS")]
    pub sandbox_return_origins: Option<String>,
    /// The Yassir client id the sandbox accepts
    #[arg(long, env = "SANDBOX_YASSIR_CLIENT_ID", value_name = "ID", default_value = crate::yassir::CLIENT_ID)]
    pub sandbox_yassir_client_id: String,
    /// The Yassir client secret the sandbox accepts
    #[arg(long, env = "SANDBOX_YASSIR_CLIENT_SECRET", value_name = "SECRET", default_value = crate::yassir::CLIENT_SECRET, hide_env_values = true)]
    pub sandbox_yassir_client_secret: String,
    /// The Yabetoo secret key the sandbox accepts
    #[arg(long, env = "SANDBOX_YABETOO_SECRET_KEY", value_name = "KEY", default_value = crate::yabetoo::SECRET_KEY, hide_env_values = true)]
    pub sandbox_yabetoo_secret_key: String,
    /// `off`: no webhook is sent, wherever it would go
    #[arg(long, env = "SANDBOX_WEBHOOKS", value_name = "ON_OFF", value_enum, default_value_t = Switch::On)]
    pub sandbox_webhooks: Switch,
    /// Where Yassir's webhooks go; a server embedding the sandbox: its own /webhooks/yassir
    #[arg(long, env = "SANDBOX_YASSIR_WEBHOOK_URL", value_name = "URL")]
    pub sandbox_yassir_webhook_url: Option<String>,
    /// The secret that signs Yassir's webhooks; unsigned without one
    #[arg(
        long,
        env = "SANDBOX_YASSIR_WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub sandbox_yassir_webhook_secret: Option<String>,
    /// Where Yabetoo's webhooks go; a server embedding the sandbox: its own /webhooks/yabetoo
    #[arg(long, env = "SANDBOX_YABETOO_WEBHOOK_URL", value_name = "URL")]
    pub sandbox_yabetoo_webhook_url: Option<String>,
    /// The secret that signs Yabetoo's webhooks [default: whsec_sandbox_yabetoo_webhooks]
    #[arg(
        long,
        env = "SANDBOX_YABETOO_WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub sandbox_yabetoo_webhook_secret: Option<String>,
}

/// A switch set by `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// The sandbox as its own process (`checkout-sandbox`).
#[derive(Clone, Parser)]
#[command(
    name = "checkout-sandbox",
    version,
    about = "Offline simulators of Yassir Cash and Yabetoo mobile money, with a fault switch, for a \
             checkout server (or any client) pointed at them",
    after_help = "A server uses it with YASSIR_BASE_URL=http://127.0.0.1:8788/sandbox/yassir and \
                  YABETOO_BASE_URL=http://127.0.0.1:8788/sandbox/yabetoo. Every setting is a \
                  variable or the flag of the same name (the flag wins); an empty variable \
                  counts as unset. More in sandbox/README.md."
)]
pub struct ProcessSettings {
    /// The port it listens on
    #[arg(
        long,
        env = "SANDBOX_PORT",
        value_name = "PORT",
        default_value_t = 8788,
        help_heading = "Where it listens"
    )]
    pub sandbox_port: u16,
    /// The address it listens on (IPv4 or IPv6)
    #[arg(
        long,
        env = "BIND",
        value_name = "ADDRESS",
        default_value = "127.0.0.1",
        help_heading = "Where it listens"
    )]
    pub bind: String,
    /// What the log shows (tracing's EnvFilter syntax)
    #[arg(
        long,
        env = "RUST_LOG",
        value_name = "FILTER",
        default_value = "info",
        help_heading = "Where it listens"
    )]
    pub rust_log: String,
    #[command(flatten)]
    pub sandbox: SandboxSettings,
}

impl SandboxConfig {
    /// The `SANDBOX_*` variables read through `lookup` (an unset one keeps its default), as
    /// [`SandboxSettings`] declares them.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let command = SandboxSettings::augment_args(Command::new("checkout-sandbox"));
        from_lookup::<SandboxSettings>(command, lookup)?.config()
    }
}

impl SandboxSettings {
    /// The simulators' configuration these settings make, or the first one that cannot be used.
    pub fn config(self) -> Result<SandboxConfig, ConfigError> {
        let defaults = SandboxConfig::default();
        let millis = std::time::Duration::from_millis;
        let send_webhooks = self.sandbox_webhooks == Switch::On;
        let webhooks = WebhookTargets {
            yassir: webhook_target(
                "SANDBOX_YASSIR_WEBHOOK_URL",
                self.sandbox_yassir_webhook_url,
                self.sandbox_yassir_webhook_secret,
            )?,
            yabetoo: webhook_target(
                "SANDBOX_YABETOO_WEBHOOK_URL",
                self.sandbox_yabetoo_webhook_url,
                self.sandbox_yabetoo_webhook_secret,
            )?,
        };
        Ok(SandboxConfig {
            public_base_url: self
                .sandbox_public_url
                .map(|url| public_url(&url))
                .transpose()?,
            momo_settle_delay: millis(self.sandbox_settle_delay_ms),
            momo_prompt_timeout: millis(self.sandbox_prompt_timeout_ms),
            slow_delay: millis(self.sandbox_slow_delay_ms),
            intent_retention: millis(self.sandbox_intent_retention_ms),
            faults: match self.sandbox_faults {
                None => Vec::new(),
                Some(list) => FaultRule::parse_list(&list)
                    .map_err(|error| ConfigError::new("SANDBOX_FAULTS", error.to_string()))?,
            },
            webhooks: if send_webhooks {
                webhooks
            } else {
                WebhookTargets::default()
            },
            send_webhooks,
            credentials: Credentials {
                yassir_client_id: self.sandbox_yassir_client_id,
                yassir_client_secret: self.sandbox_yassir_client_secret,
                yabetoo_secret_key: self.sandbox_yabetoo_secret_key,
            },
            return_origins: self
                .sandbox_return_origins
                .map(|list| list_of(&list))
                .unwrap_or_default(),
            strict: match self.sandbox_strict {
                None => Strict::default(),
                Some(list) => Strict::parse(&list)
                    .map_err(|message| ConfigError::new("SANDBOX_STRICT", message))?,
            },
            ..defaults
        })
    }
}

/// The comma-separated items of a list, trimmed, without empty ones.
fn list_of(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// `SANDBOX_PUBLIC_URL`: an absolute http(s) URL, kept without its trailing slash.
fn public_url(url: &str) -> Result<String, ConfigError> {
    let url = url.trim().trim_end_matches('/');
    let lower = url.to_ascii_lowercase();
    let host = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    if host.is_none_or(|host| host.is_empty()) {
        return Err(ConfigError::new(
            "SANDBOX_PUBLIC_URL",
            format!(
                "`{url}` is not an absolute http:// or https:// URL such as http://127.0.0.1:8788"
            ),
        ));
    }
    Ok(url.to_string())
}

/// Where one provider's webhooks go, if anywhere.
fn webhook_target(
    variable: &str,
    url: Option<String>,
    secret: Option<String>,
) -> Result<Option<WebhookTarget>, ConfigError> {
    let Some(url) = url else { return Ok(None) };
    let url = url.trim().to_string();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(ConfigError::new(
            variable,
            format!("`{url}` is not an absolute http:// or https:// URL"),
        ));
    }
    Ok(Some(WebhookTarget { url, secret }))
}

/// A binary's settings from its arguments and its environment; `--help`, `--version` and a
/// mistake print and exit (status 0, 0 and 2), and so does a setting that cannot be used,
/// naming its variable.
pub fn read_or_exit<S: Parser>() -> S {
    let command = S::command().mut_args(|arg| {
        let empty = arg
            .get_env()
            .and_then(std::env::var_os)
            .is_some_and(|value| value.is_empty());
        if empty {
            arg.env(None::<&str>)
        } else {
            arg
        }
    });
    let read = command
        .clone()
        .try_get_matches()
        .and_then(|matches| S::from_arg_matches(&matches));
    match read {
        Ok(settings) => settings,
        Err(error) => match refused_setting(&error, &command) {
            Some(refusal) => {
                eprintln!("configuration error: {refusal}");
                std::process::exit(2);
            }
            None => error.exit(),
        },
    }
}

/// Settings read through `lookup` alone, never the process's environment: how tests, and a
/// server embedding the sandbox, give them.
pub fn from_lookup<S: FromArgMatches>(
    command: Command,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<S, ConfigError> {
    let mut arguments = vec![command.get_name().to_string()];
    let declared = command.clone();
    let command = command.mut_args(|arg| {
        let given = arg
            .get_env()
            .and_then(|name| name.to_str())
            .and_then(&lookup);
        if let (Some(value), Some(long)) = (given, arg.get_long()) {
            arguments.push(format!("--{long}={value}"));
        }
        arg.env(None::<&str>)
    });
    command
        .try_get_matches_from(arguments)
        .and_then(|matches| S::from_arg_matches(&matches))
        .map_err(|error| {
            refused_setting(&error, &declared)
                .unwrap_or_else(|| ConfigError::new("arguments", error.kind().to_string()))
        })
}

/// The variable whose value clap refused, and why; `None` when the error is not about a value.
fn refused_setting(error: &clap::Error, command: &Command) -> Option<ConfigError> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        _ => None,
    };
    if !matches!(
        error.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let flag = text(ContextKind::InvalidArg)?;
    let long = flag.trim_start_matches('-').split([' ', '=']).next()?;
    let arg = command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(long))?;
    let variable = arg.get_env()?.to_string_lossy().into_owned();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let message = match error.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(valid)) => {
            format!("`{value}` is not one of {}", valid.join(", "))
        }
        _ => match std::error::Error::source(error) {
            Some(reason) => format!("`{value}` is not valid: {reason}"),
            None => format!("`{value}` is not valid"),
        },
    };
    Some(ConfigError::new(&variable, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_setting_is_a_variable_and_a_flag_of_the_same_name() {
        for arg in ProcessSettings::command().get_arguments() {
            if matches!(arg.get_id().as_str(), "help" | "version") {
                continue;
            }
            let variable = arg.get_env().expect("a variable").to_string_lossy();
            assert_eq!(
                arg.get_long()
                    .map(|long| long.replace('-', "_").to_uppercase()),
                Some(variable.to_string())
            );
        }
    }

    #[test]
    fn a_value_that_cannot_be_used_names_its_variable() {
        let command = ProcessSettings::command();
        let Err(error) = from_lookup::<ProcessSettings>(command, |name| {
            (name == "SANDBOX_SETTLE_DELAY_MS").then(|| "soon".to_string())
        }) else {
            panic!("a delay of `soon` was taken");
        };
        assert_eq!(error.variable, "SANDBOX_SETTLE_DELAY_MS");
        assert!(error.message.contains("`soon`"), "{}", error.message);
    }

    #[test]
    fn webhooks_off_sends_none_wherever_they_would_go() {
        let lookup = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        let on = SandboxConfig::from_lookup(lookup(&[(
            "SANDBOX_YASSIR_WEBHOOK_URL",
            "http://127.0.0.1:9/hooks",
        )]))
        .unwrap();
        assert!(on.send_webhooks && on.webhooks.yassir.is_some());
        let off = SandboxConfig::from_lookup(lookup(&[
            ("SANDBOX_YASSIR_WEBHOOK_URL", "http://127.0.0.1:9/hooks"),
            ("SANDBOX_WEBHOOKS", "off"),
        ]))
        .unwrap();
        assert!(!off.send_webhooks && off.webhooks.yassir.is_none());
        let error = SandboxConfig::from_lookup(lookup(&[("SANDBOX_WEBHOOKS", "no")])).unwrap_err();
        assert_eq!(error.variable, "SANDBOX_WEBHOOKS");
    }

    #[test]
    fn an_unknown_strict_switch_names_itself() {
        let error = SandboxConfig::from_lookup(|name| {
            (name == "SANDBOX_STRICT").then(|| "customers,loose".to_string())
        })
        .unwrap_err();
        assert_eq!(error.variable, "SANDBOX_STRICT");
        assert!(error.message.contains("`loose`"), "{}", error.message);
    }
}
