//! The Tauri shell: builds the app, registers the commands of each area, holds app state.
//!
//! No business rules live here; each command in `commands/` parses its arguments, calls a core
//! crate and maps the result.

mod commands;
mod ipc_error;
mod packs;
mod state;

use std::path::PathBuf;
use std::time::Duration;

use firstline_vault::{DeviceSecret, Vault, VaultOptions};
use state::AppState;
use tauri::Manager;

/// What the command line chose.
#[derive(Debug)]
pub struct Options {
    /// A signed form pack to use instead of the default pack.
    pub pack: Option<PathBuf>,
    /// Idle time before the vault locks itself.
    pub idle_lock: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pack: None,
            idle_lock: Duration::from_secs(300),
        }
    }
}

/// Opens the vault in the app's data folder, with the device secret in the OS keyring, or a
/// 0600 file beside the vault where no keyring answers.
fn open_vault(app: &tauri::App, state: &AppState) -> Result<Vault, String> {
    let folder = app
        .path()
        .app_data_dir()
        .map_err(|error| format!("No folder for the app's data: {error}"))?;
    std::fs::create_dir_all(&folder)
        .map_err(|error| format!("Cannot create {}: {error}", folder.display()))?;
    let secret = DeviceSecret::from_file(&folder.join("device-secret"))
        .map_err(|error| error.to_string())?;
    if let Ok(mut mode) = state.device_secret_mode.lock() {
        *mode = Some(secret.mode());
    }
    Vault::open(
        &folder.join("vault.sqlite"),
        secret,
        VaultOptions::default(),
    )
    .map_err(|error| error.to_string())
}

/// Builds and runs the app until its last window closes.
pub fn run(options: Options) {
    let state = AppState::new(
        packs::PackSource::from_option(options.pack),
        options.idle_lock,
    );
    let result = tauri::Builder::default()
        .manage(state)
        .setup(|app| {
            let state = app.state::<AppState>();
            state.set_vault(open_vault(app, &state));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::assessment::start_assessment,
            commands::assessment::answer_question,
            commands::assessment::assessment_summary,
            commands::assessment::assessment_view,
            commands::assessment::resume_assessment,
            commands::vault::vault_status,
            commands::vault::set_up_officer,
            commands::vault::unlock,
            commands::vault::lock,
            commands::vault::list_drafts,
            commands::vault::diagnostics,
            commands::vault::change_pin,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Firstline could not start: {error}");
        std::process::exit(1);
    }
}
