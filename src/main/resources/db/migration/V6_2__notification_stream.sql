-- A monotonic position per notification for the live stream: the SSE event id, and what Last-Event-ID replays from.
ALTER TABLE notifications ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX notifications_citizen_seq ON notifications (citizen_id, seq);
-- The dashboard's unread count.
CREATE INDEX notifications_unread ON notifications (citizen_id) WHERE read_at IS NULL;
