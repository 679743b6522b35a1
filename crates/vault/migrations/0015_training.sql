-- 0015: scenario mode. A vault file is either an officer's (live) or a training store, said once
-- when it is first opened and never changed: the sync engine's outbox refuses a training store,
-- and the officer's vault and a training store refuse to open each other's file. A training
-- store's records (classes and runs: synthetic scenario data, and the trainees' names as the
-- trainer typed them) are sealed whole with the trainer's data key.
CREATE TABLE vault_kind (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    kind TEXT NOT NULL CHECK (kind IN ('live', 'training'))
);
CREATE TABLE training_records (
    record_id TEXT PRIMARY KEY,
    sealed BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);
