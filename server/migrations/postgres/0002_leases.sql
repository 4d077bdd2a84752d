-- Allowances shared by every server (prompts per phone, creates per order and per phone) and
-- claims of due work (a payment's next check): one moment per key.
CREATE TABLE leases (
    key TEXT PRIMARY KEY,
    until_ms BIGINT NOT NULL
);
CREATE INDEX leases_until ON leases (until_ms);
