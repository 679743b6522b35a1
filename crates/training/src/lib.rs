//! Scenario mode's core (no Tauri): scenario packs, a trainee's run over the real form engine,
//! its timeline, the debrief that scores safeguarding-first practice, and the report and cohort
//! CSV the trainer keeps.
//!
//! - [`scenario`]: the scenario-pack format, read and checked against the form pack it runs on.
//! - [`sign`]: signed like form packs, by the same keys.
//! - [`run`]: the trainee's run: asking (the victim's scripted reply, or the gate's refusal),
//!   recording, injects; never sealing.
//! - [`debrief`]: the timeline scored, category by category, with the moments behind each.
//! - [`report`]: the HTML report and the cohort CSV.

pub mod debrief;
mod error;
pub mod report;
pub mod run;
pub mod scenario;
pub mod sign;
pub mod timeline;

pub use debrief::{debrief, Category, Debrief, Outcome};
pub use error::ScenarioError;
pub use run::{Asked, Clock, Run};
pub use scenario::{scenario_schema, Scenario, SCENARIO_FORMAT};
pub use sign::{sign_scenario, verify_scenario};
pub use timeline::{Event, Moment, Timeline};

/// The form pack's question whose answer is the interpreter need.
pub const INTERPRETER_NEEDED: &str = "interpreter_needed";
/// The form pack's question whose answer is who interpreted.
pub const INTERPRETER_USED: &str = "interpreter_used";
/// The form pack's referrals question.
pub const REFERRALS: &str = "referrals";
/// The form pack's grade question.
pub const RISK_GRADE: &str = "risk_grade";
