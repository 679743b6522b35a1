//! The form-pack file format, as serde reads it: sections, questions, their kinds and labels in
//! each language, gates and risk factors. Conditions are kept here as their source text;
//! `pack.rs` checks and compiles them. Documented in docs/form-pack.md, schema in
//! forms/form-pack.schema.json.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A language a pack carries labels in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// Welsh (Cymraeg).
    Cy,
}

impl Language {
    /// Every language a pack must carry.
    pub const ALL: [Language; 2] = [Language::En, Language::Cy];

    /// The language's code as it appears in pack files.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Cy => "cy",
        }
    }
}

/// A text with one translation per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct LocalText(pub BTreeMap<Language, String>);

impl LocalText {
    /// The text in `language`. Loading guarantees every language is present.
    pub fn get(&self, language: Language) -> &str {
        self.0
            .get(&language)
            .or_else(|| self.0.get(&Language::En))
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The languages this text is missing.
    pub fn missing_languages(&self) -> impl Iterator<Item = Language> + '_ {
        Language::ALL.into_iter().filter(|language| {
            self.0
                .get(language)
                .is_none_or(|text| text.trim().is_empty())
        })
    }
}

/// A risk grade, lowest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    /// No current evidence of likely serious harm.
    Standard,
    /// Identifiable indicators; harm unlikely unless circumstances change.
    Medium,
    /// Identifiable indicators; harm could happen at any time and would be serious.
    High,
}

/// A versioned form pack, as written in a pack file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormPack {
    /// The file format's version; this engine reads format 1.
    pub format: u32,
    /// Stable identifier of the pack (for example `firstline-default`).
    pub id: String,
    /// The pack's version; every assessment records the version it used.
    pub version: String,
    /// The pack's title, shown on screen.
    pub title: LocalText,
    /// A note shown with the pack (for the default pack: that a force replaces its wording).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<LocalText>,
    /// Languages whose wording is still awaiting review by a translator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awaiting_review: Vec<Language>,
    /// Named sets of conditions that a section can sit behind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gates: Vec<Gate>,
    /// Sections, in the order the officer meets them.
    pub sections: Vec<Section>,
    /// Risk factors shown to the officer as guidance beside the grade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_factors: Vec<RiskFactor>,
}

/// A gate: the section behind it is neither shown nor answerable until every condition holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// Identifier, named by the sections behind it.
    pub id: String,
    /// What opens, as the gate panel names it (for example "Migrant victim support").
    pub title: LocalText,
    /// Every condition that must hold, each with the words the gate panel shows while it fails.
    pub conditions: Vec<GateCondition>,
    /// Whether the assessment cannot be finalised while this gate is closed (unless deferred).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blocks_finalise: bool,
    /// When the questions behind the gate may wait: while the gate is closed and this holds,
    /// it is deferred (its sections stay hidden, the record may be finalised and says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defer: Option<GateCondition>,
}

/// One condition of a gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateCondition {
    /// The condition, in the condition language.
    pub when: String,
    /// What must be done, in plain words (never a gated question's text).
    pub description: LocalText,
}

/// A titled group of questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Identifier, unique across the pack.
    pub id: String,
    /// Title shown in the progress view.
    pub title: LocalText,
    /// The gate this section sits behind, if any: it decides when the section is shown, never
    /// which key seals it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
    /// Which of the force's keys the section's answers are sealed to at finalise: the records
    /// key, or, for the section only the safeguarding unit may read, the safeguarding key.
    /// Left out, a section behind a gate is sealed to the safeguarding key (as packs written
    /// before this field were) and any other to the records key: the safer reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_to: Option<SealedTo>,
    /// Shown only when this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<String>,
    /// Questions in the order they are asked.
    pub questions: Vec<Question>,
}

/// Which of the force's keys a section's answers are sealed to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SealedTo {
    /// The force's records key: the main record.
    Records,
    /// The force's safeguarding key only: the records side can never open it.
    Safeguarding,
}

impl SealedTo {
    /// The name pack files and audit entries use.
    pub fn name(self) -> &'static str {
        match self {
            SealedTo::Records => "records",
            SealedTo::Safeguarding => "safeguarding",
        }
    }
}

/// A risk factor: when its condition holds, the guidance beside the grade names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskFactor {
    /// Identifier.
    pub id: String,
    /// When the factor is present.
    pub when: String,
    /// How the guidance names it.
    pub label: LocalText,
    /// The lowest grade the guidance suggests when it is present.
    pub suggests: Grade,
}

/// A choice in a single- or multiple-choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The value stored when this choice is picked.
    pub value: String,
    /// The choice as the officer reads it.
    pub label: LocalText,
    /// A warning shown when this choice is picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<LocalText>,
}

/// Who keeps an information screen true, and by when it must be reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InformationOwner {
    /// The team that owns the wording.
    pub owner: String,
    /// The date (YYYY-MM-DD) by which it must be reviewed.
    pub review_by: String,
}

/// One question (or information screen): one screen in the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Identifier, unique across the pack.
    pub id: String,
    /// What kind of answer it takes.
    pub kind: KindName,
    /// The question as the officer reads it (an information screen's heading).
    pub label: LocalText,
    /// Guidance shown under the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<LocalText>,
    /// Whether the assessment cannot be finished without an answer.
    #[serde(default)]
    pub required: bool,
    /// Shown only when this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<String>,
    /// Required (when shown) only when this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_if: Option<String>,
    /// Choices, for single and multiple choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
    /// Longest answer, for short and long text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<usize>,
    /// Smallest number accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest number accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Shortest rationale, for a risk grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rationale_chars: Option<usize>,
    /// Shortest rationale for a risk grade below the one the guidance suggests (the officer
    /// then also confirms each factor was weighed). Left out, `min_rationale_chars`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rationale_chars_below_guidance: Option<usize>,
    /// The text of an information screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<LocalText>,
    /// Who owns an information screen's wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information: Option<InformationOwner>,
    /// Prompts shown at once when a given answer is picked, by the answer's value (for
    /// yes/no questions `yes`, `no` or `unknown`; for choice questions a choice's value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<BTreeMap<String, LocalText>>,
}

/// The kinds of question a pack can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindName {
    /// Yes, no or don't know.
    YesNoUnknown,
    /// One of `choices`.
    SingleChoice,
    /// Any of `choices`.
    MultipleChoice,
    /// A line of text up to `max_chars`.
    ShortText,
    /// Paragraphs of text up to `max_chars`.
    LongText,
    /// A number between `min` and `max`.
    Number,
    /// A date and time, `YYYY-MM-DDTHH:MM`.
    DateTime,
    /// Standard, medium or high, with a written rationale of at least `min_rationale_chars`.
    RiskGrade,
    /// Support services picked from the force's directory as it is on the device at the time,
    /// with the victim's consent to the referral.
    DirectoryReferral,
    /// Text to read or show the victim; takes no answer.
    Information,
}

/// An answer as it crosses from the officer to the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    /// The value of a picked choice; yes/no/don't know answers use `yes`, `no` and `unknown`.
    Choice(String),
    /// The values of the picked choices of a multiple-choice question.
    Choices(Vec<String>),
    /// Free text.
    Text(String),
    /// A number.
    Number(f64),
    /// A date and time, `YYYY-MM-DDTHH:MM`.
    DateTime(String),
    /// Services from the directory the victim agrees to be referred to (none when they do
    /// not agree), each kept with its name as the directory gave it then.
    Referral {
        /// The services picked.
        services: Vec<ReferredService>,
        /// Whether the victim agrees to the referral.
        consent: bool,
    },
    /// The officer's grade and the reasons for it.
    Grade {
        /// The grade chosen.
        grade: Grade,
        /// Why, in the officer's words.
        rationale: String,
        /// Grading below the guidance: the ids of the risk factors the officer confirms were
        /// weighed (each one the guidance names must be).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        weighed: Vec<String>,
    },
}

/// A service from the support-services directory, as a referral keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferredService {
    /// The directory's id for it.
    pub id: String,
    /// Its name when it was picked (the engine takes it from the directory, not the caller).
    pub name: String,
}

/// A service in the force's support-services directory, as the app gives it to the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    /// The directory's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// How to reach it.
    pub contact: String,
    /// What it offers, in a few words.
    pub description: String,
}

/// The JSON Schema of a pack file (format 1), as committed in forms/form-pack.schema.json.
pub fn pack_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(FormPack)).unwrap_or_default()
}
