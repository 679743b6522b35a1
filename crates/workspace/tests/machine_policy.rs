//! The machine policy applied through the workspace, setting by setting: the idle lock (and the
//! force's, when stricter), PIN length and wrong-PIN limit, officer set-up, `--pack`, managed
//! enrolment and the file secret; the file is re-read at each unlock, a bad one at start is
//! refused, and one that goes bad later keeps the last good one in force and says so.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use firstline_vault::{KdfParams, Outbox, Vault, VaultError, VaultOptions};
use firstline_workspace::{
    DevicePolicy, Forbidden, PackSource, PackTrust, Source, StartOptions, Workspace, WorkspaceError,
};
use support::{device_secret, Device, PIN};

/// A workspace on the vault at `vault_path` under the machine policy at `policy_path`.
fn managed(
    vault_path: &std::path::Path,
    policy_path: &std::path::Path,
    packs: PackSource,
) -> Workspace {
    let vault = Vault::open(
        vault_path,
        device_secret(),
        VaultOptions {
            kdf: KdfParams::FOR_TESTS,
            max_failed_pins: 10,
            min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
            clock: Arc::new(|| 1_800_000_000),
        },
    )
    .expect("vault");
    let policy =
        DevicePolicy::read(policy_path, StartOptions::default()).expect("a readable policy");
    Workspace::with_policy(vault, packs, PackTrust::Development, policy)
}

#[test]
fn the_idle_lock_follows_the_machine_policy_re_read_at_each_unlock_and_a_stricter_force() {
    let device = Device::enrolled();
    let policy_path = device.dir.path().join("policy.toml");
    std::fs::write(&policy_path, "idle_lock_seconds = 120\n").expect("policy");
    let mut workspace = managed(&device.vault_path(), &policy_path, PackSource::default());
    assert_eq!(workspace.idle_limit(), Duration::from_secs(120));
    let idle = &workspace.policy().effective().idle_lock_seconds;
    assert_eq!((idle.source, idle.locked), (Source::Machine, true));

    std::fs::write(&policy_path, "idle_lock_seconds = 90\n").expect("policy changed");
    assert_eq!(
        workspace.idle_limit(),
        Duration::from_secs(120),
        "not before an unlock"
    );
    workspace.unlock("PC 1", PIN).expect("unlock");
    assert_eq!(workspace.idle_limit(), Duration::from_secs(90));

    // The force's policy, pulled by the sync client, is stricter: it wins, still locked.
    Outbox::open(&device.vault_path(), device_secret())
        .expect("outbox")
        .apply_policy(&firstline_protocol::Policy {
            idle_lock_seconds: 45,
            max_failed_pins: 10,
            keep_readable_copy_until_receipt: true,
            allow_file_secret: true,
        })
        .expect("pulled");
    workspace.unlock("PC 1", PIN).expect("unlock");
    assert_eq!(workspace.idle_limit(), Duration::from_secs(45));
    let idle = &workspace.policy().effective().idle_lock_seconds;
    assert_eq!((idle.source, idle.locked), (Source::Force, true));

    // Idle for longer than that: the next command finds the vault locked.
    workspace.before_command_at(
        firstline_workspace::Activity::Officer,
        std::time::Instant::now() + Duration::from_secs(46),
    );
    assert_eq!(workspace.unlocked_officer(), None);
}

#[test]
fn pin_rules_and_officer_set_up_follow_the_machine_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy_path = dir.path().join("policy.toml");
    std::fs::write(
        &policy_path,
        "min_pin_length = 8\nmax_failed_pins = 2\nallow_local_officer_setup = false\n",
    )
    .expect("policy");
    let vault_path = dir.path().join("vault.sqlite");
    let mut workspace = managed(&vault_path, &policy_path, PackSource::default());
    assert!(matches!(
        workspace.set_up_officer("PC 1", PIN),
        Err(WorkspaceError::Vault(VaultError::BadPin { min: 8, .. }))
    ));
    workspace
        .set_up_officer("PC 1", "13572468")
        .expect("the first officer, with eight digits");
    assert!(matches!(
        workspace.set_up_officer("PC 2", "24681357"),
        Err(WorkspaceError::ForbiddenByPolicy {
            what: Forbidden::OfficerSetUp
        })
    ));
    assert_eq!(workspace.vault().officers().expect("officers"), ["PC 1"]);
    assert!(matches!(
        workspace.unlock("PC 1", "00000000"),
        Err(WorkspaceError::Vault(VaultError::WrongPin {
            attempts_left: 1
        }))
    ));
    assert!(matches!(
        workspace.unlock("PC 1", "00000000"),
        Err(WorkspaceError::Vault(VaultError::Wiped))
    ));
}

#[test]
fn the_pack_override_is_refused_where_the_machine_policy_forbids_it() {
    let device = Device::enrolled();
    let pack = device.signed_pack(&support::generated_pack(2, 3, 1));
    let policy_path = device.dir.path().join("policy.toml");
    std::fs::write(&policy_path, "allow_pack_override = false\n").expect("policy");
    let mut workspace = managed(&device.vault_path(), &policy_path, PackSource::File(pack));
    workspace.unlock("PC 1", PIN).expect("unlock");
    assert!(matches!(
        workspace.start(firstline_form::Language::En),
        Err(WorkspaceError::ForbiddenByPolicy {
            what: Forbidden::PackOverride
        })
    ));
    std::fs::write(&policy_path, "allow_pack_override = true\n").expect("policy");
    workspace.unlock("PC 1", PIN).expect("unlock");
    workspace
        .start(firstline_form::Language::En)
        .expect("allowed again");
}

#[test]
fn a_bad_policy_is_refused_at_start_and_a_later_fault_keeps_the_last_good_one() {
    let device = Device::enrolled();
    let policy_path = device.dir.path().join("policy.toml");
    std::fs::write(&policy_path, "idle_lock_seconds = 5\n").expect("policy");
    let refusal = DevicePolicy::read(&policy_path, StartOptions::default())
        .expect_err("out of range")
        .to_string();
    assert!(refusal.contains("idle_lock_seconds"), "{refusal}");

    std::fs::write(&policy_path, "idle_lock_seconds = 60\n").expect("policy");
    let mut workspace = managed(&device.vault_path(), &policy_path, PackSource::default());
    std::fs::write(&policy_path, "idle_lock_seconds = \"never\"\n").expect("broken");
    workspace.unlock("PC 1", PIN).expect("still unlocks");
    assert_eq!(
        workspace.idle_limit(),
        Duration::from_secs(60),
        "the last good one"
    );
    assert!(workspace
        .policy()
        .problem()
        .is_some_and(|problem| problem.contains("policy.toml")));
    // Hidden or removed: the policy read before stays in force, and Settings says so.
    std::fs::remove_file(&policy_path).expect("removed");
    workspace.unlock("PC 1", PIN).expect("unlock");
    assert_eq!(workspace.idle_limit(), Duration::from_secs(60));
    assert!(workspace
        .policy()
        .problem()
        .is_some_and(|problem| problem.contains("is gone")));
}

#[test]
fn managed_enrolment_is_offered_until_the_device_is_enrolled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fingerprint = firstline_trust::fingerprint(&[9; 32]);
    let hex: String = fingerprint
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let code = firstline_trust::EnrolmentCode::typed("ABCDEFGHJKLMNPQR", &fingerprint);
    let policy_path = dir.path().join("policy.toml");
    std::fs::write(
        &policy_path,
        format!("[enrolment]\ngateway_url = \"https://gateway.force.example\"\nroot_fingerprint = \"{hex}\"\ncode = \"{code}\"\n"),
    )
    .expect("policy");
    let vault_path = dir.path().join("vault.sqlite");
    let mut workspace = managed(&vault_path, &policy_path, PackSource::default());
    workspace.set_up_officer("PC 1", PIN).expect("officer");
    let (gateway, link) = workspace
        .managed_enrolment()
        .expect("asked for")
        .expect("usable");
    assert_eq!(gateway, "https://gateway.force.example");
    assert_eq!(
        firstline_trust::EnrolmentCode::parse(&link)
            .expect("a link")
            .fingerprint,
        fingerprint.to_vec()
    );
    // Nothing typed on the sync screen can put another gateway or force in the policy's place.
    assert!(matches!(
        workspace.typed_enrolment_permit(),
        Err(WorkspaceError::ForbiddenByPolicy {
            what: Forbidden::TypedEnrolment
        })
    ));
    let permit = workspace.enrolment_permit().expect("permit");
    drop(workspace);
    support::enrol_with_permit(&vault_path, permit);
    let workspace = managed(&vault_path, &policy_path, PackSource::default());
    assert!(workspace.managed_enrolment().is_none(), "enrolled already");
}

#[test]
fn the_machine_policy_decides_whether_the_device_secret_may_live_in_a_file() {
    let device = Device::enrolled();
    let policy_path = device.dir.path().join("policy.toml");
    let read = || DevicePolicy::read(&policy_path, StartOptions::default()).expect("policy");
    // No machine word: the force's as last pulled (allowed by default).
    assert!(firstline_workspace::file_secret_allowed(&device.vault_path(), &read()).expect("read"));
    std::fs::write(&policy_path, "allow_file_secret = false\n").expect("policy");
    assert!(
        !firstline_workspace::file_secret_allowed(&device.vault_path(), &read()).expect("read")
    );
}
