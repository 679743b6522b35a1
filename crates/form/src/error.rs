//! The form engine's errors, named in its own terms. Messages name packs, places and questions
//! by id, never an answer's value.

use thiserror::Error;

/// Why a form pack could not be loaded. Every variant names the pack and the place.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PackError {
    /// The bytes are not a pack in the documented format.
    #[error("form pack is not valid: {detail}")]
    Malformed {
        /// What the parser found, with line and column.
        detail: String,
    },
    /// The pack is written in a format version this engine does not read.
    #[error("form pack {pack} is in format {format}; this app reads format 1")]
    UnsupportedFormat {
        /// The pack's id.
        pack: String,
        /// The format it claims.
        format: u32,
    },
    /// The pack carries no signature.
    #[error("form pack is not signed; only packs signed by your force can be used")]
    Unsigned,
    /// The pack is signed by a key this app does not trust.
    #[error("form pack {pack} is signed by an unknown key {key_id}")]
    UnknownKey {
        /// The pack's id, as it claims.
        pack: String,
        /// The key id it names.
        key_id: String,
    },
    /// The signature does not match the content: the pack was changed after signing.
    #[error("form pack {pack} has been changed since it was signed; it cannot be used")]
    Tampered {
        /// The pack's id, as it claims.
        pack: String,
    },
    /// Two questions or sections (or gates, choices, factors) share an id.
    #[error("form pack {pack}: the id {id:?} is used more than once")]
    DuplicateId {
        /// The pack's id.
        pack: String,
        /// The repeated id.
        id: String,
    },
    /// A text lacks a translation.
    #[error("form pack {pack}: {place} has no {language} text")]
    MissingTranslation {
        /// The pack's id.
        pack: String,
        /// Where the text is (for example `question q1 label`).
        place: String,
        /// The language code that is missing.
        language: &'static str,
    },
    /// A question is not usable as written.
    #[error("form pack {pack}: question {question}: {problem}")]
    InvalidQuestion {
        /// The pack's id.
        pack: String,
        /// The question's id.
        question: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A condition does not parse.
    #[error("form pack {pack}: {place}: the condition {condition:?} does not parse {problem}")]
    BadCondition {
        /// The pack's id.
        pack: String,
        /// Where the condition is (for example `question q2 show_if`).
        place: String,
        /// The condition as written.
        condition: String,
        /// Where and what.
        problem: String,
    },
    /// A condition parses but does not fit the pack (unknown question, unlisted choice…).
    #[error("form pack {pack}: {place}: {problem}")]
    ConditionDoesNotFit {
        /// The pack's id.
        pack: String,
        /// Where the condition is.
        place: String,
        /// What does not fit.
        problem: String,
    },
    /// A section names a gate that does not exist.
    #[error("form pack {pack}: section {section} sits behind an unknown gate {gate:?}")]
    UnknownGate {
        /// The pack's id.
        pack: String,
        /// The section.
        section: String,
        /// The gate it names.
        gate: String,
    },
    /// Conditions depend on each other in a circle.
    #[error("form pack {pack}: conditions depend on each other in a circle: {cycle}")]
    Cycle {
        /// The pack's id.
        pack: String,
        /// The circle, as `a -> b -> a`.
        cycle: String,
    },
    /// The pack holds no question at all.
    #[error("form pack {pack} has no questions")]
    Empty {
        /// The pack's id.
        pack: String,
    },
}

/// Why an answer was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum AnswerError {
    /// No question with that id is in the pack.
    #[error("there is no question {question} in this form")]
    UnknownQuestion {
        /// The id that was asked for.
        question: String,
    },
    /// The question sits behind a gate that is closed.
    #[error("this question is not open yet: {gate_title} opens when the safeguarding steps are complete")]
    Gated {
        /// The question's id.
        question: String,
        /// The gate's id.
        gate: String,
        /// The gate's title.
        gate_title: String,
    },
    /// The question is not shown, given the answers so far.
    #[error("question {question} is not asked, given the answers so far")]
    NotShown {
        /// The question's id.
        question: String,
    },
    /// The answer does not fit the question (wrong kind, unknown choice, too long).
    #[error("{message}")]
    Invalid {
        /// The question's id.
        question: String,
        /// What the officer should do, in plain words (never the refused value).
        message: String,
    },
}
