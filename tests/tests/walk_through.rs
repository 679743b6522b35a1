//! A full walk-through of the default pack in the real window, section by section with a
//! screenshot of each, ending on check your answers. On the way it checks the safeguarding gate:
//! the migrant-victim section opens once the safeguarding steps are done and its questions can
//! be answered; changing "spoken to alone" back to no hides it again; changing it back shows the
//! earlier answers, which survived.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_e2e::pages::{
    default_answer, CheckAnswers, Home, QuestionPage, SignIn, MIGRANT_QUESTIONS,
};
use firstline_e2e::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_pack_can_be_walked_through_and_the_gate_follows_the_answers() {
    let app = App::launch("walk-through").await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let page = QuestionPage(&app);
    let mut section = String::new();
    let mut answered = Vec::new();
    let mut gate_seen_open_at = None;

    for step in 0..80 {
        if app
            .client
            .find(fantoccini::Locator::Css(
                "[data-testid='check-answers-title']",
            ))
            .await
            .is_ok()
        {
            break;
        }
        assert!(
            step < 79,
            "the walk-through never reached check your answers"
        );
        let id = page.current_id().await;
        let caption = app
            .client
            .find(fantoccini::Locator::Css(".caption"))
            .await
            .expect("caption");
        let now_in = caption.text().await.unwrap_or_default();
        let now_in = now_in.split(" · ").next().unwrap_or_default().to_string();
        if now_in != section {
            section = now_in;
            app.screenshot(&format!(
                "section-{}",
                section.to_lowercase().replace(' ', "-")
            ))
            .await;
        }
        if MIGRANT_QUESTIONS.contains(&id.as_str()) && gate_seen_open_at.is_none() {
            gate_seen_open_at = Some(answered.len());
        }
        page.give(default_answer(&id)).await;
        page.continue_on().await;
        // The next screen replaces this one; a refused answer would keep it with an error.
        let refused = app
            .client
            .find(fantoccini::Locator::Css("[data-testid='error-summary']"))
            .await;
        assert!(refused.is_err(), "the answer to {id} was refused");
        answered.push(id);
    }
    let opened_after = gate_seen_open_at.expect("the migrant-victim section never opened");
    for step in [
        "immediate_safety_confirmed",
        "medical_need",
        "spoken_alone",
        "safety_advice_given",
    ] {
        let position = answered
            .iter()
            .position(|id| id == step)
            .expect("safeguarding step asked");
        assert!(
            position < opened_after,
            "{step} came after the migrant-victim section"
        );
    }

    let check = CheckAnswers(&app);
    assert_eq!(check.title().await, "Check your answers");
    assert_eq!(check.answer_to("documents_withheld").await, "Yes");
    assert_eq!(check.answer_to("incident_time").await, "2026-11-25 07:30");
    app.screenshot("check-your-answers").await;

    // (c) The gate closes again: the section disappears, and nothing of it is in the page.
    check.change("spoken_alone").await;
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
    app.screenshot("gate-closed-again").await;

    // Reopened, the earlier answers are there.
    check.change("spoken_alone").await;
    page.choose("yes").await;
    page.continue_on().await;
    app.click("go-check-answers").await;
    assert_eq!(check.answer_to("documents_withheld").await, "Yes");
    assert_eq!(check.answer_to("deportation_threats").await, "Yes");
    app.screenshot("gate-reopened").await;

    app.close().await;
}
