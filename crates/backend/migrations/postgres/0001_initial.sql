-- Step 1 of the gateway's schema on PostgreSQL (what it was before versions began; every
-- table IF NOT EXISTS, so a database from then is brought level). Ciphertext, credential
-- hashes and public keys only.
CREATE TABLE IF NOT EXISTS force (
    singleton               INTEGER PRIMARY KEY CHECK (singleton = 1),
    name                    TEXT NOT NULL,
    records_public_key      BYTEA NOT NULL,
    safeguarding_public_key BYTEA NOT NULL,
    pack_signing_public_key BYTEA NOT NULL
);
-- The force's key set as its offline root signed it (JSON of a SignedKeySet).
CREATE TABLE IF NOT EXISTS force_key_set (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    signed_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_hash  TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    device_id  TEXT
);
CREATE TABLE IF NOT EXISTS devices (
    device_id    TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    public_key   BYTEA NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    enrolled_at  BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_seen_at BIGINT
);
CREATE TABLE IF NOT EXISTS device_commands (
    command_id BIGSERIAL PRIMARY KEY,
    device_id  TEXT NOT NULL REFERENCES devices(device_id),
    kind       TEXT NOT NULL,
    ordered_at BIGINT NOT NULL,
    done_at    BIGINT
);
CREATE TABLE IF NOT EXISTS submissions (
    seq           BIGSERIAL PRIMARY KEY,
    submission_id TEXT NOT NULL UNIQUE,
    device_id     TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    supersedes    TEXT,
    envelope      TEXT NOT NULL,
    received_at   BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS conflicts (
    conflict_id   BIGSERIAL PRIMARY KEY,
    submission_id TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    envelope      TEXT NOT NULL,
    received_at   BIGINT NOT NULL,
    UNIQUE (submission_id, content_hash)
);
CREATE TABLE IF NOT EXISTS packs (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    etag         TEXT NOT NULL,
    signed_bytes BYTEA NOT NULL,
    published_at BIGINT NOT NULL
);
-- One row per service; a removed service keeps its row with entry NULL (a tombstone).
-- change_seq is assigned in commit order (writers lock the table).
CREATE TABLE IF NOT EXISTS directory (
    id     TEXT PRIMARY KEY,
    entry  TEXT,
    change_seq BIGINT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS policy (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    policy    TEXT NOT NULL
);

-- Where each device's audit chain stood at each length it reported, and a flag once it went
-- shorter or a head changed for a length already seen.
CREATE TABLE IF NOT EXISTS audit_heads (
    device_id     TEXT NOT NULL,
    length        BIGINT NOT NULL,
    head          TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, length)
);
CREATE TABLE IF NOT EXISTS audit_flags (
    device_id  TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    flagged_at BIGINT NOT NULL
);

-- Force IT's signature of each device command (a device carries out only a signed one).
CREATE TABLE IF NOT EXISTS command_signatures (
    command_id BIGINT PRIMARY KEY,
    signature  BYTEA NOT NULL
);
