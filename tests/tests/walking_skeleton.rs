//! The walking skeleton, end to end in the real window: home, a question, check your answers.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_e2e::pages::{CheckAnswers, Home, QuestionPage, SignIn};
use firstline_e2e::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_given_in_the_window_is_shown_back_on_check_your_answers() {
    let app = App::launch("walking-skeleton").await;
    SignIn(&app).set_up().await;
    app.find("start-assessment").await;
    app.screenshot("home").await;

    Home(&app).start_assessment().await;
    let question = QuestionPage(&app);
    assert_eq!(question.label().await, "What is the incident reference?");
    app.screenshot("question").await;

    question.type_text("INC-2026-0042 <b>&amp;</b>").await;
    app.screenshot("question-answered").await;
    question.continue_on().await;
    assert_eq!(question.label().await, "When did officers arrive?");
    app.click("go-check-answers").await;

    let check = CheckAnswers(&app);
    assert_eq!(check.title().await, "Check your answers");
    assert_eq!(
        check.answer_to("incident_reference").await,
        "INC-2026-0042 <b>&amp;</b>"
    );
    app.screenshot("check-your-answers").await;

    app.close().await;
}
