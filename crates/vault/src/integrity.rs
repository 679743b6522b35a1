//! What proves the vault file is the one this device last wrote.
//!
//! Someone holding the tablet can copy, edit or restore the vault file: reset an officer's
//! wrong-PIN counter with one UPDATE (and guess on), put back a wrapped key the lockout destroyed,
//! or restore a copy from before a finalise and get destroyed migrant sections back. So:
//! - the vault keeps a **generation number** that goes up with every write that matters for
//!   that (an officer set up, a PIN tried right or wrong, a PIN changed, an assessment finalised,
//!   a receipt that destroys a readable copy, an assessment started or its compartment
//!   destroyed, an enrolment, a new key set, pack, policy or
//!   directory page from the force, a wipe), and a **MAC** under a key derived from the device
//!   secret over the generation, every officer's counter, lockout time and wrapped key, the
//!   enrolment (gateway address, credentials, the force's keys, root and serial, pinned CA,
//!   current pack, policy), the support-services directory, which of every assessment's keys
//!   still exist and the pack it was started on, and where the audit chain became keyed: an edited counter, key, address or phone number no longer matches its MAC. Every
//!   write that moves the generation checks the MAC first, so an edit is never sealed in;
//! - the generation is **mirrored outside the file**, MACed the same way: in the OS keyring
//!   beside the device secret, or (file mode, the weaker one) in a 0600 file beside the secret.
//!   A vault whose generation is lower than the mirror's is an older copy, and is refused.
//!
//! Answer saves do not move the generation (a keyring write per answer would be too slow):
//! restoring a copy from before some answers were saved loses those answers but reveals nothing.
//! In file mode, someone who copies and restores the vault, the secret and the mirror together
//! defeats the mirror; the keyring mode is the one that holds against a stolen tablet.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::hmac_sha256;
use crate::device_secret::DeviceSecret;
use crate::error::VaultError;

const STATE_CONTEXT: &[u8] = b"firstline vault state v1";
const MIRROR_CONTEXT: &[u8] = b"firstline vault generation mirror v1";

/// The key the state and the mirror are MACed under, from the device secret.
fn mac_key(secret: &DeviceSecret) -> Zeroizing<Vec<u8>> {
    secret.derive(b"firstline vault integrity key v1\0")
}

/// HMAC-SHA256 over `parts`, each preceded by its length.
fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let lengths: Vec<[u8; 8]> = parts
        .iter()
        .map(|part| (part.len() as u64).to_be_bytes())
        .collect();
    let prefixed: Vec<&[u8]> = lengths
        .iter()
        .zip(parts)
        .flat_map(|(length, part)| [&length[..], part])
        .collect();
    hmac_sha256(key, &prefixed).to_vec()
}

/// Feeds every row a query returns into `hasher`, each column length-prefixed.
fn hash_rows(connection: &Connection, query: &str, hasher: &mut Sha256) -> Result<(), VaultError> {
    let mut statement = connection.prepare(query)?;
    let columns = statement.column_count();
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        hasher.update(b"row");
        for column in 0..columns {
            let bytes: Vec<u8> = match row.get_ref(column)? {
                rusqlite::types::ValueRef::Null => b"\0null".to_vec(),
                rusqlite::types::ValueRef::Integer(value) => value.to_be_bytes().to_vec(),
                rusqlite::types::ValueRef::Real(value) => value.to_be_bytes().to_vec(),
                rusqlite::types::ValueRef::Text(text) => text.to_vec(),
                rusqlite::types::ValueRef::Blob(blob) => blob.to_vec(),
            };
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(&bytes);
        }
    }
    Ok(())
}

/// The MAC over `generation` and what it protects, as the connection (or transaction) sees it
/// now: officers' lockout state and wrapped keys, the enrolment and the force's keys, pack and
/// policy, the directory, and where the audit chain became keyed.
fn state_mac(
    connection: &Connection,
    secret: &DeviceSecret,
    generation: u64,
) -> Result<Vec<u8>, VaultError> {
    let mut protected = Sha256::new();
    for query in [
        "SELECT officer_id, failed_pins, next_try_at, wrapped_dek FROM officers ORDER BY officer_id",
        "SELECT device_id, gateway_url, force_name, records_public_key, safeguarding_public_key,
             pack_signing_public_key, sealed_credentials, enrolled_at, force_pack_hash,
             destroy_copy_at_sealing, root_public_key, key_set_serial, receipt_public_key, tls_ca,
             root_trusted_how, allow_file_secret, commands_public_key
         FROM device",
        "SELECT id, name, contact, description FROM directory ORDER BY id",
        // Which keys exist, not their bytes: a key put back after it was destroyed is caught,
        // while a damaged key stays that one record's damage (its AEAD tag says so).
        "SELECT assessment_id, officer_id, pack_hash, wrapped_record_key IS NOT NULL,
             wrapped_compartment_key IS NOT NULL, finalised_at
         FROM assessments ORDER BY assessment_id",
        "SELECT audit_keyed_from FROM vault_state",
    ] {
        protected.update(b"table");
        hash_rows(connection, query, &mut protected)?;
    }
    // The force's limits (migration 0014) add to the hash only once pulled, so a vault from
    // before them keeps its MAC; once there, removing them changes it like any other edit.
    hash_rows(
        connection,
        "SELECT force_idle_lock_seconds, force_max_failed_pins FROM device
         WHERE force_idle_lock_seconds IS NOT NULL OR force_max_failed_pins IS NOT NULL",
        &mut protected,
    )?;
    Ok(hmac(
        &mac_key(secret),
        &[
            STATE_CONTEXT,
            &generation.to_be_bytes(),
            &protected.finalize(),
        ],
    ))
}

/// Checks the state MAC as the connection sees it now (no mirror): refused if anything it
/// protects was changed outside Firstline.
pub(crate) fn verify_mac(connection: &Connection, secret: &DeviceSecret) -> Result<(), VaultError> {
    let (generation, mac): (i64, Option<Vec<u8>>) = connection.query_row(
        "SELECT generation, mac FROM vault_state WHERE singleton = 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    match mac {
        Some(mac) if state_mac(connection, secret, generation.max(0) as u64)? == mac => Ok(()),
        Some(_) => Err(VaultError::Tampered(
            "an officer's PIN counter, lockout or key, the enrolment or the force's keys, or the directory was changed outside Firstline".into(),
        )),
        None => Err(VaultError::Tampered(
            "the vault's integrity record was removed".into(),
        )),
    }
}

/// Moves the generation on by one and MACs the new state, inside the caller's transaction
/// (after its other writes, before its commit). The state before must verify: call
/// [`verify_mac`] before making the writes. Returns the new generation, which the caller
/// mirrors with [`publish`] once the transaction has committed.
pub(crate) fn advance(connection: &Connection, secret: &DeviceSecret) -> Result<u64, VaultError> {
    let generation: i64 = connection.query_row(
        "SELECT generation FROM vault_state WHERE singleton = 1",
        [],
        |row| row.get(0),
    )?;
    seal_at(connection, secret, generation.max(0) as u64 + 1)
}

fn seal_at(
    connection: &Connection,
    secret: &DeviceSecret,
    generation: u64,
) -> Result<u64, VaultError> {
    let mac = state_mac(connection, secret, generation)?;
    connection.execute(
        "UPDATE vault_state SET generation = ?1, mac = ?2 WHERE singleton = 1",
        params![generation as i64, mac],
    )?;
    Ok(generation)
}

/// Mirrors a committed generation outside the file (never moving the mirror back).
pub(crate) fn publish(secret: &DeviceSecret, generation: u64) -> Result<(), VaultError> {
    let _one_writer = MIRROR_WRITES.lock();
    if read_mirror(secret)?.is_some_and(|mirrored| mirrored >= generation) {
        return Ok(());
    }
    let mac = hmac(
        &mac_key(secret),
        &[MIRROR_CONTEXT, &generation.to_be_bytes()],
    );
    let mut value = generation.to_be_bytes().to_vec();
    value.extend_from_slice(&mac);
    secret.write_mirror(&value)
}

/// Two connections (the window's vault and the sync client's outbox) may publish at once.
static MIRROR_WRITES: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The mirrored generation, if one was written and its MAC holds.
fn read_mirror(secret: &DeviceSecret) -> Result<Option<u64>, VaultError> {
    let Some(value) = secret.read_mirror()? else {
        return Ok(None);
    };
    let (generation, mac) = value.split_at(8.min(value.len()));
    let generation: [u8; 8] = generation.try_into().map_err(|_| {
        VaultError::Tampered("the mirrored generation is not one Firstline wrote".into())
    })?;
    if hmac(&mac_key(secret), &[MIRROR_CONTEXT, &generation]) != mac {
        return Err(VaultError::Tampered(
            "the mirrored generation is not one Firstline wrote".into(),
        ));
    }
    Ok(Some(u64::from_be_bytes(generation)))
}

/// Checks the vault file before anyone unlocks it: its state MAC holds (no counter, lockout or
/// wrapped key edited), and its generation is not lower than the mirror's (not an older copy).
/// A vault from before this check (no MAC yet) and a mirror never written are sealed now; a
/// mirror behind the file (a crash between commit and mirror) is brought up to it.
pub(crate) fn check(connection: &Connection, secret: &DeviceSecret) -> Result<(), VaultError> {
    let (generation, mac): (i64, Option<Vec<u8>>) = connection
        .query_row(
            "SELECT generation, mac FROM vault_state WHERE singleton = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, None));
    let generation = generation.max(0) as u64;
    let mirrored = read_mirror(secret)?;
    match mac {
        Some(_) => verify_mac(connection, secret)?,
        None => {
            let has_officers: bool =
                connection.query_row("SELECT EXISTS (SELECT 1 FROM officers)", [], |row| {
                    row.get(0)
                })?;
            if has_officers && mirrored.is_some() {
                return Err(VaultError::Tampered(
                    "the vault's integrity record was removed".into(),
                ));
            }
            // A new vault, or the first open of one from before integrity records were kept:
            // seal what is there, ahead of any mirror an earlier vault left on this device.
            // Audit entries from here on are keyed (and must stay so).
            connection.execute(
                "UPDATE vault_state SET audit_keyed_from = (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit)
                 WHERE singleton = 1",
                [],
            )?;
            let generation = seal_at(connection, secret, mirrored.unwrap_or(0) + 1)?;
            return publish(secret, generation);
        }
    }
    match mirrored {
        Some(mirrored) if mirrored > generation => Err(VaultError::RolledBack {
            file: generation,
            device: mirrored,
        }),
        Some(mirrored) if mirrored == generation => Ok(()),
        _ => publish(secret, generation),
    }
}

/// Runs `work` in one IMMEDIATE transaction that first checks the vault's integrity MAC, then
/// moves the generation on and MACs the new state; mirrors the generation after the commit.
/// For every write to what the MAC protects (officers and their counters, the enrolment, the
/// force's keys, pack, policy and directory, which record keys exist).
pub(crate) fn guarded<T>(
    connection: &mut Connection,
    secret: &DeviceSecret,
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, VaultError>,
) -> Result<T, VaultError> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    verify_mac(&transaction, secret)?;
    let value = work(&transaction)?;
    let generation = advance(&transaction, secret)?;
    transaction.commit()?;
    publish(secret, generation)?;
    Ok(value)
}
