-- Password reset by a code texted to the citizen's phone. Only SHA-256(id:code) is kept; attempts only grow
-- through a conditional UPDATE (attempts < max_attempts), so parallel guesses cannot exceed it; used_at makes a
-- code single-use. Rows go with the citizen.
CREATE TABLE citizen_password_reset (
    id           uuid PRIMARY KEY,
    citizen_id   uuid        NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
    code_hash    bytea       NOT NULL,
    attempts     int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts int         NOT NULL CHECK (max_attempts >= 1),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    cancelled_at timestamptz
);
-- One open reset per citizen: a new request cancels the previous one.
CREATE UNIQUE INDEX citizen_password_reset_one_open ON citizen_password_reset (citizen_id)
    WHERE used_at IS NULL AND cancelled_at IS NULL;
