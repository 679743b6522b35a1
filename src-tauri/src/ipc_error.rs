//! The one place where core errors become what crosses the IPC boundary:
//! `{code, message, detail}`. `code` is one of a small closed set the UI branches on; `detail` is
//! the core's refusal (`{kind, ...parameters}`, see `firstline_workspace::Refusal`) that the UI
//! words in the officer's language; `message` is the English sentence, for logs. None carries
//! an answer's value.

use firstline_sync::SyncError;
use firstline_workspace::{Refusal, WorkspaceError};
use serde::Serialize;

/// The codes the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ErrorCode {
    /// The request does not fit (unknown question, answer of the wrong kind, bad argument).
    Invalid,
    /// Stored or shipped data could not be read as it should (for example a form pack).
    Damaged,
    /// The request came before what it needs (for example an answer with no assessment open).
    NotReady,
    /// The question sits behind a gate that is still closed.
    Gated,
    /// The vault is locked: unlock to go on.
    Locked,
    /// The officer must change their PIN (shorter than today's minimum) before anything else.
    PinChangeRequired,
    /// The officer's data on this device was destroyed after too many wrong PINs.
    Wiped,
    /// The force's gateway cannot be reached.
    Offline,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IpcError {
    /// What kind of failure, for the UI to branch on.
    pub code: ErrorCode,
    /// The English sentence, for logs (the UI words `detail` itself).
    pub message: String,
    /// The core's refusal: a stable kind and its parameters.
    pub detail: Refusal,
}

impl IpcError {
    /// The English sentence, for logs.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A refusal with its English message; the code follows from the refusal.
    pub fn refused(detail: Refusal, message: impl Into<String>) -> Self {
        Self {
            code: code_of(detail),
            message: message.into(),
            detail,
        }
    }

    /// Something the app cannot go on from.
    pub fn damaged(message: impl Into<String>) -> Self {
        Self::refused(Refusal::Damaged, message)
    }
}

/// `value` written as the JSON the command answers with (for views that borrow from the
/// workspace and so must be written while it is held).
pub fn json<T: Serialize>(value: &T) -> Result<Box<serde_json::value::RawValue>, IpcError> {
    serde_json::value::to_raw_value(value)
        .map_err(|_| IpcError::damaged("The view could not be written"))
}

/// The UI's branch for each refusal.
fn code_of(refusal: Refusal) -> ErrorCode {
    match refusal {
        Refusal::Gated => ErrorCode::Gated,
        Refusal::Locked => ErrorCode::Locked,
        Refusal::PinChangeRequired { .. } => ErrorCode::PinChangeRequired,
        Refusal::Wiped => ErrorCode::Wiped,
        Refusal::Offline => ErrorCode::Offline,
        Refusal::Damaged
        | Refusal::VaultTampered
        | Refusal::VaultRolledBack
        | Refusal::Storage
        | Refusal::PackRefused
        | Refusal::PackTampered
        | Refusal::PackUnsigned
        | Refusal::PackUnknownKey
        | Refusal::PackUnreadable
        | Refusal::PackOverrideForbidden
        | Refusal::PolicyUnusable => ErrorCode::Damaged,
        Refusal::NoAssessmentOpen
        | Refusal::NotEnrolled
        | Refusal::SyncNotRunning
        | Refusal::SupportBundleNotWritten
        | Refusal::TrainingNotReady
        | Refusal::ReportNotWritten => ErrorCode::NotReady,
        Refusal::TrainingForbidden => ErrorCode::Damaged,
        Refusal::NotAChoice
        | Refusal::NoneSelected
        | Refusal::UnlistedChoice
        | Refusal::Blank
        | Refusal::BadCharacter
        | Refusal::TooLong { .. }
        | Refusal::NumberOutOfRange { .. }
        | Refusal::BadDateTime
        | Refusal::RationaleTooShort { .. }
        | Refusal::FactorsNotWeighed
        | Refusal::ReferralWithoutConsent
        | Refusal::TakesNoAnswer
        | Refusal::WrongKind
        | Refusal::UnknownQuestion
        | Refusal::NotShown
        | Refusal::MissingRequired { .. }
        | Refusal::StepsNotDone
        | Refusal::Finalised
        | Refusal::NotFinalised
        | Refusal::UnknownRecord
        | Refusal::WrongPin { .. }
        | Refusal::TooSoon { .. }
        | Refusal::BadPin { .. }
        | Refusal::OfficerExists
        | Refusal::OfficerSetUpForbidden
        | Refusal::TypedEnrolmentForbidden
        | Refusal::UnknownOfficer
        | Refusal::BadOfficerId
        | Refusal::BadGatewayUrl
        | Refusal::BadEnrolmentCode
        | Refusal::CodeUnknown
        | Refusal::CodeUsed
        | Refusal::EnrolmentRefused
        | Refusal::KeysNotSigned
        | Refusal::EnrolmentNeedsFirstOfficer
        | Refusal::AlreadyEnrolled { .. }
        | Refusal::WaitingChanged { .. }
        | Refusal::BadTraineeName => ErrorCode::Invalid,
    }
}

impl From<WorkspaceError> for IpcError {
    fn from(error: WorkspaceError) -> Self {
        Self::refused(error.refusal(), error.to_string())
    }
}

impl From<firstline_vault::VaultError> for IpcError {
    fn from(error: firstline_vault::VaultError) -> Self {
        WorkspaceError::from(error).into()
    }
}

impl From<firstline_trainer::TrainingError> for IpcError {
    fn from(error: firstline_trainer::TrainingError) -> Self {
        use firstline_trainer::TrainingError;
        let message = error.to_string();
        match error {
            TrainingError::Vault(error) => error.into(),
            TrainingError::Answer(error) => WorkspaceError::Answer(error).into(),
            TrainingError::Scenario(_) => Self::damaged(message),
            TrainingError::Forbidden => Self::refused(Refusal::TrainingForbidden, message),
            TrainingError::Unknown { .. } | TrainingError::NotNow(_) => {
                Self::refused(Refusal::TrainingNotReady, message)
            }
            TrainingError::BadTraineeName => Self::refused(Refusal::BadTraineeName, message),
            TrainingError::NotWritten(_) => Self::refused(Refusal::ReportNotWritten, message),
        }
    }
}

impl From<SyncError> for IpcError {
    fn from(error: SyncError) -> Self {
        use firstline_protocol::ErrorCode as Api;
        let refusal = match &error {
            SyncError::Unreachable(_) => Refusal::Offline,
            SyncError::BadGatewayUrl => Refusal::BadGatewayUrl,
            SyncError::BadEnrolmentCode => Refusal::BadEnrolmentCode,
            SyncError::EnrolmentRefused { code, .. } => match code {
                Some(Api::UnknownCode) => Refusal::CodeUnknown,
                Some(Api::CodeUsed) => Refusal::CodeUsed,
                Some(Api::Unavailable) => Refusal::Offline,
                _ => Refusal::EnrolmentRefused,
            },
            SyncError::KeySetRefused(_) => Refusal::KeysNotSigned,
            SyncError::Vault(error) => error.into(),
            SyncError::Setup(_) => Refusal::Damaged,
        };
        Self::refused(refusal, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use firstline_form::{AnswerError, AnswerProblem, PackError};
    use firstline_vault::VaultError;

    #[test]
    fn each_core_error_gets_its_code_and_detail() {
        let cases: Vec<(IpcError, ErrorCode, serde_json::Value)> = vec![
            (
                WorkspaceError::from(AnswerError::UnknownQuestion {
                    question: "q".into(),
                })
                .into(),
                ErrorCode::Invalid,
                serde_json::json!({"kind": "unknown_question"}),
            ),
            (
                WorkspaceError::from(AnswerError::Gated {
                    question: "q".into(),
                    gate: "g".into(),
                    gate_title: "G".into(),
                })
                .into(),
                ErrorCode::Gated,
                serde_json::json!({"kind": "gated"}),
            ),
            (
                WorkspaceError::from(AnswerError::Invalid {
                    question: "risk_grade".into(),
                    problem: AnswerProblem::RationaleTooShort { min: 20 },
                })
                .into(),
                ErrorCode::Invalid,
                serde_json::json!({"kind": "rationale_too_short", "min": 20}),
            ),
            (
                VaultError::Locked.into(),
                ErrorCode::Locked,
                serde_json::json!({"kind": "locked"}),
            ),
            (
                VaultError::Wiped.into(),
                ErrorCode::Wiped,
                serde_json::json!({"kind": "wiped"}),
            ),
            (
                WorkspaceError::from(PackError::Empty { pack: "p".into() }).into(),
                ErrorCode::Damaged,
                serde_json::json!({"kind": "pack_refused"}),
            ),
            (
                WorkspaceError::from(PackError::Tampered { pack: "p".into() }).into(),
                ErrorCode::Damaged,
                serde_json::json!({"kind": "pack_tampered"}),
            ),
            (
                SyncError::Unreachable("the gateway cannot be reached".into()).into(),
                ErrorCode::Offline,
                serde_json::json!({"kind": "offline"}),
            ),
            (
                SyncError::EnrolmentRefused {
                    code: Some(firstline_protocol::ErrorCode::CodeUsed),
                    message: "used".into(),
                }
                .into(),
                ErrorCode::Invalid,
                serde_json::json!({"kind": "code_used"}),
            ),
        ];
        for (error, code, detail) in cases {
            assert_eq!(error.code, code, "{error:?}");
            assert_eq!(
                serde_json::to_value(error.detail).unwrap_or_default(),
                detail
            );
        }
    }

    #[test]
    fn the_wire_shape_is_code_message_and_detail() {
        let json = serde_json::to_value(IpcError::refused(
            Refusal::TooLong { max: 40 },
            "Answer must be 40 characters or fewer",
        ))
        .unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "Invalid",
                "message": "Answer must be 40 characters or fewer",
                "detail": {"kind": "too_long", "max": 40}
            })
        );
    }
}
