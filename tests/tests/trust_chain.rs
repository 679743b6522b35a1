//! Attacks on the device's trust in its force, through the real window and its IPC (issue 10),
//! against real gateway processes set up with the real admin CLI. Each test is what a page
//! script or someone holding the tablet would try, and checks what the forces' gateways saw.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::time::Duration;

use firstline_e2e::force::LocalForce;
use firstline_e2e::pages::{SignIn, PIN};
use firstline_e2e::App;

fn enrol_args(force: &LocalForce, code: &str) -> serde_json::Value {
    serde_json::json!({ "gatewayUrl": force.url(), "code": code })
}

/// Item 1: enrolment only while an officer is unlocked and only when the device is not
/// enrolled; another force needs a wipe first, confirmed with the PIN and the number waiting.
/// Item 2: the gateway's keys must be signed by the root the enrolment code names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_script_cannot_enrol_a_locked_device_or_repoint_an_enrolled_one() {
    let ours = LocalForce::start("trust-ours");
    let theirs = LocalForce::start("trust-theirs");
    let data = firstline_e2e::TempDir::new("trust-enrol-data");

    // `--enrol` waits for an officer: nothing is enrolled while nobody has unlocked.
    let app = App::launch_in(
        "trust-enrol",
        data.path(),
        &["--enrol", &ours.url(), &ours.enrolment_code()],
    )
    .await;
    app.find("set-up").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        ours.device_ids().is_empty(),
        "--enrol enrolled the device before any officer unlocked it"
    );

    // A page script on the locked device: refused, and the other force saw nothing.
    let refused = app
        .invoke_from_page(
            "enrol_device",
            enrol_args(&theirs, &theirs.enrolment_code()),
        )
        .await;
    assert!(refused.contains("\"kind\":\"locked\""), "{refused}");
    assert!(theirs.device_ids().is_empty(), "a locked device enrolled");

    // The officer sets up: `--enrol` goes ahead now.
    SignIn(&app).set_up().await;
    for _ in 0..100 {
        if !ours.device_ids().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        ours.device_ids().len(),
        1,
        "--enrol did not enrol at unlock"
    );

    // Unlocked and enrolled: a page script cannot point the device at another gateway.
    let refused = app
        .invoke_from_page(
            "enrol_device",
            enrol_args(&theirs, &theirs.enrolment_code()),
        )
        .await;
    assert!(
        refused.contains("\"kind\":\"already_enrolled\""),
        "{refused}"
    );
    assert!(theirs.device_ids().is_empty(), "the device was re-pointed");
    app.click("sync").await;
    assert!(app.text("sync-force").await.contains("Test Constabulary"));

    // Leaving the force: the wipe needs the number waiting the officer was shown, and the PIN.
    let stale = app
        .invoke_from_page(
            "wipe_device",
            serde_json::json!({ "pin": PIN, "waitingSeen": 3 }),
        )
        .await;
    assert!(stale.contains("\"kind\":\"waiting_changed\""), "{stale}");
    // The officer wipes from the sync screen: it says how many wait, then asks for the PIN.
    assert_eq!(app.text("wipe-waiting").await, "0");
    app.click("wipe-start").await;
    app.find("wipe-pin")
        .await
        .send_keys(PIN)
        .await
        .expect("typed the PIN");
    app.screenshot("wipe-confirmation").await;
    app.click("wipe-confirm").await;
    app.find("set-up").await;
    app.find("wiped-notice").await;
    let locked = app
        .invoke_from_page(
            "enrol_device",
            enrol_args(&theirs, &theirs.enrolment_code()),
        )
        .await;
    assert!(
        locked.contains("\"kind\":\"locked\""),
        "a wiped device has nobody unlocked: {locked}"
    );
    let set_up = app
        .invoke_from_page(
            "set_up_officer",
            serde_json::json!({ "officer": "PC 5678", "pin": PIN }),
        )
        .await;
    assert_eq!(set_up, "accepted");
    // Item 2: a gateway whose keys are not signed by the root the code names (here: our
    // gateway's one-time secret, their force's fingerprint) is refused; nothing is stored.
    let (ours_code, theirs_code) = (ours.enrolment_code(), theirs.enrolment_code());
    let spliced = format!("{}{}", &ours_code[..20], &theirs_code[20..]);
    let refused = app
        .invoke_from_page("enrol_device", enrol_args(&ours, &spliced))
        .await;
    assert!(
        refused.contains("\"kind\":\"keys_not_signed\""),
        "{refused}"
    );
    let enrolled = app
        .invoke_from_page("enrol_device", enrol_args(&theirs, &theirs_code))
        .await;
    assert_eq!(enrolled, "accepted");
    assert_eq!(theirs.device_ids().len(), 1);
    app.close().await;
}
