//! Who may enrol the device, and leaving a force (issue 10, item 1): attacks on the rules a page
//! script or a tablet thief would try. A locked device gives no enrolment permit; an enrolled
//! device is never re-pointed at another gateway (the vault refuses to replace its enrolment
//! even with a permit); a wipe for re-enrolment needs the officer's PIN and the number of
//! finalised assessments still waiting that they were shown.

#![allow(clippy::expect_used)]

mod support;

use firstline_form::Language;
use firstline_vault::{DeviceSecret, Enrolment, Outbox, VaultError};
use firstline_workspace::{PackSource, Refusal, WorkspaceError};
use support::{complete, force_keys, generated_pack, Device, PIN};
use zeroize::Zeroizing;

fn another_force() -> Enrolment {
    Enrolment {
        device_id: "dev_evil".into(),
        gateway_url: "https://gateway.evil.example".into(),
        keys: force_keys(
            "Not Your Constabulary",
            vec![1; 32],
            vec![2; 32],
            vec![3; 32],
        ),
        token: Zeroizing::new("fl1_evil".into()),
        signing_key: Zeroizing::new(vec![4; 32]),
    }
}

fn refusal(error: WorkspaceError) -> Refusal {
    error.refusal()
}

#[test]
fn a_locked_device_gives_no_enrolment_permit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut workspace = Device::unlocked_workspace(&dir.path().join("vault.sqlite"));
    workspace.lock();
    let refused = workspace.enrolment_permit().expect_err("locked");
    assert_eq!(refusal(refused), Refusal::Locked);
    workspace.unlock("PC 1", PIN).expect("unlock");
    workspace
        .enrolment_permit()
        .expect("unlocked and not enrolled");
}

#[test]
fn an_officer_set_up_later_cannot_choose_the_devices_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut workspace = Device::unlocked_workspace(&dir.path().join("vault.sqlite"));
    // A page script (or anyone) sets up an officer of its own and is unlocked as them.
    workspace
        .set_up_officer("PC 666", "135790")
        .expect("anyone can set up an officer");
    let refused = workspace.enrolment_permit().expect_err("a later officer");
    assert_eq!(refusal(refused), Refusal::EnrolmentNeedsFirstOfficer);
    workspace.unlock("PC 1", PIN).expect("the first officer");
    workspace.enrolment_permit().expect("the first officer may");
}

#[test]
fn an_enrolled_device_is_never_repointed_at_another_gateway() {
    let device = Device::enrolled();
    let workspace = device.workspace(PackSource::ForceOrBuiltIn);
    let refused = workspace.enrolment_permit().expect_err("enrolled");
    assert_eq!(refusal(refused), Refusal::AlreadyEnrolled { waiting: 0 });

    // Even with a permit made on another vault file, the vault keeps its enrolment.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let permit = Device::unlocked_workspace(&elsewhere.path().join("vault.sqlite"))
        .enrolment_permit()
        .expect("a permit for the other file");
    let mut outbox =
        Outbox::open(&device.vault_path(), DeviceSecret::provided(&[5; 32])).expect("outbox");
    let error = outbox
        .enrol(permit, &another_force(), 1_800_000_001)
        .expect_err("an enrolment is never replaced");
    assert!(
        matches!(error, VaultError::AlreadyEnrolled { .. }),
        "{error}"
    );
    let kept = outbox.device().expect("device").expect("still enrolled");
    assert_eq!(
        (kept.gateway_url.as_str(), kept.force_name.as_str()),
        ("http://127.0.0.1:9", "Test Constabulary")
    );
}

#[test]
fn leaving_a_force_needs_the_pin_and_the_waiting_count_the_officer_saw() {
    let device = Device::enrolled();
    let pack = device.signed_pack(&generated_pack(2, 3, 7));
    let mut workspace = device.workspace(PackSource::File(pack));
    // One finalised assessment waits to be sent.
    workspace.start(Language::En).expect("started");
    complete(&mut workspace, 6);
    workspace.finalise().expect("finalised");
    let refused = workspace.enrolment_permit().expect_err("enrolled");
    assert_eq!(refusal(refused), Refusal::AlreadyEnrolled { waiting: 1 });

    let stale = workspace
        .wipe_device(PIN, 0)
        .expect_err("one waits, not none");
    assert_eq!(refusal(stale), Refusal::WaitingChanged { waiting: 1 });
    assert!(workspace.vault().device().expect("device").is_some());
    assert_eq!(workspace.vault().sync_status().expect("status").pending, 1);

    let wrong = workspace.wipe_device("999999", 1).expect_err("wrong PIN");
    assert!(matches!(refusal(wrong), Refusal::WrongPin { .. }));
    assert!(workspace.vault().device().expect("device").is_some());
    assert_eq!(workspace.unlocked_officer(), None, "a wrong PIN locks");

    workspace.unlock("PC 1", PIN).expect("unlock");
    workspace.wipe_device(PIN, 1).expect("wiped");
    assert!(workspace.vault().device().expect("device").is_none());
    assert!(workspace.vault().officers().expect("officers").is_empty());
    assert_eq!(workspace.vault().sync_status().expect("status").pending, 0);
    // Now a new officer can set up and enrol the device with the other force.
    workspace.set_up_officer("PC 2", PIN).expect("set up");
    workspace
        .enrolment_permit()
        .expect("a permit after the wipe");
}
