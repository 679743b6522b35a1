//! Backing up and restoring the gateway's SQLite file while the gateway runs: a backup is a
//! consistent copy taken with `VACUUM INTO` (readers and writers go on), checked and made
//! readable by its owner only; a restore checks the copy is a gateway database this gateway
//! can open, then loads it with SQLite's online backup API into the live file, so a running
//! gateway's connection sees the restored contents whole. PostgreSQL is backed up with
//! `pg_dump` (docs/deploy.md).

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{migrations, StorageError, StorageResult};

/// Writes a consistent copy of the database at `database` to `out` (which must not exist),
/// then checks it. Returns the copy's schema version.
pub fn backup(database: &Path, out: &Path) -> StorageResult<u32> {
    if out.exists() {
        return Err(StorageError(format!(
            "{} exists already: give a new file for the backup",
            out.display()
        )));
    }
    let source = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|error| StorageError(format!("{}: {error}", database.display())))?;
    source.busy_timeout(std::time::Duration::from_secs(30))?;
    let out_text = out
        .to_str()
        .ok_or_else(|| StorageError(format!("{} is not a UTF-8 path", out.display())))?;
    // The copy is made private before it holds anything: created empty with mode 0600.
    create_private(out)?;
    let made = source
        .execute("VACUUM INTO ?1", [out_text])
        .map_err(StorageError::from)
        .and_then(|_| check_copy(out));
    if made.is_err() {
        // No half-made or unchecked backup is left to be trusted later.
        let _ = std::fs::remove_file(out);
    }
    made
}

/// Loads the backup at `from` into the database at `database`, replacing its contents, after
/// checking the backup is a whole gateway database no newer than this gateway. Returns its
/// schema version (the gateway brings it up to date when it next opens it).
pub fn restore(database: &Path, from: &Path) -> StorageResult<u32> {
    let version = check_copy(from)?;
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|error| StorageError(format!("{}: {error}", from.display())))?;
    // Only an existing database: a mistyped path must not become a new one.
    let mut target = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|error| StorageError(format!("{}: {error}", database.display())))?;
    if let (Some(live), Some(backup)) = (root_key(&target)?, root_key(&source)?) {
        if live != backup {
            return Err(StorageError(format!(
                "{} is another force's database (its key set has another root key): nothing restored",
                from.display()
            )));
        }
    }
    target.busy_timeout(std::time::Duration::from_secs(30))?;
    let loading = rusqlite::backup::Backup::new(&source, &mut target)?;
    loading.run_to_completion(256, std::time::Duration::from_millis(10), None)?;
    Ok(version)
}

/// The root public key the database's key set names, if it has one.
fn root_key(connection: &Connection) -> StorageResult<Option<String>> {
    let signed: Option<String> = connection
        .query_row("SELECT signed_json FROM force_key_set", [], |row| {
            row.get(0)
        })
        .map(Some)
        .or_else(|error| match error {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    Ok(signed.and_then(|json| {
        serde_json::from_str::<serde_json::Value>(&json)
            .ok()
            .and_then(|value| value["root_public_key"].as_str().map(str::to_string))
    }))
}

/// A backup is a gateway database: it passes SQLite's integrity check, has the force's
/// tables and no triggers or views (which would run or stand in for the gateway's own
/// queries), and is no newer than this gateway. Returns its schema version.
fn check_copy(path: &Path) -> StorageResult<u32> {
    let copy = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|error| StorageError(format!("{}: {error}", path.display())))?;
    let integrity: String = copy
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|error| StorageError(format!("{}: {error}", path.display())))?;
    if integrity != "ok" {
        return Err(StorageError(format!(
            "{} is damaged: {integrity}",
            path.display()
        )));
    }
    let gateway_tables: i64 = copy.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'
             AND name IN ('force', 'force_key_set', 'devices', 'submissions')",
        [],
        |row| row.get(0),
    )?;
    let code: i64 = copy.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type IN ('trigger', 'view')",
        [],
        |row| row.get(0),
    )?;
    if code != 0 {
        return Err(StorageError(format!(
            "{} holds triggers or views no gateway database has: nothing restored",
            path.display()
        )));
    }
    if gateway_tables != 4 {
        return Err(StorageError(format!(
            "{} is not a Firstline gateway database",
            path.display()
        )));
    }
    let version: u32 = copy.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    migrations::refuse_newer(version)?;
    Ok(version)
}

fn create_private(path: &Path) -> StorageResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map(drop)
        .map_err(|error| StorageError(format!("{}: {error}", path.display())))
}
