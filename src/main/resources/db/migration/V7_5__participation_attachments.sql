-- Photos attached to a case by its submitter, kept in PostgreSQL so they survive restarts and are shared by every
-- instance. The type is what the bytes are (sniffed), not what the client said.
CREATE TABLE participation_attachments (
    id         uuid PRIMARY KEY,
    case_id    uuid        NOT NULL REFERENCES participation_cases (id),
    media_type text        NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes int         NOT NULL CHECK (size_bytes > 0),
    content    bytea       NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX participation_attachments_case ON participation_attachments (case_id, created_at);
