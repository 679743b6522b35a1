//! The vault file and an officer's unlocked view of it: set-up, unlock with PIN lockout, PIN
//! change, assessments, the answer journal, drafts, crypto-shredding.

use std::path::Path;
use std::sync::Arc;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use zeroize::Zeroizing;

use crate::answer_row::{self, TagKey};
use crate::audit;
use crate::crypto::{derive_kek, random_bytes, KdfParams, Key};
use crate::device_secret::DeviceSecret;
use crate::error::VaultError;
use crate::integrity;
use crate::schema;

mod enrolment;
mod finalise;
mod pending;
mod training;

/// Whether the vault file open on `connection` is a training store (the outbox refuses one).
pub(crate) fn is_training_store(connection: &Connection) -> Result<bool, VaultError> {
    training::is_training(connection)
}

pub use enrolment::EnrolmentPermit;
pub use finalise::{Finalised, RecordNotes, SentRecord, ShownAnswer};
pub use pending::PendingValue;

/// Settings a vault is opened with (from policy; tests use cheap ones).
#[derive(Clone)]
pub struct VaultOptions {
    /// Argon2id cost for new PINs.
    pub kdf: KdfParams,
    /// Wrong PINs in a row after which the officer's key is destroyed.
    pub max_failed_pins: u32,
    /// The fewest digits a new PIN may have; an officer whose PIN is shorter must change it at
    /// their next unlock (at most [`MAX_PIN_DIGITS`]).
    pub min_pin_digits: usize,
    /// Seconds since the Unix epoch.
    pub clock: Arc<dyn Fn() -> i64 + Send + Sync>,
}

impl Default for VaultOptions {
    fn default() -> Self {
        VaultOptions {
            kdf: KdfParams::APP,
            max_failed_pins: 10,
            min_pin_digits: MIN_PIN_DIGITS,
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
pub(crate) struct Session {
    officer: String,
    pub(crate) dek: Key,
    /// Unlocked with a PIN shorter than today's minimum (which it holds): nothing but a PIN
    /// change until then.
    pin_change_required: Option<usize>,
}

/// An assessment's id: a UUID made when the record is made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssessmentId(pub String);

/// Which key an answer is sealed under on the device, and so which of the force's keys it is
/// sealed to at finalise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compartment {
    /// The record key; at finalise, the force's records key.
    Main,
    /// The separate compartment key, destroyed at sealing; at finalise, the force's
    /// safeguarding key only.
    Safeguarding,
}

impl Compartment {
    /// The name bound into keys' associated data (format 1's clear column used it too).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Compartment::Main => "main",
            Compartment::Safeguarding => "migrant",
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
}

/// An officer's row as unlock reads it.
struct OfficerKeyRow {
    salt: Vec<u8>,
    params: KdfParams,
    wrapped: Option<Vec<u8>>,
    failed: u32,
    next_try_at: i64,
}

/// Digits a new PIN has: at least 6 (a million PINs; a shorter PIN set before this rule still
/// unlocks, once, into a PIN change).
/// The fewest digits a PIN may ever have (policy may ask for more).
pub const MIN_PIN_DIGITS: usize = 6;
/// The most digits a PIN may have.
pub const MAX_PIN_DIGITS: usize = 12;

fn dek_aad(officer: &str) -> Vec<u8> {
    format!("firstline dek v1\0{officer}").into_bytes()
}

fn record_key_aad(assessment: &str, compartment: Compartment) -> Vec<u8> {
    format!(
        "firstline record key v1\0{assessment}\0{}",
        compartment.name()
    )
    .into_bytes()
}

fn check_pin(pin: &str, min: usize) -> Result<(), VaultError> {
    if (min..=MAX_PIN_DIGITS).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(VaultError::BadPin {
            min,
            max: MAX_PIN_DIGITS,
        })
    }
}

/// The unlocked officer's session, for anything but a PIN change: refused while locked, and while
/// a PIN shorter than today's minimum has not been changed.
pub(crate) fn officer_session(session: &Option<Session>) -> Result<&Session, VaultError> {
    let session = session.as_ref().ok_or(VaultError::Locked)?;
    if let Some(min) = session.pin_change_required {
        return Err(VaultError::PinChangeRequired { min });
    }
    Ok(session)
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
        Vault::open_as(path, device_secret, options, training::Kind::Live)
    }

    /// Opens (creating if needed) a training store at `path`: a vault file of its own, for
    /// scenario mode, with its own device secret. Refused for an officer's vault file; the
    /// sync engine's outbox refuses it in turn.
    pub fn open_training(
        path: &Path,
        device_secret: DeviceSecret,
        options: VaultOptions,
    ) -> Result<Vault, VaultError> {
        Vault::open_as(path, device_secret, options, training::Kind::Training)
    }

    /// Opens the file as `kind` (claiming it for that kind if it has not said yet).
    fn open_as(
        path: &Path,
        device_secret: DeviceSecret,
        options: VaultOptions,
        kind: training::Kind,
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
        integrity::check(&connection, &device_secret)?;
        training::claim_kind(&connection, kind)?;
        Ok(Vault {
            connection,
            device_secret,
            options,
            session: None,
        })
    }

    pub(crate) fn now(&self) -> i64 {
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
        check_pin(pin, self.min_pin_digits())?;
        let now = self.now();
        let salt = random_bytes::<16>()?;
        let kek = derive_kek(pin, &salt, self.device_secret.bytes(), self.options.kdf)?;
        let dek = Key::random()?;
        let wrapped = kek.seal(dek.as_bytes(), &dek_aad(officer))?;
        let kdf = self.options.kdf;
        let secret = &self.device_secret;
        integrity::guarded(&mut self.connection, secret, |transaction| {
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
                params![officer, salt.to_vec(), kdf.memory_kib, kdf.iterations, wrapped, now],
            )?;
            audit::append(transaction, secret, officer, now, "officer_set_up", None)
        })
    }

    /// Unwraps the officer's data key with their PIN, counting wrong PINs: growing delays, and
    /// after the policy's limit the wrapped key and every record key of theirs are destroyed.
    pub fn unlock(&mut self, officer: &str, pin: &str) -> Result<(), VaultError> {
        self.lock();
        // The file may have been changed or swapped since it was opened.
        integrity::check(&self.connection, &self.device_secret)?;
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
        let secret = &self.device_secret;
        integrity::guarded(&mut self.connection, secret, |transaction| {
            transaction.execute(
                "UPDATE officers SET failed_pins = 0, next_try_at = 0 WHERE officer_id = ?1",
                [officer],
            )?;
            audit::append(transaction, secret, officer, now, "unlocked", None)
        })?;
        self.session = Some(Session {
            officer: officer.to_string(),
            dek,
            pin_change_required: (pin.len() < self.min_pin_digits()).then(|| self.min_pin_digits()),
        });
        // Answers saved by an older build name their question in clear: rewrite them now that
        // the officer's keys are here. An unlock that cannot finish that stays locked.
        if let Err(error) = self.rewrite_format_one_answers() {
            self.lock();
            return Err(error);
        }
        Ok(())
    }

    fn wrong_pin(
        &mut self,
        officer: &str,
        failed: u32,
        now: i64,
    ) -> Result<VaultError, VaultError> {
        let max_failed_pins = self.options.max_failed_pins;
        let wiped = failed >= max_failed_pins;
        let secret = &self.device_secret;
        integrity::guarded(&mut self.connection, secret, |transaction| {
            if wiped {
                transaction.execute(
                    "UPDATE officers SET wrapped_dek = NULL, failed_pins = ?2 WHERE officer_id = ?1",
                    params![officer, failed],
                )?;
                // Records waiting for enrolment go with the keys: they can never be sealed now.
                transaction.execute(
                    "UPDATE assessments SET wrapped_record_key = NULL, wrapped_compartment_key = NULL,
                         waiting_notes = NULL
                     WHERE officer_id = ?1",
                    [officer],
                )?;
                audit::append(
                    transaction,
                    secret,
                    officer,
                    now,
                    "wiped_after_wrong_pins",
                    None,
                )
            } else {
                transaction.execute(
                    "UPDATE officers SET failed_pins = ?2, next_try_at = ?3 WHERE officer_id = ?1",
                    params![officer, failed, now + lockout_seconds(failed)],
                )?;
                audit::append(transaction, secret, officer, now, "wrong_pin", None)
            }
        })?;
        if wiped {
            self.checkpoint()?;
            return Ok(VaultError::Wiped);
        }
        Ok(VaultError::WrongPin {
            attempts_left: max_failed_pins - failed,
        })
    }

    /// Moves everything from the WAL into the main file and truncates the WAL, so overwritten
    /// (destroyed) keys and answers leave no copy behind in it. The sync client's connection can
    /// hold the WAL for a moment: each try waits at most 50 ms for it, for about two seconds in
    /// all, and the next lock tries again if it still could not finish.
    fn checkpoint(&self) -> Result<(), VaultError> {
        self.connection
            .busy_timeout(std::time::Duration::from_millis(50))?;
        let mut result = Ok(());
        for _ in 0..20 {
            match self
                .connection
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                    row.get::<_, i64>(0)
                }) {
                Ok(0) => break,
                Ok(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
                Err(error) => {
                    result = Err(error.into());
                    break;
                }
            }
        }
        self.connection
            .busy_timeout(std::time::Duration::from_secs(10))?;
        result
    }

    /// Locks: forgets the officer's keys (wiped from memory), and folds the WAL into the file
    /// so nothing destroyed lingers there.
    pub fn lock(&mut self) {
        if self.session.take().is_some() {
            let _ = self.checkpoint();
        }
    }

    /// Whether the unlocked officer must change their PIN before anything else (it is shorter
    /// than today's minimum).
    pub fn pin_change_required(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|session| session.pin_change_required.is_some())
    }

    /// Applies the effective policy's limits (the workspace works them out at each unlock):
    /// wrong PINs allowed, and the fewest digits a PIN may have (kept within 6 to 12).
    pub fn set_limits(&mut self, max_failed_pins: u32, min_pin_digits: usize) {
        self.options.max_failed_pins = max_failed_pins.clamp(1, 100);
        self.options.min_pin_digits = min_pin_digits.clamp(MIN_PIN_DIGITS, MAX_PIN_DIGITS);
    }

    fn min_pin_digits(&self) -> usize {
        self.options
            .min_pin_digits
            .clamp(MIN_PIN_DIGITS, MAX_PIN_DIGITS)
    }

    /// The force's policy as last pulled by the sync client, as far as it was kept (read
    /// without an officer: it decides the limits of the unlock). `None` before enrolment.
    pub fn force_policy(&self) -> Result<Option<crate::ForcePolicyKept>, VaultError> {
        crate::device::force_policy(&self.connection)
    }

    /// The officer who has the vault unlocked, if any.
    pub fn unlocked_officer(&self) -> Option<&str> {
        self.session
            .as_ref()
            .map(|session| session.officer.as_str())
    }

    /// Verifies the audit chain of this vault.
    pub fn verify_audit(&self) -> Result<Vec<crate::AuditEntry>, VaultError> {
        audit::verify_audit_chain(&self.connection, &self.device_secret)
    }
}

/// What an unlocked officer can do.
impl Vault {
    /// Re-wraps the data key under a new PIN (nothing else is re-encrypted).
    pub fn change_pin(&mut self, new_pin: &str) -> Result<(), VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        check_pin(new_pin, self.min_pin_digits())?;
        let now = self.now();
        let salt = random_bytes::<16>()?;
        let params = self.options.kdf;
        let kek = derive_kek(new_pin, &salt, self.device_secret.bytes(), params)?;
        let wrapped = kek.seal(session.dek.as_bytes(), &dek_aad(&session.officer))?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        integrity::verify_mac(&transaction, &self.device_secret)?;
        transaction.execute(
            "UPDATE officers SET kdf_salt = ?2, kdf_memory_kib = ?3, kdf_iterations = ?4, wrapped_dek = ?5
             WHERE officer_id = ?1",
            params![session.officer, salt.to_vec(), params.memory_kib, params.iterations, wrapped],
        )?;
        audit::append(
            &transaction,
            &self.device_secret,
            &session.officer,
            now,
            "pin_changed",
            None,
        )?;
        let generation = integrity::advance(&transaction, &self.device_secret)?;
        transaction.commit()?;
        if let Some(session) = self.session.as_mut() {
            session.pin_change_required = None;
        }
        integrity::publish(&self.device_secret, generation)?;
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
        let session = officer_session(&self.session)?;
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
            &record_key_aad(&id, Compartment::Safeguarding),
        )?;
        let secret = &self.device_secret;
        integrity::guarded(&mut self.connection, secret, |transaction| {
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
                transaction,
                secret,
                &session.officer,
                now,
                "assessment_created",
                Some(&id),
            )
        })?;
        Ok(AssessmentId(id))
    }

    /// Saves one answer as a new revision, durably, and returns the revision. The caller
    /// acknowledges the answer to the officer only after this returns. The row names its
    /// question and compartment by keyed hashes, and the answer is padded before sealing.
    pub fn save_answer(
        &mut self,
        assessment: &AssessmentId,
        question_id: &str,
        compartment: Compartment,
        plaintext: &[u8],
    ) -> Result<u32, VaultError> {
        let session = officer_session(&self.session)?;
        let now = self.now();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let keys = keys_of(&session.dek, &session.officer, &transaction, assessment)?;
        if keys.finalised {
            return Err(VaultError::Finalised {
                record: assessment.0.clone(),
            });
        }
        let key = keys.for_compartment(compartment, assessment)?;
        let question_tag = keys.tags.question(&assessment.0, question_id);
        let revision: u32 = transaction
            .prepare_cached(
                "SELECT COALESCE(MAX(revision), 0) + 1 FROM answers
                 WHERE assessment_id = ?1 AND question_tag = ?2",
            )?
            .query_row(params![assessment.0, question_tag], |row| row.get(0))?;
        let compartment_tag = keys.tags.compartment(&question_tag, revision, compartment);
        let sealed = key.seal(
            &answer_row::encode(question_id, plaintext),
            &answer_row::aad(&assessment.0, &question_tag, revision, &compartment_tag),
        )?;
        transaction
            .prepare_cached(
                "INSERT INTO answers
                     (assessment_id, question_tag, revision, compartment_tag, sealed, saved_at, format)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 2)",
            )?
            .execute(params![
                assessment.0,
                question_tag,
                revision,
                compartment_tag,
                sealed,
                now
            ])?;
        // The answer replaces what was being typed for it.
        transaction
            .prepare_cached("DELETE FROM pending WHERE assessment_id = ?1 AND question_tag = ?2")?
            .execute(params![assessment.0, question_tag])?;
        // When the draft last changed is its latest answer's `saved_at` (see `drafts`): no write
        // to the assessments table, one page fewer in the WAL per save.
        audit::append(
            &transaction,
            &self.device_secret,
            &session.officer,
            now,
            "answer_saved",
            Some(&assessment.0),
        )?;
        transaction.commit()?;
        Ok(revision)
    }

    /// The latest revision of every answer of an assessment, decrypted, in the order they were
    /// last saved (the last is where a resumed draft picks up). Anything changed or moved is
    /// reported as damaged, naming the record and the place, never the value.
    pub fn answers(&self, assessment: &AssessmentId) -> Result<Vec<StoredAnswer>, VaultError> {
        let session = officer_session(&self.session)?;
        let keys = keys_of(&session.dek, &session.officer, &self.connection, assessment)?;
        let not_rewritten: i64 = self
            .connection
            .prepare_cached(
                "SELECT COUNT(*) FROM answers WHERE assessment_id = ?1 AND format <> 2",
            )?
            .query_row([&assessment.0], |row| row.get(0))?;
        if not_rewritten > 0 {
            return Err(VaultError::Damaged {
                record: assessment.0.clone(),
                place: "an answer saved by an earlier version does not open".into(),
            });
        }
        let mut statement = self.connection.prepare_cached(
            "SELECT a.question_tag, a.revision, a.compartment_tag, a.sealed FROM answers a
             WHERE a.assessment_id = ?1 AND a.format = 2 AND a.revision =
                 (SELECT MAX(b.revision) FROM answers b
                  WHERE b.assessment_id = a.assessment_id AND b.question_tag = a.question_tag)
             ORDER BY a.rowid",
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
            let (question_tag, revision, compartment_tag, sealed) = row?;
            let (question_id, compartment, plaintext) = keys
                .open_row(
                    assessment,
                    &question_tag,
                    revision,
                    &compartment_tag,
                    &sealed,
                    &answer_row::aad(&assessment.0, &question_tag, revision, &compartment_tag),
                )
                .ok_or_else(|| VaultError::Damaged {
                    record: assessment.0.clone(),
                    place: format!("answer {question_tag} revision {revision}"),
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

    /// Rewrites the unlocked officer's format-1 answers (question and compartment in clear,
    /// unpadded) as format 2, one transaction per assessment. Rows whose key was destroyed can
    /// never be read: they are deleted. An assessment with a row that does not open is left as
    /// it is (its transaction rolled back), and reading it reports it damaged; the others move
    /// on. Called at unlock.
    fn rewrite_format_one_answers(&mut self) -> Result<(), VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        let officer = session.officer.clone();
        let waiting: Vec<String> = self
            .connection
            .prepare(
                "SELECT DISTINCT a.assessment_id FROM answers a JOIN assessments s USING (assessment_id)
                 WHERE a.format = 1 AND s.officer_id = ?1",
            )?
            .query_map([&officer], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        if waiting.is_empty() {
            return Ok(());
        }
        let now = self.now();
        for assessment in waiting {
            let assessment = AssessmentId(assessment);
            match self.rewrite_one_assessment(&officer, &assessment, now) {
                Ok(()) | Err(VaultError::Damaged { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        self.checkpoint()
    }

    fn rewrite_one_assessment(
        &mut self,
        officer: &str,
        assessment: &AssessmentId,
        now: i64,
    ) -> Result<(), VaultError> {
        let session = self.session.as_ref().ok_or(VaultError::Locked)?;
        let dek = session.dek.clone();
        let assessment = assessment.clone();
        {
            let transaction = self
                .connection
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let key_destroyed: bool = transaction.query_row(
                "SELECT wrapped_record_key IS NULL FROM assessments WHERE assessment_id = ?1",
                [&assessment.0],
                |row| row.get(0),
            )?;
            if key_destroyed {
                // Nothing of it can ever be read again; its clear ids go with its rows.
                transaction.execute(
                    "DELETE FROM answers WHERE assessment_id = ?1 AND format = 1",
                    [&assessment.0],
                )?;
                transaction.commit()?;
                return Ok(());
            }
            let keys = keys_of(&dek, officer, &transaction, &assessment)?;
            let old: Vec<(i64, String, u32, String, Vec<u8>, i64)> = transaction
                .prepare(
                    "SELECT rowid, question_tag, revision, compartment_tag, sealed, saved_at
                     FROM answers WHERE assessment_id = ?1 AND format = 1 ORDER BY rowid",
                )?
                .query_map([&assessment.0], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                    ))
                })?
                .collect::<Result<_, _>>()?;
            for (rowid, question, revision, compartment_name, sealed, saved_at) in old {
                transaction.execute("DELETE FROM answers WHERE rowid = ?1", [rowid])?;
                let compartment = if compartment_name == "migrant" {
                    Compartment::Safeguarding
                } else {
                    Compartment::Main
                };
                let Ok(key) = keys.for_compartment(compartment, &assessment) else {
                    continue; // its key is destroyed: nothing can read it, so nothing is lost
                };
                let plaintext = key
                    .open(
                        &sealed,
                        &answer_row::aad_v1(&assessment.0, &question, revision, &compartment_name),
                    )
                    .ok_or_else(|| VaultError::Damaged {
                        record: assessment.0.clone(),
                        place: format!("a format 1 answer, revision {revision}"),
                    })?;
                let question_tag = keys.tags.question(&assessment.0, &question);
                let compartment_tag = keys.tags.compartment(&question_tag, revision, compartment);
                let resealed = key.seal(
                    &answer_row::encode(&question, &plaintext),
                    &answer_row::aad(&assessment.0, &question_tag, revision, &compartment_tag),
                )?;
                transaction.execute(
                    "INSERT INTO answers
                         (assessment_id, question_tag, revision, compartment_tag, sealed, saved_at, format)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 2)",
                    params![assessment.0, question_tag, revision, compartment_tag, resealed, saved_at],
                )?;
            }
            audit::append(
                &transaction,
                &self.device_secret,
                officer,
                now,
                "answers_rewritten_keyed",
                Some(&assessment.0),
            )?;
            transaction.commit()?;
        }
        Ok(())
    }

    /// The officer's drafts, most recently changed first. Another officer's never appear. How
    /// many questions each has answered is the workspace's to say (only what is shown counts:
    /// a count of stored rows would include answers behind a closed gate).
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, VaultError> {
        let session = officer_session(&self.session)?;
        let mut statement = self.connection.prepare(
            "SELECT s.assessment_id, s.pack_id, s.pack_version, s.pack_hash,
                    MAX(s.updated_at, COALESCE(
                        (SELECT MAX(a.saved_at) FROM answers a WHERE a.assessment_id = s.assessment_id),
                        0)) AS changed
             FROM assessments s WHERE s.officer_id = ?1 AND s.wrapped_record_key IS NOT NULL
                 AND s.finalised_at IS NULL
             ORDER BY changed DESC, s.assessment_id",
        )?;
        let drafts = statement
            .query_map([&session.officer], |row| {
                Ok(DraftSummary {
                    assessment_id: AssessmentId(row.get(0)?),
                    pack_id: row.get(1)?,
                    pack_version: row.get(2)?,
                    pack_hash: row.get(3)?,
                    updated_at: row.get(4)?,
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

    /// The content hash of the pack an assessment of the unlocked officer was started on, and
    /// the signed pack file kept under that hash, if kept (the caller checks the file really has
    /// that hash).
    pub fn pack_of(
        &self,
        assessment: &AssessmentId,
    ) -> Result<(String, Option<Vec<u8>>), VaultError> {
        let session = officer_session(&self.session)?;
        self.connection
            .query_row(
                "SELECT s.pack_hash, p.signed_bytes FROM assessments s
                 LEFT JOIN packs p USING (pack_hash)
                 WHERE s.assessment_id = ?1 AND s.officer_id = ?2",
                params![assessment.0, session.officer],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| VaultError::UnknownRecord {
                record: assessment.0.clone(),
            })
    }

    /// Records, for the unlocked officer, an event about one question of an assessment (for
    /// example a refused answer to a gated question). The audit chain names the question by
    /// the same keyed hash its answer rows use, never in clear.
    pub fn record_question_event(
        &mut self,
        event: &str,
        record: &AssessmentId,
        question_id: &str,
    ) -> Result<(), VaultError> {
        let session = officer_session(&self.session)?;
        let keys = keys_of(&session.dek, &session.officer, &self.connection, record)?;
        let tag = keys.tags.question(&record.0, question_id);
        self.record_event(&format!("{event} question={tag}"), Some(record))
    }

    /// Records an event in the audit chain for the unlocked officer (metadata only: an event
    /// name, never an answer, and never a question id in clear: see `record_question_event`).
    pub fn record_event(
        &mut self,
        event: &str,
        record: Option<&AssessmentId>,
    ) -> Result<(), VaultError> {
        let session = officer_session(&self.session)?;
        let now = self.now();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        audit::append(
            &transaction,
            &self.device_secret,
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
        let session = officer_session(&self.session)?;
        let now = self.now();
        let secret = &self.device_secret;
        integrity::guarded(&mut self.connection, secret, |transaction| {
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
                transaction,
                secret,
                &session.officer,
                now,
                "compartment_destroyed",
                Some(&assessment.0),
            )
        })?;
        self.checkpoint()
    }
}

/// An assessment's keys, unwrapped: the record key (and the tag key derived from it), the
/// compartment key unless it was destroyed, and whether the record is finalised.
pub(crate) struct AssessmentKeys {
    record: Key,
    compartment: Option<Key>,
    pub(crate) tags: TagKey,
    pub(crate) finalised: bool,
}

impl AssessmentKeys {
    pub(crate) fn for_compartment(
        &self,
        compartment: Compartment,
        assessment: &AssessmentId,
    ) -> Result<&Key, VaultError> {
        match compartment {
            Compartment::Main => Ok(&self.record),
            Compartment::Safeguarding => {
                self.compartment
                    .as_ref()
                    .ok_or_else(|| VaultError::Damaged {
                        record: assessment.0.clone(),
                        place: "compartment key destroyed".into(),
                    })
            }
        }
    }

    /// Opens one keyed row (an answer revision or a pending value): the compartment its tag
    /// names, the plaintext under that compartment's key with `aad`, and the question id inside,
    /// which must hash to the row's question tag. `None` if anything does not hold: the row was
    /// changed, moved, or its compartment's key destroyed.
    pub(crate) fn open_row(
        &self,
        assessment: &AssessmentId,
        question_tag: &str,
        revision: u32,
        compartment_tag: &str,
        sealed: &[u8],
        aad: &[u8],
    ) -> Option<(String, Compartment, Zeroizing<Vec<u8>>)> {
        let compartment = self
            .tags
            .compartment_of(question_tag, revision, compartment_tag)?;
        let key = self.for_compartment(compartment, assessment).ok()?;
        let plaintext = key.open(sealed, aad)?;
        let (question_id, value) = answer_row::decode(&plaintext)?;
        (self.tags.question(&assessment.0, &question_id) == question_tag).then_some((
            question_id,
            compartment,
            value,
        ))
    }
}

/// Unwraps an assessment's keys, if the assessment is the officer's and its record key exists.
pub(crate) fn keys_of(
    dek: &Key,
    officer: &str,
    connection: &Connection,
    assessment: &AssessmentId,
) -> Result<AssessmentKeys, VaultError> {
    type KeyColumns = (Option<Vec<u8>>, Option<Vec<u8>>, Option<i64>);
    let row: Option<KeyColumns> = connection
        .prepare_cached(
            "SELECT wrapped_record_key, wrapped_compartment_key, finalised_at FROM assessments
             WHERE assessment_id = ?1 AND officer_id = ?2",
        )?
        .query_row(params![assessment.0, officer], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let (record, compartment, finalised_at) = row.ok_or_else(|| VaultError::UnknownRecord {
        record: assessment.0.clone(),
    })?;
    let damaged = |place: &str| VaultError::Damaged {
        record: assessment.0.clone(),
        place: place.to_string(),
    };
    let unwrap = |wrapped: &[u8], compartment: Compartment| {
        dek.open(wrapped, &record_key_aad(&assessment.0, compartment))
            .and_then(|bytes| Key::from_slice(&bytes))
            .ok_or_else(|| damaged(&format!("{} key", compartment.name())))
    };
    let record = unwrap(
        &record.ok_or_else(|| damaged("main key destroyed"))?,
        Compartment::Main,
    )?;
    let compartment = compartment
        .map(|wrapped| unwrap(&wrapped, Compartment::Safeguarding))
        .transpose()?;
    Ok(AssessmentKeys {
        tags: TagKey::of(&record),
        record,
        compartment,
        finalised: finalised_at.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vault in `dir` with officer "PC 1" (PIN 246802) set up and unlocked.
    fn unlocked_vault_in(dir: &tempfile::TempDir) -> Vault {
        let mut vault = Vault::open(
            &dir.path().join("vault.sqlite"),
            DeviceSecret::provided(&[4; 32]),
            VaultOptions {
                kdf: KdfParams::FOR_TESTS,
                ..VaultOptions::default()
            },
        )
        .unwrap_or_else(|error| panic!("open: {error}"));
        let set_up = vault
            .set_up_officer("PC 1", "246802")
            .and_then(|()| vault.unlock("PC 1", "246802"));
        assert!(set_up.is_ok());
        vault
    }

    /// Writes a row as a build before format 2 did: question and compartment in clear.
    fn save_format_one(
        vault: &Vault,
        assessment: &AssessmentId,
        question: &str,
        compartment: Compartment,
        answer: &[u8],
    ) {
        let session = vault.session.as_ref().unwrap_or_else(|| panic!("unlocked"));
        let keys = keys_of(
            &session.dek,
            &session.officer,
            &vault.connection,
            assessment,
        )
        .unwrap_or_else(|error| panic!("keys: {error}"));
        let key = keys
            .for_compartment(compartment, assessment)
            .unwrap_or_else(|error| panic!("key: {error}"));
        let sealed = key
            .seal(
                answer,
                &answer_row::aad_v1(&assessment.0, question, 1, compartment.name()),
            )
            .unwrap_or_else(|error| panic!("seal: {error}"));
        vault
            .connection
            .execute(
                "INSERT INTO answers (assessment_id, question_tag, revision, compartment_tag, sealed, saved_at, format)
                 VALUES (?1, ?2, 1, ?3, ?4, 0, 1)",
                params![assessment.0, question, compartment.name(), sealed],
            )
            .unwrap_or_else(|error| panic!("insert: {error}"));
    }

    #[test]
    fn answers_saved_in_clear_by_an_older_build_are_rewritten_keyed_at_the_next_unlock() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        let mut vault = unlocked_vault_in(&dir);
        let id = vault
            .create_assessment("p", "1", "h")
            .unwrap_or_else(|error| panic!("create: {error}"));
        save_format_one(
            &vault,
            &id,
            "first_account",
            Compartment::Main,
            b"\"words\"",
        );
        save_format_one(
            &vault,
            &id,
            "deportation_threats",
            Compartment::Safeguarding,
            b"\"yes\"",
        );
        vault.lock();
        let in_clear = |vault: &Vault| -> i64 {
            vault
                .connection
                .query_row(
                    "SELECT COUNT(*) FROM answers WHERE format = 1 OR question_tag IN
                         ('first_account', 'deportation_threats') OR compartment_tag IN ('main', 'migrant')",
                    [],
                    |row| row.get(0),
                )
                .unwrap_or(-1)
        };
        assert_eq!(in_clear(&vault), 2);

        assert!(vault.unlock("PC 1", "246802").is_ok());
        assert_eq!(in_clear(&vault), 0, "format 1 rows are left after unlock");
        let answers = vault
            .answers(&id)
            .unwrap_or_else(|error| panic!("answers: {error}"));
        let read: Vec<(String, Compartment, Vec<u8>)> = answers
            .into_iter()
            .map(|answer| {
                (
                    answer.question_id,
                    answer.compartment,
                    answer.plaintext.to_vec(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (
                    "first_account".to_string(),
                    Compartment::Main,
                    b"\"words\"".to_vec()
                ),
                (
                    "deportation_threats".to_string(),
                    Compartment::Safeguarding,
                    b"\"yes\"".to_vec()
                ),
            ]
        );
        assert!(vault.verify_audit().is_ok());
    }

    #[test]
    fn a_format_one_row_that_does_not_open_leaves_only_its_record_damaged_and_unlock_works() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        let mut vault = unlocked_vault_in(&dir);
        let damaged = vault
            .create_assessment("p", "1", "h")
            .unwrap_or_else(|error| panic!("create: {error}"));
        let healthy = vault
            .create_assessment("p", "1", "h")
            .unwrap_or_else(|error| panic!("create: {error}"));
        save_format_one(&vault, &damaged, "q1", Compartment::Main, b"\"a\"");
        save_format_one(&vault, &healthy, "q1", Compartment::Main, b"\"b\"");
        vault
            .connection
            .execute(
                "UPDATE answers SET sealed = zeroblob(40) WHERE assessment_id = ?1",
                [&damaged.0],
            )
            .unwrap_or_else(|error| panic!("damage: {error}"));
        vault.lock();
        assert!(
            vault.unlock("PC 1", "246802").is_ok(),
            "one bad row blocked unlock"
        );
        assert!(matches!(
            vault.answers(&damaged),
            Err(VaultError::Damaged { .. })
        ));
        let healthy_answers = vault
            .answers(&healthy)
            .unwrap_or_else(|error| panic!("the other record: {error}"));
        assert_eq!(healthy_answers.len(), 1);
    }

    #[test]
    fn a_pin_shorter_than_six_digits_unlocks_into_a_pin_change_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        let mut vault = unlocked_vault_in(&dir);
        assert!(matches!(
            vault.set_up_officer("PC 2", "2468"),
            Err(VaultError::BadPin { min: 6, max: 12 })
        ));
        // As a build that allowed 4 digits left it: the data key wrapped under "2468".
        let rewrapped = (|| -> Result<(), VaultError> {
            let salt = random_bytes::<16>()?;
            let kek = derive_kek("2468", &salt, self_bytes(&vault), vault.options.kdf)?;
            let dek = vault
                .session
                .as_ref()
                .ok_or(VaultError::Locked)?
                .dek
                .as_bytes()
                .to_vec();
            let wrapped = kek.seal(&dek, &dek_aad("PC 1"))?;
            vault.connection.execute(
                "UPDATE officers SET kdf_salt = ?1, wrapped_dek = ?2 WHERE officer_id = 'PC 1'",
                params![salt.to_vec(), wrapped],
            )?;
            let generation = integrity::advance(&vault.connection, &vault.device_secret)?;
            integrity::publish(&vault.device_secret, generation)
        })();
        assert!(rewrapped.is_ok());
        vault.lock();
        let unlocked = vault.unlock("PC 1", "2468");
        assert!(unlocked.is_ok(), "{:?}", unlocked.err());
        assert!(vault.pin_change_required());
        assert_eq!(vault.unlocked_officer(), Some("PC 1"));
        for refused in [
            vault.create_assessment("default", "1", "h").err(),
            vault.drafts().err(),
            vault.enrolment_permit().err(),
        ] {
            assert!(
                matches!(refused, Some(VaultError::PinChangeRequired { min: 6 })),
                "{refused:?}"
            );
        }
        assert!(matches!(
            vault.change_pin("1357"),
            Err(VaultError::BadPin { .. })
        ));
        assert!(vault.change_pin("135792").is_ok());
        assert!(!vault.pin_change_required());
        assert!(vault.create_assessment("default", "1", "h").is_ok());
        vault.lock();
        assert!(vault.unlock("PC 1", "135792").is_ok());
        assert!(!vault.pin_change_required());
    }

    fn self_bytes(vault: &Vault) -> &[u8] {
        vault.device_secret.bytes()
    }
}
