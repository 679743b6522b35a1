//! [`Storage`] on PostgreSQL, through a deadpool connection pool. Idempotent ingest relies on
//! `INSERT … ON CONFLICT DO NOTHING`; directory changes take a table lock so that their
//! change sequence follows commit order and a reader's cursor can never skip a late commit.

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use firstline_protocol::{CommandKind, DeviceCommand, DirectoryEntry, DirectoryPage, Policy};
use tokio_postgres::{NoTls, Row};

use super::migrations::{self, Migrate, SchemaState};
use super::{
    audit_verdict, command_kind, command_name, receipt, AuditRecorded, AuditReport, AuditVerdict,
    Counts, DeviceRecord, EnrolmentCodeRecord, ForceRecord, NewDevice, NewEnrolmentCode,
    NewSubmission, Redeemed, Storage, StorageError, StorageResult, Stored, StoredReceipt,
    StoredSubmission, Withdrawal, CODE_ID_CHARS,
};

/// The gateway's PostgreSQL storage.
pub struct PostgresStorage {
    pool: Pool,
    schema: SchemaState,
}

impl From<tokio_postgres::Error> for StorageError {
    fn from(error: tokio_postgres::Error) -> Self {
        StorageError(with_causes(&error))
    }
}

impl From<deadpool_postgres::PoolError> for StorageError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        StorageError(with_causes(&error))
    }
}

/// An error and every cause under it ("db error" alone tells force IT nothing; the server's
/// message or the TLS failure beneath it does).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    text
}

fn json_error(error: serde_json::Error) -> StorageError {
    StorageError(error.to_string())
}

impl PostgresStorage {
    /// Connects to the server a `postgres://` URL names, over TLS when its `sslmode` asks (see
    /// [`super::postgres_tls`]), and brings the schema up to date.
    pub async fn connect(url: &str) -> StorageResult<PostgresStorage> {
        PostgresStorage::connect_with(url, None, Migrate::Apply).await
    }

    /// [`PostgresStorage::connect`] with a password kept out of the URL, and a choice of
    /// whether to bring the schema up to date.
    pub async fn connect_with(
        url: &str,
        password: Option<&str>,
        migrate: Migrate,
    ) -> StorageResult<PostgresStorage> {
        let mut connection = super::postgres_tls::connection_for(url)?;
        if let Some(password) = password {
            connection.config.password(password);
        }
        if let Some(warning) = &connection.warning {
            tracing::warn!("{warning}");
        }
        let recycling = || ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match connection.tls {
            Some(tls) => Manager::from_config(connection.config, tls, recycling()),
            None => Manager::from_config(connection.config, NoTls, recycling()),
        };
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(|error| StorageError(error.to_string()))?;
        let mut client = pool.get().await?;
        let schema = migrate_postgres(&mut client, migrate).await?;
        drop(client);
        Ok(PostgresStorage { pool, schema })
    }
}

/// The step `schema_version` records (0 where there is no such table yet).
async fn schema_version(client: &impl deadpool_postgres::GenericClient) -> StorageResult<u32> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .await?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_opt("SELECT version FROM schema_version", &[])
        .await?
        .map(|row| row.get::<_, i32>(0).max(0) as u32)
        .unwrap_or(0))
}

/// Applies the steps after the one `schema_version` records, each with its new version in one
/// transaction under a transaction-scoped advisory lock (released however the transaction
/// ends), reading the version again under the lock so that two gateways starting together
/// take turns. Up to date, it takes no lock and creates nothing (a role without CREATE can run
/// the gateway once force IT has migrated).
async fn migrate_postgres(
    client: &mut deadpool_postgres::Object,
    migrate: Migrate,
) -> StorageResult<SchemaState> {
    let found = schema_version(&*client).await?;
    migrations::refuse_newer(found)?;
    if migrate == Migrate::CheckOnly || found == migrations::LATEST {
        return Ok(SchemaState { found, now: found });
    }
    for (index, step) in migrations::POSTGRES.iter().enumerate().skip(found as usize) {
        let transaction = client.transaction().await?;
        transaction
            .batch_execute(
                "SELECT pg_advisory_xact_lock(20261125);
                 CREATE TABLE IF NOT EXISTS schema_version (
                     singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                     version   INTEGER NOT NULL
                 );",
            )
            .await?;
        let now = schema_version(&transaction).await?;
        migrations::refuse_newer(now)?;
        if now > index as u32 {
            continue;
        }
        transaction.batch_execute(step).await?;
        transaction
            .execute(
                "INSERT INTO schema_version (singleton, version) VALUES (1, $1)
                 ON CONFLICT (singleton) DO UPDATE SET version = excluded.version",
                &[&(index as i32 + 1)],
            )
            .await?;
        transaction.commit().await?;
    }
    Ok(SchemaState {
        found,
        now: migrations::LATEST,
    })
}

fn device_row(row: &Row) -> DeviceRecord {
    DeviceRecord {
        device_id: row.get(0),
        name: row.get(1),
        public_key: row.get(2),
        enrolled_at: row.get(3),
        revoked_at: row.get(4),
        last_seen_at: row.get(5),
        label: row.get(6),
        app_version: row.get(7),
    }
}

const DEVICE_COLUMNS: &str =
    "device_id, name, public_key, enrolled_at, revoked_at, last_seen_at, label, app_version";

/// The codes whose hash starts with `id` (at most two counted: one is the only good answer),
/// locked for the caller's transaction.
async fn codes_with_id(
    transaction: &tokio_postgres::Transaction<'_>,
    id: &str,
) -> StorageResult<usize> {
    Ok(transaction
        .query(
            "SELECT 1 FROM enrolment_codes WHERE left(code_hash, $2) = $1 LIMIT 2 FOR UPDATE",
            &[&id, &(CODE_ID_CHARS as i32)],
        )
        .await?
        .len())
}

#[async_trait]
impl Storage for PostgresStorage {
    async fn ping(&self) -> StorageResult<()> {
        self.pool.get().await?.query_one("SELECT 1", &[]).await?;
        Ok(())
    }

    fn schema(&self) -> SchemaState {
        self.schema
    }

    async fn set_force(&self, force: &ForceRecord) -> StorageResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO force (singleton, name, records_public_key, safeguarding_public_key, pack_signing_public_key)
                 VALUES (1, $1, $2, $3, $4)
                 ON CONFLICT (singleton) DO UPDATE SET name = excluded.name,
                     records_public_key = excluded.records_public_key,
                     safeguarding_public_key = excluded.safeguarding_public_key,
                     pack_signing_public_key = excluded.pack_signing_public_key",
                &[&force.name, &force.records_public_key, &force.safeguarding_public_key, &force.pack_signing_public_key],
            )
            .await?;
        Ok(())
    }

    async fn set_key_set(&self, signed_json: &str) -> StorageResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO force_key_set (singleton, signed_json) VALUES (1, $1)
                 ON CONFLICT (singleton) DO UPDATE SET signed_json = excluded.signed_json",
                &[&signed_json],
            )
            .await?;
        Ok(())
    }

    async fn key_set(&self) -> StorageResult<Option<String>> {
        Ok(self
            .pool
            .get()
            .await?
            .query_opt("SELECT signed_json FROM force_key_set", &[])
            .await?
            .map(|row| row.get(0)))
    }

    async fn force(&self) -> StorageResult<Option<ForceRecord>> {
        let row = self
            .pool
            .get()
            .await?
            .query_opt(
                "SELECT name, records_public_key, safeguarding_public_key, pack_signing_public_key FROM force",
                &[],
            )
            .await?;
        Ok(row.map(|row| ForceRecord {
            name: row.get(0),
            records_public_key: row.get(1),
            safeguarding_public_key: row.get(2),
            pack_signing_public_key: row.get(3),
        }))
    }

    async fn add_enrolment_codes(&self, codes: &[NewEnrolmentCode]) -> StorageResult<()> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let insert = transaction
            .prepare(
                "INSERT INTO enrolment_codes (code_hash, expires_at, issued_at, label)
                 VALUES ($1, $2, $3, $4)",
            )
            .await?;
        for code in codes {
            transaction
                .execute(
                    &insert,
                    &[
                        &code.code_hash,
                        &code.expires_at,
                        &code.issued_at,
                        &code.label,
                    ],
                )
                .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    async fn enrolment_codes(&self) -> StorageResult<Vec<EnrolmentCodeRecord>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT left(code_hash, $1), label, issued_at, expires_at, used_at, device_id, withdrawn_at
                 FROM enrolment_codes ORDER BY issued_at NULLS FIRST, label NULLS FIRST, code_hash",
                &[&(CODE_ID_CHARS as i32)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| EnrolmentCodeRecord {
                id: row.get(0),
                label: row.get(1),
                issued_at: row.get(2),
                expires_at: row.get(3),
                used_at: row.get(4),
                device_id: row.get(5),
                withdrawn_at: row.get(6),
            })
            .collect())
    }

    async fn label_enrolment_code(&self, id: &str, label: &str) -> StorageResult<bool> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        if codes_with_id(&transaction, id).await? != 1 {
            return Ok(false);
        }
        let width = CODE_ID_CHARS as i32;
        transaction
            .execute(
                "UPDATE enrolment_codes SET label = $3 WHERE left(code_hash, $2) = $1",
                &[&id, &width, &label],
            )
            .await?;
        // A device already enrolled with it takes the new label too.
        transaction
            .execute(
                "UPDATE devices SET label = $3 WHERE device_id =
                     (SELECT device_id FROM enrolment_codes WHERE left(code_hash, $2) = $1)",
                &[&id, &width, &label],
            )
            .await?;
        transaction.commit().await?;
        Ok(true)
    }

    async fn withdraw_enrolment_code(&self, id: &str, now: i64) -> StorageResult<Withdrawal> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        if codes_with_id(&transaction, id).await? != 1 {
            return Ok(Withdrawal::NoSuchCode);
        }
        let width = CODE_ID_CHARS as i32;
        let row = transaction
            .query_one(
                "SELECT used_at, withdrawn_at FROM enrolment_codes WHERE left(code_hash, $2) = $1",
                &[&id, &width],
            )
            .await?;
        let outcome = match (row.get::<_, Option<i64>>(0), row.get::<_, Option<i64>>(1)) {
            (Some(_), _) => Withdrawal::AlreadyUsed,
            (None, Some(_)) => Withdrawal::AlreadyWithdrawn,
            (None, None) => {
                transaction
                    .execute(
                        "UPDATE enrolment_codes SET withdrawn_at = $3 WHERE left(code_hash, $2) = $1",
                        &[&id, &width, &now],
                    )
                    .await?;
                Withdrawal::Withdrawn
            }
        };
        transaction.commit().await?;
        Ok(outcome)
    }

    async fn redeem_enrolment_code(
        &self,
        code_hash: &str,
        device: &NewDevice,
        now: i64,
    ) -> StorageResult<Redeemed> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let code = transaction
            .query_opt(
                "SELECT expires_at, used_at, withdrawn_at, label FROM enrolment_codes WHERE code_hash = $1 FOR UPDATE",
                &[&code_hash],
            )
            .await?;
        let code = code.map(|row| {
            (
                row.get::<_, i64>(0),
                row.get::<_, Option<i64>>(1),
                row.get::<_, Option<i64>>(2),
                row.get::<_, Option<String>>(3),
            )
        });
        let outcome = match code {
            None => Redeemed::UnknownOrExpired,
            Some((_, Some(_), _, _)) => Redeemed::AlreadyUsed,
            // Withdrawn reads as unknown: the device learns nothing of force IT's lists.
            Some((_, None, Some(_), _)) => Redeemed::UnknownOrExpired,
            Some((expires_at, None, None, _)) if expires_at <= now => Redeemed::UnknownOrExpired,
            Some((_, None, None, label)) => {
                transaction
                    .execute(
                        "UPDATE enrolment_codes SET used_at = $2, device_id = $3 WHERE code_hash = $1",
                        &[&code_hash, &now, &device.device_id],
                    )
                    .await?;
                transaction
                    .execute(
                        "INSERT INTO devices (device_id, name, public_key, token_hash, enrolled_at, label)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        &[
                            &device.device_id,
                            &device.name,
                            &device.public_key,
                            &device.token_hash,
                            &now,
                            &label,
                        ],
                    )
                    .await?;
                Redeemed::Enrolled
            }
        };
        transaction.commit().await?;
        Ok(outcome)
    }

    async fn device_by_token(
        &self,
        token_hash: &str,
        now: i64,
        app_version: Option<&str>,
    ) -> StorageResult<Option<DeviceRecord>> {
        let client = self.pool.get().await?;
        let device = client
            .query_opt(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = $1"),
                &[&token_hash],
            )
            .await?
            .map(|row| device_row(&row));
        if let Some(device) = &device {
            client
                .execute(
                    "UPDATE devices SET last_seen_at = $2::BIGINT, app_version = COALESCE($3::TEXT, app_version)
                     WHERE device_id = $1 AND (last_seen_at IS NULL OR last_seen_at < $2::BIGINT - 60
                         OR ($3::TEXT IS NOT NULL AND app_version IS DISTINCT FROM $3::TEXT))",
                    &[&device.device_id, &now, &app_version],
                )
                .await?;
        }
        Ok(device)
    }

    async fn devices(&self) -> StorageResult<Vec<DeviceRecord>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_at, device_id"),
                &[],
            )
            .await?;
        Ok(rows.iter().map(device_row).collect())
    }

    async fn record_audit_head(
        &self,
        device_id: &str,
        report: &AuditReport,
        now: i64,
    ) -> StorageResult<AuditRecorded> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        // One report at a time per device.
        transaction
            .execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&device_id])
            .await?;
        let longest: Option<i64> = transaction
            .query_one(
                "SELECT MAX(length) FROM audit_heads WHERE device_id = $1",
                &[&device_id],
            )
            .await?
            .get(0);
        let lengths = report.restated_lengths().to_vec();
        let held: Vec<(i64, String)> = transaction
            .query(
                "SELECT length, head FROM audit_heads WHERE device_id = $1 AND length = ANY($2)",
                &[&device_id, &lengths],
            )
            .await?
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
        match audit_verdict(longest, report, &held) {
            // Dropping the transaction rolls it back: nothing kept.
            AuditVerdict::RestateFirst { longest } => {
                return Ok(AuditRecorded::RestateFirst { longest })
            }
            AuditVerdict::Flag(reason) => {
                transaction
                    .execute(
                        "INSERT INTO audit_flags (device_id, reason, flagged_at) VALUES ($1, $2, $3)
                         ON CONFLICT (device_id) DO NOTHING",
                        &[&device_id, &reason, &now],
                    )
                    .await?;
            }
            AuditVerdict::Fine => {}
        }
        transaction
            .execute(
                "INSERT INTO audit_heads (device_id, length, head, first_seen_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (device_id, length) DO NOTHING",
                &[&device_id, &report.length, &report.head, &now],
            )
            .await?;
        let flag: Option<String> = transaction
            .query_opt(
                "SELECT reason FROM audit_flags WHERE device_id = $1",
                &[&device_id],
            )
            .await?
            .map(|row| row.get(0));
        transaction.commit().await?;
        Ok(AuditRecorded::Noted { flag })
    }

    async fn longest_audit_head(&self, device_id: &str) -> StorageResult<Option<(i64, String)>> {
        let client = self.pool.get().await?;
        Ok(client
            .query_opt(
                "SELECT length, head FROM audit_heads WHERE device_id = $1
                 ORDER BY length DESC LIMIT 1",
                &[&device_id],
            )
            .await?
            .map(|row| (row.get(0), row.get(1))))
    }

    async fn audit_of(&self, device_id: &str) -> StorageResult<Option<(i64, Option<String>)>> {
        let client = self.pool.get().await?;
        let longest: Option<i64> = client
            .query_one(
                "SELECT MAX(length) FROM audit_heads WHERE device_id = $1",
                &[&device_id],
            )
            .await?
            .get(0);
        let flag: Option<String> = client
            .query_opt(
                "SELECT reason FROM audit_flags WHERE device_id = $1",
                &[&device_id],
            )
            .await?
            .map(|row| row.get(0));
        Ok(longest.map(|longest| (longest, flag)))
    }

    async fn device_bytes(&self, device_id: &str) -> StorageResult<i64> {
        Ok(self
            .pool
            .get()
            .await?
            .query_one(
                "SELECT COALESCE(SUM(OCTET_LENGTH(envelope)), 0)::BIGINT FROM submissions WHERE device_id = $1",
                &[&device_id],
            )
            .await?
            .get(0))
    }

    async fn revoke_device(&self, device_id: &str, now: i64) -> StorageResult<bool> {
        Ok(self
            .pool
            .get()
            .await?
            .execute(
                "UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE device_id = $1",
                &[&device_id, &now],
            )
            .await?
            > 0)
    }

    async fn order_command(
        &self,
        device_id: &str,
        kind: CommandKind,
        now: i64,
    ) -> StorageResult<Option<i64>> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let row = transaction
            .query_opt(
                "INSERT INTO device_commands (device_id, kind, ordered_at)
                 SELECT device_id, $2, $3 FROM devices WHERE device_id = $1 RETURNING command_id",
                &[&device_id, &command_name(kind), &now],
            )
            .await?;
        if row.is_some() && kind == CommandKind::Wipe {
            transaction
                .execute(
                    "UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE device_id = $1",
                    &[&device_id, &now],
                )
                .await?;
        }
        transaction.commit().await?;
        Ok(row.map(|row| row.get(0)))
    }

    async fn sign_command(&self, command_id: i64, signature: &[u8]) -> StorageResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO command_signatures (command_id, signature) VALUES ($1, $2)
                 ON CONFLICT (command_id) DO UPDATE SET signature = excluded.signature",
                &[&command_id, &signature],
            )
            .await?;
        Ok(())
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
        Ok(self
            .pool
            .get()
            .await?
            .execute(
                "UPDATE device_commands SET done_at = COALESCE(done_at, $3) WHERE command_id = $2 AND device_id = $1",
                &[&device_id, &command_id, &now],
            )
            .await?
            > 0)
    }

    async fn commands_of(
        &self,
        device_id: &str,
    ) -> StorageResult<Vec<(DeviceCommand, Option<i64>)>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT c.command_id, c.kind, c.done_at, s.signature FROM device_commands c
                 LEFT JOIN command_signatures s USING (command_id)
                 WHERE c.device_id = $1 ORDER BY c.command_id",
                &[&device_id],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    DeviceCommand {
                        id: row.get(0),
                        kind: command_kind(row.get(1))?,
                        signature: row.get::<_, Option<Vec<u8>>>(3).unwrap_or_default().into(),
                    },
                    row.get(2),
                ))
            })
            .collect()
    }

    async fn store_submission(&self, submission: &NewSubmission) -> StorageResult<Stored> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let inserted = transaction
            .query_opt(
                "INSERT INTO submissions (submission_id, device_id, content_hash, supersedes, envelope, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (submission_id) DO NOTHING RETURNING seq",
                &[
                    &submission.submission_id,
                    &submission.device_id,
                    &submission.content_hash,
                    &submission.supersedes,
                    &submission.envelope,
                    &submission.received_at,
                ],
            )
            .await?;
        let outcome = if inserted.is_some() {
            Stored::New(receipt(
                &submission.submission_id,
                &submission.content_hash,
                submission.received_at,
                true,
            ))
        } else {
            let row = transaction
                .query_one(
                    "SELECT content_hash, received_at FROM submissions WHERE submission_id = $1",
                    &[&submission.submission_id],
                )
                .await?;
            let (hash, received_at): (String, i64) = (row.get(0), row.get(1));
            if hash == submission.content_hash {
                Stored::AlreadyHad(receipt(
                    &submission.submission_id,
                    &hash,
                    received_at,
                    false,
                ))
            } else {
                transaction
                    .execute(
                        "INSERT INTO conflicts (submission_id, device_id, content_hash, envelope, received_at)
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (submission_id, content_hash) DO NOTHING",
                        &[
                            &submission.submission_id,
                            &submission.device_id,
                            &submission.content_hash,
                            &submission.envelope,
                            &submission.received_at,
                        ],
                    )
                    .await?;
                Stored::Conflict
            }
        };
        transaction.commit().await?;
        Ok(outcome)
    }

    async fn receipt(
        &self,
        device_id: &str,
        submission_id: &str,
    ) -> StorageResult<Option<StoredReceipt>> {
        let row = self
            .pool
            .get()
            .await?
            .query_opt(
                "SELECT content_hash, received_at FROM submissions WHERE submission_id = $1 AND device_id = $2",
                &[&submission_id, &device_id],
            )
            .await?;
        Ok(row.map(|row| receipt(submission_id, row.get(0), row.get(1), false)))
    }

    async fn submissions_after(
        &self,
        seq: i64,
        limit: i64,
    ) -> StorageResult<Vec<StoredSubmission>> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT seq, submission_id, device_id, content_hash, received_at, envelope FROM submissions
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&seq, &limit],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| StoredSubmission {
                seq: row.get(0),
                submission_id: row.get(1),
                device_id: row.get(2),
                content_hash: row.get(3),
                received_at: row.get(4),
                envelope: row.get(5),
            })
            .collect())
    }

    async fn set_current_pack(
        &self,
        etag: &str,
        signed_bytes: &[u8],
        now: i64,
    ) -> StorageResult<()> {
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO packs (singleton, etag, signed_bytes, published_at) VALUES (1, $1, $2, $3)
                 ON CONFLICT (singleton) DO UPDATE SET etag = excluded.etag,
                     signed_bytes = excluded.signed_bytes, published_at = excluded.published_at",
                &[&etag, &signed_bytes, &now],
            )
            .await?;
        Ok(())
    }

    async fn current_pack(&self) -> StorageResult<Option<(String, Vec<u8>)>> {
        let row = self
            .pool
            .get()
            .await?
            .query_opt("SELECT etag, signed_bytes FROM packs", &[])
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    async fn put_service(&self, entry: &DirectoryEntry) -> StorageResult<()> {
        let json = serde_json::to_string(entry).map_err(json_error)?;
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        transaction
            .batch_execute("LOCK TABLE directory IN EXCLUSIVE MODE")
            .await?;
        transaction
            .execute(
                "INSERT INTO directory (id, entry, change_seq)
                 VALUES ($1, $2, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM directory))
                 ON CONFLICT (id) DO UPDATE SET entry = excluded.entry, change_seq = excluded.change_seq",
                &[&entry.id, &json],
            )
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn remove_service(&self, id: &str) -> StorageResult<bool> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        transaction
            .batch_execute("LOCK TABLE directory IN EXCLUSIVE MODE")
            .await?;
        let changed = transaction
            .execute(
                "UPDATE directory SET entry = NULL,
                     change_seq = (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM directory)
                 WHERE id = $1 AND entry IS NOT NULL",
                &[&id],
            )
            .await?;
        transaction.commit().await?;
        Ok(changed > 0)
    }

    async fn directory_after(&self, cursor: i64, limit: i64) -> StorageResult<DirectoryPage> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT id, entry, change_seq FROM directory WHERE change_seq > $1 ORDER BY change_seq LIMIT $2",
                &[&cursor, &(limit + 1)],
            )
            .await?;
        super::directory_page(
            rows.iter()
                .map(|row| (row.get(0), row.get(1), row.get(2)))
                .collect(),
            cursor,
            limit,
        )
    }

    async fn set_policy(&self, policy: &Policy) -> StorageResult<()> {
        let json = serde_json::to_string(policy).map_err(json_error)?;
        self.pool
            .get()
            .await?
            .execute(
                "INSERT INTO policy (singleton, policy) VALUES (1, $1)
                 ON CONFLICT (singleton) DO UPDATE SET policy = excluded.policy",
                &[&json],
            )
            .await?;
        Ok(())
    }

    async fn policy(&self) -> StorageResult<Option<Policy>> {
        let row = self
            .pool
            .get()
            .await?
            .query_opt("SELECT policy FROM policy", &[])
            .await?;
        row.map(|row| serde_json::from_str(row.get::<_, &str>(0)).map_err(json_error))
            .transpose()
    }

    async fn counts(&self) -> StorageResult<Counts> {
        let row = self
            .pool
            .get()
            .await?
            .query_one(
                "SELECT (SELECT COUNT(*) FROM submissions), (SELECT COUNT(*) FROM conflicts),
                        (SELECT COUNT(*) FROM devices), (SELECT COUNT(*) FROM devices WHERE revoked_at IS NOT NULL)",
                &[],
            )
            .await?;
        Ok(Counts {
            submissions: row.get(0),
            conflicts: row.get(1),
            devices: row.get(2),
            revoked_devices: row.get(3),
        })
    }
}
