//! The vault's cryptography: Argon2id key derivation keyed with the device secret, AES-256-GCM
//! sealing with a fresh random nonce and associated data, zeroized key material.

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::VaultError;

const NONCE_LEN: usize = 12;

/// A 256-bit key, wiped from memory when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Key([u8; 32]);

impl Key {
    pub(crate) fn random() -> Result<Key, VaultError> {
        let mut bytes = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|_| VaultError::Random)?;
        Ok(Key(bytes))
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Key> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(Key(array))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new((&self.0).into())
    }

    /// `nonce || ciphertext+tag`, bound to `aad`.
    pub(crate) fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, VaultError> {
        let nonce = random_bytes::<NONCE_LEN>()?;
        let mut sealed = nonce.to_vec();
        let ciphertext = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| VaultError::Random)?;
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Opens what `seal` made with the same `aad`; `None` if anything was changed or moved.
    pub(crate) fn open(&self, sealed: &[u8], aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .ok()
            .map(Zeroizing::new)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Argon2id cost: memory in KiB and passes (one lane, as tablets have few cores to spare).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory, KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
}

impl KdfParams {
    /// What the app uses: 64 MiB, 3 passes (OWASP's Argon2id floor is 19 MiB, 2 passes; the
    /// PIN is short, so the device secret and the lockout carry most of the defence and the cost
    /// is set as high as an unlock on a mid-range tablet tolerates).
    pub const APP: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
    };

    /// Cheap parameters for tests only.
    pub const FOR_TESTS: KdfParams = KdfParams {
        memory_kib: 256,
        iterations: 1,
    };
}

/// The key-encryption key: Argon2id(PIN, salt), keyed with the device secret.
pub(crate) fn derive_kek(
    pin: &str,
    salt: &[u8],
    device_secret: &[u8],
    params: KdfParams,
) -> Result<Key, VaultError> {
    let argon_params = argon2::Params::new(params.memory_kib, params.iterations, 1, Some(32))
        .map_err(|error| VaultError::DeviceSecret(format!("key derivation parameters: {error}")))?;
    let argon = argon2::Argon2::new_with_secret(
        device_secret,
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    )
    .map_err(|error| VaultError::DeviceSecret(format!("device secret: {error}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pin.as_bytes(), salt, out.as_mut())
        .map_err(|error| VaultError::DeviceSecret(format!("key derivation: {error}")))?;
    Ok(Key(*out))
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = match <Hmac<sha2::Sha256> as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], VaultError> {
    let mut bytes = [0u8; N];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|_| VaultError::Random)?;
    Ok(bytes)
}
