//! Scenario-mode commands: the trainer's PIN, scenarios and classes, one trainee's run (the
//! form as the officer's screens show it, the scripted victim's reply to each question asked,
//! answers checked by the real engine, injects), finishing (never sealing), debriefs, reports
//! and the cohort CSV. Each is a thin adapter over `firstline-trainer`, whose store is a vault
//! file of its own that the sync engine refuses; nothing here reaches the sync client.

use firstline_form::{AnswerValue, Language};
use firstline_trainer::{ClassView, RunRecord, ScenarioSummary};
use firstline_training::Asked;
use serde::Serialize;
use serde_json::value::RawValue;
use tauri::State;

use crate::ipc_error::{json, IpcError};
use crate::state::AppState;

/// Where scenario mode stands, for its first screen.
#[derive(Serialize)]
pub struct TrainingStatusView {
    /// Whether the trainer's PIN is set.
    pub trainer_set_up: bool,
    /// Whether the trainer has unlocked.
    pub unlocked: bool,
    /// The fewest digits the trainer's PIN may have.
    pub min_pin_digits: usize,
}

/// Scenario mode's state (opening its store at first use; refused where the policy forbids it).
#[tauri::command]
pub fn training_status(state: State<'_, AppState>) -> Result<TrainingStatusView, IpcError> {
    state.with_training(|store| {
        let status = store.status()?;
        Ok(TrainingStatusView {
            trainer_set_up: status.trainer_set_up,
            unlocked: status.unlocked,
            min_pin_digits: status.min_pin_digits,
        })
    })
}

/// Sets the trainer's PIN at first use, and unlocks.
#[tauri::command]
pub fn training_set_up(state: State<'_, AppState>, pin: String) -> Result<(), IpcError> {
    let pin = zeroize::Zeroizing::new(pin);
    // Scenario mode and an officer's session are never open at once.
    state.lock_officer();
    state.with_training(|store| Ok(store.set_up_trainer(&pin)?))
}

/// Unlocks scenario mode with the trainer's PIN.
#[tauri::command]
pub fn training_unlock(state: State<'_, AppState>, pin: String) -> Result<(), IpcError> {
    let pin = zeroize::Zeroizing::new(pin);
    state.lock_officer();
    state.with_training(|store| Ok(store.unlock(&pin)?))
}

/// Changes the trainer's PIN (the current one checked again).
#[tauri::command]
pub fn training_change_pin(
    state: State<'_, AppState>,
    current_pin: String,
    new_pin: String,
) -> Result<(), IpcError> {
    let (current_pin, new_pin) = (
        zeroize::Zeroizing::new(current_pin),
        zeroize::Zeroizing::new(new_pin),
    );
    state.with_training(|store| Ok(store.change_pin(&current_pin, &new_pin)?))
}

/// Locks scenario mode (leaving it, or the app locking).
#[tauri::command]
pub fn training_lock(state: State<'_, AppState>) {
    state.lock_training();
}

/// The scenarios this device has.
#[tauri::command]
pub fn training_scenarios(state: State<'_, AppState>) -> Result<Vec<ScenarioSummary>, IpcError> {
    state.with_training(|store| Ok(store.scenarios()?))
}

/// A new class on a scenario, with its trainees' names; its id.
#[tauri::command]
pub fn training_new_class(
    state: State<'_, AppState>,
    scenario: String,
    trainees: Vec<String>,
) -> Result<String, IpcError> {
    state.with_training(|store| Ok(store.new_class(&scenario, trainees)?))
}

/// Every class, newest first, with trainees and runs.
#[tauri::command]
pub fn training_classes(state: State<'_, AppState>) -> Result<Vec<ClassView>, IpcError> {
    state.with_training(|store| Ok(store.classes()?))
}

/// A trainee's run as its screens show it.
#[derive(Serialize)]
pub struct RunView<'a> {
    /// The scenario's title.
    pub title: &'a str,
    /// The incident brief.
    pub brief: &'a str,
    /// The form as the officer's screens show it.
    pub view: firstline_form::AssessmentView<'a>,
    /// Every question of the form, for "Ask about…".
    pub menu: Vec<firstline_trainer::MenuItem>,
}

/// Starts a trainee's run; the brief and the form.
#[tauri::command]
pub fn training_start_run(
    state: State<'_, AppState>,
    language: Language,
    class_id: String,
    trainee: String,
) -> Result<Box<RawValue>, IpcError> {
    state.with_training(|store| {
        store.start_run(&class_id, &trainee)?;
        run_view(store, language)
    })
}

fn run_view(
    store: &mut firstline_trainer::TrainingStore,
    language: Language,
) -> Result<Box<RawValue>, IpcError> {
    let menu = store.ask_about_menu(language);
    let (scenario, view) = store.view(language)?;
    json(&RunView {
        title: &scenario.title,
        brief: &scenario.brief,
        view,
        menu,
    })
}

/// The run going, as its screens show it (after a change of language).
#[tauri::command]
pub fn training_view(
    state: State<'_, AppState>,
    language: Language,
) -> Result<Box<RawValue>, IpcError> {
    state.with_training(|store| run_view(store, language))
}

/// What asking a question gave.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AskedView {
    /// The victim's reply.
    Reply {
        /// The words.
        says: String,
        /// Whether they can be relied on.
        reliable: bool,
    },
    /// Behind a closed gate: the core refused, as in live use.
    Refused {
        /// The gate's title.
        gate: String,
    },
}

/// The trainee asks a question (its screen, or "Ask about…").
#[tauri::command]
pub fn training_ask(
    state: State<'_, AppState>,
    language: Language,
    question_id: String,
) -> Result<AskedView, IpcError> {
    state.with_training(|store| {
        Ok(match store.ask(&question_id)? {
            Asked::Reply { says, reliable } => AskedView::Reply { says, reliable },
            Asked::Refused { gate } => {
                let (_, view) = store.view(language)?;
                let title = view
                    .gates
                    .iter()
                    .find(|found| found.id == gate)
                    .map_or(gate.clone(), |found| found.title.to_string());
                AskedView::Refused { gate: title }
            }
        })
    })
}

/// The trainee records an answer (the engine checks it as in live use); the form after.
#[tauri::command]
pub fn training_answer(
    state: State<'_, AppState>,
    language: Language,
    question_id: String,
    value: AnswerValue,
) -> Result<Box<RawValue>, IpcError> {
    state.with_training(|store| json(&store.answer(language, &question_id, value)?))
}

/// An inject that has just happened.
#[derive(Serialize)]
pub struct InjectView {
    /// Its id.
    pub id: String,
    /// What the trainee is told.
    pub says: String,
}

/// Injects whose time has come (each once).
#[tauri::command]
pub fn training_injects(state: State<'_, AppState>) -> Result<Vec<InjectView>, IpcError> {
    state.with_training(|store| {
        Ok(store
            .due_injects()?
            .into_iter()
            .map(|(id, says)| InjectView { id, says })
            .collect())
    })
}

/// Finish (finalise in training): the scenario ends, nothing is sealed; the run's id.
#[tauri::command]
pub fn training_finish(state: State<'_, AppState>) -> Result<String, IpcError> {
    state.with_training(|store| Ok(store.finish()?))
}

/// A finished run: its debrief and timeline.
#[tauri::command]
pub fn training_run(state: State<'_, AppState>, run_id: String) -> Result<RunRecord, IpcError> {
    state.with_training(|store| Ok(store.run_record(&run_id)?))
}

/// Writes a run's debrief as an HTML report under Documents/Firstline training; its path.
#[tauri::command]
pub fn training_write_report(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    run_id: String,
) -> Result<String, IpcError> {
    let documents = crate::commands::vault::documents_folder(&app).map_err(not_written)?;
    state.with_training(|store| {
        Ok(store
            .write_run_report(&run_id, &documents)?
            .display()
            .to_string())
    })
}

/// Writes a class's cohort CSV under Documents/Firstline training; its path.
#[tauri::command]
pub fn training_write_cohort(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    class_id: String,
) -> Result<String, IpcError> {
    let documents = crate::commands::vault::documents_folder(&app).map_err(not_written)?;
    state.with_training(|store| {
        Ok(store
            .write_cohort_csv(&class_id, &documents)?
            .display()
            .to_string())
    })
}

fn not_written(message: String) -> IpcError {
    IpcError::refused(firstline_workspace::Refusal::ReportNotWritten, message)
}

/// Resets a trainee (their runs deleted), or removes them from the class with `remove`.
#[tauri::command]
pub fn training_clear_trainee(
    state: State<'_, AppState>,
    class_id: String,
    trainee: String,
    remove: bool,
) -> Result<(), IpcError> {
    state.with_training(|store| Ok(store.clear_trainee(&class_id, &trainee, remove)?))
}

/// Deletes a class and its runs.
#[tauri::command]
pub fn training_delete_class(state: State<'_, AppState>, class_id: String) -> Result<(), IpcError> {
    state.with_training(|store| Ok(store.delete_class(&class_id)?))
}
