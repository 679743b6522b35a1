//! The vault's errors, in its own terms. None carries an answer's value or a key.

use thiserror::Error;

/// What went wrong in the vault.
#[derive(Debug, Error)]
pub enum VaultError {
    /// The database file could not be opened, read or written.
    #[error("the vault file cannot be used: {0}")]
    Storage(#[from] rusqlite::Error),
    /// A training store was given where an officer's vault is needed (or to the sync
    /// engine, which never takes one).
    #[error("this is a training store: it holds scenario mode's synthetic data, never syncs and opens as nothing else")]
    TrainingStore,
    /// An officer's vault was given where a training store is needed.
    #[error("this is an officer's vault, not a training store")]
    NotTrainingStore,
    /// The vault file was written by a newer version of the app.
    #[error("the vault file is from a newer version of Firstline (schema {found}, this app knows {known})")]
    TooNew {
        /// The schema version in the file.
        found: u32,
        /// The newest this app knows.
        known: u32,
    },
    /// No officer with that id is set up on this device.
    #[error("no officer {officer} is set up on this device")]
    UnknownOfficer {
        /// The officer id asked for.
        officer: String,
    },
    /// An officer with that id is already set up.
    #[error("officer {officer} is already set up on this device")]
    OfficerExists {
        /// The officer id.
        officer: String,
    },
    /// The PIN is not the officer's.
    #[error(
        "wrong PIN; {attempts_left} attempts left before this device's data for you is destroyed"
    )]
    WrongPin {
        /// Attempts left before the key is destroyed.
        attempts_left: u32,
    },
    /// Another try is not allowed yet.
    #[error("too many wrong PINs: try again in {seconds} seconds")]
    TooSoon {
        /// Seconds to wait.
        seconds: i64,
    },
    /// Nobody has the vault unlocked.
    #[error("the vault is locked")]
    Locked,
    /// The officer's key was destroyed after too many wrong PINs.
    #[error("too many wrong PINs: your data on this device has been destroyed")]
    Wiped,
    /// A PIN that does not meet the rules.
    #[error("a PIN must be {min} to {max} digits")]
    BadPin {
        /// Fewest digits.
        min: usize,
        /// Most digits.
        max: usize,
    },
    /// A record does not belong to this officer, or does not exist.
    #[error("no assessment {record} for this officer")]
    UnknownRecord {
        /// The record id.
        record: String,
    },
    /// A stored value could not be decrypted or verified: changed, moved or corrupted.
    #[error("assessment {record} is damaged ({place}); the rest of the vault is unaffected")]
    Damaged {
        /// The record id.
        record: String,
        /// Where (for example `answer q3 revision 2`, never its value).
        place: String,
    },
    /// The audit chain does not verify.
    #[error("the audit chain is broken at entry {seq}")]
    AuditBroken {
        /// The first entry that does not verify.
        seq: i64,
    },
    /// The vault file was changed outside Firstline (an officer's PIN counter, lockout or key).
    #[error(
        "the vault file was changed outside Firstline ({0}); it is not opened. Contact force IT."
    )]
    Tampered(String),
    /// The vault file is an older copy than the one this device last wrote.
    #[error("the vault file is an older copy (generation {file}) than the one this device last wrote ({device}); it is not opened. Contact force IT.")]
    RolledBack {
        /// The file's generation.
        file: u64,
        /// The generation the device mirrored.
        device: u64,
    },
    /// The device secret could not be read or created.
    #[error("the device secret cannot be used: {0}")]
    DeviceSecret(String),
    /// The officer's PIN is shorter than today's minimum: change it before anything else.
    #[error("your PIN must now be at least {min} digits: change it to go on")]
    PinChangeRequired {
        /// Fewest digits.
        min: usize,
    },
    /// The record is finalised: it cannot change; amend it instead.
    #[error("assessment {record} is finalised and cannot change; start an amendment instead")]
    Finalised {
        /// The record id.
        record: String,
    },
    /// Only a finalised record can be amended.
    #[error("assessment {record} is not finalised yet; change it directly")]
    NotFinalised {
        /// The record id.
        record: String,
    },
    /// The device is already enrolled with a force: enrolling with another needs a wipe first.
    #[error("this device is enrolled with {force_name}; to enrol it with another force, wipe it first ({waiting} finalised assessments still waiting would be destroyed)")]
    AlreadyEnrolled {
        /// The force it is enrolled with.
        force_name: String,
        /// Finalised assessments not yet received by the force.
        waiting: u32,
    },
    /// Only the officer who set the device up first may enrol it with a force.
    #[error("only the officer who set this device up first can enrol it with a force")]
    EnrolmentNeedsFirstOfficer,
    /// The number of finalised assessments still waiting changed since the officer was shown
    /// it: nothing was wiped.
    #[error("{waiting} finalised assessments are waiting now, not the number you were shown; nothing was wiped")]
    WaitingChanged {
        /// How many wait now.
        waiting: u32,
    },
    /// The device is not enrolled with a force, so nothing can be sealed for one.
    #[error("this device is not enrolled with a force yet, so the assessment cannot be sealed")]
    NotEnrolled,
    /// Sealing the envelope failed.
    #[error("the assessment could not be sealed: {0}")]
    Sealing(String),
    /// The system's random number generator failed.
    #[error("the system random number generator failed")]
    Random,
}
