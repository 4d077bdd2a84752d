//! The merchant's capture, release and refund. Each is idempotent by its key, serialised per
//! payment, written before the provider is asked, and recorded only as the provider answers:
//! a refusal is a refusal (nothing moved), an unclear answer leaves the operation pending until
//! a check at the provider shows whether it happened.

use checkout_contract::{MethodKind, PaymentRecord, PaymentStatus, StatusChange};

use super::ServiceError;
use super::{random_id, PaymentService, WRITE_ATTEMPTS};
use crate::store::{Inserted, OperationKind, OperationRow, OperationState, PaymentRow, StoreError};
use crate::validate;

use verdict::{applied, describe, read_answer, read_check, Verdict};

/// What the merchant asks.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationRequest {
    pub kind: OperationKind,
    /// `None`: all that is reserved (capture) or refundable (refund).
    pub amount_minor: Option<i64>,
    pub description: Option<String>,
    pub reason: Option<String>,
}

impl OperationRequest {
    fn fingerprint(&self) -> String {
        format!(
            "{}|{:?}|{:?}|{:?}",
            self.kind.as_str(),
            self.amount_minor,
            self.description,
            self.reason
        )
    }
}

/// The payment after an operation, and whether the operation's outcome is still being found out.
pub struct OperationDone {
    pub record: PaymentRecord,
    pub pending: bool,
}

impl PaymentService {
    /// Captures reserved funds: all of them, or `amount_minor` and the rest released.
    pub async fn capture(
        &self,
        id: &str,
        amount_minor: Option<i64>,
        key: Option<String>,
    ) -> Result<OperationDone, ServiceError> {
        let request = OperationRequest {
            kind: OperationKind::Capture,
            amount_minor,
            description: None,
            reason: None,
        };
        self.operate(id, request, key).await
    }

    pub async fn release(
        &self,
        id: &str,
        key: Option<String>,
    ) -> Result<OperationDone, ServiceError> {
        let request = OperationRequest {
            kind: OperationKind::Release,
            amount_minor: None,
            description: None,
            reason: None,
        };
        self.operate(id, request, key).await
    }

    /// Refunds all that remains, or `amount_minor` of it; may be repeated until nothing remains.
    pub async fn refund(
        &self,
        id: &str,
        amount_minor: Option<i64>,
        description: &str,
        reason: Option<&str>,
        key: Option<String>,
    ) -> Result<OperationDone, ServiceError> {
        let request = OperationRequest {
            kind: OperationKind::Refund,
            amount_minor,
            description: Some(description.into()),
            reason: reason.map(Into::into),
        };
        self.operate(id, request, key).await
    }

    async fn operate(
        &self,
        id: &str,
        request: OperationRequest,
        key: Option<String>,
    ) -> Result<OperationDone, ServiceError> {
        let _guard = self.inner.store.lock_payment(id).await?;
        let key = key.unwrap_or_else(|| random_id("key"));
        let fingerprint = request.fingerprint();
        let operations = self.inner.store.operations(id).await?;
        if let Some(earlier) = operations
            .iter()
            .find(|operation| operation.kind == request.kind && operation.idempotency_key == key)
        {
            if earlier.request_fingerprint != fingerprint {
                return Err(key_reused());
            }
            return self.replay(id, earlier.clone()).await;
        }
        if let Some(pending) = operations
            .iter()
            .find(|operation| operation.state == OperationState::Pending)
        {
            let (_, pending) = self.resolve(id, pending.clone()).await?;
            if pending.state == OperationState::Pending {
                return Err(ServiceError::conflict(
                    "operation_pending",
                    format!(
                        "the outcome of {} {} is not known yet; a new operation waits for it",
                        pending.kind.as_str(),
                        pending.id
                    ),
                ));
            }
        }
        let row = self.load(id).await?;
        let amount = self.admissible(&row, &request)?;
        let now = self.now_rfc3339();
        let operation = OperationRow {
            id: random_id("op"),
            payment_id: row.id.clone(),
            kind: request.kind,
            idempotency_key: key,
            request_fingerprint: fingerprint,
            amount_minor: amount,
            requested_minor: request.amount_minor,
            description: request.description.clone(),
            reason: request.reason.clone(),
            state: OperationState::Pending,
            status_before: row.status,
            detail: None,
            created_at: now.clone(),
            updated_at: now,
        };
        match self.inner.store.insert_operation(&operation).await {
            Ok(Inserted::New) => {}
            Ok(Inserted::Existing(earlier)) => return self.replay(id, earlier).await,
            Err(StoreError::KeyReused) => return Err(key_reused()),
            Err(error) => return Err(error.into()),
        }

        let intent = Self::intent_ref(&row).expect("paid payments have an intent");
        let provider = self.provider(row.method);
        let result = match request.kind {
            OperationKind::Capture => provider.capture(&intent, request.amount_minor).await,
            OperationKind::Release => provider.release(&intent).await,
            OperationKind::Refund => {
                provider
                    .refund(
                        &intent,
                        request.amount_minor,
                        request.description.as_deref().unwrap_or_default(),
                        request.reason.as_deref(),
                    )
                    .await
            }
        };
        let verdict = read_answer(request.kind, result);
        let operation = self.conclude(row, operation, verdict).await?;
        self.answer(id, &operation).await
    }

    /// The amount an operation moves, if the payment allows it.
    fn admissible(
        &self,
        row: &PaymentRow,
        request: &OperationRequest,
    ) -> Result<i64, ServiceError> {
        let id = &row.id;
        match request.kind {
            OperationKind::Capture | OperationKind::Release => {
                if row.status != PaymentStatus::PreAuthorized {
                    return Err(ServiceError::conflict(
                        "not_pre_authorized",
                        format!(
                            "only a pre-authorized payment can be {}; `{id}` is `{}`",
                            if request.kind == OperationKind::Capture {
                                "captured"
                            } else {
                                "released"
                            },
                            row.status
                        ),
                    ));
                }
                if request.kind == OperationKind::Release {
                    return Ok(0);
                }
                let amount = request.amount_minor.unwrap_or(row.amount_minor);
                validate::amount_within(
                    "amount_minor",
                    amount,
                    row.amount_minor,
                    "the reserved amount",
                )?;
                Ok(amount)
            }
            OperationKind::Refund => {
                if row.method == MethodKind::MobileMoney {
                    return Err(ServiceError::unprocessable(
                        "unsupported_by_provider",
                        None,
                        "Yabetoo has no refund API: refunds of mobile money go through Yabetoo support",
                    ));
                }
                if !matches!(
                    row.status,
                    PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded
                ) {
                    return Err(ServiceError::conflict(
                        "not_refundable",
                        format!("only a succeeded or partially refunded payment can be refunded; `{id}` is `{}`", row.status),
                    ));
                }
                let remaining = row.captured_minor - row.refunded_minor;
                let amount = request.amount_minor.unwrap_or(remaining);
                validate::amount_within(
                    "amount_minor",
                    amount,
                    remaining,
                    "the refundable balance",
                )?;
                Ok(amount)
            }
        }
    }

    /// A repeated request: its recorded outcome, found out first if it is still pending.
    async fn replay(
        &self,
        id: &str,
        operation: OperationRow,
    ) -> Result<OperationDone, ServiceError> {
        let (_, operation) = self.resolve(id, operation).await?;
        self.answer(id, &operation).await
    }

    /// The answer to the merchant for an operation as it stands.
    async fn answer(
        &self,
        id: &str,
        operation: &OperationRow,
    ) -> Result<OperationDone, ServiceError> {
        match operation.state {
            OperationState::Refused => Err(ServiceError::unprocessable(
                "provider_refused",
                None,
                format!(
                    "the provider refused the {}: {}",
                    operation.kind.as_str(),
                    operation.detail.as_deref().unwrap_or("no reason given")
                ),
            )),
            state => Ok(OperationDone {
                record: self.record(self.load(id).await?).await?,
                pending: state == OperationState::Pending,
            }),
        }
    }

    /// Asks the provider whether a pending operation happened, and records what it says.
    async fn resolve(
        &self,
        id: &str,
        operation: OperationRow,
    ) -> Result<(PaymentRow, OperationRow), ServiceError> {
        let row = self.load(id).await?;
        if operation.state != OperationState::Pending {
            return Ok((row, operation));
        }
        let intent = Self::intent_ref(&row).expect("paid payments have an intent");
        let verdict = match self.provider(row.method).check(&intent).await {
            Ok(checked) => read_check(
                &operation,
                checked.status,
                self.passed(
                    Some(&operation.created_at),
                    self.inner.settings.unknown_outcome_grace,
                ),
            ),
            Err(error) => Verdict::Unknown(format!("the check failed: {error}")),
        };
        let operation = self.conclude(row, operation, verdict).await?;
        Ok((self.load(id).await?, operation))
    }

    /// Records a verdict on an operation, and on its payment when it moved money.
    async fn conclude(
        &self,
        mut row: PaymentRow,
        mut operation: OperationRow,
        verdict: Verdict,
    ) -> Result<OperationRow, ServiceError> {
        operation.updated_at = self.now_rfc3339();
        let status = match verdict {
            Verdict::Unknown(reason) => {
                tracing::warn!(operation = %operation.id, %reason, "operation outcome unknown");
                operation.detail = Some(format!("outcome unknown: {reason}"));
                self.inner
                    .store
                    .finish_operation(&operation, None, &self.events())
                    .await?;
                return Ok(operation);
            }
            Verdict::Refused(reason) => {
                operation.state = OperationState::Refused;
                operation.detail = Some(reason);
                self.inner
                    .store
                    .finish_operation(&operation, None, &self.events())
                    .await?;
                return Ok(operation);
            }
            Verdict::Done(status) => status,
        };
        operation.state = OperationState::Succeeded;
        operation.detail = None;
        for _ in 0..WRITE_ATTEMPTS {
            let updated = applied(&row, &operation, status, self.now_rfc3339());
            let change = StatusChange {
                status,
                at: updated.updated_at.clone(),
                detail: describe(&updated, &operation),
            };
            match self
                .inner
                .store
                .finish_operation(&operation, Some((&updated, &change)), &self.events())
                .await
            {
                Ok(()) => return Ok(operation),
                Err(StoreError::Conflict) => row = self.load(&row.id).await?,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }

    /// Records what the merchant found at the provider (its dashboard) for an operation whose
    /// outcome the server cannot find out by itself: a partial refund after a partial refund
    /// whose answer was lost leaves Yassir's status the same either way.
    pub async fn settle_operation(
        &self,
        id: &str,
        operation_id: &str,
        done: bool,
        note: Option<&str>,
    ) -> Result<PaymentRecord, ServiceError> {
        let _guard = self.inner.store.lock_payment(id).await?;
        let operation = self
            .inner
            .store
            .operations(id)
            .await?
            .into_iter()
            .find(|operation| operation.id == operation_id)
            .ok_or_else(|| {
                ServiceError::not_found(format!("no operation `{operation_id}` on payment `{id}`"))
            })?;
        if operation.state != OperationState::Pending {
            return Err(ServiceError::conflict(
                "operation_not_pending",
                format!(
                    "operation `{operation_id}` is already {}",
                    operation.state.as_str()
                ),
            ));
        }
        let row = self.load(id).await?;
        let note = note.unwrap_or("as the merchant found it at the provider");
        let verdict = if done {
            let status = match operation.kind {
                OperationKind::Capture => PaymentStatus::Succeeded,
                OperationKind::Release => PaymentStatus::Canceled,
                OperationKind::Refund
                    if operation.amount_minor >= row.captured_minor - row.refunded_minor =>
                {
                    PaymentStatus::Refunded
                }
                OperationKind::Refund => PaymentStatus::PartiallyRefunded,
            };
            Verdict::Done(status)
        } else {
            Verdict::Refused(format!("not made, {note}"))
        };
        tracing::info!(
            payment = id,
            operation = operation_id,
            done,
            "operation settled by the merchant"
        );
        self.conclude(row, operation, verdict).await?;
        self.record(self.load(id).await?).await
    }

    /// Follows up the operations whose outcome is not known, with the payments' backoff.
    pub(super) async fn reconcile_operations(&self) {
        let operations = match self.inner.store.unfinished_operations().await {
            Ok(operations) => operations,
            Err(error) => {
                tracing::error!(%error, "could not list unfinished operations");
                return;
            }
        };
        for operation in operations {
            let due = self.inner.checks.claim_for_reconcile(
                &operation.id,
                self.inner.clock.instant(),
                self.inner.settings.check_interval,
                self.inner.settings.max_reconcile_interval,
            );
            if !self.claim_for_servers("round", &operation.id, due).await {
                continue;
            }
            let _guard = match self.inner.store.lock_payment(&operation.payment_id).await {
                Ok(guard) => guard,
                Err(error) => {
                    tracing::warn!(operation = %operation.id, %error, "could not lock the payment of an operation");
                    continue;
                }
            };
            // Read again under the lock: a replay may have settled it meanwhile.
            let current = match self.inner.store.operations(&operation.payment_id).await {
                Ok(operations) => operations.into_iter().find(|op| op.id == operation.id),
                Err(_) => None,
            };
            if let Some(current) = current {
                let payment_id = current.payment_id.clone();
                let done = match self.resolve(&payment_id, current).await {
                    Ok((_, resolved)) => resolved.state != OperationState::Pending,
                    Err(error) => {
                        tracing::warn!(operation = %operation.id, ?error, "could not resolve an operation");
                        false
                    }
                };
                self.inner.checks.checked(&operation.id, done, done);
            }
        }
    }
}

fn key_reused() -> ServiceError {
    ServiceError::unprocessable(
        "idempotency_key_reused",
        Some("Idempotency-Key"),
        "this Idempotency-Key was already used for a different operation on this payment; send a new key for a new operation",
    )
}

mod verdict;

#[cfg(test)]
mod tests;
