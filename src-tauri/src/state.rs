//! What the app holds between commands: the vault (and whether it is unlocked), the assessment
//! open on screen, the idle-lock clock, and the policy values in force. Vault and open
//! assessment sit behind one lock, so locking the vault and forgetting the screen's assessment
//! are one step.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use firstline_form::Assessment;
use firstline_vault::{AssessmentId, DeviceSecretMode, Vault};

use crate::ipc_error::{ErrorCode, IpcError};
use crate::packs::PackSource;

/// The assessment on screen and its record in the vault.
pub struct OpenAssessment {
    /// The vault record.
    pub id: AssessmentId,
    /// The engine's state.
    pub assessment: Assessment,
}

/// The vault and the assessment open on screen.
pub struct Workspace {
    /// The encrypted store.
    pub vault: Vault,
    /// The assessment the officer is working on, if any (only while unlocked).
    pub current: Option<OpenAssessment>,
    last_activity: Instant,
}

impl Workspace {
    /// Locks the vault (keys wiped) and forgets the assessment on screen.
    pub fn lock(&mut self) {
        self.vault.lock();
        self.current = None;
    }

    /// The open assessment, if the vault is unlocked and one is open.
    pub fn open_assessment(&mut self) -> Result<&mut OpenAssessment, IpcError> {
        if self.vault.unlocked_officer().is_none() {
            return Err(IpcError::new(ErrorCode::Locked, "Unlock to go on"));
        }
        self.current.as_mut().ok_or_else(|| {
            IpcError::new(ErrorCode::NotReady, "Start or resume an assessment first")
        })
    }
}

/// The app's state, shared by every command.
pub struct AppState {
    /// Where assessments take their form pack from.
    pub pack: PackSource,
    /// Idle time after which the vault locks itself.
    pub idle_lock: Duration,
    /// Where the device secret lives (diagnostics), once the vault is open.
    pub device_secret_mode: Mutex<Option<DeviceSecretMode>>,
    workspace: Mutex<Result<Workspace, String>>,
    sync: Mutex<Option<crate::sync::SyncHandle>>,
}

impl AppState {
    /// A state whose vault is not open yet.
    pub fn new(pack: PackSource, idle_lock: Duration) -> Self {
        AppState {
            pack,
            idle_lock,
            device_secret_mode: Mutex::new(None),
            workspace: Mutex::new(Err("The vault is not open yet".into())),
            sync: Mutex::new(None),
        }
    }

    /// Installs the running sync client.
    pub fn set_sync(&self, handle: crate::sync::SyncHandle) {
        if let Ok(mut sync) = self.sync.lock() {
            *sync = Some(handle);
        }
    }

    /// Wakes the sync scheduler for a pass now; false if sync is not running.
    pub fn wake_sync(&self) -> bool {
        match self
            .sync
            .lock()
            .ok()
            .as_ref()
            .and_then(|sync| sync.as_ref())
        {
            Some(handle) => {
                handle.wake.notify_one();
                true
            }
            None => false,
        }
    }

    /// The running sync client, if any.
    pub fn sync_client(&self) -> Option<std::sync::Arc<firstline_sync::SyncClient>> {
        self.sync
            .lock()
            .ok()?
            .as_ref()
            .map(|handle| handle.client.clone())
    }

    /// Installs the opened vault, or why it could not be opened.
    pub fn set_vault(&self, vault: Result<Vault, String>) {
        if let Ok(mut workspace) = self.workspace.lock() {
            *workspace = vault.map(|vault| Workspace {
                vault,
                current: None,
                last_activity: Instant::now(),
            });
        }
    }

    /// Runs `action` on the workspace. Locks first if the officer has been idle longer than the
    /// policy allows (the UI's own timer is a convenience; this is the rule).
    pub fn with_workspace<T>(
        &self,
        action: impl FnOnce(&mut Workspace) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        self.workspace_as(true, action)
    }

    /// Like [`AppState::with_workspace`] for what a screen reads on its own (the sync screen's
    /// refresh): the idle lock still applies, but reading is not the officer's activity, so it
    /// does not keep the vault unlocked.
    pub fn peek_workspace<T>(
        &self,
        action: impl FnOnce(&mut Workspace) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        self.workspace_as(false, action)
    }

    fn workspace_as<T>(
        &self,
        officer_activity: bool,
        action: impl FnOnce(&mut Workspace) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        let mut guard = self
            .workspace
            .lock()
            .map_err(|_| IpcError::new(ErrorCode::Damaged, "The app must be restarted"))?;
        let workspace = guard
            .as_mut()
            .map_err(|problem| IpcError::new(ErrorCode::Damaged, problem.clone()))?;
        if workspace.last_activity.elapsed() > self.idle_lock {
            workspace.lock();
        }
        if officer_activity {
            workspace.last_activity = Instant::now();
        }
        action(workspace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_on_a_timer_does_not_keep_the_vault_unlocked() {
        let folder = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        let vault = Vault::open(
            &folder.path().join("vault.sqlite"),
            firstline_vault::DeviceSecret::provided(&[3; 32]),
            firstline_vault::VaultOptions {
                kdf: firstline_vault::KdfParams::FOR_TESTS,
                ..firstline_vault::VaultOptions::default()
            },
        );
        let state = AppState::new(PackSource::from_option(None), Duration::from_millis(300));
        state.set_vault(vault.map_err(|error| error.to_string()));
        let set_up =
            state.with_workspace(|workspace| Ok(workspace.vault.set_up_officer("PC 1", "2468")?));
        assert!(set_up.is_ok());
        let unlocked =
            state.with_workspace(|workspace| Ok(workspace.vault.unlock("PC 1", "2468")?));
        assert!(unlocked.is_ok());
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(100));
            let _ = state.peek_workspace(|_| Ok(()));
        }
        let officer = state
            .with_workspace(|workspace| Ok(workspace.vault.unlocked_officer().map(str::to_string)));
        assert_eq!(
            officer,
            Ok(None),
            "the idle lock applied despite the screen's refreshes"
        );
    }
}
