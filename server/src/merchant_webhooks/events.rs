//! Which merchant event a payment's change causes, and what it says. Pure: the store calls it
//! inside the transaction that writes the change, so an event exists exactly when its change
//! does (none lost in a crash, none invented).

use checkout_contract::PaymentStatus;
use serde_json::{json, Value};

use crate::store::{Decider, PaymentRow};

/// The events the merchant's order system is told about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray,
)]
pub enum EventType {
    #[strum(serialize = "payment.succeeded")]
    Succeeded,
    #[strum(serialize = "payment.pre_authorized")]
    PreAuthorized,
    /// Rejected, expired, canceled before it was paid, or failed: `data.failure.code` says which.
    #[strum(serialize = "payment.failed")]
    Failed,
    #[strum(serialize = "payment.captured")]
    Captured,
    #[strum(serialize = "payment.released")]
    Released,
    #[strum(serialize = "payment.refunded")]
    Refunded,
    #[strum(serialize = "payment.partially_refunded")]
    PartiallyRefunded,
    /// The payment waits for the merchant: `data.attention` says why.
    #[strum(serialize = "payment.attention_required")]
    AttentionRequired,
}

impl EventType {
    /// Every event type, in declaration order.
    pub const ALL: &'static [EventType] = <EventType as strum::VariantArray>::VARIANTS;

    /// The wire name (`payment.succeeded`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

/// The events that the write from `before` to `after` causes: the change of its outcome, if
/// any, then the merchant's attention, when it is asked for now.
pub fn caused_by(before: &PaymentRow, after: &PaymentRow) -> Vec<EventType> {
    let attention = (after.attention.is_some() && after.attention != before.attention)
        .then_some(EventType::AttentionRequired);
    outcome(before, after)
        .into_iter()
        .chain(attention)
        .collect()
}

/// The event of a change of outcome. A payment the server closed on its own clock may still
/// succeed on the provider's word: that late success is an event too.
fn outcome(before: &PaymentRow, after: &PaymentRow) -> Option<EventType> {
    use PaymentStatus::*;
    let refunded_more = after.refunded_minor > before.refunded_minor;
    if before.status == after.status && !refunded_more {
        return None;
    }
    // Open to a new outcome: not final yet, closed provisionally by the server, or resolved by
    // the merchant while it waited for them.
    let open = !before.status.is_final()
        || before.provisional()
        || (before.attention.is_some() && after.decided_by == Some(Decider::Merchant));
    match after.status {
        Succeeded if before.status == PreAuthorized => Some(EventType::Captured),
        Succeeded if open => Some(EventType::Succeeded),
        PreAuthorized if open => Some(EventType::PreAuthorized),
        Canceled if before.status == PreAuthorized => Some(EventType::Released),
        Rejected | Expired | Canceled | Failed if !before.status.is_final() => {
            Some(EventType::Failed)
        }
        Refunded if refunded_more => Some(EventType::Refunded),
        PartiallyRefunded if refunded_more => Some(EventType::PartiallyRefunded),
        _ => None,
    }
}

pub use crate::store::outbox::NewEvent;

/// The events of the write from `before` to `after`, with their payloads, their deliveries
/// first due at `due_ms` (Unix milliseconds: the moment of the write).
pub fn new_events(
    before: &PaymentRow,
    after: &PaymentRow,
    live: bool,
    due_ms: i64,
) -> Vec<NewEvent> {
    caused_by(before, after)
        .into_iter()
        .map(|kind| {
            let id = crate::ids::random_id("evt");
            let payload = payload(&id, kind, before, after, live);
            NewEvent {
                id,
                kind: kind.as_str(),
                payment_id: after.id.clone(),
                created_at: after.updated_at.clone(),
                due_ms,
                payload: payload.to_string(),
            }
        })
        .collect()
}

/// The body of an event, in the Standard Webhooks shape (`type`, `timestamp`, `data`). The data
/// is what an order system needs to fulfil or cancel an order, and nothing personal: no phone,
/// no provider secret.
fn payload(
    id: &str,
    kind: EventType,
    before: &PaymentRow,
    after: &PaymentRow,
    live: bool,
) -> Value {
    let mut data = json!({
        "id": after.id,
        "order": after.order_ref,
        "method": after.method.as_str(),
        "provider": after.provider,
        "provider_intent_id": after.provider_intent_id,
        "status": after.status.as_str(),
        "amount_minor": after.amount_minor,
        "currency": after.currency,
        "captured_minor": after.captured_minor,
        "refunded_minor": after.refunded_minor,
        "live_mode": live,
    });
    // Who made the outcome final: `server` is provisional (the provider had not decided, and
    // a late answer of its still counts).
    if let Some(decider) = after.decided_by.filter(|_| after.status.is_final()) {
        data["decided_by"] = json!(decider.as_str());
    }
    if let Some(attention) = after.attention {
        data["attention"] = json!({"code": attention.as_str(), "message": attention.message()});
    }
    let moved = match kind {
        EventType::Captured => Some(after.captured_minor - before.captured_minor),
        EventType::Refunded | EventType::PartiallyRefunded => {
            Some(after.refunded_minor - before.refunded_minor)
        }
        _ => None,
    };
    if let Some(moved) = moved {
        data["amount_moved_minor"] = json!(moved);
    }
    if kind == EventType::Failed {
        data["failure"] = json!({
            "code": after.failure_code.clone().unwrap_or_else(|| after.status.as_str().into()),
            "message": after.failure_message,
        });
    }
    json!({
        "id": id,
        "type": kind.as_str(),
        "timestamp": after.updated_at,
        "data": data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentStatus::*;

    fn row(status: PaymentStatus) -> PaymentRow {
        PaymentRow::sample(status)
    }

    fn event(before: PaymentStatus, after: PaymentStatus) -> Option<EventType> {
        single(&row(before), &row(after))
    }

    fn single(before: &PaymentRow, after: &PaymentRow) -> Option<EventType> {
        let events = caused_by(before, after);
        assert!(events.len() <= 1, "{events:?}");
        events.first().copied()
    }

    #[test]
    fn each_outcome_of_the_shopper_causes_its_event() {
        assert_eq!(event(RequiresAction, Succeeded), Some(EventType::Succeeded));
        assert_eq!(
            event(AwaitingApproval, Succeeded),
            Some(EventType::Succeeded)
        );
        assert_eq!(
            event(Processing, PreAuthorized),
            Some(EventType::PreAuthorized)
        );
        for failed in [Rejected, Expired, Canceled, Failed] {
            assert_eq!(event(Processing, failed), Some(EventType::Failed));
            assert_eq!(event(Created, failed), Some(EventType::Failed));
        }
    }

    #[test]
    fn the_merchants_operations_cause_theirs() {
        let reserved = row(PreAuthorized);
        let mut captured = row(Succeeded);
        captured.captured_minor = 6_000;
        assert_eq!(single(&reserved, &captured), Some(EventType::Captured));
        assert_eq!(event(PreAuthorized, Canceled), Some(EventType::Released));

        let mut partly = row(PartiallyRefunded);
        partly.refunded_minor = 1_000;
        assert_eq!(
            single(&row(Succeeded), &partly),
            Some(EventType::PartiallyRefunded)
        );
        // A second partial refund is a second event, though the status stays the same.
        let mut more = partly.clone();
        more.refunded_minor = 3_000;
        assert_eq!(single(&partly, &more), Some(EventType::PartiallyRefunded));
        let mut all = row(Refunded);
        all.refunded_minor = 10_000;
        assert_eq!(single(&more, &all), Some(EventType::Refunded));
    }

    #[test]
    fn a_late_success_after_the_servers_close_is_an_event() {
        use crate::store::Attention;
        let mut closed = row(Failed);
        closed.decided_by = Some(Decider::Server);
        let mut late = row(Succeeded);
        late.decided_by = Some(Decider::Provider);
        assert_eq!(single(&closed, &late), Some(EventType::Succeeded));
        // Closed by the provider, it stays closed.
        closed.decided_by = Some(Decider::Provider);
        assert_eq!(single(&closed, &late), None);

        // Succeeded on an order already paid: the success, then the merchant's attention.
        let mut twice = late.clone();
        twice.attention = Some(Attention::PaidTwice);
        assert_eq!(
            caused_by(&row(Processing), &twice),
            vec![EventType::Succeeded, EventType::AttentionRequired]
        );
        // A payment held for another amount, found paid by the merchant: it succeeded.
        let mut held = row(Failed);
        held.decided_by = Some(Decider::Provider);
        held.attention = Some(Attention::AmountMismatch);
        let mut resolved = row(Succeeded);
        resolved.decided_by = Some(Decider::Merchant);
        assert_eq!(single(&held, &resolved), Some(EventType::Succeeded));

        // Asked once: a later write of the same attention asks nothing more.
        assert_eq!(caused_by(&twice, &twice.clone()), vec![]);
    }

    #[test]
    fn writes_that_change_no_outcome_cause_none() {
        assert_eq!(event(Created, Processing), None);
        assert_eq!(event(Processing, RequiresAction), None);
        assert_eq!(event(RequiresAction, RequiresAction), None);
        assert_eq!(event(Succeeded, Succeeded), None);
        // A settled payment does not fail or succeed a second time.
        assert_eq!(event(Succeeded, Failed), None);
        assert_eq!(event(Rejected, Succeeded), None);
    }

    #[test]
    fn the_payload_says_what_fulfilment_needs_and_nothing_personal() {
        let mut failed = row(Rejected);
        failed.failure_code = Some("insufficient_funds".into());
        failed.failure_message = Some("The wallet balance is too low.".into());
        failed.decided_by = Some(crate::store::Decider::Server);
        let event = new_events(&row(RequiresAction), &failed, false, 0).remove(0);
        assert!(event.id.starts_with("evt_"));
        let body: Value = serde_json::from_str(&event.payload).unwrap();
        assert_eq!(body["type"], "payment.failed");
        assert_eq!(body["id"], event.id.as_str());
        assert_eq!(body["data"]["order"], failed.order_ref.as_str());
        assert_eq!(body["data"]["failure"]["code"], "insufficient_funds");
        assert_eq!(body["data"]["live_mode"], false);
        assert_eq!(body["data"]["decided_by"], "server");
        assert!(!event.payload.contains(failed.phone.as_deref().unwrap()));
        let secret = failed.provider_client_secret.as_deref().unwrap();
        assert!(!event.payload.contains(&format!("\"{secret}\"")));
    }

    #[test]
    fn event_names_round_trip() {
        for &kind in EventType::ALL {
            assert_eq!(EventType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EventType::parse("payment.created"), None);
    }
}
