//! The one place where core errors become what crosses the IPC boundary: `{code, message}` with a
//! small closed set of codes the UI branches on. Messages never carry an answer's value.

use firstline_form::{AnswerError, PackError};
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
