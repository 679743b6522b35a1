//! Scenario mode on a device. A [`TrainingStore`] owns a training store: a vault file and
//! device secret of its own ([`firstline_vault::Vault::open_training`]), which the sync
//! engine's outbox refuses at its way in and which never enrols or finalises; this crate does
//! not depend on the sync client, so nothing here can reach the network. The trainer's PIN
//! unlocks it; classes of trainees and each run's timeline and debrief are kept in it, sealed
//! with the trainer's key. One trainee's run goes at a time, over the real form engine
//! ([`firstline_training::Run`]); finishing it never seals anything: it keeps the debrief.

mod error;
mod store;

pub use error::TrainingError;

/// Whether the device's policy lets scenario mode open (`allow_training`), and if so its rules:
/// the trainer's PIN length (`trainer_min_pin_length`, never fewer digits than an officer's),
/// the wrong-PIN limit and the idle lock, as an officer's.
pub fn trainer_rules(
    effective: &firstline_policy::Effective,
    idle_limit: std::time::Duration,
) -> Result<TrainerRules, TrainingError> {
    if !effective.allow_training.value {
        return Err(TrainingError::Forbidden);
    }
    Ok(TrainerRules {
        min_pin_digits: usize::try_from(effective.trainer_min_pin_length.value)
            .unwrap_or(usize::MAX),
        max_failed_pins: effective.max_failed_pins.value,
        idle_limit,
    })
}
pub use store::{
    built_in_scenarios, scenarios_in, ClassView, MenuItem, RunRecord, RunSummary, ScenarioSummary,
    Status, TraineeView, TrainerRules, TrainingStore, TRAINER,
};
