//! Sync commands: finalise the assessment on screen, the sync screen's status, "Sync now",
//! and enrolment with a force gateway.

use serde::Serialize;
use tauri::State;

use firstline_workspace::{Finalising, Refusal};

use crate::ipc_error::IpcError;
use crate::state::AppState;

/// What finalising did: the same for every assessment, whether or not it had a migrant-victim
/// section.
#[derive(Serialize)]
pub struct FinalisedView {
    /// The submission id.
    pub submission_id: String,
    /// Finalised on a device not enrolled yet: it waits, locked, and is sealed at the first
    /// unlock after enrolment.
    pub waiting_for_enrolment: bool,
}

/// One record in the sync screen's list.
#[derive(Serialize)]
pub struct SentView {
    /// The submission id.
    pub id: String,
    /// When finalised, seconds since the epoch.
    pub finalised_at: i64,
    /// `pending`, `sending`, `acknowledged`, `quarantined`, `waiting_for_enrolment`
    /// (finalised before the device was enrolled; sealed at the first unlock after), or
    /// `not_sealed` (that sealing failed; audited).
    pub state: String,
    /// Why quarantined or waiting.
    pub reason: Option<String>,
}

/// A submission set aside, and why.
#[derive(Serialize)]
pub struct QuarantinedView {
    /// The submission id.
    pub id: String,
    /// Why the force will not take it as it is, in English (for force IT).
    pub reason: String,
    /// The kind of problem, which the UI words in the officer's language.
    pub kind: Option<&'static str>,
}

/// The sync screen.
#[derive(Serialize)]
pub struct SyncView {
    /// The force this device is enrolled with, if any.
    pub force_name: Option<String>,
    /// The gateway's address.
    pub gateway_url: Option<String>,
    /// Waiting to be sent.
    pub pending: u32,
    /// Finalised before the device was enrolled (every officer's), not sealed yet.
    pub waiting_for_enrolment: u32,
    /// Received by the force.
    pub received: u32,
    /// Set aside, with reasons.
    pub quarantined: Vec<QuarantinedView>,
    /// Last successful sync, seconds since the epoch.
    pub last_success_at: Option<i64>,
    /// The last problem, if the last attempt failed, in English (for force IT).
    pub last_error: Option<String>,
    /// Its kind, which the UI words in the officer's language.
    pub last_error_kind: Option<&'static str>,
    /// When the force revoked this device.
    pub revoked_at: Option<i64>,
    /// When the force wiped this device.
    pub wiped_at: Option<i64>,
    /// The unlocked officer's finalised records (empty while locked).
    pub records: Vec<SentView>,
}

/// Finalises the assessment on screen (the workspace refuses while anything required is
/// missing), then wakes the sync client to send it.
#[tauri::command]
pub fn finalise_assessment(state: State<'_, AppState>) -> Result<FinalisedView, IpcError> {
    let finalised = state.with_workspace(|workspace| Ok(workspace.finalise()?))?;
    firstline_applog::record(firstline_applog::Event::Finalised);
    state.wake_sync();
    Ok(FinalisedView {
        submission_id: finalised.submission_id().to_string(),
        waiting_for_enrolment: matches!(finalised, Finalising::WaitingForEnrolment { .. }),
    })
}

/// Pending count, last successful sync, quarantined items with reasons, the officer's records
/// (while unlocked; a locked vault still shows the counts).
#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> Result<SyncView, IpcError> {
    // Refreshed every two seconds by the sync screen: not the officer's activity.
    state.peek_workspace(|workspace| {
        let status = workspace.vault().sync_status()?;
        let device = workspace.vault().device()?;
        let records =
            if workspace.unlocked_officer().is_some() && !workspace.vault().pin_change_required() {
                workspace.sent_records()?
            } else {
                Vec::new()
            };
        Ok(SyncView {
            force_name: device.as_ref().map(|device| device.force_name.clone()),
            gateway_url: device.map(|device| device.gateway_url),
            pending: status.pending,
            waiting_for_enrolment: status.waiting_for_enrolment,
            received: status.acknowledged,
            quarantined: status
                .quarantined
                .into_iter()
                .map(|item| QuarantinedView {
                    id: item.submission_id,
                    reason: item.reason,
                    kind: item.kind.map(|kind| kind.name()),
                })
                .collect(),
            last_success_at: status.last_success_at,
            last_error: status.last_error,
            last_error_kind: status.last_error_kind.map(|kind| kind.name()),
            revoked_at: status.revoked_at,
            wiped_at: status.wiped_at,
            records: records
                .into_iter()
                .map(|record| SentView {
                    id: record.submission_id,
                    finalised_at: record.finalised_at,
                    state: record.state,
                    reason: record.reason,
                })
                .collect(),
        })
    })
}

/// The force's support services (refuges, IDVA services, helplines), by name, as the sync
/// client last pulled them.
#[tauri::command]
pub fn support_services(
    state: State<'_, AppState>,
) -> Result<Vec<firstline_protocol::DirectoryEntry>, IpcError> {
    state.with_workspace(|workspace| Ok(workspace.vault().directory()?))
}

/// Runs a sync pass now.
#[tauri::command]
pub fn sync_now(state: State<'_, AppState>) -> Result<(), IpcError> {
    if state.wake_sync() {
        Ok(())
    } else {
        Err(IpcError::refused(
            Refusal::SyncNotRunning,
            "Sync is not running on this device",
        ))
    }
}

/// Enrols this device with a force gateway using a one-time code from force IT: only under
/// the workspace's permit (an officer unlocked, the device not enrolled), and the sync client
/// checks the address and code as it does for `--enrol`.
#[tauri::command]
pub async fn enrol_device(
    state: State<'_, AppState>,
    gateway_url: String,
    code: String,
) -> Result<String, IpcError> {
    let permit = state.with_workspace(|workspace| Ok(workspace.typed_enrolment_permit()?))?;
    let client = state.sync_client().ok_or_else(|| {
        IpcError::refused(
            Refusal::SyncNotRunning,
            "Sync is not running on this device",
        )
    })?;
    let device = client
        .enrol(permit, &gateway_url, &code, &crate::sync::device_name())
        .await?;
    // Records finalised while the device waited for enrolment are sealed now; one that cannot
    // be stays waiting (audited, listed on the sync screen): the enrolment itself succeeded.
    let _ = state.with_workspace(|workspace| Ok(workspace.seal_waiting()?));
    state.wake_sync();
    Ok(device.force_name)
}

/// Wipes this device so that it can enrol with another force: the unlocked officer's PIN again,
/// and the number of finalised assessments still waiting that the screen showed them.
#[tauri::command]
pub fn wipe_device(
    state: State<'_, AppState>,
    pin: String,
    waiting_seen: u32,
) -> Result<(), IpcError> {
    let pin = zeroize::Zeroizing::new(pin);
    state.with_workspace(|workspace| Ok(workspace.wipe_device(&pin, waiting_seen)?))?;
    state.wake_sync();
    Ok(())
}
