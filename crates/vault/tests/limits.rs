//! The limits the effective policy sets on the vault (the workspace works them out at each
//! unlock): a longer minimum PIN refuses shorter new PINs and makes an officer with a shorter
//! one change it; fewer wrong PINs destroy the key sooner. The force's limits, once pulled,
//! are read back without an officer and protected by the vault's MAC like the rest of its
//! policy.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

mod support;

use firstline_vault::{DeviceSecret, Outbox, VaultError};
use support::{enrolled, open, PIN, SECRET};

#[test]
fn a_longer_minimum_pin_refuses_short_pins_and_asks_for_a_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = open(&dir);
    vault.set_up_officer("PC 1", PIN).expect("six digits today");
    vault.set_limits(5, 8);
    assert!(matches!(
        vault.set_up_officer("PC 2", "1357911"),
        Err(VaultError::BadPin { min: 8, max: 12 })
    ));
    vault
        .unlock("PC 1", PIN)
        .expect("a short PIN still unlocks");
    assert!(vault.pin_change_required());
    assert!(matches!(
        vault.drafts(),
        Err(VaultError::PinChangeRequired { min: 8 })
    ));
    assert!(matches!(
        vault.change_pin("1234567"),
        Err(VaultError::BadPin { min: 8, .. })
    ));
    vault.change_pin("12345678").expect("eight digits");
    assert!(!vault.pin_change_required());
    vault.drafts().expect("working again");
    // A policy below the floor cannot make PINs shorter than six digits.
    vault.set_limits(5, 2);
    assert!(matches!(
        vault.set_up_officer("PC 3", "12345"),
        Err(VaultError::BadPin { min: 6, .. })
    ));
}

#[test]
fn fewer_wrong_pins_allowed_destroy_the_key_sooner() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = open(&dir);
    vault.set_up_officer("PC 1", PIN).expect("officer");
    vault.lock();
    vault.set_limits(2, 6);
    assert!(matches!(
        vault.unlock("PC 1", "000000"),
        Err(VaultError::WrongPin { attempts_left: 1 })
    ));
    assert!(matches!(
        vault.unlock("PC 1", "000000"),
        Err(VaultError::Wiped)
    ));
}

#[test]
fn the_forces_limits_are_kept_and_a_change_to_them_outside_the_app_is_refused() {
    let setup = enrolled();
    assert_eq!(
        open(&setup.dir)
            .force_policy()
            .expect("read")
            .and_then(|kept| kept.idle_lock_seconds),
        None,
        "no pull yet"
    );
    let policy = firstline_protocol::Policy {
        idle_lock_seconds: 90,
        max_failed_pins: 4,
        keep_readable_copy_until_receipt: true,
        allow_file_secret: false,
    };
    Outbox::open(
        &setup.dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox")
    .apply_policy(&policy)
    .expect("applied");
    assert_eq!(
        open(&setup.dir).force_policy().expect("read"),
        Some(firstline_vault::ForcePolicyKept {
            keep_readable_copy_until_receipt: true,
            allow_file_secret: false,
            idle_lock_seconds: Some(90),
            max_failed_pins: Some(4),
        })
    );
    let pristine = std::fs::read(setup.dir.path().join("vault.sqlite")).expect("file");

    // Someone with the file loosens the force's idle lock, or removes the limits altogether
    // (as if never pulled): refused either way.
    for edit in [
        "UPDATE device SET force_idle_lock_seconds = 3600",
        "UPDATE device SET force_idle_lock_seconds = NULL, force_max_failed_pins = NULL",
    ] {
        std::fs::write(setup.dir.path().join("vault.sqlite"), &pristine).expect("restored");
        rusqlite::Connection::open(setup.dir.path().join("vault.sqlite"))
            .expect("file")
            .execute(edit, [])
            .expect("edited");
        let refused = firstline_vault::Vault::open(
            &setup.dir.path().join("vault.sqlite"),
            DeviceSecret::provided(&SECRET),
            firstline_vault::VaultOptions::default(),
        );
        assert!(matches!(refused, Err(VaultError::Tampered(_))), "{edit}");
    }
}
