//! The audit chain: append-only, each entry hashed with the one before, metadata only (who,
//! what, which record, when) — never an answer.
//!
//! Entries written since vault migration 0011 are **keyed**: an HMAC-SHA256 under a key derived
//! from the device secret, so only this device could have written them (entries from before
//! stay plain SHA-256; a chain cannot be rewritten). The sync client reports the chain's length
//! and head to the force at every sync; the gateway flags a device whose chain got shorter or
//! whose head for a length it already saw changed.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::crypto::hmac_sha256;
use crate::device_secret::DeviceSecret;
use crate::error::VaultError;

/// The key keyed entries are MACed under, from the device secret.
pub(crate) fn audit_key(secret: &DeviceSecret) -> zeroize::Zeroizing<Vec<u8>> {
    secret.derive(b"firstline audit chain key v1\0")
}

/// What a file check without the device secret could say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditSummary {
    /// Entries in the chain; every link (sequence, previous hash) holds.
    pub entries: usize,
    /// Of those, keyed entries whose MACs need the device secret to check.
    pub keyed_unchecked: usize,
}

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
    key: Option<&[u8]>,
    prev: &[u8],
    seq: i64,
    officer: &str,
    at: i64,
    event: &str,
    record: Option<&str>,
) -> Vec<u8> {
    let mut message = Vec::with_capacity(128);
    message.extend_from_slice(prev);
    message.extend_from_slice(&seq.to_be_bytes());
    for part in [officer, event, record.unwrap_or("")] {
        message.extend_from_slice(&(part.len() as u64).to_be_bytes());
        message.extend_from_slice(part.as_bytes());
    }
    message.extend_from_slice(&at.to_be_bytes());
    match key {
        Some(key) => hmac_sha256(key, &[&message]).to_vec(),
        None => Sha256::digest(&message).to_vec(),
    }
}

/// Appends a keyed entry; call inside the transaction that does what it records.
pub(crate) fn append(
    connection: &Connection,
    secret: &DeviceSecret,
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
    let hash = entry_hash(
        Some(&audit_key(secret)),
        &prev,
        seq,
        officer,
        at,
        event,
        record,
    );
    connection
        .prepare_cached(
            "INSERT INTO audit (seq, officer_id, at, event, record_id, prev_hash, hash, keyed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)",
        )?
        .execute(params![seq, officer, at, event, record, prev, hash])?;
    Ok(())
}

/// The chain's length and its last entry's hash (hex; 64 zeros when empty), as the sync client
/// reports them to the force.
pub(crate) fn head(connection: &Connection) -> Result<(u64, String), VaultError> {
    let last: Option<(i64, Vec<u8>)> = connection
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    Ok(match last {
        Some((seq, hash)) => (
            seq.max(0) as u64,
            hash.iter().map(|byte| format!("{byte:02x}")).collect(),
        ),
        None => (0, "0".repeat(64)),
    })
}

/// The hash of entry `length` (hex; zeros for 0), or `None` when the chain is shorter.
pub(crate) fn head_at(connection: &Connection, length: u64) -> Result<Option<String>, VaultError> {
    if length == 0 {
        return Ok(Some("0".repeat(64)));
    }
    let Ok(seq) = i64::try_from(length) else {
        return Ok(None);
    };
    let hash: Option<Vec<u8>> = connection
        .query_row("SELECT hash FROM audit WHERE seq = ?1", [seq], |row| {
            row.get(0)
        })
        .optional()?;
    Ok(hash.map(|hash| hash.iter().map(|byte| format!("{byte:02x}")).collect()))
}

/// Verifies the audit chain of the vault file at `path`, opened read-only: no keys, no PIN, and
/// nothing in the file is changed. Every link holds and every plain entry's hash; keyed
/// entries' MACs need the device secret (the app's diagnostics check them).
pub fn verify_vault_file(path: &std::path::Path) -> Result<AuditSummary, VaultError> {
    let connection = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let (entries, keyed_unchecked) = verify(&connection, None)?;
    Ok(AuditSummary {
        entries: entries.len(),
        keyed_unchecked,
    })
}

/// Verifies the whole chain with the device's key; returns every entry, or the first that does
/// not verify.
pub(crate) fn verify_audit_chain(
    connection: &Connection,
    secret: &DeviceSecret,
) -> Result<Vec<AuditEntry>, VaultError> {
    Ok(verify(connection, Some(&audit_key(secret)))?.0)
}

/// Walks the chain: each entry's sequence and link, and its hash (plain entries) or MAC (keyed
/// ones, when `key` is given). Returns the entries and how many keyed MACs went unchecked.
fn verify(
    connection: &Connection,
    key: Option<&[u8]>,
) -> Result<(Vec<AuditEntry>, usize), VaultError> {
    let mut statement = connection.prepare(
        "SELECT seq, officer_id, at, event, record_id, prev_hash, hash, keyed FROM audit ORDER BY seq",
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
            row.get::<_, bool>(7)?,
        ))
    })?;
    // From this entry on every entry must be keyed (the vault's integrity MAC covers it, so
    // re-hashing keyed entries as plain ones is caught even without the device secret).
    let keyed_from: Option<i64> = connection
        .query_row(
            "SELECT audit_keyed_from FROM vault_state WHERE singleton = 1",
            [],
            |row| row.get(0),
        )
        .optional()
        .unwrap_or(None)
        .flatten();
    let mut expected_prev = vec![0u8; 32];
    let mut entries = Vec::new();
    let mut unchecked = 0;
    let mut keyed_seen = false;
    for row in rows {
        let (entry, prev, hash, keyed) = row?;
        let broken = || VaultError::AuditBroken { seq: entry.seq };
        // Once keyed, always keyed: a plain entry after a keyed one was not written by the app.
        let must_be_keyed = keyed_seen || keyed_from.is_some_and(|from| entry.seq >= from);
        if prev != expected_prev
            || entry.seq != entries.len() as i64 + 1
            || (must_be_keyed && !keyed)
        {
            return Err(broken());
        }
        keyed_seen |= keyed;
        let recompute = |key| {
            entry_hash(
                key,
                &prev,
                entry.seq,
                &entry.officer_id,
                entry.at,
                &entry.event,
                entry.record_id.as_deref(),
            )
        };
        match (keyed, key) {
            (false, _) if hash != recompute(None) => return Err(broken()),
            (true, Some(key)) if hash != recompute(Some(key)) => return Err(broken()),
            (true, None) => unchecked += 1,
            _ => {}
        }
        expected_prev = hash;
        entries.push(entry);
    }
    Ok((entries, unchecked))
}
