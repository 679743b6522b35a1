//! Test support for the sync suites: a real `firstline-gateway` process (restartable on the
//! same port), a vault filled with finalised assessments, and the fault-injecting proxy.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod proxy;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use firstline_backend::storage::Storage;
use firstline_vault::{Compartment, DeviceSecret, KdfParams, RecordNotes, Vault, VaultOptions};

pub const DEVICE_SECRET: [u8; 32] = [5; 32];
pub const PIN: &str = "246810";

/// The gateway binary, built by this workspace.
pub fn gateway_binary() -> PathBuf {
    workspace_binary("firstline-backend", "firstline-gateway")
}

/// Force IT's command line, built by this workspace.
pub fn admin_binary() -> PathBuf {
    workspace_binary("firstline-admin", "firstline-admin")
}

/// A binary of this workspace (built on demand when a lone `cargo test -p firstline-sync` has
/// not built it yet).
fn workspace_binary(package: &str, bin: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let binary = profile_dir.join(bin);
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut args = vec!["build", "-p", package, "--bin", bin];
        if profile_dir.ends_with("release") {
            args.push("--release");
        }
        let status = Command::new(cargo)
            .args(args)
            .status()
            .expect("cargo build runs");
        assert!(status.success(), "building {bin} failed");
    }
    binary
}

/// Starts the gateway on `database`, listening on `listen`, with `extra` arguments, and waits
/// for its "listening on" line; `None` if it exits without one (its port still held, say).
pub fn try_spawn_gateway(database: &str, listen: &str, extra: &[&str]) -> Option<(Child, String)> {
    try_spawn_gateway_signing_with(database, listen, &receipt_key_file(), extra)
}

/// [`try_spawn_gateway`] with the receipt key at `receipt_key` (a force `init-force` made).
fn try_spawn_gateway_signing_with(
    database: &str,
    listen: &str,
    receipt_key: &str,
    extra: &[&str],
) -> Option<(Child, String)> {
    let mut process = Command::new(gateway_binary())
        .args(["--database", database, "--listen", listen])
        .args(["--receipt-key", receipt_key])
        // The sync suites are about the sync client, not the gateway's rates (its own suite
        // attacks those): a fault run sends thousands of requests from one device.
        .args([
            "--device-requests-per-minute",
            "1000000",
            "--address-requests-per-minute",
            "1000000",
        ])
        .args(extra)
        .env("FIRSTLINE_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("gateway starts");
    let mut line = String::new();
    let _ = BufReader::new(process.stdout.take().expect("stdout")).read_line(&mut line);
    match line.trim().strip_prefix("listening on ") {
        Some(url) => Some((process, url.to_string())),
        None => {
            let _ = process.wait();
            None
        }
    }
}

/// [`try_spawn_gateway`], which must succeed: the process and its base URL.
pub fn spawn_gateway(database: &str, listen: &str, extra: &[&str]) -> (Child, String) {
    try_spawn_gateway(database, listen, extra).expect("the gateway announces where it listens")
}

/// A gateway process on a fixed loopback port over a SQLite file, with a force set up.
pub struct Gateway {
    pub dir: tempfile::TempDir,
    pub address: std::net::SocketAddr,
    process: std::sync::Mutex<Option<Child>>,
    pub storage: Arc<dyn Storage>,
    pub records_public: Vec<u8>,
    pub safeguarding_public: Vec<u8>,
    receipt_key: String,
}

impl Gateway {
    pub async fn start() -> Gateway {
        let dir = tempfile::tempdir().expect("temp dir");
        let storage = firstline_backend::storage::open(
            &dir.path().join("gateway.sqlite").display().to_string(),
        )
        .await
        .expect("storage");
        let (_, records_public) = firstline_seal::RecordsKey::generate();
        let (_, safeguarding_public) = firstline_seal::SafeguardingKey::generate();
        set_up_force(
            &*storage,
            records_public.clone(),
            safeguarding_public.clone(),
            vec![1; 32],
        )
        .await;
        let address = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr");
        let gateway = Gateway {
            dir,
            address,
            process: std::sync::Mutex::new(None),
            storage,
            records_public,
            safeguarding_public,
            receipt_key: receipt_key_file(),
        };
        gateway.restart();
        gateway
    }

    /// A gateway over `dir/gateway.sqlite`, where `firstline-admin init-force` set the force up
    /// with its keys in `keys`.
    pub async fn start_on_force_made_by_admin(dir: tempfile::TempDir, keys: &Path) -> Gateway {
        let storage = firstline_backend::storage::open(
            &dir.path().join("gateway.sqlite").display().to_string(),
        )
        .await
        .expect("storage");
        let force = storage.force().await.expect("force").expect("set up");
        let address = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr");
        let gateway = Gateway {
            dir,
            address,
            process: std::sync::Mutex::new(None),
            storage,
            records_public: force.records_public_key,
            safeguarding_public: force.safeguarding_public_key,
            receipt_key: keys.join("receipt-signing.key").display().to_string(),
        };
        gateway.restart();
        gateway
    }

    pub fn database(&self) -> String {
        self.dir.path().join("gateway.sqlite").display().to_string()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// (Re)starts the process on the same address.
    pub fn restart(&self) {
        self.kill();
        for _ in 0..50 {
            if let Some((process, _)) = try_spawn_gateway_signing_with(
                &self.database(),
                &self.address.to_string(),
                &self.receipt_key,
                &[],
            ) {
                *self.process.lock().expect("process") = Some(process);
                return;
            }
            // The port may still be held by the process just killed.
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the gateway did not come back on {}", self.address);
    }

    /// SIGKILL: no graceful shutdown.
    pub fn kill(&self) {
        if let Some(mut process) = self.process.lock().expect("process").take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    pub async fn enrolment_code(&self) -> String {
        let code = firstline_backend::new_enrolment_code();
        self.storage
            .add_enrolment_code(
                &firstline_backend::enrolment_code_hash(&code),
                firstline_backend::unix_now() + 3600,
            )
            .await
            .expect("code");
        typed_code(&code)
    }

    /// Submission id → content hash, of everything the gateway stored.
    pub async fn stored(&self) -> HashMap<String, String> {
        let mut stored = HashMap::new();
        let mut cursor = 0;
        loop {
            let batch = self
                .storage
                .submissions_after(cursor, 5000)
                .await
                .expect("submissions");
            let Some(last) = batch.last() else { break };
            cursor = last.seq;
            for submission in batch {
                assert!(
                    stored
                        .insert(submission.submission_id.clone(), submission.content_hash)
                        .is_none(),
                    "submission {} stored twice",
                    submission.submission_id
                );
            }
        }
        stored
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn vault_options() -> VaultOptions {
    VaultOptions {
        kdf: KdfParams::FOR_TESTS,
        max_failed_pins: 5,
        min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
        ..VaultOptions::default()
    }
}

/// Finalises `count` assessments (one main and one migrant answer each) in the vault at `path`,
/// which must be enrolled. Returns submission id → content hash.
pub fn finalise_many(path: &Path, count: usize) -> HashMap<String, String> {
    let mut vault = unlocked_vault(path);
    let mut finalised = HashMap::new();
    for index in 0..count {
        let id = vault
            .create_assessment("default", "1", "hash")
            .expect("assessment");
        vault
            .save_answer(
                &id,
                "injuries",
                Compartment::Main,
                format!("\"answer {index}\"").as_bytes(),
            )
            .expect("main");
        vault
            .save_answer(&id, "status_threats", Compartment::Safeguarding, b"\"yes\"")
            .expect("migrant");
        let shown = [
            firstline_vault::ShownAnswer {
                question_id: "injuries",
                compartment: Compartment::Main,
            },
            firstline_vault::ShownAnswer {
                question_id: "status_threats",
                compartment: Compartment::Safeguarding,
            },
        ];
        let done = vault
            .finalise(&id, &shown, &RecordNotes::default())
            .expect("finalised");
        finalised.insert(done.submission_id, done.content_hash);
    }
    finalised
}

/// A sync client over the outbox of the vault at `path` (the test device secret).
pub fn client(path: &Path, config: firstline_sync::SyncConfig) -> firstline_sync::SyncClient {
    firstline_sync::SyncClient::new(
        firstline_vault::Outbox::open(path, DeviceSecret::provided(&DEVICE_SECRET))
            .expect("outbox"),
        config,
    )
    .expect("client")
}

/// [`finalise_many`] on the blocking pool.
pub async fn finalise_in_background(path: &Path, count: usize) -> HashMap<String, String> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || finalise_many(&path, count))
        .await
        .expect("finalised")
}

/// Rows of the device's outbox by state, read from the file as an outsider.
pub fn outbox_rows(path: &Path) -> Vec<(String, String, bool, bool)> {
    let connection = rusqlite::Connection::open(path).expect("open");
    connection
        .busy_timeout(std::time::Duration::from_secs(10))
        .expect("timeout");
    let mut statement = connection
        .prepare(
            "SELECT o.submission_id, o.state, o.envelope IS NOT NULL, a.wrapped_record_key IS NOT NULL
             FROM outbox o JOIN assessments a ON a.assessment_id = o.submission_id",
        )
        .expect("prepare");
    let rows = statement
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .expect("query")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    rows
}

/// The vault's permit to enrol the device at `path`: officer PC 1234 set up (if not yet) and
/// unlocked, as the app asks before it enrols.
pub fn permit(path: &Path) -> firstline_vault::EnrolmentPermit {
    unlocked_vault(path).enrolment_permit().expect("a permit")
}

/// The vault at `path` with officer PC 1234 set up (if not yet) and unlocked.
fn unlocked_vault(path: &Path) -> Vault {
    let mut vault = Vault::open(
        path,
        DeviceSecret::provided(&DEVICE_SECRET),
        vault_options(),
    )
    .expect("vault");
    if vault.officers().expect("officers").is_empty() {
        vault.set_up_officer("PC 1234", PIN).expect("officer");
    }
    vault.unlock("PC 1234", PIN).expect("unlock");
    vault
}

// Each test binary uses some of these.
#[allow(unused_imports)]
pub use firstline_test_force::{
    order_signed_wipe, receipt_key_file, set_up_force, set_up_force_with, typed_code,
    COMMANDS_SEED, RECEIPT_SEED, ROOT_SEED,
};

/// A device with a fresh vault, enrolled with `gateway` as the app enrols (its first officer
/// unlocked): the vault's folder (kept alive with it), the vault's path, the client, and what
/// enrolment stored.
pub struct EnrolledDevice {
    pub dir: tempfile::TempDir,
    pub vault_path: PathBuf,
    pub client: firstline_sync::SyncClient,
    pub device: firstline_vault::DeviceInfo,
}

impl EnrolledDevice {
    pub async fn with(gateway: &Gateway, config: firstline_sync::SyncConfig) -> EnrolledDevice {
        let dir = tempfile::tempdir().expect("temp dir");
        let vault_path = dir.path().join("vault.sqlite");
        let client = client(&vault_path, config);
        let device = client
            .enrol(
                permit(&vault_path),
                &gateway.url(),
                &gateway.enrolment_code().await,
                "tablet",
            )
            .await
            .expect("enrolled");
        EnrolledDevice {
            dir,
            vault_path,
            client,
            device,
        }
    }
}
