//! The outbox as the sync client sees it: its own connection to the vault file, no officer
//! keys. Each sealed submission has one explicit state — pending → sending → acknowledged, or
//! quarantined with a reason — and every transition is one durable transaction. Rows left in
//! `sending` by a killed process are sent again (the gateway dedupes). The readable main copy
//! of a record is destroyed only when the gateway's receipt is recorded, never before.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use zeroize::Zeroizing;

use crate::audit;
use crate::device::{self, DeviceInfo, Enrolment, ForceKeys, GatewayTrust, KeySetAnchor};
use crate::device_secret::DeviceSecret;
use crate::error::VaultError;
use crate::schema;
use crate::vault::EnrolmentPermit;

/// The outbox of a vault file, for the sync client.
pub struct Outbox {
    connection: Connection,
    device_secret: DeviceSecret,
}

/// A submission claimed for sending.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    /// The submission id.
    pub submission_id: String,
    /// The sealed envelope, exactly as it is to be sent.
    pub envelope: Vec<u8>,
    /// The content hash the receipt must name.
    pub content_hash: String,
    /// Sending attempts so far, this one included.
    pub attempts: u32,
}

/// What kind of problem a sync pass or a submission ran into: a stable name the app words in
/// the officer's language, kept beside the English words (for logs and force IT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The gateway cannot be reached, did not answer in time, or the connection was lost.
    Offline,
    /// The gateway answered that it is busy or unwell (408, 429, 5xx).
    GatewayUnwell,
    /// The gateway's receipt could not be read.
    ReceiptUnreadable,
    /// The gateway's receipt names other content than was sent.
    ReceiptMismatch,
    /// The gateway already holds other content under this submission's id (both kept).
    Conflict,
    /// The gateway will not take the submission as it is.
    Refused,
    /// The gateway does not recognise this device.
    Unauthenticated,
    /// Force IT revoked this device.
    Revoked,
    /// The force needs a newer app.
    UpdateRequired,
    /// The force's form pack was not taken (not signed by the force's key).
    PackRefused,
    /// The gateway's receipt is not signed by the force's receipt key: nothing is destroyed,
    /// the record is sent again later.
    ReceiptUnsigned,
    /// A key set the gateway handed out does not verify under the force's root key.
    KeySetRefused,
    /// A device command (a wipe) force IT did not sign: not carried out.
    CommandUnsigned,
}

impl ProblemKind {
    const ALL: [ProblemKind; 13] = [
        ProblemKind::Offline,
        ProblemKind::GatewayUnwell,
        ProblemKind::ReceiptUnreadable,
        ProblemKind::ReceiptMismatch,
        ProblemKind::Conflict,
        ProblemKind::Refused,
        ProblemKind::Unauthenticated,
        ProblemKind::Revoked,
        ProblemKind::UpdateRequired,
        ProblemKind::PackRefused,
        ProblemKind::ReceiptUnsigned,
        ProblemKind::KeySetRefused,
        ProblemKind::CommandUnsigned,
    ];

    /// Its stable name, as stored and as the UI receives it.
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::Offline => "offline",
            ProblemKind::GatewayUnwell => "gateway_unwell",
            ProblemKind::ReceiptUnreadable => "receipt_unreadable",
            ProblemKind::ReceiptMismatch => "receipt_mismatch",
            ProblemKind::Conflict => "conflict",
            ProblemKind::Refused => "refused",
            ProblemKind::Unauthenticated => "unauthenticated",
            ProblemKind::Revoked => "revoked",
            ProblemKind::UpdateRequired => "update_required",
            ProblemKind::PackRefused => "pack_refused",
            ProblemKind::ReceiptUnsigned => "receipt_unsigned",
            ProblemKind::KeySetRefused => "key_set_refused",
            ProblemKind::CommandUnsigned => "command_unsigned",
        }
    }

    /// The kind a stored name stands for.
    pub fn from_name(name: &str) -> Option<ProblemKind> {
        ProblemKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The gateway's receipt: the submission is safe at the force.
    Acknowledged {
        /// When the gateway first stored it (seconds since the Unix epoch).
        received_at: i64,
    },
    /// Try again no earlier than `next_attempt_ms`.
    RetryLater {
        /// Milliseconds since the Unix epoch.
        next_attempt_ms: i64,
        /// What kind of problem.
        kind: ProblemKind,
        /// What went wrong, in English.
        reason: String,
    },
    /// The gateway will never take it as it is: set aside, with the reason, for the officer
    /// and force IT. It does not block the other rows.
    Quarantined {
        /// What kind of problem.
        kind: ProblemKind,
        /// Why, in English.
        reason: String,
    },
    /// Not attempted after all (the pass stopped first): back to pending, attempt not counted.
    Released,
}

/// A quarantined submission and its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantinedItem {
    /// The submission id.
    pub submission_id: String,
    /// Why it was set aside, in English.
    pub reason: String,
    /// What kind of problem (`None` for rows set aside before kinds were kept).
    pub kind: Option<ProblemKind>,
}

/// What the sync screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// Waiting to be sent (pending or being sent).
    pub pending: u32,
    /// Received by the force.
    pub acknowledged: u32,
    /// Set aside, with reasons.
    pub quarantined: Vec<QuarantinedItem>,
    /// When a sync last reached the gateway and finished (seconds since the Unix epoch).
    pub last_success_at: Option<i64>,
    /// The last sync problem, if the last attempt failed, in English.
    pub last_error: Option<String>,
    /// Its kind (`None` before kinds were kept).
    pub last_error_kind: Option<ProblemKind>,
    /// When the force revoked this device, if it did.
    pub revoked_at: Option<i64>,
    /// When the force had this device wiped, if it did.
    pub wiped_at: Option<i64>,
    /// Assessments finalised (every officer's) before the device was enrolled, not sealed yet:
    /// each officer's are sealed at their first unlock after enrolment.
    pub waiting_for_enrolment: u32,
}

impl SyncStatus {
    /// Finalised assessments the force has not received: waiting to be sent, set aside, or
    /// waiting for enrolment to be sealed. A wipe destroys them, so this is the number said
    /// before one (and when an enrolment is refused because the device belongs to a force
    /// already).
    pub fn not_received(&self) -> u32 {
        self.pending + self.quarantined.len() as u32 + self.waiting_for_enrolment
    }
}

/// The sync client's view of the device's enrolment (the token is wiped when dropped).
pub struct SyncCredentials {
    /// The device's id.
    pub device_id: String,
    /// The gateway's base URL.
    pub gateway_url: String,
    /// The bearer token.
    pub token: Zeroizing<String>,
}

impl Outbox {
    /// Opens the vault file's outbox through a connection of its own.
    pub fn open(path: &Path, device_secret: DeviceSecret) -> Result<Outbox, VaultError> {
        let mut connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "secure_delete", "ON")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&mut connection)?;
        // The sync engine's way in: a training store is never one of its outboxes.
        if crate::vault::is_training_store(&connection)? {
            return Err(VaultError::TrainingStore);
        }
        Ok(Outbox {
            connection,
            device_secret,
        })
    }

    /// Records the device's enrolment with the force. Takes the permit the vault gave while an
    /// officer was unlocked; refused if the device is enrolled already (never replaced).
    pub fn enrol(
        &mut self,
        _permit: EnrolmentPermit,
        enrolment: &Enrolment,
        now: i64,
    ) -> Result<(), VaultError> {
        let secret = &self.device_secret;
        crate::integrity::guarded(&mut self.connection, secret, |transaction| {
            device::store(transaction, secret, enrolment, now)?;
            transaction.execute(
                "UPDATE sync_log SET revoked_at = NULL, wiped_at = NULL, last_error = NULL, last_error_kind = NULL",
                [],
            )?;
            Ok(())
        })
    }

    /// The enrolment, if the device is enrolled.
    pub fn device(&self) -> Result<Option<DeviceInfo>, VaultError> {
        device::info(&self.connection)
    }

    /// The credentials to sync with, if the device is enrolled.
    pub fn credentials(&self) -> Result<Option<SyncCredentials>, VaultError> {
        // The gateway address and keys are used only as this device last wrote them.
        crate::integrity::verify_mac(&self.connection, &self.device_secret)?;
        Ok(
            device::credentials(&self.connection, &self.device_secret)?.map(|credentials| {
                SyncCredentials {
                    device_id: credentials.device_id,
                    gateway_url: credentials.gateway_url,
                    token: credentials.token,
                }
            }),
        )
    }

    /// The audit chain's length and head (hex), as the sync client reports them to the force.
    pub fn audit_head(&self) -> Result<(u64, String), VaultError> {
        audit::head(&self.connection)
    }

    /// The audit chain's head at an earlier `length` (`None` if the chain is shorter now).
    pub fn audit_head_at(&self, length: u64) -> Result<Option<String>, VaultError> {
        audit::head_at(&self.connection, length)
    }

    /// The root and serial a newly pulled key set is checked against, once enrolled.
    pub fn key_set_anchor(&self) -> Result<Option<KeySetAnchor>, VaultError> {
        device::key_set_anchor(&self.connection)
    }

    /// Takes a key set the sync client verified as the force's current keys: later records are
    /// sealed to them, packs and receipts checked with them.
    pub fn apply_key_set(&mut self, keys: &ForceKeys) -> Result<(), VaultError> {
        crate::integrity::guarded(&mut self.connection, &self.device_secret, |transaction| {
            device::apply_key_set(transaction, keys)
        })
    }

    /// The gateway's receipt key and the TLS CA to pin, once the device holds a signed key set.
    pub fn gateway_trust(&self) -> Result<GatewayTrust, VaultError> {
        device::gateway_trust(&self.connection)
    }

    /// The force's pack-signing public key, once enrolled.
    pub fn force_pack_key(&self) -> Result<Option<Vec<u8>>, VaultError> {
        device::force_pack_key(&self.connection)
    }

    /// The content hash of the force's current pack, once pulled.
    pub fn force_pack_hash(&self) -> Result<Option<String>, VaultError> {
        Ok(device::force_pack(&self.connection)?.map(|(hash, _)| hash))
    }

    /// Keeps a force pack the caller has verified, as the force's current one.
    pub fn keep_force_pack(
        &mut self,
        pack_hash: &str,
        signed_bytes: &[u8],
        now: i64,
    ) -> Result<(), VaultError> {
        crate::integrity::guarded(&mut self.connection, &self.device_secret, |transaction| {
            device::keep_force_pack(transaction, pack_hash, signed_bytes, now)
        })
    }

    /// Applies the parts of the force's policy the vault enforces (the readable copy's life,
    /// whether a file secret is allowed); an unchanged policy writes nothing (no new
    /// generation, no keyring write, at every pass).
    pub fn apply_policy(&mut self, policy: &firstline_protocol::Policy) -> Result<(), VaultError> {
        if device::policy_is(&self.connection, policy)? {
            return Ok(());
        }
        crate::integrity::guarded(&mut self.connection, &self.device_secret, |transaction| {
            device::apply_policy(transaction, policy)
        })
    }

    /// Where the device is in the force's directory changes.
    pub fn directory_cursor(&self) -> Result<i64, VaultError> {
        device::directory_cursor(&self.connection)
    }

    /// Applies one page of directory changes (entries, tombstones, the new cursor) at once.
    pub fn apply_directory_page(
        &mut self,
        page: &firstline_protocol::DirectoryPage,
    ) -> Result<(), VaultError> {
        crate::integrity::guarded(&mut self.connection, &self.device_secret, |transaction| {
            device::apply_directory_page(transaction, page)
        })
    }

    /// The support services, by name.
    pub fn directory(&self) -> Result<Vec<firstline_protocol::DirectoryEntry>, VaultError> {
        device::directory(&self.connection)
    }

    /// Claims up to `limit` submissions that are due (pending and due by `now_ms`, or left in
    /// `sending` by a process that died), marking them `sending` in one transaction.
    pub fn claim_due(&mut self, now_ms: i64, limit: u32) -> Result<Vec<OutboxItem>, VaultError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let items = {
            let mut statement = transaction.prepare(
                "SELECT submission_id, envelope, content_hash, attempts FROM outbox
                 WHERE (state = 'pending' AND next_attempt_ms <= ?1) OR state = 'sending'
                 ORDER BY created_at, submission_id LIMIT ?2",
            )?;
            let items = statement
                .query_map(params![now_ms, limit], |row| {
                    Ok(OutboxItem {
                        submission_id: row.get(0)?,
                        envelope: row.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default(),
                        content_hash: row.get(2)?,
                        attempts: row.get::<_, u32>(3)? + 1,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            items
        };
        for item in &items {
            transaction.execute(
                "UPDATE outbox SET state = 'sending', attempts = ?2, updated_at = ?3 WHERE submission_id = ?1",
                params![item.submission_id, item.attempts, now_ms / 1000],
            )?;
        }
        transaction.commit()?;
        Ok(items)
    }

    /// Records how attempts ended, in one transaction. An acknowledgement destroys the record's
    /// readable copy on the device (its key, its answers) and the envelope: the force has it.
    pub fn record(&mut self, outcomes: &[(String, Outcome)], now: i64) -> Result<(), VaultError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if outcomes
            .iter()
            .any(|(_, outcome)| matches!(outcome, Outcome::Acknowledged { .. }))
        {
            crate::integrity::verify_mac(&transaction, &self.device_secret)?;
        }
        for (submission_id, outcome) in outcomes {
            match outcome {
                Outcome::Acknowledged { received_at } => {
                    let officer: Option<String> = transaction
                        .query_row(
                            "UPDATE outbox SET state = 'acknowledged', received_at = ?2, envelope = NULL,
                                 reason = NULL, updated_at = ?3
                             WHERE submission_id = ?1 AND state = 'sending' RETURNING officer_id",
                            params![submission_id, received_at, now],
                            |row| row.get(0),
                        )
                        .optional()?;
                    if let Some(officer) = officer {
                        transaction.execute(
                            "UPDATE assessments SET wrapped_record_key = NULL, wrapped_compartment_key = NULL
                             WHERE assessment_id = ?1",
                            [submission_id],
                        )?;
                        transaction.execute(
                            "DELETE FROM answers WHERE assessment_id = ?1",
                            [submission_id],
                        )?;
                        audit::append(
                            &transaction,
                            &self.device_secret,
                            &officer,
                            now,
                            "submission_received_by_force",
                            Some(submission_id),
                        )?;
                    }
                }
                Outcome::RetryLater {
                    next_attempt_ms,
                    kind,
                    reason,
                } => {
                    transaction.execute(
                        "UPDATE outbox SET state = 'pending', next_attempt_ms = ?2, reason = ?3,
                             reason_kind = ?4, updated_at = ?5
                         WHERE submission_id = ?1 AND state = 'sending'",
                        params![submission_id, next_attempt_ms, reason, kind.name(), now],
                    )?;
                }
                Outcome::Quarantined { kind, reason } => {
                    let officer: Option<String> = transaction
                        .query_row(
                            "UPDATE outbox SET state = 'quarantined', reason = ?2, reason_kind = ?3,
                                 updated_at = ?4
                             WHERE submission_id = ?1 AND state = 'sending' RETURNING officer_id",
                            params![submission_id, reason, kind.name(), now],
                            |row| row.get(0),
                        )
                        .optional()?;
                    if let Some(officer) = officer {
                        audit::append(
                            &transaction,
                            &self.device_secret,
                            &officer,
                            now,
                            "submission_quarantined",
                            Some(submission_id),
                        )?;
                    }
                }
                Outcome::Released => {
                    transaction.execute(
                        "UPDATE outbox SET state = 'pending', attempts = MAX(attempts - 1, 0)
                         WHERE submission_id = ?1 AND state = 'sending'",
                        [submission_id],
                    )?;
                }
            }
        }
        // A receipt destroys readable copies: an older file would bring them back.
        let destroyed = outcomes
            .iter()
            .any(|(_, outcome)| matches!(outcome, Outcome::Acknowledged { .. }));
        let generation = if destroyed {
            Some(crate::integrity::advance(
                &transaction,
                &self.device_secret,
            )?)
        } else {
            None
        };
        transaction.commit()?;
        if let Some(generation) = generation {
            crate::integrity::publish(&self.device_secret, generation)?;
        }
        Ok(())
    }

    /// Puts a quarantined submission back in the queue (after force IT fixed the cause).
    pub fn retry_quarantined(&mut self, submission_id: &str) -> Result<bool, VaultError> {
        Ok(self.connection.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_ms = 0 WHERE submission_id = ?1 AND state = 'quarantined'",
            [submission_id],
        )? > 0)
    }

    /// Notes a sync pass that reached the gateway and finished.
    pub fn record_success(&mut self, now: i64) -> Result<(), VaultError> {
        self.connection.execute(
            "UPDATE sync_log SET last_success_at = ?1, last_attempt_at = ?1, last_error = NULL, last_error_kind = NULL",
            [now],
        )?;
        Ok(())
    }

    /// Notes a sync pass that failed, and why (shown to the officer; never content).
    pub fn record_failure(
        &mut self,
        now: i64,
        kind: ProblemKind,
        error: &str,
    ) -> Result<(), VaultError> {
        self.connection.execute(
            "UPDATE sync_log SET last_attempt_at = ?1, last_error = ?2, last_error_kind = ?3",
            params![now, error, kind.name()],
        )?;
        Ok(())
    }

    /// Notes that the force revoked this device.
    pub fn record_revoked(&mut self, now: i64) -> Result<(), VaultError> {
        self.connection.execute(
            "UPDATE sync_log SET revoked_at = COALESCE(revoked_at, ?1), last_attempt_at = ?1,
                 last_error = 'this device has been revoked by force IT', last_error_kind = 'revoked'",
            [now],
        )?;
        Ok(())
    }

    /// Carries out the force's wipe order: destroys every officer's keys and records, the
    /// outbox, kept packs and the audit chain, and the device's credentials, then checkpoints
    /// so no copy lingers in the WAL. What remains is the note that it happened, and when.
    pub fn wipe_device(&mut self, now: i64) -> Result<(), VaultError> {
        device::wipe_everything(&mut self.connection, &self.device_secret, now)
    }

    /// Pending count, last success, quarantined items with reasons.
    pub fn status(&self) -> Result<SyncStatus, VaultError> {
        status(&self.connection)
    }

    /// The state of one submission (`pending`, `sending`, `acknowledged`, `quarantined`).
    pub fn state_of(&self, submission_id: &str) -> Result<Option<String>, VaultError> {
        Ok(self
            .connection
            .query_row(
                "SELECT state FROM outbox WHERE submission_id = ?1",
                [submission_id],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// The earliest time (ms) a pending row becomes due, if any is pending.
    pub fn next_due_ms(&self) -> Result<Option<i64>, VaultError> {
        Ok(self.connection.query_row(
            "SELECT MIN(next_attempt_ms) FROM outbox WHERE state IN ('pending', 'sending')",
            [],
            |row| row.get(0),
        )?)
    }
}

pub(crate) fn status(connection: &Connection) -> Result<SyncStatus, VaultError> {
    let (pending, acknowledged): (u32, u32) = connection.query_row(
        "SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'sending')),
                COUNT(*) FILTER (WHERE state = 'acknowledged') FROM outbox",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let mut statement = connection.prepare(
        "SELECT submission_id, COALESCE(reason, ''), reason_kind FROM outbox
         WHERE state = 'quarantined' ORDER BY updated_at",
    )?;
    let quarantined = statement
        .query_map([], |row| {
            Ok(QuarantinedItem {
                submission_id: row.get(0)?,
                reason: row.get(1)?,
                kind: row
                    .get::<_, Option<String>>(2)?
                    .as_deref()
                    .and_then(ProblemKind::from_name),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let (last_success_at, last_error, last_error_kind, revoked_at, wiped_at) = connection
        .query_row(
        "SELECT last_success_at, last_error, last_error_kind, revoked_at, wiped_at FROM sync_log",
        [],
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        },
    )?;
    let last_error_kind = last_error_kind.as_deref().and_then(ProblemKind::from_name);
    let waiting_for_enrolment: u32 = connection.query_row(
        // A record whose keys a wrong-PIN lockout destroyed can never be sealed: not counted.
        "SELECT COUNT(*) FROM assessments
         WHERE waiting_notes IS NOT NULL AND wrapped_record_key IS NOT NULL",
        [],
        |row| row.get(0),
    )?;
    Ok(SyncStatus {
        waiting_for_enrolment,
        pending,
        acknowledged,
        quarantined,
        last_success_at,
        last_error,
        last_error_kind,
        revoked_at,
        wiped_at,
    })
}
