//! The gateway's schema migrations, on both storages: a database made before versions began
//! (kept as a fixture, `tests/fixtures/before-versions.*.sql`) is brought to today's schema
//! with every row kept; opening it again changes nothing; `--check-config` reads where it
//! stands without migrating; a database newer than the gateway is refused, by the storage and
//! by the gateway process.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

mod support;

use firstline_backend::storage::{self, migrations, Migrate, Storage};
use support::postgres::Postgres;

const SQLITE_FIXTURE: &str = include_str!("fixtures/before-versions.sqlite.sql");
const POSTGRES_FIXTURE: &str = include_str!("fixtures/before-versions.postgres.sql");

/// Everything the fixture holds, read back through the storage as the gateway reads it.
async fn assert_fixture_rows_kept(storage: &dyn Storage) {
    let force = storage.force().await.expect("force").expect("set up");
    assert_eq!(force.name, "Fixture Constabulary");
    assert_eq!(force.records_public_key, vec![0x11; 32]);
    assert!(storage
        .key_set()
        .await
        .expect("key set")
        .is_some_and(|json| json.contains("fixture")));
    let devices = storage.devices().await.expect("devices");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].name, "tablet-0042");
    assert_eq!(devices[0].last_seen_at, Some(1_780_000_500));
    let submissions = storage.submissions_after(0, 10).await.expect("submissions");
    let kept: Vec<(&str, &str, &str)> = submissions
        .iter()
        .map(|row| {
            (
                row.submission_id.as_str(),
                row.content_hash.as_str(),
                row.envelope.as_str(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            (
                "00000000-0000-4000-8000-000000000001",
                "aa01",
                "{\"fixture\":\"envelope one\"}"
            ),
            (
                "00000000-0000-4000-8000-000000000002",
                "aa02",
                "{\"fixture\":\"envelope two\"}"
            ),
        ]
    );
    let counts = storage.counts().await.expect("counts");
    assert_eq!((counts.submissions, counts.conflicts), (2, 1));
    let policy = storage.policy().await.expect("policy").expect("set");
    assert_eq!(policy.idle_lock_seconds, 120);
    assert!(!policy.allow_file_secret);
    let directory = storage.directory_after(0, 10).await.expect("directory");
    assert_eq!(directory.entries[0].name, "Fixture IDVA service");
    let (etag, _) = storage
        .current_pack()
        .await
        .expect("pack")
        .expect("published");
    assert_eq!(etag, "etag-fixture");
    assert_eq!(
        storage
            .longest_audit_head("device-fixture-1")
            .await
            .expect("audit"),
        Some((12, "head-fixture".into()))
    );
}

#[tokio::test]
async fn a_sqlite_database_from_before_versions_is_migrated_with_every_row_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("gateway.sqlite");
    rusqlite::Connection::open(&path)
        .expect("fixture database")
        .execute_batch(SQLITE_FIXTURE)
        .expect("fixture loads");
    let database = path.display().to_string();

    let checked = storage::open_with(&database, None, Migrate::CheckOnly)
        .await
        .expect("opens to check");
    assert_eq!(checked.schema().found, 0);
    assert_eq!(checked.schema().pending(), migrations::LATEST);
    drop(checked);

    let migrated = storage::open(&database).await.expect("migrates");
    assert_eq!(migrated.schema().found, 0);
    assert_eq!(migrated.schema().now, migrations::LATEST);
    assert_fixture_rows_kept(&*migrated).await;
    drop(migrated);

    let again = storage::open(&database).await.expect("opens again");
    assert_eq!(
        again.schema().found,
        migrations::LATEST,
        "nothing left to do"
    );
    assert_fixture_rows_kept(&*again).await;
    drop(again);

    rusqlite::Connection::open(&path)
        .expect("database")
        .pragma_update(None, "user_version", migrations::LATEST + 1)
        .expect("a newer gateway's version");
    let refusal = storage::open(&database)
        .await
        .err()
        .expect("a newer schema is refused")
        .to_string();
    assert!(refusal.contains("newer than this gateway"), "{refusal}");
    let started = std::process::Command::new(support::gateway_binary())
        .args(["--database", &database, "--listen", "127.0.0.1:0"])
        .args(["--receipt-key", &support::receipt_key_file()])
        .output()
        .expect("gateway runs");
    assert!(
        !started.status.success(),
        "a gateway started on a newer schema"
    );
    assert!(String::from_utf8_lossy(&started.stderr).contains("newer than this gateway"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_database_from_before_versions_is_migrated_with_every_row_kept() {
    let server = Postgres::start();
    let url = server.url();
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("connects");
    tokio::spawn(connection);
    client
        .batch_execute(POSTGRES_FIXTURE)
        .await
        .expect("fixture loads");

    let checked = storage::open_with(&url, None, Migrate::CheckOnly)
        .await
        .expect("opens to check");
    assert_eq!(checked.schema().found, 0);
    let untouched: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NULL", &[])
        .await
        .expect("query")
        .get(0);
    assert!(untouched, "checking the schema changed it");
    drop(checked);

    let migrated = storage::open(&url).await.expect("migrates");
    assert_eq!(migrated.schema().now, migrations::LATEST);
    assert_fixture_rows_kept(&*migrated).await;
    let again = storage::open(&url).await.expect("opens again");
    assert_eq!(again.schema().found, migrations::LATEST);
    assert_fixture_rows_kept(&*again).await;

    client
        .execute(
            "UPDATE schema_version SET version = $1",
            &[&(migrations::LATEST as i32 + 1)],
        )
        .await
        .expect("a newer gateway's version");
    let refusal = storage::open(&url)
        .await
        .err()
        .expect("a newer schema is refused")
        .to_string();
    assert!(refusal.contains("newer than this gateway"), "{refusal}");
}

/// An upgrade that cannot serve (the old gateway still holds the port) changes nothing: the
/// gateway binds before it migrates, so the schema stays where the running one can use it.
#[tokio::test]
async fn a_gateway_that_cannot_listen_leaves_the_schema_as_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("gateway.sqlite");
    let database = path.display().to_string();
    let storage = storage::open(&database).await.expect("created");
    let (_, records_public) = firstline_seal::RecordsKey::generate();
    let (_, safeguarding_public) = firstline_seal::SafeguardingKey::generate();
    support::set_up_force(&*storage, records_public, safeguarding_public, vec![7; 32]).await;
    drop(storage);
    // Back to the schema before versions, as an older gateway left it.
    rusqlite::Connection::open(&path)
        .expect("database")
        .execute_batch(
            "ALTER TABLE enrolment_codes DROP COLUMN label; ALTER TABLE enrolment_codes DROP COLUMN issued_at;
             ALTER TABLE enrolment_codes DROP COLUMN withdrawn_at; ALTER TABLE devices DROP COLUMN label;
             ALTER TABLE devices DROP COLUMN app_version; PRAGMA user_version = 0;",
        )
        .expect("an older schema");
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("a port held");
    let port = held.local_addr().expect("address").port();
    let started = std::process::Command::new(support::gateway_binary())
        .args([
            "--database",
            &database,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .args(["--receipt-key", &support::receipt_key_file()])
        .output()
        .expect("gateway runs");
    assert!(
        !started.status.success(),
        "the gateway served on a port already held"
    );
    assert!(String::from_utf8_lossy(&started.stderr).contains("cannot listen"));
    let version: u32 = rusqlite::Connection::open(&path)
        .expect("database")
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("version");
    assert_eq!(
        version, 0,
        "the schema was migrated by a gateway that could not serve"
    );
}

#[tokio::test]
async fn a_new_database_starts_at_the_latest_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = dir.path().join("new.sqlite").display().to_string();
    let fresh = storage::open(&database).await.expect("created");
    assert_eq!(fresh.schema().found, 0);
    assert_eq!(fresh.schema().now, migrations::LATEST);
    drop(fresh);
    let missing = dir.path().join("missing.sqlite").display().to_string();
    assert!(
        storage::open_with(&missing, None, Migrate::CheckOnly)
            .await
            .is_err(),
        "checking made a database"
    );
    assert!(!std::path::Path::new(&missing).exists());
}
