//! The faults a rule can inject, with their parameters, defaults and phases.

use super::{Operation, Phase, Provider};

/// The default delay of `latency`.
pub const DEFAULT_LATENCY_MS: u64 = 2_000;
/// The default hold of `timeout`: longer than any client should wait.
pub const DEFAULT_TIMEOUT_MS: u64 = 120_000;
/// The default `Retry-After` of `rate_limited`, in seconds.
pub const DEFAULT_RETRY_AFTER: u64 = 1;
/// The default status of `http_error`.
pub const DEFAULT_HTTP_ERROR: u16 = 500;
/// The statuses `http_error` can answer: the server errors, and the refusals a client must
/// not take for a verdict on the payment when the provider may have done the work.
pub const HTTP_ERROR_STATUSES: [u16; 6] = [401, 404, 422, 500, 502, 503];
/// How long `late` holds a request before the provider does its work.
pub const DEFAULT_LATE_MS: u64 = 5_000;

/// What goes wrong, with its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// The answer comes `delay_ms` late.
    Latency { delay_ms: u64 },
    /// The answer is held `delay_ms`, so the client gives up first.
    Timeout { delay_ms: u64 },
    /// The connection drops: headers, then a body that fails at once.
    Reset,
    /// HTTP 401, 404, 422, 500, 502 or 503 in the provider's error envelope.
    HttpError { status: u16 },
    /// HTTP 429 with `Retry-After: retry_after` (seconds).
    RateLimited { retry_after: u64 },
    /// HTTP 200 with a body that is not JSON.
    MalformedJson,
    /// The real answer with its JSON body cut in half.
    TruncatedJson,
    /// The real answer with a status the provider never documented.
    UnknownStatus,
    /// The real answer with an earlier status than the real one.
    EarlierStatus,
    /// The real answer with an amount one unit more than the payment's.
    WrongAmount,
    /// A Yabetoo `succeeded` answer with `captured: false`.
    Uncaptured,
    /// Answered 503 at once; the provider does the work `delay_ms` later, as if the request
    /// had sat in its queue.
    Late { delay_ms: u64 },
    /// A webhook is never sent.
    Drop,
    /// A webhook is sent twice.
    Duplicate,
    /// A webhook is held back until the provider's next one has been sent (or `delay_ms`).
    Reorder { delay_ms: u64 },
}

/// The longest `reorder` holds a webhook back when no other one comes.
pub const DEFAULT_REORDER_MS: u64 = 5_000;

/// Every fault's name, in the order the docs list them.
pub(super) const FAULT_NAMES: [&str; 15] = [
    "latency",
    "timeout",
    "reset",
    "http_error",
    "rate_limited",
    "malformed_json",
    "truncated_json",
    "unknown_status",
    "earlier_status",
    "wrong_amount",
    "uncaptured",
    "late",
    "drop",
    "duplicate",
    "reorder",
];

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::Latency { .. } => "latency",
            Fault::Timeout { .. } => "timeout",
            Fault::Reset => "reset",
            Fault::HttpError { .. } => "http_error",
            Fault::RateLimited { .. } => "rate_limited",
            Fault::MalformedJson => "malformed_json",
            Fault::TruncatedJson => "truncated_json",
            Fault::UnknownStatus => "unknown_status",
            Fault::EarlierStatus => "earlier_status",
            Fault::WrongAmount => "wrong_amount",
            Fault::Uncaptured => "uncaptured",
            Fault::Late { .. } => "late",
            Fault::Drop => "drop",
            Fault::Duplicate => "duplicate",
            Fault::Reorder { .. } => "reorder",
        }
    }

    /// The phases this fault can have; the first is its default.
    pub fn phases(self) -> &'static [Phase] {
        match self {
            Fault::Latency { .. }
            | Fault::Timeout { .. }
            | Fault::Reset
            | Fault::HttpError { .. } => &[Phase::Before, Phase::After],
            Fault::RateLimited { .. }
            | Fault::Late { .. }
            | Fault::Drop
            | Fault::Duplicate
            | Fault::Reorder { .. } => &[Phase::Before],
            Fault::MalformedJson
            | Fault::TruncatedJson
            | Fault::UnknownStatus
            | Fault::EarlierStatus
            | Fault::WrongAmount
            | Fault::Uncaptured => &[Phase::After],
        }
    }

    /// The only operations of `provider` this fault can strike, when it cannot strike them all
    /// (a `*` rule leaves the others alone): the status faults need an answer with a payment
    /// status, `uncaptured` Yabetoo's (the one that says `captured`), and `late` a request
    /// that starts a payment.
    pub fn only_on(self, provider: Provider) -> Option<&'static [Operation]> {
        match (self, provider) {
            (Fault::UnknownStatus | Fault::EarlierStatus, _) => Some(provider.status_operations()),
            (Fault::Uncaptured, Provider::Yabetoo) => Some(provider.status_operations()),
            (Fault::Uncaptured, Provider::Yassir) => Some(&[]),
            (Fault::Late { .. }, Provider::Yassir) => Some(&[Operation::Proceed]),
            (Fault::Late { .. }, Provider::Yabetoo) => Some(&[Operation::Confirm]),
            _ => None,
        }
    }

    /// Whether the fault is about the webhooks the provider sends (operation `webhook`), which
    /// only `latency` shares with the API's faults.
    pub fn is_webhook_fault(self) -> bool {
        matches!(self, Fault::Drop | Fault::Duplicate | Fault::Reorder { .. })
    }

    /// The fault's parameter, as the compact form writes it after `:`.
    pub(super) fn parameter(self) -> Option<u64> {
        match self {
            Fault::Latency { delay_ms }
            | Fault::Timeout { delay_ms }
            | Fault::Reorder { delay_ms }
            | Fault::Late { delay_ms } => Some(delay_ms),
            Fault::HttpError { status } => Some(u64::from(status)),
            Fault::RateLimited { retry_after } => Some(retry_after),
            _ => None,
        }
    }
}
