//! The device secret that, with the officer's PIN, derives the key-encryption key. It never
//! leaves the device: a PIN guessed off-device is useless without it.
//!
//! Kept in the OS keyring (Secret Service on Linux, Credential Manager on Windows) where one
//! answers; otherwise, where the force's policy allows it (the default), in a 0600 file beside
//! the vault, which diagnostics report as the weaker mode: anyone who copies the vault and that
//! file can guess PINs offline. Once a device has chosen, it keeps that home: a marker file
//! records that the secret is in the keyring, so a keyring that stops answering is an error,
//! never a silent switch to a new secret (which would make every PIN look wrong and count
//! towards the wipe). A force that forbids the file moves a file secret into the keyring at the
//! next start, or refuses to open where no keyring answers.
//!
//! Beside the secret lives the vault's generation mirror (`crate::integrity`): in the keyring
//! for a keyring secret, in a 0600 file beside a file secret.

use std::io::Write;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::crypto::random_bytes;
use crate::error::VaultError;

/// Where the device secret lives, for the diagnostics screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceSecretMode {
    /// The OS keyring.
    Keyring,
    /// A file readable only by this user: weaker than an OS keyring.
    File,
    /// Given by the caller (tests).
    Provided,
}

/// The device secret, wiped from memory when dropped.
pub struct DeviceSecret {
    bytes: Zeroizing<Vec<u8>>,
    mode: DeviceSecretMode,
    mirror: MirrorHome,
}

/// Where the vault's generation is mirrored, beside the secret.
enum MirrorHome {
    /// A keyring entry.
    Keyring { service: String, account: String },
    /// A 0600 file.
    File(PathBuf),
    /// Memory only (a provided secret, in tests): it lasts as long as this value and the
    /// handles [`DeviceSecret::share`] made of it.
    Memory(std::sync::Arc<std::sync::Mutex<Option<Vec<u8>>>>),
}

impl DeviceSecret {
    /// A secret the caller already has (a fixed key in tests; never the OS keyring).
    pub fn provided(bytes: &[u8]) -> DeviceSecret {
        DeviceSecret {
            bytes: Zeroizing::new(bytes.to_vec()),
            mode: DeviceSecretMode::Provided,
            mirror: MirrorHome::Memory(std::sync::Arc::default()),
        }
    }

    /// The secret from the OS keyring entry (`service`, `account`), created there on first use;
    /// or, where no keyring answers on first use and `allow_file` (the force's policy) says so,
    /// from the file at `fallback`. A file secret the policy no longer allows is moved into the
    /// keyring (with its generation mirror), or refused where no keyring answers.
    pub fn from_keyring_or_file(
        service: &str,
        account: &str,
        fallback: &Path,
        allow_file: bool,
    ) -> Result<DeviceSecret, VaultError> {
        let marker = fallback.with_extension("in-keyring");
        let keyring_secret = |bytes: Zeroizing<Vec<u8>>| DeviceSecret {
            bytes,
            mode: DeviceSecretMode::Keyring,
            mirror: MirrorHome::Keyring {
                service: service.to_string(),
                account: format!("{account}.generation"),
            },
        };
        let entry = keyring::Entry::new(service, account)
            .map_err(|error| VaultError::DeviceSecret(format!("keyring entry: {error}")));
        // A device whose secret is in the keyring never takes a file planted beside the vault.
        if fallback.exists() && !marker.exists() {
            let file = DeviceSecret::from_file(fallback)?;
            if allow_file {
                return Ok(file);
            }
            return file.move_into_keyring(entry?, fallback, &marker, keyring_secret);
        }
        let entry = entry?;
        match entry.get_secret() {
            Ok(bytes) if bytes.len() == 32 => Ok(keyring_secret(Zeroizing::new(bytes))),
            Ok(_) => Err(VaultError::DeviceSecret(
                "the keyring holds something that is not a device secret".into(),
            )),
            Err(keyring::Error::NoEntry) if !marker.exists() => {
                let secret = Zeroizing::new(random_bytes::<32>()?.to_vec());
                entry.set_secret(&secret).map_err(|error| {
                    VaultError::DeviceSecret(format!("cannot store in the keyring: {error}"))
                })?;
                write_marker(&marker)?;
                Ok(keyring_secret(secret))
            }
            Err(error) if marker.exists() => Err(VaultError::DeviceSecret(format!(
                "this device keeps its secret in the OS keyring, which cannot give it now: {error}"
            ))),
            // No keyring answers (no Secret Service, as on CI): the weaker file, if allowed.
            Err(error) if !allow_file => Err(VaultError::DeviceSecret(format!(
                "the force does not allow the device secret in a file, and no OS keyring answers: {error}"
            ))),
            Err(_) => DeviceSecret::from_file(fallback),
        }
    }

    /// Moves this file secret and its generation mirror into the keyring, then deletes the
    /// files; refused (the file kept) where the keyring does not take it.
    fn move_into_keyring(
        self,
        entry: keyring::Entry,
        secret_file: &Path,
        marker: &Path,
        keyring_secret: impl Fn(Zeroizing<Vec<u8>>) -> DeviceSecret,
    ) -> Result<DeviceSecret, VaultError> {
        let MirrorHome::File(file_mirror) = &self.mirror else {
            return Ok(self);
        };
        entry.set_secret(&self.bytes).map_err(|error| {
            VaultError::DeviceSecret(format!(
                "the force does not allow the device secret in a file, and the OS keyring cannot take it: {error}"
            ))
        })?;
        // Read it back before anything is deleted: a keyring that took the write but did not
        // keep it must not cost the device its secret.
        let kept = entry.get_secret().map_err(|error| {
            VaultError::DeviceSecret(format!(
                "the OS keyring did not keep the device secret: {error}"
            ))
        })?;
        if kept.as_slice() != self.bytes.as_slice() {
            return Err(VaultError::DeviceSecret(
                "the OS keyring did not keep the device secret as given".into(),
            ));
        }
        let moved = keyring_secret(Zeroizing::new(kept));
        if let Some(generation) = self.read_mirror()? {
            moved.write_mirror(&generation)?;
            if moved.read_mirror()?.as_deref() != Some(generation.as_slice()) {
                return Err(VaultError::DeviceSecret(
                    "the OS keyring did not keep the vault's generation".into(),
                ));
            }
        }
        write_marker(marker)?;
        for path in [file_mirror.clone(), secret_file.to_path_buf()] {
            if path.exists() {
                std::fs::remove_file(&path).map_err(|error| {
                    VaultError::DeviceSecret(format!("{}: {error}", path.display()))
                })?;
            }
        }
        Ok(moved)
    }

    /// Reads the secret from `path`, creating it (32 random bytes, mode 0600) if absent. A file
    /// readable by anyone else is refused.
    pub fn from_file(path: &Path) -> Result<DeviceSecret, VaultError> {
        let fail = |what: &str, error: std::io::Error| {
            VaultError::DeviceSecret(format!("{what} {}: {error}", path.display()))
        };
        match std::fs::metadata(path) {
            Ok(metadata) => {
                if crate::private_file::open_to_others(&metadata) {
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
                    mirror: MirrorHome::File(mirror_file(path)),
                })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let secret = Zeroizing::new(random_bytes::<32>()?.to_vec());
                let mut file =
                    crate::private_file::create_new(path).map_err(|e| fail("cannot create", e))?;
                file.write_all(&secret)
                    .map_err(|e| fail("cannot write", e))?;
                file.sync_all().map_err(|e| fail("cannot sync", e))?;
                Ok(DeviceSecret {
                    bytes: secret,
                    mode: DeviceSecretMode::File,
                    mirror: MirrorHome::File(mirror_file(path)),
                })
            }
            Err(error) => Err(fail("cannot read", error)),
        }
    }

    /// A second handle on the same secret and the same generation mirror, for another
    /// connection to the same vault (the sync client's outbox beside the app's vault), so the
    /// keyring is read once at start rather than once per connection.
    pub fn share(&self) -> DeviceSecret {
        DeviceSecret {
            bytes: self.bytes.clone(),
            mode: self.mode,
            mirror: match &self.mirror {
                MirrorHome::Keyring { service, account } => MirrorHome::Keyring {
                    service: service.clone(),
                    account: account.clone(),
                },
                MirrorHome::File(path) => MirrorHome::File(path.clone()),
                MirrorHome::Memory(held) => MirrorHome::Memory(std::sync::Arc::clone(held)),
            },
        }
    }

    /// Where it lives.
    pub fn mode(&self) -> DeviceSecretMode {
        self.mode
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A key for one purpose, derived from the secret: SHA-256 of `context` (which ends in a
    /// NUL, so no context is a prefix of another) and the secret.
    pub(crate) fn derive(&self, context: &[u8]) -> Zeroizing<Vec<u8>> {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(context);
        hasher.update(&*self.bytes);
        Zeroizing::new(hasher.finalize().to_vec())
    }

    /// The vault generation mirrored beside the secret, if any was written.
    pub(crate) fn read_mirror(&self) -> Result<Option<Vec<u8>>, VaultError> {
        match &self.mirror {
            MirrorHome::Keyring { service, account } => {
                let entry = keyring::Entry::new(service, account)
                    .map_err(|error| VaultError::DeviceSecret(format!("keyring entry: {error}")))?;
                match entry.get_secret() {
                    Ok(value) => Ok(Some(value)),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(error) => Err(VaultError::DeviceSecret(format!(
                        "the OS keyring cannot give the vault's generation: {error}"
                    ))),
                }
            }
            MirrorHome::File(path) => match std::fs::read(path) {
                Ok(value) => Ok(Some(value)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(VaultError::DeviceSecret(format!(
                    "{}: {error}",
                    path.display()
                ))),
            },
            MirrorHome::Memory(value) => Ok(value.lock().ok().and_then(|value| value.clone())),
        }
    }

    /// Writes the mirrored generation (whole: a crash leaves the old value or the new one).
    pub(crate) fn write_mirror(&self, value: &[u8]) -> Result<(), VaultError> {
        match &self.mirror {
            MirrorHome::Keyring { service, account } => keyring::Entry::new(service, account)
                .and_then(|entry| entry.set_secret(value))
                .map_err(|error| {
                    VaultError::DeviceSecret(format!(
                        "the OS keyring cannot keep the vault's generation: {error}"
                    ))
                }),
            MirrorHome::File(path) => {
                let fail = |error: std::io::Error| {
                    VaultError::DeviceSecret(format!("{}: {error}", path.display()))
                };
                let mut partial = path.as_os_str().to_owned();
                partial.push("-new");
                let partial = PathBuf::from(partial);
                let _ = std::fs::remove_file(&partial);
                let mut file = crate::private_file::create_new(&partial).map_err(fail)?;
                file.write_all(value).map_err(fail)?;
                file.sync_all().map_err(fail)?;
                std::fs::rename(&partial, path).map_err(fail)
            }
            MirrorHome::Memory(held) => {
                if let Ok(mut held) = held.lock() {
                    *held = Some(value.to_vec());
                }
                Ok(())
            }
        }
    }
}

/// The generation mirror's file beside a file secret: its name with `.generation` added.
fn mirror_file(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".generation");
    PathBuf::from(name)
}

fn write_marker(marker: &Path) -> Result<(), VaultError> {
    std::fs::write(marker, b"the device secret is in the OS keyring\n")
        .map_err(|error| VaultError::DeviceSecret(format!("{}: {error}", marker.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[cfg(unix)]
    #[test]
    fn a_file_secret_is_made_0600_and_read_back_the_same() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("device-secret");
        let first = DeviceSecret::from_file(&path).expect("create");
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        let again = DeviceSecret::from_file(&path).expect("read");
        assert_eq!(first.bytes(), again.bytes());
        assert_eq!(again.mode(), DeviceSecretMode::File);
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_others_can_read_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("device-secret");
        DeviceSecret::from_file(&path).expect("create");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(
            DeviceSecret::from_file(&path),
            Err(VaultError::DeviceSecret(_))
        ));
    }

    #[test]
    fn an_existing_file_secret_is_kept_whatever_the_keyring_says() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("device-secret");
        let file = DeviceSecret::from_file(&path).expect("create");
        let chosen = DeviceSecret::from_keyring_or_file("uk.firstline.test", "unused", &path, true)
            .expect("secret");
        assert_eq!(chosen.mode(), DeviceSecretMode::File);
        assert_eq!(chosen.bytes(), file.bytes());
    }

    #[test]
    fn on_first_use_a_keyring_that_answers_keeps_the_secret_and_the_choice_is_marked() {
        // The mock keyring stands in for the Secret Service, which does not run on CI.
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("device-secret");
        let secret = DeviceSecret::from_keyring_or_file("uk.firstline.test", "first", &path, true)
            .expect("secret");
        assert_eq!(secret.mode(), DeviceSecretMode::Keyring);
        assert_eq!(secret.bytes().len(), 32);
        assert!(path.with_extension("in-keyring").exists());
        assert!(
            !path.exists(),
            "a file secret was written beside a keyring one"
        );
    }

    #[test]
    fn a_device_that_chose_the_keyring_never_falls_back_to_a_new_file() {
        // The mock keyring (the real Secret Service does not run on CI) answers NoEntry, as a
        // keyring that lost the secret would; the marker says the secret was in the keyring.
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("device-secret");
        std::fs::write(path.with_extension("in-keyring"), b"").expect("marker");
        assert!(matches!(
            DeviceSecret::from_keyring_or_file("uk.firstline.test", "lost", &path, true),
            Err(VaultError::DeviceSecret(_))
        ));
        assert!(
            !path.exists(),
            "a new file secret was made behind the officer's back"
        );
    }
}
