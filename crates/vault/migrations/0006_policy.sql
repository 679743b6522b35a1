-- 0006: the force's policy on the readable copy of a finalised record: kept until the
-- gateway's receipt (0, the default) or destroyed at sealing (1).
ALTER TABLE device ADD COLUMN destroy_copy_at_sealing INTEGER NOT NULL DEFAULT 0;
