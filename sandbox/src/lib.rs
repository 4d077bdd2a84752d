//! Faithful, stateful simulators of the two providers' HTTP APIs, mounted by the reference server
//! at `/sandbox/yassir` and `/sandbox/yabetoo`, or served on their own by this crate's binary
//! (`cargo run -p checkout-sandbox`). They follow the providers' documented paths, headers,
//! bodies, status codes and error shapes, so the server's real adapters talk to them over real
//! HTTP exactly as they would talk to the providers. At `/sandbox/faults` they can be told to
//! fail on purpose (see [`faults`]); `/sandbox/intents` lists what they hold (see [`inspect`]),
//! and `POST /sandbox/intents/{intent_id}/succeed` makes one succeed late (see [`late`]).

mod config;
mod csrf;
pub mod faults;
mod guard;
mod held;
pub mod inspect;
pub mod late;
mod page;
pub mod settings;
pub mod webhooks;
pub mod yabetoo;
pub mod yassir;

pub use config::{ConfigError, Credentials, Language, SandboxConfig, Strict};
pub use faults::{FaultRule, Faults};
pub use settings::SandboxSettings;
pub use webhooks::{WebhookTarget, WebhookTargets};

use axum::Router;

/// Where the simulators are mounted on the server.
pub const YASSIR_MOUNT: &str = "/sandbox/yassir";
pub const YABETOO_MOUNT: &str = "/sandbox/yabetoo";
/// Where the control API of the fault switch is.
pub const FAULTS_MOUNT: &str = "/sandbox/faults";
/// Where the read-only list of every intent the simulators hold is ([`inspect`]).
pub const INTENTS_MOUNT: &str = "/sandbox/intents";

/// Both simulators, nested at their mount points, and the fault switch, starting with the
/// configured faults.
pub fn router(config: SandboxConfig) -> Router {
    let faults = Faults::new(config.faults.iter().copied());
    router_with_faults(config, faults)
}

/// [`router`] with a fault registry the caller keeps, to change the rules without HTTP.
/// `config.faults` is not read: the rules are those of `faults`.
pub fn router_with_faults(config: SandboxConfig, faults: Faults) -> Router {
    use faults::Provider;
    let yassir_notifier = webhooks::Notifier::new(
        Provider::Yassir,
        config.webhooks.yassir.clone(),
        faults.clone(),
    );
    // Yabetoo signs every notification: with its documented secret unless one is given.
    let yabetoo_target = config.webhooks.yabetoo.clone().map(|target| WebhookTarget {
        secret: target
            .secret
            .or_else(|| Some(yabetoo::WEBHOOK_SECRET.to_string())),
        ..target
    });
    let yabetoo_notifier =
        webhooks::Notifier::new(Provider::Yabetoo, yabetoo_target, faults.clone());
    let (yassir, yassir_ledger) = yassir::router_and_ledger(config.clone(), yassir_notifier);
    let (yabetoo, yabetoo_ledger) = yabetoo::router_and_ledger(config, yabetoo_notifier);
    let ledgers = inspect::Ledgers {
        yassir: yassir_ledger,
        yabetoo: yabetoo_ledger,
    };
    Router::new()
        .nest(
            YASSIR_MOUNT,
            faults::layer(
                yassir,
                Provider::Yassir,
                faults.clone(),
                yassir::error_words,
            ),
        )
        .nest(
            YABETOO_MOUNT,
            faults::layer(yabetoo, Provider::Yabetoo, faults.clone(), yabetoo::refusal),
        )
        .merge(faults::control::routes(faults))
        .merge(late::routes(ledgers.clone()))
        .merge(inspect::routes(ledgers))
}
