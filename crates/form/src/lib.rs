//! Firstline's form engine: what a form pack is, how it is loaded, and how one assessment is
//! walked through it.
//!
//! This crate is pure: no I/O, no clock, no randomness. Callers hand it pack bytes and answers;
//! it hands back views, summaries and typed errors. The Tauri shell and the tests are two clients
//! of the same API.

mod engine;
mod error;
mod model;
mod pack;

pub use engine::{Assessment, AssessmentView, QuestionView, Summary, SummaryRow};
pub use error::{AnswerError, PackError};
pub use model::{
    AnswerValue, Choice, FormPack, Language, LocalText, Question, QuestionKind, Section,
};
pub use pack::{builtin_skeleton_pack, load_pack};
