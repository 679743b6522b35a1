//! Finalising: exactly the answers check-your-answers shows become a sealed, device-signed
//! envelope in the outbox, in the same transaction that locks the record and destroys every
//! other answer (hidden ones: rows and ciphertexts) and the safeguarding compartment (key and
//! answers). On a device not enrolled yet, finalising locks the record and destroys the hidden
//! answers the same way, but keeps it "waiting for enrolment" (the shown answers and the notes
//! under its own keys) until the first unlock after enrolment seals it. Also amendments (a new
//! record superseding a finalised one), the enrolment the app shows, and the officer's list of
//! sent records.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde_json::{json, Map, Value};

use super::{keys_of, officer_session, AssessmentId, Compartment, Vault};
use crate::audit;
use crate::device::{self, DeviceInfo};
use crate::error::VaultError;
use crate::outbox::{self, SyncStatus};

/// A finalised assessment's place in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finalised {
    /// The submission id (the assessment id).
    pub submission_id: String,
    /// The envelope's content hash.
    pub content_hash: String,
}

/// One answer check-your-answers shows, and the compartment its section is sealed to: what the
/// caller (the workspace, from the form engine) asks `finalise` to seal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownAnswer<'a> {
    /// The question.
    pub question_id: &'a str,
    /// The compartment it is sealed to.
    pub compartment: Compartment,
}

/// What the main record says of how the assessment was completed, besides its answers: the
/// form engine decides it, the vault seals it with the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordNotes {
    /// The ids of the pack's gates that were closed and deferred at finalise (for example the
    /// privacy gate when it was not safe to talk): a later amendment completes what they hide.
    pub deferred: Vec<String>,
    /// Whether the officer graded below the grade the risk guidance suggested (having
    /// confirmed each factor was weighed): for the supervisor's review.
    pub graded_below_guidance: bool,
}

/// One of the officer's finalised records, as the sent list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRecord {
    /// The submission id.
    pub submission_id: String,
    /// When it was finalised.
    pub finalised_at: i64,
    /// `pending`, `sending`, `acknowledged` or `quarantined`; `waiting_for_enrolment` for a
    /// record finalised before the device was enrolled, not sealed yet; `not_sealed` for one
    /// that could not be sealed once it was (see the audit chain's `waiting_record_not_sealed`).
    pub state: String,
    /// Why it is quarantined or waiting, if it is.
    pub reason: Option<String>,
    /// The submission it amends.
    pub supersedes: Option<String>,
}

fn answer_json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The shown answers of an assessment as its record and section hold them, and the keyed tags
/// of the stored answers finalising destroys.
struct KeptAnswers {
    main: Map<String, Value>,
    section: Map<String, Value>,
    /// Answers not shown.
    hidden_tags: Vec<String>,
    /// Shown answers of the safeguarding compartment (destroyed once sealed).
    section_tags: Vec<String>,
}

/// The associated data of the notes a record waiting for enrolment keeps.
fn waiting_notes_aad(assessment: &str) -> Vec<u8> {
    format!("firstline waiting notes v1\0{assessment}").into_bytes()
}

/// An assessment's row, as finalising and amending read it.
struct RecordRow {
    pack_id: String,
    pack_version: String,
    pack_hash: String,
    created_at: i64,
    finalised_at: Option<i64>,
    supersedes: Option<String>,
}

impl Vault {
    /// The row of one of `officer`'s assessments.
    fn record_of(&self, officer: &str, assessment: &AssessmentId) -> Result<RecordRow, VaultError> {
        self.connection
            .query_row(
                "SELECT pack_id, pack_version, pack_hash, created_at, finalised_at, supersedes
                 FROM assessments WHERE assessment_id = ?1 AND officer_id = ?2",
                params![assessment.0, officer],
                |row| {
                    Ok(RecordRow {
                        pack_id: row.get(0)?,
                        pack_version: row.get(1)?,
                        pack_hash: row.get(2)?,
                        created_at: row.get(3)?,
                        finalised_at: row.get(4)?,
                        supersedes: row.get(5)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| VaultError::UnknownRecord {
                record: assessment.0.clone(),
            })
    }

    /// Whether an assessment of the unlocked officer is finalised (sealed, or waiting for
    /// enrolment): then it is never reopened as a draft, only amended.
    pub fn is_finalised(&self, assessment: &AssessmentId) -> Result<bool, VaultError> {
        let officer = &officer_session(&self.session)?.officer;
        Ok(self.record_of(officer, assessment)?.finalised_at.is_some())
    }

    /// The device's enrolment, if any.
    pub fn device(&self) -> Result<Option<DeviceInfo>, VaultError> {
        device::info(&self.connection)
    }

    /// The force's pack-signing public key, once enrolled (packs it signs are trusted).
    pub fn force_pack_key(&self) -> Result<Option<Vec<u8>>, VaultError> {
        device::force_pack_key(&self.connection)
    }

    /// The signed bytes of the force's current pack, once the sync client has pulled one.
    pub fn force_pack(&self) -> Result<Option<Vec<u8>>, VaultError> {
        Ok(device::force_pack(&self.connection)?.map(|(_, bytes)| bytes))
    }

    /// The force's support services, by name (pulled by the sync client).
    pub fn directory(&self) -> Result<Vec<firstline_protocol::DirectoryEntry>, VaultError> {
        device::directory(&self.connection)
    }

    /// The outbox's state, for the sync screen.
    pub fn sync_status(&self) -> Result<SyncStatus, VaultError> {
        outbox::status(&self.connection)
    }

    /// Finalises an assessment of the unlocked officer, sealing exactly the answers in `shown`
    /// (what check-your-answers shows now) and `notes` in the main record: the main ones to the force's records key, the
    /// safeguarding compartment's to the safeguarding key (an empty section when there are
    /// none, padded alike). Signs the envelope with the device key, and in one transaction
    /// writes it to the outbox, locks the record, destroys every stored answer not in `shown`,
    /// the safeguarding compartment's key and answers (and, where the force's policy says so,
    /// the main record's readable copy too). A shown answer the vault does not hold, or holds
    /// in the other compartment, is refused: nothing is sealed.
    pub fn finalise(
        &mut self,
        assessment: &AssessmentId,
        shown: &[ShownAnswer<'_>],
        notes: &RecordNotes,
    ) -> Result<Finalised, VaultError> {
        if self.is_training()? {
            return Err(VaultError::TrainingStore);
        }
        self.seal_record(assessment, shown, notes, None)
    }

    /// Finalises an assessment of the unlocked officer on a device not enrolled yet: exactly
    /// the answers in `shown` are kept (every other is destroyed, as finalising destroys them),
    /// the record is locked, and `notes` are kept under its key, so that the first unlock
    /// after enrolment seals it ([`Vault::seal_waiting`]) as finalising would have then. The
    /// safeguarding compartment is kept until that sealing. Refused once enrolled (finalise).
    pub fn finalise_before_enrolment(
        &mut self,
        assessment: &AssessmentId,
        shown: &[ShownAnswer<'_>],
        notes: &RecordNotes,
    ) -> Result<(), VaultError> {
        if self.is_training()? {
            return Err(VaultError::TrainingStore);
        }
        let session = officer_session(&self.session)?;
        let officer = session.officer.clone();
        if let Some(enrolled) = device::info(&self.connection)? {
            // Enrolled: finalising seals at once.
            return Err(VaultError::AlreadyEnrolled {
                force_name: enrolled.force_name,
                waiting: self.sync_status()?.not_received(),
            });
        }
        let keys = keys_of(&session.dek, &officer, &self.connection, assessment)?;
        let now = self.now();
        if self.record_of(&officer, assessment)?.finalised_at.is_some() {
            return Err(VaultError::Finalised {
                record: assessment.0.clone(),
            });
        }
        let kept = self.shown_answers(assessment, shown)?;
        let notes_json =
            zeroize::Zeroizing::new(serde_json::to_vec(notes).map_err(|_| VaultError::Random)?);
        let sealed_notes = keys
            .for_compartment(Compartment::Main, assessment)?
            .seal(&notes_json, &waiting_notes_aad(&assessment.0))?;
        let secret = &self.device_secret;
        crate::integrity::guarded(&mut self.connection, secret, |transaction| {
            transaction.execute(
                "UPDATE assessments SET finalised_at = ?2, updated_at = ?2, waiting_notes = ?3,
                     screen_tag = NULL, screen_at = NULL
                 WHERE assessment_id = ?1",
                params![assessment.0, now, sealed_notes],
            )?;
            transaction.execute(
                "DELETE FROM pending WHERE assessment_id = ?1",
                [&assessment.0],
            )?;
            for tag in &kept.hidden_tags {
                transaction.execute(
                    "DELETE FROM answers WHERE assessment_id = ?1 AND question_tag = ?2",
                    params![assessment.0, tag],
                )?;
            }
            audit::append(
                transaction,
                secret,
                &officer,
                now,
                "assessment_finalised_waiting_for_enrolment",
                Some(&assessment.0),
            )
        })?;
        self.checkpoint()
    }

    /// Seals every record of the unlocked officer that was finalised before the device was
    /// enrolled, now that it is (called at unlock): each as finalising would have, with the
    /// time it was finalised. A record that cannot be sealed (damaged) stays waiting, and is
    /// given back with why; the others go on.
    pub fn seal_waiting(&mut self) -> Result<Vec<Result<Finalised, VaultError>>, VaultError> {
        let officer = officer_session(&self.session)?.officer.clone();
        if device::credentials(&self.connection, &self.device_secret)?.is_none() {
            return Ok(Vec::new());
        }
        let waiting: Vec<(String, Vec<u8>)> = self
            .connection
            .prepare(
                "SELECT assessment_id, waiting_notes FROM assessments
                 WHERE officer_id = ?1 AND waiting_notes IS NOT NULL
                 ORDER BY finalised_at, assessment_id",
            )?
            .query_map([&officer], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut sealed = Vec::new();
        for (id, sealed_notes) in waiting {
            let id = AssessmentId(id);
            let outcome = self.seal_one_waiting(&id, &sealed_notes);
            if outcome.is_err() {
                // It stays waiting (the sync screen lists it so); the chain says it was tried.
                self.record_event("waiting_record_not_sealed", Some(&id))?;
            }
            sealed.push(outcome);
        }
        Ok(sealed)
    }

    fn seal_one_waiting(
        &mut self,
        assessment: &AssessmentId,
        sealed_notes: &[u8],
    ) -> Result<Finalised, VaultError> {
        let session = officer_session(&self.session)?;
        let keys = keys_of(&session.dek, &session.officer, &self.connection, assessment)?;
        let damaged = || VaultError::Damaged {
            record: assessment.0.clone(),
            place: "the notes kept for sealing".into(),
        };
        let notes_json = keys
            .for_compartment(Compartment::Main, assessment)?
            .open(sealed_notes, &waiting_notes_aad(&assessment.0))
            .ok_or_else(damaged)?;
        let notes: RecordNotes = serde_json::from_slice(&notes_json).map_err(|_| damaged())?;
        // Everything kept was shown: the rest was destroyed when it was finalised.
        let stored = self.answers(assessment)?;
        let shown: Vec<ShownAnswer<'_>> = stored
            .iter()
            .map(|answer| ShownAnswer {
                question_id: &answer.question_id,
                compartment: answer.compartment,
            })
            .collect();
        let finalised_at = self
            .record_of(&session.officer.clone(), assessment)?
            .finalised_at
            .ok_or_else(damaged)?;
        self.seal_record(assessment, &shown, &notes, Some(finalised_at))
    }

    /// The answers in `shown` as the record and the section hold them, and the tags of every
    /// other stored answer (to destroy); refused, naming only a keyed tag, if a shown answer is
    /// not stored or stored in the other compartment.
    fn shown_answers(
        &self,
        assessment: &AssessmentId,
        shown: &[ShownAnswer<'_>],
    ) -> Result<KeptAnswers, VaultError> {
        let session = officer_session(&self.session)?;
        let tags = keys_of(&session.dek, &session.officer, &self.connection, assessment)?.tags;
        let mismatch = |question: &str| VaultError::Damaged {
            record: assessment.0.clone(),
            place: format!(
                "answer {} is not stored as shown",
                tags.question(&assessment.0, question)
            ),
        };
        let stored = self.answers(assessment)?;
        let mut kept = KeptAnswers {
            main: Map::new(),
            section: Map::new(),
            hidden_tags: Vec::new(),
            section_tags: Vec::new(),
        };
        for answer in &stored {
            let shown_as = shown
                .iter()
                .find(|shown| shown.question_id == answer.question_id);
            let tag = tags.question(&assessment.0, &answer.question_id);
            match shown_as {
                Some(shown) if shown.compartment != answer.compartment => {
                    return Err(mismatch(&answer.question_id))
                }
                Some(_) => {
                    let target = match answer.compartment {
                        Compartment::Main => &mut kept.main,
                        Compartment::Safeguarding => {
                            kept.section_tags.push(tag);
                            &mut kept.section
                        }
                    };
                    target.insert(answer.question_id.clone(), answer_json(&answer.plaintext));
                }
                None => kept.hidden_tags.push(tag),
            }
        }
        if let Some(missing) = shown.iter().find(|shown| {
            !stored
                .iter()
                .any(|answer| answer.question_id == shown.question_id)
        }) {
            return Err(mismatch(missing.question_id));
        }
        Ok(kept)
    }

    /// Seals and writes to the outbox (see [`Vault::finalise`]); `waiting_since` is when a
    /// record finalised before enrolment was finalised (it is then sealed as of that time).
    fn seal_record(
        &mut self,
        assessment: &AssessmentId,
        shown: &[ShownAnswer<'_>],
        notes: &RecordNotes,
        waiting_since: Option<i64>,
    ) -> Result<Finalised, VaultError> {
        let session = officer_session(&self.session)?;
        let officer = session.officer.clone();
        let credentials = device::credentials(&self.connection, &self.device_secret)?
            .ok_or(VaultError::NotEnrolled)?;
        let now = self.now();
        let RecordRow {
            pack_id,
            pack_version,
            pack_hash,
            created_at,
            finalised_at,
            supersedes,
        } = self.record_of(&officer, assessment)?;
        if finalised_at.is_some() && waiting_since.is_none() {
            return Err(VaultError::Finalised {
                record: assessment.0.clone(),
            });
        }
        let KeptAnswers {
            main,
            section,
            hidden_tags,
            section_tags,
        } = self.shown_answers(assessment, shown)?;
        let destroyed_tags: Vec<String> = hidden_tags.into_iter().chain(section_tags).collect();
        let finalised_at = waiting_since.unwrap_or(now);
        let pack = json!({ "id": pack_id, "version": pack_version, "hash": pack_hash });
        let record = zeroize::Zeroizing::new(
            serde_json::to_vec(&json!({
                "format": 3,
                "submission_id": assessment.0,
                "supersedes": supersedes,
                "officer_id": officer,
                "device_id": credentials.device_id,
                "pack": pack,
                "started_at": created_at,
                "finalised_at": finalised_at,
                "answers": Value::Object(main),
                "deferred": notes.deferred,
                "graded_below_guidance": notes.graded_below_guidance,
            }))
            .map_err(|_| VaultError::Random)?,
        );
        // Always a section, empty or not: the seal pads it to one size either way.
        let section = zeroize::Zeroizing::new(
            serde_json::to_vec(&json!({
                "format": 2,
                "submission_id": assessment.0,
                "answers": Value::Object(section),
            }))
            .map_err(|_| VaultError::Random)?,
        );
        let recipients = firstline_seal::ForceRecipients::from_bytes(
            &credentials.records_public_key,
            &credentials.safeguarding_public_key,
        )
        .map_err(|error| VaultError::Sealing(error.to_string()))?;
        let device_key = firstline_seal::DeviceKey::from_bytes(&credentials.signing_key)
            .map_err(|error| VaultError::Sealing(error.to_string()))?;
        let envelope = firstline_seal::seal(
            firstline_seal::EnvelopeHeader {
                submission_id: assessment.0.clone(),
                supersedes,
                device_id: credentials.device_id.clone(),
                pack: firstline_protocol::PackRef {
                    id: pack_id,
                    version: pack_version,
                    hash: pack_hash,
                },
                sealed_at: now,
            },
            &record,
            Some(section.as_slice()),
            &recipients,
            &device_key,
        )
        .map_err(|error| VaultError::Sealing(error.to_string()))?;
        let content_hash = envelope.content_hash();
        let destroy_copy = device::destroys_copy_at_sealing(&self.connection)?;
        let envelope_bytes = serde_json::to_vec(&envelope).map_err(|_| VaultError::Random)?;

        let secret = &self.device_secret;
        crate::integrity::guarded(&mut self.connection, secret, |transaction| {
            transaction.execute(
                "INSERT INTO outbox (submission_id, officer_id, envelope, content_hash, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)",
                params![assessment.0, officer, envelope_bytes, content_hash, now],
            )?;
            transaction.execute(
                "UPDATE assessments SET finalised_at = ?3, wrapped_compartment_key = NULL, updated_at = ?2,
                     screen_tag = NULL, screen_at = NULL, waiting_notes = NULL
                 WHERE assessment_id = ?1",
                params![assessment.0, now, finalised_at],
            )?;
            // Words typed but never answered are never sealed, and not kept.
            transaction.execute(
                "DELETE FROM pending WHERE assessment_id = ?1",
                [&assessment.0],
            )?;
            // Hidden answers and the safeguarding section's: rows and ciphertexts, every revision
            // (secure_delete overwrites the freed pages; the checkpoint below clears the WAL).
            for tag in &destroyed_tags {
                transaction.execute(
                    "DELETE FROM answers WHERE assessment_id = ?1 AND question_tag = ?2",
                    params![assessment.0, tag],
                )?;
            }
            transaction.execute(
                "DELETE FROM answers WHERE assessment_id = ?1 AND format <> 2",
                [&assessment.0],
            )?;
            if destroy_copy {
                // The force's policy: nothing readable stays on the device once sealed.
                transaction.execute(
                    "UPDATE assessments SET wrapped_record_key = NULL WHERE assessment_id = ?1",
                    [&assessment.0],
                )?;
                transaction.execute(
                    "DELETE FROM answers WHERE assessment_id = ?1",
                    [&assessment.0],
                )?;
            }
            audit::append(
                transaction,
                secret,
                &officer,
                now,
                "assessment_finalised",
                Some(&assessment.0),
            )?;
            audit::append(
                transaction,
                secret,
                &officer,
                now,
                "compartment_destroyed",
                Some(&assessment.0),
            )?;
            Ok(())
        })?;
        self.checkpoint()?;
        Ok(Finalised {
            submission_id: assessment.0.clone(),
            content_hash,
        })
    }

    /// Starts an amendment of a finalised record: a new assessment on the same pack that
    /// supersedes it, with the main answers still readable on the device copied in (the
    /// migrant-victim section was destroyed at sealing and must be asked again).
    pub fn amend(&mut self, finalised: &AssessmentId) -> Result<AssessmentId, VaultError> {
        let officer = officer_session(&self.session)?.officer.clone();
        let RecordRow {
            pack_id,
            pack_version,
            pack_hash,
            finalised_at,
            ..
        } = self.record_of(&officer, finalised)?;
        if finalised_at.is_none() {
            return Err(VaultError::NotFinalised {
                record: finalised.0.clone(),
            });
        }
        // The readable copy is gone once the force's receipt arrived (or at sealing, by policy):
        // then the amendment starts empty. Any other failure is the officer's to see.
        let copy_destroyed: bool = self.connection.query_row(
            "SELECT wrapped_record_key IS NULL FROM assessments WHERE assessment_id = ?1",
            [&finalised.0],
            |row| row.get(0),
        )?;
        let kept = if copy_destroyed {
            Vec::new()
        } else {
            self.answers(finalised)?
        };
        let amendment = self.create_assessment(&pack_id, &pack_version, &pack_hash)?;
        let copied = self
            .connection
            .execute(
                "UPDATE assessments SET supersedes = ?2 WHERE assessment_id = ?1",
                params![amendment.0, finalised.0],
            )
            .map_err(VaultError::from)
            .and_then(|_| {
                kept.iter()
                    .filter(|answer| answer.compartment == Compartment::Main)
                    .try_for_each(|answer| {
                        self.save_answer(
                            &amendment,
                            &answer.question_id,
                            Compartment::Main,
                            &answer.plaintext,
                        )
                        .map(|_| ())
                    })
            });
        if let Err(error) = copied {
            // No half-copied amendment is left behind to supersede the record.
            let _ = self.discard_draft(&amendment);
            return Err(error);
        }
        Ok(amendment)
    }

    /// Destroys a draft of the unlocked officer outright: its keys, answers and row.
    fn discard_draft(&mut self, draft: &AssessmentId) -> Result<(), VaultError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute("DELETE FROM answers WHERE assessment_id = ?1", [&draft.0])?;
        transaction.execute("DELETE FROM pending WHERE assessment_id = ?1", [&draft.0])?;
        transaction.execute(
            "DELETE FROM assessments WHERE assessment_id = ?1 AND finalised_at IS NULL",
            [&draft.0],
        )?;
        transaction.commit()?;
        self.checkpoint()
    }

    /// The unlocked officer's finalised records and where each is in the outbox.
    pub fn sent_records(&self) -> Result<Vec<SentRecord>, VaultError> {
        let officer = &officer_session(&self.session)?.officer;
        let mut statement = self.connection.prepare(
            "SELECT s.assessment_id, s.finalised_at,
                    COALESCE(o.state, CASE WHEN ?2 THEN 'not_sealed' ELSE 'waiting_for_enrolment' END),
                    o.reason, s.supersedes
             FROM assessments s LEFT JOIN outbox o ON o.submission_id = s.assessment_id
             WHERE s.officer_id = ?1 AND s.finalised_at IS NOT NULL
                 AND (o.submission_id IS NOT NULL OR s.waiting_notes IS NOT NULL)
             ORDER BY s.finalised_at DESC, s.assessment_id",
        )?;
        // On an enrolled device, a record of the unlocked officer still waiting could not be
        // sealed at their unlock (audited `waiting_record_not_sealed`): say so, not "waiting".
        let enrolled = device::info(&self.connection)?.is_some();
        let records = statement
            .query_map(params![officer, enrolled], |row| {
                Ok(SentRecord {
                    submission_id: row.get(0)?,
                    finalised_at: row.get(1)?,
                    state: row.get(2)?,
                    reason: row.get(3)?,
                    supersedes: row.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(records)
    }
}
