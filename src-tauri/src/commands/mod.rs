//! The app's commands, one file per area. Each command is a thin adapter over a core crate.

pub mod assessment;
