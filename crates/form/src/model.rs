//! The form-pack model: sections, questions, their kinds and labels in each language.
//!
//! This is data only. Loading and checking a pack lives in `pack.rs`; walking one assessment
//! through it lives in `engine.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A language a pack carries labels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalText(pub BTreeMap<Language, String>);

impl LocalText {
    /// The text in `language`. Loading guarantees every language is present, so this falls back
    /// to English only for packs built by hand in tests.
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

/// A versioned form pack: the questions an assessment walks through, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormPack {
    /// Stable identifier of the pack (for example `firstline-default`).
    pub id: String,
    /// The pack's version; every assessment records the version it used.
    pub version: String,
    /// The pack's title, shown on screen.
    pub title: LocalText,
    /// A note shown with the pack (for the default pack: that a force replaces its wording).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<LocalText>,
    /// Sections, in the order the officer meets them.
    pub sections: Vec<Section>,
}

/// A titled group of questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Identifier, unique across the pack.
    pub id: String,
    /// Title shown in the progress view.
    pub title: LocalText,
    /// Questions in the order they are asked.
    pub questions: Vec<Question>,
}

/// One question: one screen in the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "QuestionFile", into = "QuestionFile")]
pub struct Question {
    /// Identifier, unique across the pack.
    pub id: String,
    /// What kind of answer it takes.
    pub kind: QuestionKind,
    /// The question as the officer reads it.
    pub label: LocalText,
    /// Guidance shown under the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<LocalText>,
    /// Whether the assessment cannot be finished without an answer.
    #[serde(default)]
    pub required: bool,
}

/// A choice in a single- or multiple-choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The value stored when this choice is picked.
    pub value: String,
    /// The choice as the officer reads it.
    pub label: LocalText,
}

/// The kinds of question a pack can hold.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    /// Yes, no or don't know.
    YesNoUnknown,
    /// One of a fixed list.
    SingleChoice {
        /// The choices, in display order.
        choices: Vec<Choice>,
    },
    /// A short line of text.
    ShortText {
        /// Longest answer accepted, in characters.
        max_chars: usize,
    },
}

/// An answer as it crosses from the officer to the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    /// The value of a picked choice; yes/no/don't know answers use `yes`, `no` and `unknown`.
    Choice(String),
    /// Free text.
    Text(String),
}

/// A question as written in a pack file: the kind is a name, and the fields a kind needs sit
/// beside it. Kept apart from [`Question`] so that unknown fields are refused (serde cannot refuse
/// them through a flattened enum) and a kind missing its fields is named.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    id: String,
    kind: KindName,
    label: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    help: Option<LocalText>,
    #[serde(default)]
    required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    choices: Option<Vec<Choice>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_chars: Option<usize>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindName {
    YesNoUnknown,
    SingleChoice,
    ShortText,
}

impl TryFrom<QuestionFile> for Question {
    type Error = String;

    fn try_from(file: QuestionFile) -> Result<Self, Self::Error> {
        let kind = match (file.kind, file.choices, file.max_chars) {
            (KindName::YesNoUnknown, None, None) => QuestionKind::YesNoUnknown,
            (KindName::SingleChoice, Some(choices), None) => QuestionKind::SingleChoice { choices },
            (KindName::ShortText, None, Some(max_chars)) => QuestionKind::ShortText { max_chars },
            (KindName::SingleChoice, None, _) => {
                return Err(format!("question {}: single_choice needs choices", file.id))
            }
            (KindName::ShortText, _, None) => {
                return Err(format!("question {}: short_text needs max_chars", file.id))
            }
            (kind, _, _) => {
                return Err(format!(
                    "question {}: {kind:?} takes neither choices nor max_chars beyond its own",
                    file.id
                ))
            }
        };
        Ok(Question {
            id: file.id,
            kind,
            label: file.label,
            help: file.help,
            required: file.required,
        })
    }
}

impl From<Question> for QuestionFile {
    fn from(question: Question) -> Self {
        let (kind, choices, max_chars) = match question.kind {
            QuestionKind::YesNoUnknown => (KindName::YesNoUnknown, None, None),
            QuestionKind::SingleChoice { choices } => (KindName::SingleChoice, Some(choices), None),
            QuestionKind::ShortText { max_chars } => (KindName::ShortText, None, Some(max_chars)),
        };
        QuestionFile {
            id: question.id,
            kind,
            label: question.label,
            help: question.help,
            required: question.required,
            choices,
            max_chars,
        }
    }
}
