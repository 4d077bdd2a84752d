//! Faults on purpose: the simulators can fail on demand, per provider and per operation, so that
//! a client's money safety can be tested (what does it do when a confirm's answer is lost after
//! the provider took the money?).
//!
//! A [`FaultRule`] names a provider, one of its operations (or `*`), a [`Fault`] and a
//! [`Phase`]: `before` answers in place of the provider, which does not do the work; `after`
//! lets the provider do the work, then replaces or spoils its answer. A rule fires on the next
//! `count` matching calls (until removed when no count is given), each with probability `share`
//! (1 when not given). When several rules match a call, the first one added that fires wins;
//! a rule that used up its count stays listed, with its `fired` count, until removed.
//!
//! | fault | parameter (default) | phases (default first) | answer |
//! |---|---|---|---|
//! | `latency` | `delay_ms` (2000) | before, after | the normal answer, `delay_ms` late |
//! | `timeout` | `delay_ms` (120000) | before, after | held `delay_ms`; then 504 (before) or the real answer (after) |
//! | `reset` | | before, after | headers, then a body that fails: a transport error |
//! | `http_error` | `status`: 401, 404, 422, 500, 502 or 503 (500) | before, after | that status in the provider's error envelope for it (below) |
//! | `rate_limited` | `retry_after` seconds (1) | before | 429 with `Retry-After` |
//! | `malformed_json` | | after | 200 with an HTML body |
//! | `truncated_json` | | after | the real answer, its JSON body cut in half |
//! | `unknown_status` | | after | the real answer with an undocumented status: Yassir `statusCode` 99 without `status` text, Yabetoo `on_hold` |
//! | `earlier_status` | | after | the real answer with an earlier status: Yassir `statusCode` 0, `status` `CREATED`, no `payUrl`; Yabetoo `pending` |
//! | `wrong_amount` | | after | the real answer with its amount one unit more (Yassir `data.amount`, Yabetoo `amount`), where it has one |
//! | `uncaptured` | | after | Yabetoo confirm and retrieve only: a `succeeded` answer with `captured: false` (the money is taken all the same) |
//! | `late` | `delay_ms` (5000) | before | Yassir proceed and Yabetoo confirm only: 503 at once, as `http_error:503`; the provider does the work `delay_ms` later (below) |
//!
//! `http_error`'s refusals are written as each provider writes them: Yassir's one envelope
//! `{"code", "status": "error", "message"}` (401 `invalid client credentials`, 404 `payment
//! intent not found`, or `route not found` for create and customers, 422 `Unprocessable
//! entity`); Yabetoo's as the called endpoint documents them: confirm's 401
//! `{"error": {"message": "Unauthorized", "code": "Unauthorized"}}`, 404 `{"message": "Row not
//! found"}` and 422 `{"status": 422, "path", "timestamp", "code": "E_OPERATION_NOT_PERMITTED",
//! "message": "Operation not permitted", "detail"}`; create's and retrieve's 401
//! `{"error": "Unauthorized"}`, retrieve's 404 `{"message": "Payment intent not found"}`, and
//! confirm's for what create and retrieve do not document. `after`, the provider did the work
//! all the same: a refusal then is no verdict on the payment.
//!
//! `late` stands for a request that sat in the provider's queue while the client was told it
//! failed: the body is kept, and `delay_ms` later the provider does with it what it would have
//! done then (Yassir proceeds the intent: 12 with a `payUrl` for an OTP phone, whose OTP page
//! then works; Yabetoo confirms the intent with the held request's number, which settles as
//! usual), answering no one. A late success after the merchant gave up on the shopper's
//! answer is `POST /sandbox/intents/{intent_id}/succeed` instead ([`crate::late`]).
//!
//! The webhooks a provider sends (see [`crate::webhooks`]) are the operation `webhook`, which
//! `*` does not cover; it takes `latency` (sent `delay_ms` late) and three faults of its own:
//!
//! | fault | parameter (default) | what happens to the webhook |
//! |---|---|---|
//! | `drop` | | never sent |
//! | `duplicate` | | sent twice |
//! | `reorder` | `delay_ms` (5000) | held back until the provider's next webhook is sent, or `delay_ms` |
//!
//! The two status faults apply only to answers that carry a payment status (Yassir proceed,
//! check, capture, release, refund; Yabetoo confirm, retrieve) and leave error answers as they
//! are; so does `uncaptured`, on Yabetoo's. A `*` rule of a fault limited to some operations
//! leaves the others alone.
//!
//! Rules come from `SANDBOX_FAULTS` ([`crate::SandboxConfig::faults`]) and from the control API
//! at [`crate::FAULTS_MOUNT`]: `GET` lists the rules with their `id` and `fired` count, `POST`
//! adds one (JSON, the same fields as the table's: `provider`, `operation`, `fault`, `phase`,
//! `count`, `share`, `delay_ms`, `retry_after`, `status`), `DELETE` clears them all and
//! `DELETE /sandbox/faults/{id}` removes one. The compact form of `SANDBOX_FAULTS` is a
//! comma-separated list of
//!
//! ```text
//! provider.operation=fault[:param][@phase][*count][%share]
//! ```
//!
//! where `param` is the fault's one parameter (`delay_ms`, `status` or `retry_after`), `count`
//! a whole number of calls and `share` a probability from 0 to 1; the suffixes may come in any
//! order, each at most once. For example
//! `yabetoo.confirm=reset@after*1,yassir.proceed=http_error:503*2,yassir.check=latency:500%0.3`,
//! `yabetoo.confirm=http_error:422@after*1`, `yabetoo.retrieve=uncaptured`,
//! `yassir.proceed=late:2000*1`, or `yabetoo.webhook=drop*1`.

pub(crate) mod control;
mod inject;
mod rule;

pub use rule::{
    Fault, FaultRule, Operation, Phase, Provider, RuleError, DEFAULT_HTTP_ERROR,
    DEFAULT_LATENCY_MS, DEFAULT_LATE_MS, DEFAULT_REORDER_MS, DEFAULT_RETRY_AFTER,
    DEFAULT_TIMEOUT_MS, HTTP_ERROR_STATUSES,
};

pub(crate) use inject::layer;

use std::sync::{Arc, Mutex, MutexGuard};

use rand::Rng;
use serde::Serialize;

/// The rules in force, shared by the control API and the simulators' middleware. Cloning it is
/// cheap and every clone sees the same rules.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    registry: Arc<Mutex<Registry>>,
}

#[derive(Debug, Default)]
struct Registry {
    last_id: u64,
    rules: Vec<ActiveRule>,
}

/// A rule in force: its id (for `DELETE /sandbox/faults/{id}`) and how often it fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveRule {
    pub id: u64,
    #[serde(flatten)]
    pub rule: FaultRule,
    pub fired: u64,
}

impl ActiveRule {
    /// Whether the rule has fired on as many calls as its count allows.
    pub fn used_up(&self) -> bool {
        self.rule
            .count()
            .is_some_and(|count| self.fired >= u64::from(count))
    }
}

impl Faults {
    /// A registry holding `rules`, in this order.
    pub fn new(rules: impl IntoIterator<Item = FaultRule>) -> Self {
        let faults = Self::default();
        for rule in rules {
            faults.add(rule);
        }
        faults
    }

    /// The registry is never locked across an `.await`; a poisoned lock only means a panic
    /// between two plain updates, so the rules are still usable.
    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a rule after the others; answers it with its new id.
    pub fn add(&self, rule: FaultRule) -> ActiveRule {
        let mut registry = self.lock();
        registry.last_id += 1;
        let active = ActiveRule {
            id: registry.last_id,
            rule,
            fired: 0,
        };
        registry.rules.push(active.clone());
        active
    }

    /// Every rule, in the order they apply.
    pub fn list(&self) -> Vec<ActiveRule> {
        self.lock().rules.clone()
    }

    pub fn get(&self, id: u64) -> Option<ActiveRule> {
        self.lock().rules.iter().find(|rule| rule.id == id).cloned()
    }

    /// Removes one rule; `false` when there is none with that id.
    pub fn remove(&self, id: u64) -> bool {
        let mut registry = self.lock();
        let before = registry.rules.len();
        registry.rules.retain(|rule| rule.id != id);
        registry.rules.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    /// The fault for one call, if a rule fires on it (and counts it).
    pub(crate) fn fire(&self, provider: Provider, operation: Operation) -> Option<(Fault, Phase)> {
        let mut registry = self.lock();
        let mut rng = rand::thread_rng();
        let active = registry.rules.iter_mut().find(|active| {
            active.rule.matches(provider, operation)
                && !active.used_up()
                && (active.rule.share() >= 1.0 || rng.gen_bool(active.rule.share()))
        })?;
        active.fired += 1;
        Some((active.rule.fault(), active.rule.phase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> FaultRule {
        text.parse().unwrap()
    }

    #[test]
    fn a_count_limits_the_calls_a_rule_fires_on() {
        let faults = Faults::new([rule("yassir.check=reset*2")]);
        let fires = (0..5)
            .filter(|_| faults.fire(Provider::Yassir, Operation::Check).is_some())
            .count();
        assert_eq!(fires, 2);
        let listed = faults.list();
        assert_eq!(listed[0].fired, 2);
        assert!(listed[0].used_up());
    }

    #[test]
    fn the_first_matching_rule_that_fires_wins() {
        let faults = Faults::new([
            rule("yassir.check=reset*1"),
            rule("yassir.*=http_error:503"),
            rule("yabetoo.*=http_error:502"),
        ]);
        assert_eq!(
            faults.fire(Provider::Yassir, Operation::Check),
            Some((Fault::Reset, Phase::Before))
        );
        assert_eq!(
            faults.fire(Provider::Yassir, Operation::Check),
            Some((Fault::HttpError { status: 503 }, Phase::Before))
        );
        assert_eq!(
            faults.fire(Provider::Yabetoo, Operation::Retrieve),
            Some((Fault::HttpError { status: 502 }, Phase::Before))
        );
    }

    #[test]
    fn a_share_of_zero_never_fires_and_counts_nothing() {
        let faults = Faults::new([rule("yabetoo.retrieve=reset%0")]);
        assert!((0..50).all(|_| faults
            .fire(Provider::Yabetoo, Operation::Retrieve)
            .is_none()));
        assert_eq!(faults.list()[0].fired, 0);
    }

    #[test]
    fn ids_are_not_reused_after_removal() {
        let faults = Faults::default();
        let first = faults.add(rule("yassir.create=reset"));
        assert!(faults.remove(first.id));
        assert!(!faults.remove(first.id));
        let second = faults.add(rule("yassir.create=reset"));
        assert!(second.id > first.id);
        faults.clear();
        assert!(faults.list().is_empty());
        assert_eq!(faults.fire(Provider::Yassir, Operation::Create), None);
    }
}
