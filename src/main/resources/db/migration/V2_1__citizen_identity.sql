-- Citizen identity: accounts, roles, refresh tokens. Other modules reference citizens by plain uuid (no FKs).
CREATE TABLE citizen (
    id               uuid PRIMARY KEY,
    phone            text        NOT NULL,
    password_hash    text        NOT NULL,
    real_name        text        NOT NULL,
    -- AES-256-GCM: version byte, 12-byte nonce, ciphertext and tag. NULL for accounts without an ID card (operators).
    id_number_cipher bytea,
    -- HMAC-SHA256 of the normalised number: uniqueness without storing it in the clear.
    id_number_hash   bytea,
    id_number_masked text,
    created_at       timestamptz NOT NULL,
    CONSTRAINT citizen_phone_key UNIQUE (phone),
    CONSTRAINT citizen_id_number_hash_key UNIQUE (id_number_hash),
    CONSTRAINT citizen_phone_format CHECK (phone ~ '^1[3-9][0-9]{9}$')
);

CREATE TABLE citizen_role (
    citizen_id uuid        NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('CITIZEN', 'HOSPITAL_STAFF', 'UTILITY_OPERATOR', 'ADMIN')),
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (citizen_id, role)
);

-- One row per refresh token ever issued; only the SHA-256 of the token is kept. A family is one login
-- session: rotation adds a row to it, logout or reuse of a rotated token revokes all of it.
CREATE TABLE citizen_refresh_token (
    token_hash bytea PRIMARY KEY,
    citizen_id uuid        NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
    family_id  uuid        NOT NULL,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX citizen_refresh_token_family_idx ON citizen_refresh_token (family_id);
CREATE INDEX citizen_refresh_token_citizen_idx ON citizen_refresh_token (citizen_id);
