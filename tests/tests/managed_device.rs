//! A device force IT manages, through the real window against a real gateway: the machine
//! policy (here given with `--policy`, the development build's stand-in for
//! /etc/firstline/policy.toml) enrols the device at the first officer's set-up with nothing
//! typed, Settings shows each setting with where it came from and the policy's idle lock as
//! locked, and a finalised assessment reaches the force. A policy that cannot be used stops the
//! app, telling the officer to contact force IT (whose `firstline-admin check-policy` says what
//! is wrong; the app's stderr says it too).

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::time::{Duration, Instant};

use firstline_e2e::force::LocalForce;
use firstline_e2e::pages::{Home, QuestionPage, SignIn};
use firstline_e2e::{App, TempDir};

/// Waits until `test_id` shows and its text contains `part` (the sync screen refreshes
/// itself).
async fn wait_for_part(app: &App, test_id: &str, part: &str) {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let text = app.text(test_id).await;
        if text.contains(part) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{test_id} shows {text:?}, never {part:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn attribute(app: &App, test_id: &str, name: &str) -> String {
    app.find(test_id)
        .await
        .attr(name)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_machine_policy_enrols_at_the_first_unlock_and_settings_show_what_it_locks() {
    let force = LocalForce::start("managed");
    let folder = TempDir::new("managed-policy");
    let code_file = folder.path().join("enrolment-code");
    std::fs::write(&code_file, force.enrolment_code()).expect("the code, as MDM drops it");
    let policy = folder.path().join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "idle_lock_seconds = 120\nmax_failed_pins = 5\n\n[enrolment]\ngateway_url = \"{}\"\nroot_fingerprint = \"{}\"\ncode_file = \"{}\"\n",
            force.url(),
            force.root_fingerprint(),
            code_file.display()
        ),
    )
    .expect("policy written");
    let app = App::launch_with("managed", &["--policy", &policy.display().to_string()]).await;

    // Set-up is the first unlock: the device enrols with nothing typed.
    SignIn(&app).set_up().await;
    app.click("sync").await;
    wait_for_part(&app, "sync-force", "Test Constabulary").await;
    assert_eq!(force.device_ids().len(), 1, "enrolled once");
    app.screenshot("enrolled-by-policy").await;
    app.click("back-home").await;

    app.click("settings").await;
    app.find("device-policy").await;
    assert_eq!(
        attribute(&app, "device-policy", "data-managed").await,
        "true"
    );
    assert_eq!(
        app.text("policy-idle_lock_seconds-value").await,
        "2 minutes"
    );
    assert_eq!(
        attribute(&app, "policy-idle_lock_seconds", "data-source").await,
        "machine"
    );
    assert_eq!(app.text("policy-idle_lock_seconds-locked").await, "LOCKED");
    assert!(app
        .text("policy-idle_lock_seconds")
        .await
        .contains("This device's policy"));
    assert_eq!(app.text("policy-max_failed_pins-value").await, "5");
    assert_eq!(
        attribute(&app, "policy-min_pin_length", "data-locked").await,
        "false",
        "a setting the policy leaves alone is not locked"
    );
    assert!(app
        .text("policy-min_pin_length")
        .await
        .contains("Firstline's default"));
    app.check_accessibility("settings-managed").await;
    app.screenshot("settings-managed").await;
    app.click("back-home").await;

    // Unlocking again does not enrol again: the device is enrolled.
    app.click("quick-hide").await;
    app.click("unlock-again").await;
    SignIn(&app).unlock().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        force.device_ids().len(),
        1,
        "enrolled again at the next unlock"
    );

    // A finalised assessment reaches the force.
    Home(&app).start_assessment().await;
    QuestionPage(&app).answer_everything().await;
    app.click("finalise").await;
    app.wait_for_text("sync-received", "1").await;
    app.close().await;
    assert_eq!(force.open_submissions(false).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_machine_policy_that_cannot_be_used_stops_the_app_saying_what_is_wrong() {
    let folder = TempDir::new("unusable-policy");
    let policy = folder.path().join("policy.toml");
    std::fs::write(&policy, "idle_lock_seconds = 5\n").expect("policy written");
    let app = App::launch_with("bad-policy", &["--policy", &policy.display().to_string()]).await;
    let shown = app.text("error-screen").await;
    assert!(
        shown.contains("policy from force IT cannot be used") && shown.contains("check-policy"),
        "{shown}"
    );
    app.screenshot("policy-unusable").await;
    app.close().await;
}
