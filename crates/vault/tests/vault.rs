//! The vault through its public API, on real SQLite files: no plaintext on disk, tampering and
//! moved ciphertexts detected per record, PIN lockout and wipe, PIN change, officers kept apart,
//! the audit chain.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use firstline_vault::{
    AssessmentId, Compartment, DeviceSecret, KdfParams, Vault, VaultError, VaultOptions,
};

const CANARY: &str = "CANARY-7f3a9c-do-not-store";
const PIN: &str = "246810";

struct TestVault {
    dir: tempfile::TempDir,
    clock: Arc<AtomicI64>,
}

impl TestVault {
    fn new() -> TestVault {
        TestVault {
            dir: tempfile::tempdir().expect("temp dir"),
            clock: Arc::new(AtomicI64::new(1_800_000_000)),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("vault.sqlite")
    }

    fn open(&self) -> Vault {
        let clock = self.clock.clone();
        Vault::open(
            &self.path(),
            DeviceSecret::provided(&[7u8; 32]),
            VaultOptions {
                kdf: KdfParams::FOR_TESTS,
                max_failed_pins: 5,
                min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
                clock: Arc::new(move || clock.load(Ordering::SeqCst)),
            },
        )
        .expect("open the vault")
    }

    fn advance(&self, seconds: i64) {
        self.clock.fetch_add(seconds, Ordering::SeqCst);
    }

    fn sql(&self, statement: &str) {
        let connection = rusqlite_connection(&self.path());
        connection.execute_batch(statement).expect("raw sql");
    }
}

/// Flips one bit in the middle of `column` of the first row of `table` for `assessment`.
fn flip_one_byte(path: &Path, table: &str, column: &str, assessment: &AssessmentId) {
    let connection = rusqlite_connection(path);
    let (rowid, mut bytes): (i64, Vec<u8>) = connection
        .query_row(
            &format!("SELECT rowid, {column} FROM {table} WHERE assessment_id = ?1 LIMIT 1"),
            [&assessment.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("the row to damage");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    connection
        .execute(
            &format!("UPDATE {table} SET {column} = ?1 WHERE rowid = ?2"),
            rusqlite::params![bytes, rowid],
        )
        .expect("damage it");
}

fn rusqlite_connection(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw connection")
}

/// Sets up officer A with one assessment holding two answers; returns its id.
fn one_assessment(test: &TestVault) -> AssessmentId {
    let mut vault = test.open();
    vault.set_up_officer("A", PIN).expect("set up");
    vault.unlock("A", PIN).expect("unlock");
    let id = vault
        .create_assessment("firstline-default", "1.0.0", "abc")
        .expect("create");
    vault
        .save_answer(
            &id,
            "first_account",
            Compartment::Main,
            format!("He said {CANARY}").as_bytes(),
        )
        .expect("save");
    vault
        .save_answer(
            &id,
            "documents_withheld",
            Compartment::Safeguarding,
            CANARY.as_bytes(),
        )
        .expect("save");
    id
}

#[test]
fn no_plaintext_answer_reaches_the_database_wal_or_shm() {
    let test = TestVault::new();
    one_assessment(&test);
    let mut checked = 0;
    for entry in std::fs::read_dir(test.dir.path()).expect("list") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        checked += 1;
        assert!(
            !bytes
                .windows(CANARY.len())
                .any(|window| window == CANARY.as_bytes()),
            "the canary is in {}",
            path.display()
        );
    }
    assert!(checked >= 1);
}

#[test]
fn answers_come_back_after_reopening() {
    let test = TestVault::new();
    let id = one_assessment(&test);
    let mut vault = test.open();
    vault.unlock("A", PIN).expect("unlock");
    let answers = vault.answers(&id).expect("answers");
    assert_eq!(answers.len(), 2);
    let migrant = answers
        .iter()
        .find(|a| a.question_id == "documents_withheld")
        .expect("there");
    assert_eq!(&migrant.plaintext[..], CANARY.as_bytes());
    assert_eq!(migrant.compartment, Compartment::Safeguarding);
}

#[test]
fn earlier_revisions_are_kept_and_the_latest_wins() {
    let test = TestVault::new();
    let id = one_assessment(&test);
    let mut vault = test.open();
    vault.unlock("A", PIN).expect("unlock");
    let revision = vault
        .save_answer(&id, "first_account", Compartment::Main, b"second version")
        .expect("save");
    assert_eq!(revision, 2);
    let answers = vault.answers(&id).expect("answers");
    let latest = answers
        .iter()
        .find(|a| a.question_id == "first_account")
        .expect("there");
    assert_eq!(&latest.plaintext[..], b"second version");
    vault.lock();
    let count: i64 = rusqlite_connection(&test.path())
        .query_row(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM answers GROUP BY question_tag)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(count, 2);
}

#[test]
fn one_flipped_byte_in_any_encrypted_column_is_named_and_the_rest_stays_usable() {
    for (column, table) in [
        ("sealed", "answers"),
        ("wrapped_record_key", "assessments"),
        ("wrapped_compartment_key", "assessments"),
    ] {
        let test = TestVault::new();
        let damaged = one_assessment(&test);
        let healthy = {
            let mut vault = test.open();
            vault.unlock("A", PIN).expect("unlock");
            let id = vault.create_assessment("p", "1", "h").expect("create");
            vault
                .save_answer(&id, "q", Compartment::Main, b"fine")
                .expect("save");
            id
        };
        flip_one_byte(&test.path(), table, column, &damaged);
        let mut vault = test.open();
        vault.unlock("A", PIN).expect("unlock");
        match vault.answers(&damaged) {
            Err(VaultError::Damaged { record, .. }) => assert_eq!(record, damaged.0, "{column}"),
            Err(other) => panic!("{column}: expected Damaged, got {other}"),
            Ok(_) => panic!("{column}: a flipped byte went unnoticed"),
        }
        assert_eq!(
            vault.answers(&healthy).expect("the other record").len(),
            1,
            "{column}"
        );
    }
}

#[test]
fn a_ciphertext_copied_onto_another_question_is_refused() {
    let test = TestVault::new();
    let id = one_assessment(&test);
    {
        let mut vault = test.open();
        vault.unlock("A", PIN).expect("unlock");
        vault
            .save_answer(&id, "witnesses", Compartment::Main, b"no")
            .expect("save");
    }
    // The rows name their questions only by keyed hashes: move the first row's ciphertext
    // onto the last row (another question).
    test.sql(
        "UPDATE answers SET sealed = (SELECT sealed FROM answers ORDER BY rowid LIMIT 1)
         WHERE rowid = (SELECT MAX(rowid) FROM answers)",
    );
    let mut vault = test.open();
    vault.unlock("A", PIN).expect("unlock");
    match vault.answers(&id) {
        Err(VaultError::Damaged { place, record }) => {
            assert_eq!(record, id.0);
            assert!(
                !place.contains("witnesses"),
                "the place names a question in clear: {place}"
            );
        }
        Err(other) => panic!("expected Damaged, got {other}"),
        Ok(_) => panic!("a moved ciphertext was accepted"),
    }
}

#[test]
fn wrong_pins_slow_down_and_then_destroy_the_key() {
    let test = TestVault::new();
    let id = one_assessment(&test);
    let mut vault = test.open();
    for attempt in 1..=4u32 {
        match vault.unlock("A", "000000") {
            Err(VaultError::WrongPin { attempts_left }) => assert_eq!(attempts_left, 5 - attempt),
            Err(other) => panic!("attempt {attempt}: {other}"),
            Ok(_) => panic!("a wrong PIN unlocked"),
        }
        if attempt >= 3 {
            assert!(matches!(
                vault.unlock("A", PIN),
                Err(VaultError::TooSoon { .. })
            ));
        }
        test.advance(600);
    }
    assert!(matches!(
        vault.unlock("A", "000000"),
        Err(VaultError::Wiped)
    ));
    assert!(
        matches!(vault.unlock("A", PIN), Err(VaultError::Wiped)),
        "the right PIN after a wipe"
    );
    let (dek, record): (Option<Vec<u8>>, Option<Vec<u8>>) = rusqlite_connection(&test.path())
        .query_row(
            "SELECT o.wrapped_dek, s.wrapped_record_key FROM officers o, assessments s WHERE s.assessment_id = ?1",
            [&id.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("row");
    assert!(dek.is_none() && record.is_none(), "keys survived the wipe");
}

#[test]
fn a_changed_pin_opens_the_same_answers_and_the_old_one_does_not() {
    let test = TestVault::new();
    let id = one_assessment(&test);
    let mut vault = test.open();
    vault.unlock("A", PIN).expect("unlock");
    vault.change_pin("1357913").expect("change");
    vault.lock();
    assert!(matches!(vault.answers(&id), Err(VaultError::Locked)));
    assert!(matches!(
        vault.unlock("A", PIN),
        Err(VaultError::WrongPin { .. })
    ));
    vault.unlock("A", "1357913").expect("new PIN");
    assert_eq!(vault.answers(&id).expect("answers").len(), 2);
}

#[test]
fn two_officers_cannot_see_each_others_drafts() {
    let test = TestVault::new();
    let a_draft = one_assessment(&test);
    let mut vault = test.open();
    vault.set_up_officer("B", "112233").expect("set up B");
    vault.unlock("B", "112233").expect("unlock B");
    assert!(vault.drafts().expect("drafts").is_empty());
    assert!(matches!(
        vault.answers(&a_draft),
        Err(VaultError::UnknownRecord { .. })
    ));
    vault.lock();
    vault.unlock("A", PIN).expect("unlock A");
    let drafts = vault.drafts().expect("drafts");
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].assessment_id, a_draft);
}

#[test]
fn a_destroyed_compartment_can_never_be_read_again() {
    let test = TestVault::new();
    let id = one_assessment(&test);
    let mut vault = test.open();
    vault.unlock("A", PIN).expect("unlock");
    vault.destroy_compartment(&id).expect("destroy");
    assert!(matches!(
        vault.answers(&id),
        Err(VaultError::Damaged { .. })
    ));
}

#[test]
fn the_pack_a_draft_was_started_on_is_kept_for_it() {
    let test = TestVault::new();
    let mut vault = test.open();
    vault.set_up_officer("A", PIN).expect("set up");
    vault.unlock("A", PIN).expect("unlock");
    vault.keep_pack("hash-1", b"signed pack one").expect("keep");
    vault
        .keep_pack("hash-1", b"signed pack one")
        .expect("keeping twice is fine");
    let id = vault.create_assessment("p", "1", "hash-1").expect("create");
    let other = vault.create_assessment("p", "2", "hash-2").expect("create");
    assert_eq!(
        vault.pack_of(&id).expect("read"),
        ("hash-1".to_string(), Some(b"signed pack one".to_vec()))
    );
    assert_eq!(
        vault.pack_of(&other).expect("read"),
        ("hash-2".to_string(), None)
    );
}

#[test]
fn a_bad_pin_is_refused_before_anything_is_stored() {
    let test = TestVault::new();
    let mut vault = test.open();
    assert!(matches!(
        vault.set_up_officer("A", "12"),
        Err(VaultError::BadPin { .. })
    ));
    assert!(matches!(
        vault.set_up_officer("A", "12ab56"),
        Err(VaultError::BadPin { .. })
    ));
    assert!(vault.officers().expect("officers").is_empty());
}

#[test]
fn the_audit_chain_verifies_and_a_changed_entry_breaks_it() {
    let test = TestVault::new();
    one_assessment(&test);
    let entries = test.open().verify_audit().expect("verifies");
    let events: Vec<&str> = entries.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "officer_set_up",
            "unlocked",
            "assessment_created",
            "answer_saved",
            "answer_saved"
        ]
    );
    // Without the device secret, a file check can hold the links but not the keyed MACs.
    assert_eq!(
        firstline_vault::verify_vault_file(&test.path()).expect("file verifies"),
        firstline_vault::AuditSummary {
            entries: 5,
            keyed_unchecked: 5
        }
    );
    // An edited entry: its MAC no longer holds under the device's key.
    test.sql("UPDATE audit SET event = 'unlocked' WHERE seq = 4");
    assert!(matches!(
        test.open().verify_audit(),
        Err(VaultError::AuditBroken { seq: 4 })
    ));
    // Re-hashed as a plain entry after keyed ones: refused too, even by the file check.
    test.sql("UPDATE audit SET keyed = 0 WHERE seq = 4");
    assert!(matches!(
        firstline_vault::verify_vault_file(&test.path()),
        Err(VaultError::AuditBroken { seq: 4 })
    ));
    // A removed entry breaks the links.
    test.sql("UPDATE audit SET keyed = 1 WHERE seq = 4; DELETE FROM audit WHERE seq = 3");
    assert!(matches!(
        firstline_vault::verify_vault_file(&test.path()),
        Err(VaultError::AuditBroken { seq: 4 })
    ));
}

#[test]
fn error_messages_never_carry_a_value() {
    let test = TestVault::new();
    let id = one_assessment(&test);
    test.sql("UPDATE answers SET sealed = X'00' WHERE rowid = (SELECT MIN(rowid) FROM answers)");
    let mut vault = test.open();
    vault.unlock("A", PIN).expect("unlock");
    let error = vault.answers(&id).err().expect("damaged");
    assert!(!format!("{error} {error:?}").contains(CANARY));
}

#[test]
fn yes_no_and_dont_know_seal_to_one_length() {
    let test = TestVault::new();
    let mut vault = test.open();
    vault.set_up_officer("A", PIN).expect("set up");
    vault.unlock("A", PIN).expect("unlock");
    let id = vault.create_assessment("p", "1", "h").expect("create");
    for (question, answer) in [
        ("deportation_threats", "yes"),
        ("documents_withheld", "no"),
        ("no_funds_used_to_stop_leaving", "unknown"),
        ("q", "yes"),
    ] {
        let value = format!(r#"{{"type":"choice","value":"{answer}"}}"#);
        vault
            .save_answer(&id, question, Compartment::Safeguarding, value.as_bytes())
            .expect("save");
    }
    let lengths: Vec<i64> = rusqlite_connection(&test.path())
        .prepare("SELECT length(sealed) FROM answers")
        .expect("query")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("lengths");
    assert_eq!(lengths.len(), 4);
    assert!(
        lengths.iter().all(|length| *length == lengths[0]),
        "ciphertext lengths differ: {lengths:?}"
    );
}

#[test]
fn no_question_id_or_compartment_name_is_stored_in_clear() {
    let test = TestVault::new();
    let id = one_assessment(&test);
    {
        let mut vault = test.open();
        vault.unlock("A", PIN).expect("unlock");
        vault
            .record_question_event(
                "gated_answer_refused gate=safeguarding",
                &id,
                "deportation_threats",
            )
            .expect("audited");
        // While the vault is open its latest writes sit in the WAL: read both files.
        let mut wal = std::fs::read(test.path().with_extension("sqlite-wal")).unwrap_or_default();
        wal.extend(std::fs::read(test.path()).expect("main file"));
        for clear in [
            "first_account",
            "documents_withheld",
            "deportation_threats",
            "migrant",
        ] {
            assert!(
                !wal.windows(clear.len())
                    .any(|window| window == clear.as_bytes()),
                "{clear:?} is in the vault file or its WAL"
            );
        }
    }
    let connection = rusqlite_connection(&test.path());
    let stored: Vec<String> = connection
        .prepare(
            "SELECT question_tag || ' ' || compartment_tag FROM answers
             UNION ALL SELECT event FROM audit",
        )
        .expect("query")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("text");
    let everything = stored.join("\n");
    for clear in [
        "first_account",
        "documents_withheld",
        "deportation_threats",
        "main",
        "migrant",
    ] {
        assert!(
            !everything.contains(clear),
            "{clear:?} in clear in the answers or audit tables:\n{everything}"
        );
    }
    assert!(everything.contains("gated_answer_refused gate=safeguarding question="));
}
