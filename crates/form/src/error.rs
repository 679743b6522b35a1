//! The form engine's errors, named in its own terms. Messages name packs and questions by id,
//! never an answer's value.

use thiserror::Error;

/// Why a form pack could not be loaded.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PackError {
    /// The bytes are not a pack in the documented format.
    #[error("form pack is not valid: {detail}")]
    Malformed {
        /// What the parser found, with line and column.
        detail: String,
    },
    /// Two questions or sections share an id.
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
    /// The answer does not fit the question (wrong kind, unknown choice, too long).
    #[error("{message}")]
    Invalid {
        /// The question's id.
        question: String,
        /// What the officer should do, in plain words (never the refused value).
        message: String,
    },
}
