//! [`Storage`] on an embedded SQLite file: WAL, durable commits (`synchronous=FULL`), one
//! connection behind a mutex, driven from tokio's blocking pool.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use firstline_protocol::{CommandKind, DeviceCommand, DirectoryEntry, DirectoryPage, Policy};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::migrations::{self, Migrate, SchemaState};
use super::{
    audit_verdict, command_kind, command_name, receipt, AuditRecorded, AuditReport, AuditVerdict,
    Counts, DeviceRecord, EnrolmentCodeRecord, ForceRecord, NewDevice, NewEnrolmentCode,
    NewSubmission, Redeemed, Storage, StorageError, StorageResult, Stored, StoredReceipt,
    StoredSubmission, Withdrawal, CODE_ID_CHARS,
};

/// The gateway's SQLite storage.
pub struct SqliteStorage {
    connection: Arc<Mutex<Connection>>,
    schema: SchemaState,
}

impl From<rusqlite::Error> for StorageError {
    fn from(error: rusqlite::Error) -> Self {
        StorageError(error.to_string())
    }
}

impl SqliteStorage {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> StorageResult<SqliteStorage> {
        SqliteStorage::open_with(path, Migrate::Apply)
    }

    /// Opens the database file; with [`Migrate::CheckOnly`], only one that exists, changing
    /// nothing in it.
    pub fn open_with(path: &Path, migrate: Migrate) -> StorageResult<SqliteStorage> {
        let mut connection = match migrate {
            Migrate::Apply => Connection::open(path)?,
            Migrate::CheckOnly => Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|error| StorageError(format!("{}: {error}", path.display())))?,
        };
        if migrate == Migrate::Apply {
            connection.pragma_update(None, "journal_mode", "WAL")?;
            connection.pragma_update(None, "synchronous", "FULL")?;
        }
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        let schema = migrate_sqlite(&mut connection, migrate)?;
        Ok(SqliteStorage {
            connection: Arc::new(Mutex::new(connection)),
            schema,
        })
    }

    async fn with<T, F>(&self, work: F) -> StorageResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StorageResult<T> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let mut connection = connection
                .lock()
                .map_err(|_| StorageError("the database connection was poisoned".into()))?;
            work(&mut connection)
        })
        .await
        .map_err(|error| StorageError(format!("storage task failed: {error}")))?
    }
}

/// Applies the steps after the database's `user_version`, each with its new version in one
/// transaction.
fn migrate_sqlite(connection: &mut Connection, migrate: Migrate) -> StorageResult<SchemaState> {
    let found: u32 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    migrations::refuse_newer(found)?;
    if migrate == Migrate::CheckOnly {
        return Ok(SchemaState { found, now: found });
    }
    for (index, step) in migrations::SQLITE.iter().enumerate().skip(found as usize) {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read again under the write lock: another process (the admin CLI, a second gateway)
        // may have applied this step since.
        let now: u32 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        migrations::refuse_newer(now)?;
        if now > index as u32 {
            continue;
        }
        transaction.execute_batch(step)?;
        transaction.pragma_update(None, "user_version", index as u32 + 1)?;
        transaction.commit()?;
    }
    Ok(SchemaState {
        found,
        now: migrations::LATEST,
    })
}

fn device_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceRecord> {
    Ok(DeviceRecord {
        device_id: row.get(0)?,
        name: row.get(1)?,
        public_key: row.get(2)?,
        enrolled_at: row.get(3)?,
        revoked_at: row.get(4)?,
        last_seen_at: row.get(5)?,
        label: row.get(6)?,
        app_version: row.get(7)?,
    })
}

const DEVICE_COLUMNS: &str =
    "device_id, name, public_key, enrolled_at, revoked_at, last_seen_at, label, app_version";

/// The codes whose hash starts with `id` (at most two counted: one is the only good answer).
fn codes_with_id(connection: &Connection, id: &str) -> rusqlite::Result<i64> {
    connection.query_row(
        "SELECT COUNT(*) FROM (SELECT 1 FROM enrolment_codes WHERE substr(code_hash, 1, ?2) = ?1 LIMIT 2)",
        params![id, CODE_ID_CHARS as i64],
        |row| row.get(0),
    )
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn ping(&self) -> StorageResult<()> {
        self.with(|connection| {
            connection.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }

    fn schema(&self) -> SchemaState {
        self.schema
    }

    async fn set_force(&self, force: &ForceRecord) -> StorageResult<()> {
        let force = force.clone();
        self.with(move |connection| {
            connection.execute(
                "INSERT INTO force (singleton, name, records_public_key, safeguarding_public_key, pack_signing_public_key)
                 VALUES (1, ?1, ?2, ?3, ?4)
                 ON CONFLICT (singleton) DO UPDATE SET name = excluded.name,
                     records_public_key = excluded.records_public_key,
                     safeguarding_public_key = excluded.safeguarding_public_key,
                     pack_signing_public_key = excluded.pack_signing_public_key",
                params![force.name, force.records_public_key, force.safeguarding_public_key, force.pack_signing_public_key],
            )?;
            Ok(())
        })
        .await
    }

    async fn set_key_set(&self, signed_json: &str) -> StorageResult<()> {
        let signed_json = signed_json.to_string();
        self.with(move |connection| {
            connection.execute(
                "INSERT INTO force_key_set (singleton, signed_json) VALUES (1, ?1)
                 ON CONFLICT (singleton) DO UPDATE SET signed_json = excluded.signed_json",
                [signed_json],
            )?;
            Ok(())
        })
        .await
    }

    async fn key_set(&self) -> StorageResult<Option<String>> {
        self.with(|connection| {
            Ok(connection
                .query_row("SELECT signed_json FROM force_key_set", [], |row| {
                    row.get(0)
                })
                .optional()?)
        })
        .await
    }

    async fn force(&self) -> StorageResult<Option<ForceRecord>> {
        self.with(|connection| {
            Ok(connection
                .query_row(
                    "SELECT name, records_public_key, safeguarding_public_key, pack_signing_public_key FROM force",
                    [],
                    |row| {
                        Ok(ForceRecord {
                            name: row.get(0)?,
                            records_public_key: row.get(1)?,
                            safeguarding_public_key: row.get(2)?,
                            pack_signing_public_key: row.get(3)?,
                        })
                    },
                )
                .optional()?)
        })
        .await
    }

    async fn add_enrolment_codes(&self, codes: &[NewEnrolmentCode]) -> StorageResult<()> {
        let codes = codes.to_vec();
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut insert = transaction.prepare(
                    "INSERT INTO enrolment_codes (code_hash, expires_at, issued_at, label)
                     VALUES (?1, ?2, ?3, ?4)",
                )?;
                for code in &codes {
                    insert.execute(params![
                        code.code_hash,
                        code.expires_at,
                        code.issued_at,
                        code.label
                    ])?;
                }
            }
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    async fn enrolment_codes(&self) -> StorageResult<Vec<EnrolmentCodeRecord>> {
        self.with(|connection| {
            let mut statement = connection.prepare(
                "SELECT substr(code_hash, 1, ?1), label, issued_at, expires_at, used_at, device_id, withdrawn_at
                 FROM enrolment_codes ORDER BY issued_at, label, code_hash",
            )?;
            let rows = statement.query_map([CODE_ID_CHARS as i64], |row| {
                Ok(EnrolmentCodeRecord {
                    id: row.get(0)?,
                    label: row.get(1)?,
                    issued_at: row.get(2)?,
                    expires_at: row.get(3)?,
                    used_at: row.get(4)?,
                    device_id: row.get(5)?,
                    withdrawn_at: row.get(6)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn label_enrolment_code(&self, id: &str, label: &str) -> StorageResult<bool> {
        let (id, label) = (id.to_string(), label.to_string());
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if codes_with_id(&transaction, &id)? != 1 {
                return Ok(false);
            }
            transaction.execute(
                "UPDATE enrolment_codes SET label = ?3 WHERE substr(code_hash, 1, ?2) = ?1",
                params![id, CODE_ID_CHARS as i64, label],
            )?;
            // A device already enrolled with it takes the new label too.
            transaction.execute(
                "UPDATE devices SET label = ?3 WHERE device_id =
                     (SELECT device_id FROM enrolment_codes WHERE substr(code_hash, 1, ?2) = ?1)",
                params![id, CODE_ID_CHARS as i64, label],
            )?;
            transaction.commit()?;
            Ok(true)
        })
        .await
    }

    async fn withdraw_enrolment_code(&self, id: &str, now: i64) -> StorageResult<Withdrawal> {
        let id = id.to_string();
        self.with(move |connection| {
            let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if codes_with_id(&transaction, &id)? != 1 {
                return Ok(Withdrawal::NoSuchCode);
            }
            let (used_at, withdrawn_at): (Option<i64>, Option<i64>) = transaction.query_row(
                "SELECT used_at, withdrawn_at FROM enrolment_codes WHERE substr(code_hash, 1, ?2) = ?1",
                params![id, CODE_ID_CHARS as i64],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            let outcome = match (used_at, withdrawn_at) {
                (Some(_), _) => Withdrawal::AlreadyUsed,
                (None, Some(_)) => Withdrawal::AlreadyWithdrawn,
                (None, None) => {
                    transaction.execute(
                        "UPDATE enrolment_codes SET withdrawn_at = ?3 WHERE substr(code_hash, 1, ?2) = ?1",
                        params![id, CODE_ID_CHARS as i64, now],
                    )?;
                    Withdrawal::Withdrawn
                }
            };
            transaction.commit()?;
            Ok(outcome)
        })
        .await
    }

    async fn redeem_enrolment_code(
        &self,
        code_hash: &str,
        device: &NewDevice,
        now: i64,
    ) -> StorageResult<Redeemed> {
        let code_hash = code_hash.to_string();
        let device = device.clone();
        self.with(move |connection| {
            let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let code: Option<(i64, Option<i64>, Option<i64>, Option<String>)> = transaction
                .query_row(
                    "SELECT expires_at, used_at, withdrawn_at, label FROM enrolment_codes WHERE code_hash = ?1",
                    [&code_hash],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                )
                .optional()?;
            let outcome = match code {
                None => Redeemed::UnknownOrExpired,
                Some((_, Some(_), _, _)) => Redeemed::AlreadyUsed,
                // Withdrawn reads as unknown: the device learns nothing of force IT's lists.
                Some((_, None, Some(_), _)) => Redeemed::UnknownOrExpired,
                Some((expires_at, None, None, _)) if expires_at <= now => Redeemed::UnknownOrExpired,
                Some((_, None, None, label)) => {
                    transaction.execute(
                        "UPDATE enrolment_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1",
                        params![code_hash, now, device.device_id],
                    )?;
                    transaction.execute(
                        "INSERT INTO devices (device_id, name, public_key, token_hash, enrolled_at, label)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![device.device_id, device.name, device.public_key, device.token_hash, now, label],
                    )?;
                    Redeemed::Enrolled
                }
            };
            transaction.commit()?;
            Ok(outcome)
        })
        .await
    }

    async fn device_by_token(
        &self,
        token_hash: &str,
        now: i64,
        app_version: Option<&str>,
    ) -> StorageResult<Option<DeviceRecord>> {
        let token_hash = token_hash.to_string();
        let app_version = app_version.map(str::to_string);
        self.with(move |connection| {
            let device = connection
                .query_row(
                    &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ?1"),
                    [&token_hash],
                    device_row,
                )
                .optional()?;
            if let Some(device) = &device {
                // At most one write a minute per device (last-seen is for force IT, not a log),
                // and one when its version changes.
                connection.execute(
                    "UPDATE devices SET last_seen_at = ?2, app_version = COALESCE(?3, app_version)
                     WHERE device_id = ?1 AND (last_seen_at IS NULL OR last_seen_at < ?2 - 60
                         OR (?3 IS NOT NULL AND app_version IS NOT ?3))",
                    params![device.device_id, now, app_version],
                )?;
            }
            Ok(device)
        })
        .await
    }

    async fn devices(&self) -> StorageResult<Vec<DeviceRecord>> {
        self.with(|connection| {
            let mut statement = connection.prepare(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_at, device_id"
            ))?;
            let devices = statement
                .query_map([], device_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(devices)
        })
        .await
    }

    async fn record_audit_head(
        &self,
        device_id: &str,
        report: &AuditReport,
        now: i64,
    ) -> StorageResult<AuditRecorded> {
        let (device_id, report) = (device_id.to_string(), report.clone());
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let longest: Option<i64> = transaction.query_row(
                "SELECT MAX(length) FROM audit_heads WHERE device_id = ?1",
                [&device_id],
                |row| row.get(0),
            )?;
            let [length, previous_length] = report.restated_lengths();
            let held = transaction
                .prepare(
                    "SELECT length, head FROM audit_heads
                     WHERE device_id = ?1 AND length IN (?2, ?3)",
                )?
                .query_map(params![device_id, length, previous_length], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?
                .collect::<Result<Vec<(i64, String)>, _>>()?;
            match audit_verdict(longest, &report, &held) {
                AuditVerdict::RestateFirst { longest } => {
                    return Ok(AuditRecorded::RestateFirst { longest })
                }
                AuditVerdict::Flag(reason) => {
                    transaction.execute(
                        "INSERT OR IGNORE INTO audit_flags (device_id, reason, flagged_at)
                         VALUES (?1, ?2, ?3)",
                        params![device_id, reason, now],
                    )?;
                }
                AuditVerdict::Fine => {}
            }
            transaction.execute(
                "INSERT OR IGNORE INTO audit_heads (device_id, length, head, first_seen_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![device_id, report.length, report.head, now],
            )?;
            let flag: Option<String> = transaction
                .query_row(
                    "SELECT reason FROM audit_flags WHERE device_id = ?1",
                    [&device_id],
                    |row| row.get(0),
                )
                .optional()?;
            transaction.commit()?;
            Ok(AuditRecorded::Noted { flag })
        })
        .await
    }

    async fn longest_audit_head(&self, device_id: &str) -> StorageResult<Option<(i64, String)>> {
        let device_id = device_id.to_string();
        self.with(move |connection| {
            Ok(connection
                .query_row(
                    "SELECT length, head FROM audit_heads WHERE device_id = ?1
                     ORDER BY length DESC LIMIT 1",
                    [&device_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?)
        })
        .await
    }

    async fn audit_of(&self, device_id: &str) -> StorageResult<Option<(i64, Option<String>)>> {
        let device_id = device_id.to_string();
        self.with(move |connection| {
            let longest: Option<i64> = connection.query_row(
                "SELECT MAX(length) FROM audit_heads WHERE device_id = ?1",
                [&device_id],
                |row| row.get(0),
            )?;
            let flag: Option<String> = connection
                .query_row(
                    "SELECT reason FROM audit_flags WHERE device_id = ?1",
                    [&device_id],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(longest.map(|longest| (longest, flag)))
        })
        .await
    }

    async fn device_bytes(&self, device_id: &str) -> StorageResult<i64> {
        let device_id = device_id.to_string();
        self.with(move |connection| {
            Ok(connection.query_row(
                "SELECT COALESCE(SUM(LENGTH(envelope)), 0) FROM submissions WHERE device_id = ?1",
                [&device_id],
                |row| row.get(0),
            )?)
        })
        .await
    }

    async fn revoke_device(&self, device_id: &str, now: i64) -> StorageResult<bool> {
        let device_id = device_id.to_string();
        self.with(move |connection| {
            Ok(connection.execute(
                "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE device_id = ?1",
                params![device_id, now],
            )? > 0)
        })
        .await
    }

    async fn order_command(
        &self,
        device_id: &str,
        kind: CommandKind,
        now: i64,
    ) -> StorageResult<Option<i64>> {
        let device_id = device_id.to_string();
        self.with(move |connection| {
            let known: bool = connection.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE device_id = ?1)",
                [&device_id],
                |row| row.get(0),
            )?;
            if !known {
                return Ok(None);
            }
            let transaction = connection.transaction()?;
            transaction.execute(
                "INSERT INTO device_commands (device_id, kind, ordered_at) VALUES (?1, ?2, ?3)",
                params![device_id, command_name(kind), now],
            )?;
            let command_id = transaction.last_insert_rowid();
            if kind == CommandKind::Wipe {
                transaction.execute(
                    "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE device_id = ?1",
                    params![device_id, now],
                )?;
            }
            transaction.commit()?;
            Ok(Some(command_id))
        })
        .await
    }

    async fn sign_command(&self, command_id: i64, signature: &[u8]) -> StorageResult<()> {
        let signature = signature.to_vec();
        self.with(move |connection| {
            connection.execute(
                "INSERT INTO command_signatures (command_id, signature) VALUES (?1, ?2)
                 ON CONFLICT (command_id) DO UPDATE SET signature = excluded.signature",
                params![command_id, signature],
            )?;
            Ok(())
        })
        .await
    }

    async fn pending_commands(&self, device_id: &str) -> StorageResult<Vec<DeviceCommand>> {
        Ok(self
            .commands_of(device_id)
            .await?
            .into_iter()
            .filter(|(_, done)| done.is_none())
            .map(|(command, _)| command)
            .collect())
    }

    async fn command_done(
        &self,
        device_id: &str,
        command_id: i64,
        now: i64,
    ) -> StorageResult<bool> {
        let device_id = device_id.to_string();
        self.with(move |connection| {
            Ok(connection.execute(
                "UPDATE device_commands SET done_at = COALESCE(done_at, ?3) WHERE command_id = ?2 AND device_id = ?1",
                params![device_id, command_id, now],
            )? > 0)
        })
        .await
    }

    async fn commands_of(
        &self,
        device_id: &str,
    ) -> StorageResult<Vec<(DeviceCommand, Option<i64>)>> {
        let device_id = device_id.to_string();
        self.with(move |connection| {
            let mut statement = connection.prepare(
                "SELECT c.command_id, c.kind, c.done_at, s.signature FROM device_commands c
                 LEFT JOIN command_signatures s USING (command_id)
                 WHERE c.device_id = ?1 ORDER BY c.command_id",
            )?;
            type Row = (i64, String, Option<i64>, Option<Vec<u8>>);
            let rows = statement
                .query_map([&device_id], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<Result<Vec<Row>, _>>()?;
            rows.into_iter()
                .map(|(id, kind, done, signature)| {
                    Ok((
                        DeviceCommand {
                            id,
                            kind: command_kind(&kind)?,
                            signature: signature.unwrap_or_default().into(),
                        },
                        done,
                    ))
                })
                .collect()
        })
        .await
    }

    async fn store_submission(&self, submission: &NewSubmission) -> StorageResult<Stored> {
        let submission = submission.clone();
        self.with(move |connection| {
            let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let existing: Option<(String, i64)> = transaction
                .query_row(
                    "SELECT content_hash, received_at FROM submissions WHERE submission_id = ?1",
                    [&submission.submission_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let outcome = match existing {
                None => {
                    transaction.execute(
                        "INSERT INTO submissions (submission_id, device_id, content_hash, supersedes, envelope, received_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            submission.submission_id,
                            submission.device_id,
                            submission.content_hash,
                            submission.supersedes,
                            submission.envelope,
                            submission.received_at
                        ],
                    )?;
                    Stored::New(receipt(&submission.submission_id, &submission.content_hash, submission.received_at, true))
                }
                Some((hash, received_at)) if hash == submission.content_hash => {
                    Stored::AlreadyHad(receipt(&submission.submission_id, &hash, received_at, false))
                }
                Some(_) => {
                    transaction.execute(
                        "INSERT OR IGNORE INTO conflicts (submission_id, device_id, content_hash, envelope, received_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            submission.submission_id,
                            submission.device_id,
                            submission.content_hash,
                            submission.envelope,
                            submission.received_at
                        ],
                    )?;
                    Stored::Conflict
                }
            };
            transaction.commit()?;
            Ok(outcome)
        })
        .await
    }

    async fn receipt(
        &self,
        device_id: &str,
        submission_id: &str,
    ) -> StorageResult<Option<StoredReceipt>> {
        let (device_id, submission_id) = (device_id.to_string(), submission_id.to_string());
        self.with(move |connection| {
            Ok(connection
                .query_row(
                    "SELECT content_hash, received_at FROM submissions WHERE submission_id = ?1 AND device_id = ?2",
                    params![submission_id, device_id],
                    |row| Ok(receipt(&submission_id, &row.get::<_, String>(0)?, row.get(1)?, false)),
                )
                .optional()?)
        })
        .await
    }

    async fn submissions_after(
        &self,
        seq: i64,
        limit: i64,
    ) -> StorageResult<Vec<StoredSubmission>> {
        self.with(move |connection| {
            let mut statement = connection.prepare(
                "SELECT seq, submission_id, device_id, content_hash, received_at, envelope FROM submissions
                 WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = statement
                .query_map(params![seq, limit], |row| {
                    Ok(StoredSubmission {
                        seq: row.get(0)?,
                        submission_id: row.get(1)?,
                        device_id: row.get(2)?,
                        content_hash: row.get(3)?,
                        received_at: row.get(4)?,
                        envelope: row.get(5)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    async fn set_current_pack(
        &self,
        etag: &str,
        signed_bytes: &[u8],
        now: i64,
    ) -> StorageResult<()> {
        let (etag, signed_bytes) = (etag.to_string(), signed_bytes.to_vec());
        self.with(move |connection| {
            connection.execute(
                "INSERT INTO packs (singleton, etag, signed_bytes, published_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (singleton) DO UPDATE SET etag = excluded.etag,
                     signed_bytes = excluded.signed_bytes, published_at = excluded.published_at",
                params![etag, signed_bytes, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn current_pack(&self) -> StorageResult<Option<(String, Vec<u8>)>> {
        self.with(|connection| {
            Ok(connection
                .query_row("SELECT etag, signed_bytes FROM packs", [], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?)
        })
        .await
    }

    async fn put_service(&self, entry: &DirectoryEntry) -> StorageResult<()> {
        let id = entry.id.clone();
        let json = serde_json::to_string(entry).map_err(|error| StorageError(error.to_string()))?;
        self.with(move |connection| {
            let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            transaction.execute(
                "INSERT INTO directory (id, entry, change_seq)
                 VALUES (?1, ?2, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM directory))
                 ON CONFLICT (id) DO UPDATE SET entry = excluded.entry, change_seq = excluded.change_seq",
                params![id, json],
            )?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    async fn remove_service(&self, id: &str) -> StorageResult<bool> {
        let id = id.to_string();
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = transaction.execute(
                "UPDATE directory SET entry = NULL,
                     change_seq = (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM directory)
                 WHERE id = ?1 AND entry IS NOT NULL",
                [&id],
            )?;
            transaction.commit()?;
            Ok(changed > 0)
        })
        .await
    }

    async fn directory_after(&self, cursor: i64, limit: i64) -> StorageResult<DirectoryPage> {
        let rows = self
            .with(move |connection| {
                let mut statement = connection.prepare(
                    "SELECT id, entry, change_seq FROM directory WHERE change_seq > ?1 ORDER BY change_seq LIMIT ?2",
                )?;
                let rows = statement
                    .query_map(params![cursor, limit + 1], |row| {
                        Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?, row.get::<_, i64>(2)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        super::directory_page(rows, cursor, limit)
    }

    async fn set_policy(&self, policy: &Policy) -> StorageResult<()> {
        let json =
            serde_json::to_string(policy).map_err(|error| StorageError(error.to_string()))?;
        self.with(move |connection| {
            connection.execute(
                "INSERT INTO policy (singleton, policy) VALUES (1, ?1)
                 ON CONFLICT (singleton) DO UPDATE SET policy = excluded.policy",
                [json],
            )?;
            Ok(())
        })
        .await
    }

    async fn policy(&self) -> StorageResult<Option<Policy>> {
        let json: Option<String> = self
            .with(|connection| {
                Ok(connection
                    .query_row("SELECT policy FROM policy", [], |row| row.get(0))
                    .optional()?)
            })
            .await?;
        json.map(|json| {
            serde_json::from_str(&json).map_err(|error| StorageError(error.to_string()))
        })
        .transpose()
    }

    async fn counts(&self) -> StorageResult<Counts> {
        self.with(|connection| {
            Ok(connection.query_row(
                "SELECT (SELECT COUNT(*) FROM submissions), (SELECT COUNT(*) FROM conflicts),
                        (SELECT COUNT(*) FROM devices), (SELECT COUNT(*) FROM devices WHERE revoked_at IS NOT NULL)",
                [],
                |row| {
                    Ok(Counts {
                        submissions: row.get(0)?,
                        conflicts: row.get(1)?,
                        devices: row.get(2)?,
                        revoked_devices: row.get(3)?,
                    })
                },
            )?)
        })
        .await
    }
}
