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

/// Copies the app's vault files (`vault.sqlite` and its WAL) from `data` to `to`, or back.
fn copy_vault_files(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("folder");
    for name in ["vault.sqlite", "vault.sqlite-wal", "vault.sqlite-shm"] {
        let _ = std::fs::remove_file(to.join(name));
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.join(name)).expect("copied");
        }
    }
}

/// Item 5: someone holding the tablet resets an officer's wrong-PIN counter with one UPDATE,
/// or restores an older copy of the vault; the app refuses the vault either way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vault_edited_or_restored_from_an_older_copy_is_refused() {
    let data = firstline_e2e::TempDir::new("trust-vault-data");
    let vault_folder = data.path().join("data/uk.firstline.app");
    let backup = data.path().join("backup");
    let app = App::launch_in("trust-vault", data.path(), &[]).await;
    SignIn(&app).set_up().await;
    assert_eq!(
        app.invoke_from_page("lock", serde_json::json!({})).await,
        "accepted"
    );
    for _ in 0..4 {
        let refused = app
            .invoke_from_page(
                "unlock",
                serde_json::json!({ "officer": "PC 1234", "pin": "999999" }),
            )
            .await;
        assert!(
            refused.contains("wrong_pin") || refused.contains("too_soon"),
            "{refused}"
        );
    }
    app.close().await;
    copy_vault_files(&vault_folder, &backup);

    // The counter reset with one UPDATE: the vault is refused.
    rusqlite::Connection::open(vault_folder.join("vault.sqlite"))
        .expect("open the vault file")
        .execute("UPDATE officers SET failed_pins = 0, next_try_at = 0", [])
        .expect("counter reset");
    let app = App::launch_in("trust-vault-edited", data.path(), &[]).await;
    app.find("error-screen").await;
    let status = app
        .invoke_from_page("vault_status", serde_json::json!({}))
        .await;
    assert!(status.contains("\"kind\":\"vault_tampered\""), "{status}");
    app.screenshot("vault-tampered").await;
    app.close().await;

    // Put the untouched copy back: it is the latest, so it opens; the officer unlocks.
    copy_vault_files(&backup, &vault_folder);
    let app = App::launch_in("trust-vault-latest", data.path(), &[]).await;
    tokio::time::sleep(Duration::from_secs(2)).await; // past the lockout's growing delay
    SignIn(&app).unlock().await;
    app.close().await;

    // Now the copy is older than the device's vault: refused.
    copy_vault_files(&backup, &vault_folder);
    let app = App::launch_in("trust-vault-restored", data.path(), &[]).await;
    app.find("error-screen").await;
    let status = app
        .invoke_from_page("vault_status", serde_json::json!({}))
        .await;
    assert!(
        status.contains("\"kind\":\"vault_rolled_back\""),
        "{status}"
    );
    app.close().await;
}
