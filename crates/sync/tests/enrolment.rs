//! Enrolment through the sync client against a real gateway: two enrolments at once (the
//! screen's while managed enrolment runs) enrol the device once and spend one code; an
//! enrolment URI from a fleet batch names its gateway, so the address may be left empty, and
//! one naming another gateway than the one typed is refused before anything is sent.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

mod support;

use firstline_sync::{SyncConfig, SyncError};
use firstline_vault::VaultError;
use support::Gateway;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_enrolments_at_once_enrol_the_device_once() {
    let gateway = Gateway::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let vault_path = dir.path().join("vault.sqlite");
    let client = support::client(&vault_path, SyncConfig::default());
    let (first_code, second_code) = (
        gateway.enrolment_code().await,
        gateway.enrolment_code().await,
    );
    let url = gateway.url();
    let (first, second) = tokio::join!(
        client.enrol(support::permit(&vault_path), &url, &first_code, "tablet"),
        client.enrol(support::permit(&vault_path), &url, &second_code, "tablet"),
    );
    let outcomes = [first, second];
    assert_eq!(
        outcomes.iter().filter(|outcome| outcome.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes.iter().any(|outcome| matches!(
        outcome,
        Err(SyncError::Vault(VaultError::AlreadyEnrolled { .. }))
    )));
    let storage = firstline_backend::storage::open(&gateway.database())
        .await
        .expect("gateway database");
    assert_eq!(storage.devices().await.expect("devices").len(), 1);
    let codes = storage.enrolment_codes().await.expect("codes");
    assert_eq!(
        codes.iter().filter(|code| code.used_at.is_some()).count(),
        1,
        "the second code was spent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolment_uri_names_its_gateway_and_a_different_one_typed_is_refused() {
    let gateway = Gateway::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let vault_path = dir.path().join("vault.sqlite");
    let client = support::client(&vault_path, SyncConfig::default());
    let typed = gateway.enrolment_code().await;
    let code = firstline_trust::EnrolmentCode::parse(&typed).expect("a code");
    let root = ed25519_dalek::SigningKey::from_bytes(&support::ROOT_SEED);
    let fingerprint = firstline_trust::fingerprint(&root.verifying_key().to_bytes());
    assert_eq!(code.fingerprint, fingerprint[..10].to_vec());
    let uri = firstline_trust::EnrolmentUri::format(&gateway.url(), &code.secret, &fingerprint);

    let refused = client
        .enrol(
            support::permit(&vault_path),
            "https://another-gateway.example",
            &uri,
            "tablet",
        )
        .await
        .expect_err("another gateway typed");
    assert!(matches!(refused, SyncError::BadGatewayUrl), "{refused}");
    let enrolled = client
        .enrol(support::permit(&vault_path), "", &uri, "tablet")
        .await
        .expect("the URI's gateway");
    assert_eq!(enrolled.force_name, "Test Constabulary");
}
