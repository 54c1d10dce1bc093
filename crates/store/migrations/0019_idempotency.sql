-- Idempotency keys for every create (issue #18), in the table the linkage claims already use
-- (migration 2): the first answer to a request, so that a repeat (a retry after a lost answer,
-- a double click) answers it again instead of creating twice. Operational state beside the
-- ledger, like sessions, written in the same transaction as the create it records.
-- `principal` is the scope (the operation and who asked). Answers now expire: `expires_at` is
-- NULL for the rows of before, which keep their old meaning (kept for good), and is indexed so
-- that expired rows are purged cheaply.
ALTER TABLE idempotency_keys ADD COLUMN created_at INTEGER;
ALTER TABLE idempotency_keys ADD COLUMN expires_at INTEGER;
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
