-- Transactional outbox: an event is written in the same transaction as the action that caused it, with one
-- delivery row per consumer registered for its type. The relay claims due deliveries (FOR UPDATE SKIP LOCKED,
-- so several instances share the work), calls the consumer after commit, and marks each delivery DONE, retries
-- it with backoff, or PARKs it after too many attempts. Scheduling columns use the database clock.
CREATE TABLE outbox_events (
    id         uuid PRIMARY KEY,
    seq        bigint GENERATED ALWAYS AS IDENTITY,
    type       text        NOT NULL,
    payload    jsonb       NOT NULL,
    request_id text,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX outbox_events_created ON outbox_events (created_at);

CREATE TABLE outbox_deliveries (
    event_id        uuid        NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
    consumer        text        NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DONE', 'PARKED')),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    claimed_by      text,
    last_error      text,
    delivered_at    timestamptz,
    PRIMARY KEY (event_id, consumer)
);
-- What the relay claims: pending deliveries that are due, oldest first.
CREATE INDEX outbox_deliveries_due ON outbox_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX outbox_deliveries_parked ON outbox_deliveries (consumer) WHERE status = 'PARKED';
