//! The Tauri shell: builds the app, registers the commands of each area, holds app state.
//!
//! No business rules live here; each command in `commands/` parses its arguments, calls a core
//! crate and maps the result.

mod commands;
mod ipc_error;
mod packs;
mod state;

use std::path::PathBuf;

use state::AppState;

/// What the command line chose.
#[derive(Debug, Default)]
pub struct Options {
    /// A signed form pack to use instead of the default pack.
    pub pack: Option<PathBuf>,
}

/// Builds and runs the app until its last window closes.
pub fn run(options: Options) {
    let state = AppState {
        pack: packs::PackSource::from_option(options.pack),
        ..AppState::default()
    };
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::assessment::start_assessment,
            commands::assessment::answer_question,
            commands::assessment::assessment_summary,
            commands::assessment::assessment_view,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Firstline could not start: {error}");
        std::process::exit(1);
    }
}
