//! Finalising through the public API: the envelope and its outbox row land together, the record
//! locks, the migrant-victim section is destroyed on the device at sealing and opens only with
//! the safeguarding key at the force, the readable copy lives until the receipt and no longer.
#![allow(clippy::expect_used)]

mod support;

use std::sync::Arc;

use support::{enrolled, open, PIN, SECRET};

use firstline_vault::{
    AssessmentId, Compartment, DeviceSecret, Outbox, Outcome, RecordNotes, ShownAnswer, Vault,
    VaultError,
};

const MAIN_CANARY: &str = "\"CANARY-main-51c2\"";
const MIGRANT_CANARY: &str = "\"CANARY-migrant-a9e0\"";

fn answered(vault: &mut Vault) -> AssessmentId {
    if vault.officers().expect("officers").is_empty() {
        vault.set_up_officer("PC 1", PIN).expect("officer");
    }
    vault.unlock("PC 1", PIN).expect("unlocked");
    let id = vault
        .create_assessment("default", "1", "hash")
        .expect("assessment");
    vault
        .save_answer(&id, "injuries", Compartment::Main, MAIN_CANARY.as_bytes())
        .expect("main");
    vault
        .save_answer(
            &id,
            "status_threats",
            Compartment::Safeguarding,
            MIGRANT_CANARY.as_bytes(),
        )
        .expect("migrant");
    id
}

/// What check-your-answers shows for `answered`: both answers.
const BOTH_SHOWN: [ShownAnswer<'static>; 2] = [
    ShownAnswer {
        question_id: "injuries",
        compartment: Compartment::Main,
    },
    ShownAnswer {
        question_id: "status_threats",
        compartment: Compartment::Safeguarding,
    },
];

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

#[test]
fn finalising_needs_an_enrolled_device() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = open(&dir);
    let id = answered(&mut vault);
    assert!(matches!(
        vault.finalise(&id, &BOTH_SHOWN, &RecordNotes::default()),
        Err(VaultError::NotEnrolled)
    ));
    vault
        .save_answer(&id, "injuries", Compartment::Main, b"\"still a draft\"")
        .expect("draft still open");
}

#[test]
fn finalising_seals_locks_and_destroys_the_migrant_section_on_the_device() {
    let setup = enrolled();
    let mut vault = open(&setup.dir);
    let id = answered(&mut vault);
    let finalised = vault
        .finalise(&id, &BOTH_SHOWN, &RecordNotes::default())
        .expect("finalised");

    assert!(matches!(
        vault.save_answer(&id, "injuries", Compartment::Main, b"\"changed\""),
        Err(VaultError::Finalised { .. })
    ));
    assert!(vault.drafts().expect("drafts").is_empty());
    let readable = vault
        .answers(&id)
        .expect("main copy readable until the receipt");
    assert_eq!(
        readable.len(),
        1,
        "only the main answer is left on the device"
    );
    assert_eq!(readable[0].question_id, "injuries");
    assert!(
        !contains(&file_bytes(&setup.dir), "CANARY"),
        "no plaintext in the vault files"
    );

    let mut outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    let claimed = outbox.claim_due(i64::MAX, 10).expect("claimed");
    assert_eq!(claimed.len(), 1);
    let envelope: firstline_protocol::Envelope =
        serde_json::from_slice(&claimed[0].envelope).expect("envelope");
    assert_eq!(envelope.content_hash(), finalised.content_hash);
    let record = firstline_seal::open_records(&envelope, &setup.records).expect("records open");
    let record: serde_json::Value = serde_json::from_slice(&record).expect("json");
    assert_eq!(record["answers"]["injuries"], "CANARY-main-51c2");
    assert!(
        record["answers"].get("status_threats").is_none(),
        "the migrant answer is not in the main record"
    );
    let section = firstline_seal::open_safeguarding(&envelope, &setup.safeguarding)
        .expect("opens")
        .expect("present");
    let section: serde_json::Value = serde_json::from_slice(&section).expect("json");
    assert_eq!(section["answers"]["status_threats"], "CANARY-migrant-a9e0");

    // A crash after claiming: the row is claimed again, nothing lost.
    drop(outbox);
    let mut outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    assert_eq!(
        outbox.state_of(&id.0).expect("state").as_deref(),
        Some("sending")
    );
    assert_eq!(outbox.claim_due(0, 10).expect("claimed again").len(), 1);
    outbox
        .record(
            &[(
                id.0.clone(),
                Outcome::Acknowledged {
                    received_at: 1_800_000_100,
                },
            )],
            1_800_000_100,
        )
        .expect("acknowledged");
    assert_eq!(
        outbox.state_of(&id.0).expect("state").as_deref(),
        Some("acknowledged")
    );
    assert!(
        matches!(vault.answers(&id), Err(VaultError::Damaged { .. })),
        "the readable copy is gone after the receipt"
    );
    let status = vault.sync_status().expect("status");
    assert_eq!((status.pending, status.acknowledged), (0, 1));
    assert_eq!(vault.sent_records().expect("sent")[0].state, "acknowledged");
    vault
        .verify_audit()
        .expect("audit chain intact across both connections");
}

#[test]
fn a_force_policy_can_leave_nothing_readable_on_the_device_at_sealing() {
    let setup = enrolled();
    let mut outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    outbox
        .apply_policy(&firstline_protocol::Policy {
            idle_lock_seconds: 300,
            max_failed_pins: 10,
            keep_readable_copy_until_receipt: false,
            allow_file_secret: true,
        })
        .expect("policy");
    let mut vault = open(&setup.dir);
    let id = answered(&mut vault);
    vault
        .finalise(&id, &BOTH_SHOWN, &RecordNotes::default())
        .expect("finalised");
    assert!(
        matches!(vault.answers(&id), Err(VaultError::Damaged { .. })),
        "the readable copy was destroyed at sealing"
    );
    let claimed = outbox.claim_due(0, 10).expect("claimed");
    let envelope: firstline_protocol::Envelope =
        serde_json::from_slice(&claimed[0].envelope).expect("json");
    let record = firstline_seal::open_records(&envelope, &setup.records)
        .expect("the force can still read it");
    assert!(String::from_utf8_lossy(&record).contains("CANARY-main-51c2"));
}

#[test]
fn quarantine_and_retry_are_explicit_states() {
    let setup = enrolled();
    let mut vault = open(&setup.dir);
    let id = answered(&mut vault);
    vault
        .finalise(&id, &BOTH_SHOWN, &RecordNotes::default())
        .expect("finalised");
    let mut outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    outbox.claim_due(0, 10).expect("claimed");
    outbox
        .record(
            &[(
                id.0.clone(),
                Outcome::RetryLater {
                    next_attempt_ms: 5_000,
                    kind: firstline_vault::ProblemKind::Offline,
                    reason: "network".into(),
                },
            )],
            1,
        )
        .expect("retry");
    assert!(outbox.claim_due(4_999, 10).expect("not yet due").is_empty());
    assert_eq!(outbox.claim_due(5_000, 10).expect("due").len(), 1);
    outbox
        .record(
            &[(
                id.0.clone(),
                Outcome::Quarantined {
                    kind: firstline_vault::ProblemKind::Refused,
                    reason: "the envelope was refused (422)".into(),
                },
            )],
            2,
        )
        .expect("quarantined");
    assert!(outbox.claim_due(i64::MAX, 10).expect("none").is_empty());
    let status = outbox.status().expect("status");
    assert_eq!(
        status.quarantined[0].reason,
        "the envelope was refused (422)"
    );
    assert_eq!(
        status.quarantined[0].kind,
        Some(firstline_vault::ProblemKind::Refused)
    );
    assert!(outbox.retry_quarantined(&id.0).expect("retried"));
    assert_eq!(outbox.claim_due(0, 10).expect("due again").len(), 1);
}

#[test]
fn an_amendment_supersedes_the_finalised_record() {
    let setup = enrolled();
    let mut vault = open(&setup.dir);
    let id = answered(&mut vault);
    assert!(matches!(
        vault.amend(&id),
        Err(VaultError::NotFinalised { .. })
    ));
    vault
        .finalise(&id, &BOTH_SHOWN, &RecordNotes::default())
        .expect("finalised");
    let amendment = vault.amend(&id).expect("amendment");
    assert_ne!(amendment, id);
    let answers = vault.answers(&amendment).expect("answers");
    assert_eq!(
        answers.len(),
        1,
        "main answers copied, the migrant section must be asked again"
    );
    vault
        .finalise(&amendment, &BOTH_SHOWN[..1], &RecordNotes::default())
        .expect("amendment finalised");
    let mut outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    let claimed = outbox.claim_due(0, 10).expect("claimed");
    let item = claimed
        .iter()
        .find(|item| item.submission_id == amendment.0)
        .expect("amendment queued");
    let second: firstline_protocol::Envelope =
        serde_json::from_slice(&item.envelope).expect("json");
    assert_eq!(second.supersedes.as_deref(), Some(id.0.as_str()));
}

#[test]
fn a_wipe_order_destroys_everything_and_says_when() {
    let setup = enrolled();
    let mut vault = open(&setup.dir);
    let id = answered(&mut vault);
    vault
        .finalise(&id, &BOTH_SHOWN, &RecordNotes::default())
        .expect("finalised");
    drop(vault);
    let mut outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    outbox.wipe_device(1_800_000_500).expect("wiped");
    assert_eq!(
        outbox.status().expect("status").wiped_at,
        Some(1_800_000_500)
    );
    assert!(outbox.credentials().expect("read").is_none());
    let vault = open(&setup.dir);
    assert!(vault.officers().expect("officers").is_empty());
}

#[test]
fn only_the_answers_shown_are_sealed_and_every_other_is_destroyed() {
    let setup = enrolled();
    let mut vault = open(&setup.dir);
    let id = answered(&mut vault);
    vault
        .save_answer(&id, "hidden_again", Compartment::Main, b"\"CANARY-hidden\"")
        .expect("an answer a changed condition hides");
    // Check-your-answers shows only `injuries`: the safeguarding answer's gate closed again.
    vault
        .finalise(&id, &BOTH_SHOWN[..1], &RecordNotes::default())
        .expect("finalised");
    let readable = vault.answers(&id).expect("the main copy");
    assert_eq!(
        readable
            .iter()
            .map(|answer| answer.question_id.as_str())
            .collect::<Vec<_>>(),
        ["injuries"],
        "hidden answers are destroyed on the device at finalise"
    );
    let mut outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    let claimed = outbox.claim_due(0, 10).expect("claimed");
    let envelope: firstline_protocol::Envelope =
        serde_json::from_slice(&claimed[0].envelope).expect("json");
    let opened =
        firstline_seal::open_submission(&envelope, &setup.records, Some(&setup.safeguarding))
            .expect("opens");
    let section = opened.safeguarding_section.expect("an (empty) section");
    assert_eq!(
        section["answers"].as_object().map(|answers| answers.len()),
        Some(0),
        "the hidden safeguarding answer was sent"
    );
    let answers = opened.record["answers"].as_object().expect("answers");
    assert_eq!(answers.keys().collect::<Vec<_>>(), ["injuries"]);
    let rows: i64 = rusqlite::Connection::open(setup.dir.path().join("vault.sqlite"))
        .expect("db")
        .query_row("SELECT COUNT(*) FROM answers", [], |row| row.get(0))
        .expect("count");
    assert_eq!(rows, 1, "no row of a hidden answer is left");
}

#[test]
fn a_shown_answer_the_vault_does_not_hold_as_shown_is_refused() {
    let setup = enrolled();
    let mut vault = open(&setup.dir);
    let id = answered(&mut vault);
    let wrong_compartment = [ShownAnswer {
        question_id: "status_threats",
        compartment: Compartment::Main,
    }];
    assert!(matches!(
        vault.finalise(&id, &wrong_compartment, &RecordNotes::default()),
        Err(VaultError::Damaged { .. })
    ));
    let never_saved = [ShownAnswer {
        question_id: "never_saved",
        compartment: Compartment::Main,
    }];
    assert!(matches!(
        vault.finalise(&id, &never_saved, &RecordNotes::default()),
        Err(VaultError::Damaged { .. })
    ));
    assert_eq!(vault.drafts().expect("drafts").len(), 1, "still a draft");
}

#[test]
fn envelopes_with_and_without_a_safeguarding_section_are_alike_in_length() {
    let setup = enrolled();
    let mut vault = open(&setup.dir);
    let with_section = answered(&mut vault);
    vault
        .finalise(&with_section, &BOTH_SHOWN, &RecordNotes::default())
        .expect("finalised");
    let without = vault
        .create_assessment("default", "1", "hash")
        .expect("assessment");
    vault
        .save_answer(
            &without,
            "injuries",
            Compartment::Main,
            MAIN_CANARY.as_bytes(),
        )
        .expect("main");
    vault
        .finalise(&without, &BOTH_SHOWN[..1], &RecordNotes::default())
        .expect("finalised");
    let mut outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    let claimed = outbox.claim_due(0, 10).expect("claimed");
    let lengths: Vec<(usize, usize)> = claimed
        .iter()
        .map(|item| {
            let envelope: firstline_protocol::Envelope =
                serde_json::from_slice(&item.envelope).expect("json");
            let part = envelope.safeguarding.expect("always a safeguarding part");
            (item.envelope.len(), part.ciphertext.0.len())
        })
        .collect();
    assert_eq!(lengths.len(), 2);
    assert_eq!(lengths[0], lengths[1], "the envelopes differ in length");
}

#[test]
fn a_record_finalised_before_enrolment_waits_locked_and_is_sealed_at_the_first_unlock_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = open(&dir);
    let id = answered(&mut vault);
    vault
        .save_answer(
            &id,
            "hidden_one",
            Compartment::Main,
            b"\"CANARY-hidden-77aa\"",
        )
        .expect("hidden");
    let notes = RecordNotes {
        deferred: vec!["privacy".into()],
        graded_below_guidance: true,
    };
    vault
        .finalise_before_enrolment(&id, &BOTH_SHOWN, &notes)
        .expect("locked, waiting");
    // Locked: no more answers; the hidden one is gone; nothing in the outbox; the sent list
    // says it waits for enrolment.
    assert!(matches!(
        vault.save_answer(&id, "injuries", Compartment::Main, b"\"later\""),
        Err(VaultError::Finalised { .. })
    ));
    let kept: Vec<String> = vault
        .answers(&id)
        .expect("answers")
        .into_iter()
        .map(|answer| answer.question_id)
        .collect();
    assert_eq!(kept, ["injuries", "status_threats"]);
    assert!(vault.drafts().expect("drafts").is_empty());
    let sent = vault.sent_records().expect("sent");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].state, "waiting_for_enrolment");
    assert_eq!(vault.seal_waiting().expect("nothing to seal yet").len(), 0);
    // The hidden answer is destroyed at once, row and all; the waiting record counts among
    // what a wipe would destroy.
    let hidden_rows: i64 = rusqlite::Connection::open(dir.path().join("vault.sqlite"))
        .expect("open")
        .query_row(
            "SELECT COUNT(DISTINCT question_tag) FROM answers",
            [],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(hidden_rows, 2, "the hidden answer outlived finalising");
    let status = vault.sync_status().expect("status");
    assert_eq!(status.waiting_for_enrolment, 1);
    assert_eq!(status.not_received(), 1);

    // Enrolled (while the officer is unlocked), then the next unlock seals it.
    let permit = vault.enrolment_permit().expect("a permit");
    drop(vault);
    let setup = support::enrol(dir, permit);
    let mut vault = open(&setup.dir);
    vault.unlock("PC 1", PIN).expect("unlocked");
    let sealed = vault.seal_waiting().expect("sealed");
    assert_eq!(sealed.len(), 1);
    let finalised = sealed.into_iter().next().expect("one").expect("sealed");
    assert_eq!(finalised.submission_id, id.0);
    assert_eq!(
        vault.seal_waiting().expect("again").len(),
        0,
        "sealed twice"
    );
    let sent = vault.sent_records().expect("sent");
    assert_eq!(sent[0].state, "pending");

    let outbox = Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox")
    .claim_due(i64::MAX, 10)
    .expect("claimed");
    assert_eq!(outbox.len(), 1);
    let envelope: firstline_protocol::Envelope =
        serde_json::from_slice(&outbox[0].envelope).expect("envelope");
    let opened =
        firstline_seal::open_submission(&envelope, &setup.records, Some(&setup.safeguarding))
            .expect("opens");
    assert_eq!(opened.record["deferred"], serde_json::json!(["privacy"]));
    assert_eq!(opened.record["graded_below_guidance"], true);
    assert_eq!(opened.record["answers"]["injuries"], "CANARY-main-51c2");
    let section = opened.safeguarding_section.expect("section");
    assert_eq!(section["answers"]["status_threats"], "CANARY-migrant-a9e0");
    // Sealed now: the safeguarding compartment (key and answers) is gone from the device, and
    // the waiting notes with it; the record counts as sent, not as waiting.
    let db = rusqlite::Connection::open(setup.dir.path().join("vault.sqlite")).expect("open");
    let (compartment_keys, notes_left): (i64, i64) = db
        .query_row(
            "SELECT COUNT(wrapped_compartment_key), COUNT(waiting_notes) FROM assessments",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("read");
    assert_eq!((compartment_keys, notes_left), (0, 0));
    let status = vault.sync_status().expect("status");
    assert_eq!((status.pending, status.waiting_for_enrolment), (1, 0));
    let kept: Vec<String> = vault
        .answers(&id)
        .expect("answers")
        .into_iter()
        .map(|answer| answer.question_id)
        .collect();
    assert_eq!(kept, ["injuries"]);
}

#[test]
fn finalising_before_enrolment_is_refused_on_an_enrolled_device() {
    let setup = enrolled();
    let mut vault = open(&setup.dir);
    let id = answered(&mut vault);
    assert!(matches!(
        vault.finalise_before_enrolment(&id, &BOTH_SHOWN, &RecordNotes::default()),
        Err(VaultError::AlreadyEnrolled { .. })
    ));
}

#[test]
fn a_waiting_record_goes_with_its_officers_keys_after_too_many_wrong_pins() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A clock that moves on an hour at each reading, so the lockout's waits pass.
    let seconds = Arc::new(std::sync::atomic::AtomicI64::new(1_800_000_000));
    let clock = seconds.clone();
    let mut vault = Vault::open(
        &dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
        firstline_vault::VaultOptions {
            kdf: firstline_vault::KdfParams::FOR_TESTS,
            max_failed_pins: 5,
            min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
            clock: Arc::new(move || clock.fetch_add(3_600, std::sync::atomic::Ordering::Relaxed)),
        },
    )
    .expect("vault opens");
    let id = answered(&mut vault);
    vault
        .finalise_before_enrolment(&id, &BOTH_SHOWN, &RecordNotes::default())
        .expect("waiting");
    assert_eq!(
        vault.sync_status().expect("status").waiting_for_enrolment,
        1
    );
    vault.lock();
    let mut wiped = false;
    for _ in 0..5 {
        wiped = matches!(vault.unlock("PC 1", "000000"), Err(VaultError::Wiped));
    }
    assert!(wiped, "five wrong PINs did not destroy the officer's keys");
    // It can never be sealed now: no longer counted as waiting, and its notes are gone.
    assert_eq!(
        vault.sync_status().expect("status").waiting_for_enrolment,
        0
    );
    let notes: i64 = rusqlite::Connection::open(dir.path().join("vault.sqlite"))
        .expect("open")
        .query_row("SELECT COUNT(waiting_notes) FROM assessments", [], |row| {
            row.get(0)
        })
        .expect("count");
    assert_eq!(notes, 0);
}

#[test]
fn a_waiting_record_whose_keys_are_gone_is_not_counted_as_waiting() {
    // A vault locked out by wrong PINs before the lockout cleared waiting notes: the record's
    // keys are gone but its notes stayed. It can never be sealed, so it is not counted.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = open(&dir);
    let id = answered(&mut vault);
    vault
        .finalise_before_enrolment(&id, &BOTH_SHOWN, &RecordNotes::default())
        .expect("waiting");
    rusqlite::Connection::open(dir.path().join("vault.sqlite"))
        .expect("open")
        .execute(
            "UPDATE assessments SET wrapped_record_key = NULL, wrapped_compartment_key = NULL",
            [],
        )
        .expect("keys gone");
    let status = vault.sync_status().expect("status");
    assert_eq!(
        (status.waiting_for_enrolment, status.not_received()),
        (0, 0)
    );
}
