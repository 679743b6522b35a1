//! A run's timeline: every moment of a trainee's run, in order, with its time. The data is
//! synthetic (the scripted victim's words and what the trainee recorded from them), so it is
//! kept whole: question ids, replies shown, answers, refusals, injects.

use firstline_form::AnswerValue;
use serde::{Deserialize, Serialize};

/// One moment of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Moment {
    /// Milliseconds since the run started.
    pub at_ms: u64,
    /// What happened.
    pub event: Event,
}

/// What can happen in a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The trainee asked a question (its screen, or "Ask about…"), and the victim replied.
    Asked {
        /// The question.
        question: String,
        /// What the victim said.
        reply: String,
        /// Whether the reply can be relied on.
        reliable: bool,
    },
    /// The core refused a question behind a closed gate, exactly as in live use.
    Refused {
        /// The question.
        question: String,
        /// The gate that is closed.
        gate: String,
    },
    /// The trainee recorded an answer (the engine took it).
    Recorded {
        /// The question.
        question: String,
        /// The answer.
        answer: AnswerValue,
    },
    /// An inject happened.
    Inject {
        /// Its id.
        id: String,
        /// What the trainee was told.
        says: String,
    },
    /// The trainee finalised: the scenario ends and the debrief opens (nothing is sealed).
    Finished,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeline {
    /// The moments, in order.
    pub moments: Vec<Moment>,
}
