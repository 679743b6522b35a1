//! The form engine's errors, named in its own terms. Messages name packs, places and questions
//! by id, never an answer's value.

use serde::Serialize;
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
    /// A condition outside a gate's sections reads a question behind that gate: what is shown
    /// or required outside would give the gated answer away.
    #[error("form pack {pack}: {place} reads {question}, which is behind the gate {gate}; only risk guidance may read a gated question")]
    ReadsBehindGate {
        /// The pack's id.
        pack: String,
        /// Where the condition is (for example `question q2 show_if`).
        place: String,
        /// The gated question it reads.
        question: String,
        /// The gate in front of that question.
        gate: String,
    },
    /// A condition whose outcome can show in the main record (a records-sealed section's or
    /// question's, or a gate's) reads a question sealed to the safeguarding key.
    #[error("form pack {pack}: {place} reads {question}, which is sealed to the safeguarding key; only risk guidance and that section's own conditions may read it")]
    ReadsSafeguardingSection {
        /// The pack's id.
        pack: String,
        /// Where the condition is.
        place: String,
        /// The safeguarding-sealed question it reads.
        question: String,
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
#[derive(Debug, Error, PartialEq)]
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
    #[error("{problem}")]
    Invalid {
        /// The question's id.
        question: String,
        /// What is wrong, with its parameters (never the refused value).
        problem: AnswerProblem,
    },
}

/// Why an answer does not fit its question: a stable kind with parameters, so that each client
/// words it in the officer's language. `Display` is the English wording, for logs and tools.
#[derive(Debug, Clone, Copy, Error, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerProblem {
    /// A single choice that is not one of the question's choices.
    #[error("Select one of the options")]
    NotAChoice,
    /// A multiple-choice answer with nothing picked.
    #[error("Select at least one option")]
    NoneSelected,
    /// A multiple-choice answer with a value not offered, or one picked twice.
    #[error("Select only the options shown, each once")]
    UnlistedChoice,
    /// Text that is empty or only spaces.
    #[error("Enter an answer")]
    Blank,
    /// Text holding a character that cannot be stored (NUL).
    #[error("The answer holds a character that cannot be saved")]
    BadCharacter,
    /// Text longer than the question allows.
    #[error("Answer must be {max} characters or fewer")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A number outside the question's range (or not a finite number).
    #[error("Enter a number from {} to {}", show_number(*min), show_number(*max))]
    NumberOutOfRange {
        /// The smallest allowed.
        min: f64,
        /// The largest allowed.
        max: f64,
    },
    /// Not a real date and time in `YYYY-MM-DDTHH:MM`.
    #[error("Enter a real date and time, for example 2026-11-25T07:30")]
    BadDateTime,
    /// A grade rationale shorter than the pack asks for.
    #[error("Write your rationale for the grade: at least {min} characters")]
    RationaleTooShort {
        /// The fewest characters allowed.
        min: usize,
    },
    /// A grade below the guidance without confirming that each risk factor it names was
    /// weighed (or naming a factor that is not present).
    #[error(
        "You are grading below the guidance: confirm you have weighed each risk factor it names"
    )]
    FactorsNotWeighed,
    /// A referral to services without the victim's consent.
    #[error("Refer only with the victim's agreement: without it, pick no service")]
    ReferralWithoutConsent,
    /// An answer sent for an information screen.
    #[error("This screen takes no answer")]
    TakesNoAnswer,
    /// An answer of another kind than the question takes.
    #[error("This answer is not of the kind the question takes")]
    WrongKind,
}

/// A number as the officer would write it: whole numbers without a decimal point.
pub(crate) fn show_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}
