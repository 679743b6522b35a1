//! Walk-throughs of the default pack in the real window, against a real gateway whose directory
//! lists a support service:
//! - every question kind is answered (the number typed as text, a directory referral with
//!   consent), with children present; axe-core finds no WCAG 2.x A/AA violation on any screen,
//!   in the light theme and again in the dark one (set through Settings); a screenshot of every
//!   screen lands in `target/e2e/walk-through/`; the risk questions come only after privacy and
//!   the migrant-victim section only after the safeguarding steps; strangulation answered yes
//!   prompts medical advice at once; the gate closes again and reopens with its answers kept;
//! - "not safe to talk now" defers the risk questions, and the record the force receives says
//!   so, with no risk answer in it;
//! - a keyboard-only walk-through (Tab, arrows, Space, Enter and typing) reaches finalise; the
//!   one field set by script is the date and time, which WebKitGTK's WebDriver cannot type into.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_e2e::force::LocalForce;
use firstline_e2e::pages::{
    default_answer, Answer, CheckAnswers, Home, KeyboardPage, QuestionPage, SignIn,
    MIGRANT_QUESTIONS, TEST_SERVICE,
};
use firstline_e2e::App;

/// A force whose directory lists [`TEST_SERVICE`], and the app enrolled with it, signed in, the
/// directory pulled.
async fn enrolled_app(name: &str) -> (LocalForce, App) {
    let force = LocalForce::start(name);
    force.put_service(TEST_SERVICE.0, TEST_SERVICE.1, "0800 000 111");
    let code = force.enrolment_code();
    let app = App::launch_with(name, &["--enrol", &force.url(), &code]).await;
    SignIn(&app).set_up().await;
    app.click("sync").await;
    app.find("sync-force").await;
    app.click("sync-now").await;
    app.wait_for_text("sync-pending", "0").await;
    app.click("back-home").await;
    // The directory is pulled beside the screen: look until the service is listed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        app.click("services").await;
        let listed = app
            .client
            .find(fantoccini::Locator::Css("[data-testid='services']"))
            .await;
        let text = match listed {
            Ok(list) => list.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        app.click("back-home").await;
        if text.contains(TEST_SERVICE.1) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the force's directory never reached the device"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    (force, app)
}

/// Chooses a theme in Settings and goes home.
async fn choose_theme(app: &App, theme: &str) {
    app.click("settings").await;
    app.click(&format!("theme-{theme}")).await;
    app.check_accessibility(&format!("settings ({theme})"))
        .await;
    app.click("back-home").await;
}

/// Answers every question with [`default_answer`], checking each screen with axe-core (and
/// taking its screenshot when `screenshots`), until check your answers. Returns the ids in the
/// order they were asked.
async fn walk(app: &App, theme: &str, screenshots: bool) -> Vec<String> {
    let page = QuestionPage(app);
    let mut asked = Vec::new();
    for step in 0..150 {
        if CheckAnswers(app).is_showing().await {
            break;
        }
        assert!(
            step < 149,
            "the walk-through never reached check your answers"
        );
        let id = page.current_id().await;
        app.check_accessibility(&format!("{id} ({theme})")).await;
        if screenshots {
            app.screenshot(&format!("question-{id}")).await;
        }
        page.give(default_answer(&id)).await;
        if id == "strangulation" {
            let prompt = app.text("choice-warning").await;
            assert!(
                prompt.contains("medical attention now"),
                "strangulation answered yes prompts no medical advice: {prompt}"
            );
            if screenshots {
                app.screenshot("strangulation-prompt").await;
            }
        }
        page.continue_on().await;
        // The next screen replaces this one; a refused answer would keep it with an error.
        assert!(!page.refused().await, "the answer to {id} was refused");
        asked.push(id);
    }
    asked
}

fn position(asked: &[String], id: &str) -> usize {
    asked
        .iter()
        .position(|asked| asked == id)
        .unwrap_or_else(|| panic!("{id} was never asked"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_question_kind_is_answered_and_every_screen_passes_axe_in_light_and_dark() {
    let (force, app) = enrolled_app("walk-through").await;
    app.check_accessibility("home").await;
    choose_theme(&app, "light").await;
    Home(&app).start_assessment().await;
    let asked = walk(&app, "light", true).await;

    // Every kind was on the way, the number and the directory referral among them.
    for id in [
        "incident_reference",
        "incident_time",
        "children_count",
        "children_seen",
        "coercive_control_kinds",
        "first_account",
        "rapport_prompts",
        "risk_grade",
        "support_service_referral",
    ] {
        position(&asked, id);
    }
    // Privacy before any risk question; the safeguarding steps before the migrant section.
    let first_risk = position(&asked, "current_injury").min(position(&asked, "first_account"));
    for step in ["spoken_alone", "interpreter_needed"] {
        assert!(
            position(&asked, step) < first_risk,
            "{step} came after a risk question"
        );
    }
    let first_migrant = MIGRANT_QUESTIONS
        .iter()
        .filter_map(|id| asked.iter().position(|asked| asked == id))
        .min()
        .expect("the migrant-victim section never opened");
    for step in [
        "immediate_safety_confirmed",
        "medical_need",
        "spoken_alone",
        "safety_advice_given",
    ] {
        assert!(
            position(&asked, step) < first_migrant,
            "{step} came after the migrant-victim section"
        );
    }

    let check = CheckAnswers(&app);
    assert_eq!(check.title().await, "Check your answers");
    app.check_accessibility("check your answers (light)").await;
    assert_eq!(check.answer_to("children_count").await, "2");
    assert_eq!(check.answer_to("documents_withheld").await, "Yes");
    assert_eq!(check.answer_to("incident_time").await, "2026-11-25 07:30");
    assert_eq!(
        check.answer_to("support_service_referral").await,
        format!("{} (the victim agrees)", TEST_SERVICE.1)
    );
    app.screenshot("check-your-answers").await;

    // The safeguarding gate closes again: the section disappears, nothing of it in the page.
    let page = QuestionPage(&app);
    check.change("safety_advice_given").await;
    page.choose("no").await;
    page.continue_on().await;
    app.click("go-check-answers").await;
    check.title().await;
    assert!(
        !check.has_row("documents_withheld").await,
        "the section survived the gate closing"
    );
    let source = app.client.source().await.expect("page source");
    assert!(
        !source.contains("passport or other documents"),
        "a gated question is in the page"
    );
    app.check_accessibility("check your answers, a gate closed again (light)")
        .await;
    app.screenshot("gate-closed-again").await;
    // Reopened, the earlier answers are there.
    check.change("safety_advice_given").await;
    page.choose("yes").await;
    page.continue_on().await;
    app.click("go-check-answers").await;
    assert_eq!(check.answer_to("documents_withheld").await, "Yes");

    app.click("finalise").await;
    app.wait_for_text("sync-received", "1").await;
    app.check_accessibility("sync (light)").await;
    app.screenshot("sync-received").await;
    let opened = force.open_submissions(false);
    let answers = &opened[0]["record"]["answers"];
    assert_eq!(answers["children_count"]["value"], 2.0);
    assert_eq!(
        answers["support_service_referral"]["value"],
        serde_json::json!({
            "services": [{"id": TEST_SERVICE.0, "name": TEST_SERVICE.1}],
            "consent": true
        })
    );

    // The dark theme, chosen in Settings: every screen again.
    app.click("back-home").await;
    choose_theme(&app, "dark").await;
    app.check_accessibility("home (dark)").await;
    app.screenshot("home-dark").await;
    Home(&app).start_assessment().await;
    walk(&app, "dark", false).await;
    app.check_accessibility("check your answers (dark)").await;
    app.screenshot("check-your-answers-dark").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_safe_to_talk_now_defers_the_risk_questions_and_the_record_says_so() {
    let (force, app) = enrolled_app("deferred").await;
    Home(&app).start_assessment().await;
    let page = QuestionPage(&app);
    let mut asked = Vec::new();
    for step in 0..120 {
        if CheckAnswers(&app).is_showing().await {
            break;
        }
        assert!(step < 119, "never reached check your answers");
        let id = page.current_id().await;
        match id.as_str() {
            "spoken_alone" => page.choose("not_safe_now").await,
            "not_safe_reason" => {
                page.give(Answer::Text(
                    "Her brother-in-law is in the next room. A safe call is arranged for 6pm.",
                ))
                .await
            }
            other => page.give(default_answer(other)).await,
        }
        page.continue_on().await;
        asked.push(id);
        if asked.len() == 20 {
            // Past privacy: the gate panel says, in neutral words (whoever made it unsafe may
            // see the screen), that the questions for the victim are deferred.
            let panel = app.text("gate-deferred").await;
            assert_eq!(panel, "Questions for the victim — deferred");
            app.check_accessibility("a question with the privacy gate deferred")
                .await;
            app.screenshot("gate-deferred").await;
        }
    }
    for never in [
        "strangulation",
        "first_account",
        "current_injury",
        "deportation_threats",
    ] {
        assert!(!asked.iter().any(|id| id == never), "{never} was asked");
    }
    assert!(
        asked.iter().any(|id| id == "risk_grade"),
        "no grade on what is known"
    );
    assert!(app
        .text("deferred-summary")
        .await
        .contains("Not safe to talk now"));
    app.check_accessibility("check your answers, deferred")
        .await;
    app.screenshot("check-your-answers-deferred").await;
    app.click("finalise").await;
    app.wait_for_text("sync-received", "1").await;
    app.close().await;

    let opened = force.open_submissions(true);
    assert_eq!(
        opened[0]["record"]["deferred"],
        serde_json::json!(["privacy"])
    );
    let answers = opened[0]["record"]["answers"].as_object().expect("answers");
    assert_eq!(answers["spoken_alone"]["value"], "not_safe_now");
    for never in ["strangulation", "first_account", "victim_fear"] {
        assert!(
            !answers.contains_key(never),
            "{never} is in a deferred record"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyboard_only_walk_through_reaches_finalise() {
    let (force, app) = enrolled_app("keyboard").await;
    let keys = KeyboardPage(&app);
    keys.activate("start-assessment").await;
    let page = QuestionPage(&app);
    for step in 0..150 {
        if CheckAnswers(&app).is_showing().await {
            break;
        }
        assert!(step < 149, "the keyboard never reached check your answers");
        let id = page.current_id().await;
        keys.give(default_answer(&id)).await;
        keys.activate("continue").await;
        page.settle(&id).await;
        assert!(
            !page.refused().await,
            "the keyboard's answer to {id} was refused"
        );
    }
    keys.activate("finalise").await;
    app.wait_for_text("sync-received", "1").await;
    app.screenshot("keyboard-finalised").await;
    app.close().await;
    assert_eq!(force.open_submissions(false).len(), 1);
}
