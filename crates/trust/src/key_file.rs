//! The force's private key files as `firstline-admin` writes them: the 32-byte Ed25519 seed in
//! standard base64, one line, mode 0600. Read by the admin CLI (root, pack-signing, receipt and
//! commands keys) and by the gateway (its receipt key).

use std::path::Path;

use ed25519_dalek::SigningKey;
use zeroize::Zeroizing;

/// Reads a key file's seed, wiped from memory when dropped.
pub fn read_key_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, String> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?,
    );
    data_encoding::BASE64
        .decode(text.trim().as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| format!("{}: not a key file (base64 expected)", path.display()))
}

/// Reads an Ed25519 signing key file.
pub fn read_signing_key(path: &Path) -> Result<SigningKey, String> {
    let seed = read_key_file(path)?;
    let seed: [u8; 32] = seed
        .as_slice()
        .try_into()
        .map_err(|_| format!("{}: not a 32-byte key", path.display()))?;
    Ok(SigningKey::from_bytes(&seed))
}
