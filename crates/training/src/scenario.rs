//! Scenario packs: the documented, versioned format a trainer's incident is written in, read
//! with unknown fields refused and every question it names checked against the form pack it
//! runs on. See `docs/scenario-pack.md`; the JSON Schema is generated from these types
//! ([`scenario_schema`]).

use firstline_form::{AnswerValue, Grade, KindName, Pack};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;

/// The scenario-pack format this build reads and writes.
pub const SCENARIO_FORMAT: u32 = 1;

/// A scripted incident for scenario mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// [`SCENARIO_FORMAT`].
    pub format: u32,
    /// Stable id: lower-case letters, digits and hyphens.
    pub id: String,
    /// The scenario's own version.
    pub version: String,
    /// What the trainer picks it by.
    pub title: String,
    /// The form pack it runs on, by content hash.
    pub form_pack: FormPackRef,
    /// The facts it rests on, each naming its section of `DOMAIN.md`.
    pub rests_on: Vec<String>,
    /// The incident brief the trainee reads before starting.
    pub brief: String,
    /// The scripted victim.
    pub victim: Victim,
    /// What happens during the run, triggered by time or by an answer.
    #[serde(default)]
    pub injects: Vec<Inject>,
    /// The practice the debrief scores against.
    pub expected: Expected,
}

/// The form pack a scenario runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormPackRef {
    /// The pack's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Its content hash (SHA-256 of the canonical encoding).
    pub hash: String,
}

/// The scripted victim: a reply to each question the trainee asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Victim {
    /// A made-up name (the data is synthetic).
    pub name: String,
    /// For each question, its replies; the first whose conditions all hold is the one given.
    /// A question with no reply that holds gets [`Victim::no_reply`].
    pub replies: Vec<Reply>,
    /// What the victim says to a question the script does not cover.
    pub no_reply: String,
}

/// What the victim says when asked one question, in given circumstances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The question (an id of the form pack).
    pub question: String,
    /// Conditions on what the trainee recorded before; all must hold (none: always).
    #[serde(default)]
    pub when: Vec<Condition>,
    /// The victim's words.
    pub says: String,
    /// The answer these words support, for the debrief to compare with what the trainee
    /// recorded; absent when the reply supports none (silence, holding back).
    #[serde(default)]
    pub means: Option<AnswerValue>,
    /// False when the reply cannot be relied on (a relative interprets, the victim holds
    /// back): the debrief flags an answer recorded from it.
    #[serde(default = "yes")]
    pub reliable: bool,
}

fn yes() -> bool {
    true
}

/// A condition on what the trainee has recorded so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The question whose recorded answer is looked at.
    pub question: String,
    /// The choice values that satisfy it; `unanswered` matches a question with no answer.
    pub is: Vec<String>,
}

/// Something that happens during the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// Stable id.
    pub id: String,
    /// When it happens.
    pub trigger: Trigger,
    /// What the trainee is told.
    pub says: String,
}

/// When an inject happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// This many seconds after the run starts.
    AfterSeconds(u32),
    /// As soon as this question has an answer recorded.
    AfterAnswer(String),
}

/// The practice a run is scored against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The safeguarding steps, in the order they should be completed.
    pub first_steps: Vec<Step>,
    /// Questions that may come before the steps (the incident's reference and time).
    #[serde(default)]
    pub may_come_first: Vec<String>,
    /// Whether the victim needs an interpreter (a professional one, never the suspect, a
    /// relative, a friend or a child).
    pub interpreter_needed: bool,
    /// The questions that ask about coercive control; the first is the one that must be
    /// asked, the others should be. None: not to be asked in this incident (the victim
    /// cannot talk safely).
    pub coercive_control: Vec<String>,
    /// The grades that fit the incident.
    pub grade: GradeRange,
    /// The values of the `referrals` question the incident calls for.
    pub referrals: Vec<String>,
    /// Questions that must never be asked in this incident.
    #[serde(default)]
    pub never_ask: Vec<String>,
    /// What good practice records in this incident (a child seen, medical help after a
    /// strangulation, a safe way to make contact): each question's last answer must be one of
    /// the values given.
    #[serde(default)]
    pub key_actions: Vec<Condition>,
    /// Minutes a good run takes at most.
    pub minutes: u32,
}

/// One safeguarding step: complete once each of its questions that is shown has an answer
/// (and, where it names a gate, once that gate is open or deferred), and still so at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable id (`immediate_safety`, `medical`, `children`, `privacy_and_language`,
    /// `safety_advice`).
    pub id: String,
    /// Its questions.
    pub questions: Vec<String>,
    /// A gate of the form the step is done only once open (or deferred, as when the victim
    /// cannot talk safely): privacy is not secured while the suspect interprets, however it was
    /// answered.
    #[serde(default)]
    pub done_when_gate: Option<String>,
}

/// The lowest and highest grade that fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeRange {
    /// Lowest.
    pub at_least: Grade,
    /// Highest.
    pub at_most: Grade,
}

/// The JSON Schema of the scenario-pack format, as `scenarios/scenario-pack.schema.json`
/// holds it.
pub fn scenario_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Scenario)).unwrap_or_default()
}

impl Scenario {
    /// Reads a scenario (its JSON value) and checks it against the form pack it runs on.
    pub fn load(value: serde_json::Value, pack: &Pack) -> Result<Scenario, ScenarioError> {
        let format = value.get("format").and_then(serde_json::Value::as_u64);
        if let Some(format) = format.filter(|format| *format != u64::from(SCENARIO_FORMAT)) {
            return Err(ScenarioError::UnsupportedFormat { format });
        }
        let scenario: Scenario =
            serde_json::from_value(value).map_err(|error| ScenarioError::Malformed {
                detail: error.to_string(),
            })?;
        scenario.check(pack)?;
        Ok(scenario)
    }

    /// The reply the victim gives to `question` given the trainee's recorded answers.
    pub fn reply_to<'a>(
        &'a self,
        question: &str,
        recorded: impl Fn(&str) -> Option<&'a str> + Copy,
    ) -> Option<&'a Reply> {
        self.victim.replies.iter().find(|reply| {
            reply.question == question
                && reply.when.iter().all(|condition| {
                    let answer = recorded(&condition.question).unwrap_or("unanswered");
                    condition.is.iter().any(|value| value == answer)
                })
        })
    }

    /// Every value a scenario compares with an answer fits its question: the choices a
    /// condition or key action names, and the kind and choices of what a reply means.
    fn check_values(&self, pack: &Pack) -> Result<(), String> {
        let question = |id: &str| {
            pack.file()
                .sections
                .iter()
                .flat_map(|section| &section.questions)
                .find(|question| question.id == id)
        };
        let values = |id: &str| -> Option<Vec<String>> {
            let question = question(id)?;
            match question.kind {
                KindName::YesNoUnknown => Some(vec!["yes".into(), "no".into(), "unknown".into()]),
                KindName::SingleChoice | KindName::MultipleChoice => Some(
                    question
                        .choices
                        .iter()
                        .flatten()
                        .map(|choice| choice.value.clone())
                        .collect(),
                ),
                _ => None,
            }
        };
        let unknown_value = |what: &str, id: &str, value: &str| {
            format!("{what} on {id} names {value:?}, which is not one of its choices")
        };
        for reply in &self.victim.replies {
            for condition in &reply.when {
                let allowed = values(&condition.question).ok_or_else(|| {
                    format!(
                        "a reply's condition is on {}, which takes no choice",
                        condition.question
                    )
                })?;
                if let Some(value) = condition
                    .is
                    .iter()
                    .find(|value| *value != "unanswered" && !allowed.contains(value))
                {
                    return Err(unknown_value(
                        "a reply's condition",
                        &condition.question,
                        value,
                    ));
                }
            }
            if let Some(means) = &reply.means {
                let kind = question(&reply.question).map(|question| question.kind);
                let fits = match (means, kind) {
                    (
                        AnswerValue::Choice(value),
                        Some(KindName::YesNoUnknown | KindName::SingleChoice),
                    ) => values(&reply.question).is_some_and(|allowed| allowed.contains(value)),
                    (AnswerValue::Choices(picked), Some(KindName::MultipleChoice)) => {
                        values(&reply.question).is_some_and(|allowed| {
                            picked.iter().all(|value| allowed.contains(value))
                        })
                    }
                    (AnswerValue::Text(_), Some(KindName::ShortText | KindName::LongText))
                    | (AnswerValue::Number(_), Some(KindName::Number))
                    | (AnswerValue::DateTime(_), Some(KindName::DateTime))
                    | (AnswerValue::Grade { .. }, Some(KindName::RiskGrade))
                    | (AnswerValue::Referral { .. }, Some(KindName::DirectoryReferral)) => true,
                    _ => false,
                };
                if !fits {
                    return Err(format!(
                        "a reply to {} means an answer that question cannot take",
                        reply.question
                    ));
                }
            }
        }
        for action in &self.expected.key_actions {
            let allowed = values(&action.question).ok_or_else(|| {
                format!(
                    "a key action is on {}, which takes no choice",
                    action.question
                )
            })?;
            if let Some(value) = action.is.iter().find(|value| !allowed.contains(value)) {
                return Err(unknown_value("a key action", &action.question, value));
            }
        }
        Ok(())
    }

    fn check(&self, pack: &Pack) -> Result<(), ScenarioError> {
        let invalid = |problem: String| {
            Err(ScenarioError::Invalid {
                scenario: self.id.clone(),
                problem,
            })
        };
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return invalid("its id must be lower-case letters, digits and hyphens".into());
        }
        let form = &self.form_pack;
        if (form.id.as_str(), form.version.as_str(), form.hash.as_str())
            != (pack.id(), pack.version(), pack.content_hash())
        {
            return Err(ScenarioError::OtherFormPack {
                scenario: self.id.clone(),
                wants: format!("{} {} ({})", form.id, form.version, form.hash),
                given: format!("{} {} ({})", pack.id(), pack.version(), pack.content_hash()),
            });
        }
        if self.rests_on.is_empty() {
            return invalid("it must name the DOMAIN.md facts it rests on (rests_on)".into());
        }
        for text in [&self.title, &self.brief, &self.victim.name] {
            if text.trim().is_empty() {
                return invalid("its title, brief and victim's name must not be blank".into());
            }
        }
        let known = |question: &str| {
            pack.file().sections.iter().any(|section| {
                section
                    .questions
                    .iter()
                    .any(|candidate| candidate.id == question)
            })
        };
        let mut named: Vec<(&str, &str)> = Vec::new();
        for reply in &self.victim.replies {
            named.push(("a reply", &reply.question));
            for condition in &reply.when {
                named.push(("a reply's condition", &condition.question));
            }
        }
        for inject in &self.injects {
            if let Trigger::AfterAnswer(question) = &inject.trigger {
                named.push(("an inject", question));
            }
        }
        let expected = &self.expected;
        for step in &expected.first_steps {
            if step.questions.is_empty() {
                return invalid(format!("step {} names no question", step.id));
            }
            for question in &step.questions {
                named.push(("a step", question));
            }
        }
        for action in &expected.key_actions {
            named.push(("a key action", &action.question));
        }
        for (what, list) in [
            ("may_come_first", &expected.may_come_first),
            ("coercive_control", &expected.coercive_control),
            ("never_ask", &expected.never_ask),
        ] {
            for question in list {
                named.push((what, question));
            }
        }
        if let Some((what, question)) = named.iter().find(|(_, question)| !known(question)) {
            return invalid(format!(
                "{what} names {question}, which the form pack does not have"
            ));
        }
        self.check_values(pack).or_else(invalid)?;
        for step in &expected.first_steps {
            if let Some(gate) = &step.done_when_gate {
                if !pack.file().gates.iter().any(|known| &known.id == gate) {
                    return invalid(format!(
                        "step {} names the gate {gate}, which the form pack does not have",
                        step.id
                    ));
                }
            }
        }
        let mut unconditional: Vec<&str> = Vec::new();
        for reply in &self.victim.replies {
            if unconditional.contains(&reply.question.as_str()) {
                return invalid(format!(
                    "a reply to {} can never be given: an earlier reply to it has no condition",
                    reply.question
                ));
            }
            if reply.when.is_empty() {
                unconditional.push(&reply.question);
            }
        }
        if expected.first_steps.is_empty() {
            return invalid("it must list the safeguarding steps (first_steps)".into());
        }
        if expected.grade.at_least > expected.grade.at_most {
            return invalid("its grade range is upside down".into());
        }
        if expected.minutes == 0 {
            return invalid("its minutes must be at least 1".into());
        }
        let referral_values: Vec<&str> = pack
            .file()
            .sections
            .iter()
            .flat_map(|section| &section.questions)
            .filter(|question| question.id == crate::REFERRALS)
            .flat_map(|question| question.choices.iter().flatten())
            .map(|choice| choice.value.as_str())
            .collect();
        if let Some(unknown) = expected
            .referrals
            .iter()
            .find(|value| !referral_values.contains(&value.as_str()))
        {
            return invalid(format!(
                "it expects the referral {unknown}, which the form pack's {} question does not offer",
                crate::REFERRALS
            ));
        }
        let mut ids: Vec<&str> = self
            .injects
            .iter()
            .map(|inject| inject.id.as_str())
            .collect();
        ids.sort_unstable();
        if ids.windows(2).any(|pair| pair[0] == pair[1]) {
            return invalid("two injects share an id".into());
        }
        Ok(())
    }
}
