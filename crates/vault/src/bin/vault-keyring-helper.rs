//! Test helper for the keyring test (tests/keyring.rs), run inside a throwaway D-Bus session
//! with an unlocked gnome-keyring (a real Secret Service, never the officer's own keyring): the
//! device secret and the vault's generation mirror go to the keyring, not to files; an older
//! copy of the vault is refused against the keyring's mirror; a file secret a force no longer
//! allows moves into the keyring. Prints one `ok <step>` line per step; any failure exits
//! non-zero with the reason. Never part of the app.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use firstline_vault::{DeviceSecret, DeviceSecretMode, KdfParams, Vault, VaultError, VaultOptions};

const SERVICE: &str = "uk.firstline.keyring-test";
const PIN: &str = "246810";

fn main() -> ExitCode {
    let Some(folder) = std::env::args().nth(1) else {
        eprintln!("usage: vault-keyring-helper FOLDER");
        return ExitCode::FAILURE;
    };
    match run(Path::new(&folder)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vault-keyring-helper: {error}");
            ExitCode::FAILURE
        }
    }
}

fn options() -> VaultOptions {
    VaultOptions {
        kdf: KdfParams::FOR_TESTS,
        max_failed_pins: 5,
        min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
        clock: Arc::new(|| {
            static NOW: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);
            NOW.fetch_add(600, std::sync::atomic::Ordering::SeqCst)
        }),
    }
}

fn secret(folder: &Path, account: &str, allow_file: bool) -> Result<DeviceSecret, VaultError> {
    DeviceSecret::from_keyring_or_file(
        SERVICE,
        account,
        &folder.join(format!("{account}.secret")),
        allow_file,
    )
}

fn copy_vault(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|error| error.to_string())?;
    for name in ["vault.sqlite", "vault.sqlite-wal", "vault.sqlite-shm"] {
        let _ = std::fs::remove_file(to.join(name));
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.join(name)).map_err(|error| error.to_string())?;
        }
    }
    Ok(())
}

fn run(folder: &Path) -> Result<(), String> {
    let fail = |step: &str, error: VaultError| format!("{step}: {error}");

    // The secret goes to the keyring even where files are forbidden; no secret file is made.
    let device = secret(folder, "device", false).map_err(|error| fail("secret", error))?;
    if device.mode() != DeviceSecretMode::Keyring || folder.join("device.secret").exists() {
        return Err("the device secret did not go to the keyring".into());
    }
    println!("ok secret in keyring");

    let vault_dir = folder.join("live");
    std::fs::create_dir_all(&vault_dir).map_err(|error| error.to_string())?;
    let vault_path = vault_dir.join("vault.sqlite");
    let mut vault =
        Vault::open(&vault_path, device, options()).map_err(|error| fail("open", error))?;
    vault
        .set_up_officer("PC 1", PIN)
        .map_err(|error| fail("set up", error))?;
    for _ in 0..4 {
        let _ = vault.unlock("PC 1", "999999");
    }
    drop(vault);
    copy_vault(&vault_dir, &folder.join("copy"))?;
    if std::fs::read_dir(folder)
        .map_err(|error| error.to_string())?
        .flatten()
        .any(|entry| entry.file_name().to_string_lossy().contains("generation"))
    {
        return Err("the generation mirror was written to a file, not the keyring".into());
    }

    let device = secret(folder, "device", false).map_err(|error| fail("secret again", error))?;
    let mut vault =
        Vault::open(&vault_path, device, options()).map_err(|error| fail("reopen", error))?;
    vault
        .unlock("PC 1", PIN)
        .map_err(|error| fail("unlock", error))?;
    drop(vault);
    println!("ok unlocked");

    copy_vault(&folder.join("copy"), &vault_dir)?;
    let device = secret(folder, "device", false).map_err(|error| fail("secret again", error))?;
    match Vault::open(&vault_path, device, options()) {
        Err(VaultError::RolledBack { .. }) => println!("ok older copy refused"),
        Err(error) => return Err(format!("older copy: refused for another reason: {error}")),
        Ok(_) => return Err("an older copy of the vault was opened".into()),
    }

    // A file secret the force no longer allows moves into the keyring, the same bytes.
    let file_path = folder.join("moved.secret");
    let file = DeviceSecret::from_file(&file_path).map_err(|error| fail("file secret", error))?;
    let moved_dir = folder.join("moved");
    std::fs::create_dir_all(&moved_dir).map_err(|error| error.to_string())?;
    let mut vault = Vault::open(&moved_dir.join("vault.sqlite"), file, options())
        .map_err(|error| fail("open on file", error))?;
    vault
        .set_up_officer("PC 2", PIN)
        .map_err(|error| fail("set up on file", error))?;
    drop(vault);
    let moved = secret(folder, "moved", false).map_err(|error| fail("move", error))?;
    if moved.mode() != DeviceSecretMode::Keyring || file_path.exists() {
        return Err("the file secret was not moved into the keyring".into());
    }
    let mut vault = Vault::open(&moved_dir.join("vault.sqlite"), moved, options())
        .map_err(|error| fail("open after the move", error))?;
    vault
        .unlock("PC 2", PIN)
        .map_err(|error| fail("unlock after the move", error))?;
    println!("ok file secret moved into keyring");
    Ok(())
}
