//! The gateway as the package runs it: `--config gateway.toml` over PostgreSQL that asks for a
//! password. The password comes from a file the configuration names and never reaches the
//! process's argv or its log (at debug level, JSON lines that each parse); `--check-config`
//! checks without serving or migrating; metrics have a listener of their own (histograms by
//! route) that the device listener does not share; liveness holds while readiness follows the
//! database.

// Tests fail by panicking, with a message saying what did not happen.
#![cfg(unix)]
#![allow(clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use firstline_backend::storage;
use firstline_seal::{RecordsKey, SafeguardingKey};
use support::postgres::Postgres;
use support::{gateway_binary, receipt_key_file, set_up_force, KilledOnDrop};

const PASSWORD: &str = "canary-pw-7d41c9e2";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A force set up on a PostgreSQL server that then starts asking for [`PASSWORD`].
async fn force_on_postgres_with_a_password() -> Postgres {
    let server = Postgres::start();
    let storage = storage::open(&server.url()).await.expect("storage opens");
    let (_, records_public) = RecordsKey::generate();
    let (_, safeguarding_public) = SafeguardingKey::generate();
    set_up_force(&*storage, records_public, safeguarding_public, vec![7; 32]).await;
    drop(storage);
    server.require_password(PASSWORD);
    server
}

fn write_config(dir: &std::path::Path, database_url: &str, extra: &str) -> std::path::PathBuf {
    let password_file = dir.join("database-password");
    std::fs::write(&password_file, format!("{PASSWORD}\n")).expect("password file");
    std::fs::set_permissions(&password_file, std::fs::Permissions::from_mode(0o640))
        .expect("chmod");
    let config = dir.join("gateway.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\nreceipt_key = \"{}\"\n\n[database]\nurl = \"{database_url}\"\n{extra}\n",
            receipt_key_file()
        ),
    )
    .expect("config written");
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_runs_from_its_config_file_with_the_password_kept_out_of_argv_and_logs() {
    let server = force_on_postgres_with_a_password().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let metrics_port = free_port();

    // Without the password the server refuses the gateway, so the one given is the one used.
    let without = write_config(dir.path(), &server.url(), "");
    let refused = Command::new(gateway_binary())
        .args(["--config", &without.display().to_string(), "--check-config"])
        .env_remove(firstline_backend::config::PASSWORD_VARIABLE)
        .output()
        .expect("gateway runs");
    assert!(
        !refused.status.success(),
        "the server let in a gateway with no password"
    );

    let config = write_config(
        dir.path(),
        &server.url(),
        &format!(
            "password_file = \"{}\"\n\n[metrics]\nlisten = \"127.0.0.1:{metrics_port}\"\n\n[log]\nformat = \"json\"\nlevel = \"debug\"\n",
            dir.path().join("database-password").display()
        ),
    );
    let config = config.display().to_string();

    let checked = Command::new(gateway_binary())
        .args(["--config", &config, "--check-config"])
        .output()
        .expect("gateway runs");
    let check_out = String::from_utf8_lossy(&checked.stdout).to_string();
    let check_err = String::from_utf8_lossy(&checked.stderr).to_string();
    assert!(checked.status.success(), "{check_out}{check_err}");
    assert!(check_out.starts_with("configuration ok"), "{check_out}");
    assert!(
        check_out.contains("password: from database.password_file"),
        "{check_out}"
    );
    assert!(!check_out.contains(PASSWORD) && !check_err.contains(PASSWORD));

    let mut process = Command::new(gateway_binary())
        .args(["--config", &config])
        .env_remove("FIRSTLINE_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gateway starts");
    let stdout = process.stdout.take().expect("stdout");
    let stderr = process.stderr.take().expect("stderr");
    let pid = process.id();
    let process = KilledOnDrop(process);
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let collecting = log.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            collecting.lock().expect("log").push(line);
        }
    });
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("gateway announces");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();

    let argv = std::fs::read(format!("/proc/{pid}/cmdline")).expect("argv");
    assert!(
        !argv
            .windows(PASSWORD.len())
            .any(|window| window == PASSWORD.as_bytes()),
        "the password is in the process's argv"
    );
    let environment = std::fs::read(format!("/proc/{pid}/environ")).expect("environment");
    assert!(!environment
        .windows(PASSWORD.len())
        .any(|window| window == PASSWORD.as_bytes()));

    let http = reqwest::Client::new();
    let get = |address: String| {
        let http = http.clone();
        async move { http.get(address).send().await.expect("request") }
    };
    assert_eq!(get(format!("{url}/v1/meta")).await.status(), 200);
    assert_eq!(get(format!("{url}/health/live")).await.status(), 200);
    assert_eq!(get(format!("{url}/health/ready")).await.status(), 200);
    assert_eq!(
        get(format!("{url}/metrics")).await.status(),
        404,
        "the device listener serves metrics with no token configured"
    );
    let metrics_url = format!("http://127.0.0.1:{metrics_port}");
    let metrics = get(format!("{metrics_url}/metrics")).await;
    assert_eq!(metrics.status(), 200);
    let exposition = metrics.text().await.expect("metrics text");
    assert!(
        exposition.contains(
            "firstline_request_duration_seconds_bucket{le=\"0.001\",method=\"GET\",route=\"/v1/meta\",status=\"2xx\"}"
        ),
        "{exposition}"
    );
    assert!(exposition.contains(
        "firstline_request_duration_seconds_count{method=\"GET\",route=\"/v1/meta\",status=\"2xx\"} 1"
    ));
    assert!(exposition.trim_end().ends_with("# EOF"));
    assert_eq!(
        get(format!("{metrics_url}/v1/meta")).await.status(),
        404,
        "the metrics listener serves the device API"
    );

    // The database gone: still live, no longer ready.
    server.stop();
    assert_eq!(get(format!("{url}/health/live")).await.status(), 200);
    assert_eq!(get(format!("{url}/health/ready")).await.status(), 503);

    drop(process);
    reader.join().expect("log reader");
    let log = log.lock().expect("log").clone();
    assert!(
        log.iter().any(|line| line.contains("gateway listening")),
        "no start line in {log:?}"
    );
    for line in &log {
        assert!(
            !line.contains(PASSWORD),
            "the password is in the log: {line}"
        );
        let parsed: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|error| panic!("a log line is not JSON ({error}): {line}"));
        assert!(
            parsed.get("level").is_some() && parsed.get("timestamp").is_some(),
            "{line}"
        );
    }
}

/// With a metrics token, the metrics listener asks for it too (it is required there off
/// loopback, where devices might reach it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_listener_with_a_token_refuses_a_request_without_it() {
    let gateway = support::Gateway::start(support::Database::sqlite()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("metrics-token");
    std::fs::write(&token_file, "a-metrics-token-of-32-characters").expect("token");
    let metrics_port = free_port();
    let (process, _) = support::spawn_gateway(
        &gateway.database.url(),
        "127.0.0.1:0",
        &[
            "--metrics-listen",
            &format!("127.0.0.1:{metrics_port}"),
            "--metrics-token-file",
            &token_file.display().to_string(),
        ],
    );
    let _process = KilledOnDrop(process);
    let http = reqwest::Client::new();
    let metrics = format!("http://127.0.0.1:{metrics_port}/metrics");
    let refused = http.get(&metrics).send().await.expect("request");
    assert_eq!(refused.status(), 401);
    let served = http
        .get(&metrics)
        .bearer_auth("a-metrics-token-of-32-characters")
        .send()
        .await
        .expect("request");
    assert_eq!(served.status(), 200);
}

#[test]
fn a_password_on_the_command_line_and_a_bad_config_file_are_refused_saying_why() {
    let on_argv = Command::new(gateway_binary())
        .args([
            "--database",
            "postgres://firstline:hunter2@127.0.0.1/x",
            "--check-config",
        ])
        .args(["--receipt-key", &receipt_key_file()])
        .output()
        .expect("gateway runs");
    assert!(!on_argv.status.success());
    let said = String::from_utf8_lossy(&on_argv.stderr);
    assert!(said.contains("process list"), "{said}");
    assert!(
        !said.contains("hunter2"),
        "the refusal repeats the password"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("gateway.toml");
    std::fs::write(
        &config,
        "receipt_key = \"k\"\n[database]\nurl = \"x\"\nlisten_typo = 1\n",
    )
    .expect("written");
    let typo = Command::new(gateway_binary())
        .args(["--config", &config.display().to_string(), "--check-config"])
        .output()
        .expect("gateway runs");
    assert!(!typo.status.success());
    let said = String::from_utf8_lossy(&typo.stderr);
    assert!(
        said.contains("gateway.toml") && said.contains("listen_typo"),
        "{said}"
    );

    // A password file every user can read is refused, naming it and not its contents.
    let password_file = dir.path().join("database-password");
    std::fs::write(&password_file, "canary-open-9911\n").expect("written");
    std::fs::set_permissions(&password_file, std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    std::fs::write(
        &config,
        format!(
            "receipt_key = \"k\"\n[database]\nurl = \"postgres://firstline@127.0.0.1/x\"\npassword_file = \"{}\"\n",
            password_file.display()
        ),
    )
    .expect("written");
    let open = Command::new(gateway_binary())
        .args(["--config", &config.display().to_string(), "--check-config"])
        .output()
        .expect("gateway runs");
    let said = String::from_utf8_lossy(&open.stderr);
    assert!(!open.status.success());
    assert!(
        said.contains("other than its owner") && !said.contains("canary-open-9911"),
        "{said}"
    );

    // In the query, too.
    let in_query = Command::new(gateway_binary())
        .args([
            "--database",
            "postgres://firstline@127.0.0.1/x?password=hunter3",
            "--check-config",
        ])
        .args(["--receipt-key", &receipt_key_file()])
        .output()
        .expect("gateway runs");
    assert!(!in_query.status.success());
    assert!(!String::from_utf8_lossy(&in_query.stderr).contains("hunter3"));

    let mixed = Command::new(gateway_binary())
        .args([
            "--config",
            &config.display().to_string(),
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .expect("gateway runs");
    assert!(
        !mixed.status.success(),
        "--config mixed with a flag was accepted"
    );
}
