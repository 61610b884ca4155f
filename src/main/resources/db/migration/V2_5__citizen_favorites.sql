-- A citizen's favourite transit stops (API stop ids, feed-scoped). No foreign key to transit: stops are validated
-- through transit's StopBoards when added. At most 20 per citizen, enforced by the insert statement itself.
CREATE TABLE citizen_favorite_stops (
    citizen_id uuid        NOT NULL,
    stop_id    text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (citizen_id, stop_id)
);
