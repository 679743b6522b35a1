//! The gateway over TLS (rustls) and the sync client pinned to the force's CA: enrolment and a
//! submission go through; a client that does not trust the certificate is refused before any
//! byte of the envelope leaves; once enrolled, the client trusts only the CA the force's signed
//! key set names, whatever else the machine trusts; redirects are not followed; plain HTTP is
//! refused anywhere but loopback.
#![allow(clippy::expect_used)]

mod support;

use std::process::Command;

use firstline_sync::{PassReport, SyncClient, SyncConfig};
use firstline_vault::{DeviceSecret, Outbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_and_sync_over_tls_with_a_pinned_ca() {
    let plain = support::Gateway::start().await; // a force set up in its database
    plain.kill();
    let dir = tempfile::tempdir().expect("temp dir");
    let certified = self_signed(&dir, "gateway");
    let (mut gateway, url) = https_force(&plain, &certified).await;
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
    let client = client_trusting(&vault_path, &certified);
    enrol_and_send(&client, &vault_path, &plain, &url, 3).await;
    let _ = gateway.kill();
    let _ = gateway.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_refused_off_loopback() {
    let force = support::Gateway::start().await; // a force set up in its database
    force.kill();
    let output = Command::new(support::gateway_binary())
        .args(["--database", &force.database()])
        .args(["--listen", "0.0.0.0:0"])
        .args(["--receipt-key", &support::receipt_key_file()])
        .output()
        .expect("gateway runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to serve plain HTTP"), "{stderr}");
}

/// Attack (issue 10, item 4): a gateway certificate from a CA the machine trusts, but not the
/// force's, after enrolment (a mis-issued certificate, an interception proxy with its CA in the
/// system store). The client pins the CA in the force's signed key set and sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_enrolment_only_the_forces_ca_is_trusted() {
    let plain = support::Gateway::start().await;
    plain.kill();
    let dir = tempfile::tempdir().expect("temp dir");
    let forces = self_signed(&dir, "force");
    let interceptor = self_signed(&dir, "interceptor");
    let (mut gateway, url) = https_force(&plain, &forces).await;
    let vault_path = dir.path().join("vault.sqlite");
    // Enrolment trusts what the machine trusts (here: the force's CA).
    let client = client_trusting(&vault_path, &forces);
    enrol_and_send(&client, &vault_path, &plain, &url, 1).await;
    let _ = gateway.kill();
    let _ = gateway.wait();

    // The same address now answers with the interceptor's certificate, which the machine
    // trusts too: nothing leaves, the record waits.
    let listen = url.trim_start_matches("https://").to_string();
    let mut intercepting = None;
    for _ in 0..50 {
        if let Some(started) = support::try_spawn_gateway(
            &plain.database(),
            &listen,
            &[
                "--tls-cert",
                &interceptor.cert,
                "--tls-key",
                &interceptor.key,
            ],
        ) {
            intercepting = Some(started);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (mut intercepting, _) = intercepting.expect("the interceptor listens");
    let machine_trusts_the_interceptor = client_trusting(&vault_path, &interceptor);
    support::finalise_in_background(&vault_path, 1).await;
    let report = machine_trusts_the_interceptor
        .sync_once()
        .await
        .expect("pass");
    assert!(
        matches!(report, PassReport::Offline { .. }),
        "the client talked to a gateway outside the force's CA: {report:?}"
    );
    assert_eq!(
        machine_trusts_the_interceptor
            .status()
            .await
            .expect("status")
            .pending,
        1
    );
    let _ = intercepting.kill();
    let _ = intercepting.wait();
}

/// The force of `plain` (stopped) with a key set naming `certified`'s CA, its gateway started
/// again over HTTPS with that certificate: the process and its URL.
async fn https_force(
    plain: &support::Gateway,
    certified: &Certified,
) -> (std::process::Child, String) {
    support::set_up_force_with(
        &*plain.storage,
        plain.records_public.clone(),
        plain.safeguarding_public.clone(),
        vec![1; 32],
        Some(certified.der.clone()),
        1,
    )
    .await;
    support::spawn_gateway(
        &plain.database(),
        "127.0.0.1:0",
        &["--tls-cert", &certified.cert, "--tls-key", &certified.key],
    )
}

/// A sync client for the vault at `vault_path` on a machine that trusts `ca`.
fn client_trusting(vault_path: &std::path::Path, ca: &Certified) -> SyncClient {
    support::client(
        vault_path,
        SyncConfig {
            pinned_ca_pem: Some(ca.pem.clone().into_bytes()),
            ..SyncConfig::default()
        },
    )
}

/// Enrols `client` with `plain`'s force at `url`, finalises `count` records and syncs them: all
/// acknowledged.
async fn enrol_and_send(
    client: &SyncClient,
    vault_path: &std::path::Path,
    plain: &support::Gateway,
    url: &str,
    count: usize,
) {
    client
        .enrol(
            support::permit(vault_path),
            url,
            &plain.enrolment_code().await,
            "tablet",
        )
        .await
        .expect("enrolled over TLS");
    support::finalise_in_background(vault_path, count).await;
    assert_eq!(
        client.sync_once().await.expect("pass"),
        PassReport::Drained {
            acknowledged: u32::try_from(count).expect("a few records"),
            quarantined: 0
        }
    );
}

struct Certified {
    cert: String,
    key: String,
    pem: String,
    der: Vec<u8>,
}

fn self_signed(dir: &tempfile::TempDir, name: &str) -> Certified {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("certificate");
    let cert = dir.path().join(format!("{name}.pem"));
    let key = dir.path().join(format!("{name}.key"));
    std::fs::write(&cert, certified.cert.pem()).expect("cert written");
    std::fs::write(&key, certified.signing_key.serialize_pem()).expect("key written");
    Certified {
        cert: cert.display().to_string(),
        key: key.display().to_string(),
        pem: certified.cert.pem(),
        der: certified.cert.der().to_vec(),
    }
}

/// An HTTPS gateway whose force key set names no CA cannot be pinned: enrolment is refused
/// rather than falling back to whatever the machine trusts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_gateway_without_a_ca_in_the_key_set_is_refused() {
    let plain = support::Gateway::start().await; // its key set names no CA
    plain.kill();
    let dir = tempfile::tempdir().expect("temp dir");
    let certified = self_signed(&dir, "gateway");
    let (gateway, url) = support::spawn_gateway(
        &plain.database(),
        "127.0.0.1:0",
        &["--tls-cert", &certified.cert, "--tls-key", &certified.key],
    );
    let _gateway = KillOnDrop(gateway);
    let vault_path = dir.path().join("vault.sqlite");
    let client = client_trusting(&vault_path, &certified);
    let refused = client
        .enrol(
            support::permit(&vault_path),
            &url,
            &plain.enrolment_code().await,
            "tablet",
        )
        .await
        .expect_err("no CA to pin");
    assert!(
        matches!(
            refused,
            firstline_sync::SyncError::KeySetRefused(firstline_trust::TrustError::NoTlsCa)
        ),
        "{refused}"
    );
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
