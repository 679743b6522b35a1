//! Attacks on the device's trust in its force's keys and receipts, through the sync client the
//! app runs against a real gateway process over real HTTP (issue 10, items 2 and 3):
//! - a gateway that hands out keys the force's root never signed, at enrolment or later, or an
//!   older set, is refused and nothing of it is used;
//! - a receipt not signed by the force's receipt key destroys nothing on the device;
//! - a device enrolled before key sets were signed takes the first signed set and says so.
#![allow(clippy::expect_used)]

mod support;

use ed25519_dalek::SigningKey;
use firstline_protocol::Envelope;
use firstline_sync::{PassReport, SyncConfig, SyncError};
use firstline_trust::{KeySet, TrustError};
use firstline_vault::{DeviceSecret, Outbox, ProblemKind, RootTrust};
use support::Gateway;

fn receipts_public(seed: [u8; 32]) -> Vec<u8> {
    SigningKey::from_bytes(&seed)
        .verifying_key()
        .to_bytes()
        .to_vec()
}

/// Signs a key set for `gateway`'s force with `root` and stores it as the current one.
async fn publish_key_set(
    gateway: &Gateway,
    root: [u8; 32],
    serial: u64,
    records_public: Vec<u8>,
    receipts: Vec<u8>,
) {
    let key_set = KeySet::new(
        "Test Constabulary",
        serial,
        1_800_000_000,
        records_public,
        gateway.safeguarding_public.clone(),
        vec![1; 32],
        receipts,
        SigningKey::from_bytes(&support::COMMANDS_SEED)
            .verifying_key()
            .to_bytes()
            .to_vec(),
        None,
    );
    let signed =
        firstline_trust::sign_key_set(&SigningKey::from_bytes(&root), &key_set).expect("signed");
    gateway
        .storage
        .set_key_set(&serde_json::to_string(&signed).expect("json"))
        .await
        .expect("stored");
}

fn outbox(path: &std::path::Path) -> Outbox {
    Outbox::open(path, DeviceSecret::provided(&support::DEVICE_SECRET)).expect("outbox")
}

/// The records key id each waiting envelope names.
fn records_key_ids(path: &std::path::Path) -> Vec<String> {
    outbox(path)
        .claim_due(i64::MAX, 100)
        .expect("claimed")
        .into_iter()
        .map(|item| {
            let envelope: Envelope = serde_json::from_slice(&item.envelope).expect("envelope");
            envelope.records_key_id.expect("format 2")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_cannot_hand_a_device_keys_the_force_never_signed() {
    let gateway = Gateway::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let vault_path = dir.path().join("vault.sqlite");
    let client = support::client(&vault_path, SyncConfig::default());
    let code = gateway.enrolment_code().await;

    // At enrolment: the gateway's database holds a set signed by a root of its own, with its
    // own records key. The code names the force's root: refused, nothing stored.
    let (_, gateways_own_records) = firstline_seal::RecordsKey::generate();
    publish_key_set(
        &gateway,
        [99; 32],
        1,
        gateways_own_records.clone(),
        receipts_public(support::RECEIPT_SEED),
    )
    .await;
    let refused = client
        .enrol(
            support::permit(&vault_path),
            &gateway.url(),
            &code,
            "tablet",
        )
        .await
        .expect_err("keys the force never signed");
    assert!(
        matches!(refused, SyncError::KeySetRefused(TrustError::RootMismatch)),
        "{refused}"
    );
    assert!(outbox(&vault_path).device().expect("read").is_none());

    // The force's set: enrolment goes ahead.
    publish_key_set(
        &gateway,
        support::ROOT_SEED,
        1,
        gateway.records_public.clone(),
        receipts_public(support::RECEIPT_SEED),
    )
    .await;
    client
        .enrol(
            support::permit(&vault_path),
            &gateway.url(),
            &gateway.enrolment_code().await,
            "tablet",
        )
        .await
        .expect("enrolled");
    let forces_key_id = firstline_protocol::key_id(&gateway.records_public);

    // Later: the gateway swaps in its own root's set. Refused and said; records stay sealed to
    // the force's key.
    publish_key_set(
        &gateway,
        [99; 32],
        5,
        gateways_own_records.clone(),
        receipts_public(support::RECEIPT_SEED),
    )
    .await;
    client.sync_once().await.expect("pass");
    let status = client.status().await.expect("status");
    assert_eq!(status.last_error_kind, Some(ProblemKind::KeySetRefused));
    support::finalise_in_background(&vault_path, 1).await;
    assert_eq!(records_key_ids(&vault_path), vec![forces_key_id.clone()]);
    client.sync_once().await.expect("pass");

    // A legitimate rotation by the force's root (serial 2) is taken: the next record is sealed
    // to the new key ...
    let (_, rotated) = firstline_seal::RecordsKey::generate();
    publish_key_set(
        &gateway,
        support::ROOT_SEED,
        2,
        rotated.clone(),
        receipts_public(support::RECEIPT_SEED),
    )
    .await;
    client.sync_once().await.expect("pass");
    assert_eq!(
        outbox(&vault_path)
            .key_set_anchor()
            .expect("read")
            .expect("enrolled")
            .serial,
        2
    );
    // ... and an older set, even the force's own, is not taken back.
    publish_key_set(
        &gateway,
        support::ROOT_SEED,
        1,
        gateway.records_public.clone(),
        receipts_public(support::RECEIPT_SEED),
    )
    .await;
    client.sync_once().await.expect("pass");
    assert_eq!(
        client.status().await.expect("status").last_error_kind,
        Some(ProblemKind::KeySetRefused)
    );
    support::finalise_in_background(&vault_path, 1).await;
    assert_eq!(
        records_key_ids(&vault_path),
        vec![firstline_protocol::key_id(&rotated)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_not_signed_by_the_forces_receipt_key_destroys_nothing() {
    let gateway = Gateway::start().await;
    let support::EnrolledDevice {
        dir: _dir,
        vault_path,
        client,
        device: _,
    } = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;

    // The force's key set now names another receipt key than the one this gateway signs with
    // (as if someone else answered in the gateway's place): its receipts do not verify.
    publish_key_set(
        &gateway,
        support::ROOT_SEED,
        2,
        gateway.records_public.clone(),
        receipts_public([77; 32]),
    )
    .await;
    let finalised = support::finalise_in_background(&vault_path, 3).await;
    let report = client.sync_once().await.expect("pass");
    assert!(
        matches!(
            report,
            PassReport::Offline {
                kind: ProblemKind::ReceiptUnsigned,
                ..
            }
        ),
        "{report:?}"
    );
    let status = client.status().await.expect("status");
    assert_eq!(status.acknowledged, 0, "an unverified receipt acknowledged");
    assert_eq!(status.pending, 3, "every readable copy is kept");
    let connection = rusqlite::Connection::open(&vault_path).expect("open");
    let kept: i64 = connection
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE envelope IS NOT NULL",
            [],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(kept, 3);
    assert!(
        !gateway.stored().await.is_empty(),
        "the gateway stored some: only the receipt was wrong"
    );

    // The force's set names the gateway's receipt key again: the next pass is acknowledged.
    publish_key_set(
        &gateway,
        support::ROOT_SEED,
        3,
        gateway.records_public.clone(),
        receipts_public(support::RECEIPT_SEED),
    )
    .await;
    connection
        .execute("UPDATE outbox SET next_attempt_ms = 0", [])
        .expect("due now");
    let report = client.sync_once().await.expect("pass");
    assert_eq!(
        report,
        PassReport::Drained {
            acknowledged: 3,
            quarantined: 0
        }
    );
    assert_eq!(gateway.stored().await.len(), finalised.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_enrolled_before_signed_key_sets_takes_the_first_and_says_so() {
    let gateway = Gateway::start().await;
    let support::EnrolledDevice {
        dir: _dir,
        vault_path,
        client,
        device: _,
    } = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;
    // As a vault from before key sets were signed (and before integrity records): no root, no
    // serial, no receipt key, no integrity MAC yet. The next open seals it as it finds it.
    rusqlite::Connection::open(&vault_path)
        .expect("open")
        .execute_batch(
            "UPDATE device SET root_public_key = NULL, key_set_serial = NULL,
                 receipt_public_key = NULL, root_trusted_how = NULL;
             UPDATE vault_state SET mac = NULL;",
        )
        .expect("made old");
    let device = outbox(&vault_path)
        .device()
        .expect("read")
        .expect("enrolled");
    assert_eq!(device.root_trusted_how, None);

    support::finalise_in_background(&vault_path, 2).await;
    assert_eq!(
        client.sync_once().await.expect("pass"),
        PassReport::Drained {
            acknowledged: 2,
            quarantined: 0
        }
    );
    let device = outbox(&vault_path)
        .device()
        .expect("read")
        .expect("enrolled");
    assert_eq!(device.root_trusted_how, Some(RootTrust::FirstSignedSet));
    assert_eq!(device.key_set_serial, Some(1));
}

/// The length and flag the force holds for `device`'s audit chain, once it has reported.
async fn audit_at_force(
    gateway: &Gateway,
    device: &firstline_vault::DeviceInfo,
) -> (i64, Option<String>) {
    gateway
        .storage
        .audit_of(&device.device_id)
        .await
        .expect("read")
        .expect("reported")
}

/// Runs `statement` (with `?1` = `seq`) on the vault file's audit table, as someone with the
/// tablet's disk would.
fn edit_audit_on_disk(vault_path: &std::path::Path, statement: &str, seq: i64) {
    rusqlite::Connection::open(vault_path)
        .expect("open")
        .execute(statement, [seq])
        .expect("edited");
}

/// The officer finalises `count` more assessments, then the device syncs.
async fn work_then_sync(device: &support::EnrolledDevice, count: usize) {
    support::finalise_in_background(&device.vault_path, count).await;
    device.client.sync_once().await.expect("pass");
}

/// Item 10: someone with the tablet cuts the end off its audit chain (to hide what was done);
/// the next sync reports the shorter chain and the force flags the device.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_chain_cut_short_on_the_device_is_flagged_at_the_force() {
    let gateway = Gateway::start().await;
    let device = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;
    work_then_sync(&device, 2).await;
    let (length, flag) = audit_at_force(&gateway, &device.device).await;
    assert!(length > 3, "{length}");
    assert_eq!(flag, None);

    edit_audit_on_disk(
        &device.vault_path,
        "DELETE FROM audit WHERE seq > ?1",
        length - 3,
    );
    device.client.sync_once().await.expect("pass");
    let (_, flag) = audit_at_force(&gateway, &device.device).await;
    assert!(
        flag.is_some_and(|flag| flag.contains("shorter")),
        "a shortened chain was not flagged"
    );
}

/// Item 10, past the longest length reported: someone with the tablet cuts the end off the
/// chain and lets the officer's work grow it again past what the force saw, so no length the
/// force holds is reported shorter. The device restates its head at the force's longest
/// length, which no longer matches, and the force flags it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_chain_rewritten_and_grown_past_what_was_reported_is_flagged() {
    let gateway = Gateway::start().await;
    let device = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;
    work_then_sync(&device, 2).await;
    let (first, flag) = audit_at_force(&gateway, &device.device).await;
    assert_eq!(flag, None);
    // An honest pass after more work restates the same head: still no flag.
    work_then_sync(&device, 1).await;
    let (reported, flag) = audit_at_force(&gateway, &device.device).await;
    assert!(reported > first, "{reported} after {first}");
    assert_eq!(flag, None, "an honest chain was flagged");

    edit_audit_on_disk(
        &device.vault_path,
        "DELETE FROM audit WHERE seq > ?1",
        reported - 3,
    );
    work_then_sync(&device, 3).await;
    let (length, flag) = audit_at_force(&gateway, &device.device).await;
    assert!(length > reported, "the chain did not grow past {reported}");
    assert!(
        flag.is_some_and(|flag| flag.contains(&format!("length {reported} changed"))),
        "a rewritten chain grown past the reported length was not flagged"
    );
}

/// Item 10, a gap: the entry at exactly the length the force holds is removed on disk and the
/// chain grows on. The device cannot restate a head it no longer has, so it restates one no
/// entry can have, and the force flags it (rather than refusing its reports for ever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_entry_removed_at_the_reported_length_is_flagged() {
    let gateway = Gateway::start().await;
    let device = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;
    work_then_sync(&device, 2).await;
    let (reported, _) = audit_at_force(&gateway, &device.device).await;
    edit_audit_on_disk(
        &device.vault_path,
        "DELETE FROM audit WHERE seq = ?1",
        reported,
    );
    work_then_sync(&device, 2).await;
    let (_, flag) = audit_at_force(&gateway, &device.device).await;
    assert!(
        flag.is_some_and(|flag| flag.contains(&format!("length {reported} changed"))),
        "a removed entry at the reported length was not flagged"
    );
}

/// Attack (review finding): a gateway — or whoever writes to its database — orders a wipe that
/// force IT did not sign. The device does not wipe (records still waiting are kept) and says
/// so; the same order signed by force IT is carried out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wipe_order_force_it_did_not_sign_is_not_carried_out() {
    let gateway = Gateway::start().await;
    let support::EnrolledDevice {
        dir: _dir,
        vault_path,
        client,
        device,
    } = support::EnrolledDevice::with(&gateway, SyncConfig::default()).await;
    support::finalise_in_background(&vault_path, 2).await;
    let forged = gateway
        .storage
        .order_command(&device.device_id, firstline_protocol::CommandKind::Wipe, 1)
        .await
        .expect("ordered")
        .expect("known device");
    gateway
        .storage
        .sign_command(forged, &[7; 64])
        .await
        .expect("a forged signature");
    let report = client.sync_once().await.expect("pass");
    assert_ne!(
        report,
        PassReport::Wiped,
        "an unsigned wipe was carried out"
    );
    let status = client.status().await.expect("status");
    assert!(status.wiped_at.is_none());
    assert!(outbox(&vault_path).device().expect("read").is_some());

    support::order_signed_wipe(&*gateway.storage, &device.device_id, 2).await;
    assert_eq!(client.sync_once().await.expect("pass"), PassReport::Wiped);
}
