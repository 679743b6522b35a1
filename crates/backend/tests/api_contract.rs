//! The contract is the server: schemathesis (4.x, installed by `cargo xtask setup` into
//! target/tools/schemathesis) generates requests from docs/sync-api.yaml — examples, coverage,
//! fuzzing, and stateful runs along the spec's links — against a real gateway process over
//! HTTP, authenticated as an enrolled device that has sent a real submission, with a pack
//! published, a directory entry and a metrics token; every check schemathesis has must pass.
//! Settings: crates/backend/tests/api_contract/schemathesis.toml.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use firstline_protocol::DirectoryEntry;
use support::{Database, Gateway};

/// Fixed, so that a CI run is repeatable; `FIRSTLINE_CONTRACT_SEED` (and
/// `FIRSTLINE_CONTRACT_EXAMPLES`, per operation) explore further.
const SEED: &str = "20261125";
const EXAMPLES: &str = "150";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_answers_exactly_as_the_sync_api_document_says() {
    let schemathesis = workspace_root().join("target/tools/schemathesis/bin/schemathesis");
    assert!(
        schemathesis.is_file(),
        "schemathesis is not installed at {}: run `cargo xtask setup`",
        schemathesis.display()
    );
    let folder = tempfile::tempdir().expect("temp dir");
    let metrics_token = "metrics-token-for-the-contract-test";
    let metrics_token_file = folder.path().join("metrics.token");
    std::fs::write(&metrics_token_file, metrics_token).expect("token written");
    // Limits high enough that the run tests the endpoints rather than the limiter (whose 429s
    // the gateway's own suite attacks); every one is still in force.
    let gateway = Gateway::start_with(
        Database::sqlite(),
        &[
            "--device-requests-per-minute",
            "1000000",
            "--address-requests-per-minute",
            "1000000",
            "--enrolments-per-address-per-hour",
            "1000000",
            "--metrics-token-file",
            &metrics_token_file.display().to_string(),
        ],
        // Generated requests make it warn thousands of times (flagged audit chains): only errors.
        "error",
    )
    .await;
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let envelope = device.seal(&gateway.force, "contract-1", "main record", Some("section"));
    let sent = device
        .submit(&client, &gateway.url, &envelope)
        .await
        .expect("submitted");
    assert_eq!(sent.status(), 201, "the real submission is stored");
    gateway
        .storage
        .set_current_pack("pack-hash-1", b"{\"signed\":true}", 1)
        .await
        .expect("pack published");
    gateway
        .storage
        .put_service(&DirectoryEntry {
            id: "svc-1".into(),
            name: "Migrant women's support".into(),
            contact: "0800 000 000".into(),
            description: "Specialist support".into(),
        })
        .await
        .expect("service added");

    let output = Command::new(&schemathesis)
        .arg("--no-color")
        .arg("--config-file")
        .arg(workspace_root().join("crates/backend/tests/api_contract/schemathesis.toml"))
        .arg("run")
        .arg(workspace_root().join("docs/sync-api.yaml"))
        .args(["--url", &gateway.url])
        .args(["--checks", "all"])
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .arg("--max-examples")
        .arg(std::env::var("FIRSTLINE_CONTRACT_EXAMPLES").unwrap_or(EXAMPLES.into()))
        .arg("--seed")
        .arg(std::env::var("FIRSTLINE_CONTRACT_SEED").unwrap_or(SEED.into()))
        .args(["--workers", "2"])
        .env("FIRSTLINE_DEVICE_TOKEN", &device.enrolled.token)
        .env("FIRSTLINE_METRICS_TOKEN", metrics_token)
        .env("FIRSTLINE_SUBMISSION_ID", "contract-1")
        // Straight to the gateway on loopback, whatever proxy the machine names.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        // Hypothesis keeps its example database in the working folder: a throwaway one.
        .current_dir(folder.path())
        .output()
        .expect("schemathesis runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis found the gateway and docs/sync-api.yaml apart:\n{report}"
    );
    assert!(
        report.contains("✅ Stateful") && !report.contains("No test cases"),
        "the run tested nothing:\n{report}"
    );
    // The summary, for the record of what was tried.
    println!("{report}");
}
