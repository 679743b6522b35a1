//! The device secret and the vault's generation mirror in a real Secret Service (issue 10,
//! item 5): gnome-keyring, unlocked with a throwaway password, in a private D-Bus session and a
//! private home folder, so the officer's own keyring is never touched. The steps run in
//! `src/bin/vault-keyring-helper.rs` inside that session. `cargo xtask setup` installs
//! gnome-keyring; without it this test fails and says so.

// Tests fail by panicking, with a message saying what did not happen.
#![cfg(target_os = "linux")]
#![allow(clippy::expect_used)]

use std::process::Command;

#[test]
fn the_secret_and_the_generation_live_in_a_real_keyring_and_an_older_copy_is_refused() {
    for tool in ["dbus-run-session", "gnome-keyring-daemon"] {
        assert!(
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .status()
                .is_ok_and(|status| status.success()),
            "{tool} is missing: run `cargo xtask setup` (it installs dbus and gnome-keyring)"
        );
    }
    let home = tempfile::tempdir().expect("temp home");
    let work = tempfile::tempdir().expect("temp folder");
    let script = format!(
        "printf 'throwaway-test-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec '{}' '{}'",
        env!("CARGO_BIN_EXE_vault-keyring-helper"),
        work.path().display()
    );
    let output = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("dbus-run-session runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the keyring steps failed:\n{stdout}\n{stderr}"
    );
    for step in [
        "ok secret in keyring",
        "ok unlocked",
        "ok older copy refused",
        "ok file secret moved into keyring",
    ] {
        assert!(
            stdout.contains(step),
            "{step:?} did not happen:\n{stdout}\n{stderr}"
        );
    }
}
