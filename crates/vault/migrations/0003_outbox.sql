-- 0003: enrolment with the force, finalised records, the outbox and the sync log.
-- The outbox holds sealed envelopes (HPKE ciphertext to the force's keys) and metadata only.

ALTER TABLE assessments ADD COLUMN finalised_at INTEGER;
ALTER TABLE assessments ADD COLUMN supersedes TEXT;

CREATE TABLE device (
    singleton               INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id               TEXT NOT NULL,
    gateway_url             TEXT NOT NULL,
    force_name              TEXT NOT NULL,
    records_public_key      BLOB NOT NULL,
    safeguarding_public_key BLOB NOT NULL,
    pack_signing_public_key BLOB NOT NULL,
    -- the bearer token and the Ed25519 signing key, AES-256-GCM under a key derived from the
    -- device secret (so a copied file alone cannot sync or sign)
    sealed_credentials      BLOB NOT NULL,
    enrolled_at             INTEGER NOT NULL
);

CREATE TABLE outbox (
    submission_id   TEXT PRIMARY KEY,
    officer_id      TEXT NOT NULL,
    envelope        BLOB,
    content_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'acknowledged', 'quarantined')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    reason          TEXT,
    received_at     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_ms);

CREATE TABLE sync_log (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_success_at INTEGER,
    last_attempt_at INTEGER,
    last_error      TEXT,
    revoked_at      INTEGER,
    wiped_at        INTEGER
);
INSERT INTO sync_log (singleton) VALUES (1);
