//! The device's enrolment with the force: its id, the gateway's address, the force's public
//! keys from its verified key set (with the root that signed it and its serial), and its
//! credentials (bearer token and Ed25519 signing key), which are stored
//! AES-256-GCM-sealed under a key derived from the device secret, not the officer's PIN, so the
//! outbox can sync while the app is locked.

use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use crate::crypto::Key;
use crate::device_secret::DeviceSecret;
use crate::error::VaultError;

const CREDENTIALS_AAD: &[u8] = b"firstline device credentials v1";

/// The force's keys from a key set the sync client verified (the vault stores, it does not
/// verify: `firstline-trust` does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForceKeys {
    /// The force's name.
    pub force_name: String,
    /// The force root's Ed25519 public key that signed the set.
    pub root_public_key: Vec<u8>,
    /// How the device came to trust that root.
    pub root_trusted_how: RootTrust,
    /// The set's serial.
    pub serial: u64,
    /// X25519 records public key.
    pub records_public_key: Vec<u8>,
    /// X25519 safeguarding public key.
    pub safeguarding_public_key: Vec<u8>,
    /// Ed25519 pack-signing public key.
    pub pack_signing_public_key: Vec<u8>,
    /// Ed25519 key the gateway signs receipts with.
    pub receipt_public_key: Vec<u8>,
    /// Ed25519 key force IT signs device commands (a wipe) with.
    pub commands_public_key: Vec<u8>,
    /// The TLS CA certificate (DER) the sync client pins, if the force names one.
    pub tls_ca: Option<Vec<u8>>,
}

/// How a device came to trust its force's root key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootTrust {
    /// Its fingerprint was in the enrolment code.
    EnrolmentCode,
    /// The device enrolled before key sets were signed and took the first signed set it pulled
    /// (diagnostics say so).
    FirstSignedSet,
}

impl RootTrust {
    fn name(self) -> &'static str {
        match self {
            RootTrust::EnrolmentCode => "enrolment_code",
            RootTrust::FirstSignedSet => "first_signed_set",
        }
    }

    fn from_name(name: &str) -> Option<RootTrust> {
        match name {
            "enrolment_code" => Some(RootTrust::EnrolmentCode),
            "first_signed_set" => Some(RootTrust::FirstSignedSet),
            _ => None,
        }
    }
}

/// What enrolment gave the device.
pub struct Enrolment {
    /// The device's id at the force.
    pub device_id: String,
    /// The gateway's base URL.
    pub gateway_url: String,
    /// The force's verified keys.
    pub keys: ForceKeys,
    /// The bearer token.
    pub token: Zeroizing<String>,
    /// The device's Ed25519 signing key (32 secret bytes).
    pub signing_key: Zeroizing<Vec<u8>>,
}

/// The device's enrolment as settings and diagnostics show it (nothing secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// The device's id at the force.
    pub device_id: String,
    /// The gateway's base URL.
    pub gateway_url: String,
    /// The force's name.
    pub force_name: String,
    /// When it enrolled.
    pub enrolled_at: i64,
    /// How it trusts the force's root key; `None` until it holds a signed key set (a device
    /// enrolled before key sets were signed, that has not pulled one yet).
    pub root_trusted_how: Option<RootTrust>,
    /// The serial of the key set it holds.
    pub key_set_serial: Option<u64>,
}

/// What the sync client trusts of the gateway, from the force's key set: the key its receipts
/// must verify under, and the CA its TLS certificate must chain to. Empty before the device
/// holds a signed key set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayTrust {
    /// The gateway's receipt key.
    pub receipt_public_key: Option<Vec<u8>>,
    /// Force IT's commands key.
    pub commands_public_key: Option<Vec<u8>>,
    /// The TLS CA certificate (DER).
    pub tls_ca: Option<Vec<u8>>,
}

/// What the sync client checks a new key set against: the root this device trusts and the
/// serial it holds (`None` root: a device enrolled before key sets were signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySetAnchor {
    /// The root public key, once held.
    pub root_public_key: Option<Vec<u8>>,
    /// The serial held (0 before any).
    pub serial: u64,
}

/// What signing and syncing need, unsealed.
pub(crate) struct Credentials {
    pub(crate) device_id: String,
    pub(crate) gateway_url: String,
    pub(crate) records_public_key: Vec<u8>,
    pub(crate) safeguarding_public_key: Vec<u8>,
    pub(crate) token: Zeroizing<String>,
    pub(crate) signing_key: Zeroizing<Vec<u8>>,
}

fn credentials_key(secret: &DeviceSecret) -> Result<Key, VaultError> {
    Key::from_slice(&secret.derive(b"firstline device credentials v1\0")).ok_or(VaultError::Random)
}

pub(crate) fn store(
    connection: &Connection,
    secret: &DeviceSecret,
    enrolment: &Enrolment,
    now: i64,
) -> Result<(), VaultError> {
    if enrolment.signing_key.len() != 32 {
        return Err(VaultError::DeviceSecret(
            "the device signing key must be 32 bytes".into(),
        ));
    }
    let mut plaintext = Zeroizing::new(enrolment.signing_key.to_vec());
    plaintext.extend_from_slice(enrolment.token.as_bytes());
    let sealed = credentials_key(secret)?.seal(&plaintext, CREDENTIALS_AAD)?;
    // Never replaces an enrolment: another force needs a wipe first.
    if let Some(enrolled) = info(connection)? {
        return Err(VaultError::AlreadyEnrolled {
            force_name: enrolled.force_name,
            waiting: crate::outbox::status(connection)?.not_received(),
        });
    }
    connection.execute(
        "INSERT INTO device (singleton, device_id, gateway_url, force_name, records_public_key,
             safeguarding_public_key, pack_signing_public_key, sealed_credentials, enrolled_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            enrolment.device_id,
            enrolment.gateway_url,
            enrolment.keys.force_name,
            enrolment.keys.records_public_key,
            enrolment.keys.safeguarding_public_key,
            enrolment.keys.pack_signing_public_key,
            sealed,
            now
        ],
    )?;
    apply_key_set(connection, &enrolment.keys)?;
    Ok(())
}

/// Stores a verified key set's keys as the device's current ones.
pub(crate) fn apply_key_set(connection: &Connection, keys: &ForceKeys) -> Result<(), VaultError> {
    connection.execute(
        "UPDATE device SET force_name = ?1, records_public_key = ?2, safeguarding_public_key = ?3,
             pack_signing_public_key = ?4, receipt_public_key = ?5, tls_ca = ?6,
             root_public_key = ?7, root_trusted_how = ?8, key_set_serial = ?9,
             commands_public_key = ?10",
        params![
            keys.force_name,
            keys.records_public_key,
            keys.safeguarding_public_key,
            keys.pack_signing_public_key,
            keys.receipt_public_key,
            keys.tls_ca,
            keys.root_public_key,
            keys.root_trusted_how.name(),
            keys.serial as i64,
            keys.commands_public_key,
        ],
    )?;
    Ok(())
}

/// The root and serial a new key set is checked against, once enrolled.
pub(crate) fn key_set_anchor(connection: &Connection) -> Result<Option<KeySetAnchor>, VaultError> {
    Ok(connection
        .query_row(
            "SELECT root_public_key, key_set_serial FROM device",
            [],
            |row| {
                Ok(KeySetAnchor {
                    root_public_key: row.get(0)?,
                    serial: row.get::<_, Option<i64>>(1)?.unwrap_or(0).max(0) as u64,
                })
            },
        )
        .optional()?)
}

/// The gateway's receipt key and the pinned TLS CA, once held.
pub(crate) fn gateway_trust(connection: &Connection) -> Result<GatewayTrust, VaultError> {
    Ok(connection
        .query_row(
            "SELECT receipt_public_key, tls_ca, commands_public_key FROM device",
            [],
            |row| {
                Ok(GatewayTrust {
                    receipt_public_key: row.get(0)?,
                    tls_ca: row.get(1)?,
                    commands_public_key: row.get(2)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

pub(crate) fn info(connection: &Connection) -> Result<Option<DeviceInfo>, VaultError> {
    Ok(connection
        .query_row(
            "SELECT device_id, gateway_url, force_name, enrolled_at, root_trusted_how, key_set_serial
             FROM device",
            [],
            |row| {
                Ok(DeviceInfo {
                    device_id: row.get(0)?,
                    gateway_url: row.get(1)?,
                    force_name: row.get(2)?,
                    enrolled_at: row.get(3)?,
                    root_trusted_how: row
                        .get::<_, Option<String>>(4)?
                        .as_deref()
                        .and_then(RootTrust::from_name),
                    key_set_serial: row.get::<_, Option<i64>>(5)?.map(|serial| serial.max(0) as u64),
                })
            },
        )
        .optional()?)
}

pub(crate) fn credentials(
    connection: &Connection,
    secret: &DeviceSecret,
) -> Result<Option<Credentials>, VaultError> {
    type Row = (String, String, Vec<u8>, Vec<u8>, Vec<u8>);
    let row: Option<Row> = connection
        .query_row(
            "SELECT device_id, gateway_url, records_public_key, safeguarding_public_key, sealed_credentials FROM device",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
        )
        .optional()?;
    let Some((device_id, gateway_url, records_public_key, safeguarding_public_key, sealed)) = row
    else {
        return Ok(None);
    };
    let plaintext = credentials_key(secret)?
        .open(&sealed, CREDENTIALS_AAD)
        .filter(|plaintext| plaintext.len() > 32)
        .ok_or_else(|| VaultError::Damaged {
            record: "device".into(),
            place: "enrolment credentials".into(),
        })?;
    let token = String::from_utf8(plaintext[32..].to_vec()).map_err(|_| VaultError::Damaged {
        record: "device".into(),
        place: "enrolment credentials".into(),
    })?;
    Ok(Some(Credentials {
        device_id,
        gateway_url,
        records_public_key,
        safeguarding_public_key,
        token: Zeroizing::new(token),
        signing_key: Zeroizing::new(plaintext[..32].to_vec()),
    }))
}

/// The force's pack-signing public key, once enrolled.
pub(crate) fn force_pack_key(connection: &Connection) -> Result<Option<Vec<u8>>, VaultError> {
    Ok(connection
        .query_row("SELECT pack_signing_public_key FROM device", [], |row| {
            row.get(0)
        })
        .optional()?)
}

/// The force's current pack: its content hash and signed bytes, once pulled.
pub(crate) fn force_pack(connection: &Connection) -> Result<Option<(String, Vec<u8>)>, VaultError> {
    Ok(connection
        .query_row(
            "SELECT p.pack_hash, p.signed_bytes FROM device d JOIN packs p ON p.pack_hash = d.force_pack_hash",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

/// Keeps a verified force pack and makes it the force's current one.
pub(crate) fn keep_force_pack(
    connection: &Connection,
    pack_hash: &str,
    signed_bytes: &[u8],
    now: i64,
) -> Result<(), VaultError> {
    connection.execute(
        "INSERT OR IGNORE INTO packs (pack_hash, signed_bytes, kept_at) VALUES (?1, ?2, ?3)",
        params![pack_hash, signed_bytes, now],
    )?;
    connection.execute("UPDATE device SET force_pack_hash = ?1", [pack_hash])?;
    Ok(())
}

/// Where the device is in the force's directory changes.
pub(crate) fn directory_cursor(connection: &Connection) -> Result<i64, VaultError> {
    Ok(connection
        .query_row("SELECT directory_cursor FROM device", [], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Applies one page of directory changes and moves the cursor, in one transaction.
pub(crate) fn apply_directory_page(
    connection: &Connection,
    page: &firstline_protocol::DirectoryPage,
) -> Result<(), VaultError> {
    for entry in &page.entries {
        connection.execute(
            "INSERT INTO directory (id, name, contact, description) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, contact = excluded.contact,
                 description = excluded.description",
            params![entry.id, entry.name, entry.contact, entry.description],
        )?;
    }
    for id in &page.tombstones {
        connection.execute("DELETE FROM directory WHERE id = ?1", [id])?;
    }
    connection.execute("UPDATE device SET directory_cursor = ?1", [page.cursor])?;
    Ok(())
}

/// The support services, by name.
pub(crate) fn directory(
    connection: &Connection,
) -> Result<Vec<firstline_protocol::DirectoryEntry>, VaultError> {
    let mut statement = connection
        .prepare("SELECT id, name, contact, description FROM directory ORDER BY name, id")?;
    let entries = statement
        .query_map([], |row| {
            Ok(firstline_protocol::DirectoryEntry {
                id: row.get(0)?,
                name: row.get(1)?,
                contact: row.get(2)?,
                description: row.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(entries)
}

/// Applies the parts of the force's policy the vault enforces; false if nothing changed.
pub(crate) fn apply_policy(
    connection: &Connection,
    policy: &firstline_protocol::Policy,
) -> Result<(), VaultError> {
    connection.execute(
        "UPDATE device SET destroy_copy_at_sealing = ?1, allow_file_secret = ?2,
             force_idle_lock_seconds = ?3, force_max_failed_pins = ?4",
        rusqlite::params![
            !policy.keep_readable_copy_until_receipt,
            policy.allow_file_secret,
            policy.idle_lock_seconds,
            policy.max_failed_pins,
        ],
    )?;
    Ok(())
}

/// The force's policy as last pulled into the device row, as far as it was kept: the limits
/// only once a pull since migration 0014 wrote them. `None` before enrolment.
pub(crate) fn force_policy(connection: &Connection) -> Result<Option<ForcePolicyKept>, VaultError> {
    Ok(connection
        .query_row(
            "SELECT destroy_copy_at_sealing, allow_file_secret, force_idle_lock_seconds,
                 force_max_failed_pins
             FROM device",
            [],
            |row| {
                Ok(ForcePolicyKept {
                    keep_readable_copy_until_receipt: !row.get::<_, bool>(0)?,
                    allow_file_secret: row.get(1)?,
                    idle_lock_seconds: row.get(2)?,
                    max_failed_pins: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// The force's policy as the device keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForcePolicyKept {
    /// Whether a finalised record stays readable until the receipt.
    pub keep_readable_copy_until_receipt: bool,
    /// Whether the device secret may live in a file.
    pub allow_file_secret: bool,
    /// The force's idle lock (kept since migration 0014).
    pub idle_lock_seconds: Option<u32>,
    /// The force's wrong-PIN limit (kept since migration 0014).
    pub max_failed_pins: Option<u32>,
}

/// Whether the device already applies `policy` (nothing to write).
pub(crate) fn policy_is(
    connection: &Connection,
    policy: &firstline_protocol::Policy,
) -> Result<bool, VaultError> {
    let enrolled: bool =
        connection.query_row("SELECT COUNT(*) > 0 FROM device", [], |row| row.get(0))?;
    // Not enrolled: nothing to write to. Enrolled: the same policy held already.
    Ok(!enrolled
        || force_policy(connection)?.is_some_and(|held| {
            held == ForcePolicyKept {
                keep_readable_copy_until_receipt: policy.keep_readable_copy_until_receipt,
                allow_file_secret: policy.allow_file_secret,
                idle_lock_seconds: Some(policy.idle_lock_seconds),
                max_failed_pins: Some(policy.max_failed_pins),
            }
        }))
}

/// Whether the force's policy destroys a finalised record's readable copy at sealing.
pub(crate) fn destroys_copy_at_sealing(connection: &Connection) -> Result<bool, VaultError> {
    Ok(connection
        .query_row("SELECT destroy_copy_at_sealing FROM device", [], |row| {
            row.get(0)
        })
        .optional()?
        .unwrap_or(false))
}

/// Destroys everything on the device (officers, assessments, the outbox, packs, the audit log,
/// the enrolment, the directory) in one transaction, notes when, and truncates the WAL so no
/// old page stays in it.
pub(crate) fn wipe_everything(
    connection: &mut Connection,
    secret: &DeviceSecret,
    now: i64,
) -> Result<(), VaultError> {
    crate::integrity::guarded(connection, secret, |transaction| {
        transaction.execute_batch(
            "DELETE FROM answers; DELETE FROM pending; DELETE FROM outbox; DELETE FROM assessments;
             DELETE FROM officers;
             DELETE FROM packs; DELETE FROM audit; DELETE FROM device; DELETE FROM directory;",
        )?;
        transaction.execute(
            "UPDATE sync_log SET wiped_at = ?1, last_error = NULL, last_error_kind = NULL, last_success_at = NULL",
            [now],
        )?;
        Ok(())
    })?;
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Whether the force's policy, as last pulled into the vault at `path`, lets the device secret
/// live in a file. Read before the vault can be opened (it decides where the secret comes
/// from), so without the secret: a missing file, or a vault from before the policy, allows it.
pub fn file_secret_allowed(path: &std::path::Path) -> Result<bool, VaultError> {
    if !path.exists() {
        return Ok(true);
    }
    let connection = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let allowed: Option<bool> = connection
        .query_row("SELECT allow_file_secret FROM device", [], |row| row.get(0))
        .optional()
        .or_else(|error| match error {
            // A vault from before the column: allowed.
            rusqlite::Error::SqliteFailure(_, Some(ref message))
                if message.contains("no such column") || message.contains("no such table") =>
            {
                Ok(None)
            }
            other => Err(other),
        })?;
    Ok(allowed.unwrap_or(true))
}
