//! One check of a payment at its provider: what the answer means (the provider's word, or the
//! server's close of a payment left undecided too long), recorded, and the merchant asked to
//! look at a payment that stays without a definite answer.

use std::time::Duration;

use checkout_contract::PaymentStatus;

use super::super::PaymentService;
use super::answer::in_flight;
// An outcome unknown because the provider's answers disagreed: the request did arrive, so "it
// never arrived" is never read from a later check.
use crate::providers::{ProviderStatus, ANSWERS_DISAGREE};
use crate::store::{Attention, Decider, PaymentRow};

/// How long past a provider's `expiresAt` an intent still undecided there is taken as expired.
const EXPIRY_GRACE: Duration = Duration::from_secs(30);

impl PaymentService {
    /// One provider check of a followed-up payment, recorded. Provider trouble is logged and
    /// the stored status kept: the next poll or reconcile round asks again, and a payment left
    /// without a definite answer for too long asks for the merchant's attention.
    pub(in crate::service) async fn check(&self, row: PaymentRow) -> PaymentRow {
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
            || !self.passed(
                row.submitted_at.as_deref(),
                self.inner.settings.attention_after,
            )
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
                    && self.passed(Some(&row.updated_at), grace) =>
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
            status
                if !status.is_final() && self.passed(row.expires_at.as_deref(), EXPIRY_GRACE) =>
            {
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
