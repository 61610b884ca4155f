-- A claim's token: the usingWhen cleanup of a payment's claim releases only its own claim, never a later
-- takeover of the same key (decision 0002). Records completed in a single transaction have none.
ALTER TABLE idempotency_keys ADD COLUMN claim_token uuid;
