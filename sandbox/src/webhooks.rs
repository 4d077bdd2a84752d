//! The notifications the simulated providers send to the merchant's webhook URL, signed as each
//! provider documents it:
//!
//! - Yassir: the current docs' body `{actionId, remoteStatus, remoteStatusCode, contextType,
//!   orderId, additionalData}` after a proceed's outcome, an OTP page's outcome, a capture, a
//!   release and a refund; with a secret configured, `x-webhook-signature` is the hex
//!   HMAC-SHA256 of the body (the older docs' scheme).
//! - Yabetoo: `{id, type, createdAt, data}` (`intent.completed` on success,
//!   `payment_intent.failed` otherwise; `data` is the intent as retrieved) whenever a charge
//!   settles, signed over `"<timestamp>.<body>"` in both header spellings (`X-Yabetoo-Webhook-*`
//!   of the docs and `Yabetoo-*` of Yabetoo's CLI).
//!
//! A delivery that fails is retried after 250 ms, 1 s and 3 s, as Yabetoo's CLI does. The fault
//! switch's operation `webhook` delays, drops, duplicates or reorders them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::faults::{Fault, Faults, Operation, Provider};

/// Where one provider's notifications go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    pub url: String,
    /// Yabetoo always signs (with this secret, or its sandbox default); Yassir signs only when
    /// one is set.
    pub secret: Option<String>,
}

/// Where each provider's notifications go; `None` sends none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookTargets {
    pub yassir: Option<WebhookTarget>,
    pub yabetoo: Option<WebhookTarget>,
}

/// The waits before each retry of a delivery that failed.
const RETRIES: [Duration; 3] = [
    Duration::from_millis(250),
    Duration::from_secs(1),
    Duration::from_secs(3),
];

/// One notification, ready to send.
#[derive(Debug, Clone)]
struct Notification {
    body: String,
    headers: Vec<(&'static str, String)>,
}

/// Sends one provider's notifications.
#[derive(Clone)]
pub(crate) struct Notifier {
    provider: Provider,
    target: Option<WebhookTarget>,
    faults: Faults,
    http: reqwest::Client,
    /// A notification that `reorder` holds back until the next one is sent.
    held: Arc<Mutex<Option<Notification>>>,
}

fn hex_hmac(secret: &str, parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

impl Notifier {
    pub(crate) fn new(provider: Provider, target: Option<WebhookTarget>, faults: Faults) -> Self {
        Self {
            provider,
            target,
            faults,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("HTTP client"),
            held: Arc::default(),
        }
    }

    /// Yassir's notification of an intent's new `statusCode`.
    pub(crate) fn yassir(&self, action_id: &str, payment_id: &str, code: u16, status: &str) {
        let Some(target) = &self.target else { return };
        let body = serde_json::json!({
            "actionId": action_id,
            "remoteStatus": status,
            "remoteStatusCode": code,
            "contextType": "ORDER",
            "orderId": payment_id,
            "additionalData": {},
        })
        .to_string();
        let mut headers = vec![("content-type", "application/json".to_string())];
        if let Some(secret) = &target.secret {
            headers.push(("x-webhook-signature", hex_hmac(secret, &[body.as_bytes()])));
        }
        self.send(Notification { body, headers });
    }

    /// Yabetoo's notification of a settled charge; `intent` is the intent as retrieved.
    pub(crate) fn yabetoo(&self, intent: Value) {
        let Some(target) = &self.target else { return };
        // The router gives Yabetoo's target its documented secret when none is configured.
        let Some(secret) = target.secret.clone() else {
            tracing::warn!("no secret to sign Yabetoo's webhooks with: none sent");
            return;
        };
        let succeeded = intent.get("status").and_then(Value::as_str) == Some("succeeded");
        let kind = if succeeded {
            "intent.completed"
        } else {
            "payment_intent.failed"
        };
        let id = format!("evt_{}", uuid::Uuid::new_v4().simple());
        let now = time::OffsetDateTime::now_utc();
        let body = serde_json::json!({
            "id": id,
            "type": kind,
            "createdAt": now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "data": intent,
        })
        .to_string();
        let timestamp = now.unix_timestamp().to_string();
        let signature = hex_hmac(&secret, &[timestamp.as_bytes(), b".", body.as_bytes()]);
        let headers = vec![
            ("content-type", "application/json".to_string()),
            (
                "x-yabetoo-webhook-signature",
                format!("t={timestamp},v1={signature}"),
            ),
            ("x-yabetoo-webhook-timestamp", timestamp.clone()),
            ("x-yabetoo-webhook-event", kind.to_string()),
            ("x-yabetoo-webhook-id", id.clone()),
            ("yabetoo-signature", format!("t={timestamp},v1={signature}")),
            ("yabetoo-event-id", id),
            ("yabetoo-event-type", kind.to_string()),
        ];
        self.send(Notification { body, headers });
    }

    /// Sends in the background, as the fault switch says.
    fn send(&self, notification: Notification) {
        let Some(target) = self.target.clone() else {
            return;
        };
        let fault = self
            .faults
            .fire(self.provider, Operation::Webhook)
            .map(|(fault, _)| fault);
        let held = self.held.lock().map(|mut held| held.take()).ok().flatten();
        let notifier = self.clone();
        tokio::spawn(async move {
            match fault {
                Some(Fault::Drop) => {}
                Some(Fault::Duplicate) => {
                    notifier.deliver(&target.url, &notification).await;
                    notifier.deliver(&target.url, &notification).await;
                }
                Some(Fault::Latency { delay_ms }) => {
                    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                    notifier.deliver(&target.url, &notification).await;
                }
                Some(Fault::Reorder { delay_ms }) => {
                    if let Ok(mut slot) = notifier.held.lock() {
                        *slot = Some(notification);
                    }
                    // Sent by the next notification, or after `delay_ms` if none comes.
                    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                    let late = notifier
                        .held
                        .lock()
                        .map(|mut held| held.take())
                        .ok()
                        .flatten();
                    if let Some(late) = late {
                        notifier.deliver(&target.url, &late).await;
                    }
                }
                _ => notifier.deliver(&target.url, &notification).await,
            }
            if let Some(earlier) = held {
                notifier.deliver(&target.url, &earlier).await;
            }
        });
    }

    async fn deliver(&self, url: &str, notification: &Notification) {
        for wait in std::iter::once(Duration::ZERO).chain(RETRIES) {
            tokio::time::sleep(wait).await;
            let mut request = self.http.post(url).body(notification.body.clone());
            for (name, value) in &notification.headers {
                request = request.header(*name, value);
            }
            match request.send().await {
                Ok(response) if response.status().is_success() => return,
                Ok(response) => tracing::debug!(status = %response.status(), "webhook refused"),
                Err(error) => tracing::debug!(%error, "webhook not delivered"),
            }
        }
    }
}
