//! The Tauri shell: builds the app, registers the commands of each area, holds app state.
//!
//! No business rules live here; each command in `commands/` parses its arguments, calls a core
//! crate and maps the result.

mod commands;
mod ipc_error;
mod state;

use state::AppState;

/// Builds and runs the app until its last window closes.
pub fn run() {
    let result = tauri::Builder::default()
        .manage(AppState::default())
        .invoke_handler(tauri::generate_handler![
            commands::assessment::start_assessment,
            commands::assessment::answer_question,
            commands::assessment::assessment_summary,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Firstline could not start: {error}");
        std::process::exit(1);
    }
}
