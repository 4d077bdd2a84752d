//! The SQL both stores say alike: which columns a payment and an operation have, and which payments are paid, take
//! their order, or are followed up (the statuses' rules, as `WHERE` clauses).

pub(super) const COLUMNS: &str =
    "id, idempotency_key, request_fingerprint, order_ref, description, method, provider,
    amount_minor, currency, country_alpha3, capture_method, phone, status, provider_intent_id,
    provider_client_secret, pay_url, expires_at, end_user_message, support_email, support_phone,
    failure_code, failure_message, captured_minor, refunded_minor, created_at, updated_at, version,
    order_expires_at, outcome_unknown, language, submitted_at, decided_by, attention, client_secret";

/// The paid statuses, as an SQL list.
pub(super) const PAID_SQL: &str = "'succeeded', 'pre_authorized', 'refunded', 'partially_refunded'";

/// Payments that take their order: in flight, paid, or waiting for the merchant.
pub(super) const TAKES_ORDER_SQL: &str =
    "(status IN ('processing', 'requires_action', 'awaiting_approval',
    'succeeded', 'pre_authorized', 'refunded', 'partially_refunded') OR attention IS NOT NULL)";

/// The payments reconcile follows up ([`PaymentRow::followed_up`](crate::store::PaymentRow::followed_up)) that have an intent.
pub(super) const FOLLOWED_UP_SQL: &str =
    "(status IN ('processing', 'requires_action', 'awaiting_approval')
        OR attention IS NOT NULL OR decided_by = 'merchant'
        OR (decided_by = 'server' AND submitted_at IS NOT NULL))
    AND provider_intent_id IS NOT NULL";

pub(super) const OPERATION_COLUMNS: &str =
    "id, payment_id, kind, idempotency_key, request_fingerprint,
    amount_minor, requested_minor, description, reason, state, status_before, detail, created_at,
    updated_at";
