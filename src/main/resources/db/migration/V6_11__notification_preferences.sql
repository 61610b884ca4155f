-- A citizen's notification preferences (issue #13). No row: the defaults (docs/onestop.md). channels maps a
-- notification type to the channels beyond the inbox ('WEB_PUSH', 'SMS'); quiet hours are local times in time_zone.
CREATE TABLE notification_preferences (
    citizen_id    uuid PRIMARY KEY,
    channels      jsonb       NOT NULL,
    quiet_start   time,
    quiet_end     time,
    time_zone     text        NOT NULL,
    sms_daily_cap int         NOT NULL CHECK (sms_daily_cap BETWEEN 0 AND 20),
    updated_at    timestamptz NOT NULL,
    CONSTRAINT notification_preferences_quiet CHECK ((quiet_start IS NULL) = (quiet_end IS NULL) AND (quiet_start IS NULL OR quiet_start <> quiet_end))
);
