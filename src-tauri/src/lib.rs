//! The Tauri shell: builds the app, registers the commands of each area, holds app state.
//!
//! No business rules live here; each command in `commands/` parses its arguments, calls a core
//! crate and maps the result.

mod commands;
mod ipc_error;
mod state;
mod sync;

use std::path::PathBuf;
use std::time::Duration;

use firstline_vault::{DeviceSecret, Vault, VaultOptions};
use firstline_workspace::{PackSource, Workspace};
use state::AppState;
use tauri::Manager;

/// What the command line chose.
#[derive(Debug)]
pub struct Options {
    /// A signed form pack to use instead of the default pack.
    pub pack: Option<PathBuf>,
    /// Idle time before the vault locks itself.
    pub idle_lock: Duration,
    /// Enrol with this gateway and one-time code at the first unlock, if not enrolled yet.
    pub enrol: Option<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pack: None,
            idle_lock: Duration::from_secs(300),
            enrol: None,
        }
    }
}

/// The app's data folder, created if missing.
fn data_folder(app: &tauri::App) -> Result<PathBuf, String> {
    let folder = app
        .path()
        .app_data_dir()
        .map_err(|error| format!("No folder for the app's data: {error}"))?;
    std::fs::create_dir_all(&folder)
        .map_err(|error| format!("Cannot create {}: {error}", folder.display()))?;
    Ok(folder)
}

/// Opens the vault in the app's data folder with the device secret from a 0600 file beside it
/// (`DeviceSecret::from_file`; the file mode is shown as weaker in diagnostics).
fn open_vault(folder: &std::path::Path, state: &AppState) -> Result<Vault, String> {
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
    let state = AppState::default();
    let packs = PackSource::from_option(options.pack);
    let idle_lock = options.idle_lock;
    let enrol = options
        .enrol
        .map(|(gateway_url, code)| sync::EnrolOnStart { gateway_url, code });
    let result = tauri::Builder::default()
        .manage(state)
        .setup(move |app| {
            let state = app.state::<AppState>();
            let folder = data_folder(app);
            state.set_workspace(
                folder
                    .clone()
                    .and_then(|folder| open_vault(&folder, &state))
                    .map(|vault| Workspace::new(vault, packs.clone(), idle_lock)),
            );
            if let Ok(folder) = folder {
                match sync::start(
                    app.handle(),
                    &folder.join("vault.sqlite"),
                    &folder.join("device-secret"),
                ) {
                    Ok(handle) => {
                        state.set_sync(handle);
                        state.enrol_on_unlock(enrol.clone());
                    }
                    Err(error) => eprintln!("firstline: sync cannot start: {error}"),
                }
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::assessment::start_assessment,
            commands::assessment::answer_question,
            commands::assessment::assessment_summary,
            commands::assessment::assessment_view,
            commands::assessment::resume_assessment,
            commands::assessment::amend_assessment,
            commands::vault::vault_status,
            commands::vault::set_up_officer,
            commands::vault::unlock,
            commands::vault::lock,
            commands::vault::list_drafts,
            commands::vault::diagnostics,
            commands::vault::change_pin,
            commands::sync::finalise_assessment,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::support_services,
            commands::sync::enrol_device,
            commands::sync::wipe_device,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Firstline could not start: {error}");
        std::process::exit(1);
    }
}
