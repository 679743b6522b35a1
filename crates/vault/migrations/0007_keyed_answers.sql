-- 0007: answers name their question and compartment by a keyed hash instead of in clear, and
-- their ciphertexts are padded (format 2). SQL cannot do that rewrite: it needs the officer's
-- keys. This migration only makes room for it: the CHECK on the clear compartment names goes,
-- the columns take their new names, and every existing row is marked format 1. The vault
-- rewrites an officer's format-1 rows at their next unlock, one transaction per assessment.

CREATE TABLE answers_keyed (
    assessment_id   TEXT NOT NULL REFERENCES assessments(assessment_id),
    -- format 2: HMAC-SHA256 of the question id under a key derived from the record key (hex);
    -- format 1: the question id in clear, until the rewrite.
    question_tag    TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    -- format 2: HMAC of the compartment's name, bound to this row (so rows of one compartment
    -- share no value); format 1: the compartment's name in clear, until the rewrite.
    compartment_tag TEXT NOT NULL,
    -- format 2: AES-256-GCM of the padded (question id, answer); format 1: of the answer alone.
    sealed          BLOB NOT NULL,
    saved_at        INTEGER NOT NULL,
    format          INTEGER NOT NULL DEFAULT 2,
    PRIMARY KEY (assessment_id, question_tag, revision)
);
INSERT INTO answers_keyed
    (assessment_id, question_tag, revision, compartment_tag, sealed, saved_at, format)
    SELECT assessment_id, question_id, revision, compartment, sealed, saved_at, 1 FROM answers
    ORDER BY rowid;
DROP TABLE answers;
ALTER TABLE answers_keyed RENAME TO answers;
