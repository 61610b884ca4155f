-- A refund sent with an Idempotency-Key carries it, so a retry whose first attempt was released after this row was
-- written (the client went away while the provider was being asked) resumes that refund instead of writing a second.
ALTER TABLE billing_refunds ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX billing_refunds_one_per_key ON billing_refunds (operator_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
