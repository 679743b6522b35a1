//! Finalise and sync through the real window, against a real gateway process set up with the
//! real admin CLI: with the gateway up the sync screen shows the record received; with it down
//! the record waits (and says why), then arrives when the gateway is back. What arrived opens
//! with the force's keys — the migrant-victim section only with the safeguarding key — and the
//! gateway's database holds no answer in plain text.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::time::{Duration, Instant};

use firstline_e2e::force::LocalForce;
use firstline_e2e::pages::{CheckAnswers, Home, QuestionPage, SignIn};
use firstline_e2e::App;

async fn finalise_a_full_assessment(app: &App) {
    Home(app).start_assessment().await;
    QuestionPage(app).answer_everything().await;
    app.click("finalise").await;
    app.find("sync-title").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finalised_assessments_reach_the_force_and_wait_while_it_is_down() {
    let mut force = LocalForce::start("sync-window");
    let code = force.enrolment_code();
    let app = App::launch_with("sync-window", &["--enrol", &force.url(), &code]).await;
    SignIn(&app).set_up().await;

    // Gateway up: finalised, sealed, received.
    finalise_a_full_assessment(&app).await;
    assert!(app.text("sync-notice").await.contains("finalised"));
    app.wait_for_text("sync-received", "1").await;
    app.wait_for_text("sync-pending", "0").await;
    assert!(app.text("sync-force").await.contains("Test Constabulary"));
    assert_eq!(app.text("sync-record-state").await, "Received");
    app.screenshot("received").await;

    // Gateway down: the next one waits, and the screen says so.
    force.stop();
    app.click("back-home").await;
    finalise_a_full_assessment(&app).await;
    app.wait_for_text("sync-pending", "1").await;
    assert!(
        app.text("sync-last-error")
            .await
            .starts_with("The force's gateway cannot be reached"),
        "the problem is not worded from its kind"
    );
    app.screenshot("pending-while-down").await;

    // Back up: Sync now, and it arrives.
    force.restart();
    app.click("sync-now").await;
    app.wait_for_text("sync-received", "2").await;
    app.wait_for_text("sync-pending", "0").await;
    app.screenshot("received-after-return").await;

    // A correction: a new record that supersedes a received one. The received record's
    // readable copy left the device with the receipt, so the correction is answered afresh.
    app.click("amend").await;
    QuestionPage(&app).answer_everything().await;
    CheckAnswers(&app).complete_missing().await;
    app.screenshot("amendment-complete").await;
    app.click("finalise").await;
    app.wait_for_text("sync-received", "3").await;
    app.close().await;

    let mut records_only = force.open_submissions(false);
    assert_eq!(records_only.len(), 3, "each assessment arrived once");
    let amendment = records_only.pop().expect("the amendment");
    let superseded = amendment["supersedes"]
        .as_str()
        .expect("supersedes an earlier record");
    assert!(records_only
        .iter()
        .any(|original| original["submission_id"] == superseded));
    assert!(amendment.get("has_migrant_section").is_none());
    for submission in &records_only {
        let record = &submission["record"];
        assert_eq!(record["officer_id"], "PC 1234");
        assert!(record["answers"]["first_account"]["value"]
            .as_str()
            .is_some_and(|text| text.contains("passport")));
        assert!(
            record["answers"].get("documents_withheld").is_none(),
            "a migrant-section answer is in the main record"
        );
        assert!(
            submission.get("migrant_section").is_none()
                && submission.get("has_migrant_section").is_none()
                && record.get("has_migrant_section").is_none(),
            "opened without the safeguarding key, nothing tells whether there is a section"
        );
    }
    let with_safeguarding = force.open_submissions(true);
    assert_eq!(
        with_safeguarding[0]["migrant_section"]["answers"]["documents_withheld"]["value"],
        "yes"
    );
    let stored = force.database_bytes();
    assert!(
        !stored.windows(8).any(|window| window == b"passport"),
        "the gateway's database holds an answer in plain text"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_killed_while_syncing_drains_on_restart_with_no_duplicate() {
    let mut force = LocalForce::start("sync-kill");
    let code = force.enrolment_code();
    let data = firstline_e2e::TempDir::new("sync-kill-data");
    let app = App::launch_in("sync-kill", data.path(), &["--enrol", &force.url(), &code]).await;
    SignIn(&app).set_up().await;
    app.click("sync").await;
    app.find("sync-force").await;
    app.click("back-home").await;

    // Two records wait while the gateway is down.
    force.stop();
    finalise_a_full_assessment(&app).await;
    app.click("back-home").await;
    finalise_a_full_assessment(&app).await;
    app.wait_for_text("sync-pending", "2").await;

    // The gateway returns; the officer presses Sync now and the tablet dies at once.
    force.restart();
    app.click("sync-now").await;
    app.kill_app();
    drop(app);

    let app = App::launch_in("sync-kill-again", data.path(), &[]).await;
    SignIn(&app).unlock().await;
    app.click("sync").await;
    app.click("sync-now").await;
    app.wait_for_text("sync-received", "2").await;
    app.wait_for_text("sync-pending", "0").await;
    app.screenshot("drained-after-kill").await;
    app.close().await;

    let arrived = force.open_submissions(false);
    assert_eq!(arrived.len(), 2, "each record arrived exactly once");
    assert_ne!(arrived[0]["submission_id"], arrived[1]["submission_id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wipe_order_from_force_it_wipes_the_device_at_the_next_sync_and_says_so() {
    let force = LocalForce::start("sync-wipe");
    let code = force.enrolment_code();
    let data = firstline_e2e::TempDir::new("sync-wipe-data");
    let app = App::launch_in("sync-wipe", data.path(), &["--enrol", &force.url(), &code]).await;
    SignIn(&app).set_up().await;
    app.click("sync").await;
    app.find("sync-force").await;
    let devices = force.device_ids();
    assert_eq!(devices.len(), 1);
    force.order_wipe(&devices[0]);
    app.click("sync-now").await;
    assert!(app.text("sync-wiped").await.contains("wiped"));
    app.screenshot("wiped").await;
    app.close().await;

    // Relaunched: nobody is set up any more, and the set-up screen says why.
    let app = App::launch_in("sync-wipe-again", data.path(), &[]).await;
    app.find("set-up").await;
    assert!(app.text("wiped-notice").await.contains("wiped"));
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forces_form_pack_and_support_services_reach_the_device() {
    let force = LocalForce::start("force-pack");
    let mut pack: serde_json::Value = serde_json::from_slice(
        &std::fs::read(firstline_e2e::workspace_root().join("forms/default.json")).expect("pack"),
    )
    .expect("json");
    pack["version"] = "2026.11-force".into();
    pack["sections"][0]["questions"][0]["label"]["en"] =
        "What is the force's incident reference?".into();
    force.publish_pack(&serde_json::to_vec(&pack).expect("json"));
    force.put_service(
        "southall-black-sisters",
        "Southall Black Sisters",
        "020 8571 9595",
    );

    let code = force.enrolment_code();
    let app = App::launch_with("force-pack", &["--enrol", &force.url(), &code]).await;
    SignIn(&app).set_up().await;
    app.click("sync").await;
    app.find("sync-force").await;
    app.click("sync-now").await;
    app.wait_for_text("sync-pending", "0").await;
    app.click("back-home").await;
    // The pull runs beside the screen: start assessments until the force's pack shows (the
    // first one may still be on the built-in pack if the pull had not finished).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        Home(&app).start_assessment().await;
        let label = QuestionPage(&app).label().await;
        if label == "What is the force's incident reference?" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "new assessments never used the force's pack"
        );
        app.click("back").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    app.screenshot("force-pack-in-use").await;

    app.click("back").await;
    app.click("services").await;
    let service = app.text("service").await;
    assert!(
        service.contains("Southall Black Sisters") && service.contains("020 8571 9595"),
        "{service}"
    );
    app.screenshot("support-services").await;
    app.close().await;
}
