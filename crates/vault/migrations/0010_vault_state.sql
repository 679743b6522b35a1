-- 0010: what proves the vault file is the one this device last wrote (see src/integrity.rs): a
-- generation number that goes up with every write that matters for the PIN lockout and for
-- what is destroyed, and a MAC (under a key from the device secret) over it, every officer's
-- counter, lockout time and wrapped key, the enrolment and the force's keys, pack and policy,
-- the directory, and where the audit chain became keyed. NULL until the first open seals it. The device mirrors
-- the generation outside the file (the OS keyring, or a file beside the device secret).
CREATE TABLE vault_state (
    singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
    generation       INTEGER NOT NULL DEFAULT 0,
    mac              BLOB,
    -- the first audit entry that must be keyed (set when the state is first sealed)
    audit_keyed_from INTEGER
);
INSERT INTO vault_state (singleton) VALUES (1);

-- Whether the force allows the device secret in a file where no OS keyring answers (the
-- force's policy; allowed until it says otherwise). Read before the vault is unlocked.
ALTER TABLE device ADD COLUMN allow_file_secret INTEGER NOT NULL DEFAULT 1;
