//! The gateway's schema, in numbered steps for each storage (`migrations/sqlite/`,
//! `migrations/postgres/`). A database records the last step applied (SQLite's `user_version`;
//! PostgreSQL's `schema_version` table); opening it applies the steps after that one, each in
//! its own transaction. A database from before versions began reads as 0, and step 1 (every
//! table `IF NOT EXISTS`) brings it level. A database newer than this gateway is refused: an
//! older gateway must not write to a schema it does not know.

use super::{StorageError, StorageResult};

/// SQLite's steps, in order: step `n` is `SQLITE[n - 1]`.
pub const SQLITE: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_initial.sql"),
    include_str!("../../migrations/sqlite/0002_enrolment_at_scale.sql"),
];

/// PostgreSQL's steps, in the same order and to the same effect as [`SQLITE`].
pub const POSTGRES: &[&str] = &[
    include_str!("../../migrations/postgres/0001_initial.sql"),
    include_str!("../../migrations/postgres/0002_enrolment_at_scale.sql"),
];

/// The schema version this gateway writes.
pub const LATEST: u32 = SQLITE.len() as u32;

/// Whether to bring the schema up to date on opening, or only read where it stands
/// (`firstline-gateway --check-config`, which changes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrate {
    /// Apply the steps the database has not had.
    Apply,
    /// Apply nothing; report the version found.
    CheckOnly,
}

/// Where a database's schema stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaState {
    /// The version found on opening (0: a database from before versions, or a new one).
    pub found: u32,
    /// The version it is at now (after any steps applied).
    pub now: u32,
}

impl SchemaState {
    /// Steps this gateway would still apply.
    pub fn pending(&self) -> u32 {
        LATEST.saturating_sub(self.now)
    }
}

/// Refuses a database newer than this gateway.
pub fn refuse_newer(found: u32) -> StorageResult<()> {
    if found > LATEST {
        return Err(StorageError(format!(
            "the database's schema is version {found}, newer than this gateway's ({LATEST}): install the newer gateway, or restore a backup taken before the upgrade"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_storages_have_the_same_steps() {
        assert_eq!(SQLITE.len(), POSTGRES.len());
        assert_eq!(LATEST as usize, POSTGRES.len());
    }

    #[test]
    fn a_newer_schema_is_refused_with_what_to_do() {
        assert!(refuse_newer(LATEST).is_ok());
        let refusal = refuse_newer(LATEST + 1).expect_err("newer").0;
        assert!(refusal.contains("newer than this gateway"), "{refusal}");
    }
}
