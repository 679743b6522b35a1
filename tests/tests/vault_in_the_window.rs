//! The encrypted vault through the real window: answers survive closing the app, and unlocking
//! returns to the question the officer was on; words being typed survive Hide and a killed app
//! and come back on the same screen; nothing typed is readable in the app's files; quick-hide
//! (the button or Shift three times) and the idle lock put the app behind the PIN.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::time::Duration;

use firstline_e2e::pages::{default_answer, CheckAnswers, Home, QuestionPage, SignIn};
use firstline_e2e::{files_containing, App, TempDir};

const CANARY: &str = "CANARY-e2e-91f3";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_survive_closing_the_app_and_resume_where_the_officer_stopped() {
    let data = TempDir::new("vault-resume-data");
    let app = App::launch_in("vault-resume", data.path(), &[]).await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let page = QuestionPage(&app);
    page.type_text(&format!("INC-{CANARY}")).await;
    page.continue_on().await;
    page.set_value("text-answer", "2026-11-25T07:30").await;
    page.continue_on().await;
    assert_eq!(page.current_id().await, "history_checked");
    page.choose("yes").await;
    page.continue_on().await;
    assert_eq!(page.current_id().await, "parties_separated");
    page.choose("yes").await;
    page.continue_on().await;
    assert_eq!(page.current_id().await, "suspect_location_known");
    app.screenshot("before-closing").await;
    app.close().await;

    let found = files_containing(data.path(), CANARY.as_bytes());
    assert!(found.is_empty(), "typed text is readable in {found:?}");
    let vault_file = data.path().join("data/uk.firstline.app/vault.sqlite");
    let verified = std::process::Command::new(firstline_e2e::app_binary())
        .arg("--verify-vault")
        .arg(&vault_file)
        .output()
        .expect("run firstline --verify-vault");
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success() && said.contains("audit chain links hold"),
        "{said}"
    );

    // Unlocking returns to the screen the officer was on.
    let app = App::launch_in("vault-resume", data.path(), &[]).await;
    SignIn(&app).unlock().await;
    let page = QuestionPage(&app);
    assert_eq!(page.current_id().await, "suspect_location_known");
    app.screenshot("resumed").await;
    app.click("go-check-answers").await;
    let check = CheckAnswers(&app);
    assert_eq!(
        check.answer_to("incident_reference").await,
        format!("INC-{CANARY}")
    );
    assert_eq!(check.answer_to("parties_separated").await, "Yes");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_being_typed_survive_hide_and_a_killed_app_on_the_same_screen() {
    let data = TempDir::new("never-lose-words-data");
    let app = App::launch_in("never-lose-words", data.path(), &[]).await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let page = QuestionPage(&app);
    for _ in 0..40 {
        let id = page.current_id().await;
        if id == "first_account" {
            break;
        }
        page.give(default_answer(&id)).await;
        page.continue_on().await;
    }
    assert_eq!(page.current_id().await, "first_account");
    let typed = format!("He said {CANARY} he would take the children");
    page.type_text(&typed).await;
    // Hide at once, before the moment after typing has passed.
    app.click("quick-hide").await;
    app.find("hidden-screen").await;
    app.click("unlock-again").await;
    SignIn(&app).unlock().await;
    assert_eq!(page.current_id().await, "first_account");
    let field = app.find("text-answer").await;
    assert_eq!(
        field.prop("value").await.expect("value").as_deref(),
        Some(typed.as_str())
    );
    app.screenshot("words-back-after-hide").await;

    // More words; the tablet dies a moment after typing stops.
    page.type_text(" abroad").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    app.kill_app();
    drop(app);
    let found = files_containing(data.path(), CANARY.as_bytes());
    assert!(found.is_empty(), "typed words are readable in {found:?}");

    let app = App::launch_in("never-lose-words-again", data.path(), &[]).await;
    SignIn(&app).unlock().await;
    let page = QuestionPage(&app);
    assert_eq!(page.current_id().await, "first_account");
    let field = app.find("text-answer").await;
    assert_eq!(
        field.prop("value").await.expect("value"),
        Some(format!("{typed} abroad"))
    );
    app.screenshot("words-back-after-kill").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shift_three_times_hides_like_the_button() {
    let app = App::launch("shift-hide").await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    QuestionPage(&app).label().await;
    let focused = app.client.active_element().await.expect("focus");
    for _ in 0..3 {
        focused.send_keys("\u{E008}").await.expect("Shift");
    }
    app.find("hidden-screen").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_hide_locks_at_once_and_leaves_nothing_on_screen() {
    let app = App::launch("quick-hide").await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    QuestionPage(&app).label().await;
    app.click("quick-hide").await;
    app.find("hidden-screen").await;
    let source = app.client.source().await.expect("page source");
    assert!(
        !source.contains("incident reference"),
        "the question is still in the page"
    );
    app.screenshot("hidden").await;
    app.click("unlock-again").await;
    SignIn(&app).unlock().await;
    // Back on the screen the officer hid.
    assert_eq!(QuestionPage(&app).current_id().await, "incident_reference");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_lock_fires_under_a_short_policy() {
    let app = App::launch_with("idle-lock", &["--idle-lock-seconds", "2"]).await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    QuestionPage(&app).label().await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    app.find("unlock").await;
    app.screenshot("locked-when-idle").await;

    // The core enforces it too: a command from the page after the idle time is refused.
    let refused = app
        .invoke_from_page(
            "assessment_summary",
            serde_json::json!({ "language": "en" }),
        )
        .await;
    assert!(
        refused.contains("\"code\":\"Locked\""),
        "the core answered {refused}"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_record_is_shown_as_damaged_and_the_rest_stays_usable() {
    let data = TempDir::new("vault-damaged-data");
    let app = App::launch_in("vault-damaged", data.path(), &[]).await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    QuestionPage(&app).type_text("INC-77").await;
    QuestionPage(&app).continue_on().await;
    app.close().await;

    // Flip one bit of the saved answer's ciphertext, as a failing disk or an attacker might.
    let vault_file = data.path().join("data/uk.firstline.app/vault.sqlite");
    let connection = rusqlite::Connection::open(&vault_file).expect("open the vault file");
    let mut sealed: Vec<u8> = connection
        .query_row("SELECT sealed FROM answers LIMIT 1", [], |row| row.get(0))
        .expect("a saved answer");
    let middle = sealed.len() / 2;
    sealed[middle] ^= 1;
    connection
        .execute("UPDATE answers SET sealed = ?1", [sealed])
        .expect("damage it");
    drop(connection);

    let app = App::launch_in("vault-damaged", data.path(), &[]).await;
    SignIn(&app).unlock().await;
    app.click("drafts").await;
    app.click("resume").await;
    let error = app.text("error-screen").await;
    assert!(error.contains("damaged"), "error screen: {error}");
    assert!(!error.contains("INC-77"));
    app.screenshot("damaged-record").await;
    app.click("back-home").await;
    Home(&app).start_assessment().await;
    assert_eq!(QuestionPage(&app).current_id().await, "incident_reference");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_name_the_weaker_secret_and_the_pin_can_be_changed() {
    let app = App::launch("settings").await;
    SignIn(&app).set_up().await;
    app.click("settings").await;
    let secret = app.text("device-secret").await;
    assert!(secret.contains("weaker"), "device secret shown as {secret}");
    assert!(app.text("diagnostics").await.contains("firstline-default"));
    for (field, text) in [
        ("current-pin", firstline_e2e::pages::PIN),
        ("new-pin", "975310"),
        ("new-pin-again", "975310"),
    ] {
        app.find(field).await.send_keys(text).await.expect("type");
    }
    app.click("change-pin-submit").await;
    app.find("pin-changed").await;
    app.screenshot("pin-changed").await;
    app.click("quick-hide").await;
    app.click("unlock-again").await;
    SignIn(&app).unlock_with("975310").await;
    app.close().await;
}
