-- 0008: beside the English words of a sync problem (for logs and force IT), a stable kind the
-- app words in the officer's language (English or Welsh). NULL for rows from before.
ALTER TABLE outbox ADD COLUMN reason_kind TEXT;
ALTER TABLE sync_log ADD COLUMN last_error_kind TEXT;
