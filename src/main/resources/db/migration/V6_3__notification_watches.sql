-- Trips a citizen watches at a stop, to be told when the bus is 2 stops away. stop_id and trip_id are transit API
-- ids (no cross-module keys). A watch expires after the trip has passed the stop (expires_at).
CREATE TABLE notification_watches (
    id          uuid PRIMARY KEY,
    citizen_id  uuid        NOT NULL,
    stop_id     text        NOT NULL,
    trip_id     text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    notified_at timestamptz,
    CONSTRAINT notification_watches_once UNIQUE (citizen_id, stop_id, trip_id)
);
CREATE INDEX notification_watches_citizen ON notification_watches (citizen_id, created_at);
CREATE INDEX notification_watches_pending ON notification_watches (stop_id) WHERE notified_at IS NULL;
