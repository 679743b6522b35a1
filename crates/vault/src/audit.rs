//! The audit chain: append-only, each entry hashed with the one before, metadata only (who,
//! what, which record, when) — never an answer.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::VaultError;

/// One entry, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain.
    pub seq: i64,
    /// The officer who acted.
    pub officer_id: String,
    /// When, seconds since the Unix epoch.
    pub at: i64,
    /// What kind of event (for example `answer_saved`).
    pub event: String,
    /// Which record, if any.
    pub record_id: Option<String>,
}

fn entry_hash(
    prev: &[u8],
    seq: i64,
    officer: &str,
    at: i64,
    event: &str,
    record: Option<&str>,
) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(seq.to_be_bytes());
    for part in [officer, event, record.unwrap_or("")] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.update(at.to_be_bytes());
    hasher.finalize().to_vec()
}

/// Appends an entry; call inside the transaction that does what it records.
pub(crate) fn append(
    connection: &Connection,
    officer: &str,
    at: i64,
    event: &str,
    record: Option<&str>,
) -> Result<(), VaultError> {
    let last: Option<(i64, Vec<u8>)> = connection
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, vec![0u8; 32]),
    };
    let hash = entry_hash(&prev, seq, officer, at, event, record);
    connection
        .prepare_cached(
            "INSERT INTO audit (seq, officer_id, at, event, record_id, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![seq, officer, at, event, record, prev, hash])?;
    Ok(())
}

/// Verifies the audit chain of the vault file at `path`, opened read-only: no keys, no PIN, and
/// nothing in the file is changed. Returns the number of entries.
pub fn verify_vault_file(path: &std::path::Path) -> Result<usize, VaultError> {
    let connection = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    Ok(verify_audit_chain(&connection)?.len())
}

/// Verifies the whole chain; returns every entry, or the first that does not verify.
pub fn verify_audit_chain(connection: &Connection) -> Result<Vec<AuditEntry>, VaultError> {
    let mut statement = connection.prepare(
        "SELECT seq, officer_id, at, event, record_id, prev_hash, hash FROM audit ORDER BY seq",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            AuditEntry {
                seq: row.get(0)?,
                officer_id: row.get(1)?,
                at: row.get(2)?,
                event: row.get(3)?,
                record_id: row.get(4)?,
            },
            row.get::<_, Vec<u8>>(5)?,
            row.get::<_, Vec<u8>>(6)?,
        ))
    })?;
    let mut expected_prev = vec![0u8; 32];
    let mut entries = Vec::new();
    for row in rows {
        let (entry, prev, hash) = row?;
        let recomputed = entry_hash(
            &prev,
            entry.seq,
            &entry.officer_id,
            entry.at,
            &entry.event,
            entry.record_id.as_deref(),
        );
        if prev != expected_prev || hash != recomputed || entry.seq != entries.len() as i64 + 1 {
            return Err(VaultError::AuditBroken { seq: entry.seq });
        }
        expected_prev = hash;
        entries.push(entry);
    }
    Ok(entries)
}
