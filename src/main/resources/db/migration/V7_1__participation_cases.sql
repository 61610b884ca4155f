-- Participation (12345-style cases): departments and their staff, categories with their routing, cases and their
-- timeline. Cross-module ids (citizens, hospitals) are plain uuids: no foreign keys into other modules' tables.

CREATE TABLE participation_departments (
    id          uuid PRIMARY KEY,
    code        text        NOT NULL UNIQUE,
    kind        text        NOT NULL CHECK (kind IN ('TRANSIT_OPERATOR', 'WATER_COMPANY', 'POWER_COMPANY', 'HOSPITAL', 'CITY_OFFICE')),
    name        text        NOT NULL,
    name_en     text        NOT NULL,
    -- Set for kind HOSPITAL: the booking module's hospital this department answers for (one department per hospital).
    hospital_id uuid UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'HOSPITAL') = (hospital_id IS NOT NULL))
);

-- The fixed departments; hospital departments are added when a case first names that hospital.
INSERT INTO participation_departments (id, code, kind, name, name_en) VALUES
    ('7a000000-0000-4000-8000-000000000001', 'TRANSIT', 'TRANSIT_OPERATOR', '市公共交通集团', 'City Transit Operator'),
    ('7a000000-0000-4000-8000-000000000002', 'WATER', 'WATER_COMPANY', '市自来水公司', 'City Water Company'),
    ('7a000000-0000-4000-8000-000000000003', 'POWER', 'POWER_COMPANY', '市供电局', 'City Power Company'),
    ('7a000000-0000-4000-8000-000000000004', 'CITY_OFFICE', 'CITY_OFFICE', '市政务服务热线办公室', 'City 12345 Office');

-- Who handles a department's cases, granted by an admin (like booking's hospital staff): the row is the authority.
-- A SUPERVISOR also assigns cases to the department's handlers and transfers them; a HANDLER works on cases.
CREATE TABLE participation_staff (
    department_id uuid        NOT NULL REFERENCES participation_departments (id),
    citizen_id    uuid        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('HANDLER', 'SUPERVISOR')),
    added_at      timestamptz NOT NULL,
    PRIMARY KEY (department_id, citizen_id)
);
CREATE INDEX participation_staff_citizen ON participation_staff (citizen_id);

-- Categories and the department each is routed to when the case names no subject (routing rules as data).
CREATE TABLE participation_categories (
    code            text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z_]{1,39}$'),
    name            text NOT NULL,
    name_en         text NOT NULL,
    department_code text NOT NULL REFERENCES participation_departments (code)
);
INSERT INTO participation_categories (code, name, name_en, department_code) VALUES
    ('TRANSIT', '公共交通', 'Public transport', 'TRANSIT'),
    ('WATER', '供水', 'Water supply', 'WATER'),
    ('ELECTRICITY', '供电', 'Electricity supply', 'POWER'),
    ('HEALTHCARE', '医疗服务', 'Healthcare', 'CITY_OFFICE'),
    ('ENVIRONMENT', '环境卫生', 'Environment and sanitation', 'CITY_OFFICE'),
    ('ROADS', '道路设施', 'Roads and street furniture', 'CITY_OFFICE'),
    ('PUBLIC_SERVICE', '政务服务', 'Public services', 'CITY_OFFICE'),
    ('OTHER', '其他', 'Other', 'CITY_OFFICE');

CREATE SEQUENCE participation_case_number;

CREATE TABLE participation_cases (
    id              uuid PRIMARY KEY,
    reference       text             NOT NULL UNIQUE,
    citizen_id      uuid             NOT NULL,
    type            text             NOT NULL CHECK (type IN ('COMPLAINT', 'SUGGESTION', 'ENQUIRY', 'PRAISE')),
    category        text             NOT NULL REFERENCES participation_categories (code),
    title           text             NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body            text             NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    lat             double precision CHECK (lat BETWEEN -90 AND 90),
    lon             double precision CHECK (lon BETWEEN -180 AND 180),
    subject_kind    text             CHECK (subject_kind IN ('STOP', 'ROUTE', 'ACCOUNT', 'BILL', 'APPOINTMENT', 'HOSPITAL')),
    subject_id      text,
    public_consent  boolean          NOT NULL,
    status          text             NOT NULL CHECK (status IN ('SUBMITTED', 'ACCEPTED', 'ASSIGNED', 'REPLIED', 'CLOSED', 'REJECTED',
                                                                'TRANSFERRED', 'WITHDRAWN')),
    department_id   uuid             NOT NULL REFERENCES participation_departments (id),
    assignee_id     uuid,
    reply           text,
    reject_reason   text,
    submitted_at    timestamptz      NOT NULL,
    accepted_at     timestamptz,
    replied_at      timestamptz,
    closed_at       timestamptz,
    ack_due_at      timestamptz      NOT NULL,
    reply_due_at    timestamptz      NOT NULL,
    -- The deadline the case is waiting on now (acknowledge or reply); NULL once nothing is due from the department.
    next_due_at     timestamptz,
    -- The deadline the escalation job last flagged, so each missed deadline is flagged once.
    escalated_due_at timestamptz,
    overdue         boolean          NOT NULL DEFAULT false,
    reopened        boolean          NOT NULL DEFAULT false,
    satisfied       boolean,
    follow_up_of    uuid,
    version         int              NOT NULL DEFAULT 0,
    updated_at      timestamptz      NOT NULL,
    CHECK ((subject_kind IS NULL) = (subject_id IS NULL)),
    CHECK ((lat IS NULL) = (lon IS NULL)),
    CHECK (status <> 'REJECTED' OR reject_reason IS NOT NULL),
    CHECK (status <> 'REPLIED' OR reply IS NOT NULL)
);
CREATE INDEX participation_cases_citizen ON participation_cases (citizen_id, submitted_at DESC, id DESC);
CREATE INDEX participation_cases_queue ON participation_cases (department_id, (coalesce(next_due_at, 'infinity'::timestamptz)), id);
CREATE INDEX participation_cases_due ON participation_cases (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX participation_cases_public ON participation_cases (replied_at DESC, id DESC) WHERE public_consent AND replied_at IS NOT NULL;

-- Everything that happened to a case, oldest first: the timeline its submitter and handlers see.
CREATE TABLE participation_case_events (
    id            bigserial PRIMARY KEY,
    case_id       uuid        NOT NULL REFERENCES participation_cases (id),
    at            timestamptz NOT NULL,
    actor_id      uuid,
    actor_kind    text        NOT NULL CHECK (actor_kind IN ('CITIZEN', 'STAFF', 'SYSTEM')),
    kind          text        NOT NULL,
    from_status   text,
    to_status     text,
    department_id uuid,
    note          text
);
CREATE INDEX participation_case_events_case ON participation_case_events (case_id, id);
