//! Which secrets a live server refuses: every value this project publishes (the sandbox's
//! defaults, the documents' and the examples' values), and merchant-chosen secrets too short or
//! too simple to be secret. Pure: the configuration asks it; the tests and harnesses that run
//! live mode make secrets of their own at run time. Also how a secret is kept out of `Debug`
//! and how a presented one is compared.

use subtle::ConstantTimeEq;

/// The admin token of a sandbox server when `ADMIN_TOKEN` is not set.
pub const SANDBOX_ADMIN_TOKEN: &str = "admin_test_token";
/// The order-signing secret of a sandbox server when `ORDER_SIGNING_SECRET` is not set.
pub const SANDBOX_ORDER_SIGNING_SECRET: &str = "sandbox-order-signing-secret-not-for-production";
/// The secret of the merchant's webhooks on a sandbox server when `WEBHOOK_SECRET` is not set.
pub const SANDBOX_WEBHOOK_SECRET: &str = "whsec_Y2hlY2tvdXQtc2FuZGJveC13ZWJob29rLWtleQ==";

/// What `Debug` shows in place of a secret.
pub const REDACTED: &str = "<redacted>";

/// A secret from the configuration: `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Whether a presented secret is the expected one, in time that does not depend on where they
/// differ (only on their lengths).
pub fn same(presented: &str, expected: &str) -> bool {
    presented.as_bytes().ct_eq(expected.as_bytes()).into()
}

/// Values anyone can read in this repository, beside the sandbox's own: never a live secret.
const PUBLISHED: &[&str] = &[
    "a-merchant-signing-secret-of-32-chars-or-more",
    "a-long-enough-admin-token",
    "a-live-admin-token-of-some-length",
    "crash-test-admin-token-0123456789",
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "whsec_ZTJlLXJlY2VpdmVyLXNlY3JldC1mb3Itd2ViaG9vay10ZXN0cw==",
    "whsec_bWVyY2hhbnQtd2ViaG9vay1zZWNyZXQtZm9yLXRlc3Rz",
    "whsec_bmV4dC1zYW5kYm94LXdlYmhvb2stc2lnbmluZy1rZXk=",
    "whsec_d2ViaG9vay1zZWNyZXQtdGhhdC1tdXN0LW5ldmVyLWJlLWxvZ2dlZA==",
    "whsec_from_the_dashboard",
    "whsec_someone_else",
    "whsec_test_yabetoo",
    "whsec_yabetoo",
    "whsec_yabetoo-webhook-secret-never-logged",
];

/// The fewest different characters a merchant-chosen secret may have.
const MIN_DISTINCT: usize = 10;

/// Whether `value` is a secret this project publishes.
pub fn published(value: &str) -> bool {
    let value = value.trim();
    [
        SANDBOX_ADMIN_TOKEN,
        SANDBOX_ORDER_SIGNING_SECRET,
        SANDBOX_WEBHOOK_SECRET,
        checkout_sandbox::yassir::WEBHOOK_SECRET,
        checkout_sandbox::yabetoo::WEBHOOK_SECRET,
    ]
    .iter()
    .chain(PUBLISHED)
    .any(|known| *known == value)
}

/// Why `value` cannot be a live secret chosen by the merchant, which needs at least
/// `min_length` characters; `None` when it can be one.
pub fn refusal(value: &str, min_length: usize) -> Option<String> {
    if published(value) {
        return Some(
            "is a value published with this project (the sandbox's, an example's or a test's): \
             generate one of your own, e.g. `openssl rand -base64 32`"
                .into(),
        );
    }
    let length = value.chars().count();
    if length < min_length {
        return Some(format!(
            "must be at least {min_length} characters in live mode (got {length})"
        ));
    }
    let mut distinct: Vec<char> = value.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT {
        return Some(format!(
            "is too simple to be secret: it has {} different characters, at least {MIN_DISTINCT} are needed",
            distinct.len()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandboxs_and_the_examples_secrets_are_published() {
        for value in [
            SANDBOX_ADMIN_TOKEN,
            SANDBOX_ORDER_SIGNING_SECRET,
            SANDBOX_WEBHOOK_SECRET,
            checkout_sandbox::yassir::WEBHOOK_SECRET,
            checkout_sandbox::yabetoo::WEBHOOK_SECRET,
            "a-merchant-signing-secret-of-32-chars-or-more",
        ] {
            assert!(published(value), "{value}");
            assert!(refusal(value, 8).unwrap().contains("published"), "{value}");
        }
    }

    #[test]
    fn short_or_simple_secrets_say_which_rule_they_break() {
        assert!(refusal("Zq8#kP2m", 24).unwrap().contains("at least 24"));
        let simple = "abababababababababababababababab";
        assert!(refusal(simple, 24).unwrap().contains("too simple"));
        assert_eq!(refusal("pX7vQ2rT9wLm4KsB8nYc3HdF6gJa", 24), None);
    }

    /// Every secret-looking value the repository's documents, examples, harnesses and tests
    /// give these variables is refused in live mode: a new one cannot slip into production by
    /// being copied from here.
    #[test]
    fn no_value_written_in_the_repository_passes_as_a_live_secret() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files: Vec<_> = [
            "README.md",
            "ARCHITECTURE.md",
            "CHANGELOG.md",
            "openapi.yaml",
            "sandbox/README.md",
        ]
        .iter()
        .map(|file| root.join(file))
        .collect();
        for folder in [
            "docs",
            "examples",
            "e2e",
            "scripts",
            "bench",
            "server/tests",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
                continue;
            };
            files.extend(entries.flatten().map(|entry| entry.path()));
        }
        let mut seen = 0;
        let mut taken = Vec::new();
        for file in files.iter().filter(|file| file.is_file()) {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            for value in written_secrets(&text) {
                seen += 1;
                if refusal(&value, 24).is_none() {
                    taken.push(format!("{}: `{value}`", file.display()));
                }
            }
        }
        assert!(seen > 0, "the scan found no value at all");
        assert!(
            taken.is_empty(),
            "would be taken as live secrets: {taken:#?}"
        );
    }

    /// `whsec_…` literals, and the values written after `ADMIN_TOKEN` or `ORDER_SIGNING_SECRET`
    /// (`NAME=value`, `NAME: 'value'`, `("NAME", "value")`).
    fn written_secrets(text: &str) -> Vec<String> {
        let token = |rest: &str| -> String {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-_+/=.".contains(*c))
                .collect()
        };
        let mut found = Vec::new();
        for (at, _) in text.match_indices("whsec_") {
            let value = token(&text[at..]);
            if value.len() > "whsec_".len() {
                found.push(value);
            }
        }
        for name in ["ADMIN_TOKEN", "ORDER_SIGNING_SECRET"] {
            for (at, _) in text.match_indices(name) {
                let rest = text[at + name.len()..].trim_start_matches(['"', '\'']);
                let rest = rest
                    .strip_prefix('=')
                    .or_else(|| rest.strip_prefix(':'))
                    .or_else(|| rest.strip_prefix(','));
                let Some(rest) = rest else { continue };
                let rest = rest.trim_start();
                let Some(quoted) = rest.strip_prefix(['"', '\'']) else {
                    continue;
                };
                let value = token(quoted);
                if value.len() >= 8 {
                    found.push(value);
                }
            }
        }
        found
    }
}
