//! What the app holds between commands: the officer's workspace (vault, open assessment, idle
//! lock, pack choice: all rules in `firstline-workspace`) behind one lock, and the running sync
//! client. This file decides nothing; it only hands each command the workspace.

use std::sync::Mutex;

use firstline_vault::DeviceSecretMode;
use firstline_workspace::{Activity, Workspace};

use crate::ipc_error::IpcError;

/// The app's state, shared by every command.
pub struct AppState {
    /// Where the device secret lives (diagnostics), once the vault is open.
    pub device_secret_mode: Mutex<Option<DeviceSecretMode>>,
    workspace: Mutex<Result<Workspace, IpcError>>,
    sync: Mutex<Option<crate::sync::SyncHandle>>,
    /// `--enrol`, waiting for the first unlock.
    enrol_on_unlock: Mutex<Option<crate::sync::EnrolOnStart>>,
    /// An enrolment started in the background and not finished (one at a time).
    enrolling: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The code of the last background enrolment the force refused for good: not tried again
    /// until the policy names another.
    refused_code: std::sync::Arc<Mutex<Option<zeroize::Zeroizing<String>>>>,
    /// `--training`: the first screen is scenario mode (told once, by the first vault status).
    pub start_in_training: std::sync::atomic::AtomicBool,
    /// The app's data folder, once known.
    pub data_folder: Mutex<Option<std::path::PathBuf>>,
    /// Scenario mode's store, opened at its first use (a file and secret of its own).
    training: Mutex<Option<firstline_trainer::TrainingStore>>,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            device_secret_mode: Mutex::new(None),
            workspace: Mutex::new(Err(IpcError::damaged("The vault is not open yet"))),
            sync: Mutex::new(None),
            enrol_on_unlock: Mutex::new(None),
            enrolling: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
            refused_code: std::sync::Arc::new(Mutex::new(None)),
            start_in_training: std::sync::atomic::AtomicBool::new(false),
            data_folder: Mutex::new(None),
            training: Mutex::new(None),
        }
    }
}

impl AppState {
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

    /// Keeps `--enrol` for the first unlock.
    pub fn enrol_on_unlock(&self, enrol: Option<crate::sync::EnrolOnStart>) {
        if let Ok(mut slot) = self.enrol_on_unlock.lock() {
            *slot = enrol;
        }
    }

    /// After an unlock: enrols as the machine policy's managed enrolment asks (at every unlock
    /// until the device is enrolled, unless the force refused that code for good), or else as
    /// `--enrol` asked (once; ignored on a managed device, whose gateway is force IT's choice),
    /// if the workspace gives a permit (an officer unlocked, the device not enrolled). One
    /// enrolment at a time.
    pub fn enrol_if_asked(&self) {
        let asked = self
            .enrol_on_unlock
            .lock()
            .ok()
            .and_then(|mut slot| slot.take());
        let managed = self
            .peek_workspace(|workspace| {
                Ok((
                    workspace.policy().is_managed(),
                    workspace.managed_enrolment(),
                ))
            })
            .unwrap_or((false, None));
        let enrol = match managed {
            (_, Some(Ok((gateway_url, code)))) => {
                let refused_before = self
                    .refused_code
                    .lock()
                    .ok()
                    .is_some_and(|refused| refused.as_deref() == Some(&*code));
                if refused_before {
                    return;
                }
                crate::sync::EnrolOnStart { gateway_url, code }
            }
            (_, Some(Err(problem))) => {
                eprintln!("firstline: the policy's managed enrolment cannot be used: {problem}");
                firstline_applog::record(firstline_applog::Event::PolicyProblem);
                return;
            }
            (true, None) => {
                if asked.is_some() {
                    eprintln!(
                        "firstline: --enrol ignored: this device is managed by force IT's policy"
                    );
                }
                return;
            }
            (false, None) => match asked {
                Some(enrol) => enrol,
                None => return,
            },
        };
        let Some((client, wake)) = self.sync.lock().ok().and_then(|sync| {
            sync.as_ref()
                .map(|handle| (handle.client.clone(), handle.wake.clone()))
        }) else {
            return;
        };
        if self
            .enrolling
            .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            return;
        }
        match self.with_workspace(|workspace| Ok(workspace.enrolment_permit()?)) {
            Ok(permit) => crate::sync::enrol_in_background(
                client,
                wake,
                permit,
                enrol,
                self.enrolling.clone(),
                self.refused_code.clone(),
            ),
            Err(error) => {
                self.enrolling
                    .store(false, std::sync::atomic::Ordering::SeqCst);
                eprintln!("firstline: enrolment not started: {}", error.message());
            }
        }
    }

    /// After an unlock (which re-read the machine policy): the log's level as the policy now
    /// says, and a line if the policy could not be re-read.
    pub fn apply_log_policy(&self) {
        let policy = self.peek_workspace(|workspace| {
            let policy = workspace.policy();
            Ok((
                policy.effective().log_level.value.clone(),
                policy.problem().is_some(),
            ))
        });
        if let Ok((level, problem)) = policy {
            firstline_applog::set_level(&level);
            if problem {
                firstline_applog::record(firstline_applog::Event::PolicyProblem);
            }
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

    /// Runs a scenario-mode command on the training store, opening it at first use: its own
    /// file under the data folder's `training/`, its own device secret, as the device's policy
    /// allows (`allow_training`; the trainer's PIN rule), re-checked at every command. Nothing
    /// here touches the officer's workspace beyond reading its policy, or the sync client.
    pub fn with_training<T>(
        &self,
        action: impl FnOnce(&mut firstline_trainer::TrainingStore) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        let (rules, allow_file, trusted) = self.peek_workspace(|workspace| {
            let policy = workspace.policy();
            let rules =
                firstline_trainer::trainer_rules(policy.effective(), workspace.idle_limit())?;
            let trusted =
                firstline_workspace::trusted_pack_keys(workspace.vault(), crate::PACK_TRUST)?;
            Ok((rules, policy.effective().allow_file_secret.value, trusted))
        })?;
        let mut slot = self
            .training
            .lock()
            .map_err(|_| IpcError::damaged("The app must be restarted"))?;
        if slot.is_none() {
            let folder = self
                .data_folder
                .lock()
                .ok()
                .and_then(|folder| folder.clone())
                .ok_or_else(|| IpcError::damaged("No folder for the app's data"))?
                .join("training");
            std::fs::create_dir_all(&folder)
                .map_err(|error| IpcError::damaged(format!("{}: {error}", folder.display())))?;
            let secret = firstline_vault::DeviceSecret::from_keyring_or_file(
                crate::KEYRING_SERVICE,
                "training-secret",
                &folder.join("device-secret"),
                allow_file,
            )?;
            let pack = std::sync::Arc::new(
                firstline_form::default_pack()
                    .map_err(|error| IpcError::damaged(error.to_string()))?,
            );
            // The built-in scenarios, then the force's own, signed with its pack key, from the
            // folder beside the machine policy (a fixed path: not the user's to choose).
            let mut scenarios = firstline_trainer::built_in_scenarios(&pack)?;
            let force_folder = firstline_workspace::machine_policy_path()
                .parent()
                .map(|folder| folder.join("scenarios"));
            if let Some(folder) = force_folder {
                let (force, problems) = firstline_trainer::scenarios_in(&folder, &trusted, &pack);
                for problem in problems {
                    eprintln!(
                        "firstline: a scenario in {} is left out: {problem}",
                        folder.display()
                    );
                }
                scenarios.extend(force);
            }
            *slot = Some(firstline_trainer::TrainingStore::open(
                &folder.join("training.sqlite"),
                secret,
                rules.min_pin_digits,
                pack,
                scenarios,
            )?);
        }
        match slot.as_mut() {
            Some(store) => {
                store.before_command(rules);
                action(store)
            }
            None => Err(IpcError::damaged("Scenario mode could not open")),
        }
    }

    /// Locks the officer's workspace (scenario mode opening: the two are never unlocked at once).
    pub fn lock_officer(&self) {
        let _ = self.peek_workspace(|workspace| {
            workspace.lock();
            Ok(())
        });
    }

    /// Locks scenario mode, if it is open (the app locking, or leaving scenario mode).
    pub fn lock_training(&self) {
        if let Ok(mut slot) = self.training.lock() {
            if let Some(store) = slot.as_mut() {
                store.lock();
            }
        }
    }

    /// Installs the opened workspace, or why it could not be opened.
    pub fn set_workspace(&self, workspace: Result<Workspace, IpcError>) {
        if let Ok(mut slot) = self.workspace.lock() {
            *slot = workspace;
        }
    }

    /// Runs an officer's command on the workspace (the idle lock applies first, and the command
    /// counts as activity).
    pub fn with_workspace<T>(
        &self,
        action: impl FnOnce(&mut Workspace) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        let result = self.workspace_as(Activity::Officer, action);
        if let Err(error) = &result {
            firstline_applog::record(firstline_applog::Event::CommandRefused {
                refusal: error.detail.into(),
            });
        }
        result
    }

    /// Like [`AppState::with_workspace`] for what a screen reads on its own (the sync screen's
    /// refresh): the idle lock applies, but it is not activity.
    pub fn peek_workspace<T>(
        &self,
        action: impl FnOnce(&mut Workspace) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        self.workspace_as(Activity::Passive, action)
    }

    fn workspace_as<T>(
        &self,
        activity: Activity,
        action: impl FnOnce(&mut Workspace) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        let mut guard = self
            .workspace
            .lock()
            .map_err(|_| IpcError::damaged("The app must be restarted"))?;
        let workspace = guard.as_mut().map_err(|problem| problem.clone())?;
        workspace.before_command(activity);
        action(workspace)
    }
}
