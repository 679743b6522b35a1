//! The force's key files, each the base64 of a 32-byte private key, written 0600 and never
//! overwritten:
//! - in the gateway's key folder (`--keys`): `records.key`, `pack-signing.key` and
//!   `receipt-signing.key` (the gateway's one key, which signs receipts and opens nothing);
//! - the force root key (`--root-key`), kept offline apart from the gateway: it signs the key
//!   set devices verify;
//! - force IT's commands key (`--commands-key`), kept with force IT apart from the gateway: it
//!   signs device commands (a wipe), so a gateway cannot order one on its own;
//! - the safeguarding key, made by the safeguarding unit on its own machine
//!   (`safeguarding-keygen`): init-force takes only its public half (`safeguarding.pub`).

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use firstline_seal::{RecordsKey, SafeguardingKey};
use zeroize::Zeroizing;

/// The key id the force's signed packs name.
pub const PACK_KEY_ID: &str = firstline_protocol::FORCE_PACK_KEY_ID;

pub const RECORDS: &str = "records.key";
const PACK_SIGNING: &str = "pack-signing.key";
/// The gateway's receipt key, in the key folder (`firstline-gateway --receipt-key`).
pub const RECEIPT_SIGNING: &str = "receipt-signing.key";

/// The force's keys in the gateway's key folder, as init-force and sign-pack need them.
pub struct ForceKeys {
    pub records_public: Vec<u8>,
    pack_signing: SigningKey,
    receipt_signing: SigningKey,
}

impl ForceKeys {
    /// Loads the keys from `dir`, making those that are missing: the records and pack-signing
    /// keys together or not at all (one without the other is refused), the receipt key on its
    /// own (folders made before receipts were signed get one).
    pub fn load_or_create(dir: &Path) -> Result<ForceKeys, String> {
        let present = [RECORDS, PACK_SIGNING].map(|name| dir.join(name).exists());
        match present {
            [false, false] => {
                std::fs::create_dir_all(dir)
                    .map_err(|error| format!("{}: {error}", dir.display()))?;
                let (records, _) = RecordsKey::generate();
                write_secret(&dir.join(RECORDS), &records)?;
                write_secret(&dir.join(PACK_SIGNING), random_seed().as_ref())?;
            }
            [true, true] => {}
            _ => {
                return Err(format!(
                    "{} holds some of the force's keys but not all ({RECORDS}, {PACK_SIGNING}); refusing to make new ones beside them",
                    dir.display()
                ))
            }
        }
        if !dir.join(RECEIPT_SIGNING).exists() {
            write_secret(&dir.join(RECEIPT_SIGNING), random_seed().as_ref())?;
        }
        ForceKeys::load(dir)
    }

    /// Loads the keys from `dir`.
    pub fn load(dir: &Path) -> Result<ForceKeys, String> {
        let records = records_key(&dir.join(RECORDS))?;
        Ok(ForceKeys {
            records_public: records.public_bytes(),
            pack_signing: firstline_trust::read_signing_key(&dir.join(PACK_SIGNING))?,
            receipt_signing: firstline_trust::read_signing_key(&dir.join(RECEIPT_SIGNING))?,
        })
    }

    pub fn pack_signing(&self) -> &SigningKey {
        &self.pack_signing
    }

    pub fn pack_signing_public(&self) -> Vec<u8> {
        self.pack_signing.verifying_key().to_bytes().to_vec()
    }

    pub fn receipt_signing_public(&self) -> Vec<u8> {
        self.receipt_signing.verifying_key().to_bytes().to_vec()
    }
}

/// A key kept apart from the gateway (the force root key; force IT's commands key) at `path`,
/// made (0600) if missing. Refused inside the gateway's key folder.
pub fn apart_key_load_or_create(path: &Path, gateway_keys: &Path) -> Result<SigningKey, String> {
    let folder = |path: &Path| {
        path.parent()
            .map(|parent| std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf()))
    };
    let gateway_folder =
        std::fs::canonicalize(gateway_keys).unwrap_or_else(|_| gateway_keys.into());
    if folder(path).is_some_and(|parent| parent.starts_with(&gateway_folder)) {
        return Err(format!(
            "{}: keep this key apart from the gateway's keys ({}): the root offline, the commands key with force IT",
            path.display(),
            gateway_keys.display()
        ));
    }
    if !path.exists() {
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|error| format!("{}: {error}", parent.display()))?;
        }
        write_secret(path, random_seed().as_ref())?;
    }
    firstline_trust::read_signing_key(path)
}

/// Makes the safeguarding unit's key pair in `dir`: `safeguarding.key` (0600, stays with the
/// unit) and `safeguarding.pub` (the public half, for init-force). Never overwrites.
pub fn safeguarding_keygen(dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let (private, public) = (dir.join("safeguarding.key"), dir.join("safeguarding.pub"));
    if private.exists() || public.exists() {
        return Err(format!(
            "{} already holds a safeguarding key; refusing to replace it (envelopes sealed to it could no longer be opened)",
            dir.display()
        ));
    }
    let (secret, public_bytes) = SafeguardingKey::generate();
    write_secret(&private, &secret)?;
    std::fs::write(&public, STANDARD.encode(public_bytes))
        .map_err(|error| format!("{}: {error}", public.display()))?;
    Ok((private, public))
}

/// The safeguarding public key from `safeguarding.pub`.
pub fn safeguarding_public(path: &Path) -> Result<Vec<u8>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let bytes = STANDARD.decode(text.trim()).map_err(|_| {
        format!(
            "{}: not a public key file (base64 expected)",
            path.display()
        )
    })?;
    if bytes.len() != 32 {
        return Err(format!("{}: not a 32-byte public key", path.display()));
    }
    Ok(bytes)
}

/// The records private key from its file.
pub fn records_key(path: &Path) -> Result<RecordsKey, String> {
    RecordsKey::from_bytes(&firstline_trust::read_key_file(path)?)
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// The safeguarding private key from its file.
pub fn safeguarding_key(path: &Path) -> Result<SafeguardingKey, String> {
    SafeguardingKey::from_bytes(&firstline_trust::read_key_file(path)?)
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// The private keys of one purpose given to `open`, current and retired (after rotate-keys),
/// each found by the key id an envelope names.
pub struct KeyRing<K> {
    keys: Vec<(String, K)>,
}

impl<K> KeyRing<K> {
    /// Reads each file with `read`; two files holding the same key are one.
    pub fn load(
        paths: &[PathBuf],
        read: fn(&Path) -> Result<K, String>,
        public: fn(&K) -> Vec<u8>,
    ) -> Result<KeyRing<K>, String> {
        let mut keys: Vec<(String, K)> = Vec::new();
        for path in paths {
            let key = read(path)?;
            let key_id = firstline_protocol::key_id(&public(&key));
            if !keys.iter().any(|(known, _)| *known == key_id) {
                keys.push((key_id, key));
            }
        }
        Ok(KeyRing { keys })
    }

    /// Whether no key was given.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key with `key_id`; an envelope from before key ids (format 1, `None`) takes the
    /// first key given.
    pub fn for_id(&self, key_id: Option<&str>) -> Option<&K> {
        match key_id {
            Some(wanted) => self
                .keys
                .iter()
                .find(|(key_id, _)| key_id == wanted)
                .map(|(_, key)| key),
            None => self.keys.first().map(|(_, key)| key),
        }
    }
}

/// The force's pack-signing public key as the form crate trusts it.
pub fn trusted_pack_key(public: &[u8]) -> Result<firstline_form::TrustedKey, String> {
    firstline_form::TrustedKey::from_base64(PACK_KEY_ID, &STANDARD.encode(public))
}

fn random_seed() -> Zeroizing<[u8; 32]> {
    let mut seed = Zeroizing::new([0u8; 32]);
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, seed.as_mut());
    seed
}

pub(crate) fn write_secret(path: &Path, secret: &[u8]) -> Result<(), String> {
    let text = Zeroizing::new(STANDARD.encode(secret));
    write_private(path, text.as_bytes())
}

/// Writes `bytes` to a new file at `path` (refusing one that exists) that only its owner can
/// read, and syncs it: for keys, and for the enrolment codes of a fleet batch.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// A key kept apart from the gateway, which must exist (for `wipe`).
pub fn apart_key(path: &Path) -> Result<SigningKey, String> {
    firstline_trust::read_signing_key(path)
}
