-- Paying someone else's bill (a parent's) by the account number printed on it (issue #10): a citizen who looked the
-- account up may pay its open bills for a while without being linked, and sees nothing else of the account.
-- One row per (citizen, bill); looked_up_at is refreshed by a new lookup. Rows older than the window mean nothing
-- and are deleted by the next lookup of the same citizen.
CREATE TABLE billing_bill_lookups (
    citizen_id   uuid        NOT NULL,
    bill_id      uuid        NOT NULL REFERENCES billing_bills (id),
    looked_up_at timestamptz NOT NULL,
    PRIMARY KEY (citizen_id, bill_id)
);
CREATE INDEX billing_bill_lookups_bill ON billing_bill_lookups (bill_id);
