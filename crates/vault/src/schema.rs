//! Versioned schema migrations: numbered SQL files in `migrations/`, applied in order inside one
//! transaction each, the version kept in `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::VaultError;

/// Every migration, in order; the schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_packs.sql"),
    include_str!("../migrations/0003_outbox.sql"),
    include_str!("../migrations/0004_force_pack.sql"),
    include_str!("../migrations/0005_directory.sql"),
    include_str!("../migrations/0006_policy.sql"),
    include_str!("../migrations/0007_keyed_answers.sql"),
    include_str!("../migrations/0008_problem_kinds.sql"),
    include_str!("../migrations/0009_key_set.sql"),
    include_str!("../migrations/0010_vault_state.sql"),
    include_str!("../migrations/0011_keyed_audit.sql"),
    include_str!("../migrations/0012_pending.sql"),
    include_str!("../migrations/0013_waiting_for_enrolment.sql"),
    include_str!("../migrations/0014_force_limits.sql"),
    include_str!("../migrations/0015_training.sql"),
];

/// The newest schema this build knows.
pub(crate) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the database up to [`SCHEMA_VERSION`], refusing one from a newer app.
pub(crate) fn migrate(connection: &mut Connection) -> Result<(), VaultError> {
    let found: u32 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(VaultError::TooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        transaction.execute_batch(migration)?;
        transaction.pragma_update(None, "user_version", index as u32 + 1)?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_from_the_first_and_are_idempotent() {
        let mut connection = Connection::open_in_memory().expect("memory db");
        migrate(&mut connection).expect("from empty");
        migrate(&mut connection).expect("again");
        let version: u32 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("version");
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn a_file_at_version_one_is_brought_up_to_date_keeping_its_rows() {
        let mut connection = Connection::open_in_memory().expect("memory db");
        connection.execute_batch(MIGRATIONS[0]).expect("version 1");
        connection
            .pragma_update(None, "user_version", 1)
            .expect("set");
        connection
            .execute(
                "INSERT INTO officers (officer_id, kdf_salt, kdf_memory_kib, kdf_iterations, created_at)
                 VALUES ('A', x'00', 1, 1, 0)",
                [],
            )
            .expect("a row at version 1");
        migrate(&mut connection).expect("to the newest");
        let officers: i64 = connection
            .query_row("SELECT COUNT(*) FROM officers", [], |row| row.get(0))
            .expect("count");
        assert_eq!(officers, 1);
        connection
            .execute("INSERT INTO packs VALUES ('h', x'00', 0)", [])
            .expect("the new table exists");
    }

    #[test]
    fn a_newer_file_is_refused() {
        let mut connection = Connection::open_in_memory().expect("memory db");
        connection
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("set");
        assert!(matches!(
            migrate(&mut connection),
            Err(VaultError::TooNew { .. })
        ));
    }
}
