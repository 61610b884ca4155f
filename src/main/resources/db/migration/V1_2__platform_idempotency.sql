-- Idempotency-Key records for POSTs that charge or book. Keys are per principal (citizen).
CREATE TABLE idempotency_keys (
    principal       uuid        NOT NULL,
    key             text        NOT NULL,
    fingerprint     text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('IN_PROGRESS', 'COMPLETED')),
    response_status int,
    response_body   text,
    created_at      timestamptz NOT NULL,
    locked_until    timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
