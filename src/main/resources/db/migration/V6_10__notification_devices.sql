-- Delivery channels (issue #13). A citizen's devices: today Web Push subscriptions (RFC 8030 endpoint, RFC 8291 keys).
CREATE TABLE notification_devices (
    id         uuid PRIMARY KEY,
    citizen_id uuid        NOT NULL,
    type       text        NOT NULL CHECK (type IN ('WEB_PUSH')),
    endpoint   text        NOT NULL,
    p256dh     text        NOT NULL,
    auth       text        NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT notification_devices_endpoint UNIQUE (citizen_id, endpoint)
);

-- One row per (notification, channel, target): what was sent where, so a redelivered event sends nothing twice and
-- the daily SMS cap counts what was really sent. target is a device id (WEB_PUSH) or 'phone' (SMS).
CREATE TABLE notification_deliveries (
    notification_id uuid        NOT NULL,
    channel         text        NOT NULL CHECK (channel IN ('WEB_PUSH', 'SMS')),
    target          text        NOT NULL,
    citizen_id      uuid        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('PENDING', 'SENT', 'GONE', 'REJECTED', 'SKIPPED')),
    attempts        int         NOT NULL DEFAULT 0,
    detail          text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    PRIMARY KEY (notification_id, channel, target)
);
CREATE INDEX notification_deliveries_sms_day ON notification_deliveries (citizen_id, created_at) WHERE channel = 'SMS';
