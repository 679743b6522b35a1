//! Starts the sync client beside the app: its own connection to the vault's outbox, the one
//! scheduler on Tauri's async runtime, and a wipe order from the force carried through to the
//! screen (keys dropped, officers gone). Enrolment asked for on the command line waits for the
//! first unlock, managed enrolment (the machine policy) waits for an officer's unlock, and both
//! take the same permit as the enrolment screen.

use std::path::Path;
use std::sync::Arc;

use firstline_sync::{PassReport, SyncClient, SyncConfig};
use firstline_vault::{DeviceSecret, EnrolmentPermit, Outbox};
use tauri::Manager;
use tokio::sync::Notify;

use crate::state::AppState;

/// The running sync client and the bell that wakes its scheduler ("Sync now", a new
/// finalised record).
pub struct SyncHandle {
    /// The client.
    pub client: Arc<SyncClient>,
    /// Notify to run a pass now.
    pub wake: Arc<Notify>,
}

/// Enrolment asked for on the command line or by the machine policy.
#[derive(Clone)]
pub struct EnrolOnStart {
    /// The gateway's base URL.
    pub gateway_url: String,
    /// The one-time code, wiped from memory when dropped.
    pub code: zeroize::Zeroizing<String>,
}

impl std::fmt::Debug for EnrolOnStart {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("EnrolOnStart")
            .field("gateway_url", &self.gateway_url)
            .field("code", &"(hidden)")
            .finish()
    }
}

/// Clears the "enrolling" flag when the background enrolment ends, however it ends (a panic
/// included), so that a later unlock can try again.
struct Enrolling(Arc<std::sync::atomic::AtomicBool>);

impl Drop for Enrolling {
    fn drop(&mut self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Opens the outbox with the app's device secret and starts the scheduler.
pub fn start(
    app: &tauri::AppHandle,
    folder: &Path,
    secret: DeviceSecret,
) -> Result<SyncHandle, String> {
    let outbox =
        Outbox::open(&folder.join("vault.sqlite"), secret).map_err(|error| error.to_string())?;
    let client = Arc::new(
        SyncClient::new(
            outbox,
            SyncConfig {
                idle_poll: std::time::Duration::from_secs(15),
                ..SyncConfig::default()
            },
        )
        .map_err(|error| error.to_string())?,
    );
    let wake = Arc::new(Notify::new());
    let (scheduler, bell, handle) = (client.clone(), wake.clone(), app.clone());
    tauri::async_runtime::spawn(async move {
        scheduler
            .run(bell, move |report| {
                log_pass(report);
                if let Ok(PassReport::Wiped) = report {
                    // The force wiped this device: forget every key the window's side holds.
                    let state = handle.state::<AppState>();
                    let _ = state.peek_workspace(|workspace| {
                        workspace.lock();
                        Ok(())
                    });
                }
            })
            .await;
    });
    Ok(SyncHandle { client, wake })
}

/// Enrols in the background with what `--enrol` or the machine policy gave, under a permit
/// the workspace made at an officer's unlock; a refusal is printed for whoever started the
/// app. `enrolling` is cleared when it is done, either way; a refusal that trying again cannot
/// change (anything but the gateway out of reach) is kept in `refused`, so that the same code
/// is not spent on again at every unlock.
pub fn enrol_in_background(
    client: Arc<SyncClient>,
    wake: Arc<Notify>,
    permit: EnrolmentPermit,
    enrol: EnrolOnStart,
    enrolling: Arc<std::sync::atomic::AtomicBool>,
    refused: Arc<std::sync::Mutex<Option<zeroize::Zeroizing<String>>>>,
) {
    tauri::async_runtime::spawn(async move {
        let _done = Enrolling(enrolling);
        match client
            .enrol(permit, &enrol.gateway_url, &enrol.code, &device_name())
            .await
        {
            Ok(_) => {
                firstline_applog::record(firstline_applog::Event::Enrolment {
                    enrolled: true,
                    refused_for_good: false,
                });
                wake.notify_one();
            }
            Err(error) => {
                eprintln!("firstline: enrolment at unlock: {error}");
                firstline_applog::record(firstline_applog::Event::Enrolment {
                    enrolled: false,
                    refused_for_good: refused_for_good(&error),
                });
                if refused_for_good(&error) {
                    if let Ok(mut refused) = refused.lock() {
                        *refused = Some(enrol.code.clone());
                    }
                }
            }
        }
    });
}

/// A sync pass in the app's log: its outcome and counts.
fn log_pass(report: &Result<PassReport, firstline_sync::SyncError>) {
    let (outcome, acknowledged, quarantined) = match report {
        Ok(PassReport::Drained {
            acknowledged,
            quarantined,
        }) => ("drained", *acknowledged, *quarantined),
        Ok(PassReport::Offline { acknowledged, .. }) => ("offline", *acknowledged, 0),
        Ok(PassReport::Unauthenticated(_)) => ("unauthenticated", 0, 0),
        Ok(PassReport::Revoked) => ("revoked", 0, 0),
        Ok(PassReport::Wiped) => ("wiped", 0, 0),
        Ok(PassReport::NotEnrolled) => ("not_enrolled", 0, 0),
        Ok(PassReport::UpdateRequired { .. }) => ("update_required", 0, 0),
        Err(_) => ("failed", 0, 0),
    };
    firstline_applog::record(firstline_applog::Event::SyncPass {
        outcome,
        acknowledged,
        quarantined,
    });
}

/// Whether trying the same code again cannot help: the force does not know it or it was used,
/// the code is not a code, or the gateway's keys are not the force's the code names. A rate
/// limit, a busy gateway, the network or anything else is tried again at the next unlock.
fn refused_for_good(error: &firstline_sync::SyncError) -> bool {
    use firstline_protocol::ErrorCode;
    use firstline_sync::SyncError;
    match error {
        SyncError::BadEnrolmentCode | SyncError::BadGatewayUrl | SyncError::KeySetRefused(_) => {
            true
        }
        SyncError::EnrolmentRefused { code, .. } => matches!(
            code,
            Some(ErrorCode::UnknownCode | ErrorCode::CodeUsed | ErrorCode::Malformed)
        ),
        _ => false,
    }
}

/// A label for force IT's device list: the host name where there is one.
pub fn device_name() -> String {
    #[cfg(windows)]
    let name = std::env::var("COMPUTERNAME").ok();
    #[cfg(not(windows))]
    let name = std::fs::read_to_string("/etc/hostname").ok();
    name.map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "Firstline device".into())
}
