//! The vault file against someone who holds the tablet and its files (issue 10, item 5): an
//! officer's wrong-PIN counter reset with one UPDATE, a destroyed key put back, or an older copy
//! of the vault restored (to get destroyed migrant sections back) is detected when the vault is
//! opened, and the vault is refused. The device secret here is the weaker file mode, whose
//! generation mirror is a file beside it; the keyring mode is `tests/keyring.rs`.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};

use firstline_vault::{DeviceSecret, KdfParams, Vault, VaultError, VaultOptions};

const PIN: &str = "246810";

struct Device {
    dir: tempfile::TempDir,
}

impl Device {
    fn new() -> Device {
        Device {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn vault_path(&self) -> PathBuf {
        self.dir.path().join("vault.sqlite")
    }

    fn open(&self) -> Result<Vault, VaultError> {
        Vault::open(
            &self.vault_path(),
            DeviceSecret::from_file(&self.dir.path().join("device-secret"))?,
            VaultOptions {
                kdf: KdfParams::FOR_TESTS,
                max_failed_pins: 5,
                // Ten minutes pass between any two readings: no lockout delay gets in the way.
                clock: std::sync::Arc::new(|| {
                    static NOW: std::sync::atomic::AtomicI64 =
                        std::sync::atomic::AtomicI64::new(1_800_000_000);
                    NOW.fetch_add(600, std::sync::atomic::Ordering::SeqCst)
                }),
            },
        )
    }

    fn sql(&self, statement: &str) {
        rusqlite::Connection::open(self.vault_path())
            .expect("open")
            .execute_batch(statement)
            .expect("raw sql");
    }

    /// Copies the vault's files (not the device secret or its mirror) to `to`.
    fn copy_vault(&self, to: &Path) {
        std::fs::create_dir_all(to).expect("dir");
        for entry in std::fs::read_dir(self.dir.path()).expect("dir") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .to_string();
            if name.starts_with("vault.sqlite") {
                std::fs::copy(&path, to.join(&name)).expect("copied");
            }
        }
    }

    /// Puts copied vault files back in place of the current ones.
    fn restore_vault(&self, from: &Path) {
        for entry in std::fs::read_dir(self.dir.path()).expect("dir") {
            let path = entry.expect("entry").path();
            if path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("vault.sqlite"))
            {
                std::fs::remove_file(&path).expect("removed");
            }
        }
        for entry in std::fs::read_dir(from).expect("dir") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, self.dir.path().join(path.file_name().expect("name")))
                .expect("restored");
        }
    }
}

fn wrong_pins(vault: &mut Vault, count: usize) {
    for _ in 0..count {
        let _ = vault.unlock("PC 1", "999999");
    }
}

#[test]
fn a_reset_wrong_pin_counter_is_detected_and_the_vault_refused() {
    let device = Device::new();
    let mut vault = device.open().expect("open");
    vault.set_up_officer("PC 1", PIN).expect("set up");
    wrong_pins(&mut vault, 4);
    drop(vault);
    // One more wrong PIN would destroy the key: reset the counter and guess on.
    device.sql("UPDATE officers SET failed_pins = 0, next_try_at = 0");
    match device.open() {
        Err(VaultError::Tampered(why)) => assert!(why.contains("counter"), "{why}"),
        other => panic!("an edited counter was not detected: {:?}", other.err()),
    }
}

#[test]
fn a_destroyed_key_put_back_is_detected() {
    let device = Device::new();
    let mut vault = device.open().expect("open");
    vault.set_up_officer("PC 1", PIN).expect("set up");
    drop(vault);
    let connection = rusqlite::Connection::open(device.vault_path()).expect("open");
    let wrapped: Vec<u8> = connection
        .query_row("SELECT wrapped_dek FROM officers", [], |row| row.get(0))
        .expect("wrapped key");
    drop(connection);
    let mut vault = device.open().expect("open");
    wrong_pins(&mut vault, 5);
    let wiped = vault.unlock("PC 1", PIN);
    assert!(matches!(wiped, Err(VaultError::Wiped)), "{:?}", wiped.err());
    drop(vault);
    let connection = rusqlite::Connection::open(device.vault_path()).expect("open");
    connection
        .execute(
            "UPDATE officers SET wrapped_dek = ?1, failed_pins = 0, next_try_at = 0",
            [wrapped],
        )
        .expect("put back");
    drop(connection);
    assert!(matches!(device.open(), Err(VaultError::Tampered(_))));
}

#[test]
fn an_older_copy_of_the_vault_is_refused() {
    let device = Device::new();
    let mut vault = device.open().expect("open");
    vault.set_up_officer("PC 1", PIN).expect("set up");
    wrong_pins(&mut vault, 4);
    drop(vault);
    let copy = device.dir.path().join("copy");
    device.copy_vault(&copy);

    // The officer unlocks (the counter resets): later the thief restores the copy with four
    // wrong PINs spent... and the copy is refused rather than taken as the device's vault.
    let mut vault = device.open().expect("open");
    vault.unlock("PC 1", PIN).expect("unlock");
    drop(vault);
    device.restore_vault(&copy);
    match device.open() {
        Err(VaultError::RolledBack { file, device }) => assert!(file < device),
        other => panic!("an older copy was opened: {:?}", other.err()),
    }
}

#[test]
fn an_untouched_vault_opens_again_and_again() {
    let device = Device::new();
    let mut vault = device.open().expect("open");
    vault.set_up_officer("PC 1", PIN).expect("set up");
    wrong_pins(&mut vault, 2);
    vault.unlock("PC 1", PIN).expect("unlock");
    drop(vault);
    for _ in 0..3 {
        let mut vault = device.open().expect("reopened");
        vault.unlock("PC 1", PIN).expect("unlock");
    }
}
