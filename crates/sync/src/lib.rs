//! The app's sync client.
//!
//! One scheduler ([`SyncClient::run`]) drives one pass at a time ([`SyncClient::sync_once`]):
//! carry out the force's device commands, then drain the outbox. Each outbox row has one
//! explicit state in the vault (pending → sending → acknowledged, or quarantined with a
//! reason). Answers are classified once, in [`classify`]: a receipt acknowledges; a network
//! error, a 5xx, a 408 or a 429 is retried later with jittered exponential backoff and ends the
//! pass (the gateway is unwell, so the rest wait too); any other 4xx quarantines that row only;
//! 401 and a revocation stop syncing altogether. A killed process resumes where it stopped: a
//! row left `sending` is sent again and the gateway answers "already have it".

mod classify;
mod client;

pub use classify::{classify, Verdict};
pub use client::{checked_enrolment, PassReport, SyncClient, SyncConfig, SyncError};
