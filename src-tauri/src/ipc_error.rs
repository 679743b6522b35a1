//! The one place where core errors become what crosses the IPC boundary: `{code, message}` with a
//! small closed set of codes the UI branches on. Messages never carry an answer's value.

use firstline_form::{AnswerError, PackError};
use firstline_vault::VaultError;
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
    /// The officer's data on this device was destroyed after too many wrong PINs.
    Wiped,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpcError {
    /// What kind of failure, for the UI to branch on.
    pub code: ErrorCode,
    /// A sentence for the officer.
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<AnswerError> for IpcError {
    fn from(error: AnswerError) -> Self {
        let code = match error {
            AnswerError::Gated { .. } => ErrorCode::Gated,
            AnswerError::UnknownQuestion { .. }
            | AnswerError::NotShown { .. }
            | AnswerError::Invalid { .. } => ErrorCode::Invalid,
        };
        Self::new(code, error.to_string())
    }
}

impl From<VaultError> for IpcError {
    fn from(error: VaultError) -> Self {
        let code = match error {
            VaultError::Locked => ErrorCode::Locked,
            VaultError::Wiped => ErrorCode::Wiped,
            VaultError::WrongPin { .. }
            | VaultError::TooSoon { .. }
            | VaultError::BadPin { .. }
            | VaultError::OfficerExists { .. }
            | VaultError::UnknownOfficer { .. }
            | VaultError::UnknownRecord { .. }
            | VaultError::Finalised { .. }
            | VaultError::NotFinalised { .. } => ErrorCode::Invalid,
            VaultError::NotEnrolled => ErrorCode::NotReady,
            VaultError::Storage(_)
            | VaultError::TooNew { .. }
            | VaultError::Damaged { .. }
            | VaultError::AuditBroken { .. }
            | VaultError::DeviceSecret(_)
            | VaultError::Sealing(_)
            | VaultError::Random => ErrorCode::Damaged,
        };
        Self::new(code, error.to_string())
    }
}

impl From<PackError> for IpcError {
    fn from(error: PackError) -> Self {
        Self::new(ErrorCode::Damaged, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_errors_are_invalid_and_pack_errors_damaged() {
        let refused = IpcError::from(AnswerError::UnknownQuestion {
            question: "q".into(),
        });
        assert_eq!(refused.code, ErrorCode::Invalid);
        let gated = IpcError::from(AnswerError::Gated {
            question: "q".into(),
            gate: "g".into(),
            gate_title: "G".into(),
        });
        assert_eq!(gated.code, ErrorCode::Gated);
        assert_eq!(IpcError::from(VaultError::Locked).code, ErrorCode::Locked);
        assert_eq!(IpcError::from(VaultError::Wiped).code, ErrorCode::Wiped);
        assert_eq!(
            IpcError::from(VaultError::WrongPin { attempts_left: 3 }).code,
            ErrorCode::Invalid
        );
        let damaged = IpcError::from(PackError::Empty { pack: "p".into() });
        assert_eq!(damaged.code, ErrorCode::Damaged);
    }

    #[test]
    fn the_wire_shape_is_code_and_message() {
        let json = serde_json::to_value(IpcError::new(ErrorCode::NotReady, "Start first"))
            .unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"code": "NotReady", "message": "Start first"})
        );
    }
}
