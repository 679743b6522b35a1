//! Page objects: how to find and drive each screen, so a changed screen is fixed in one place.

use crate::App;

/// The home screen.
pub struct Home<'a>(pub &'a App);

impl Home<'_> {
    /// Waits for the home screen and starts an assessment.
    pub async fn start_assessment(&self) {
        self.0.click("start-assessment").await;
    }
}

/// A question screen.
pub struct QuestionPage<'a>(pub &'a App);

impl QuestionPage<'_> {
    /// The question as shown.
    pub async fn label(&self) -> String {
        self.0.text("question-label").await
    }

    /// Picks a choice by its value (`yes`, `no`, `unknown`, or a pack's value).
    pub async fn choose(&self, value: &str) {
        self.0.click(&format!("choice-{value}")).await;
    }

    /// Types into a text answer.
    pub async fn type_text(&self, text: &str) {
        self.0
            .find("text-answer")
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("could not type an answer: {error}"));
    }

    /// Presses Continue.
    pub async fn continue_on(&self) {
        self.0.click("continue").await;
    }
}

/// Check your answers.
pub struct CheckAnswers<'a>(pub &'a App);

impl CheckAnswers<'_> {
    /// Waits for the page's heading and returns it.
    pub async fn title(&self) -> String {
        self.0.text("check-answers-title").await
    }

    /// The answer shown for `question_id`.
    pub async fn answer_to(&self, question_id: &str) -> String {
        let row = self.0.find(&format!("summary-{question_id}")).await;
        let answer = row
            .find(fantoccini::Locator::Css("[data-testid='summary-answer']"))
            .await
            .unwrap_or_else(|error| panic!("no answer shown for {question_id}: {error}"));
        answer.text().await.unwrap_or_default()
    }
}
