//! What the app holds between commands: the assessment in progress.
//!
//! Held in memory for now; the encrypted vault takes over persistence.

use std::sync::Mutex;

use firstline_form::Assessment;

/// The app's state, shared by every command.
#[derive(Default)]
pub struct AppState {
    /// The assessment the officer is working on, if any.
    pub current: Mutex<Option<Assessment>>,
}
