//! Recording provider answers, and checking in-flight payments at the provider until it gives a
//! definite answer. A payment becomes final only on the provider's word; a check that fails, an
//! unknown status or an earlier state than the one recorded changes nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use checkout_contract::{MethodKind, Payment, PaymentStatus, StatusChange};

use super::ServiceError;
use super::{now_rfc3339, passed, PaymentService, WRITE_ATTEMPTS};
use crate::providers::{ProviderStatus, SubmitDetails};
use crate::store::{PaymentRow, StoreError, IN_FLIGHT};

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

pub(super) fn in_flight(row: &PaymentRow) -> bool {
    IN_FLIGHT.contains(&row.status)
}

/// The payment once `answer` is recorded on it, or `None` when the answer says nothing new (it
/// is about a final payment, or earlier than what is recorded).
pub(super) fn settled(row: &PaymentRow, answer: &ProviderStatus) -> Option<(PaymentRow, String)> {
    if row.status.is_final() || progress(answer.status) < progress(row.status) {
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
    // Yassir answers a plain 3 for an intent that ran out of time: its own `expiresAt` says which.
    if updated.status == PaymentStatus::Rejected
        && updated.method == MethodKind::YassirCash
        && passed(&updated.expires_at, Duration::ZERO)
    {
        updated.status = PaymentStatus::Expired;
        updated.failure_code = Some("expired".into());
    }
    if answer.status == PaymentStatus::Succeeded && updated.captured_minor == 0 {
        updated.captured_minor = updated.amount_minor;
    }
    if updated == *row {
        return None;
    }
    let detail = if updated.status == row.status {
        format!("the provider answered {}", answer.raw)
    } else {
        answer.raw.clone()
    };
    Some((updated, detail))
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
    /// Claims a check of `id` if the last one is at least `wait(unchanged checks)` old. A
    /// payment never checked is claimed at once when `at_once`, else its wait starts now.
    fn claim(&self, id: &str, at_once: bool, wait: impl Fn(u32) -> Duration) -> bool {
        let mut checks = self.checks.lock().expect("lock");
        let now = Instant::now();
        let unchanged = match checks.get(id) {
            Some(last) if now.duration_since(last.at) < wait(last.unchanged) => return false,
            Some(last) => last.unchanged,
            None if !at_once => {
                checks.insert(
                    id.to_string(),
                    LastCheck {
                        at: now,
                        unchanged: 0,
                    },
                );
                return false;
            }
            None => 0,
        };
        checks.insert(id.to_string(), LastCheck { at: now, unchanged });
        true
    }

    /// A poll's check: at most one per `interval`.
    pub(super) fn claim_for_poll(&self, id: &str, interval: Duration) -> bool {
        self.claim(id, true, |_| interval)
    }

    /// Reconcile's check: `base` after it first sees the payment (a widget polls a payment
    /// just submitted, and a webhook may announce it), then doubled for each check in a row
    /// that found nothing new, up to `max`.
    pub(super) fn claim_for_reconcile(&self, id: &str, base: Duration, max: Duration) -> bool {
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
    /// Records a provider's answer on the payment, retrying when another request wrote it
    /// meanwhile; the stored payment when the answer says nothing new.
    pub(super) async fn record_answer(
        &self,
        mut row: PaymentRow,
        answer: &ProviderStatus,
    ) -> Result<PaymentRow, ServiceError> {
        for _ in 0..WRITE_ATTEMPTS {
            let Some((mut updated, detail)) = settled(&row, answer) else {
                return Ok(row);
            };
            updated.updated_at = now_rfc3339();
            let change = StatusChange {
                status: updated.status,
                at: updated.updated_at.clone(),
                detail,
            };
            match self.inner.store.update(&updated, Some(&change)).await {
                Ok(written) => return Ok(written),
                Err(StoreError::Conflict) => row = self.load(&row.id).await?,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }

    /// The payment as the widget polls it, refreshed from the provider while it is in flight.
    pub async fn status(&self, id: &str) -> Result<Payment, ServiceError> {
        let row = self.load(id).await?;
        let row = self.refresh(row).await;
        Ok(self.view(&row))
    }

    /// Asks the provider where an in-flight payment stands, at most once per check interval.
    pub(super) async fn refresh(&self, row: PaymentRow) -> PaymentRow {
        if !in_flight(&row)
            || !self
                .inner
                .checks
                .claim_for_poll(&row.id, self.inner.settings.check_interval)
        {
            return row;
        }
        self.check(row).await
    }

    /// Follows up every payment in flight and every merchant operation whose outcome is not
    /// known, e.g. after a restart or for a shopper who closed the tab: none is forgotten. Each
    /// is checked with its own backoff.
    pub async fn reconcile(&self) {
        match self.inner.store.list_in_flight().await {
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
                    if due {
                        self.check(row).await;
                    }
                }
            }
            Err(error) => tracing::error!(%error, "could not list in-flight payments"),
        }
        self.reconcile_operations().await;
    }

    /// One provider check of an in-flight payment, recorded. Provider trouble is logged and the
    /// stored status kept: the next poll or reconcile round asks again.
    pub(super) async fn check(&self, row: PaymentRow) -> PaymentRow {
        let Some(intent) = Self::intent_ref(&row) else {
            return row;
        };
        let before = (row.status, row.outcome_unknown.clone());
        let answer = match self.provider(row.method).check(&intent).await {
            Ok(answer) => self.interpret_check(&row, answer).await,
            Err(error) => {
                tracing::warn!(payment = %row.id, %error, "status check failed");
                None
            }
        };
        let row = match answer {
            None => row,
            Some(answer) => match self.record_answer(row.clone(), &answer).await {
                Ok(updated) => updated,
                Err(error) => {
                    tracing::warn!(payment = %row.id, ?error, "could not record a check");
                    self.inner
                        .store
                        .get(&row.id)
                        .await
                        .ok()
                        .flatten()
                        .unwrap_or(row)
                }
            },
        };
        let changed = (row.status, row.outcome_unknown.clone()) != before;
        self.inner
            .checks
            .checked(&row.id, changed, row.status.is_final());
        row
    }

    /// What a check's answer means for this payment, completed where the check alone cannot say.
    async fn interpret_check(
        &self,
        row: &PaymentRow,
        answer: ProviderStatus,
    ) -> Option<ProviderStatus> {
        let grace = self.inner.settings.unknown_outcome_grace;
        match answer.status {
            // A Yassir Check carries no payUrl: an OTP step whose page we never heard of (the
            // proceed's answer was lost) is asked for again, which only re-issues the page.
            PaymentStatus::RequiresAction
                if row.pay_url.is_none() && row.method == MethodKind::YassirCash =>
            {
                let intent = Self::intent_ref(row)?;
                match self
                    .inner
                    .yassir
                    .submit(&intent, &SubmitDetails::YassirCash)
                    .await
                {
                    Ok(proceeded) if proceeded.pay_url.is_some() => Some(proceeded),
                    Ok(proceeded) => {
                        tracing::warn!(payment = %row.id, raw = %proceeded.raw, "proceed again gave no payUrl");
                        Some(answer)
                    }
                    Err(error) => {
                        tracing::warn!(payment = %row.id, %error, "proceed again for the payUrl failed");
                        Some(answer)
                    }
                }
            }
            // The provider still has the intent untouched well after a request whose outcome we
            // never heard: that request never arrived, and no money moved. Counted from the last
            // write, which is when the outcome became unknown: nothing else writes the payment
            // while it is unknown, and an answer clears it.
            PaymentStatus::Created
                if row.outcome_unknown.is_some()
                    && passed(&Some(row.updated_at.clone()), grace) =>
            {
                Some(ProviderStatus {
                    failure: Some((
                        "not_submitted".into(),
                        "The payment did not reach the provider; no money was taken.".into(),
                    )),
                    ..ProviderStatus::plain(
                        PaymentStatus::Failed,
                        format!(
                            "the provider still shows the payment unpaid ({})",
                            answer.raw
                        ),
                    )
                })
            }
            // Past the provider's own deadline and still undecided there.
            status if !status.is_final() && passed(&row.expires_at, EXPIRY_GRACE) => {
                Some(ProviderStatus {
                    failure: Some((
                        "expired".into(),
                        "The payment was not completed in time.".into(),
                    )),
                    ..ProviderStatus::plain(
                        PaymentStatus::Expired,
                        format!("past its expiry and still {} at the provider", answer.raw),
                    )
                })
            }
            _ => Some(answer),
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
    fn a_final_payment_never_changes() {
        for status in PaymentStatus::ALL.into_iter().filter(|s| s.is_final()) {
            let answer = ProviderStatus::plain(PaymentStatus::Succeeded, "statusCode 2");
            assert!(settled(&row(status), &answer).is_none(), "{status}");
        }
    }

    #[test]
    fn an_earlier_state_says_nothing() {
        let created = ProviderStatus::plain(PaymentStatus::Created, "statusCode 0");
        assert!(settled(&row(PaymentStatus::Processing), &created).is_none());
        assert!(settled(&row(PaymentStatus::RequiresAction), &created).is_none());
        let processing = ProviderStatus::plain(PaymentStatus::Processing, "processing");
        assert!(settled(&row(PaymentStatus::AwaitingApproval), &processing).is_none());
    }

    #[test]
    fn a_definite_answer_ends_the_unknown_outcome() {
        let answer = ProviderStatus {
            pay_url: Some("https://otp/1".into()),
            ..ProviderStatus::plain(PaymentStatus::RequiresAction, "statusCode 12")
        };
        let (updated, _) = settled(&row(PaymentStatus::Processing), &answer).unwrap();
        assert_eq!(updated.status, PaymentStatus::RequiresAction);
        assert_eq!(updated.outcome_unknown, None);
        assert_eq!(updated.pay_url.as_deref(), Some("https://otp/1"));
    }

    #[test]
    fn the_same_status_only_clears_the_unknown_outcome() {
        let answer = ProviderStatus::plain(PaymentStatus::Processing, "processing");
        let (updated, detail) = settled(&row(PaymentStatus::Processing), &answer).unwrap();
        assert_eq!(updated.outcome_unknown, None);
        assert!(detail.contains("processing"), "{detail}");
        let mut known = row(PaymentStatus::Processing);
        known.outcome_unknown = None;
        assert!(settled(&known, &answer).is_none());
    }

    #[test]
    fn a_yassir_rejection_past_the_intents_expiry_is_an_expiry() {
        let rejected = ProviderStatus {
            failure: Some(("rejected".into(), "Transaction was rejected".into())),
            ..ProviderStatus::plain(PaymentStatus::Rejected, "statusCode 3")
        };
        let mut late = row(PaymentStatus::RequiresAction);
        late.expires_at = Some("2020-01-01T00:00:00Z".into());
        let (updated, _) = settled(&late, &rejected).unwrap();
        assert_eq!(updated.status, PaymentStatus::Expired);
        assert_eq!(updated.failure_code.as_deref(), Some("expired"));

        // Words are not read: a rejection in time stays a rejection, whatever it says.
        let mut in_time = row(PaymentStatus::RequiresAction);
        in_time.expires_at = Some("2999-01-01T00:00:00Z".into());
        let worded = ProviderStatus {
            failure: Some(("rejected".into(), "expired card".into())),
            ..rejected
        };
        let (updated, _) = settled(&in_time, &worded).unwrap();
        assert_eq!(updated.status, PaymentStatus::Rejected);
    }

    #[test]
    fn success_captures_the_whole_amount() {
        let answer = ProviderStatus::plain(PaymentStatus::Succeeded, "statusCode 2");
        let (updated, _) = settled(&row(PaymentStatus::RequiresAction), &answer).unwrap();
        assert_eq!(updated.captured_minor, 150_000);
    }

    #[test]
    fn reconcile_backs_off_while_nothing_changes() {
        let schedule = CheckSchedule::default();
        let base = Duration::from_secs(60);
        let max = Duration::from_secs(600);
        // Seen for the first time: the first check waits `base`.
        assert!(!schedule.claim_for_reconcile("pay_1", base, max));
        assert!(!schedule.claim_for_reconcile("pay_1", base, max));
        assert!(!schedule.claim_for_reconcile("pay_2", Duration::ZERO, Duration::ZERO));
        assert!(schedule.claim_for_reconcile("pay_2", Duration::ZERO, Duration::ZERO));
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
