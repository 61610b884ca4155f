-- Append-only audit trail, hash-chained per partition: each row's hash covers its content and the previous
-- row's hash in the same chain. Appends to one chain are serialized by a transaction-scoped advisory lock;
-- spreading actors over several chains keeps concurrent writers from queueing behind one lock.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chain       int         NOT NULL,
    chain_seq   bigint      NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor_id    uuid,
    actor_role  text,
    action      text        NOT NULL,
    target      text,
    outcome     text        NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILURE', 'DENIED')),
    request_id  text,
    client_ip   text,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL,
    UNIQUE (chain, chain_seq)
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_time ON audit_log (occurred_at);

-- Append-only: the application never updates or deletes audit rows. (A superuser can still edit rows;
-- that is exactly what the hash chain makes visible.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT WHEN (current_setting('onestop.audit_maintenance', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_log_append_only();
