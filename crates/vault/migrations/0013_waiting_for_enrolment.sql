-- 0013: a record finalised before the device is enrolled is locked (finalised_at set) and waits
-- for enrolment: `waiting_notes` holds what its main record says besides the answers (deferred
-- gates, grading below the guidance), sealed under the record's key; the first unlock after
-- enrolment seals it and clears this (src/vault/finalise.rs).
ALTER TABLE assessments ADD COLUMN waiting_notes BLOB;
