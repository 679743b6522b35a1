//! A local force for the end-to-end tests: the real `firstline-gateway` on a free loopback
//! port over its embedded SQLite default, set up with the real `firstline-admin` (force keys,
//! enrolment code), and the admin CLI's `open` to read what arrived as the records system would.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::{free_port, workspace_root, TempDir};

/// The gateway, its database and the force's keys.
pub struct LocalForce {
    folder: TempDir,
    port: u16,
    gateway: Option<Child>,
}

fn binary(name: &str) -> PathBuf {
    let path = workspace_root().join("target/debug").join(name);
    if !path.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "-p",
                "firstline-backend",
                "-p",
                "firstline-admin",
                "--bins",
            ])
            .current_dir(workspace_root())
            .status()
            .expect("cargo build runs");
        assert!(
            status.success(),
            "building the gateway and admin CLI failed"
        );
    }
    path
}

fn admin(args: &[&str]) -> String {
    let output = Command::new(binary("firstline-admin"))
        .args(args)
        .output()
        .expect("firstline-admin runs");
    assert!(
        output.status.success(),
        "firstline-admin {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl LocalForce {
    /// Sets a force up and starts its gateway.
    pub fn start(label: &str) -> LocalForce {
        let folder = TempDir::new(&format!("force-{label}"));
        let mut force = LocalForce {
            folder,
            port: free_port(),
            gateway: None,
        };
        // As a force sets up: the safeguarding unit makes its key pair on its own machine, and
        // the root key is kept apart from the gateway's keys.
        let safeguarding = force.folder.path().join("safeguarding");
        admin(&[
            "safeguarding-keygen",
            "--out",
            &safeguarding.display().to_string(),
        ]);
        admin(&[
            "init-force",
            "--database",
            &force.database(),
            "--name",
            "Test Constabulary",
            "--keys",
            &force.keys().display().to_string(),
            "--root-key",
            &force
                .folder
                .path()
                .join("offline/root.key")
                .display()
                .to_string(),
            "--safeguarding-public",
            &safeguarding.join("safeguarding.pub").display().to_string(),
            "--commands-key",
            &force.commands_key(),
        ]);
        force.restart();
        force
    }

    fn database(&self) -> String {
        self.folder
            .path()
            .join("gateway.sqlite")
            .display()
            .to_string()
    }

    /// Force IT's commands key, kept apart from the gateway's keys.
    fn commands_key(&self) -> String {
        self.folder
            .path()
            .join("it/commands.key")
            .display()
            .to_string()
    }

    fn keys(&self) -> PathBuf {
        self.folder.path().join("keys")
    }

    /// The gateway's base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A one-time enrolment code, typed form (eight groups of four, carrying 80 bits of the
    /// force root's fingerprint).
    pub fn enrolment_code(&self) -> String {
        admin(&["enrolment-code", "--database", &self.database()])
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// The force root key's fingerprint, 64 hex digits (a machine policy's `root_fingerprint`).
    pub fn root_fingerprint(&self) -> String {
        admin(&["root-fingerprint", "--database", &self.database()])
            .trim()
            .to_string()
    }

    /// The ids of the devices enrolled, in enrolment order.
    pub fn device_ids(&self) -> Vec<String> {
        admin(&["devices", "--database", &self.database()])
            .lines()
            .map(|line| {
                let device: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                device["device_id"].as_str().unwrap_or_default().to_string()
            })
            .collect()
    }

    /// Orders a device to wipe itself at its next sync, as force IT would.
    pub fn order_wipe(&self, device_id: &str) {
        admin(&[
            "wipe",
            "--database",
            &self.database(),
            "--commands-key",
            &self.commands_key(),
            device_id,
        ]);
    }

    /// Signs `pack_json` with the force's pack-signing key and publishes it as the force's
    /// current pack, as force IT would with `firstline-admin sign-pack` and `publish-pack`.
    pub fn publish_pack(&self, pack_json: &[u8]) {
        let unsigned = self.folder.path().join("pack.json");
        let signed = self.folder.path().join("pack.signed.json");
        std::fs::write(&unsigned, pack_json).expect("pack written");
        let keys = self.keys().display().to_string();
        let (unsigned, signed) = (unsigned.display().to_string(), signed.display().to_string());
        admin(&[
            "sign-pack",
            "--keys",
            &keys,
            "--pack",
            &unsigned,
            "--out",
            &signed,
        ]);
        admin(&[
            "publish-pack",
            "--database",
            &self.database(),
            "--pack",
            &signed,
        ]);
    }

    /// Adds a support service to the directory devices pull.
    pub fn put_service(&self, id: &str, name: &str, contact: &str) {
        admin(&[
            "put-service",
            "--database",
            &self.database(),
            "--id",
            id,
            "--name",
            name,
            "--contact",
            contact,
            "--description",
            "Specialist support for migrant women",
        ]);
    }

    /// Stops the gateway (the network "goes down").
    pub fn stop(&mut self) {
        if let Some(mut gateway) = self.gateway.take() {
            let _ = gateway.kill();
            let _ = gateway.wait();
        }
    }

    /// Starts the gateway again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        for _ in 0..50 {
            let mut gateway = Command::new(binary("firstline-gateway"))
                .args(["--database", &self.database(), "--listen"])
                .arg(format!("127.0.0.1:{}", self.port))
                .arg("--receipt-key")
                .arg(self.keys().join("receipt-signing.key"))
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("firstline-gateway starts");
            let mut line = String::new();
            if let Some(stdout) = gateway.stdout.take() {
                let _ = BufReader::new(stdout).read_line(&mut line);
            }
            if line.starts_with("listening on") {
                self.gateway = Some(gateway);
                return;
            }
            let _ = gateway.wait();
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the gateway did not start on port {}", self.port);
    }

    /// What arrived, opened by `firstline-admin open` (one JSON object per submission); with
    /// the safeguarding key only when `safeguarding` is true.
    pub fn open_submissions(&self, safeguarding: bool) -> Vec<serde_json::Value> {
        let records_key = self.keys().join("records.key").display().to_string();
        let safeguarding_key = self
            .folder
            .path()
            .join("safeguarding/safeguarding.key")
            .display()
            .to_string();
        let database = self.database();
        let mut args = vec![
            "open",
            "--database",
            &database,
            "--records-key",
            &records_key,
        ];
        if safeguarding {
            args.extend(["--safeguarding-key", &safeguarding_key]);
        }
        admin(&args)
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// The gateway's database file and its WAL, as bytes (to look for plaintext).
    pub fn database_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            bytes.extend(std::fs::read(format!("{}{suffix}", self.database())).unwrap_or_default());
        }
        bytes
    }
}

impl Drop for LocalForce {
    fn drop(&mut self) {
        self.stop();
    }
}
