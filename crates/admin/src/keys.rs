//! The force's key files: `records.key`, `safeguarding.key` and `pack-signing.key`, each the
//! base64 of a 32-byte private key, written 0600 and never overwritten.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use firstline_seal::{RecordsKey, SafeguardingKey};
use zeroize::Zeroizing;

/// The key id the force's signed packs name.
pub const PACK_KEY_ID: &str = firstline_protocol::FORCE_PACK_KEY_ID;

const FILES: [&str; 3] = ["records.key", "safeguarding.key", "pack-signing.key"];

/// The force's keys as init-force and sign-pack need them.
pub struct ForceKeys {
    pub records_public: Vec<u8>,
    pub safeguarding_public: Vec<u8>,
    pack_signing: SigningKey,
}

impl ForceKeys {
    /// Loads the three keys from `dir`, or makes all three if none exists there.
    pub fn load_or_create(dir: &Path) -> Result<ForceKeys, String> {
        let present: Vec<PathBuf> = FILES
            .iter()
            .map(|name| dir.join(name))
            .filter(|path| path.exists())
            .collect();
        if present.is_empty() {
            std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
            let (records, _) = RecordsKey::generate();
            let (safeguarding, _) = SafeguardingKey::generate();
            let mut seed = Zeroizing::new([0u8; 32]);
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, seed.as_mut());
            write_secret(&dir.join(FILES[0]), &records)?;
            write_secret(&dir.join(FILES[1]), &safeguarding)?;
            write_secret(&dir.join(FILES[2]), seed.as_ref())?;
        } else if present.len() < FILES.len() {
            return Err(format!(
                "{} holds some of the force's keys but not all ({}); refusing to make new ones beside them",
                dir.display(),
                FILES.join(", ")
            ));
        }
        ForceKeys::load(dir)
    }

    /// Loads the three keys from `dir`.
    pub fn load(dir: &Path) -> Result<ForceKeys, String> {
        let records = records_key(&dir.join(FILES[0]))?;
        let safeguarding = safeguarding_key(&dir.join(FILES[1]))?;
        let seed = read_secret(&dir.join(FILES[2]))?;
        let seed: [u8; 32] = seed
            .as_slice()
            .try_into()
            .map_err(|_| format!("{}: not a 32-byte key", dir.join(FILES[2]).display()))?;
        Ok(ForceKeys {
            records_public: records.public_bytes(),
            safeguarding_public: safeguarding.public_bytes(),
            pack_signing: SigningKey::from_bytes(&seed),
        })
    }

    pub fn pack_signing(&self) -> &SigningKey {
        &self.pack_signing
    }

    pub fn pack_signing_public(&self) -> Vec<u8> {
        self.pack_signing.verifying_key().to_bytes().to_vec()
    }
}

/// The records private key from its file.
pub fn records_key(path: &Path) -> Result<RecordsKey, String> {
    RecordsKey::from_bytes(&read_secret(path)?)
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// The safeguarding private key from its file.
pub fn safeguarding_key(path: &Path) -> Result<SafeguardingKey, String> {
    SafeguardingKey::from_bytes(&read_secret(path)?)
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// The force's pack-signing public key as the form crate trusts it.
pub fn trusted_pack_key(public: &[u8]) -> Result<firstline_form::TrustedKey, String> {
    firstline_form::TrustedKey::from_base64(PACK_KEY_ID, &STANDARD.encode(public))
}

fn read_secret(path: &Path) -> Result<Zeroizing<Vec<u8>>, String> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?,
    );
    STANDARD
        .decode(text.trim())
        .map(Zeroizing::new)
        .map_err(|_| format!("{}: not a key file (base64 expected)", path.display()))
}

fn write_secret(path: &Path, secret: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    let text = Zeroizing::new(STANDARD.encode(secret));
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|error| format!("{}: {error}", path.display()))
}
