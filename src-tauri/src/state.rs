//! What the app holds between commands: the assessment in progress.
//!
//! Held in memory for now; the encrypted vault takes over persistence.

use std::sync::Mutex;

use firstline_form::{Assessment, AuditEvent};

use crate::packs::PackSource;

/// The app's state, shared by every command.
#[derive(Default)]
pub struct AppState {
    /// Where assessments take their form pack from.
    pub pack: PackSource,
    /// The assessment the officer is working on, if any.
    pub current: Mutex<Option<Assessment>>,
    /// Audit events not yet persisted (metadata only, never answers).
    pub audit: Mutex<Vec<AuditEvent>>,
}

impl AppState {
    /// Keeps an audit event until the vault's audit chain takes it.
    pub fn record_audit(&self, event: AuditEvent) {
        if let Ok(mut audit) = self.audit.lock() {
            audit.push(event);
        }
    }
}
