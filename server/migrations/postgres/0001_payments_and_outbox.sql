-- The payments, their history and operations, and the webhook outbox: the same tables as the
-- SQLite store's. Timestamps are RFC 3339 text as in SQLite; text that is ordered or compared is
-- in the "C" collation, so that ordering is bytewise whatever the database's locale.

CREATE TABLE payments (
    id TEXT COLLATE "C" PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_fingerprint TEXT NOT NULL,
    order_ref TEXT NOT NULL,
    description TEXT NOT NULL,
    method TEXT NOT NULL,
    provider TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    country_alpha3 TEXT NOT NULL,
    capture_method TEXT NOT NULL,
    phone TEXT,
    status TEXT NOT NULL,
    provider_intent_id TEXT,
    provider_client_secret TEXT,
    pay_url TEXT,
    expires_at TEXT,
    end_user_message TEXT,
    support_email TEXT,
    support_phone TEXT,
    failure_code TEXT,
    failure_message TEXT,
    captured_minor BIGINT NOT NULL DEFAULT 0,
    refunded_minor BIGINT NOT NULL DEFAULT 0,
    order_expires_at TEXT,
    outcome_unknown TEXT,
    language TEXT,
    submitted_at TEXT,
    decided_by TEXT,
    attention TEXT,
    client_secret TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX payments_status ON payments (status);
CREATE INDEX payments_order ON payments (order_ref);
CREATE INDEX payments_intent ON payments (provider_intent_id);
CREATE INDEX payments_created ON payments (created_at, id);

CREATE TABLE payment_history (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX payment_history_payment ON payment_history (payment_id, seq);

CREATE TABLE operations (
    id TEXT COLLATE "C" PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_fingerprint TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    requested_minor BIGINT,
    description TEXT,
    reason TEXT,
    state TEXT NOT NULL,
    status_before TEXT NOT NULL,
    detail TEXT,
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (payment_id, kind, idempotency_key)
);
CREATE INDEX operations_state ON operations (state);

CREATE TABLE webhook_endpoints (
    url TEXT PRIMARY KEY,
    enabled BOOLEAN NOT NULL
);

CREATE TABLE webhook_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    created_at TEXT COLLATE "C" NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX webhook_events_payment ON webhook_events (payment_id, seq);

CREATE TABLE webhook_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES webhook_events (id),
    url TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    delivered_at TEXT,
    UNIQUE (event_id, url)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);

CREATE TABLE webhook_attempts (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id),
    at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, seq);

CREATE TABLE inbound_webhooks (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    received_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (provider, event_id)
);
