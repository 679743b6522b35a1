//! Assessment commands: start, answer (saved in the vault before it is acknowledged), the
//! check-your-answers page, the view, resume a draft, amend a finalised record. Views borrow
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
