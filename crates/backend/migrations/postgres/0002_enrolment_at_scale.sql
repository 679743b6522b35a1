-- Enrolment at scale: a code carries force IT's label for the device it is meant for, when it
-- was issued, and whether it was withdrawn; a device keeps its code's label and the app
-- version it last reported.
ALTER TABLE enrolment_codes ADD COLUMN label TEXT;
ALTER TABLE enrolment_codes ADD COLUMN issued_at BIGINT;
ALTER TABLE enrolment_codes ADD COLUMN withdrawn_at BIGINT;
ALTER TABLE devices ADD COLUMN label TEXT;
ALTER TABLE devices ADD COLUMN app_version TEXT;
