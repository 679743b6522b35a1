//! Assessment commands: start one, answer a question (saved in the vault before it is
//! acknowledged), read check-your-answers, re-read the view, resume a draft.

use std::sync::Arc;

use firstline_form::{AnswerValue, Assessment, AssessmentView, AuditEvent, Language, Summary};
use firstline_vault::{AssessmentId, Compartment};
use serde::Serialize;
use tauri::State;
use zeroize::Zeroizing;

use crate::ipc_error::{ErrorCode, IpcError};
use crate::state::{AppState, OpenAssessment};

/// A resumed draft: its view and the question to show first.
#[derive(Serialize)]
pub struct ResumedView {
    /// The view.
    pub view: AssessmentView,
    /// The index in `view.questions` where the officer stopped.
    pub resume_at: usize,
}

/// Starts a new assessment over the pack in use (see `packs.rs`: `--pack`, else the force's
/// current pack, else the built-in one; verified), records it in the vault, returns its view.
#[tauri::command]
pub fn start_assessment(
    state: State<'_, AppState>,
    language: Language,
) -> Result<AssessmentView, IpcError> {
    state.with_workspace(|workspace| {
        let (pack, signed_bytes) = state.pack.load(&workspace.vault)?;
        // Keep the exact pack with the draft, so it can always be resumed on it.
        workspace
            .vault
            .keep_pack(pack.content_hash(), &signed_bytes)?;
        let id =
            workspace
                .vault
                .create_assessment(pack.id(), pack.version(), pack.content_hash())?;
        let assessment = Assessment::new(Arc::new(pack));
        let view = assessment.view(language);
        workspace.current = Some(OpenAssessment { id, assessment });
        Ok(view)
    })
}

/// Records one answer: checked by the engine, then saved durably in the vault (the migrant
/// section's answers in their own compartment), and only then acknowledged with the new view.
#[tauri::command]
pub fn answer_question(
    state: State<'_, AppState>,
    language: Language,
    question_id: String,
    value: AnswerValue,
) -> Result<AssessmentView, IpcError> {
    state.with_workspace(|workspace| {
        let open = workspace.open_assessment()?;
        let mut next = open.assessment.clone();
        let answered = next.answer(&question_id, value.clone());
        let id = open.id.clone();
        // What the engine audits (gate refusals) goes into the vault's audit chain.
        for event in next.take_audit_events() {
            let AuditEvent::GatedAnswerRefused { question, gate } = event;
            let event = format!("gated_answer_refused question={question} gate={gate}");
            workspace.vault.record_event(&event, Some(&id))?;
        }
        answered?;
        let compartment = if next.is_gated(&question_id) {
            Compartment::Migrant
        } else {
            Compartment::Main
        };
        let bytes = Zeroizing::new(
            serde_json::to_vec(&value)
                .map_err(|_| IpcError::new(ErrorCode::Invalid, "The answer cannot be saved"))?,
        );
        workspace
            .vault
            .save_answer(&id, &question_id, compartment, &bytes)?;
        let open = workspace.open_assessment()?;
        open.assessment = next;
        Ok(open.assessment.view(language))
    })
}

/// The check-your-answers page of the assessment in progress.
#[tauri::command]
pub fn assessment_summary(
    state: State<'_, AppState>,
    language: Language,
) -> Result<Summary, IpcError> {
    state.with_workspace(|workspace| Ok(workspace.open_assessment()?.assessment.summary(language)))
}

/// The view of the assessment in progress, for example after the officer switches language.
#[tauri::command]
pub fn assessment_view(
    state: State<'_, AppState>,
    language: Language,
) -> Result<AssessmentView, IpcError> {
    state.with_workspace(|workspace| Ok(workspace.open_assessment()?.assessment.view(language)))
}

/// Opens a draft from the vault, on the very pack it was started on (kept in the vault), and
/// returns its view at the question where the officer stopped.
#[tauri::command]
pub fn resume_assessment(
    state: State<'_, AppState>,
    language: Language,
    id: String,
) -> Result<ResumedView, IpcError> {
    open_draft(&state, language, AssessmentId(id))
}

/// Starts an amendment of a finalised record: a new record that supersedes it, with the main
/// answers still readable on the device copied in, opened like a draft. The migrant-victim
/// section was destroyed at sealing and is asked again.
#[tauri::command]
pub fn amend_assessment(
    state: State<'_, AppState>,
    language: Language,
    id: String,
) -> Result<ResumedView, IpcError> {
    let amendment =
        state.with_workspace(|workspace| Ok(workspace.vault.amend(&AssessmentId(id))?))?;
    open_draft(&state, language, amendment)
}

fn open_draft(
    state: &AppState,
    language: Language,
    id: AssessmentId,
) -> Result<ResumedView, IpcError> {
    state.with_workspace(|workspace| {
        let pack = match workspace.vault.pack_of(&id)? {
            Some(bytes) => crate::packs::verify(&bytes, &workspace.vault)?,
            None => state.pack.load(&workspace.vault)?.0,
        };
        let pack = Arc::new(pack);
        let answers = workspace.vault.answers(&id)?;
        let last = workspace.vault.last_answered_question(&id)?;
        let mut values = Vec::with_capacity(answers.len());
        for answer in &answers {
            let value: AnswerValue = serde_json::from_slice(&answer.plaintext).map_err(|_| {
                IpcError::new(
                    ErrorCode::Damaged,
                    format!(
                        "assessment {} is damaged (answer {})",
                        id.0, answer.question_id
                    ),
                )
            })?;
            values.push((answer.question_id.as_str(), value));
        }
        let assessment = Assessment::restore(pack, values)?;
        let view = assessment.view(language);
        let resume_at = last
            .and_then(|last| {
                view.questions
                    .iter()
                    .position(|question| question.id == last)
            })
            .map(|stopped| (stopped + 1).min(view.questions.len().saturating_sub(1)))
            .unwrap_or(0);
        workspace.current = Some(OpenAssessment { id, assessment });
        Ok(ResumedView { view, resume_at })
    })
}
