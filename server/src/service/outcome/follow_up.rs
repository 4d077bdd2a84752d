//! When in-flight payments are checked at the provider: on a shopper's poll, at most once per
//! check interval, and in reconcile's rounds; one server of several does each.

use std::time::Duration;

use checkout_contract::Payment;

use super::super::{PaymentService, ServiceError};
use crate::store::{Attention, PaymentRow};

impl PaymentService {
    /// The payment as the widget polls it, refreshed from the provider while it is in flight.
    pub async fn status(&self, id: &str, client_secret: &str) -> Result<Payment, ServiceError> {
        let row = self.load_for_shopper(id, client_secret).await?;
        let row = self.refresh(row).await;
        Ok(self.view(&row))
    }

    /// Asks the provider where a followed-up payment stands, at most once per check interval
    /// whichever servers the shopper's polls reach.
    pub(in crate::service) async fn refresh(&self, row: PaymentRow) -> PaymentRow {
        let interval = self.inner.settings.check_interval;
        if !row.followed_up()
            || !self
                .inner
                .checks
                .claim_for_poll(&row.id, self.inner.clock.instant(), interval)
            || !self
                .claim_for_servers("poll", &row.id, Some(interval))
                .await
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
                    if self.passed(Some(&row.created_at), self.inner.settings.reconcile_max_age) {
                        continue;
                    }
                    let due = self.inner.checks.claim_for_reconcile(
                        &row.id,
                        self.inner.clock.instant(),
                        self.inner.settings.reconcile_first_check,
                        self.inner.settings.max_reconcile_interval,
                    );
                    if self.claim_for_servers("round", &row.id, due).await {
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

    /// Whether this server does the `kind` of work on `id` now that its own schedule says it is
    /// `due` (the wait until the next time): one server of several does it, and the others
    /// take it over once that wait has passed.
    pub(in crate::service) async fn claim_for_servers(
        &self,
        kind: &str,
        id: &str,
        due: Option<Duration>,
    ) -> bool {
        let Some(wait) = due else {
            return false;
        };
        let now = self.inner.clock.unix_millis();
        let until = now + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
        match self
            .inner
            .store
            .claim_lease(&format!("{kind}:{id}"), now, until)
            .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%id, %error, kind, "could not claim a check");
                false
            }
        }
    }
}
