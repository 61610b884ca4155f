-- Cases to file into the city's 12345 system, written in the transaction that accepts the case (when forwarding is
-- on), so none is lost: the forwarder claims due rows (SKIP LOCKED, a lease in next_attempt_at), files PENDING ones,
-- polls FILED ones for the hotline's status and reply, and retries failures with backoff. A request the hotline
-- refuses (4xx) is PARKED for a person to look at.
CREATE TABLE participation_forwarding (
    case_id         uuid PRIMARY KEY REFERENCES participation_cases (id),
    state           text        NOT NULL CHECK (state IN ('PENDING', 'FILED', 'DONE', 'PARKED')),
    external_id     text,
    external_status text,
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK (state <> 'FILED' OR external_id IS NOT NULL)
);
CREATE INDEX participation_forwarding_due ON participation_forwarding (next_attempt_at) WHERE state IN ('PENDING', 'FILED');
