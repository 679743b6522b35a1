//! The device secret that, with the officer's PIN, derives the key-encryption key. It never
//! leaves the device: a PIN guessed off-device is useless without it.
//!
//! Stored in a 0600 file beside the vault. The OS keyring (Secret Service) is the stronger home
//! that DESIGN.md asks for; where it is used, diagnostics report the mode. This file owns only
//! the file mode; `DeviceSecretMode` tells the UI which one is in force.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use zeroize::Zeroizing;

use crate::crypto::random_bytes;
use crate::error::VaultError;

/// Where the device secret lives, for the diagnostics screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceSecretMode {
    /// A file readable only by this user: weaker than an OS keyring.
    File,
    /// Given by the caller (tests, or a keyring read elsewhere).
    Provided,
}

/// The device secret, wiped from memory when dropped.
pub struct DeviceSecret {
    bytes: Zeroizing<Vec<u8>>,
    mode: DeviceSecretMode,
}

impl DeviceSecret {
    /// A secret the caller already has (a fixed key in tests; never the OS keyring here).
    pub fn provided(bytes: &[u8]) -> DeviceSecret {
        DeviceSecret {
            bytes: Zeroizing::new(bytes.to_vec()),
            mode: DeviceSecretMode::Provided,
        }
    }

    /// Reads the secret from `path`, creating it (32 random bytes, mode 0600) if absent. A file
    /// readable by anyone else is refused.
    pub fn from_file(path: &Path) -> Result<DeviceSecret, VaultError> {
        let fail = |what: &str, error: std::io::Error| {
            VaultError::DeviceSecret(format!("{what} {}: {error}", path.display()))
        };
        match std::fs::metadata(path) {
            Ok(metadata) => {
                if metadata.permissions().mode() & 0o077 != 0 {
                    return Err(VaultError::DeviceSecret(format!(
                        "{} is readable by other users; it must be mode 0600",
                        path.display()
                    )));
                }
                let bytes =
                    Zeroizing::new(std::fs::read(path).map_err(|e| fail("cannot read", e))?);
                if bytes.len() != 32 {
                    return Err(VaultError::DeviceSecret(format!(
                        "{} is not a device secret",
                        path.display()
                    )));
                }
                Ok(DeviceSecret {
                    bytes,
                    mode: DeviceSecretMode::File,
                })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let secret = Zeroizing::new(random_bytes::<32>()?.to_vec());
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(|e| fail("cannot create", e))?;
                file.write_all(&secret)
                    .map_err(|e| fail("cannot write", e))?;
                file.sync_all().map_err(|e| fail("cannot sync", e))?;
                Ok(DeviceSecret {
                    bytes: secret,
                    mode: DeviceSecretMode::File,
                })
            }
            Err(error) => Err(fail("cannot read", error)),
        }
    }

    /// Where it lives.
    pub fn mode(&self) -> DeviceSecretMode {
        self.mode
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}
