//! Vault commands: status, first set-up, unlock, lock (quick-hide and idle lock), drafts,
//! diagnostics, PIN change.

use firstline_vault::{DeviceSecretMode, RootTrust};
use serde::Serialize;
use tauri::State;
use zeroize::Zeroizing;

use crate::ipc_error::IpcError;
use crate::state::AppState;

/// What the start screen needs to know.
#[derive(Serialize)]
pub struct VaultStatus {
    /// Officers set up on this device.
    pub officers: Vec<String>,
    /// The officer who has the vault unlocked, if any.
    pub unlocked: Option<String>,
    /// `file` when the device secret is a 0600 file (weaker than an OS keyring).
    pub device_secret: &'static str,
    /// Idle seconds before the vault locks itself.
    pub idle_lock_seconds: u64,
    /// When this device's data was wiped, if it was (the sign-in screen says so).
    pub wiped_at: Option<i64>,
    /// The unlocked officer's PIN is shorter than today's minimum: nothing but a PIN change
    /// until it is changed.
    pub pin_change_required: bool,
    /// The app was started with `--training`: open scenario mode first (said once).
    pub start_in_training: bool,
}

/// A draft in the list.
#[derive(Serialize)]
pub struct DraftView {
    /// The assessment id.
    pub id: String,
    /// The pack's id and version.
    pub pack: String,
    /// When last changed, seconds since the epoch.
    pub updated_at: i64,
    /// Questions answered and shown now.
    pub answered: usize,
}

/// Who is set up, who is unlocked, and the policy in force.
#[tauri::command]
pub fn vault_status(state: State<'_, AppState>) -> Result<VaultStatus, IpcError> {
    let device_secret = device_secret_label(&state);
    state.with_workspace(|workspace| {
        Ok(VaultStatus {
            officers: workspace.vault().officers()?,
            unlocked: workspace.unlocked_officer().map(str::to_string),
            device_secret,
            idle_lock_seconds: workspace.idle_limit().as_secs(),
            wiped_at: workspace.vault().sync_status()?.wiped_at,
            pin_change_required: workspace.vault().pin_change_required(),
            start_in_training: state
                .start_in_training
                .swap(false, std::sync::atomic::Ordering::SeqCst),
        })
    })
}

/// Where the device secret lives, as the UI names it (`file` is the weaker mode).
fn device_secret_label(state: &AppState) -> &'static str {
    match state.device_secret_mode.lock().ok().and_then(|mode| *mode) {
        Some(DeviceSecretMode::File) => "file",
        Some(DeviceSecretMode::Keyring) => "keyring",
        Some(DeviceSecretMode::Provided) => "provided",
        None => "none",
    }
}

/// Sets up an officer on this device with their PIN, and unlocks.
#[tauri::command]
pub fn set_up_officer(
    state: State<'_, AppState>,
    officer: String,
    pin: String,
) -> Result<(), IpcError> {
    // The PIN is wiped from memory when this command returns.
    let pin = Zeroizing::new(pin);
    state.lock_training();
    state.with_workspace(|workspace| Ok(workspace.set_up_officer(&officer, &pin)?))?;
    firstline_applog::record(firstline_applog::Event::Unlocked);
    state.apply_log_policy();
    state.enrol_if_asked();
    Ok(())
}

/// Unlocks the vault for an officer.
#[tauri::command]
pub fn unlock(state: State<'_, AppState>, officer: String, pin: String) -> Result<(), IpcError> {
    let pin = Zeroizing::new(pin);
    // An officer's session and scenario mode are never open at once.
    state.lock_training();
    state.with_workspace(|workspace| Ok(workspace.unlock(&officer, &pin)?))?;
    firstline_applog::record(firstline_applog::Event::Unlocked);
    state.apply_log_policy();
    state.enrol_if_asked();
    Ok(())
}

/// Locks at once: keys wiped, the open assessment forgotten (its answers are in the vault).
#[tauri::command]
pub fn lock(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.lock_training();
    state.with_workspace(|workspace| {
        workspace.lock();
        Ok(())
    })
}

/// The unlocked officer's drafts, most recent first.
#[tauri::command]
pub fn list_drafts(state: State<'_, AppState>) -> Result<Vec<DraftView>, IpcError> {
    state.with_workspace(|workspace| {
        Ok(workspace
            .drafts()?
            .into_iter()
            .map(|draft| DraftView {
                id: draft.summary.assessment_id.0,
                pack: format!("{} {}", draft.summary.pack_id, draft.summary.pack_version),
                updated_at: draft.summary.updated_at,
                answered: draft.answered,
            })
            .collect())
    })
}

/// What the diagnostics screen shows: no personal data.
#[derive(Serialize)]
pub struct Diagnostics {
    /// The app's version.
    pub app_version: &'static str,
    /// The form pack in use: id, version and content hash.
    pub pack: String,
    /// Where the device secret lives; `file` is the weaker mode.
    pub device_secret: &'static str,
    /// Idle seconds before the vault locks itself.
    pub idle_lock_seconds: u64,
    /// Entries in the audit chain, which verified.
    pub audit_entries: usize,
    /// How this device trusts its force's keys: `enrolment_code` (the root's fingerprint was
    /// in the code), `first_signed_set` (enrolled before key sets were signed: it took the
    /// first signed set it pulled, which is weaker), `unsigned` (enrolled before, and no
    /// signed set pulled yet), or `not_enrolled`.
    pub force_keys: &'static str,
    /// The serial of the force's key set it holds.
    pub key_set_serial: Option<u64>,
    /// The pack's information screens whose review date has passed.
    pub information_due: Vec<InformationDue>,
    /// The device's policy: each setting's value, where it came from, whether it is locked.
    pub policy: PolicyView,
}

/// The device's policy as Settings shows it.
#[derive(Debug, Serialize)]
pub struct PolicyView {
    /// Whether a machine policy is in force.
    pub managed: bool,
    /// Why the machine policy could not be re-read (the last good one is in force).
    pub problem: Option<String>,
    /// Every setting, in a fixed order.
    pub settings: serde_json::Value,
}

/// An information screen past its review date, for the force to review.
#[derive(Debug, Serialize)]
pub struct InformationDue {
    /// The screen's id.
    pub id: String,
    /// Who owns its wording.
    pub owner: String,
    /// The review date that passed.
    pub review_by: String,
}

/// Facts for support and force IT; verifies the audit chain on the way.
#[tauri::command]
pub fn diagnostics(state: State<'_, AppState>) -> Result<Diagnostics, IpcError> {
    diagnostics_of(&state)
}

/// Writes a support bundle (the diagnostics and the app's log files; no personal data) into
/// the user's documents folder, and answers with its path for Settings to show.
#[tauri::command]
pub fn write_support_bundle(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<String, IpcError> {
    use tauri::Manager;
    let diagnostics = serde_json::to_value(diagnostics_of(&state)?)
        .map_err(|error| IpcError::damaged(error.to_string()))?;
    let documents = documents_folder(&app).map_err(not_written)?;
    let logs = app
        .path()
        .app_local_data_dir()
        .map(|folder| crate::log_folder(&folder))
        .map_err(|error| IpcError::damaged(format!("No data folder: {error}")))?;
    let written_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        });
    let bundle =
        firstline_applog::write_support_bundle(&documents, &logs, &diagnostics, written_at)
            .map_err(not_written)?;
    firstline_applog::record(firstline_applog::Event::SupportBundle);
    Ok(bundle.display().to_string())
}

/// The user's documents folder (the desktop's own, else `~/Documents`).
pub(crate) fn documents_folder(app: &tauri::AppHandle) -> Result<std::path::PathBuf, String> {
    use tauri::Manager;
    let path = app.path();
    path.document_dir()
        .or_else(|_| path.home_dir().map(|home| home.join("Documents")))
        .map_err(|error| format!("No documents folder: {error}"))
}

fn not_written(message: String) -> IpcError {
    IpcError::refused(
        firstline_workspace::Refusal::SupportBundleNotWritten,
        message,
    )
}

fn diagnostics_of(state: &AppState) -> Result<Diagnostics, IpcError> {
    let device_secret = device_secret_label(state);
    state.with_workspace(|workspace| {
        let (id, version, hash) = workspace.pack_in_use()?;
        let device = workspace.vault().device()?;
        let force_keys = match device.as_ref().map(|device| device.root_trusted_how) {
            None => "not_enrolled",
            Some(None) => "unsigned",
            Some(Some(RootTrust::EnrolmentCode)) => "enrolment_code",
            Some(Some(RootTrust::FirstSignedSet)) => "first_signed_set",
        };
        Ok(Diagnostics {
            app_version: env!("CARGO_PKG_VERSION"),
            pack: format!("{id} {version} ({hash})"),
            device_secret,
            idle_lock_seconds: workspace.idle_limit().as_secs(),
            audit_entries: workspace.vault().verify_audit()?.len(),
            force_keys,
            key_set_serial: device.and_then(|device| device.key_set_serial),
            information_due: workspace
                .information_due_for_review()?
                .into_iter()
                .map(|(id, owner, review_by)| InformationDue {
                    id,
                    owner,
                    review_by,
                })
                .collect(),
            policy: PolicyView {
                managed: workspace.policy().is_managed(),
                problem: workspace.policy().problem().map(str::to_string),
                settings: serde_json::to_value(workspace.policy().effective())
                    .map_err(|error| IpcError::damaged(error.to_string()))?,
            },
        })
    })
}

/// Changes the unlocked officer's PIN after checking the current one (a wrong one counts
/// towards the lockout and locks the vault).
#[tauri::command]
pub fn change_pin(
    state: State<'_, AppState>,
    current_pin: String,
    new_pin: String,
) -> Result<(), IpcError> {
    let (current_pin, new_pin) = (Zeroizing::new(current_pin), Zeroizing::new(new_pin));
    state.with_workspace(|workspace| Ok(workspace.change_pin(&current_pin, &new_pin)?))
}
