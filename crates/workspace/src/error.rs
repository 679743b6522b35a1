//! The workspace's errors, and the refusals they cross to the UI as: a stable kind with its
//! parameters (`rationale_too_short {min}`, `too_long {max}`, …) that each client words in the
//! officer's language. `Display` is the English wording, for logs and the admin CLI. None
//! carries an answer's value.

use firstline_form::{AnswerError, AnswerProblem, PackError};
use firstline_vault::VaultError;
use serde::Serialize;
use thiserror::Error;

/// What went wrong in the workspace.
#[derive(Debug, Error)]
pub enum WorkspaceError {
    /// The form engine refused an answer.
    #[error(transparent)]
    Answer(#[from] AnswerError),
    /// The vault refused or failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// A form pack could not be used.
    #[error(transparent)]
    Pack(#[from] PackError),
    /// A pack file (or the key to check it) could not be read.
    #[error("the form pack {path} cannot be read: {problem}")]
    PackUnreadable {
        /// Where it was looked for.
        path: String,
        /// Why.
        problem: String,
    },
    /// Nobody has the vault unlocked (or the idle lock just locked it).
    #[error("unlock to go on")]
    Locked,
    /// The device's machine policy forbids it.
    #[error("this device's policy does not allow {what}")]
    ForbiddenByPolicy {
        /// What was asked for.
        what: Forbidden,
    },
    /// `--pack` in a release build.
    #[error("this build uses only the force's form packs and the one built in; --pack is for development builds")]
    PackFileNotAllowed,
    /// A draft's kept pack is not the pack it was started on.
    #[error("assessment {record} cannot be reopened: the form pack kept with it is not the one it was started on")]
    PackNotTheDrafts {
        /// The record.
        record: String,
    },
    /// No assessment is open.
    #[error("start or resume an assessment first")]
    NoAssessmentOpen,
    /// Required questions are still unanswered, so the assessment cannot be finalised.
    #[error("{count} required questions are not answered yet")]
    MissingRequired {
        /// How many.
        count: usize,
    },
    /// A gate that must open before finalising is closed and not deferred (for example the
    /// privacy steps before the risk questions).
    #[error(
        "{gates} steps must be done (or the questions behind them deferred) before finalising"
    )]
    StepsNotDone {
        /// How many such gates.
        gates: usize,
    },
    /// An officer id that does not fit the rules.
    #[error(
        "enter your collar or staff number: up to 40 letters, digits, spaces, dots or hyphens"
    )]
    BadOfficerId,
    /// A stored answer is not a value the engine reads.
    #[error("assessment {record} is damaged (an answer cannot be read)")]
    UnreadableAnswer {
        /// The record.
        record: String,
    },
}

/// What a machine policy can forbid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    /// Setting up another officer on this device.
    OfficerSetUp,
    /// `--pack`.
    PackOverride,
    /// Enrolling by a gateway and code typed in, where the policy enrols the device.
    TypedEnrolment,
}

impl std::fmt::Display for Forbidden {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Forbidden::OfficerSetUp => "setting up another officer",
            Forbidden::PackOverride => "another form pack (--pack)",
            Forbidden::TypedEnrolment => {
                "enrolling with a gateway typed in (force IT's policy enrols this device)"
            }
        })
    }
}

/// A refusal as the UI receives it in `detail`: a stable kind and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, strum::IntoStaticStr)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Refusal {
    /// The device's policy forbids setting up another officer.
    OfficerSetUpForbidden,
    /// The device's policy forbids `--pack`.
    PackOverrideForbidden,
    /// The device's policy enrols it: no gateway or code may be typed in.
    TypedEnrolmentForbidden,
    /// The device's machine policy cannot be read or is out of range: the app does not open.
    PolicyUnusable,
    /// The support bundle could not be written to the documents folder.
    SupportBundleNotWritten,
    /// The device's policy does not allow scenario mode.
    TrainingForbidden,
    /// Scenario mode needs something first (a run going, or none), or has no such item.
    TrainingNotReady,
    /// A trainee's name that cannot be kept (1 to 60 characters; 1 to 40 different names).
    BadTraineeName,
    /// A training report or cohort CSV could not be written.
    ReportNotWritten,
    /// See [`AnswerProblem::NotAChoice`].
    NotAChoice,
    /// See [`AnswerProblem::NoneSelected`].
    NoneSelected,
    /// See [`AnswerProblem::UnlistedChoice`].
    UnlistedChoice,
    /// See [`AnswerProblem::Blank`].
    Blank,
    /// See [`AnswerProblem::BadCharacter`].
    BadCharacter,
    /// See [`AnswerProblem::TooLong`].
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// See [`AnswerProblem::NumberOutOfRange`].
    NumberOutOfRange {
        /// Smallest.
        min: f64,
        /// Largest.
        max: f64,
    },
    /// See [`AnswerProblem::BadDateTime`].
    BadDateTime,
    /// See [`AnswerProblem::RationaleTooShort`].
    RationaleTooShort {
        /// Fewest characters.
        min: usize,
    },
    /// See [`AnswerProblem::FactorsNotWeighed`].
    FactorsNotWeighed,
    /// See [`AnswerProblem::ReferralWithoutConsent`].
    ReferralWithoutConsent,
    /// See [`AnswerProblem::TakesNoAnswer`].
    TakesNoAnswer,
    /// See [`AnswerProblem::WrongKind`].
    WrongKind,
    /// No such question in the pack.
    UnknownQuestion,
    /// The question is not asked, given the answers so far.
    NotShown,
    /// The question is behind a gate that is closed.
    Gated,
    /// Required questions are unanswered.
    MissingRequired {
        /// How many.
        count: usize,
    },
    /// A gate that must open before finalising is closed and not deferred.
    StepsNotDone,
    /// No assessment is open.
    NoAssessmentOpen,
    /// The record is finalised.
    Finalised,
    /// The record is not finalised, so it cannot be amended.
    NotFinalised,
    /// No such record for this officer.
    UnknownRecord,
    /// The device is not enrolled with a force.
    NotEnrolled,
    /// Wrong PIN.
    WrongPin {
        /// Tries left before the officer's data is destroyed.
        attempts_left: u32,
    },
    /// Too many wrong PINs: wait.
    TooSoon {
        /// Seconds to wait.
        seconds: i64,
    },
    /// A PIN that breaks the rules.
    BadPin {
        /// Fewest digits.
        min: usize,
        /// Most digits.
        max: usize,
    },
    /// The officer is already set up.
    OfficerExists,
    /// No such officer on this device.
    UnknownOfficer,
    /// An officer id that breaks the rules.
    BadOfficerId,
    /// Unlock to go on.
    Locked,
    /// The officer's data was destroyed after too many wrong PINs.
    Wiped,
    /// Stored data could not be read as it should.
    Damaged,
    /// The vault file could not be used.
    Storage,
    /// A form pack was refused for a reason not named below (it does not load as a pack).
    PackRefused,
    /// The form pack was changed after it was signed.
    PackTampered,
    /// The form pack carries no signature.
    PackUnsigned,
    /// The form pack is signed by a key the device does not trust.
    PackUnknownKey,
    /// The form pack file cannot be read, or is not JSON in the pack format.
    PackUnreadable,
    /// A gateway address that is not one we can use.
    BadGatewayUrl,
    /// An enrolment code that is not one.
    BadEnrolmentCode,
    /// The gateway cannot be reached.
    Offline,
    /// The gateway does not know the enrolment code.
    CodeUnknown,
    /// The enrolment code was used already.
    CodeUsed,
    /// The gateway refused the enrolment for another reason.
    EnrolmentRefused,
    /// Sync is not running on this device.
    SyncNotRunning,
    /// The gateway's keys are not signed by the force root the enrolment code names.
    KeysNotSigned,
    /// Only the officer who set the device up first may enrol it.
    EnrolmentNeedsFirstOfficer,
    /// The officer's PIN is shorter than today's minimum: change it first.
    PinChangeRequired {
        /// Fewest digits.
        min: usize,
    },
    /// The vault file was changed outside Firstline (a PIN counter, lockout or key).
    VaultTampered,
    /// The vault file is an older copy than the one this device last wrote.
    VaultRolledBack,
    /// The device is enrolled already.
    AlreadyEnrolled {
        /// Finalised assessments not yet received by the force, which a wipe would destroy.
        waiting: u32,
    },
    /// The number of finalised assessments waiting changed since the officer saw it: nothing
    /// was wiped.
    WaitingChanged {
        /// How many wait now.
        waiting: u32,
    },
}

impl From<AnswerProblem> for Refusal {
    fn from(problem: AnswerProblem) -> Self {
        match problem {
            AnswerProblem::NotAChoice => Refusal::NotAChoice,
            AnswerProblem::NoneSelected => Refusal::NoneSelected,
            AnswerProblem::UnlistedChoice => Refusal::UnlistedChoice,
            AnswerProblem::Blank => Refusal::Blank,
            AnswerProblem::BadCharacter => Refusal::BadCharacter,
            AnswerProblem::TooLong { max } => Refusal::TooLong { max },
            AnswerProblem::NumberOutOfRange { min, max } => Refusal::NumberOutOfRange { min, max },
            AnswerProblem::BadDateTime => Refusal::BadDateTime,
            AnswerProblem::RationaleTooShort { min } => Refusal::RationaleTooShort { min },
            AnswerProblem::FactorsNotWeighed => Refusal::FactorsNotWeighed,
            AnswerProblem::ReferralWithoutConsent => Refusal::ReferralWithoutConsent,
            AnswerProblem::TakesNoAnswer => Refusal::TakesNoAnswer,
            AnswerProblem::WrongKind => Refusal::WrongKind,
        }
    }
}

impl From<&VaultError> for Refusal {
    fn from(error: &VaultError) -> Self {
        match error {
            VaultError::Locked => Refusal::Locked,
            VaultError::Wiped => Refusal::Wiped,
            VaultError::WrongPin { attempts_left } => Refusal::WrongPin {
                attempts_left: *attempts_left,
            },
            VaultError::TooSoon { seconds } => Refusal::TooSoon { seconds: *seconds },
            VaultError::BadPin { min, max } => Refusal::BadPin {
                min: *min,
                max: *max,
            },
            VaultError::OfficerExists { .. } => Refusal::OfficerExists,
            VaultError::UnknownOfficer { .. } => Refusal::UnknownOfficer,
            VaultError::UnknownRecord { .. } => Refusal::UnknownRecord,
            VaultError::Finalised { .. } => Refusal::Finalised,
            VaultError::NotFinalised { .. } => Refusal::NotFinalised,
            VaultError::NotEnrolled => Refusal::NotEnrolled,
            VaultError::AlreadyEnrolled { waiting, .. } => {
                Refusal::AlreadyEnrolled { waiting: *waiting }
            }
            VaultError::WaitingChanged { waiting } => Refusal::WaitingChanged { waiting: *waiting },
            VaultError::Storage(_) => Refusal::Storage,
            VaultError::EnrolmentNeedsFirstOfficer => Refusal::EnrolmentNeedsFirstOfficer,
            VaultError::PinChangeRequired { min } => Refusal::PinChangeRequired { min: *min },
            VaultError::Tampered(_) => Refusal::VaultTampered,
            VaultError::RolledBack { .. } => Refusal::VaultRolledBack,
            VaultError::TooNew { .. }
            | VaultError::TrainingStore
            | VaultError::NotTrainingStore
            | VaultError::Damaged { .. }
            | VaultError::AuditBroken { .. }
            | VaultError::DeviceSecret(_)
            | VaultError::Sealing(_)
            | VaultError::Random => Refusal::Damaged,
        }
    }
}

impl WorkspaceError {
    /// The refusal the UI words for the officer.
    pub fn refusal(&self) -> Refusal {
        match self {
            WorkspaceError::Answer(AnswerError::Invalid { problem, .. }) => (*problem).into(),
            WorkspaceError::Answer(AnswerError::UnknownQuestion { .. }) => Refusal::UnknownQuestion,
            WorkspaceError::Answer(AnswerError::NotShown { .. }) => Refusal::NotShown,
            WorkspaceError::Answer(AnswerError::Gated { .. }) => Refusal::Gated,
            WorkspaceError::Vault(error) => error.into(),
            WorkspaceError::Pack(PackError::Tampered { .. }) => Refusal::PackTampered,
            WorkspaceError::Pack(PackError::Unsigned) => Refusal::PackUnsigned,
            WorkspaceError::Pack(PackError::UnknownKey { .. }) => Refusal::PackUnknownKey,
            WorkspaceError::Pack(PackError::Malformed { .. })
            | WorkspaceError::PackUnreadable { .. } => Refusal::PackUnreadable,
            WorkspaceError::Pack(_) => Refusal::PackRefused,
            WorkspaceError::Locked => Refusal::Locked,
            WorkspaceError::PackFileNotAllowed => Refusal::PackRefused,
            WorkspaceError::ForbiddenByPolicy {
                what: Forbidden::OfficerSetUp,
            } => Refusal::OfficerSetUpForbidden,
            WorkspaceError::ForbiddenByPolicy {
                what: Forbidden::PackOverride,
            } => Refusal::PackOverrideForbidden,
            WorkspaceError::ForbiddenByPolicy {
                what: Forbidden::TypedEnrolment,
            } => Refusal::TypedEnrolmentForbidden,
            WorkspaceError::PackNotTheDrafts { .. } => Refusal::PackTampered,
            WorkspaceError::NoAssessmentOpen => Refusal::NoAssessmentOpen,
            WorkspaceError::MissingRequired { count } => Refusal::MissingRequired { count: *count },
            WorkspaceError::StepsNotDone { .. } => Refusal::StepsNotDone,
            WorkspaceError::BadOfficerId => Refusal::BadOfficerId,
            WorkspaceError::UnreadableAnswer { .. } => Refusal::Damaged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_carry_their_kind_and_parameters_and_never_a_value() {
        let error = WorkspaceError::Answer(AnswerError::Invalid {
            question: "risk_grade".into(),
            problem: AnswerProblem::RationaleTooShort { min: 20 },
        });
        assert_eq!(
            serde_json::to_value(error.refusal()).unwrap_or_default(),
            serde_json::json!({"kind": "rationale_too_short", "min": 20})
        );
        let wrong_pin = WorkspaceError::Vault(VaultError::WrongPin { attempts_left: 3 });
        assert_eq!(
            serde_json::to_value(wrong_pin.refusal()).unwrap_or_default(),
            serde_json::json!({"kind": "wrong_pin", "attempts_left": 3})
        );
        assert_eq!(
            serde_json::to_value(Refusal::Offline).unwrap_or_default(),
            serde_json::json!({"kind": "offline"})
        );
    }
}
