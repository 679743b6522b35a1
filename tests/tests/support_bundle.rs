//! The app's own log and the support bundle, through the real window against a real gateway
//! (issue 12, item 5): an officer types a canary answer, finalises, the record reaches the
//! force; Settings writes a support bundle into the documents folder and shows its path. The
//! bundle holds the diagnostics and the log's lines of what happened (start, unlock, finalise,
//! a sync pass that delivered one record), and neither it nor the log file holds the canary.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_e2e::force::LocalForce;
use firstline_e2e::pages::{Home, QuestionPage, SignIn};
use firstline_e2e::{files_containing, App, TempDir};

const CANARY: &str = "CANARY-bundle-5c2e";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_support_bundle_holds_diagnostics_and_the_log_and_no_answer() {
    let mut force = LocalForce::start("support-bundle");
    let code = force.enrolment_code();
    let data = TempDir::new("support-bundle-data");
    // The documents folder, as the desktop names it (XDG user dirs, read from the app's
    // XDG_CONFIG_HOME).
    let documents = data.path().join("documents");
    std::fs::create_dir_all(data.path().join("config")).expect("config folder");
    std::fs::write(
        data.path().join("config/user-dirs.dirs"),
        format!("XDG_DOCUMENTS_DIR=\"{}\"\n", documents.display()),
    )
    .expect("user-dirs.dirs");
    let app = App::launch_in(
        "support-bundle",
        data.path(),
        &["--enrol", &force.url(), &code],
    )
    .await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let page = QuestionPage(&app);
    assert_eq!(page.current_id().await, "incident_reference");
    page.type_text(&format!("INC-{CANARY}")).await;
    page.continue_on().await;
    page.answer_everything().await;
    app.click("finalise").await;
    app.wait_for_text("sync-received", "1").await;
    // The pass's log line is written when the pass ends, a moment after the screen counts the
    // record received.
    let log_file = data.path().join("data/uk.firstline.app/logs/firstline.log");
    let mut logged = false;
    for _ in 0..100 {
        logged = std::fs::read_to_string(&log_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .any(|line| line["event"] == "sync_pass" && line["acknowledged"] == 1);
        if logged {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        logged,
        "no sync pass that delivered the record in {}",
        log_file.display()
    );
    app.click("back-home").await;

    app.click("settings").await;
    app.click("write-support-bundle").await;
    let shown = app.text("support-bundle-path").await;
    app.client
        .execute(
            "document.querySelector(\"[data-testid='support-bundle-path']\").scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .expect("scrolled");
    app.screenshot("support-bundle-written").await;
    app.check_accessibility("settings-support-bundle").await;
    app.close().await;
    force.stop();

    let bundles: Vec<_> = std::fs::read_dir(&documents)
        .expect("the documents folder was made")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(bundles.len(), 1, "{bundles:?}");
    assert!(
        shown.contains(&bundles[0].display().to_string()),
        "Settings shows {shown:?}, the bundle is {}",
        bundles[0].display()
    );
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundles[0]).expect("read")).expect("JSON");
    assert_eq!(bundle["format"], 1);
    assert_eq!(bundle["diagnostics"]["force_keys"], "enrolment_code");
    assert!(bundle["diagnostics"]["pack"]
        .as_str()
        .is_some_and(|pack| pack.contains("firstline-default")));
    let lines: Vec<&serde_json::Value> = bundle["logs"]
        .as_array()
        .expect("log files")
        .iter()
        .flat_map(|file| file["lines"].as_array().expect("lines"))
        .collect();
    let events: Vec<&str> = lines
        .iter()
        .filter_map(|line| line["event"].as_str())
        .collect();
    for expected in ["started", "unlocked", "enrolment", "finalised"] {
        assert!(events.contains(&expected), "no {expected} in {events:?}");
    }
    assert!(
        lines
            .iter()
            .any(|line| line["event"] == "sync_pass" && line["acknowledged"] == 1),
        "no sync pass that delivered the record: {lines:?}"
    );

    let with_canary = files_containing(data.path(), CANARY.as_bytes());
    assert!(
        with_canary.is_empty(),
        "the answer is readable in {with_canary:?}"
    );
    assert!(
        data.path()
            .join("data/uk.firstline.app/logs/firstline.log")
            .exists(),
        "the log file is not in the app's data folder"
    );
}
