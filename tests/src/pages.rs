//! Page objects: how to find and drive each screen, so a changed screen is fixed in one place.

use crate::App;

/// The set-up and unlock screen.
pub struct SignIn<'a>(pub &'a App);

/// The officer the tests set up.
pub const OFFICER: &str = "PC 1234";
/// Their PIN.
pub const PIN: &str = "246810";

impl SignIn<'_> {
    /// Sets up the test officer on a fresh device (and so unlocks).
    pub async fn set_up(&self) {
        self.0.find("set-up").await;
        self.fill("officer-id", OFFICER).await;
        self.fill("pin", PIN).await;
        self.fill("pin-again", PIN).await;
        self.0.click("sign-in").await;
        self.0.find("start-assessment").await;
    }

    /// Unlocks as the test officer.
    pub async fn unlock(&self) {
        self.unlock_with(PIN).await;
    }

    /// Unlocks as the test officer with `pin`, and waits for what unlocking shows: home, or the
    /// question the officer was on when the app locked or closed.
    pub async fn unlock_with(&self, pin: &str) {
        self.0.find("unlock").await;
        self.fill("pin", pin).await;
        self.0.click("sign-in").await;
        self.0
            .client
            .wait()
            .at_most(crate::WAIT)
            .for_element(fantoccini::Locator::Css(
                "[data-testid='start-assessment'], [data-testid^='question-']",
            ))
            .await
            .unwrap_or_else(|error| {
                panic!("unlocking showed neither home nor a question: {error}")
            });
    }

    async fn fill(&self, test_id: &str, text: &str) {
        self.0
            .find(test_id)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("could not type into {test_id}: {error}"));
    }
}

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

    /// The id of the question on screen (its form is `data-testid="question-<id>"`).
    pub async fn current_id(&self) -> String {
        let form = self
            .0
            .client
            .wait()
            .at_most(crate::WAIT)
            .for_element(fantoccini::Locator::Css("form[data-testid^='question-']"))
            .await
            .unwrap_or_else(|error| panic!("no question on screen: {error}"));
        form.attr("data-testid")
            .await
            .ok()
            .flatten()
            .and_then(|id| id.strip_prefix("question-").map(str::to_string))
            .unwrap_or_default()
    }

    /// Sets an input's value as a person picking it would (for inputs such as datetime-local
    /// that WebDriver cannot type into on WebKitGTK), then tells the page it changed.
    pub async fn set_value(&self, test_id: &str, value: &str) {
        self.0
            .client
            .execute(
                "const input = document.querySelector(`[data-testid='${arguments[0]}']`);\n\
                 input.value = arguments[1];\n\
                 input.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![test_id.into(), value.into()],
            )
            .await
            .unwrap_or_else(|error| panic!("could not set {test_id}: {error}"));
    }

    /// Presses Continue and waits until the app has answered: this question's screen is gone,
    /// or it shows an error summary.
    pub async fn continue_on(&self) {
        let before = self.current_id().await;
        self.0.click("continue").await;
        self.wait_answered(&before, true).await;
    }

    /// Waits until the app has answered Continue on `before`'s screen: that screen is gone, or
    /// it shows an error summary (for Continue pressed some other way, such as the keyboard).
    pub async fn settle(&self, before: &str) {
        self.wait_answered(before, false).await;
    }

    /// [`QuestionPage::settle`]; with `click_again`, a click WebKitWebDriver lost (the screen
    /// still showing, its Continue not busy, after a few seconds) is made again, as an officer
    /// would tap again. A Continue still busy at the deadline fails saying so.
    async fn wait_answered(&self, before: &str, click_again: bool) {
        let deadline = std::time::Instant::now() + crate::WAIT;
        let mut next_retry = std::time::Instant::now() + std::time::Duration::from_secs(4);
        loop {
            let state = self
                .0
                .client
                .execute(
                    "if (document.querySelector(`form[data-testid='question-${arguments[0]}']`) === null\n\
                         || document.querySelector(\"[data-testid='error-summary']\") !== null) return 'settled';\n\
                     const button = document.querySelector(\"[data-testid='continue']\");\n\
                     return button === null ? 'no-button' : button.disabled ? 'busy' : 'idle';",
                    vec![before.into()],
                )
                .await
                .ok()
                .and_then(|value| value.as_str().map(str::to_string))
                .unwrap_or_default();
            if state == "settled" {
                return;
            }
            let now = std::time::Instant::now();
            assert!(
                now < deadline,
                "Continue on {before} never settled (the screen's Continue: {state})"
            );
            if click_again && state == "idle" && now >= next_retry {
                eprintln!("Continue on {before} was not taken: pressing it again");
                let _ = self.0.find("continue").await.click().await;
                next_retry = now + std::time::Duration::from_secs(4);
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }
}

/// The default pack's migrant-victim questions (behind its safeguarding gate).
pub const MIGRANT_QUESTIONS: [&str; 12] = [
    "deportation_threats",
    "documents_withheld",
    "no_funds_used_to_stop_leaving",
    "sponsor_threats",
    "children_abroad_threats",
    "abandon_abroad_threats",
    "in_laws_involved",
    "servitude_signs",
    "safe_place_and_money",
    "wants_immigration_advice",
    "consents_to_specialist_referral",
    "support_schemes",
];

/// The support service the tests' force lists in its directory (see `LocalForce::put_service`).
pub const TEST_SERVICE: (&str, &str) = ("idva-north", "North IDVA service");

/// How the tests answer a question of the default pack.
pub enum Answer {
    /// Pick one choice.
    Choice(&'static str),
    /// Pick each of these.
    Choices(&'static [&'static str]),
    /// Type this.
    Text(&'static str),
    /// Set through the page, for inputs WebDriver cannot type into on WebKitGTK.
    Set(&'static str),
    /// A grade and its rationale.
    Grade(&'static str, &'static str),
    /// A directory referral the victim agrees to, to these services (by id).
    Referral(&'static [&'static str]),
    /// An information screen: read it and go on.
    Read,
}

/// A complete, consistent set of answers to the default pack, one of every question kind: a
/// migrant victim with two children, strangled, whose documents are withheld, graded high, so
/// every section (the gated ones too) is filled in, the number typed, and a service from the
/// force's directory referred to with consent.
pub fn default_answer(question: &str) -> Answer {
    use Answer::*;
    match question {
        "incident_reference" => Text("INC-2026-0042"),
        "incident_time" => Set("2026-11-25T07:30"),
        "medical_need" => Choice("none"),
        "children_count" => Text("2"),
        "children_seen" => Choice("seen_spoken"),
        "other_vulnerable_checked" => Choice("checked"),
        "interpreter_needed" | "witnesses" | "victim_suicidal_thoughts" | "stalking"
        | "pregnancy_or_baby" | "abuser_hurt_children" | "weapons" | "threats_to_kill"
        | "sexual_abuse" | "others_feared" | "honour_based_abuse" | "abuser_hurt_others"
        | "animal_abuse" | "abuser_mental_health" | "abuser_suicide_threats" | "breaches"
        | "no_funds_used_to_stop_leaving" | "sponsor_threats" | "children_abroad_threats"
        | "abandon_abroad_threats" | "in_laws_involved" | "servitude_signs"
        | "counter_allegation" => Choice("no"),
        "first_account" => Text("He took my passport and said he would have me sent back."),
        "what_victim_fears" => Text("That he will take the children abroad."),
        "victim_fear" => Choice("very_afraid"),
        "control_frequency" => Choice("often"),
        "coercive_control_kinds" => Choices(&["monitoring", "humiliation"]),
        "rapport_prompts" | "information_sharing" | "support_schemes" => Read,
        "risk_grade" => Grade(
            "high",
            "Strangulation, escalation, separation and documents withheld: serious harm could happen at any time.",
        ),
        "referrals" => Choices(&["idva", "marac", "specialist", "childrens_services"]),
        "support_service_referral" => Referral(&["idva-north"]),
        "safe_contact" => Choice("phone_safe_times"),
        "positive_action" => Choice("arrested"),
        "offences_identified" => Choices(&["controlling_or_coercive_behaviour", "non_fatal_strangulation"]),
        "protection_notice" => Choice("dvpn"),
        "dvds" => Choice("right_to_ask_explained"),
        _ => Choice("yes"),
    }
}

impl QuestionPage<'_> {
    /// Gives `answer` on the screen showing (without pressing Continue).
    pub async fn give(&self, answer: Answer) {
        match answer {
            Answer::Choice(value) => self.choose(value).await,
            Answer::Choices(values) => {
                for value in values {
                    self.choose(value).await;
                }
            }
            Answer::Text(text) => {
                // An amended record comes with its earlier answer: replace it.
                let field = self.0.find("text-answer").await;
                field
                    .clear()
                    .await
                    .unwrap_or_else(|error| panic!("could not clear an answer: {error}"));
                self.type_text(text).await;
            }
            Answer::Set(value) => self.set_value("text-answer", value).await,
            Answer::Grade(grade, rationale) => {
                self.choose(grade).await;
                self.0
                    .find("rationale")
                    .await
                    .send_keys(rationale)
                    .await
                    .unwrap_or_else(|error| panic!("could not type the rationale: {error}"));
            }
            Answer::Referral(services) => {
                self.0.click("consent-yes").await;
                // A device whose directory does not list them (no such service at its force)
                // records that there was no referral from the directory.
                for service in services {
                    let listed = self
                        .0
                        .client
                        .find(fantoccini::Locator::Css(&format!(
                            "[data-testid='service-{service}']"
                        )))
                        .await;
                    match listed {
                        Ok(checkbox) => checkbox.click().await.unwrap_or_else(|error| {
                            panic!("could not pick service {service}: {error}")
                        }),
                        Err(_) => {
                            self.0.click("consent-no").await;
                            return;
                        }
                    }
                }
            }
            Answer::Read => {}
        }
    }

    /// Whether the screen showing says an answer was refused (its error summary).
    pub async fn refused(&self) -> bool {
        self.0
            .client
            .find(fantoccini::Locator::Css("[data-testid='error-summary']"))
            .await
            .is_ok()
    }

    /// Answers every question with [`default_answer`] until check your answers shows.
    pub async fn answer_everything(&self) {
        for _ in 0..140 {
            if CheckAnswers(self.0).is_showing().await {
                return;
            }
            let id = self.current_id().await;
            self.give(default_answer(&id)).await;
            self.continue_on().await;
        }
        panic!("answering every question never reached check your answers");
    }
}

/// Check your answers.
pub struct CheckAnswers<'a>(pub &'a App);

impl CheckAnswers<'_> {
    /// Whether check your answers is the screen showing (now, without waiting).
    pub async fn is_showing(&self) -> bool {
        self.0
            .client
            .find(fantoccini::Locator::Css(
                "[data-testid='check-answers-title']",
            ))
            .await
            .is_ok()
    }

    /// Whether check-your-answers shows a row for `question_id`.
    pub async fn has_row(&self, question_id: &str) -> bool {
        self.0
            .client
            .find(fantoccini::Locator::Css(&format!(
                "[data-testid='summary-{question_id}']"
            )))
            .await
            .is_ok()
    }

    /// Follows the Change link of `question_id`'s row.
    pub async fn change(&self, question_id: &str) {
        let row = self.0.find(&format!("summary-{question_id}")).await;
        row.find(fantoccini::Locator::Css("button"))
            .await
            .unwrap_or_else(|error| panic!("no Change link for {question_id}: {error}"))
            .click()
            .await
            .unwrap_or_else(|error| panic!("could not follow Change for {question_id}: {error}"));
    }

    /// Answers, with [`default_answer`], each question the error summary lists as missing, until
    /// nothing is missing.
    pub async fn complete_missing(&self) {
        let page = QuestionPage(self.0);
        for _ in 0..40 {
            self.title().await;
            let Ok(link) = self
                .0
                .client
                .find(fantoccini::Locator::Css(
                    "[data-testid='error-summary'] button",
                ))
                .await
            else {
                return;
            };
            link.click().await.unwrap_or_else(|error| {
                panic!("could not follow a missing answer's link: {error}")
            });
            let id = page.current_id().await;
            page.give(default_answer(&id)).await;
            page.continue_on().await;
            let next = self
                .0
                .client
                .wait()
                .at_most(crate::WAIT)
                .for_element(fantoccini::Locator::Css(
                    "[data-testid='check-answers-title'], [data-testid='go-check-answers']",
                ))
                .await
                .unwrap_or_else(|error| {
                    panic!("neither a question nor check your answers: {error}")
                });
            if next.attr("data-testid").await.ok().flatten().as_deref() == Some("go-check-answers")
            {
                next.click()
                    .await
                    .unwrap_or_else(|error| panic!("could not go to check your answers: {error}"));
            }
        }
        panic!("check your answers still lists missing answers after 40 rounds");
    }

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

/// The officer's flow driven from the keyboard alone: Tab, the arrow keys, Space, Enter and
/// typing, sent to whatever has focus, as a keyboard user would. The page's state is only read
/// (to know when to stop pressing Tab), never set. One exception, said where it is used: the
/// date-and-time field, which WebKitGTK's WebDriver cannot type into, is set as [`Answer::Set`]
/// does.
pub struct KeyboardPage<'a>(pub &'a App);

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const SPACE: &str = " ";
const ARROW_DOWN: &str = "\u{E015}";

impl KeyboardPage<'_> {
    /// The `data-testid` of the element with focus, and whether it is checked.
    async fn focused(&self) -> (String, bool) {
        let value = self
            .0
            .client
            .execute(
                "const e = document.activeElement;\n\
                 return [e ? (e.getAttribute('data-testid') || e.id || e.tagName) : '', !!(e && e.checked)];",
                vec![],
            )
            .await
            .unwrap_or_default();
        (
            value[0].as_str().unwrap_or_default().to_string(),
            value[1].as_bool().unwrap_or(false),
        )
    }

    /// Presses `keys`, one after another, as the keyboard does (WebDriver key actions, which
    /// go to whatever has focus: the browser moves focus on Tab as it would for a person).
    async fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.0
            .client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|error| panic!("could not press keys: {error}"));
    }

    /// Presses Tab until the element `test_id` has focus.
    async fn tab_to(&self, test_id: &str) {
        let mut seen = Vec::new();
        // Check your answers has a Change button per answer before Finalise.
        for _ in 0..250 {
            let focused = self.focused().await.0;
            if focused == test_id {
                return;
            }
            seen.push(focused);
            self.press(TAB).await;
        }
        panic!("Tab never reached {test_id}; focus went {seen:?}");
    }

    /// Tabs to the button `test_id` and presses Enter.
    pub async fn activate(&self, test_id: &str) {
        // A new screen puts focus on its heading; wait for the button first.
        self.0.find(test_id).await;
        self.tab_to(test_id).await;
        self.press(ENTER).await;
    }

    /// Picks the radio button `test_id` of its group: Tab into the group, then the arrow keys
    /// (which select as they move), or Space if focus landed on it unselected.
    async fn pick_radio(&self, test_id: &str, first_of_group: &str) {
        for _ in 0..60 {
            let (focused, _) = self.focused().await;
            if focused.starts_with(first_of_group) || focused == test_id {
                break;
            }
            self.press(TAB).await;
        }
        for _ in 0..12 {
            let (focused, checked) = self.focused().await;
            if focused == test_id {
                if !checked {
                    self.press(SPACE).await;
                }
                return;
            }
            self.press(ARROW_DOWN).await;
        }
        panic!("the arrow keys never reached {test_id}");
    }

    /// Gives `answer` to the question showing, from the keyboard.
    pub async fn give(&self, answer: Answer) {
        match answer {
            Answer::Choice(value) => self.pick_radio(&format!("choice-{value}"), "choice-").await,
            Answer::Choices(values) => {
                for value in values {
                    self.tab_to(&format!("choice-{value}")).await;
                    self.press(SPACE).await;
                }
            }
            Answer::Text(text) => {
                self.tab_to("text-answer").await;
                self.press(text).await;
            }
            // WebKitGTK's WebDriver cannot type into a date-and-time field (see Answer::Set).
            Answer::Set(value) => QuestionPage(self.0).set_value("text-answer", value).await,
            Answer::Grade(grade, rationale) => {
                self.pick_radio(&format!("choice-{grade}"), "choice-").await;
                self.tab_to("rationale").await;
                self.press(rationale).await;
            }
            Answer::Referral(services) => {
                self.pick_radio("consent-yes", "consent-").await;
                for service in services {
                    self.tab_to(&format!("service-{service}")).await;
                    self.press(SPACE).await;
                }
            }
            Answer::Read => {}
        }
    }
}
