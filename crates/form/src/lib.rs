//! Firstline's form engine: what a form pack is, how it is loaded and verified, and how one
//! assessment is walked through it, with the safeguarding gate enforced here, in the core.
//!
//! This crate is pure: no I/O, no clock, no randomness. Callers hand it pack bytes and answers;
//! it hands back views, summaries, audit events and typed errors. The Tauri shell and the tests
//! are two clients of the same API.

mod bundled;
mod engine;
mod error;
pub mod expr;
mod model;
mod pack;
mod sign;

pub use bundled::{built_in_keys, default_pack, default_pack_bytes, default_pack_hash};
pub use engine::{
    Assessment, AssessmentView, AuditEvent, BlockingGate, ChoiceView, GateView, Guidance,
    GuidanceFactor, QuestionView, SectionView, ShownAnswer, Summary, SummaryRow,
};
pub use error::{AnswerError, AnswerProblem, PackError};
pub use model::{
    pack_schema, AnswerValue, Choice, FormPack, Gate, GateCondition, Grade, InformationOwner,
    KindName, Language, LocalText, Question, ReferredService, RiskFactor, SealedTo, Section,
    Service,
};
pub use pack::{load_pack, Pack};
pub use sign::{
    sign_document, sign_pack, verify_pack, verify_signature, SignatureProblem, TrustedKey,
};
