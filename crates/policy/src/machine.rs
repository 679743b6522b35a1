//! The machine policy file: every setting optional, unknown keys refused (a misspelt setting
//! must not be silently ignored), each value checked against the range the app can honour.
//! Managed enrolment names the gateway, the force root's whole fingerprint and the one-time
//! code (in the file, or in a file of its own that the device-management system drops).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use zeroize::Zeroizing;

/// Why a policy file cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("{path}: {reason}")]
    Unreadable {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// It is not TOML, or names a setting that does not exist.
    #[error("{path}: {reason}")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong, with its line.
        reason: String,
    },
    /// A value outside what the app can honour.
    #[error("{path}: {setting} {reason}")]
    OutOfRange {
        /// The file.
        path: String,
        /// The setting.
        setting: &'static str,
        /// The range it must be in.
        reason: String,
    },
}

/// The machine policy as written; `None` for a setting it leaves alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachinePolicy {
    /// Seconds without input after which the app locks (30 to 300: never longer than the
    /// default, which is always one of the values the strictest is taken from).
    pub idle_lock_seconds: Option<u32>,
    /// The fewest digits an officer's PIN may have (6 to 12).
    pub min_pin_length: Option<u32>,
    /// Wrong PINs in a row after which an officer's key is destroyed (1 to 10, as above).
    pub max_failed_pins: Option<u32>,
    /// Whether the device secret may live in a file where no OS keyring answers.
    pub allow_file_secret: Option<bool>,
    /// Whether officers may be set up on this device after its first (false: the device
    /// keeps the officers it has; the first is always set up, by whoever prepares it).
    pub allow_local_officer_setup: Option<bool>,
    /// Whether `--pack` may replace the form pack (development builds only in any case).
    pub allow_pack_override: Option<bool>,
    /// Whether scenario training may run on this device.
    pub allow_training: Option<bool>,
    /// The fewest digits a trainer's PIN may have (6 to 12).
    pub trainer_min_pin_length: Option<u32>,
    /// The app log's level: error, warn, info or debug.
    pub log_level: Option<String>,
    /// Enrolment with no typing, at the first officer unlock.
    pub enrolment: Option<ManagedEnrolment>,
}

/// Managed enrolment, as written in the policy file.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedEnrolment {
    /// The gateway's URL as this device reaches it.
    pub gateway_url: String,
    /// The force root key's fingerprint: 64 hex digits (`firstline-admin` prints it).
    pub root_fingerprint: String,
    /// The one-time code (typed form), when the file holds it.
    #[serde(default)]
    pub code: Option<Zeroizing<String>>,
    /// A file holding the one-time code, dropped per device by the device-management system.
    #[serde(default)]
    pub code_file: Option<PathBuf>,
}

impl std::fmt::Debug for ManagedEnrolment {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ManagedEnrolment")
            .field("gateway_url", &self.gateway_url)
            .field("root_fingerprint", &self.root_fingerprint)
            .field("code", &self.code.as_ref().map(|_| "(hidden)"))
            .field("code_file", &self.code_file)
            .finish()
    }
}

impl MachinePolicy {
    /// Reads the policy at `path`: `Ok(None)` where there is no file (an unmanaged device).
    pub fn load(path: &Path) -> Result<Option<MachinePolicy>, PolicyError> {
        match std::fs::read_to_string(path) {
            Ok(text) => MachinePolicy::parse(&text, &path.display().to_string()).map(Some),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(PolicyError::Unreadable {
                path: path.display().to_string(),
                reason: error.to_string(),
            }),
        }
    }

    /// Parses and checks a policy's text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<MachinePolicy, PolicyError> {
        let policy: MachinePolicy =
            toml::from_str(text).map_err(|error| PolicyError::Malformed {
                path: path.to_string(),
                // Never the toml crate's own message: it quotes the line, which may hold the
                // enrolment code.
                reason: crate::describe_toml_error(path, text, &error)
                    .trim_start_matches(path)
                    .trim_start_matches(": ")
                    .to_string(),
            })?;
        policy.check(path)?;
        Ok(policy)
    }

    fn check(&self, path: &str) -> Result<(), PolicyError> {
        let out_of_range = |setting: &'static str, reason: &str| PolicyError::OutOfRange {
            path: path.to_string(),
            setting,
            reason: reason.to_string(),
        };
        let within = |value: Option<u32>, range: std::ops::RangeInclusive<u32>| {
            value.is_none_or(|value| range.contains(&value))
        };
        if !within(self.idle_lock_seconds, 30..=300) {
            return Err(out_of_range(
                "idle_lock_seconds",
                "must be 30 to 300 (the default is the longest)",
            ));
        }
        if !within(self.min_pin_length, 6..=12) {
            return Err(out_of_range("min_pin_length", "must be 6 to 12"));
        }
        if !within(self.trainer_min_pin_length, 6..=12) {
            return Err(out_of_range("trainer_min_pin_length", "must be 6 to 12"));
        }
        if !within(self.max_failed_pins, 1..=10) {
            return Err(out_of_range(
                "max_failed_pins",
                "must be 1 to 10 (the default is the most)",
            ));
        }
        if let Some(level) = &self.log_level {
            if !["error", "warn", "info", "debug"].contains(&level.as_str()) {
                return Err(out_of_range(
                    "log_level",
                    "must be error, warn, info or debug",
                ));
            }
        }
        if let Some(enrolment) = &self.enrolment {
            enrolment
                .check()
                .map_err(|reason| PolicyError::OutOfRange {
                    path: path.to_string(),
                    setting: "enrolment",
                    reason,
                })?;
        }
        Ok(())
    }
}

impl ManagedEnrolment {
    fn check(&self) -> Result<(), String> {
        let fingerprint = self.fingerprint()?;
        if firstline_trust::EnrolmentUri::parse(&firstline_trust::EnrolmentUri::format(
            &self.gateway_url,
            "ABCDEFGHJKLMNPQR",
            &fingerprint,
        ))
        .is_none()
        {
            return Err(format!(
                "gateway_url {:?} is not an http(s) URL",
                self.gateway_url
            ));
        }
        match (&self.code, &self.code_file) {
            (Some(_), Some(_)) => Err("give code or code_file, not both".into()),
            (None, None) => Err("needs code or code_file".into()),
            (Some(code), None) => self.check_code(code).map(|_| ()),
            (None, Some(_)) => Ok(()),
        }
    }

    /// The root fingerprint's 32 bytes.
    pub fn fingerprint(&self) -> Result<[u8; 32], String> {
        let hex = self.root_fingerprint.trim().replace([':', ' '], "");
        let bytes: Option<Vec<u8>> = (hex.len() == 64
            && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| {
            (0..32)
                .map(|index| u8::from_str_radix(&hex[index * 2..index * 2 + 2], 16).ok())
                .collect()
        })
        .flatten();
        bytes
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| "root_fingerprint must be 64 hex digits".to_string())
    }

    fn check_code(&self, text: &str) -> Result<String, String> {
        let code = firstline_trust::EnrolmentCode::parse(text)
            .ok_or("the code is not an enrolment code (eight groups of four)")?;
        let fingerprint = self.fingerprint()?;
        if !fingerprint.starts_with(&code.fingerprint) {
            return Err("the code is for another force than root_fingerprint names".into());
        }
        Ok(code.secret)
    }

    /// What the sync client enrols with: the gateway URL and the code as a link carrying the
    /// whole root fingerprint (so the device checks the force's key set against all of it).
    /// Reads `code_file` now: the device-management system may drop it after the policy.
    pub fn enrol_with(&self) -> Result<(String, Zeroizing<String>), String> {
        let text = match (&self.code, &self.code_file) {
            (Some(code), _) => code.clone(),
            (None, Some(path)) => Zeroizing::new(
                std::fs::read_to_string(path)
                    .map_err(|error| format!("{}: {error}", path.display()))?,
            ),
            (None, None) => return Err("the policy's enrolment has no code".into()),
        };
        let secret = self.check_code(text.trim())?;
        Ok((
            self.gateway_url.trim_end_matches('/').to_string(),
            Zeroizing::new(firstline_trust::EnrolmentCode::link(
                &secret,
                &self.fingerprint()?,
            )),
        ))
    }
}
