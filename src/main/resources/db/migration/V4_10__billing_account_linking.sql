-- Linking utility accounts safely (issue #10): what the utility knows about the holder, beyond name and ID ending.
-- holder_id_cipher: AES-GCM of the holder's full ID number (the citizen module's ID key); holder_id_fingerprint:
-- its keyed HMAC, compared with citizen.id_number_hash to link at once. holder_phone: the number on file at the
-- utility, in E.164, where one-time codes go. Rows imported before this migration have neither: the utility
-- never gave us the full number, so nothing can be back-filled; a re-import with holderIdNumber/holderPhone fills them.
ALTER TABLE billing_accounts
    ADD COLUMN holder_id_cipher      bytea,
    ADD COLUMN holder_id_fingerprint bytea,
    ADD COLUMN holder_phone          text CHECK (holder_phone IS NULL OR holder_phone ~ '^\+[1-9][0-9]{6,14}$');
CREATE INDEX billing_accounts_holder ON billing_accounts (holder_id_fingerprint) WHERE holder_id_fingerprint IS NOT NULL;

-- How each link was made; LEGACY for links made by name and ID ending before this migration.
ALTER TABLE billing_account_links
    ADD COLUMN method text NOT NULL DEFAULT 'LEGACY'
        CHECK (method IN ('LEGACY', 'ID_MATCH', 'SMS_CODE', 'HOLDER_APPROVAL'));

-- A pending link: confirmed by a one-time code (only its SHA-256 with the row id is kept) or by the holder.
-- attempts only grows through a conditional UPDATE (attempts < max_attempts), so parallel guesses cannot exceed it.
CREATE TABLE billing_link_verifications (
    id            uuid PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES billing_accounts (id),
    citizen_id    uuid        NOT NULL,
    method        text        NOT NULL CHECK (method IN ('SMS_CODE', 'HOLDER_APPROVAL')),
    code_hash     bytea,
    attempts      int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  int         NOT NULL CHECK (max_attempts >= 1),
    status        text        NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'FAILED', 'REJECTED', 'CANCELLED')),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    decided_at    timestamptz,
    CHECK (method <> 'SMS_CODE' OR code_hash IS NOT NULL)
);
-- One open request per citizen and account: a new request replaces the old one.
CREATE UNIQUE INDEX billing_link_verifications_one_pending ON billing_link_verifications (account_id, citizen_id)
    WHERE status = 'PENDING';
CREATE INDEX billing_link_verifications_citizen ON billing_link_verifications (citizen_id, created_at DESC);
CREATE INDEX billing_link_verifications_pending ON billing_link_verifications (account_id) WHERE status = 'PENDING';
