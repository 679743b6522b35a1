-- 0001: officers and their wrapped data keys, assessments with their wrapped record and
-- compartment keys, the answer journal (every revision kept), the audit chain.
-- Nothing here is plaintext except ids, pack identity, counters and timestamps.

CREATE TABLE officers (
    officer_id      TEXT PRIMARY KEY,
    kdf_salt        BLOB NOT NULL,
    kdf_memory_kib  INTEGER NOT NULL,
    kdf_iterations  INTEGER NOT NULL,
    -- NULL once destroyed (too many wrong PINs): the officer's data can never be read again.
    wrapped_dek     BLOB,
    failed_pins     INTEGER NOT NULL DEFAULT 0,
    next_try_at     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);

CREATE TABLE assessments (
    assessment_id           TEXT PRIMARY KEY,
    officer_id              TEXT NOT NULL REFERENCES officers(officer_id),
    pack_id                 TEXT NOT NULL,
    pack_version            TEXT NOT NULL,
    pack_hash               TEXT NOT NULL,
    wrapped_record_key      BLOB,
    wrapped_compartment_key BLOB,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);
CREATE INDEX assessments_by_officer ON assessments(officer_id, updated_at);

CREATE TABLE answers (
    assessment_id TEXT NOT NULL REFERENCES assessments(assessment_id),
    question_id   TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    compartment   TEXT NOT NULL CHECK (compartment IN ('main', 'migrant')),
    sealed        BLOB NOT NULL,
    saved_at      INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, question_id, revision)
);

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    officer_id TEXT NOT NULL,
    at         INTEGER NOT NULL,
    event      TEXT NOT NULL,
    record_id  TEXT,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
);
