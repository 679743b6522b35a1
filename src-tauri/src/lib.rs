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
use firstline_workspace::{DevicePolicy, PackSource, PackTrust, StartOptions, Workspace};
use ipc_error::IpcError;
use state::AppState;
use tauri::Manager;

/// What the command line chose.
#[derive(Debug, Default)]
pub struct Options {
    /// A signed form pack to use instead of the default pack.
    pub pack: Option<PathBuf>,
    /// Idle time before the vault locks itself, in place of the default (the policy's
    /// strictest still wins).
    pub idle_lock: Option<Duration>,
    /// Enrol with this gateway and one-time code at the first unlock, if not enrolled yet.
    pub enrol: Option<(String, String)>,
    /// The machine policy file, in place of the platform's (development builds only).
    pub policy: Option<PathBuf>,
    /// Open straight into scenario mode.
    pub training: bool,
}

/// Whether this build takes `--policy` (a policy file anyone could write must never stand in
/// for force IT's on a managed device).
pub const POLICY_OPTION_ALLOWED: bool = cfg!(feature = "development");

/// The app's data folder, created if missing: the local one (`%LOCALAPPDATA%` on Windows, not
/// the roaming `%APPDATA%`, so the vault and a device-secret file never travel with a roaming
/// profile; the same folder as the roaming one on Linux).
fn data_folder(app: &tauri::App) -> Result<PathBuf, String> {
    let folder = app
        .path()
        .app_local_data_dir()
        .map_err(|error| format!("No folder for the app's data: {error}"))?;
    std::fs::create_dir_all(&folder)
        .map_err(|error| format!("Cannot create {}: {error}", folder.display()))?;
    Ok(folder)
}

/// Which form packs this build trusts: by default (debug or release) the enrolled force's pack
/// key and the built-in default pack (by its content hash) only; a build with the
/// `development` feature (`cargo xtask run`, the end-to-end suite) also the demo force's key
/// and `--pack`. A feature rather than the build profile, so that the suite drives a build
/// without it through the real window, and a forgotten `--release` trusts nothing extra.
pub(crate) const PACK_TRUST: PackTrust = if cfg!(feature = "development") {
    PackTrust::Development
} else {
    PackTrust::Release
};

/// The keyring entry that holds the device secret (and, beside it, the vault's generation).
pub(crate) const KEYRING_SERVICE: &str = "uk.firstline.app";

/// The device secret for the vault in `folder`: from the OS keyring (Secret Service, Credential
/// Manager), or, where none answers and the device's policy allows it (the machine policy's
/// word, else the force's as last pulled), from the 0600 file `device-secret` beside the vault
/// (the weaker mode, which diagnostics show).
fn device_secret(
    folder: &std::path::Path,
    policy: &DevicePolicy,
) -> Result<DeviceSecret, IpcError> {
    let allow_file =
        firstline_workspace::file_secret_allowed(&folder.join("vault.sqlite"), policy)?;
    Ok(DeviceSecret::from_keyring_or_file(
        KEYRING_SERVICE,
        "device-secret",
        &folder.join("device-secret"),
        allow_file,
    )?)
}

/// The device's policy: the machine policy file (the platform's, or `--policy` in a
/// development build) with the start options. A file that cannot be used stops the app with
/// what is wrong, for force IT to fix.
fn device_policy(options: &Options) -> Result<DevicePolicy, IpcError> {
    let path = match &options.policy {
        Some(path) if POLICY_OPTION_ALLOWED => path.clone(),
        _ => firstline_workspace::machine_policy_path(),
    };
    let start = StartOptions {
        idle_lock_seconds: options
            .idle_lock
            .map(|limit| u32::try_from(limit.as_secs()).unwrap_or(u32::MAX)),
    };
    DevicePolicy::read(&path, start).map_err(|error| {
        IpcError::refused(
            firstline_workspace::Refusal::PolicyUnusable,
            error.to_string(),
        )
    })
}

/// Opens the vault in the app's data folder with `secret`; the vault checks its file was not
/// changed or replaced by an older copy outside the app, and refuses it if so.
fn open_vault(
    folder: &std::path::Path,
    secret: DeviceSecret,
    state: &AppState,
) -> Result<Vault, IpcError> {
    if let Ok(mut mode) = state.device_secret_mode.lock() {
        *mode = Some(secret.mode());
    }
    Ok(Vault::open(
        &folder.join("vault.sqlite"),
        secret,
        VaultOptions::default(),
    )?)
}

/// The app's log folder, in its data folder.
pub fn log_folder(data_folder: &std::path::Path) -> PathBuf {
    data_folder.join("logs")
}

/// Starts the app's own log (metadata only: `firstline-applog`) at the policy's level; the app
/// runs without one if it cannot start, and says so.
fn start_log(data_folder: &std::path::Path, policy: &Result<DevicePolicy, IpcError>) {
    if let Ok(policy) = policy {
        firstline_applog::set_level(&policy.effective().log_level.value);
    }
    match firstline_applog::start(
        &log_folder(data_folder),
        firstline_applog::Rotation::default(),
    ) {
        Ok(()) => firstline_applog::record(firstline_applog::Event::Started {
            version: env!("CARGO_PKG_VERSION"),
            managed: policy.as_ref().is_ok_and(DevicePolicy::is_managed),
        }),
        Err(error) => eprintln!("firstline: no log file: {error}"),
    }
}

/// Builds and runs the app until its last window closes.
pub fn run(options: Options) {
    let state = AppState::default();
    state
        .start_in_training
        .store(options.training, std::sync::atomic::Ordering::SeqCst);
    let policy = device_policy(&options);
    let packs = PackSource::from_option(options.pack);
    let enrol = options.enrol.map(|(gateway_url, code)| sync::EnrolOnStart {
        gateway_url,
        code: zeroize::Zeroizing::new(code),
    });
    let result = tauri::Builder::default()
        .manage(state)
        .setup(move |app| {
            let state = app.state::<AppState>();
            let folder = data_folder(app);
            if let Ok(folder) = &folder {
                start_log(folder, &policy);
                if let Ok(mut slot) = state.data_folder.lock() {
                    *slot = Some(folder.clone());
                }
            }
            // The device secret is resolved once; the sync client's outbox shares it.
            let opened = folder
                .clone()
                .map_err(IpcError::damaged)
                .and_then(|folder| {
                    let policy = policy.clone()?;
                    let secret = device_secret(&folder, &policy)?;
                    let for_sync = secret.share();
                    open_vault(&folder, secret, &state).map(|vault| (vault, for_sync, policy))
                });
            let (workspace, sync_secret) = match opened {
                Ok((vault, for_sync, policy)) => (
                    Ok(Workspace::with_policy(
                        vault,
                        packs.clone(),
                        PACK_TRUST,
                        policy,
                    )),
                    Some(for_sync),
                ),
                Err(error) => (Err(error), None),
            };
            if let Err(error) = &workspace {
                firstline_applog::record(firstline_applog::Event::CannotStart {
                    refusal: error.detail.into(),
                });
            }
            state.set_workspace(workspace);
            if let (Ok(folder), Some(secret)) = (folder, sync_secret) {
                match sync::start(app.handle(), &folder, secret) {
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
            commands::assessment::save_pending,
            commands::assessment::set_screen,
            commands::assessment::leave_screen,
            commands::assessment::resume_last,
            commands::vault::vault_status,
            commands::vault::set_up_officer,
            commands::vault::unlock,
            commands::vault::lock,
            commands::vault::list_drafts,
            commands::vault::diagnostics,
            commands::vault::write_support_bundle,
            commands::vault::change_pin,
            commands::sync::finalise_assessment,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::support_services,
            commands::sync::enrol_device,
            commands::sync::wipe_device,
            commands::training::training_status,
            commands::training::training_set_up,
            commands::training::training_unlock,
            commands::training::training_change_pin,
            commands::training::training_lock,
            commands::training::training_scenarios,
            commands::training::training_new_class,
            commands::training::training_classes,
            commands::training::training_start_run,
            commands::training::training_view,
            commands::training::training_ask,
            commands::training::training_answer,
            commands::training::training_injects,
            commands::training::training_finish,
            commands::training::training_run,
            commands::training::training_write_report,
            commands::training::training_write_cohort,
            commands::training::training_clear_trainee,
            commands::training::training_delete_class,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Firstline could not start: {error}");
        std::process::exit(1);
    }
}
