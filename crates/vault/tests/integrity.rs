//! The vault file against someone who holds the tablet and its files (issue 10, item 5): an
//! officer's wrong-PIN counter reset with one UPDATE, a destroyed key put back, or an older copy
//! of the vault restored (to get destroyed migrant sections back) is detected when the vault is
//! opened, and the vault is refused. The device secret here is the weaker file mode, whose
//! generation mirror is a file beside it; the keyring mode is `tests/keyring.rs`.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

mod support;

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
                min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
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

fn enrolled(device: &Device) {
    let mut vault = device.open().expect("open");
    vault.set_up_officer("PC 1", PIN).expect("set up");
    vault.unlock("PC 1", PIN).expect("unlock");
    let permit = vault.enrolment_permit().expect("permit");
    drop(vault);
    let mut outbox = firstline_vault::Outbox::open(
        &device.vault_path(),
        DeviceSecret::from_file(&device.dir.path().join("device-secret")).expect("secret"),
    )
    .expect("outbox");
    outbox
        .enrol(
            permit,
            &firstline_vault::Enrolment {
                device_id: "dev_1".into(),
                gateway_url: "https://gateway.force.example".into(),
                keys: support::force_keys(vec![1; 32], vec![2; 32], vec![3; 32]),
                token: zeroize::Zeroizing::new("fl1_token".into()),
                signing_key: zeroize::Zeroizing::new(vec![5; 32]),
            },
            1_800_000_000,
        )
        .expect("enrolled");
    outbox
        .apply_directory_page(&firstline_protocol::DirectoryPage {
            entries: vec![firstline_protocol::DirectoryEntry {
                id: "refuge".into(),
                name: "Refuge".into(),
                contact: "0808 2000 247".into(),
                description: "24-hour helpline".into(),
            }],
            tombstones: Vec::new(),
            cursor: 1,
            more: false,
        })
        .expect("directory");
}

/// The enrolment and the force's keys (where records are sealed and sent), and the support
/// services' numbers an officer reads to a victim, edited on disk: refused by the vault and by
/// the sync client alike.
#[test]
fn an_enrolment_or_directory_edited_on_disk_is_refused() {
    for edit in [
        "UPDATE device SET gateway_url = 'https://gateway.evil.example'",
        "UPDATE device SET records_public_key = zeroblob(32)",
        "UPDATE device SET root_public_key = zeroblob(32), key_set_serial = 99",
        "UPDATE device SET destroy_copy_at_sealing = 1",
        "UPDATE directory SET contact = '0800 000 000'",
    ] {
        let device = Device::new();
        enrolled(&device);
        device.open().expect("untouched, it opens");
        device.sql(edit);
        assert!(
            matches!(device.open(), Err(VaultError::Tampered(_))),
            "{edit} was not detected by the vault"
        );
        let outbox = firstline_vault::Outbox::open(
            &device.vault_path(),
            DeviceSecret::from_file(&device.dir.path().join("device-secret")).expect("secret"),
        )
        .expect("outbox");
        assert!(
            matches!(outbox.credentials(), Err(VaultError::Tampered(_))),
            "{edit} was not detected by the sync client"
        );
    }
}

/// Keyed audit entries re-hashed as plain SHA-256 ones (which anyone can compute) are refused,
/// even by the check that has no device secret.
#[test]
fn keyed_audit_entries_rehashed_as_plain_ones_are_refused() {
    use sha2::{Digest, Sha256};
    let device = Device::new();
    let mut vault = device.open().expect("open");
    vault.set_up_officer("PC 1", PIN).expect("set up");
    vault.unlock("PC 1", PIN).expect("unlock");
    drop(vault);
    let connection = rusqlite::Connection::open(device.vault_path()).expect("open");
    let rows: Vec<(i64, String, i64, String, Option<String>)> = connection
        .prepare("SELECT seq, officer_id, at, event, record_id FROM audit ORDER BY seq")
        .expect("prepare")
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut prev = vec![0u8; 32];
    for (seq, officer, at, event, record) in rows {
        let mut message = prev.clone();
        message.extend_from_slice(&seq.to_be_bytes());
        for part in [
            officer.as_str(),
            event.as_str(),
            record.as_deref().unwrap_or(""),
        ] {
            message.extend_from_slice(&(part.len() as u64).to_be_bytes());
            message.extend_from_slice(part.as_bytes());
        }
        message.extend_from_slice(&at.to_be_bytes());
        let hash = Sha256::digest(&message).to_vec();
        connection
            .execute(
                "UPDATE audit SET keyed = 0, prev_hash = ?2, hash = ?3 WHERE seq = ?1",
                rusqlite::params![seq, prev, hash],
            )
            .expect("re-hashed");
        prev = hash;
    }
    drop(connection);
    assert!(matches!(
        firstline_vault::verify_vault_file(&device.vault_path()),
        Err(VaultError::AuditBroken { seq: 1 })
    ));
}

/// A destroyed migrant-victim compartment key spliced back from an older copy, or a draft
/// pointed at another pack, is caught even though the rest of the file is current.
#[test]
fn a_destroyed_key_spliced_back_or_a_draft_repointed_is_refused() {
    for edit in ["splice", "repoint"] {
        let device = Device::new();
        let mut vault = device.open().expect("open");
        vault.set_up_officer("PC 1", PIN).expect("set up");
        vault.unlock("PC 1", PIN).expect("unlock");
        let id = vault
            .create_assessment("p", "1", "hash-1")
            .expect("created");
        let connection = rusqlite::Connection::open(device.vault_path()).expect("open");
        let wrapped: Vec<u8> = connection
            .query_row(
                "SELECT wrapped_compartment_key FROM assessments",
                [],
                |row| row.get(0),
            )
            .expect("wrapped");
        vault.destroy_compartment(&id).expect("destroyed");
        drop(vault);
        match edit {
            "splice" => connection
                .execute(
                    "UPDATE assessments SET wrapped_compartment_key = ?1",
                    [wrapped],
                )
                .expect("spliced"),
            _ => connection
                .execute("UPDATE assessments SET pack_hash = 'hash-2'", [])
                .expect("repointed"),
        };
        drop(connection);
        assert!(
            matches!(device.open(), Err(VaultError::Tampered(_))),
            "{edit} was not detected"
        );
    }
}
