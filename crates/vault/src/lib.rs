//! Firstline's encrypted local store.
//!
//! An officer's random data key (DEK) is wrapped by a key derived from their PIN with Argon2id,
//! keyed with a device secret. Each assessment has its own record key and a separate key for
//! its migrant-victim compartment, both wrapped by the DEK. Every answer is sealed with
//! AES-256-GCM under its key, bound by associated data to its assessment, question, revision and
//! compartment, and committed durably (WAL, `synchronous=FULL`) before it is acknowledged.
//! Deleting means destroying keys. The audit chain is append-only and hash-linked, and holds
//! metadata only.
//!
//! Answer rows name their question and compartment only by keyed hashes, and answers are padded
//! before sealing (`answer_row.rs`), so the file does not give an answer away by its length.
//!
//! Finalising seals exactly the answers the caller says check-your-answers shows (the caller,
//! `firstline-workspace`, computes that from the form engine) for the force (`firstline-seal`)
//! and, in the same transaction, writes it to the outbox, locks the record, destroys every
//! other answer and the safeguarding compartment's key. The
//! sync client works through [`Outbox`], a connection of its own that needs no officer keys: the
//! device's enrolment credentials are sealed under the device secret.
//!
//! Never: a plaintext answer in the database, in an error message, or in a log.

mod answer_row;
mod audit;
mod crypto;
mod device;
mod device_secret;
mod error;
mod integrity;
mod outbox;
mod private_file;
mod schema;
mod vault;

pub use audit::{verify_vault_file, AuditEntry, AuditSummary};
pub use crypto::KdfParams;
pub use device::{
    file_secret_allowed, DeviceInfo, Enrolment, ForceKeys, ForcePolicyKept, GatewayTrust,
    KeySetAnchor, RootTrust,
};
pub use device_secret::{DeviceSecret, DeviceSecretMode};
pub use error::VaultError;
pub use outbox::{
    Outbox, OutboxItem, Outcome, ProblemKind, QuarantinedItem, SyncCredentials, SyncStatus,
};
pub use vault::{
    AssessmentId, Compartment, DraftSummary, EnrolmentPermit, Finalised, PendingValue, RecordNotes,
    SentRecord, ShownAnswer, StoredAnswer, Vault, VaultOptions, MAX_PIN_DIGITS, MIN_PIN_DIGITS,
};
