-- Booking: hospitals, their catalogue and timetable, slots (号源) and appointments.
-- Capacity and per-patient rules are enforced here, by conditional statements, constraints and one trigger.

CREATE TABLE hospitals (
    id                          uuid PRIMARY KEY,
    name                        text             NOT NULL,
    address                     text             NOT NULL,
    lat                         double precision,
    lon                         double precision,
    level                       text             NOT NULL,
    phone                       text,
    zone                        text             NOT NULL DEFAULT 'Asia/Shanghai',
    release_days_ahead          int              NOT NULL DEFAULT 7 CHECK (release_days_ahead BETWEEN 0 AND 90),
    release_time                time             NOT NULL DEFAULT '07:00',
    cancel_deadline_days_before int              NOT NULL DEFAULT 0 CHECK (cancel_deadline_days_before BETWEEN 0 AND 30),
    created_at                  timestamptz      NOT NULL
);
CREATE INDEX hospitals_name ON hospitals (lower(name), id);

CREATE TABLE departments (
    id          uuid PRIMARY KEY,
    hospital_id uuid NOT NULL REFERENCES hospitals (id),
    name        text NOT NULL,
    description text,
    UNIQUE (hospital_id, name)
);

CREATE TABLE doctors (
    id               uuid PRIMARY KEY,
    hospital_id      uuid   NOT NULL REFERENCES hospitals (id),
    department_id    uuid   NOT NULL REFERENCES departments (id),
    name             text   NOT NULL,
    title            text   NOT NULL,
    specialty        text,
    registration_fee_fen bigint NOT NULL CHECK (registration_fee_fen >= 0)
);
CREATE INDEX doctors_department ON doctors (department_id, name, id);

-- A doctor's session on a calendar day of the hospital's zone.
CREATE TABLE schedules (
    id             uuid PRIMARY KEY,
    hospital_id    uuid        NOT NULL REFERENCES hospitals (id),
    department_id  uuid        NOT NULL REFERENCES departments (id),
    doctor_id      uuid        NOT NULL REFERENCES doctors (id),
    visit_date     date        NOT NULL,
    period         text        NOT NULL CHECK (period IN ('MORNING', 'AFTERNOON', 'EVENING')),
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL CHECK (ends_at > starts_at),
    release_at     timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'SUSPENDED')),
    suspend_reason text,
    UNIQUE (doctor_id, visit_date, period)
);
CREATE INDEX schedules_department_day ON schedules (department_id, visit_date, starts_at, id);
CREATE INDEX schedules_doctor_day ON schedules (doctor_id, visit_date, starts_at, id);

-- Numbered slots. The schedule's facts are copied here so that taking capacity is one UPDATE of one row.
CREATE TABLE slots (
    id              uuid PRIMARY KEY,
    schedule_id     uuid        NOT NULL REFERENCES schedules (id),
    hospital_id     uuid        NOT NULL,
    department_id   uuid        NOT NULL,
    doctor_id       uuid        NOT NULL,
    visit_date      date        NOT NULL,
    number          int         NOT NULL CHECK (number > 0),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL CHECK (ends_at > starts_at),
    session_ends_at timestamptz NOT NULL,
    release_at      timestamptz NOT NULL,
    capacity        int         NOT NULL CHECK (capacity BETWEEN 0 AND 10000),
    booked          int         NOT NULL DEFAULT 0,
    open            boolean     NOT NULL DEFAULT true,
    CONSTRAINT slots_booked_within_capacity CHECK (booked >= 0 AND booked <= capacity),
    UNIQUE (schedule_id, number)
);

CREATE TABLE family_members (
    id           uuid PRIMARY KEY,
    citizen_id   uuid        NOT NULL,
    name         text        NOT NULL,
    id_number    text        NOT NULL,
    relationship text        NOT NULL,
    created_at   timestamptz NOT NULL,
    CONSTRAINT family_members_unique_person UNIQUE (citizen_id, id_number)
);

CREATE TABLE appointment_transitions (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO appointment_transitions (from_status, to_status) VALUES
    ('PENDING', 'BOOKED'), ('PENDING', 'CANCELLED'),
    ('BOOKED', 'ARRIVED'), ('BOOKED', 'CHECKED_IN'), ('BOOKED', 'CANCELLED'), ('BOOKED', 'NOSHOW'),
    ('ARRIVED', 'CHECKED_IN'), ('ARRIVED', 'FULFILLED'), ('ARRIVED', 'CANCELLED'),
    ('CHECKED_IN', 'FULFILLED'),
    ('PENDING', 'ENTERED_IN_ERROR'), ('BOOKED', 'ENTERED_IN_ERROR'), ('ARRIVED', 'ENTERED_IN_ERROR'),
    ('CHECKED_IN', 'ENTERED_IN_ERROR'), ('NOSHOW', 'ENTERED_IN_ERROR'), ('FULFILLED', 'ENTERED_IN_ERROR');

CREATE TABLE appointments (
    id                uuid PRIMARY KEY,
    citizen_id        uuid        NOT NULL,
    patient_id        uuid        NOT NULL,
    slot_id           uuid        NOT NULL REFERENCES slots (id),
    schedule_id       uuid        NOT NULL,
    hospital_id       uuid        NOT NULL,
    department_id     uuid        NOT NULL,
    doctor_id         uuid        NOT NULL,
    visit_date        date        NOT NULL,
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL,
    session_ends_at   timestamptz NOT NULL,
    cancel_deadline   timestamptz NOT NULL,
    status            text        NOT NULL CHECK (status IN ('PENDING', 'BOOKED', 'ARRIVED', 'CHECKED_IN', 'FULFILLED',
                                                             'CANCELLED', 'NOSHOW', 'ENTERED_IN_ERROR')),
    hold_expires_at   timestamptz,
    status_reason     text,
    status_changed_by uuid,
    rescheduled_from  uuid,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK (status <> 'PENDING' OR hold_expires_at IS NOT NULL)
);
-- One active appointment per patient per department per day; never twice on one slot.
CREATE UNIQUE INDEX appointments_one_per_department_day ON appointments (patient_id, department_id, visit_date)
    WHERE status IN ('PENDING', 'BOOKED', 'ARRIVED', 'CHECKED_IN');
CREATE UNIQUE INDEX appointments_one_per_slot ON appointments (patient_id, slot_id)
    WHERE status IN ('PENDING', 'BOOKED', 'ARRIVED', 'CHECKED_IN');
CREATE INDEX appointments_citizen ON appointments (citizen_id, created_at DESC, id DESC);
CREATE INDEX appointments_hospital_day ON appointments (hospital_id, visit_date, starts_at, id);
CREATE INDEX appointments_held ON appointments (hold_expires_at) WHERE status = 'PENDING';
CREATE INDEX appointments_due ON appointments (session_ends_at) WHERE status = 'BOOKED';
CREATE INDEX appointments_noshows ON appointments (citizen_id, updated_at) WHERE status = 'NOSHOW';

CREATE TABLE appointment_history (
    id             bigserial PRIMARY KEY,
    appointment_id uuid        NOT NULL REFERENCES appointments (id),
    from_status    text,
    to_status      text        NOT NULL,
    actor          uuid,
    reason         text,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX appointment_history_appointment ON appointment_history (appointment_id, id);

-- The configurable cap of active appointments per patient (written from onestop.booking.max-active-per-patient
-- at startup) and the running count the trigger below keeps under it.
CREATE TABLE booking_policy (
    id                     boolean PRIMARY KEY DEFAULT true CHECK (id),
    max_active_per_patient int     NOT NULL CHECK (max_active_per_patient > 0)
);
INSERT INTO booking_policy (id, max_active_per_patient) VALUES (true, 5);

CREATE TABLE booking_patient_load (
    patient_id uuid PRIMARY KEY,
    active     int NOT NULL CHECK (active >= 0)
);

-- Every status change: refuse transitions not in the table, write the history row, keep the per-patient
-- count of active appointments and refuse the one over the cap. The counter row is locked by the upsert, so
-- concurrent bookings of one patient are serialised here and the cap cannot be overrun.
CREATE FUNCTION appointments_on_status() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_active boolean := TG_OP = 'UPDATE' AND OLD.status IN ('PENDING', 'BOOKED', 'ARRIVED', 'CHECKED_IN');
    is_active  boolean := NEW.status IN ('PENDING', 'BOOKED', 'ARRIVED', 'CHECKED_IN');
    load       int;
    cap        int;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.status = NEW.status THEN
            RETURN NEW;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM appointment_transitions WHERE from_status = OLD.status AND to_status = NEW.status) THEN
            RAISE EXCEPTION 'INVALID_TRANSITION % -> %', OLD.status, NEW.status USING ERRCODE = 'check_violation',
                CONSTRAINT = 'appointment_transitions';
        END IF;
    END IF;
    INSERT INTO appointment_history (appointment_id, from_status, to_status, actor, reason, at)
    VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status, NEW.status_changed_by,
            NEW.status_reason, NEW.updated_at);
    IF is_active AND NOT was_active THEN
        INSERT INTO booking_patient_load AS l (patient_id, active) VALUES (NEW.patient_id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET active = l.active + 1
        RETURNING l.active INTO load;
        SELECT max_active_per_patient INTO cap FROM booking_policy;
        IF load > cap THEN
            RAISE EXCEPTION 'PATIENT_CAP_REACHED % active', load - 1 USING ERRCODE = 'check_violation',
                CONSTRAINT = 'booking_patient_cap';
        END IF;
    ELSIF was_active AND NOT is_active THEN
        UPDATE booking_patient_load SET active = active - 1 WHERE patient_id = NEW.patient_id;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER appointments_status AFTER INSERT OR UPDATE OF status ON appointments
    FOR EACH ROW EXECUTE FUNCTION appointments_on_status();

-- No-show penalties. One row per citizen; lifted_at set by an admin.
CREATE TABLE booking_suspensions (
    citizen_id uuid PRIMARY KEY,
    until      timestamptz NOT NULL,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL,
    lifted_at  timestamptz,
    lifted_by  uuid
);

-- Staff accounts and the one hospital each works for.
CREATE TABLE hospital_staff (
    citizen_id  uuid PRIMARY KEY,
    hospital_id uuid        NOT NULL REFERENCES hospitals (id),
    created_at  timestamptz NOT NULL
);
