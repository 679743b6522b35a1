//! Why scenario mode refused something.

use firstline_form::AnswerError;
use firstline_training::ScenarioError;
use firstline_vault::VaultError;
use thiserror::Error;

/// A refusal from scenario mode.
#[derive(Debug, Error)]
pub enum TrainingError {
    /// The device's policy does not allow scenario mode.
    #[error("this device's policy does not allow scenario mode")]
    Forbidden,
    /// The training store (its file, its PIN, its records).
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// A scenario that cannot be used.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The form engine refused an answer (a closed gate among others), as in live use.
    #[error(transparent)]
    Answer(#[from] AnswerError),
    /// No scenario, class, trainee or run with that id.
    #[error("no {what} {id} in scenario mode")]
    Unknown {
        /// What was looked for.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// A trainee's run is needed and none is going, or one is going and another was asked.
    #[error("{0}")]
    NotNow(&'static str),
    /// A trainee's name that cannot be kept.
    #[error("a trainee's name must be 1 to 60 characters with no control characters, and a class 1 to 40 different names")]
    BadTraineeName,
    /// A report or CSV could not be written.
    #[error("{0}")]
    NotWritten(String),
}
