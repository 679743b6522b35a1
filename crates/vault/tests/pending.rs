//! Pending values (words being typed, kept a moment after typing stops) and the screen the
//! officer was on, through the vault's public API on a real file: sealed under the key of the
//! compartment they belong to, never in clear on disk, one per question, dropped by the answer,
//! by finalising and by discarding, refused while locked or once finalised, and a ciphertext
//! moved to another place does not open.

#![allow(clippy::expect_used)]

mod support;

use firstline_vault::{AssessmentId, Compartment, RecordNotes, ShownAnswer, Vault, VaultError};
use support::{enrolled, open, PIN};

const TYPED: &str = "CANARY-typed-7f3a she said he took her passport";
const TYPED_SAFEGUARDING: &str = "CANARY-typed-safeguarding-c01d";

fn unlocked(dir: &tempfile::TempDir) -> Vault {
    let mut vault = open(dir);
    if vault.officers().expect("officers").is_empty() {
        vault.set_up_officer("PC 1", PIN).expect("officer");
    }
    vault.unlock("PC 1", PIN).expect("unlocked");
    vault
}

fn file_bytes(dir: &tempfile::TempDir) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        bytes.extend(std::fs::read(entry.expect("entry").path()).unwrap_or_default());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

fn pending_texts(vault: &Vault, id: &AssessmentId) -> Vec<(String, Compartment, String)> {
    vault
        .pending(id)
        .expect("pending")
        .into_iter()
        .map(|value| {
            (
                value.question_id,
                value.compartment,
                String::from_utf8(value.text.to_vec()).expect("utf-8"),
            )
        })
        .collect()
}

#[test]
fn typed_words_are_kept_under_their_compartment_key_and_never_in_clear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = unlocked(&dir);
    let id = vault.create_assessment("p", "1", "h").expect("assessment");
    vault
        .save_pending(
            &id,
            "first_account",
            Compartment::Main,
            b"CANARY-typed-7f3a",
        )
        .expect("pending");
    vault
        .save_pending(&id, "first_account", Compartment::Main, TYPED.as_bytes())
        .expect("pending replaced");
    vault
        .save_pending(
            &id,
            "status_detail",
            Compartment::Safeguarding,
            TYPED_SAFEGUARDING.as_bytes(),
        )
        .expect("pending");
    assert_eq!(
        pending_texts(&vault, &id),
        [
            (
                "first_account".to_string(),
                Compartment::Main,
                TYPED.to_string()
            ),
            (
                "status_detail".to_string(),
                Compartment::Safeguarding,
                TYPED_SAFEGUARDING.to_string()
            ),
        ]
    );
    vault.lock();
    let bytes = file_bytes(&dir);
    for clear in ["CANARY-typed", "passport", "first_account", "status_detail"] {
        assert!(
            !contains(&bytes, clear),
            "{clear:?} is in the vault's files"
        );
    }
    // Locked: nothing is read or written.
    assert!(matches!(vault.pending(&id), Err(VaultError::Locked)));
    assert!(matches!(
        vault.save_pending(&id, "first_account", Compartment::Main, b"x"),
        Err(VaultError::Locked)
    ));
    // Unlocked again (a relaunch after a crash is the same): the words are there.
    let vault = unlocked(&dir);
    assert_eq!(pending_texts(&vault, &id).len(), 2);
}

#[test]
fn the_answer_replaces_what_was_typed_and_finalising_drops_the_rest() {
    let setup = enrolled();
    let mut vault = unlocked(&setup.dir);
    let id = vault.create_assessment("p", "1", "h").expect("assessment");
    vault
        .save_pending(&id, "first_account", Compartment::Main, TYPED.as_bytes())
        .expect("pending");
    vault
        .save_pending(
            &id,
            "witness_names",
            Compartment::Main,
            b"typed, never answered",
        )
        .expect("pending");
    vault
        .save_answer(&id, "first_account", Compartment::Main, b"\"the answer\"")
        .expect("answer");
    let left: Vec<String> = pending_texts(&vault, &id)
        .into_iter()
        .map(|(question, _, _)| question)
        .collect();
    assert_eq!(left, ["witness_names"]);

    vault
        .finalise(
            &id,
            &[ShownAnswer {
                question_id: "first_account",
                compartment: Compartment::Main,
            }],
            &RecordNotes::default(),
        )
        .expect("finalised");
    let rows: i64 = rusqlite::Connection::open(setup.dir.path().join("vault.sqlite"))
        .expect("open")
        .query_row("SELECT COUNT(*) FROM pending", [], |row| row.get(0))
        .expect("count");
    assert_eq!(rows, 0, "typed words outlived finalising");
    assert!(matches!(
        vault.save_pending(&id, "first_account", Compartment::Main, b"x"),
        Err(VaultError::Finalised { .. })
    ));
    assert_eq!(vault.last_screen().expect("screen"), None);
}

#[test]
fn a_pending_ciphertext_moved_to_another_question_or_into_the_answers_does_not_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = unlocked(&dir);
    let id = vault.create_assessment("p", "1", "h").expect("assessment");
    vault
        .save_pending(&id, "a", Compartment::Main, b"typed a")
        .expect("pending");
    vault
        .save_pending(&id, "b", Compartment::Main, b"typed b")
        .expect("pending");
    let db = rusqlite::Connection::open(dir.path().join("vault.sqlite")).expect("open");
    db.execute(
        "UPDATE pending SET sealed = (SELECT sealed FROM pending ORDER BY rowid LIMIT 1)
         WHERE rowid = (SELECT MAX(rowid) FROM pending)",
        [],
    )
    .expect("move");
    assert!(matches!(
        vault.pending(&id),
        Err(VaultError::Damaged { .. })
    ));
    db.execute(
        "DELETE FROM pending WHERE rowid = (SELECT MAX(rowid) FROM pending)",
        [],
    )
    .expect("delete");
    // Into the answer journal as revision 1 of its own question: it does not open as an answer.
    db.execute(
        "INSERT INTO answers (assessment_id, question_tag, revision, compartment_tag, sealed, saved_at, format)
         SELECT assessment_id, question_tag, 1, compartment_tag, sealed, saved_at, 2 FROM pending",
        [],
    )
    .expect("copy");
    assert!(matches!(
        vault.answers(&id),
        Err(VaultError::Damaged { .. })
    ));
}

#[test]
fn the_screen_the_officer_was_on_is_kept_until_they_go_home() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = unlocked(&dir);
    let first = vault.create_assessment("p", "1", "h").expect("assessment");
    assert_eq!(vault.last_screen().expect("screen"), None);
    vault.set_screen(&first, "first_account").expect("screen");
    let tag = vault.question_tag(&first, "first_account").expect("tag");
    assert_ne!(tag, "first_account");
    assert_eq!(
        vault.last_screen().expect("screen"),
        Some((first.clone(), tag))
    );
    vault.lock();
    assert!(matches!(vault.last_screen(), Err(VaultError::Locked)));
    let mut vault = unlocked(&dir);
    assert!(vault.last_screen().expect("screen").is_some());
    vault.leave_screen().expect("home");
    assert_eq!(vault.last_screen().expect("screen"), None);
    // Another officer never sees this officer's screen.
    vault.set_screen(&first, "first_account").expect("screen");
    vault.lock();
    vault.set_up_officer("PC 2", "135790").expect("officer");
    vault.unlock("PC 2", "135790").expect("unlocked");
    assert_eq!(vault.last_screen().expect("screen"), None);
    assert!(vault.set_screen(&first, "x").is_err());
}
