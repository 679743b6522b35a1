//! The gateway over TLS (rustls) and the sync client pinned to the force's CA: enrolment and a
//! submission go through; a client that does not trust the certificate is refused before any
//! byte of the envelope leaves; once enrolled, the client trusts only the CA the force's signed
//! key set names, whatever else the machine trusts; a certificate renewed under that CA needs no
//! re-enrolment; redirects are not followed; plain HTTP is refused anywhere but loopback.
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

/// Force IT renews the gateway's certificate (a new key and certificate, issued by the force's
/// CA that the key set names): devices go on syncing with no re-enrolment, since they pin the
/// CA, not the certificate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_renewed_under_the_forces_ca_needs_no_re_enrolment() {
    let plain = support::Gateway::start().await;
    plain.kill();
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = ForceCa::new();
    let first = ca.issue(&dir, "first");
    let (mut gateway, url) = https_force(&plain, &first).await;
    let vault_path = dir.path().join("vault.sqlite");
    let client = client_trusting(&vault_path, &first);
    enrol_and_send(&client, &vault_path, &plain, &url, 1).await;
    let _ = gateway.kill();
    let _ = gateway.wait();

    // Renewed: the same address, a new key and certificate from the same CA.
    let renewed = ca.issue(&dir, "renewed");
    assert_ne!(renewed.cert_der, first.cert_der);
    let listen = url.trim_start_matches("https://").to_string();
    let mut restarted = None;
    for _ in 0..50 {
        if let Some(started) = support::try_spawn_gateway(
            &plain.database(),
            &listen,
            &["--tls-cert", &renewed.cert, "--tls-key", &renewed.key],
        ) {
            restarted = Some(started);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (restarted, _) = restarted.expect("the renewed gateway listens");
    let _restarted = KillOnDrop(restarted);
    support::finalise_in_background(&vault_path, 1).await;
    assert_eq!(
        client.sync_once().await.expect("pass"),
        PassReport::Drained {
            acknowledged: 1,
            quarantined: 0
        },
        "a renewed certificate under the force's CA was refused"
    );
}

/// A CA of the force's own, issuing gateway certificates for 127.0.0.1.
struct ForceCa {
    params: rcgen::CertificateParams,
    key: rcgen::KeyPair,
    pem: String,
    der: Vec<u8>,
}

impl ForceCa {
    fn new() -> ForceCa {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Test Constabulary gateway CA");
        let key = rcgen::KeyPair::generate().expect("CA key");
        let certificate = params.self_signed(&key).expect("CA certificate");
        ForceCa {
            pem: certificate.pem(),
            der: certificate.der().to_vec(),
            params,
            key,
        }
    }

    /// A new key and certificate for the gateway, issued by this CA; `der` and `pem` are the
    /// CA's (what the key set names and what the machine trusts).
    fn issue(&self, dir: &tempfile::TempDir, name: &str) -> Certified {
        let key = rcgen::KeyPair::generate().expect("gateway key");
        let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
        let issuer = rcgen::Issuer::from_params(&self.params, &self.key);
        let certificate = params.signed_by(&key, &issuer).expect("issued");
        let cert = dir.path().join(format!("{name}.pem"));
        let key_file = dir.path().join(format!("{name}.key"));
        std::fs::write(&cert, format!("{}{}", certificate.pem(), self.pem)).expect("chain written");
        std::fs::write(&key_file, key.serialize_pem()).expect("key written");
        Certified {
            cert: cert.display().to_string(),
            key: key_file.display().to_string(),
            pem: self.pem.clone(),
            der: self.der.clone(),
            cert_der: certificate.der().to_vec(),
        }
    }
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

/// A gateway certificate and key (files), and the CA a client trusts for it (`pem`, `der`: the
/// certificate itself when self-signed).
struct Certified {
    cert: String,
    key: String,
    pem: String,
    der: Vec<u8>,
    /// The gateway's own certificate.
    cert_der: Vec<u8>,
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
        cert_der: certified.cert.der().to_vec(),
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
