//! The app's commands, one file per area. Each command is a thin adapter over a core crate and
//! re-checks its arguments: the web view is untrusted.

pub mod assessment;
pub mod sync;
pub mod vault;

use crate::ipc_error::{ErrorCode, IpcError};

/// An officer id as typed: trimmed, 1 to 40 letters, digits, spaces, dots or hyphens.
pub fn checked_officer_id(raw: &str) -> Result<String, IpcError> {
    let id = raw.trim();
    let fits = (1..=40).contains(&id.chars().count())
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.'));
    if fits {
        Ok(id.to_string())
    } else {
        Err(IpcError::new(
            ErrorCode::Invalid,
            "Enter your collar or staff number: up to 40 letters, digits, spaces, dots or hyphens",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_ids_are_trimmed_and_hostile_ones_refused() {
        assert_eq!(
            checked_officer_id("  PC 1234 ").ok().as_deref(),
            Some("PC 1234")
        );
        assert!(checked_officer_id("").is_err());
        assert!(checked_officer_id("<script>").is_err());
        assert!(checked_officer_id(&"9".repeat(41)).is_err());
    }
}
