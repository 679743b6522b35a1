//! The force's reference data reaches the device. The form pack: pulled when it changes (ETag),
//! verified against the pack-signing key the device got at enrolment, kept for new assessments;
//! a pack signed by any other key is not taken, and the sync screen's last problem says so. The
//! support-services directory: pulled page by page from the device's cursor, with removals.
#![allow(clippy::expect_used)]

mod support;

use ed25519_dalek::SigningKey;
use firstline_sync::{PassReport, SyncConfig};
use firstline_vault::{DeviceSecret, Outbox};

fn signed_pack(key: &SigningKey, version: &str) -> (String, Vec<u8>) {
    let pack = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../forms/default.json"
    ))
    .expect("default pack");
    let mut pack: serde_json::Value = serde_json::from_slice(&pack).expect("json");
    pack["version"] = version.into();
    let pack = serde_json::to_vec(&pack).expect("json");
    let signed = firstline_form::sign_pack(&pack, firstline_protocol::FORCE_PACK_KEY_ID, key)
        .expect("signed");
    let hash = firstline_form::verify_pack(
        &signed,
        &[firstline_form::TrustedKey {
            key_id: firstline_protocol::FORCE_PACK_KEY_ID.into(),
            key: key.verifying_key(),
        }],
    )
    .expect("verifies")
    .content_hash()
    .to_string();
    (hash, signed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_force_pack_is_pulled_verified_and_kept_and_a_forged_one_refused() {
    let gateway = support::Gateway::start().await;
    let force_key = SigningKey::from_bytes(&[42; 32]);
    support::set_up_force(
        &*gateway.storage,
        gateway.records_public.clone(),
        gateway.safeguarding_public.clone(),
        force_key.verifying_key().to_bytes().to_vec(),
    )
    .await;
    let support::EnrolledDevice {
        dir: _dir,
        vault_path,
        client,
        device: _,
    } = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;
    let outbox = || {
        Outbox::open(&vault_path, DeviceSecret::provided(&support::DEVICE_SECRET)).expect("outbox")
    };

    assert!(matches!(
        client.sync_once().await.expect("pass"),
        PassReport::Drained { .. }
    ));
    assert_eq!(
        outbox().force_pack_hash().expect("read"),
        None,
        "nothing published yet"
    );

    let (hash, bytes) = signed_pack(&force_key, "2026.11-force");
    gateway
        .storage
        .set_current_pack(&hash, &bytes, 1)
        .await
        .expect("published");
    client.sync_once().await.expect("pass");
    assert_eq!(
        outbox().force_pack_hash().expect("read"),
        Some(hash.clone())
    );
    assert_eq!(client.status().await.expect("status").last_error, None);

    // Signed by someone else: not taken, and said.
    let (forged_hash, forged) = signed_pack(&SigningKey::from_bytes(&[7; 32]), "2026.12-forged");
    gateway
        .storage
        .set_current_pack(&forged_hash, &forged, 2)
        .await
        .expect("published");
    client.sync_once().await.expect("pass");
    assert_eq!(
        outbox().force_pack_hash().expect("read"),
        Some(hash),
        "the forged pack was taken"
    );
    let status = client.status().await.expect("status");
    assert_eq!(
        status.last_error_kind,
        Some(firstline_vault::ProblemKind::PackRefused)
    );
    let problem = status.last_error.expect("a problem");
    assert!(problem.contains("form pack was not taken"), "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_follows_the_force_page_by_page_with_removals() {
    let gateway = support::Gateway::start().await;
    let support::EnrolledDevice {
        dir: _dir,
        vault_path,
        client,
        device: _,
    } = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;
    let service = |index: usize, name: &str| firstline_protocol::DirectoryEntry {
        id: format!("service-{index:03}"),
        name: name.into(),
        contact: "0808 2000 247".into(),
        description: "Refuge and outreach".into(),
    };
    for index in 0..250 {
        gateway
            .storage
            .put_service(&service(index, &format!("Service {index:03}")))
            .await
            .expect("put");
    }
    client.sync_once().await.expect("pass");
    let outbox = || {
        Outbox::open(&vault_path, DeviceSecret::provided(&support::DEVICE_SECRET)).expect("outbox")
    };
    assert_eq!(
        outbox().directory().expect("directory").len(),
        250,
        "more than one page arrived"
    );

    assert!(gateway
        .storage
        .remove_service("service-007")
        .await
        .expect("removed"));
    gateway
        .storage
        .put_service(&service(8, "Renamed refuge"))
        .await
        .expect("changed");
    client.sync_once().await.expect("pass");
    let directory = outbox().directory().expect("directory");
    assert_eq!(directory.len(), 249);
    assert!(
        directory.iter().all(|entry| entry.id != "service-007"),
        "the removal arrived"
    );
    assert!(directory.iter().any(|entry| entry.name == "Renamed refuge"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forces_policy_on_readable_copies_reaches_the_device() {
    let gateway = support::Gateway::start().await;
    gateway
        .storage
        .set_policy(&firstline_protocol::Policy {
            idle_lock_seconds: 300,
            max_failed_pins: 10,
            keep_readable_copy_until_receipt: false,
            allow_file_secret: true,
        })
        .await
        .expect("policy");
    let support::EnrolledDevice {
        dir: _dir,
        vault_path,
        client,
        device: _,
    } = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;
    client.sync_once().await.expect("a pass brings the policy");
    // The gateway goes away: the record waits in the outbox, and nothing readable is left.
    gateway.kill();
    support::finalise_in_background(&vault_path, 1).await;
    let connection = rusqlite::Connection::open(&vault_path).expect("open");
    let (pending, readable): (i64, i64) = connection
        .query_row(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE state = 'pending'),
                    (SELECT COUNT(*) FROM assessments WHERE wrapped_record_key IS NOT NULL)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("counts");
    assert_eq!(
        (pending, readable),
        (1, 0),
        "sealed and waiting, nothing readable left"
    );
}
