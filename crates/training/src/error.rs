//! Why a scenario pack is refused, in words a trainer or force IT can act on.

use thiserror::Error;

/// A scenario pack that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScenarioError {
    /// Not a scenario pack in the documented format.
    #[error("scenario pack is not valid: {detail}")]
    Malformed {
        /// What the parser found.
        detail: String,
    },
    /// A format this build does not read.
    #[error("scenario pack is in format {format}; this app reads format 1")]
    UnsupportedFormat {
        /// The format it claims.
        format: u64,
    },
    /// Not signed.
    #[error("scenario pack is not signed; only scenarios signed by your force can be used")]
    Unsigned,
    /// Signed by a key this device does not trust.
    #[error("scenario pack {scenario} is signed by an unknown key {key_id}")]
    UnknownKey {
        /// The scenario's id, as it claims.
        scenario: String,
        /// The key id it names.
        key_id: String,
    },
    /// Changed after it was signed.
    #[error("scenario pack {scenario} has been changed since it was signed; it cannot be used")]
    Tampered {
        /// The scenario's id, as it claims.
        scenario: String,
    },
    /// Written for another form pack than the one given.
    #[error("scenario {scenario} runs on form pack {wants}, not {given}")]
    OtherFormPack {
        /// The scenario's id.
        scenario: String,
        /// The pack it names.
        wants: String,
        /// The pack given.
        given: String,
    },
    /// Well formed, but inconsistent.
    #[error("scenario {scenario} cannot be used: {problem}")]
    Invalid {
        /// The scenario's id.
        scenario: String,
        /// What is wrong.
        problem: String,
    },
}
