//! The sandbox's test numbers: Yabetoo's documented ones (each settles by itself with its
//! documented outcome) and a few of our own for the cases the documented ones cannot show.
//! Any other number waits on the phone page for a person to answer. A failure's reason is
//! free text, as the confirm document shows it (see [`Failure`]).

use std::time::Duration;

use crate::SandboxConfig;

/// Why a charge did not succeed, as Yabetoo reports it: free text, the same in `failureCode`
/// and `failureMessage`, as in the confirm document's one failure ("Transaction timed out" in
/// both). The test-number page names the outcomes (`APPROVAL_REJECTED`, `TIMEOUT`, …), but no
/// document shows such a name in an answer, so the sandbox does not put one there: a client
/// must not read a failure's meaning from its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failure {
    pub text: &'static str,
}

/// The shopper declined the prompt (or the operator refused it): `APPROVAL_REJECTED`.
pub(crate) const APPROVAL_REJECTED: Failure = Failure {
    text: "Transaction rejected by the customer",
};
/// Nobody answered the prompt in time: `TIMEOUT`, in the confirm document's words.
pub(crate) const TIMEOUT: Failure = Failure {
    text: "Transaction timed out",
};
const INTERNAL_PROCESSING_ERROR: Failure = Failure {
    text: "Internal processing error",
};
const PAYER_NOT_FOUND: Failure = Failure {
    text: "Payer not found",
};
const PAYEE_NOT_ALLOWED_TO_RECEIVE: Failure = Failure {
    text: "Payee not allowed to receive",
};
const NOT_ALLOWED: Failure = Failure {
    text: "Transaction not allowed",
};
const EXPIRED: Failure = Failure {
    text: "Transaction expired",
};
/// `LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED`.
const LOW_BALANCE: Failure = Failure {
    text: "Insufficient funds",
};

/// How a charge ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Succeeded,
    /// `status: "failed"`.
    Failed(Failure),
    /// `status: "expired"`.
    Expired(Failure),
}

/// What confirming with a given number does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    /// Settles by itself after `delays` times `momo_settle_delay`; confirm waits for it.
    Settles { delays: u32, outcome: Outcome },
    /// Confirm answers `pending` at once; the intent settles after `momo_settle_delay`.
    SettlesLater(Outcome),
    /// Confirm answers HTTP 500 and nothing changes.
    ServerError,
    /// Confirm waits `slow_delay`, then succeeds.
    Slow,
    /// The prompt waits on the phone page for a person to approve or decline it.
    OnPhone,
}

impl Behaviour {
    /// How long an automatic settlement takes, if this behaviour settles by itself.
    pub fn settle_after(self, config: &SandboxConfig) -> Option<Duration> {
        match self {
            Behaviour::Settles { delays, .. } => Some(config.momo_settle_delay * delays),
            Behaviour::SettlesLater(_) => Some(config.momo_settle_delay),
            Behaviour::Slow => Some(config.slow_delay),
            Behaviour::ServerError | Behaviour::OnPhone => None,
        }
    }
}

/// One test number, as listed on the phone page and in `sandbox/README.md`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TestNumber {
    pub msisdn: &'static str,
    pub operator: &'static str,
    pub behaviour: Behaviour,
    /// What happens, in words.
    pub summary: &'static str,
    /// True for Yabetoo's documented numbers, false for the sandbox's own.
    pub documented: bool,
}

const fn settles(outcome: Outcome) -> Behaviour {
    Behaviour::Settles { delays: 1, outcome }
}

/// Every test number. Digits only; a leading `+` on the request is ignored when matching.
pub(crate) const TEST_NUMBERS: &[TestNumber] = &[
    TestNumber {
        msisdn: "242066000001",
        operator: "Airtel",
        behaviour: settles(Outcome::Succeeded),
        summary: "succeeded",
        documented: true,
    },
    TestNumber {
        msisdn: "46733123454",
        operator: "MTN",
        behaviour: Behaviour::Settles {
            delays: 2,
            outcome: Outcome::Succeeded,
        },
        summary: "succeeded, slowly (PAYER_DELAYED: twice the settle delay)",
        documented: true,
    },
    TestNumber {
        msisdn: "242050017890",
        operator: "Airtel",
        behaviour: settles(Outcome::Failed(INTERNAL_PROCESSING_ERROR)),
        summary: "failed, INTERNAL_PROCESSING_ERROR (\"Internal processing error\")",
        documented: true,
    },
    TestNumber {
        msisdn: "46733123450",
        operator: "MTN",
        behaviour: settles(Outcome::Failed(INTERNAL_PROCESSING_ERROR)),
        summary: "failed, INTERNAL_PROCESSING_ERROR (\"Internal processing error\")",
        documented: true,
    },
    TestNumber {
        msisdn: "46733123451",
        operator: "MTN",
        behaviour: settles(Outcome::Failed(APPROVAL_REJECTED)),
        summary: "failed, APPROVAL_REJECTED (\"Transaction rejected by the customer\")",
        documented: true,
    },
    TestNumber {
        msisdn: "46733123455",
        operator: "MTN",
        behaviour: settles(Outcome::Failed(PAYER_NOT_FOUND)),
        summary: "failed, PAYER_NOT_FOUND (\"Payer not found\")",
        documented: true,
    },
    TestNumber {
        msisdn: "46733123456",
        operator: "MTN",
        behaviour: settles(Outcome::Failed(PAYEE_NOT_ALLOWED_TO_RECEIVE)),
        summary: "failed, PAYEE_NOT_ALLOWED_TO_RECEIVE (\"Payee not allowed to receive\")",
        documented: true,
    },
    TestNumber {
        msisdn: "46733123457",
        operator: "MTN",
        behaviour: settles(Outcome::Failed(NOT_ALLOWED)),
        summary: "failed, NOT_ALLOWED (\"Transaction not allowed\")",
        documented: true,
    },
    TestNumber {
        msisdn: "46733123452",
        operator: "MTN",
        behaviour: settles(Outcome::Failed(EXPIRED)),
        summary: "failed, EXPIRED (\"Transaction expired\")",
        documented: true,
    },
    TestNumber {
        msisdn: "46733123453",
        operator: "MTN",
        behaviour: settles(Outcome::Expired(TIMEOUT)),
        summary: "expired, TIMEOUT (\"Transaction timed out\")",
        documented: true,
    },
    TestNumber {
        msisdn: "242069000001",
        operator: "any",
        behaviour: Behaviour::SettlesLater(Outcome::Succeeded),
        summary: "confirm answers pending at once; the intent succeeds after the settle delay",
        documented: false,
    },
    TestNumber {
        msisdn: "242069000002",
        operator: "any",
        behaviour: settles(Outcome::Failed(LOW_BALANCE)),
        summary:
            "failed, LOW_BALANCE_OR_PAYEE_LIMIT_REACHED_OR_NOT_ALLOWED (\"Insufficient funds\")",
        documented: false,
    },
    TestNumber {
        msisdn: "242069000500",
        operator: "any",
        behaviour: Behaviour::ServerError,
        summary: "confirm answers HTTP 500 E_INTERNAL",
        documented: false,
    },
    TestNumber {
        msisdn: "242069000504",
        operator: "any",
        behaviour: Behaviour::Slow,
        summary: "slow provider: confirm waits the slow delay, then succeeds",
        documented: false,
    },
];

/// The digits of an MSISDN, without the optional leading `+`.
pub(crate) fn digits(msisdn: &str) -> &str {
    msisdn.strip_prefix('+').unwrap_or(msisdn)
}

/// True for the sandbox's test numbers, with or without `+`: Yabetoo's documented ones (of
/// which `46733123450` to `46733123457` are MTN's own sandbox range, numbers of no country the
/// checkout serves) and the sandbox's own. A merchant backend in test mode takes them although
/// no numbering plan does; this list is their one owner.
pub fn is_test_msisdn(msisdn: &str) -> bool {
    let digits = digits(msisdn.trim());
    TEST_NUMBERS.iter().any(|number| number.msisdn == digits)
}

/// Every test number, digits only, in the order of the README's tables: what a merchant backend
/// in test mode tells its checkout it takes (the widget knows none of them itself).
pub fn test_msisdns() -> impl Iterator<Item = &'static str> {
    TEST_NUMBERS.iter().map(|number| number.msisdn)
}

/// What confirming with `msisdn` does. The operator is deliberately not checked against the
/// number: the sandbox enforces no prefixes.
pub(crate) fn behaviour_for(msisdn: &str) -> Behaviour {
    let digits = digits(msisdn);
    TEST_NUMBERS
        .iter()
        .find(|number| number.msisdn == digits)
        .map_or(Behaviour::OnPhone, |number| number.behaviour)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_numbers_match_with_or_without_plus() {
        assert_eq!(behaviour_for("+46733123451"), behaviour_for("46733123451"));
        assert_eq!(
            behaviour_for("46733123451"),
            settles(Outcome::Failed(APPROVAL_REJECTED))
        );
    }

    #[test]
    fn other_numbers_wait_on_the_phone() {
        assert_eq!(behaviour_for("+242066594470"), Behaviour::OnPhone);
        assert_eq!(behaviour_for("237670000001"), Behaviour::OnPhone);
    }

    #[test]
    fn payer_delayed_takes_twice_the_settle_delay() {
        let config = SandboxConfig {
            momo_settle_delay: Duration::from_millis(10),
            ..SandboxConfig::default()
        };
        assert_eq!(
            behaviour_for("46733123454").settle_after(&config),
            Some(Duration::from_millis(20))
        );
    }

    #[test]
    fn test_numbers_are_known_with_or_without_plus() {
        for last in 0..=7 {
            assert!(is_test_msisdn(&format!("4673312345{last}")), "{last}");
        }
        assert!(is_test_msisdn("+242066000001"));
        assert!(is_test_msisdn(" 242069000504 "));
        assert!(!is_test_msisdn("46733123458"));
        assert!(!is_test_msisdn("4673312345"));
        assert!(!is_test_msisdn("242066594470"));
    }

    #[test]
    fn the_listed_test_numbers_are_the_known_ones() {
        let listed: Vec<&str> = test_msisdns().collect();
        assert_eq!(listed.len(), TEST_NUMBERS.len());
        assert!(listed.contains(&"46733123451"));
        assert!(listed.iter().all(|number| is_test_msisdn(number)));
    }

    #[test]
    fn test_numbers_are_unique() {
        for (index, number) in TEST_NUMBERS.iter().enumerate() {
            assert!(TEST_NUMBERS[index + 1..]
                .iter()
                .all(|other| other.msisdn != number.msisdn));
        }
    }
}
