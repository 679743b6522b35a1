//! A real PostgreSQL server for one test: Debian's binaries (installed by `cargo xtask setup`),
//! a private data directory and port, trust authentication on loopback only, stopped on drop.
//! As root, the server runs as the `postgres` system user (PostgreSQL refuses to run as root).

use std::path::PathBuf;
use std::process::Command;

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Appended to the URL as its query (`sslmode=…`), when set.
    url_query: Option<String>,
}

fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .map(|entry| entry.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions
        .pop()
        .filter(|bin| bin.join("initdb").exists())
        .expect("PostgreSQL is not installed: run `cargo xtask setup` (Debian package postgresql)")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| out.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

impl Postgres {
    /// A server for tests: `fsync` off, since a test's data need not survive a power cut.
    pub fn start() -> Postgres {
        Postgres::start_with(false)
    }

    /// A server whose commits are durable when `durable` (for benchmarks).
    pub fn start_with(durable: bool) -> Postgres {
        Postgres::start_configured(durable, None)
    }

    /// A server that takes TCP connections over TLS only (`hostssl`), with this certificate
    /// and key (PEM); a plain connection is refused by the server itself.
    pub fn start_tls_only(certificate_pem: &str, key_pem: &str) -> Postgres {
        Postgres::start_configured(false, Some((certificate_pem, key_pem)))
    }

    fn start_configured(durable: bool, tls: Option<(&str, &str)>) -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("firstline-pg")
            .tempdir()
            .expect("temp dir");
        let port = free_port();
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(
                status.success(),
                "chown of the PostgreSQL test directory failed"
            );
        }
        let server = Postgres {
            dir,
            bin,
            port,
            url_query: None,
        };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data(),
                "-U",
                "firstline",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let mut options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync={} -c max_connections=40",
            server.dir.path().display(),
            if durable { "on" } else { "off" }
        );
        if let Some((certificate, key)) = tls {
            let certificate_file = server.dir.path().join("server.crt");
            let key_file = server.dir.path().join("server.key");
            std::fs::write(&certificate_file, certificate).expect("certificate written");
            std::fs::write(&key_file, key).expect("key written");
            std::fs::write(
                server.dir.path().join("data/pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )
            .expect("pg_hba.conf written");
            server.hand_to_postgres(&[&certificate_file, &key_file]);
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                certificate_file.display(),
                key_file.display()
            ));
        }
        let log = server.dir.path().join("server.log").display().to_string();
        server.run(
            "pg_ctl",
            &[
                "-D",
                &server.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        server
    }

    /// Makes files the server reads its own, private to it (PostgreSQL refuses a key file
    /// others can read).
    fn hand_to_postgres(&self, files: &[&std::path::Path]) {
        use std::os::unix::fs::PermissionsExt;
        for file in files {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
            if is_root() {
                let status = Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(file)
                    .status()
                    .expect("chown");
                assert!(status.success(), "chown of {} failed", file.display());
            }
        }
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// A PostgreSQL tool, run as the `postgres` user when we are root.
    fn tool(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&path);
            command
        } else {
            Command::new(&path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .tool(program)
            .args(args)
            .output()
            .expect("PostgreSQL tool runs");
        assert!(
            output.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    pub fn url(&self) -> String {
        match &self.url_query {
            Some(query) => format!("{}?{query}", self.plain_url()),
            None => self.plain_url(),
        }
    }

    /// The URL without a query: what a gateway would use with no `sslmode`.
    pub fn plain_url(&self) -> String {
        format!("postgres://firstline@127.0.0.1:{}/postgres", self.port)
    }

    /// Makes the server ask TCP clients for `password` (SCRAM), as a production server would;
    /// the URL stays without it.
    pub fn require_password(&self, password: &str) {
        self.run(
            "psql",
            &[
                "-h",
                &self.dir.path().display().to_string(),
                "-p",
                &self.port.to_string(),
                "-U",
                "firstline",
                "-d",
                "postgres",
                "-c",
                &format!("ALTER ROLE firstline PASSWORD '{password}'"),
            ],
        );
        std::fs::write(
            self.dir.path().join("data/pg_hba.conf"),
            "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
        )
        .expect("pg_hba.conf written");
        self.run("pg_ctl", &["-D", &self.data(), "reload"]);
        // The reload is asynchronous: wait until a password-less connection is refused.
        for _ in 0..100 {
            let refused = Command::new(self.bin.join("psql"))
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "firstline",
                ])
                .args(["-d", "postgres", "-w", "-c", "SELECT 1"])
                .env_remove("PGPASSWORD")
                .output()
                .map(|output| !output.status.success())
                .unwrap_or(false);
            if refused {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("PostgreSQL never started asking for a password");
    }

    /// Stops the server (a database gone away), keeping its files.
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    /// From now on, `url()` carries `query` (say `sslmode=verify-full&sslrootcert=…`).
    pub fn set_url_query(&mut self, query: &str) {
        self.url_query = Some(query.to_string());
    }

    /// Every table's rows as text (pg_dump), for looking for plaintext.
    pub fn dump(&self) -> Vec<u8> {
        Command::new(self.bin.join("pg_dump"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "firstline",
                "--data-only",
                "postgres",
            ])
            .output()
            .expect("pg_dump runs")
            .stdout
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
    }
}
