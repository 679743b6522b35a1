//! The app's commands, one file per area. Each command is a thin adapter over a core crate
//! (`firstline-workspace` for an officer's work, `firstline-sync` for the force,
//! `firstline-trainer` for scenario mode): it parses its
//! arguments, calls one function and maps the result. The web view is untrusted; the core
//! re-checks everything it is given.

pub mod assessment;
pub mod sync;
pub mod training;
pub mod vault;
