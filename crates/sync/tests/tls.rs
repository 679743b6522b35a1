//! The gateway over TLS (rustls) and the sync client pinned to the force's CA: enrolment and a
//! submission go through; a client that does not trust the certificate is refused before any
//! byte of the envelope leaves; plain HTTP is refused anywhere but loopback.
#![allow(clippy::expect_used)]

mod support;

use std::process::Command;

use firstline_sync::{PassReport, SyncClient, SyncConfig};
use firstline_vault::{DeviceSecret, Outbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_and_sync_over_tls_with_a_pinned_ca() {
    let plain = support::Gateway::start().await; // a force set up in its database
    plain.kill();
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("certificate");
    let dir = tempfile::tempdir().expect("temp dir");
    let cert_path = dir.path().join("gateway.pem");
    let key_path = dir.path().join("gateway.key");
    std::fs::write(&cert_path, certified.cert.pem()).expect("cert written");
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).expect("key written");
    let (cert, key) = (
        cert_path.display().to_string(),
        key_path.display().to_string(),
    );
    let (mut gateway, url) = support::spawn_gateway(
        &plain.database(),
        "127.0.0.1:0",
        &["--tls-cert", &cert, "--tls-key", &key],
    );
    assert!(url.starts_with("https://"), "{url}");

    let untrusting = SyncClient::new(
        Outbox::open(
            &dir.path().join("other.sqlite"),
            DeviceSecret::provided(&support::DEVICE_SECRET),
        )
        .expect("outbox"),
        SyncConfig::default(),
    )
    .expect("client");
    let refused = untrusting
        .enrol(
            support::permit(&dir.path().join("other.sqlite")),
            &url,
            &plain.enrolment_code().await,
            "tablet",
        )
        .await;
    assert!(
        refused.is_err(),
        "a client that does not trust the certificate enrolled"
    );

    let vault_path = dir.path().join("vault.sqlite");
    let client = support::client(
        &vault_path,
        SyncConfig {
            pinned_ca_pem: Some(certified.cert.pem().into_bytes()),
            ..SyncConfig::default()
        },
    );
    client
        .enrol(
            support::permit(&vault_path),
            &url,
            &plain.enrolment_code().await,
            "tablet",
        )
        .await
        .expect("enrolled over TLS");
    support::finalise_in_background(&vault_path, 3).await;
    assert_eq!(
        client.sync_once().await.expect("pass"),
        PassReport::Drained {
            acknowledged: 3,
            quarantined: 0
        }
    );
    let _ = gateway.kill();
    let _ = gateway.wait();
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(support::gateway_binary())
        .args(["--database"])
        .arg(dir.path().join("gateway.sqlite"))
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .expect("gateway runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to serve plain HTTP"), "{stderr}");
}
