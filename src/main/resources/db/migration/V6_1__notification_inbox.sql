-- Notification inbox: stored messages a citizen lists and marks read. dedup_key makes a redelivered event harmless.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY,
    citizen_id uuid        NOT NULL,
    type       text        NOT NULL,
    title      text        NOT NULL,
    body       text        NOT NULL,
    dedup_key  text        NOT NULL,
    created_at timestamptz NOT NULL,
    read_at    timestamptz,
    CONSTRAINT notifications_dedup UNIQUE (citizen_id, dedup_key)
);
CREATE INDEX notifications_citizen ON notifications (citizen_id, created_at DESC, id DESC);
