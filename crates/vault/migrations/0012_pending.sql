-- 0012: words being typed, kept a moment after typing stops so that Hide, the idle lock, Back or
-- a crash lose nothing (src/vault/pending.rs). One row per question of a draft, sealed like an
-- answer row under its compartment's key (question and compartment as keyed tags, padded),
-- never sealed to the force; saving the answer, finalising and discarding drop it.
-- `screen_tag` / `screen_at`: the question on screen when the officer was last in the draft
-- (a keyed tag), so that after unlocking they return to it.
CREATE TABLE pending (
    assessment_id   TEXT NOT NULL REFERENCES assessments(assessment_id),
    question_tag    TEXT NOT NULL,
    compartment_tag TEXT NOT NULL,
    sealed          BLOB NOT NULL,
    saved_at        INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, question_tag)
);
ALTER TABLE assessments ADD COLUMN screen_tag TEXT;
ALTER TABLE assessments ADD COLUMN screen_at INTEGER;
