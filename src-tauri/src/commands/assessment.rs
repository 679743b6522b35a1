//! Assessment commands: start, answer (saved in the vault before it is acknowledged), the
//! check-your-answers page, the view, resume a draft, amend a finalised record, what is being
//! typed and the screen the officer is on (so unlocking returns to it). Views borrow
//! their texts from the pack, so each is serialised while the workspace is held and crosses
//! IPC as the JSON it was written to.

use firstline_form::{AnswerValue, Language, Summary};
use firstline_vault::AssessmentId;
use serde_json::value::RawValue;
use tauri::State;

use crate::ipc_error::{json, IpcError};
use crate::state::AppState;

/// Starts a new assessment over the pack in use.
#[tauri::command]
pub fn start_assessment(
    state: State<'_, AppState>,
    language: Language,
) -> Result<Box<RawValue>, IpcError> {
    state.with_workspace(|workspace| json(&workspace.start(language)?))
}

/// Records one answer; returns the new view once it is saved.
#[tauri::command]
pub fn answer_question(
    state: State<'_, AppState>,
    language: Language,
    question_id: String,
    value: AnswerValue,
) -> Result<Box<RawValue>, IpcError> {
    state.with_workspace(|workspace| json(&workspace.answer(language, &question_id, value)?))
}

/// The check-your-answers page of the assessment in progress.
#[tauri::command]
pub fn assessment_summary(
    state: State<'_, AppState>,
    language: Language,
) -> Result<Summary, IpcError> {
    state.with_workspace(|workspace| Ok(workspace.summary(language)?))
}

/// The view of the assessment in progress, for example after the officer switches language.
#[tauri::command]
pub fn assessment_view(
    state: State<'_, AppState>,
    language: Language,
) -> Result<Box<RawValue>, IpcError> {
    state.with_workspace(|workspace| json(&workspace.view(language)?))
}

/// Opens a draft at the question where the officer stopped.
#[tauri::command]
pub fn resume_assessment(
    state: State<'_, AppState>,
    language: Language,
    id: String,
) -> Result<Box<RawValue>, IpcError> {
    state.with_workspace(|workspace| json(&workspace.resume(language, AssessmentId(id))?))
}

/// Starts an amendment of a finalised record, opened like a draft.
#[tauri::command]
pub fn amend_assessment(
    state: State<'_, AppState>,
    language: Language,
    id: String,
) -> Result<Box<RawValue>, IpcError> {
    state.with_workspace(|workspace| json(&workspace.amend(language, AssessmentId(id))?))
}

/// Keeps what is being typed for a question (the screen calls it a moment after typing stops),
/// so that Hide, the idle lock or a crash lose nothing.
#[tauri::command]
pub fn save_pending(
    state: State<'_, AppState>,
    question_id: String,
    text: String,
) -> Result<(), IpcError> {
    let text = zeroize::Zeroizing::new(text);
    state.with_workspace(|workspace| Ok(workspace.save_pending(&question_id, &text)?))
}

/// Notes the question on screen, so that unlocking returns to it.
#[tauri::command]
pub fn set_screen(state: State<'_, AppState>, question_id: String) -> Result<(), IpcError> {
    state.with_workspace(|workspace| Ok(workspace.set_screen(&question_id)?))
}

/// The officer went home from the assessment: unlocking opens home from now on.
#[tauri::command]
pub fn leave_screen(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.with_workspace(|workspace| Ok(workspace.leave_screen()?))
}

/// After unlocking: the draft and question the officer was on, with what they were typing, or
/// null when they had gone home.
#[tauri::command]
pub fn resume_last(
    state: State<'_, AppState>,
    language: Language,
) -> Result<Box<RawValue>, IpcError> {
    state.with_workspace(|workspace| json(&workspace.resume_last(language)?))
}
