//! The gateway's storage: one trait, two implementations — embedded SQLite (the default: a
//! file path) and PostgreSQL (a `postgres://` URL). Everything the gateway keeps goes through
//! here; it holds ciphertext, hashes of credentials, and public keys, never a private key.

pub mod migrations;
mod postgres;
mod postgres_tls;
mod sqlite;
pub mod sqlite_backup;

use async_trait::async_trait;
use firstline_protocol::{
    CommandKind, DeviceCommand, DirectoryEntry, DirectoryPage, Policy, SignedKeySet,
};
use thiserror::Error;

pub use migrations::{Migrate, SchemaState};
pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

/// A storage failure: the database could not be reached or refused the operation.
#[derive(Debug, Error)]
#[error("storage: {0}")]
pub struct StorageError(pub String);

/// Shorthand for storage results.
pub type StorageResult<T> = Result<T, StorageError>;

/// The force this gateway serves: its name and public keys (never the private halves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForceRecord {
    /// Shown in the app's settings.
    pub name: String,
    /// X25519 records public key.
    pub records_public_key: Vec<u8>,
    /// X25519 safeguarding public key.
    pub safeguarding_public_key: Vec<u8>,
    /// Ed25519 pack-signing public key.
    pub pack_signing_public_key: Vec<u8>,
}

/// An enrolled device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// Its id.
    pub device_id: String,
    /// The label given at enrolment.
    pub name: String,
    /// Its Ed25519 public key.
    pub public_key: Vec<u8>,
    /// When it enrolled.
    pub enrolled_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// When it last made an authenticated request.
    pub last_seen_at: Option<i64>,
    /// Force IT's label, from the code it enrolled with.
    pub label: Option<String>,
    /// The app version it last reported (its `User-Agent`, `firstline/<version>`).
    pub app_version: Option<String>,
}

/// A one-time enrolment code to keep (its hash only).
#[derive(Debug, Clone)]
pub struct NewEnrolmentCode {
    /// SHA-256 (hex) of the code.
    pub code_hash: String,
    /// When it stops working.
    pub expires_at: i64,
    /// When it was issued.
    pub issued_at: Option<i64>,
    /// Force IT's label for the device it is meant for.
    pub label: Option<String>,
}

/// An enrolment code as force IT lists it: never the code, only its id (the first
/// [`CODE_ID_CHARS`] characters of its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentCodeRecord {
    /// The code's id.
    pub id: String,
    /// Force IT's label.
    pub label: Option<String>,
    /// When it was issued (codes from before labels: unknown).
    pub issued_at: Option<i64>,
    /// When it stops working.
    pub expires_at: i64,
    /// When a device redeemed it.
    pub used_at: Option<i64>,
    /// The device that redeemed it.
    pub device_id: Option<String>,
    /// When force IT withdrew it.
    pub withdrawn_at: Option<i64>,
}

/// Characters of a code's hash that name it in lists (48 bits: no two codes of a force share
/// one in practice, and the storage refuses to act on an id that names two).
pub const CODE_ID_CHARS: usize = 12;

/// What withdrawing a code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawal {
    /// It can no longer enrol a device.
    Withdrawn,
    /// No code has that id (or more than one has).
    NoSuchCode,
    /// A device already enrolled with it (revoke the device instead).
    AlreadyUsed,
    /// It was withdrawn before.
    AlreadyWithdrawn,
}

/// A device about to be enrolled by redeeming a code.
#[derive(Debug, Clone)]
pub struct NewDevice {
    /// Its new id.
    pub device_id: String,
    /// Its label.
    pub name: String,
    /// Its Ed25519 public key.
    pub public_key: Vec<u8>,
    /// SHA-256 (hex) of its bearer token.
    pub token_hash: String,
}

/// What redeeming an enrolment code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redeemed {
    /// The device is enrolled.
    Enrolled,
    /// No such code, or it has expired.
    UnknownOrExpired,
    /// The code was used before.
    AlreadyUsed,
}

/// A submission to store.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    /// Client-made id.
    pub submission_id: String,
    /// The device that sent it.
    pub device_id: String,
    /// Hex SHA-256 of the envelope's signed bytes.
    pub content_hash: String,
    /// The submission it amends.
    pub supersedes: Option<String>,
    /// The envelope as JSON (ciphertext and routing metadata only).
    pub envelope: String,
    /// Seconds since the Unix epoch.
    pub received_at: i64,
}

/// What storing a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Stored now.
    New(StoredReceipt),
    /// The same id and hash were stored before.
    AlreadyHad(StoredReceipt),
    /// The same id with another hash: the newcomer is kept in the conflicts table for review.
    Conflict,
}

/// A stored submission, as the admin CLI exports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSubmission {
    /// Export cursor (ascending).
    pub seq: i64,
    /// The submission id.
    pub submission_id: String,
    /// The device.
    pub device_id: String,
    /// Content hash.
    pub content_hash: String,
    /// When received.
    pub received_at: i64,
    /// The envelope JSON.
    pub envelope: String,
}

/// Counts for the metrics endpoint and the admin CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Submissions stored.
    pub submissions: i64,
    /// Conflicting submissions kept for review.
    pub conflicts: i64,
    /// Devices enrolled (revoked included).
    pub devices: i64,
    /// Devices revoked.
    pub revoked_devices: i64,
}

/// Everything the gateway and the admin CLI store and read.
#[async_trait]
pub trait Storage: Send + Sync {
    /// Whether the database answers.
    async fn ping(&self) -> StorageResult<()>;
    /// Where the schema stood when the storage was opened, and stands now.
    fn schema(&self) -> SchemaState;
    /// Sets (or replaces) the force's name and public keys.
    async fn set_force(&self, force: &ForceRecord) -> StorageResult<()>;
    /// The force, once set.
    async fn force(&self) -> StorageResult<Option<ForceRecord>>;
    /// Keeps the force's signed key set (JSON of a `SignedKeySet`) as the current one.
    async fn set_key_set(&self, signed_json: &str) -> StorageResult<()>;
    /// The force's current signed key set (JSON), once set up.
    async fn key_set(&self) -> StorageResult<Option<String>>;
    /// Keeps a one-time enrolment code's hash until `expires_at`, with no label.
    async fn add_enrolment_code(&self, code_hash: &str, expires_at: i64) -> StorageResult<()> {
        self.add_enrolment_codes(&[NewEnrolmentCode {
            code_hash: code_hash.to_string(),
            expires_at,
            issued_at: None,
            label: None,
        }])
        .await
    }
    /// Keeps a batch of codes, all or none.
    async fn add_enrolment_codes(&self, codes: &[NewEnrolmentCode]) -> StorageResult<()>;
    /// Every code, oldest first.
    async fn enrolment_codes(&self) -> StorageResult<Vec<EnrolmentCodeRecord>>;
    /// Sets the label of the one code with this id; false if no code (or more than one) has it.
    async fn label_enrolment_code(&self, id: &str, label: &str) -> StorageResult<bool>;
    /// Withdraws the one unused code with this id: it enrols nothing from now on.
    async fn withdraw_enrolment_code(&self, id: &str, now: i64) -> StorageResult<Withdrawal>;
    /// Redeems a code for a new device, atomically: a code enrols at most one device, and a
    /// withdrawn one none. The device takes the code's label.
    async fn redeem_enrolment_code(
        &self,
        code_hash: &str,
        device: &NewDevice,
        now: i64,
    ) -> StorageResult<Redeemed>;
    /// The device whose token has this hash, noting that it was seen now, running
    /// `app_version` when it said.
    async fn device_by_token(
        &self,
        token_hash: &str,
        now: i64,
        app_version: Option<&str>,
    ) -> StorageResult<Option<DeviceRecord>>;
    /// Every enrolled device.
    async fn devices(&self) -> StorageResult<Vec<DeviceRecord>>;
    /// Revokes a device; false if there is no such device.
    async fn revoke_device(&self, device_id: &str, now: i64) -> StorageResult<bool>;
    /// Orders a device to carry out a command at its next sync; `None` if no such device. A
    /// wipe also revokes the device, in the same transaction: it can then fetch and acknowledge
    /// the wipe and nothing else.
    async fn order_command(
        &self,
        device_id: &str,
        kind: CommandKind,
        now: i64,
    ) -> StorageResult<Option<i64>>;
    /// Keeps force IT's signature of a command (see `firstline_trust::sign_command`).
    async fn sign_command(&self, command_id: i64, signature: &[u8]) -> StorageResult<()>;
    /// Commands a device has not carried out yet, oldest first (with their signatures, empty
    /// while unsigned).
    async fn pending_commands(&self, device_id: &str) -> StorageResult<Vec<DeviceCommand>>;
    /// Notes that a device carried a command out; false if it is not that device's.
    async fn command_done(&self, device_id: &str, command_id: i64, now: i64)
        -> StorageResult<bool>;
    /// When each of a device's commands was carried out (`None`: not yet).
    async fn commands_of(
        &self,
        device_id: &str,
    ) -> StorageResult<Vec<(DeviceCommand, Option<i64>)>>;
    /// Records where a device's audit chain stands, and the flag it now carries if its chain
    /// ever went shorter or a head changed for a length already seen (the report's own length,
    /// or the `previous` point it restates); keeps nothing if the chain grew without restating
    /// the longest length held.
    async fn record_audit_head(
        &self,
        device_id: &str,
        report: &AuditReport,
        now: i64,
    ) -> StorageResult<AuditRecorded>;
    /// The longest audit chain point a device reported (length and head), if it ever did.
    async fn longest_audit_head(&self, device_id: &str) -> StorageResult<Option<(i64, String)>>;
    /// A device's longest reported audit chain and its flag, if it ever reported.
    async fn audit_of(&self, device_id: &str) -> StorageResult<Option<(i64, Option<String>)>>;
    /// Bytes of envelopes a device has stored.
    async fn device_bytes(&self, device_id: &str) -> StorageResult<i64>;
    /// Stores a submission exactly once (by id and content hash).
    async fn store_submission(&self, submission: &NewSubmission) -> StorageResult<Stored>;
    /// A device's receipt for a submission.
    async fn receipt(
        &self,
        device_id: &str,
        submission_id: &str,
    ) -> StorageResult<Option<StoredReceipt>>;
    /// Stored submissions after an export cursor, oldest first.
    async fn submissions_after(&self, seq: i64, limit: i64)
        -> StorageResult<Vec<StoredSubmission>>;
    /// Publishes a signed form pack as the current one.
    async fn set_current_pack(
        &self,
        etag: &str,
        signed_bytes: &[u8],
        now: i64,
    ) -> StorageResult<()>;
    /// The current signed form pack and its ETag.
    async fn current_pack(&self) -> StorageResult<Option<(String, Vec<u8>)>>;
    /// Adds or changes a support service.
    async fn put_service(&self, entry: &DirectoryEntry) -> StorageResult<()>;
    /// Removes a support service (a tombstone); false if there was none.
    async fn remove_service(&self, id: &str) -> StorageResult<bool>;
    /// Directory changes after a cursor. Cursors are assigned in commit order.
    async fn directory_after(&self, cursor: i64, limit: i64) -> StorageResult<DirectoryPage>;
    /// Sets the device policy.
    async fn set_policy(&self, policy: &Policy) -> StorageResult<()>;
    /// The device policy, if set.
    async fn policy(&self) -> StorageResult<Option<Policy>>;
    /// Counts for metrics.
    async fn counts(&self) -> StorageResult<Counts>;
}

/// Opens the storage a `--database` value names: a `postgres://` or `postgresql://` URL, or
/// else a SQLite file path (created if missing). Brings the schema up to date.
pub async fn open(database: &str) -> StorageResult<std::sync::Arc<dyn Storage>> {
    open_with(database, None, Migrate::Apply).await
}

/// [`open`] with the PostgreSQL password kept apart from the URL (ignored for SQLite), and a
/// choice of whether to bring the schema up to date.
pub async fn open_with(
    database: &str,
    password: Option<&str>,
    migrate: Migrate,
) -> StorageResult<std::sync::Arc<dyn Storage>> {
    if is_postgres(database) {
        Ok(std::sync::Arc::new(
            PostgresStorage::connect_with(database, password, migrate).await?,
        ))
    } else {
        Ok(std::sync::Arc::new(SqliteStorage::open_with(
            std::path::Path::new(database),
            migrate,
        )?))
    }
}

/// Whether a `--database` value names PostgreSQL (else it is a SQLite path).
pub fn is_postgres(database: &str) -> bool {
    database.starts_with("postgres://") || database.starts_with("postgresql://")
}

/// A database for a person to read: a SQLite path as it is; a PostgreSQL URL's host, port
/// and database only (no user, no query).
pub fn describe(database: &str) -> String {
    if !is_postgres(database) {
        return format!("SQLite {database}");
    }
    let rest = database.split_once("://").map_or("", |(_, rest)| rest);
    let without_query = rest.split('?').next().unwrap_or_default();
    let host_and_db = without_query
        .rsplit_once('@')
        .map_or(without_query, |(_, after)| after);
    format!("PostgreSQL {host_and_db}")
}

/// The force's key set as `firstline-admin init-force` stored it, read back (`None` before the
/// force is set up). Not verified here: the gateway checks it at start, the admin CLI before
/// it builds on it.
pub async fn stored_key_set(storage: &dyn Storage) -> Result<Option<SignedKeySet>, String> {
    let Some(json) = storage
        .key_set()
        .await
        .map_err(|error| format!("cannot read the force's key set: {error}"))?
    else {
        return Ok(None);
    };
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|error| format!("the stored key set cannot be read: {error}"))
}

/// What the database says of a stored submission; the API signs it into a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReceipt {
    /// The submission.
    pub submission_id: String,
    /// The content hash stored.
    pub content_hash: String,
    /// When first stored.
    pub received_at: i64,
    /// Stored now or already had.
    pub status: firstline_protocol::ReceiptStatus,
}

pub(crate) fn receipt(
    submission_id: &str,
    content_hash: &str,
    received_at: i64,
    new: bool,
) -> StoredReceipt {
    StoredReceipt {
        submission_id: submission_id.to_string(),
        content_hash: content_hash.to_string(),
        received_at,
        status: if new {
            firstline_protocol::ReceiptStatus::Stored
        } else {
            firstline_protocol::ReceiptStatus::AlreadyHad
        },
    }
}

pub(crate) fn command_kind(text: &str) -> StorageResult<CommandKind> {
    match text {
        "wipe" => Ok(CommandKind::Wipe),
        other => Err(StorageError(format!(
            "unknown device command {other:?} in the database"
        ))),
    }
}

pub(crate) fn command_name(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::Wipe => "wipe",
    }
}

/// Builds a directory page from `limit + 1` rows of (id, entry JSON or NULL, change_seq).
pub(crate) fn directory_page(
    rows: Vec<(String, Option<String>, i64)>,
    cursor: i64,
    limit: i64,
) -> StorageResult<DirectoryPage> {
    let more = rows.len() as i64 > limit;
    let mut page = DirectoryPage {
        entries: Vec::new(),
        tombstones: Vec::new(),
        cursor,
        more,
    };
    for (id, entry, change_seq) in rows.into_iter().take(limit.max(0) as usize) {
        match entry {
            Some(json) => page.entries.push(
                serde_json::from_str(&json).map_err(|error| StorageError(error.to_string()))?,
            ),
            None => page.tombstones.push(id),
        }
        page.cursor = change_seq;
    }
    Ok(page)
}

/// A device's report of its audit chain: its length and head now, and its head now at the
/// longest length the gateway held before (hex heads, lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// Entries in the chain.
    pub length: i64,
    /// The last entry's hash.
    pub head: String,
    /// The chain's head now at an earlier length.
    pub previous: Option<(i64, String)>,
}

impl AuditReport {
    /// The two lengths whose held heads the verdict compares (the same twice without
    /// `previous`), for one `IN (…)` lookup.
    pub(crate) fn restated_lengths(&self) -> [i64; 2] {
        [
            self.length,
            self.previous
                .as_ref()
                .map_or(self.length, |(length, _)| *length),
        ]
    }
}

/// What came of a device's audit report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditRecorded {
    /// Kept; the flag the device now carries, if any.
    Noted {
        /// Why the device is flagged.
        flag: Option<String>,
    },
    /// Not kept: the chain grew past the longest length held, and the report does not restate
    /// its head at exactly that length, so a rewrite could not be seen. The device asks again.
    RestateFirst {
        /// The longest length held.
        longest: i64,
    },
}

/// What the heads held before say of a new report.
pub(crate) enum AuditVerdict {
    Fine,
    Flag(String),
    RestateFirst { longest: i64 },
}

/// Judges a report against the longest length held and `held`, the head first reported for
/// each of [`AuditReport::restated_lengths`] the gateway holds.
pub(crate) fn audit_verdict(
    longest_before: Option<i64>,
    report: &AuditReport,
    held: &[(i64, String)],
) -> AuditVerdict {
    let length = report.length;
    match longest_before {
        Some(longest) if longest > length => {
            return AuditVerdict::Flag(format!(
                "audit chain got shorter: {longest} entries reported before, {length} now"
            ))
        }
        Some(longest)
            if longest < length && report.previous.as_ref().map(|(at, _)| *at) != Some(longest) =>
        {
            return AuditVerdict::RestateFirst { longest }
        }
        _ => {}
    }
    let restated = std::iter::once((length, report.head.as_str())).chain(
        report
            .previous
            .as_ref()
            .map(|(length, head)| (*length, head.as_str())),
    );
    for (length, head) in restated {
        let before = held
            .iter()
            .find(|(at, _)| *at == length)
            .map(|(_, head)| head.as_str());
        if before.is_some_and(|before| before != head) {
            return AuditVerdict::Flag(format!(
                "audit chain head at length {length} changed since it was first reported"
            ));
        }
    }
    AuditVerdict::Fine
}
