//! Scenario mode in the real window (issue 13's acceptance). A trainer opens scenario mode from
//! the first screen, sets the trainer's PIN, and makes a class on the deportation-threat
//! scenario with two trainees:
//! - the first works the officer's screens doing the safeguarding steps first, then asks about
//!   deportation threats once the gate has opened: the debrief marks safeguarding-first met;
//! - the second uses "Ask about…" for an immigration question before privacy is secured: the
//!   core's gate refuses it, and the debrief marks safeguarding-first not met and shows the
//!   moment, which the trainer walks to on the timeline.
//!
//! Screenshots of both debriefs. The report and the cohort CSV are written into
//! "Firstline training" under the documents folder and hold what the debrief showed; neither
//! the training store nor the officer's vault holds a trainee's name readable, and the officer's
//! vault holds nothing of training.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_e2e::pages::{default_answer, Answer, QuestionPage};
use firstline_e2e::{files_containing, App, TempDir};

const TRAINER_PIN: &str = "24681357";
const GOOD: &str = "Trainee Good-5e1";
const EARLY: &str = "Trainee Early-9c4";

async fn css(app: &App, selector: &str) -> fantoccini::elements::Element {
    app.client
        .wait()
        .at_most(firstline_e2e::WAIT)
        .for_element(fantoccini::Locator::Css(selector))
        .await
        .unwrap_or_else(|error| panic!("nothing matches {selector}: {error}"))
}

/// The trainee's row's button with this test id.
async fn trainee_button(app: &App, trainee: &str, test_id: &str) {
    css(
        app,
        &format!("[data-testid='trainee'][data-trainee='{trainee}'] [data-testid='{test_id}']"),
    )
    .await
    .click()
    .await
    .expect("click");
}

/// Picks `value` in the select `test_id`, as a person choosing it does (the select's own
/// change event: WebKitWebDriver does not click a native select's options).
async fn pick(app: &App, test_id: &str, value: &str) {
    css(
        app,
        &format!("[data-testid='{test_id}'] option[value='{value}']"),
    )
    .await;
    app.client
        .execute(
            "const select = document.querySelector(`[data-testid='${arguments[0]}']`);\n\
             select.value = arguments[1];\n\
             select.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![test_id.into(), value.into()],
        )
        .await
        .unwrap_or_else(|error| panic!("could not pick {value} in {test_id}: {error}"));
}

/// Asks about `question` through the menu.
async fn ask_about(app: &App, question: &str) {
    pick(app, "ask-about-select", question).await;
    app.click("ask-about-button").await;
}

/// The victim's reply shown for `question`, once it has come (the panel is drawn again for each
/// question, so it is read by the page, not held as an element across that).
async fn reply_for(app: &App, question: &str) -> String {
    let deadline = std::time::Instant::now() + firstline_e2e::WAIT;
    loop {
        let text = app
            .client
            .execute(
                "const reply = document.querySelector(`[data-testid='victim-reply'][data-question='${arguments[0]}']`);\n\
                 return reply === null ? '' : reply.textContent;",
                vec![question.into()],
            )
            .await
            .ok()
            .and_then(|value| value.as_str().map(str::to_string))
            .unwrap_or_default();
        if !text.trim().is_empty() {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no reply shown for {question}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The outcome of a debrief category on screen.
async fn outcome(app: &App, category: &str) -> String {
    css(
        app,
        &format!("[data-testid='debrief-category'][data-category='{category}']"),
    )
    .await
    .attr("data-outcome")
    .await
    .expect("attr")
    .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainer_runs_the_deportation_scenario_and_the_debrief_scores_safeguarding_first() {
    let data = TempDir::new("scenario-mode-data");
    let documents = data.path().join("documents");
    std::fs::create_dir_all(data.path().join("config")).expect("config");
    std::fs::write(
        data.path().join("config/user-dirs.dirs"),
        format!("XDG_DOCUMENTS_DIR=\"{}\"\n", documents.display()),
    )
    .expect("user-dirs.dirs");
    let app = App::launch_in("scenario-mode", data.path(), &[]).await;

    // The trainer opens scenario mode from the first screen and sets the trainer's PIN.
    app.click("open-training").await;
    assert!(app.text("training-banner").await.contains("TRAINING"));
    for field in ["training-pin", "training-pin-again"] {
        app.find(field)
            .await
            .send_keys(TRAINER_PIN)
            .await
            .expect("type");
    }
    app.click("training-pin-submit").await;
    pick(&app, "new-class-scenario", "migrant-deportation-threat").await;
    // One per line (a new line typed through WebKitWebDriver does not reach a textarea).
    QuestionPage(&app)
        .set_value("new-class-trainees", &format!("{GOOD}\n{EARLY}"))
        .await;
    app.click("create-class").await;
    app.screenshot("class").await;
    app.check_accessibility("scenario-classes").await;

    // The first trainee: the safeguarding steps first, as the screens come.
    trainee_button(&app, GOOD, "run-trainee").await;
    assert!(app.text("training-brief").await.contains("Amina"));
    app.click("start-run").await;
    let page = QuestionPage(&app);
    loop {
        let id = page.current_id().await;
        reply_for(&app, &id).await;
        let answer = match id.as_str() {
            "interpreter_needed" => Answer::Choice("yes"),
            "interpreter_used" => Answer::Choice("professional"),
            "children_present" => Answer::Choice("no"),
            "other_vulnerable_checked" => Answer::Choice("none_present"),
            _ => default_answer(&id),
        };
        page.give(answer).await;
        page.continue_on().await;
        if id == "safety_advice_given" {
            break;
        }
    }
    // The gate is open now: asked about, the deportation question comes with its reply.
    ask_about(&app, "deportation_threats").await;
    assert!(reply_for(&app, "deportation_threats")
        .await
        .contains("deport"));
    assert_eq!(page.current_id().await, "deportation_threats");
    app.screenshot("reply-beside-the-question").await;
    page.give(Answer::Choice("yes")).await;
    page.continue_on().await;
    app.click("finish-scenario").await;
    app.find("debrief-title").await;
    assert_eq!(outcome(&app, "safeguarding_first").await, "met");
    app.client
        .execute(
            "document.querySelector(\"[data-category='safeguarding_first']\").scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .expect("scrolled");
    app.screenshot("debrief-safeguarding-first-met").await;
    app.check_accessibility("scenario-debrief").await;
    app.click("back-to-classes").await;

    // The second: "Ask about…" an immigration question before privacy is secured.
    trainee_button(&app, EARLY, "run-trainee").await;
    app.click("start-run").await;
    page.current_id().await;
    ask_about(&app, "documents_withheld").await;
    let refused = app.text("ask-notice").await;
    assert!(
        refused.contains("\"Further questions\" is still closed"),
        "{refused}"
    );
    assert_eq!(
        page.current_id().await,
        "incident_reference",
        "the refused question was shown"
    );
    app.screenshot("ask-about-refused-by-the-gate").await;
    app.click("finish-scenario").await;
    app.find("debrief-title").await;
    assert_eq!(outcome(&app, "safeguarding_first").await, "not_met");
    assert_eq!(outcome(&app, "gated_attempts").await, "not_met");
    let reason = css(
        &app,
        "[data-category='safeguarding_first'] [data-testid='debrief-reason']",
    )
    .await
    .text()
    .await
    .expect("reason");
    assert!(
        reason.contains("documents_withheld was asked at"),
        "{reason}"
    );
    // The moment behind it, walked to on the timeline.
    let link = css(
        &app,
        "[data-category='safeguarding_first'] [data-testid='debrief-moment']",
    )
    .await;
    let href = link.attr("href").await.expect("href").expect("a moment");
    let target = format!(
        "#{}",
        href.rsplit_once('#').map_or(href.as_str(), |(_, id)| id)
    );
    link.click().await.expect("walk to the moment");
    let moment = css(&app, &format!("[data-testid='timeline'] {target}")).await;
    let words = moment.text().await.expect("moment");
    assert!(
        words.contains("documents_withheld") && words.contains("refused"),
        "{words}"
    );
    app.screenshot("debrief-safeguarding-first-not-met").await;

    // The report and the cohort CSV, kept by the trainer.
    app.click("write-report").await;
    let shown = app.text("report-path").await;
    app.click("back-to-classes").await;
    app.click("write-cohort").await;
    let cohort_shown = app.text("cohort-path").await;
    app.close().await;

    let folder = documents.join("Firstline training");
    let written: Vec<_> = std::fs::read_dir(&folder)
        .expect("the report folder")
        .map(|entry| entry.expect("entry").path())
        .collect();
    let report = written
        .iter()
        .find(|path| {
            path.extension()
                .is_some_and(|extension| extension == "html")
        })
        .expect("the report");
    assert!(shown.contains(&report.display().to_string()), "{shown}");
    let html = std::fs::read_to_string(report).expect("read");
    assert!(html.contains(EARLY) && html.contains("documents_withheld was asked at"));
    assert!(
        html.contains("<td class=\"not_met\">Not met</td>"),
        "{html}"
    );
    let csv = written
        .iter()
        .find(|path| path.extension().is_some_and(|extension| extension == "csv"))
        .expect("the cohort CSV");
    assert!(cohort_shown.contains(&csv.display().to_string()));
    let csv = std::fs::read_to_string(csv).expect("read");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(
        rows[0].starts_with("trainee,scenario,scenario_version,seconds_taken,safeguarding_first")
    );
    let row_of = |name: &str| {
        rows.iter()
            .find(|row| row.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}: {csv}"))
            .split(',')
            .nth(4)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(row_of(GOOD), "met");
    assert_eq!(row_of(EARLY), "not_met");

    // On the device: no trainee's name readable anywhere in the app's data, and the officer's
    // vault beside the training store untouched by training.
    let app_data = data.path().join("data/uk.firstline.app");
    for name in [GOOD, EARLY] {
        let found = files_containing(&app_data, name.as_bytes());
        assert!(found.is_empty(), "{name} is readable in {found:?}");
    }
    assert!(app_data.join("training/training.sqlite").exists());
    let officers_vault = rusqlite::Connection::open(app_data.join("vault.sqlite")).expect("open");
    let (assessments, outbox): (i64, i64) = officers_vault
        .query_row(
            "SELECT (SELECT COUNT(*) FROM assessments), (SELECT COUNT(*) FROM outbox)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("count");
    assert_eq!(
        (assessments, outbox),
        (0, 0),
        "training reached the officer's vault"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn started_with_training_the_app_opens_on_scenario_mode_and_leaving_asks_for_an_officer() {
    let app = App::launch_with("scenario-mode-start", &["--training"]).await;
    assert!(app.text("training-banner").await.contains("TRAINING"));
    app.find("training-pin-form").await;
    app.screenshot("started-in-scenario-mode").await;
    app.click("leave-training").await;
    // Out of scenario mode nothing of an officer's is open: the first officer's set-up.
    app.find("set-up").await;
    app.close().await;
}
