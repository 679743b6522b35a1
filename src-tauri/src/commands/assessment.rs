//! Assessment commands: start one, answer a question, read check-your-answers.

use std::sync::{Arc, MutexGuard};

use firstline_form::{AnswerValue, Assessment, AssessmentView, Language, Summary};
use tauri::State;

use crate::ipc_error::{ErrorCode, IpcError};
use crate::state::AppState;

/// Starts a new assessment over the pack the app was started with (verified against the
/// built-in keys) and returns its view.
#[tauri::command]
pub fn start_assessment(
    state: State<'_, AppState>,
    language: Language,
) -> Result<AssessmentView, IpcError> {
    let pack = state.pack.load()?;
    let assessment = Assessment::new(Arc::new(pack));
    let view = assessment.view(language);
    *current(&state)? = Some(assessment);
    Ok(view)
}

/// Records one answer and returns the updated view.
#[tauri::command]
pub fn answer_question(
    state: State<'_, AppState>,
    language: Language,
    question_id: String,
    value: AnswerValue,
) -> Result<AssessmentView, IpcError> {
    let mut current = current(&state)?;
    let assessment = current.as_mut().ok_or_else(no_assessment)?;
    let answered = assessment.answer(&question_id, value);
    // Refusals of gated answers are audit events; the vault's audit chain will keep them.
    for event in assessment.take_audit_events() {
        state.record_audit(event);
    }
    answered?;
    Ok(assessment.view(language))
}

/// The check-your-answers page of the assessment in progress.
#[tauri::command]
pub fn assessment_summary(
    state: State<'_, AppState>,
    language: Language,
) -> Result<Summary, IpcError> {
    let current = current(&state)?;
    let assessment = current.as_ref().ok_or_else(no_assessment)?;
    Ok(assessment.summary(language))
}

/// The view of the assessment in progress, for example after the officer switches language.
#[tauri::command]
pub fn assessment_view(
    state: State<'_, AppState>,
    language: Language,
) -> Result<AssessmentView, IpcError> {
    let current = current(&state)?;
    let assessment = current.as_ref().ok_or_else(no_assessment)?;
    Ok(assessment.view(language))
}

fn current<'a>(
    state: &'a State<'_, AppState>,
) -> Result<MutexGuard<'a, Option<Assessment>>, IpcError> {
    state
        .current
        .lock()
        .map_err(|_| IpcError::new(ErrorCode::Damaged, "The app must be restarted"))
}

fn no_assessment() -> IpcError {
    IpcError::new(ErrorCode::NotReady, "Start an assessment first")
}
