-- 0009: the force's signed key set. The force root public key the device trusts (from the
-- fingerprint in its enrolment code; a device enrolled before key sets were signed takes the
-- first signed set it pulls, and `root_trusted_how` says which), the serial of the set it holds
-- (a lower one is refused), the gateway's receipt key (no readable copy is destroyed until a
-- receipt verifies under it) and the TLS CA the sync client pins.
ALTER TABLE device ADD COLUMN root_public_key BLOB;
ALTER TABLE device ADD COLUMN key_set_serial INTEGER;
ALTER TABLE device ADD COLUMN receipt_public_key BLOB;
ALTER TABLE device ADD COLUMN tls_ca BLOB;
-- force IT's commands key: a wipe order is carried out only if it signed it
ALTER TABLE device ADD COLUMN commands_public_key BLOB;
ALTER TABLE device ADD COLUMN root_trusted_how TEXT
    CHECK (root_trusted_how IN ('enrolment_code', 'first_signed_set'));
