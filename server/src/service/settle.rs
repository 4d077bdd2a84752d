//! Recording provider answers, and checking in-flight payments at the provider until it gives a
//! definite answer. A payment becomes final only on the provider's word; a check that fails, an
//! unknown status or an earlier state than the one recorded changes nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use checkout_contract::{Payment, PaymentStatus, StatusChange};

use super::ServiceError;
use super::{now_rfc3339, passed, PaymentService, WRITE_ATTEMPTS};
// An outcome unknown because the provider's answers disagreed: the request did arrive, so "it
// never arrived" is never read from a later check.
use crate::providers::{ProviderStatus, ANSWERS_DISAGREE};
use crate::store::{Attention, Decider, OperationState, PaymentRow, StoreError, IN_FLIGHT};

/// How long past a provider's `expiresAt` an intent still undecided there is taken as expired.
const EXPIRY_GRACE: Duration = Duration::from_secs(30);

/// How far along a payment is; a provider answer never moves a payment backwards.
fn progress(status: PaymentStatus) -> u8 {
    match status {
        PaymentStatus::Created => 0,
        PaymentStatus::Processing => 1,
        PaymentStatus::RequiresAction | PaymentStatus::AwaitingApproval => 2,
        _ => 3,
    }
}

/// Whether an answer says the provider takes (or holds) the shopper's money now; a refund says
/// it took it earlier, which a late answer cannot tell.
fn takes_money(status: PaymentStatus) -> bool {
    matches!(
        status,
        PaymentStatus::Succeeded | PaymentStatus::PreAuthorized
    )
}

pub(super) fn in_flight(row: &PaymentRow) -> bool {
    IN_FLIGHT.contains(&row.status)
}

/// The payment once `answer`, given by `decider`, is recorded on it, or `None` when the answer
/// says nothing new (earlier than what is recorded, or about a payment already decided).
pub(super) fn settled(
    row: &PaymentRow,
    answer: &ProviderStatus,
    decider: Decider,
) -> Option<(PaymentRow, String)> {
    if row.status.is_final() {
        return reopened(row, answer, decider);
    }
    if progress(answer.status) < progress(row.status) {
        return None;
    }
    // "Not started yet" says nothing definite about a payment sent to the provider.
    if answer.status == PaymentStatus::Created && row.status != PaymentStatus::Created {
        return None;
    }
    let mut updated = row.clone();
    updated.status = answer.status;
    updated.outcome_unknown = None;
    if answer.pay_url.is_some() {
        updated.pay_url.clone_from(&answer.pay_url);
    }
    take_details(&mut updated, answer);
    if updated.status.is_final() {
        updated.decided_by = Some(decider);
        // The provider's word ends a wait for it; what else needs the merchant stays.
        if decider == Decider::Provider && updated.attention == Some(Attention::NoDefiniteAnswer) {
            updated.attention = None;
        }
    }
    if answer.is_mismatch() {
        updated.attention = Some(Attention::AmountMismatch);
    }
    if updated == *row {
        return None;
    }
    let detail = match decider {
        Decider::Server => answer.raw.clone(),
        _ if updated.status == row.status => format!("the provider answered {}", answer.raw),
        _ => answer.raw.clone(),
    };
    Some((updated, detail))
}

/// A final payment changes only on the provider's word, in two cases: the server closed it on
/// its own clock (a success or another amount overrides the close, another final status
/// confirms it), or the merchant recorded an outcome the provider's answer contradicts (put
/// before the merchant again).
fn reopened(
    row: &PaymentRow,
    answer: &ProviderStatus,
    decider: Decider,
) -> Option<(PaymentRow, String)> {
    let disagrees = |updated: &mut PaymentRow, what: &str| {
        tracing::error!(
            alert = "provider_disagrees",
            payment = %row.id,
            answer = %answer.raw,
            "ALERT: the provider's answer disagrees with the payment's record; the payment waits for the merchant"
        );
        updated.attention = Some(Attention::ProviderDisagrees);
        format!("the provider answered {} although {what}", answer.raw)
    };
    // The merchant recorded what the dashboard showed: a definite answer of the provider that
    // says otherwise about the money is put before the merchant again, never dropped.
    if row.decided_by == Some(Decider::Merchant) && decider == Decider::Provider {
        let disagreement = (takes_money(answer.status) && !row.status.is_paid())
            || (answer.status.is_final() && !answer.status.is_paid() && row.status.is_paid());
        if !disagreement || row.attention.is_some() {
            return None;
        }
        let mut updated = row.clone();
        let detail = disagrees(&mut updated, "the merchant recorded otherwise");
        return Some((updated, detail));
    }
    if !row.provisional() || decider != Decider::Provider {
        return None;
    }
    let mut updated = row.clone();
    updated.decided_by = Some(Decider::Provider);
    // The provider's word ends a wait for it.
    if updated.attention == Some(Attention::NoDefiniteAnswer) && answer.status.is_final() {
        updated.attention = None;
    }
    let detail = if answer.is_mismatch() {
        updated.status = PaymentStatus::Failed;
        take_details(&mut updated, answer);
        updated.attention = Some(Attention::AmountMismatch);
        format!("the provider answered late: {}", answer.raw)
    } else if takes_money(answer.status) {
        updated.status = answer.status;
        take_details(&mut updated, answer);
        format!(
            "the provider answered late {}: it overrides the server's close",
            answer.raw
        )
    } else if answer.status.is_paid() {
        // Refunded before it was ever seen paid: nothing here can say what happened.
        disagrees(&mut updated, "the server had closed it")
    } else if answer.status.is_final() {
        format!(
            "the provider confirms the server's close: it answered {}",
            answer.raw
        )
    } else {
        return None;
    };
    Some((updated, detail))
}

/// What an answer adds to a payment besides its status: the shopper's message, the support
/// contact, the failure (cleared by a success).
fn take_details(updated: &mut PaymentRow, answer: &ProviderStatus) {
    if answer.end_user_message.is_some() {
        updated
            .end_user_message
            .clone_from(&answer.end_user_message);
    }
    if let Some(support) = &answer.support {
        updated.support_email.clone_from(&support.email);
        updated.support_phone.clone_from(&support.phone_number);
    }
    if let Some((code, message)) = &answer.failure {
        updated.failure_code = Some(code.clone());
        updated.failure_message = Some(message.clone());
    } else if answer.status.is_paid() {
        updated.failure_code = None;
        updated.failure_message = None;
    }
    if answer.status == PaymentStatus::Succeeded && updated.captured_minor == 0 {
        updated.captured_minor = updated.amount_minor;
    }
}

/// When each in-flight payment was last checked, and how many checks in a row found nothing
/// new: polls are throttled to one check per interval, reconcile backs off exponentially.
#[derive(Default)]
pub(super) struct CheckSchedule {
    checks: Mutex<HashMap<String, LastCheck>>,
}

#[derive(Clone, Copy)]
struct LastCheck {
    at: Instant,
    unchanged: u32,
}

impl CheckSchedule {
    /// Claims a check of `id` if the last one is at least `wait(unchanged checks)` old, and
    /// answers that wait. A payment never checked is claimed at once when `at_once`, else its
    /// wait starts now.
    fn claim(&self, id: &str, at_once: bool, wait: impl Fn(u32) -> Duration) -> Option<Duration> {
        let mut checks = self.checks.lock().expect("lock");
        let now = Instant::now();
        let unchanged = match checks.get(id) {
            Some(last) if now.duration_since(last.at) < wait(last.unchanged) => return None,
            Some(last) => last.unchanged,
            None if !at_once => {
                checks.insert(
                    id.to_string(),
                    LastCheck {
                        at: now,
                        unchanged: 0,
                    },
                );
                return None;
            }
            None => 0,
        };
        checks.insert(id.to_string(), LastCheck { at: now, unchanged });
        Some(wait(unchanged))
    }

    /// A poll's check: at most one per `interval`.
    pub(super) fn claim_for_poll(&self, id: &str, interval: Duration) -> bool {
        self.claim(id, true, |_| interval).is_some()
    }

    /// Reconcile's check: `base` after it first sees the payment (a widget polls a payment
    /// just submitted, and a webhook may announce it), then doubled for each check in a row
    /// that found nothing new, up to `max`. Answers the wait until the next one when due.
    pub(super) fn claim_for_reconcile(
        &self,
        id: &str,
        base: Duration,
        max: Duration,
    ) -> Option<Duration> {
        self.claim(id, false, |unchanged| {
            base.max(Duration::from_millis(500))
                .saturating_mul(1 << unchanged.min(16))
                .min(max)
        })
    }

    /// What the check found.
    pub(super) fn checked(&self, id: &str, changed: bool, finished: bool) {
        let mut checks = self.checks.lock().expect("lock");
        if finished {
            checks.remove(id);
        } else if let Some(last) = checks.get_mut(id) {
            last.unchanged = if changed { 0 } else { last.unchanged + 1 };
        }
    }
}

impl PaymentService {
    /// Records an answer on the payment, retrying when another request wrote it meanwhile; the
    /// stored payment when the answer says nothing new. A payment that becomes paid while
    /// another payment of its order is paid asks for the merchant's attention in the same
    /// write, and is refunded (or released) where its provider can.
    pub(super) async fn record_answer(
        &self,
        mut row: PaymentRow,
        answer: &ProviderStatus,
        decider: Decider,
    ) -> Result<PaymentRow, ServiceError> {
        for _ in 0..WRITE_ATTEMPTS {
            let Some((mut updated, detail)) = settled(&row, answer, decider) else {
                return Ok(row);
            };
            updated.updated_at = now_rfc3339();
            let change = StatusChange {
                status: updated.status,
                at: updated.updated_at.clone(),
                detail,
            };
            let newly_paid = updated.status.is_paid() && !row.status.is_paid();
            let written = if newly_paid {
                self.write_paid(&updated, &change).await
            } else {
                self.inner
                    .store
                    .update(&updated, Some(&change), &self.events())
                    .await
            };
            match written {
                Ok(written) => return Ok(written),
                Err(StoreError::Conflict) => row = self.load(&row.id).await?,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }

    /// Writes a payment that becomes paid. Should another payment of its order be paid already
    /// (decided in the write's own transaction), it is written asking for the merchant's
    /// attention instead, and its money is given back where the provider can.
    pub(super) async fn write_paid(
        &self,
        updated: &PaymentRow,
        change: &StatusChange,
    ) -> Result<PaymentRow, StoreError> {
        let mut twice = updated.clone();
        twice.attention = Some(Attention::PaidTwice);
        let written = self
            .inner
            .store
            .update_paid(updated, &twice, change, &self.events())
            .await?;
        if written.attention == Some(Attention::PaidTwice) {
            tracing::error!(
                alert = "order_paid_twice",
                payment = %written.id,
                order = %written.order_ref,
                "ALERT: a payment succeeded on an order another payment had paid; giving the money back"
            );
            let service = self.clone();
            let id = written.id.clone();
            tokio::spawn(async move { service.give_back(&id).await });
        }
        Ok(written)
    }

    /// Gives back the money of a payment that paid an order already paid: a refund of a
    /// success, a release of a reservation, under one idempotency key so that a repeat (after a
    /// crash, by reconcile) never gives it back twice. Where the provider cannot (Yabetoo has no
    /// refund API), the payment keeps asking for the merchant's attention.
    pub(super) async fn give_back(&self, id: &str) {
        let Ok(row) = self.load(id).await else {
            return;
        };
        if row.attention != Some(Attention::PaidTwice) {
            return;
        }
        let key = format!("paid-twice-{id}");
        // Given back already (its outcome found by reconcile, or settled by the merchant).
        let earlier = self.inner.store.operations(id).await.unwrap_or_default();
        match earlier
            .iter()
            .find(|operation| operation.idempotency_key == key)
        {
            Some(operation) if operation.state == OperationState::Succeeded => {
                return self.given_back(id).await;
            }
            Some(operation) if operation.state == OperationState::Pending => return,
            _ => {}
        }
        let key = Some(key);
        let result = match row.status {
            PaymentStatus::PreAuthorized => self.release(id, key).await,
            PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded => {
                self.refund(
                    id,
                    None,
                    "Paid twice: the order was already paid",
                    Some("duplicate"),
                    key,
                )
                .await
            }
            _ => return,
        };
        match result {
            Ok(done) if !done.pending => self.given_back(id).await,
            Ok(_) => {
                tracing::warn!(payment = %id, "giving back a payment of an order paid twice is pending at the provider")
            }
            Err(error) => {
                tracing::warn!(payment = %id, ?error, "a payment of an order paid twice could not be given back: the merchant must")
            }
        }
    }

    /// Records that a payment of an order paid twice was given back: it waits for nobody.
    async fn given_back(&self, id: &str) {
        let Ok(row) = self.load(id).await else {
            return;
        };
        if row.attention != Some(Attention::PaidTwice) {
            return;
        }
        let mut updated = row;
        updated.attention = None;
        let detail = "the order was paid twice: this payment was given back to the shopper";
        if let Err(error) = self.write(updated, detail.into()).await {
            tracing::warn!(payment = %id, ?error, "could not record the money given back");
        }
    }

    /// The payment as the widget polls it, refreshed from the provider while it is in flight.
    pub async fn status(&self, id: &str, client_secret: &str) -> Result<Payment, ServiceError> {
        let row = self.load_for_shopper(id, client_secret).await?;
        let row = self.refresh(row).await;
        Ok(self.view(&row))
    }

    /// Asks the provider where a followed-up payment stands, at most once per check interval.
    pub(super) async fn refresh(&self, row: PaymentRow) -> PaymentRow {
        if !row.followed_up()
            || !self
                .inner
                .checks
                .claim_for_poll(&row.id, self.inner.settings.check_interval)
        {
            return row;
        }
        self.check(row).await
    }

    /// Follows up every payment in flight, closed provisionally or waiting for the merchant,
    /// and every merchant operation whose outcome is not known, e.g. after a restart or for a
    /// shopper who closed the tab: none is forgotten. Each is checked with its own backoff.
    pub async fn reconcile(&self) {
        match self.inner.store.list_followed_up().await {
            Ok(rows) => {
                for row in rows {
                    // Past the age limit, a payment is left to polls, admin reads and webhooks:
                    // reconcile's work stays bounded however many were abandoned.
                    if passed(
                        &Some(row.created_at.clone()),
                        self.inner.settings.reconcile_max_age,
                    ) {
                        continue;
                    }
                    let due = self.inner.checks.claim_for_reconcile(
                        &row.id,
                        self.inner.settings.reconcile_first_check,
                        self.inner.settings.max_reconcile_interval,
                    );
                    if self.claim_round(&row.id, due).await {
                        let checked = self.check(row).await;
                        // A give-back cut off by a crash is taken up again (same key).
                        if checked.attention == Some(Attention::PaidTwice) {
                            self.give_back(&checked.id).await;
                        }
                    }
                }
            }
            Err(error) => tracing::error!(%error, "could not list the payments to follow up"),
        }
        self.reconcile_operations().await;
    }

    /// Whether this server does a reconcile round's work on `id` now that its own schedule
    /// says it is `due` (the wait until the next round): one server of several does it, and
    /// the others take it over once that wait has passed.
    pub(super) async fn claim_round(&self, id: &str, due: Option<Duration>) -> bool {
        let Some(wait) = due else {
            return false;
        };
        let now = crate::clock::unix_millis();
        let until = now + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
        match self
            .inner
            .store
            .claim_lease(&format!("round:{id}"), now, until)
            .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%id, %error, "could not claim a reconcile round");
                false
            }
        }
    }

    /// One provider check of a followed-up payment, recorded. Provider trouble is logged and
    /// the stored status kept: the next poll or reconcile round asks again, and a payment left
    /// without a definite answer for too long asks for the merchant's attention.
    pub(super) async fn check(&self, row: PaymentRow) -> PaymentRow {
        let Some(intent) = Self::intent_ref(&row) else {
            return row;
        };
        let before = (
            row.status,
            row.outcome_unknown.clone(),
            row.decided_by,
            row.attention,
        );
        let answer = match self.provider(row.method).check(&intent).await {
            Ok(answer) => self.interpret_check(&row, answer).await,
            Err(error) => {
                tracing::warn!(payment = %row.id, %error, "status check failed");
                None
            }
        };
        let row = match answer {
            None => row,
            Some((answer, decider)) => {
                match self.record_answer(row.clone(), &answer, decider).await {
                    Ok(updated) => updated,
                    Err(error) => {
                        tracing::warn!(payment = %row.id, ?error, "could not record a check");
                        self.reloaded(row).await
                    }
                }
            }
        };
        let row = self.ask_attention_if_overdue(row).await;
        let changed = (
            row.status,
            row.outcome_unknown.clone(),
            row.decided_by,
            row.attention,
        ) != before;
        self.inner
            .checks
            .checked(&row.id, changed, !row.followed_up());
        row
    }

    async fn reloaded(&self, row: PaymentRow) -> PaymentRow {
        self.inner
            .store
            .get(&row.id)
            .await
            .ok()
            .flatten()
            .unwrap_or(row)
    }

    /// A payment still in flight `attention_after` after it was sent to the provider asks for
    /// the merchant's attention (once): it stays in flight and checked, and its order blocked.
    async fn ask_attention_if_overdue(&self, row: PaymentRow) -> PaymentRow {
        if !in_flight(&row)
            || row.attention.is_some()
            || !passed(&row.submitted_at, self.inner.settings.attention_after)
        {
            return row;
        }
        tracing::error!(
            alert = "payment_needs_attention",
            payment = %row.id,
            provider = %row.provider,
            "ALERT: no definite answer from the provider; the payment waits for the merchant"
        );
        let mut updated = row.clone();
        updated.attention = Some(Attention::NoDefiniteAnswer);
        let detail = format!(
            "no definite answer from the provider {} s after it was sent: waiting for the merchant, still checking",
            self.inner.settings.attention_after.as_secs()
        );
        match self.write(updated, detail).await {
            Ok(written) => written,
            Err(error) => {
                tracing::warn!(payment = %row.id, ?error, "could not ask for attention");
                self.reloaded(row).await
            }
        }
    }

    /// What a check's answer means for this payment, and who decides it: the provider, or the
    /// server on its own clock where the provider leaves the payment undecided too long (a
    /// provisional close, which later checks may override).
    async fn interpret_check(
        &self,
        row: &PaymentRow,
        answer: ProviderStatus,
    ) -> Option<(ProviderStatus, Decider)> {
        if row.status.is_final() {
            return Some((answer, Decider::Provider));
        }
        let grace = self.inner.settings.unknown_outcome_grace;
        match answer.status {
            // The provider still has the intent untouched well after a request whose outcome we
            // never heard: that request most likely never arrived. Counted from the last write,
            // which is when the outcome became unknown: nothing else writes the payment while
            // it is unknown, and an answer clears it. The server's close: checked again later.
            PaymentStatus::Created
                if row
                    .outcome_unknown
                    .as_deref()
                    .is_some_and(|why| !why.starts_with(ANSWERS_DISAGREE))
                    && passed(&Some(row.updated_at.clone()), grace) =>
            {
                let close = ProviderStatus {
                    failure: Some((
                        "not_submitted".into(),
                        "The payment did not reach the provider; no money was taken.".into(),
                    )),
                    ..ProviderStatus::plain(
                        PaymentStatus::Failed,
                        format!(
                            "closed by the server: the provider still shows the payment unpaid ({}) {} s after the request; still checking",
                            answer.raw,
                            grace.as_secs()
                        ),
                    )
                };
                Some((close, Decider::Server))
            }
            // Past the provider's own deadline and still undecided there.
            status if !status.is_final() && passed(&row.expires_at, EXPIRY_GRACE) => {
                let close = ProviderStatus {
                    failure: Some((
                        "expired".into(),
                        "The payment was not completed in time.".into(),
                    )),
                    ..ProviderStatus::plain(
                        PaymentStatus::Expired,
                        format!(
                            "closed by the server: past its expiry and still {} at the provider; still checking",
                            answer.raw
                        ),
                    )
                };
                Some((close, Decider::Server))
            }
            _ => Some((answer, Decider::Provider)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::PaymentRow;

    fn row(status: PaymentStatus) -> PaymentRow {
        PaymentRow::sample(status)
    }

    #[test]
    fn a_late_success_overrides_only_the_servers_close() {
        let success = ProviderStatus::plain(PaymentStatus::Succeeded, "statusCode 2");
        let mut closed = row(PaymentStatus::Failed);
        closed.decided_by = Some(Decider::Server);
        closed.failure_code = Some("not_submitted".into());
        let (late, detail) = settled(&closed, &success, Decider::Provider).unwrap();
        assert_eq!(late.status, PaymentStatus::Succeeded);
        assert_eq!(late.decided_by, Some(Decider::Provider));
        assert_eq!(late.failure_code, None);
        assert_eq!(late.captured_minor, late.amount_minor);
        assert!(detail.contains("late"), "{detail}");

        // The server's own clock never reopens what it closed.
        assert!(settled(&closed, &success, Decider::Server).is_none());
        // Nor does anything reopen what the provider closed.
        let mut decided = closed.clone();
        decided.decided_by = Some(Decider::Provider);
        assert!(settled(&decided, &success, Decider::Provider).is_none());
        // A close never sent to the provider stays closed.
        let mut never_sent = closed.clone();
        never_sent.submitted_at = None;
        assert!(settled(&never_sent, &success, Decider::Provider).is_none());
    }

    #[test]
    fn the_providers_final_word_confirms_the_servers_close() {
        let rejected = ProviderStatus {
            failure: Some(("rejected".into(), "no".into())),
            ..ProviderStatus::plain(PaymentStatus::Rejected, "statusCode 3")
        };
        let mut closed = row(PaymentStatus::Expired);
        closed.decided_by = Some(Decider::Server);
        let (confirmed, _) = settled(&closed, &rejected, Decider::Provider).unwrap();
        assert_eq!(confirmed.status, PaymentStatus::Expired);
        assert_eq!(confirmed.decided_by, Some(Decider::Provider));
        assert!(!confirmed.followed_up());
        // Still undecided at the provider: nothing changes, and it stays followed up.
        let waiting = ProviderStatus::plain(PaymentStatus::RequiresAction, "statusCode 12");
        assert!(settled(&closed, &waiting, Decider::Provider).is_none());
        assert!(closed.followed_up());
    }

    #[test]
    fn another_amount_fails_the_payment_and_holds_its_order() {
        let answer = ProviderStatus::mismatch("amount 150001 instead of 150000 (minor units)");
        let (failed, _) = settled(
            &row(PaymentStatus::RequiresAction),
            &answer,
            Decider::Provider,
        )
        .unwrap();
        assert_eq!(failed.status, PaymentStatus::Failed);
        assert_eq!(failed.attention, Some(Attention::AmountMismatch));
        assert!(failed.followed_up());
    }

    #[test]
    fn the_providers_final_word_ends_the_wait_for_it() {
        let mut waiting = row(PaymentStatus::AwaitingApproval);
        waiting.attention = Some(Attention::NoDefiniteAnswer);
        let answer = ProviderStatus::plain(PaymentStatus::Succeeded, "succeeded");
        let (done, _) = settled(&waiting, &answer, Decider::Provider).unwrap();
        assert_eq!(done.attention, None);
        assert_eq!(done.decided_by, Some(Decider::Provider));
    }

    #[test]
    fn a_final_payment_never_changes() {
        for status in PaymentStatus::ALL.into_iter().filter(|s| s.is_final()) {
            let answer = ProviderStatus::plain(PaymentStatus::Succeeded, "statusCode 2");
            assert!(
                settled(&row(status), &answer, Decider::Provider).is_none(),
                "{status}"
            );
        }
    }

    #[test]
    fn an_earlier_state_says_nothing() {
        let created = ProviderStatus::plain(PaymentStatus::Created, "statusCode 0");
        assert!(settled(&row(PaymentStatus::Processing), &created, Decider::Provider).is_none());
        assert!(settled(
            &row(PaymentStatus::RequiresAction),
            &created,
            Decider::Provider
        )
        .is_none());
        let processing = ProviderStatus::plain(PaymentStatus::Processing, "processing");
        assert!(settled(
            &row(PaymentStatus::AwaitingApproval),
            &processing,
            Decider::Provider
        )
        .is_none());
    }

    #[test]
    fn a_definite_answer_ends_the_unknown_outcome() {
        let answer = ProviderStatus {
            pay_url: Some("https://otp/1".into()),
            ..ProviderStatus::plain(PaymentStatus::RequiresAction, "statusCode 12")
        };
        let (updated, _) =
            settled(&row(PaymentStatus::Processing), &answer, Decider::Provider).unwrap();
        assert_eq!(updated.status, PaymentStatus::RequiresAction);
        assert_eq!(updated.outcome_unknown, None);
        assert_eq!(updated.pay_url.as_deref(), Some("https://otp/1"));
    }

    #[test]
    fn the_same_status_only_clears_the_unknown_outcome() {
        let answer = ProviderStatus::plain(PaymentStatus::Processing, "processing");
        let (updated, detail) =
            settled(&row(PaymentStatus::Processing), &answer, Decider::Provider).unwrap();
        assert_eq!(updated.outcome_unknown, None);
        assert!(detail.contains("processing"), "{detail}");
        let mut known = row(PaymentStatus::Processing);
        known.outcome_unknown = None;
        assert!(settled(&known, &answer, Decider::Provider).is_none());
    }

    #[test]
    fn success_captures_the_whole_amount() {
        let answer = ProviderStatus::plain(PaymentStatus::Succeeded, "statusCode 2");
        let (updated, _) = settled(
            &row(PaymentStatus::RequiresAction),
            &answer,
            Decider::Provider,
        )
        .unwrap();
        assert_eq!(updated.captured_minor, 150_000);
    }

    #[test]
    fn reconcile_backs_off_while_nothing_changes() {
        let schedule = CheckSchedule::default();
        let base = Duration::from_secs(60);
        let max = Duration::from_secs(600);
        // Seen for the first time: the first check waits `base`.
        assert_eq!(schedule.claim_for_reconcile("pay_1", base, max), None);
        assert_eq!(schedule.claim_for_reconcile("pay_1", base, max), None);
        assert_eq!(
            schedule.claim_for_reconcile("pay_2", Duration::ZERO, Duration::ZERO),
            None
        );
        assert_eq!(
            schedule.claim_for_reconcile("pay_2", Duration::ZERO, Duration::ZERO),
            Some(Duration::ZERO),
            "due at once, and the next round as soon"
        );
        schedule.checked("pay_1", false, false);
        schedule.checked("pay_1", false, false);
        assert_eq!(schedule.checks.lock().unwrap()["pay_1"].unchanged, 2);
        schedule.checked("pay_1", true, false);
        assert_eq!(schedule.checks.lock().unwrap()["pay_1"].unchanged, 0);
        schedule.checked("pay_1", false, true);
        schedule.checked("pay_2", false, true);
        assert!(schedule.checks.lock().unwrap().is_empty());
        assert!(schedule.claim_for_poll("pay_1", Duration::ZERO));
    }
}
