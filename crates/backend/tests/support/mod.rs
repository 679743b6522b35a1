//! Test support: a real `firstline-gateway` process on a free loopback port over a SQLite file
//! or a real PostgreSQL server started for the test, with a force set up and helpers to enrol a
//! device and seal envelopes.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod postgres;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use firstline_backend::storage::{self, Storage};
use firstline_protocol::{EnrolRequest, EnrolResponse, Envelope, PackRef};
use firstline_seal::{DeviceKey, EnvelopeHeader, ForceRecipients, RecordsKey, SafeguardingKey};

/// Which database a gateway runs on.
pub enum Database {
    Sqlite(tempfile::TempDir),
    Postgres(postgres::Postgres),
}

impl Database {
    pub fn sqlite() -> Database {
        Database::Sqlite(tempfile::tempdir().expect("temp dir"))
    }

    pub fn postgres() -> Database {
        Database::Postgres(postgres::Postgres::start())
    }

    pub fn url(&self) -> String {
        match self {
            Database::Sqlite(dir) => dir.path().join("gateway.sqlite").display().to_string(),
            Database::Postgres(server) => server.url(),
        }
    }

    /// Every byte the database keeps, as far as a thief with the files could read it.
    pub fn raw_contents(&self) -> Vec<u8> {
        match self {
            Database::Sqlite(dir) => {
                let mut bytes = Vec::new();
                for entry in std::fs::read_dir(dir.path()).expect("dir") {
                    bytes.extend(std::fs::read(entry.expect("entry").path()).unwrap_or_default());
                }
                bytes
            }
            Database::Postgres(server) => server.dump(),
        }
    }
}

/// The force's keys, as the admin CLI would make them.
pub struct Force {
    pub records: RecordsKey,
    pub safeguarding: SafeguardingKey,
    pub recipients: ForceRecipients,
}

/// A running gateway process.
pub struct Gateway {
    pub database: Database,
    pub url: String,
    pub force: Force,
    process: Child,
    pub storage: Arc<dyn Storage>,
}

pub fn gateway_binary() -> String {
    env!("CARGO_BIN_EXE_firstline-gateway").to_string()
}

impl Gateway {
    pub async fn start(database: Database) -> Gateway {
        Gateway::start_with(database, &[], "warn").await
    }

    /// A gateway started with `extra` command-line options, logging at `log` (`FIRSTLINE_LOG`).
    pub async fn start_with(database: Database, extra: &[&str], log: &str) -> Gateway {
        let storage = storage::open(&database.url()).await.expect("storage opens");
        let (records_secret, records_public) = RecordsKey::generate();
        let (safeguarding_secret, safeguarding_public) = SafeguardingKey::generate();
        set_up_force(
            &*storage,
            records_public.clone(),
            safeguarding_public.clone(),
            vec![7; 32],
        )
        .await;
        let force = Force {
            records: RecordsKey::from_bytes(&records_secret).expect("key"),
            safeguarding: SafeguardingKey::from_bytes(&safeguarding_secret).expect("key"),
            recipients: ForceRecipients::from_bytes(&records_public, &safeguarding_public)
                .expect("recipients"),
        };
        let (process, url) = spawn_gateway_logging(&database.url(), "127.0.0.1:0", extra, log);
        Gateway {
            database,
            url,
            force,
            process,
            storage,
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
            .expect("code stored");
        code
    }

    pub async fn enrol(&self, client: &reqwest::Client) -> Device {
        let key = DeviceKey::generate();
        let response = client
            .post(format!("{}/v1/enrol", self.url))
            .json(&EnrolRequest {
                code: self.enrolment_code().await,
                device_public_key: key.public_bytes().into(),
                device_name: "tablet 7".into(),
            })
            .send()
            .await
            .expect("enrol request");
        assert_eq!(response.status(), 201);
        let enrolled: EnrolResponse = response.json().await.expect("enrol answer");
        Device { key, enrolled }
    }

    pub fn kill(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts the gateway binary and waits for its "listening on" line.
pub fn spawn_gateway(database: &str, listen: &str, extra: &[&str]) -> (Child, String) {
    spawn_gateway_logging(database, listen, extra, "warn")
}

fn spawn_gateway_logging(
    database: &str,
    listen: &str,
    extra: &[&str],
    log: &str,
) -> (Child, String) {
    let mut process = Command::new(gateway_binary())
        .args(["--database", database, "--listen", listen])
        .args(["--receipt-key", &receipt_key_file()])
        .args(extra)
        .env("FIRSTLINE_LOG", log)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gateway starts");
    let stdout = process.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("gateway announces");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line from the gateway: {line:?}"))
        .to_string();
    (process, url)
}

/// An enrolled device.
pub struct Device {
    pub key: DeviceKey,
    pub enrolled: EnrolResponse,
}

impl Device {
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.enrolled.token)
    }

    /// Posts `envelope` as this device to the gateway at `gateway_url`.
    pub async fn submit(
        &self,
        client: &reqwest::Client,
        gateway_url: &str,
        envelope: &Envelope,
    ) -> reqwest::Result<reqwest::Response> {
        client
            .post(format!(
                "{gateway_url}{}",
                firstline_protocol::paths::SUBMISSIONS
            ))
            .header("authorization", self.bearer())
            .json(envelope)
            .send()
            .await
    }

    pub fn seal(
        &self,
        force: &Force,
        submission_id: &str,
        main: &str,
        migrant: Option<&str>,
    ) -> Envelope {
        self.seal_with(force, submission_id, None, main, migrant)
    }

    /// An amendment of `superseded`.
    pub fn seal_superseding(
        &self,
        force: &Force,
        submission_id: &str,
        superseded: &str,
    ) -> Envelope {
        self.seal_with(force, submission_id, Some(superseded), "amended", None)
    }

    fn seal_with(
        &self,
        force: &Force,
        submission_id: &str,
        supersedes: Option<&str>,
        main: &str,
        migrant: Option<&str>,
    ) -> Envelope {
        firstline_seal::seal(
            EnvelopeHeader {
                submission_id: submission_id.into(),
                supersedes: supersedes.map(str::to_string),
                device_id: self.enrolled.device_id.clone(),
                pack: PackRef {
                    id: "default".into(),
                    version: "1".into(),
                    hash: "h".into(),
                },
                sealed_at: 1_800_000_000,
            },
            main.as_bytes(),
            migrant.map(str::as_bytes),
            &force.recipients,
            &self.key,
        )
        .expect("sealed")
    }
}

// Each test binary uses some of these.
#[allow(unused_imports)]
pub use firstline_test_force::{
    receipt_key_file, set_up_force, typed_code, RECEIPT_SEED, ROOT_SEED,
};

/// A process killed when dropped, so a failing test leaves nothing running.
pub struct KilledOnDrop(pub Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
