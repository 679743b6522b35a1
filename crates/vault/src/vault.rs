//! The vault file and an officer's unlocked view of it: set-up, unlock with PIN lockout, PIN
//! change, assessments, the answer journal, drafts, crypto-shredding.

use std::path::Path;
use std::sync::Arc;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use zeroize::Zeroizing;

use crate::audit;
use crate::crypto::{derive_kek, random_bytes, KdfParams, Key};
use crate::device_secret::DeviceSecret;
use crate::error::VaultError;
use crate::schema;

mod finalise;

pub use finalise::{Finalised, SentRecord};

/// Settings a vault is opened with (from policy; tests use cheap ones).
#[derive(Clone)]
pub struct VaultOptions {
    /// Argon2id cost for new PINs.
    pub kdf: KdfParams,
    /// Wrong PINs in a row after which the officer's key is destroyed.
    pub max_failed_pins: u32,
    /// Seconds since the Unix epoch.
    pub clock: Arc<dyn Fn() -> i64 + Send + Sync>,
}

impl Default for VaultOptions {
    fn default() -> Self {
        VaultOptions {
            kdf: KdfParams::APP,
            max_failed_pins: 10,
            clock: Arc::new(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|elapsed| elapsed.as_secs() as i64)
                    .unwrap_or_default()
            }),
        }
    }
}

/// The vault file, and the officer who has it unlocked, if any.
pub struct Vault {
    connection: Connection,
    device_secret: DeviceSecret,
    options: VaultOptions,
    session: Option<Session>,
}

/// An unlocked officer: their id and data key. The key is wiped when the session is dropped
/// (on lock, on drop of the vault).
struct Session {
    officer: String,
    dek: Key,
}

/// An assessment's id: a UUID made when the record is made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssessmentId(pub String);

/// Which key an answer is sealed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compartment {
    /// The record key.
    Main,
    /// The migrant-victim compartment key.
    Migrant,
}

impl Compartment {
    fn as_str(self) -> &'static str {
        match self {
            Compartment::Main => "main",
            Compartment::Migrant => "migrant",
        }
    }
}

/// The latest revision of one answer, decrypted.
pub struct StoredAnswer {
    /// The question.
    pub question_id: String,
    /// Its revision (1 for the first answer).
    pub revision: u32,
    /// Which compartment it is in.
    pub compartment: Compartment,
    /// The answer's bytes, wiped when dropped.
    pub plaintext: Zeroizing<Vec<u8>>,
}

/// A draft in the officer's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSummary {
    /// The assessment.
    pub assessment_id: AssessmentId,
    /// The pack it uses.
    pub pack_id: String,
    /// The pack's version.
    pub pack_version: String,
    /// The pack's content hash.
    pub pack_hash: String,
    /// When it was last changed.
    pub updated_at: i64,
    /// How many questions have an answer.
    pub answered: u32,
}

/// An officer's row as unlock reads it.
struct OfficerKeyRow {
    salt: Vec<u8>,
    params: KdfParams,
    wrapped: Option<Vec<u8>>,
    failed: u32,
    next_try_at: i64,
}

const PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=12;

fn dek_aad(officer: &str) -> Vec<u8> {
    format!("firstline dek v1\0{officer}").into_bytes()
}

fn record_key_aad(assessment: &str, compartment: Compartment) -> Vec<u8> {
    format!(
        "firstline record key v1\0{assessment}\0{}",
        compartment.as_str()
    )
    .into_bytes()
}

fn answer_aad(
    assessment: &str,
    question: &str,
    revision: u32,
    compartment: Compartment,
) -> Vec<u8> {
    format!(
        "firstline answer v1\0{assessment}\0{question}\0{revision}\0{}",
        compartment.as_str()
    )
    .into_bytes()
}

fn check_pin(pin: &str) -> Result<(), VaultError> {
    if PIN_DIGITS.contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(VaultError::BadPin {
            min: *PIN_DIGITS.start(),
            max: *PIN_DIGITS.end(),
        })
    }
}

/// Seconds to wait after `failed` wrong PINs in a row: none for the first two, then doubling
/// from 1 s, at most 5 minutes.
fn lockout_seconds(failed: u32) -> i64 {
    if failed < 3 {
        0
    } else {
        (1i64 << (failed - 3).min(9)).min(300)
    }
}

impl Vault {
    /// Opens (creating if needed) the vault file at `path` and brings its schema up to date.
    pub fn open(
        path: &Path,
        device_secret: DeviceSecret,
        options: VaultOptions,
    ) -> Result<Vault, VaultError> {
        let mut connection = Connection::open(path)?;
        // WAL with a durable commit: an acknowledged answer survives a killed process or a dead
        // battery. secure_delete overwrites freed pages, so destroyed keys do not linger.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "secure_delete", "ON")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.pragma_update(None, "temp_store", "MEMORY")?;
        // The sync client works on the same file through its own connection (the outbox).
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&mut connection)?;
        Ok(Vault {
            connection,
            device_secret,
            options,
            session: None,
        })
    }

    fn now(&self) -> i64 {
        (self.options.clock)()
    }

    /// The officers set up on this device.
    pub fn officers(&self) -> Result<Vec<String>, VaultError> {
        let mut statement = self
            .connection
            .prepare("SELECT officer_id FROM officers ORDER BY officer_id")?;
        let officers = statement
            .query_map([], |row| row.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(officers)
    }

    /// Sets up an officer with a new random data key wrapped by their PIN.
    pub fn set_up_officer(&mut self, officer: &str, pin: &str) -> Result<(), VaultError> {
        check_pin(pin)?;
        let now = self.now();
        let salt = random_bytes::<16>()?;
        let kek = derive_kek(pin, &salt, self.device_secret.bytes(), self.options.kdf)?;
        let dek = Key::random()?;
        let wrapped = kek.seal(dek.as_bytes(), &dek_aad(officer))?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = transaction
            .query_row(
                "SELECT 1 FROM officers WHERE officer_id = ?1",
                [officer],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if exists {
            return Err(VaultError::OfficerExists {
                officer: officer.to_string(),
            });
        }
        transaction.execute(
            "INSERT INTO officers (officer_id, kdf_salt, kdf_memory_kib, kdf_iterations, wrapped_dek, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![officer, salt.to_vec(), self.options.kdf.memory_kib, self.options.kdf.iterations, wrapped, now],
        )?;
        audit::append(&transaction, officer, now, "officer_set_up", None)?;
        transaction.commit()?;
        Ok(())
    }

    /// Unwraps the officer's data key with their PIN, counting wrong PINs: growing delays, and
    /// after the policy's limit the wrapped key and every record key of theirs are destroyed.
    pub fn unlock(&mut self, officer: &str, pin: &str) -> Result<(), VaultError> {
        self.lock();
        let now = self.now();
        let row = self
            .connection
            .query_row(
                "SELECT kdf_salt, kdf_memory_kib, kdf_iterations, wrapped_dek, failed_pins, next_try_at
                 FROM officers WHERE officer_id = ?1",
                [officer],
                |row| {
                    Ok(OfficerKeyRow {
                        salt: row.get(0)?,
                        params: KdfParams {
                            memory_kib: row.get(1)?,
                            iterations: row.get(2)?,
                        },
                        wrapped: row.get(3)?,
                        failed: row.get(4)?,
                        next_try_at: row.get(5)?,
                    })
                },
            )
            .optional()?;
        let OfficerKeyRow {
            salt,
            params,
            wrapped,
            failed,
            next_try_at,
        } = row.ok_or_else(|| VaultError::UnknownOfficer {
            officer: officer.to_string(),
        })?;
        let wrapped = wrapped.ok_or(VaultError::Wiped)?;
        if now < next_try_at {
            return Err(VaultError::TooSoon {
                seconds: next_try_at - now,
            });
        }
        let kek = derive_kek(pin, &salt, self.device_secret.bytes(), params)?;
        let Some(dek) = kek
            .open(&wrapped, &dek_aad(officer))
            .and_then(|bytes| Key::from_slice(&bytes))
        else {
            return Err(self.wrong_pin(officer, failed + 1, now)?);
        };
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(
            "UPDATE officers SET failed_pins = 0, next_try_at = 0 WHERE officer_id = ?1",
            [officer],
        )?;
        audit::append(&transaction, officer, now, "unlocked", None)?;
        transaction.commit()?;
        self.session = Some(Session {
            officer: officer.to_string(),
            dek,
        });
        Ok(())
    }

    fn wrong_pin(
        &mut self,
        officer: &str,
        failed: u32,
        now: i64,
    ) -> Result<VaultError, VaultError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if failed >= self.options.max_failed_pins {
            transaction.execute(
                "UPDATE officers SET wrapped_dek = NULL, failed_pins = ?2 WHERE officer_id = ?1",
                params![officer, failed],
            )?;
            transaction.execute(
                "UPDATE assessments SET wrapped_record_key = NULL, wrapped_compartment_key = NULL
                 WHERE officer_id = ?1",
                [officer],
            )?;
            audit::append(&transaction, officer, now, "wiped_after_wrong_pins", None)?;
            transaction.commit()?;
            self.checkpoint()?;
            return Ok(VaultError::Wiped);
        }
        transaction.execute(
            "UPDATE officers SET failed_pins = ?2, next_try_at = ?3 WHERE officer_id = ?1",
            params![officer, failed, now + lockout_seconds(failed)],
        )?;
        audit::append(&transaction, officer, now, "wrong_pin", None)?;
        transaction.commit()?;
        Ok(VaultError::WrongPin {
            attempts_left: self.options.max_failed_pins - failed,
        })
    }

    /// Moves everything from the WAL into the main file and truncates the WAL, so overwritten
    /// (destroyed) keys leave no copy behind in it.
    fn checkpoint(&self) -> Result<(), VaultError> {
        self.connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Locks: forgets the officer's keys (wiped from memory).
    pub fn lock(&mut self) {
        self.session = None;
    }

    /// The officer who has the vault unlocked, if any.
    pub fn unlocked_officer(&self) -> Option<&str> {
        self.session
            .as_ref()
            .map(|session| session.officer.as_str())
    }

    /// Verifies the audit chain of this vault.
    pub fn verify_audit(&self) -> Result<Vec<crate::AuditEntry>, VaultError> {
        audit::verify_audit_chain(&self.connection)
    }
}

/// What an unlocked officer can do.
impl Vault {
    /// Re-wraps the data key under a new PIN (nothing else is re-encrypted).
    pub fn change_pin(&mut self, new_pin: &str) -> Result<(), VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        check_pin(new_pin)?;
        let now = self.now();
        let salt = random_bytes::<16>()?;
        let params = self.options.kdf;
        let kek = derive_kek(new_pin, &salt, self.device_secret.bytes(), params)?;
        let wrapped = kek.seal(session.dek.as_bytes(), &dek_aad(&session.officer))?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(
            "UPDATE officers SET kdf_salt = ?2, kdf_memory_kib = ?3, kdf_iterations = ?4, wrapped_dek = ?5
             WHERE officer_id = ?1",
            params![session.officer, salt.to_vec(), params.memory_kib, params.iterations, wrapped],
        )?;
        audit::append(&transaction, &session.officer, now, "pin_changed", None)?;
        transaction.commit()?;
        self.checkpoint()
    }

    /// Starts an assessment: a new id, a record key and a migrant-compartment key, both wrapped
    /// by the officer's data key.
    pub fn create_assessment(
        &mut self,
        pack_id: &str,
        pack_version: &str,
        pack_hash: &str,
    ) -> Result<AssessmentId, VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = self.now();
        let record_key = Key::random()?;
        let compartment_key = Key::random()?;
        let wrapped_record = session.dek.seal(
            record_key.as_bytes(),
            &record_key_aad(&id, Compartment::Main),
        )?;
        let wrapped_compartment = session.dek.seal(
            compartment_key.as_bytes(),
            &record_key_aad(&id, Compartment::Migrant),
        )?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(
            "INSERT INTO assessments (assessment_id, officer_id, pack_id, pack_version, pack_hash,
                 wrapped_record_key, wrapped_compartment_key, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                id,
                session.officer,
                pack_id,
                pack_version,
                pack_hash,
                wrapped_record,
                wrapped_compartment,
                now
            ],
        )?;
        audit::append(
            &transaction,
            &session.officer,
            now,
            "assessment_created",
            Some(&id),
        )?;
        transaction.commit()?;
        Ok(AssessmentId(id))
    }

    /// Saves one answer as a new revision, durably, and returns the revision. The caller
    /// acknowledges the answer to the officer only after this returns.
    pub fn save_answer(
        &mut self,
        assessment: &AssessmentId,
        question_id: &str,
        compartment: Compartment,
        plaintext: &[u8],
    ) -> Result<u32, VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        let now = self.now();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let finalised: Option<i64> = transaction
            .query_row(
                "SELECT finalised_at FROM assessments WHERE assessment_id = ?1",
                [&assessment.0],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        if finalised.is_some() {
            return Err(VaultError::Finalised {
                record: assessment.0.clone(),
            });
        }
        let key = key_of(
            &session.dek,
            &session.officer,
            &transaction,
            assessment,
            compartment,
        )?;
        let revision: u32 = transaction.query_row(
            "SELECT COALESCE(MAX(revision), 0) + 1 FROM answers WHERE assessment_id = ?1 AND question_id = ?2",
            params![assessment.0, question_id],
            |row| row.get(0),
        )?;
        let sealed = key.seal(
            plaintext,
            &answer_aad(&assessment.0, question_id, revision, compartment),
        )?;
        transaction.execute(
            "INSERT INTO answers (assessment_id, question_id, revision, compartment, sealed, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![assessment.0, question_id, revision, compartment.as_str(), sealed, now],
        )?;
        transaction.execute(
            "UPDATE assessments SET updated_at = ?2 WHERE assessment_id = ?1",
            params![assessment.0, now],
        )?;
        audit::append(
            &transaction,
            &session.officer,
            now,
            "answer_saved",
            Some(&assessment.0),
        )?;
        transaction.commit()?;
        Ok(revision)
    }

    /// The latest revision of every answer of an assessment, decrypted. Anything changed or
    /// moved is reported as damaged, naming the record and the place, never the value.
    pub fn answers(&self, assessment: &AssessmentId) -> Result<Vec<StoredAnswer>, VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        let connection = &self.connection;
        let main = key_of(
            &session.dek,
            &session.officer,
            connection,
            assessment,
            Compartment::Main,
        )?;
        let migrant = key_of(
            &session.dek,
            &session.officer,
            connection,
            assessment,
            Compartment::Migrant,
        )
        .ok();
        let mut statement = connection.prepare(
            "SELECT a.question_id, a.revision, a.compartment, a.sealed FROM answers a
             WHERE a.assessment_id = ?1 AND a.revision =
                 (SELECT MAX(b.revision) FROM answers b
                  WHERE b.assessment_id = a.assessment_id AND b.question_id = a.question_id)
             ORDER BY a.saved_at, a.question_id",
        )?;
        let rows = statement.query_map([&assessment.0], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, u32>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Vec<u8>>(3)?,
            ))
        })?;
        let mut answers = Vec::new();
        for row in rows {
            let (question_id, revision, compartment, sealed) = row?;
            let compartment = if compartment == "migrant" {
                Compartment::Migrant
            } else {
                Compartment::Main
            };
            let key = match compartment {
                Compartment::Main => Some(&main),
                Compartment::Migrant => migrant.as_ref(),
            };
            let plaintext = key
                .and_then(|key| {
                    key.open(
                        &sealed,
                        &answer_aad(&assessment.0, &question_id, revision, compartment),
                    )
                })
                .ok_or_else(|| VaultError::Damaged {
                    record: assessment.0.clone(),
                    place: format!("answer {question_id} revision {revision}"),
                })?;
            answers.push(StoredAnswer {
                question_id,
                revision,
                compartment,
                plaintext,
            });
        }
        Ok(answers)
    }

    /// The officer's drafts, most recently changed first. Another officer's never appear.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        let mut statement = self.connection.prepare(
            "SELECT s.assessment_id, s.pack_id, s.pack_version, s.pack_hash, s.updated_at,
                    (SELECT COUNT(DISTINCT question_id) FROM answers a WHERE a.assessment_id = s.assessment_id)
             FROM assessments s WHERE s.officer_id = ?1 AND s.wrapped_record_key IS NOT NULL
                 AND s.finalised_at IS NULL
             ORDER BY s.updated_at DESC, s.assessment_id",
        )?;
        let drafts = statement
            .query_map([&session.officer], |row| {
                Ok(DraftSummary {
                    assessment_id: AssessmentId(row.get(0)?),
                    pack_id: row.get(1)?,
                    pack_version: row.get(2)?,
                    pack_hash: row.get(3)?,
                    updated_at: row.get(4)?,
                    answered: row.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(drafts)
    }

    /// Keeps a signed pack file by its content hash (once), so drafts that use it can always be
    /// resumed on it, whatever pack the app runs later.
    pub fn keep_pack(&mut self, pack_hash: &str, signed_bytes: &[u8]) -> Result<(), VaultError> {
        let now = self.now();
        self.connection.execute(
            "INSERT OR IGNORE INTO packs (pack_hash, signed_bytes, kept_at) VALUES (?1, ?2, ?3)",
            params![pack_hash, signed_bytes, now],
        )?;
        Ok(())
    }

    /// The signed pack file an assessment of the unlocked officer was started on, if kept.
    pub fn pack_of(&self, assessment: &AssessmentId) -> Result<Option<Vec<u8>>, VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        Ok(self
            .connection
            .query_row(
                "SELECT p.signed_bytes FROM assessments s JOIN packs p USING (pack_hash)
                 WHERE s.assessment_id = ?1 AND s.officer_id = ?2",
                params![assessment.0, session.officer],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// The question answered last in an assessment: where a resumed draft picks up.
    pub fn last_answered_question(
        &self,
        assessment: &AssessmentId,
    ) -> Result<Option<String>, VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        Ok(self
            .connection
            .query_row(
                "SELECT a.question_id FROM answers a JOIN assessments s USING (assessment_id)
                 WHERE a.assessment_id = ?1 AND s.officer_id = ?2 ORDER BY a.rowid DESC LIMIT 1",
                params![assessment.0, session.officer],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Records an event in the audit chain for the unlocked officer (metadata only: an event
    /// name such as `gated_answer_refused question=q7`, never an answer).
    pub fn record_event(
        &mut self,
        event: &str,
        record: Option<&AssessmentId>,
    ) -> Result<(), VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        let now = self.now();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        audit::append(
            &transaction,
            &session.officer,
            now,
            event,
            record.map(|id| id.0.as_str()),
        )?;
        transaction.commit()?;
        Ok(())
    }

    /// Destroys the migrant-victim compartment key of an assessment (at sealing): that part can
    /// never be read on this device again.
    pub fn destroy_compartment(&mut self, assessment: &AssessmentId) -> Result<(), VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        let now = self.now();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = transaction.execute(
            "UPDATE assessments SET wrapped_compartment_key = NULL WHERE assessment_id = ?1 AND officer_id = ?2",
            params![assessment.0, session.officer],
        )?;
        if changed == 0 {
            return Err(VaultError::UnknownRecord {
                record: assessment.0.clone(),
            });
        }
        audit::append(
            &transaction,
            &session.officer,
            now,
            "compartment_destroyed",
            Some(&assessment.0),
        )?;
        transaction.commit()?;
        self.checkpoint()
    }
}

/// Unwraps an assessment's key for `compartment`, if the assessment is the officer's.
fn key_of(
    dek: &Key,
    officer: &str,
    connection: &Connection,
    assessment: &AssessmentId,
    compartment: Compartment,
) -> Result<Key, VaultError> {
    let column = match compartment {
        Compartment::Main => "wrapped_record_key",
        Compartment::Migrant => "wrapped_compartment_key",
    };
    let wrapped: Option<Option<Vec<u8>>> = connection
        .query_row(
            &format!(
                "SELECT {column} FROM assessments WHERE assessment_id = ?1 AND officer_id = ?2"
            ),
            params![assessment.0, officer],
            |row| row.get(0),
        )
        .optional()?;
    let damaged = |place: &str| VaultError::Damaged {
        record: assessment.0.clone(),
        place: place.to_string(),
    };
    let wrapped = wrapped
        .ok_or_else(|| VaultError::UnknownRecord {
            record: assessment.0.clone(),
        })?
        .ok_or_else(|| damaged(&format!("{} key destroyed", compartment.as_str())))?;
    dek.open(&wrapped, &record_key_aad(&assessment.0, compartment))
        .and_then(|bytes| Key::from_slice(&bytes))
        .ok_or_else(|| damaged(&format!("{} key", compartment.as_str())))
}
