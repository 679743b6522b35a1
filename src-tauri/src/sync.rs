//! Starts the sync client beside the app: its own connection to the vault's outbox, the one
//! scheduler on Tauri's async runtime, enrolment from the command line when asked, and a wipe
//! order from the force carried through to the screen (keys dropped, officers gone).

use std::path::Path;
use std::sync::Arc;

use firstline_sync::{PassReport, SyncClient, SyncConfig};
use firstline_vault::{DeviceSecret, Outbox};
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

/// Enrolment asked for on the command line.
#[derive(Debug, Clone)]
pub struct EnrolOnStart {
    /// The gateway's base URL.
    pub gateway_url: String,
    /// The one-time code.
    pub code: String,
}

/// Opens the outbox and starts the scheduler. Enrols first when `enrol` is given and the
/// device is not enrolled yet.
pub fn start(
    app: &tauri::AppHandle,
    vault_path: &Path,
    secret_path: &Path,
    enrol: Option<EnrolOnStart>,
) -> Result<SyncHandle, String> {
    let secret = DeviceSecret::from_file(secret_path).map_err(|error| error.to_string())?;
    let outbox = Outbox::open(vault_path, secret).map_err(|error| error.to_string())?;
    let enrolled = outbox
        .device()
        .map_err(|error| error.to_string())?
        .is_some();
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
        if let (false, Some(enrol)) = (enrolled, enrol) {
            let name = device_name();
            if let Err(error) = scheduler
                .enrol(&enrol.gateway_url, &enrol.code, &name)
                .await
            {
                eprintln!("firstline: {error}");
            }
        }
        scheduler
            .run(bell, move |report| {
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

/// A label for force IT's device list: the host name where there is one.
fn device_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "Firstline device".into())
}
