-- Ratings (好差评) of a service a citizen used: a completed payment, a fulfilled appointment, a closed case. One rating
-- per thing rated, enforced here; a low score opens a follow-up case for the department (follow_up_case_id).
CREATE TABLE participation_ratings (
    id                uuid PRIMARY KEY,
    citizen_id        uuid        NOT NULL,
    subject_kind      text        NOT NULL CHECK (subject_kind IN ('PAYMENT', 'APPOINTMENT', 'CASE')),
    subject_id        uuid        NOT NULL,
    department_id     uuid        NOT NULL REFERENCES participation_departments (id),
    score             int         NOT NULL CHECK (score BETWEEN 1 AND 5),
    body              text        CHECK (length(body) <= 1000),
    follow_up_case_id uuid        REFERENCES participation_cases (id),
    created_at        timestamptz NOT NULL,
    UNIQUE (subject_kind, subject_id)
);
CREATE INDEX participation_ratings_department ON participation_ratings (department_id, subject_kind);
CREATE INDEX participation_ratings_citizen ON participation_ratings (citizen_id, created_at DESC, id DESC);
