-- Billing: utility accounts, links to citizens, meter readings, effective-dated tariffs, bills, payments,
-- receipts and refunds. Money is integer fen (bigint); quantities and unit prices are exact numerics.
CREATE TABLE billing_accounts (
    id               uuid PRIMARY KEY,
    utility          text        NOT NULL CHECK (utility IN ('WATER', 'ELECTRICITY')),
    account_number   text        NOT NULL,
    service_address  text        NOT NULL,
    household_size   int         NOT NULL CHECK (household_size BETWEEN 1 AND 50),
    holder_name      text        NOT NULL,
    holder_id_last4  text        NOT NULL,
    initial_reading  numeric(14, 3) NOT NULL DEFAULT 0 CHECK (initial_reading >= 0),
    status           text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CLOSED')),
    created_at       timestamptz NOT NULL,
    UNIQUE (utility, account_number)
);

-- Several citizens may link one account (a family). citizen_id is a plain uuid: no cross-module foreign key.
CREATE TABLE billing_account_links (
    account_id  uuid        NOT NULL REFERENCES billing_accounts (id),
    citizen_id  uuid        NOT NULL,
    linked_at   timestamptz NOT NULL,
    PRIMARY KEY (account_id, citizen_id)
);
CREATE INDEX billing_account_links_citizen ON billing_account_links (citizen_id);

-- Meter statuses copied from DIGIT (eGov) ws-calculator.
CREATE TABLE billing_meter_readings (
    id            uuid PRIMARY KEY,
    account_id    uuid           NOT NULL REFERENCES billing_accounts (id),
    period        date           NOT NULL CHECK (extract(day FROM period) = 1),
    reading       numeric(14, 3) NOT NULL CHECK (reading >= 0),
    usage         numeric(14, 3) NOT NULL CHECK (usage >= 0),
    meter_status  text           NOT NULL CHECK (meter_status IN ('WORKING', 'LOCKED', 'BREAKDOWN', 'RESET', 'REPLACED')),
    recorded_at   timestamptz    NOT NULL,
    UNIQUE (account_id, period)
);

-- A tariff applies to a utility from effective_from (inclusive) to effective_to (exclusive, open when NULL),
-- in the listed calendar months (a season). Households of at least large_household_min_size people get
-- large_household_extra_units added to every band threshold.
CREATE TABLE billing_tariffs (
    id                          uuid PRIMARY KEY,
    utility                     text           NOT NULL CHECK (utility IN ('WATER', 'ELECTRICITY')),
    name                        text           NOT NULL,
    unit                        text           NOT NULL,
    months                      int[]          NOT NULL,
    effective_from              date           NOT NULL,
    effective_to                date,
    large_household_min_size    int,
    large_household_extra_units numeric(14, 3) NOT NULL DEFAULT 0,
    note                        text,
    created_at                  timestamptz    NOT NULL,
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX billing_tariffs_lookup ON billing_tariffs (utility, effective_from);

CREATE TABLE billing_tariff_bands (
    tariff_id   uuid           NOT NULL REFERENCES billing_tariffs (id),
    band_no     int            NOT NULL CHECK (band_no >= 1),
    lower_units numeric(14, 3) NOT NULL CHECK (lower_units >= 0),
    upper_units numeric(14, 3),
    unit_price  numeric(16, 8) NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (tariff_id, band_no),
    CHECK (upper_units IS NULL OR upper_units > lower_units)
);

CREATE TABLE billing_bills (
    id           uuid PRIMARY KEY,
    account_id   uuid           NOT NULL REFERENCES billing_accounts (id),
    period       date           NOT NULL,
    reading_id   uuid           NOT NULL REFERENCES billing_meter_readings (id),
    tariff_id    uuid           NOT NULL REFERENCES billing_tariffs (id),
    usage        numeric(14, 3) NOT NULL,
    total_fen    bigint         NOT NULL CHECK (total_fen >= 0),
    currency     text           NOT NULL DEFAULT 'CNY',
    status       text           NOT NULL CHECK (status IN ('ACTIVE', 'PAID', 'EXPIRED', 'CANCELLED')),
    due_date     date           NOT NULL,
    created_at   timestamptz    NOT NULL,
    paid_at      timestamptz
);
-- One live bill per account and period, enforced by the database (a PAID bill is still the period's bill).
CREATE UNIQUE INDEX billing_bills_one_active ON billing_bills (account_id, period) WHERE status IN ('ACTIVE', 'PAID');
CREATE INDEX billing_bills_account ON billing_bills (account_id, period DESC);

CREATE TABLE billing_bill_lines (
    bill_id     uuid           NOT NULL REFERENCES billing_bills (id),
    line_no     int            NOT NULL,
    description text           NOT NULL,
    quantity    numeric(14, 3) NOT NULL,
    unit        text           NOT NULL,
    unit_price  numeric(16, 8) NOT NULL,
    amount_fen  bigint         NOT NULL,
    PRIMARY KEY (bill_id, line_no)
);

CREATE TABLE billing_payments (
    id                uuid PRIMARY KEY,
    bill_id           uuid        NOT NULL REFERENCES billing_bills (id),
    citizen_id        uuid        NOT NULL,
    amount_fen        bigint      NOT NULL CHECK (amount_fen > 0),
    currency          text        NOT NULL DEFAULT 'CNY',
    channel           text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('CREATED', 'PENDING', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'REFUNDED')),
    provider_ref      text,
    failure_reason    text,
    refunded_fen      bigint      NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
    check_attempts    int         NOT NULL DEFAULT 0,
    next_check_at     timestamptz,
    reconciling_until timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
-- At most one open payment per bill: the second concurrent payment fails here, not in a read-then-write.
CREATE UNIQUE INDEX billing_payments_one_open ON billing_payments (bill_id) WHERE status IN ('CREATED', 'PENDING', 'UNKNOWN');
-- At most one successful payment per bill.
CREATE UNIQUE INDEX billing_payments_one_success ON billing_payments (bill_id) WHERE status IN ('SUCCEEDED', 'REFUNDED');
CREATE INDEX billing_payments_citizen ON billing_payments (citizen_id, created_at DESC, id DESC);
CREATE INDEX billing_payments_bill ON billing_payments (bill_id);
CREATE INDEX billing_payments_due_checks ON billing_payments (next_check_at) WHERE status IN ('CREATED', 'PENDING', 'UNKNOWN');

CREATE SEQUENCE billing_receipt_seq;
CREATE TABLE billing_receipts (
    receipt_number text PRIMARY KEY,
    payment_id     uuid        NOT NULL UNIQUE REFERENCES billing_payments (id),
    bill_id        uuid        NOT NULL REFERENCES billing_bills (id),
    account_id     uuid        NOT NULL REFERENCES billing_accounts (id),
    amount_fen     bigint      NOT NULL,
    currency       text        NOT NULL,
    issued_at      timestamptz NOT NULL
);

CREATE TABLE billing_refunds (
    id           uuid PRIMARY KEY,
    payment_id   uuid        NOT NULL REFERENCES billing_payments (id),
    amount_fen   bigint      NOT NULL CHECK (amount_fen > 0),
    reason       text,
    operator_id  uuid        NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX billing_refunds_payment ON billing_refunds (payment_id);
