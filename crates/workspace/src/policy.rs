//! The device's policy in the workspace: the machine policy file (re-read at each unlock), the
//! force's policy as the vault last kept it, and the start options, merged by
//! `firstline-policy` and applied here: the idle lock, the vault's wrong-PIN limit and PIN
//! length, whether another officer may be set up, whether `--pack` may be used, and managed
//! enrolment. A policy file that cannot be read at start stops the app (force IT must see it);
//! one that goes bad or disappears later keeps the last good one in force and says so in
//! Settings (a file hidden from the app must not free the device from its policy; removing a
//! policy takes effect at the next start).

use std::path::{Path, PathBuf};

use firstline_policy::{
    effective, Effective, ForceSettings, MachinePolicy, PolicyError, StartOptions,
};
use zeroize::Zeroizing;

/// The policy this device runs under.
#[derive(Debug, Clone)]
pub struct DevicePolicy {
    /// Where the machine policy lives (`None`: never read one, as in most tests).
    machine_path: Option<PathBuf>,
    start: StartOptions,
    /// The machine policy last read well.
    machine: Option<MachinePolicy>,
    effective: Effective,
    /// Why the machine policy could not be re-read, while the last good one stays in force.
    problem: Option<String>,
}

impl DevicePolicy {
    /// A device's policy: the machine policy at `machine_path` (none there: an unmanaged
    /// device), refused if it cannot be read.
    pub fn read(machine_path: &Path, start: StartOptions) -> Result<DevicePolicy, PolicyError> {
        let machine = MachinePolicy::load(machine_path)?;
        Ok(DevicePolicy {
            machine_path: Some(machine_path.to_path_buf()),
            effective: effective(machine.as_ref(), None, &start),
            start,
            machine,
            problem: None,
        })
    }

    /// No machine policy at all: the force's and the defaults (tests, and `Workspace::new`).
    pub fn unmanaged(start: StartOptions) -> DevicePolicy {
        DevicePolicy {
            machine_path: None,
            effective: effective(None, None, &start),
            start,
            machine: None,
            problem: None,
        }
    }

    /// Re-reads the machine policy (keeping the last good one if it went bad) and merges it
    /// with the force's `force` policy.
    pub(crate) fn refresh(&mut self, force: Option<&ForceSettings>) {
        if let Some(path) = &self.machine_path {
            match MachinePolicy::load(path) {
                Ok(Some(machine)) => {
                    self.machine = Some(machine);
                    self.problem = None;
                }
                Ok(None) if self.machine.is_some() => {
                    self.problem = Some(format!(
                        "{} is gone: the policy read before stays in force until Firstline restarts",
                        path.display()
                    ));
                }
                Ok(None) => self.problem = None,
                Err(error) => self.problem = Some(error.to_string()),
            }
        }
        self.effective = effective(self.machine.as_ref(), force, &self.start);
    }

    /// Every setting's effective value, where it came from and whether it is locked.
    pub fn effective(&self) -> &Effective {
        &self.effective
    }

    /// Why the machine policy could not be re-read (the last good one is in force).
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Where the machine policy is read from, if anywhere.
    pub fn machine_path(&self) -> Option<&Path> {
        self.machine_path.as_deref()
    }

    /// Whether a machine policy is in force.
    pub fn is_managed(&self) -> bool {
        self.machine.is_some()
    }

    /// Whether the machine policy enrols this device itself (`[enrolment]`): then no other
    /// gateway or code may be typed in.
    pub fn enrols_by_policy(&self) -> bool {
        self.machine
            .as_ref()
            .is_some_and(|machine| machine.enrolment.is_some())
    }

    /// Managed enrolment, if the machine policy asks for it: the gateway and the code (as a
    /// link with the whole root fingerprint), or why they cannot be used.
    pub(crate) fn managed_enrolment(&self) -> Option<Result<(String, Zeroizing<String>), String>> {
        let enrolment = self.machine.as_ref()?.enrolment.as_ref()?;
        Some(enrolment.enrol_with())
    }
}

/// Whether the device secret may live in a file, for the vault at `vault_path`: the machine
/// policy's word where it gives one, else the force's as last pulled (read without the
/// secret, before the vault opens).
pub fn file_secret_allowed(
    vault_path: &Path,
    policy: &DevicePolicy,
) -> Result<bool, crate::WorkspaceError> {
    match policy
        .machine
        .as_ref()
        .and_then(|machine| machine.allow_file_secret)
    {
        Some(allowed) => Ok(allowed),
        None => Ok(firstline_vault::file_secret_allowed(vault_path)?),
    }
}
