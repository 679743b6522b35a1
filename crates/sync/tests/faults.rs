//! The fault suite: the real sync client drains a vault's outbox through a fault-injecting
//! proxy to a real gateway process that is SIGKILLed and restarted mid-drain. Every envelope
//! must arrive exactly once, and no row may lose its readable copy before its receipt.
//! `FIRSTLINE_FAULT_ENVELOPES` sets how many (CI: 2,000; raise to 10,000 for the full run),
//! `FIRSTLINE_FAULT_SEED` replays a run.
#![allow(clippy::expect_used)]

mod support;

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use firstline_sync::{PassReport, SyncConfig};
use support::proxy::FaultProxy;
use support::Gateway;

fn envelopes() -> usize {
    std::env::var("FIRSTLINE_FAULT_ENVELOPES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(2_000)
}

fn test_config() -> SyncConfig {
    SyncConfig {
        batch_size: 64,
        concurrency: 4,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(100),
        request_timeout: Duration::from_secs(5),
        ..SyncConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_envelope_arrives_exactly_once_through_faults_and_gateway_kills() {
    let total = envelopes();
    let seed = std::env::var("FIRSTLINE_FAULT_SEED")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| firstline_backend::unix_now() as u64);
    println!("fault suite: {total} envelopes, seed {seed}");
    let gateway = std::sync::Arc::new(Gateway::start().await);
    let proxy = FaultProxy::start(gateway.address, seed).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let vault_path = dir.path().join("vault.sqlite");

    let client = support::client(&vault_path, test_config());
    client
        .enrol(
            support::permit(&vault_path),
            &proxy.url(),
            &gateway.enrolment_code().await,
            "fault-suite tablet",
        )
        .await
        .expect("enrolled through the proxy");
    let finalised = support::finalise_in_background(&vault_path, total).await;
    assert_eq!(finalised.len(), total);
    proxy.faults_on.store(true, Ordering::SeqCst);

    // Beside the drain: a watcher that SIGKILLs and restarts the gateway at a third and two
    // thirds of the way, and checks all along that nothing left the device before its receipt.
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let (gateway, watching, vault_path) =
            (gateway.clone(), watching.clone(), vault_path.clone());
        tokio::spawn(async move {
            let kill_points = [total / 3, 2 * total / 3];
            let mut kills = 0;
            let mut checks = 0;
            while watching.load(Ordering::SeqCst) {
                // The device first, then the gateway: a receipt recorded on the device was
                // committed on the gateway before it.
                let rows = support::outbox_rows(&vault_path);
                let stored = gateway.stored().await;
                for (id, state, has_envelope, readable) in &rows {
                    if state == "acknowledged" {
                        assert!(
                            stored.contains_key(id),
                            "row {id} acknowledged on the device but not on the gateway"
                        );
                    } else {
                        assert!(
                            *has_envelope && *readable,
                            "row {id} in state {state} lost its copy before its receipt"
                        );
                    }
                }
                checks += 1;
                if kills < kill_points.len() && stored.len() >= kill_points[kills] {
                    gateway.kill();
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    let gateway = gateway.clone();
                    tokio::task::spawn_blocking(move || gateway.restart())
                        .await
                        .expect("restarted");
                    kills += 1;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            (kills, checks)
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(900);
    loop {
        let report = client
            .sync_once()
            .await
            .expect("a pass never fails outright");
        if matches!(report, PassReport::Drained { .. })
            && client.status().await.expect("status").pending == 0
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the outbox did not drain (seed {seed})"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    watching.store(false, Ordering::SeqCst);
    let (kills, checks) = watcher.await.expect("the watcher's checks held");
    println!("invariant checked {checks} times during the drain");

    let stored = gateway.stored().await;
    assert_eq!(stored.len(), total, "every envelope on the gateway");
    assert_eq!(
        stored, finalised,
        "exactly the envelopes the device sealed, each once, same content"
    );
    let counts = gateway.storage.counts().await.expect("counts");
    assert_eq!(counts.conflicts, 0, "no envelope changed in transit");
    let status = client.status().await.expect("status");
    assert_eq!((status.pending, status.acknowledged as usize), (0, total));
    assert!(
        status.quarantined.is_empty(),
        "nothing quarantined: {:?}",
        status.quarantined
    );
    assert_eq!(
        kills, 2,
        "the gateway was killed and restarted twice mid-drain"
    );
    let faults = &proxy.counts;
    println!("faults injected: {faults:?}");
    for (name, count) in [
        ("cut mid-stream", &faults.cut_mid_stream),
        ("500", &faults.status_500),
        ("503", &faults.status_503),
        ("429", &faults.status_429),
        ("delay", &faults.delayed),
    ] {
        assert!(
            count.load(Ordering::Relaxed) > 0,
            "the proxy never injected {name} (seed {seed})"
        );
    }
    let ids: HashSet<&String> = stored.keys().collect();
    assert_eq!(ids.len(), total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quarantined_row_does_not_block_the_others_and_says_why() {
    let gateway = Gateway::start().await;
    let support::EnrolledDevice {
        dir: _dir,
        vault_path,
        client,
        device: _,
    } = support::EnrolledDevice::with(&gateway, test_config()).await;
    let finalised = support::finalise_in_background(&vault_path, 5).await;
    // Spoil one envelope on the device: its signature no longer verifies.
    let spoiled = finalised.keys().next().expect("one").clone();
    let connection = rusqlite::Connection::open(&vault_path).expect("open");
    connection
        .execute(
            "UPDATE outbox SET envelope = CAST(replace(CAST(envelope AS TEXT), '\"sealed_at\":', '\"sealed_at\":1') AS BLOB) WHERE submission_id = ?1",
            [&spoiled],
        )
        .expect("spoiled");
    let report = client.sync_once().await.expect("pass");
    assert_eq!(
        report,
        PassReport::Drained {
            acknowledged: 4,
            quarantined: 1
        }
    );
    let status = client.status().await.expect("status");
    assert_eq!(status.quarantined.len(), 1);
    assert_eq!(status.quarantined[0].submission_id, spoiled);
    assert!(
        status.quarantined[0].reason.contains("signature"),
        "{}",
        status.quarantined[0].reason
    );
    assert_eq!(
        status.quarantined[0].kind,
        Some(firstline_vault::ProblemKind::Refused)
    );
    assert_eq!(gateway.stored().await.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_stops_and_a_wipe_order_wipes_and_is_reported() {
    let gateway = Gateway::start().await;
    let support::EnrolledDevice {
        dir: _dir,
        vault_path,
        client,
        device,
    } = support::EnrolledDevice::with(&gateway, test_config()).await;
    support::finalise_in_background(&vault_path, 3).await;

    support::order_signed_wipe(&*gateway.storage, &device.device_id, 1).await;
    assert_eq!(client.sync_once().await.expect("pass"), PassReport::Wiped);
    let status = client.status().await.expect("status");
    assert!(status.wiped_at.is_some());
    assert_eq!(status.pending, 0);
    let log = gateway
        .storage
        .commands_of(&device.device_id)
        .await
        .expect("log");
    assert!(
        log[0].1.is_some(),
        "the gateway heard that the wipe was done"
    );
    assert_eq!(
        client.sync_once().await.expect("pass"),
        PassReport::NotEnrolled
    );

    // Enrol again, then revoke: the device stops and says so, its rows wait.
    let re_enrolled = client
        .enrol(
            support::permit(&vault_path),
            &gateway.url(),
            &gateway.enrolment_code().await,
            "tablet",
        )
        .await
        .expect("re-enrolled");
    let device = client.status().await.expect("status");
    assert!(device.wiped_at.is_none());
    support::finalise_in_background(&vault_path, 2).await;
    for enrolled in gateway.storage.devices().await.expect("devices") {
        gateway
            .storage
            .revoke_device(&enrolled.device_id, 2)
            .await
            .expect("revoked");
    }
    assert_eq!(client.sync_once().await.expect("pass"), PassReport::Revoked);
    let status = client.status().await.expect("status");
    assert!(status.revoked_at.is_some());
    assert_eq!(
        status.pending, 2,
        "nothing is dropped because the device was revoked"
    );

    // A revoked (stolen) device can still be wiped: it fetches the order and carries it out.
    support::order_signed_wipe(&*gateway.storage, &re_enrolled.device_id, 3).await;
    assert_eq!(client.sync_once().await.expect("pass"), PassReport::Wiped);
    assert_eq!(client.status().await.expect("status").pending, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_force_that_needs_a_newer_app_holds_the_rows_and_says_why() {
    let gateway = Gateway::start().await;
    gateway.kill();
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut strict, url) = support::spawn_gateway(
        &gateway.database(),
        "127.0.0.1:0",
        &["--min-app-version", "99.0.0"],
    );
    let vault_path = dir.path().join("vault.sqlite");
    let client = support::client(&vault_path, test_config());
    client
        .enrol(
            support::permit(&vault_path),
            &url,
            &gateway.enrolment_code().await,
            "tablet",
        )
        .await
        .expect("enrolled");
    support::finalise_in_background(&vault_path, 1).await;
    assert_eq!(
        client.sync_once().await.expect("pass"),
        PassReport::UpdateRequired {
            min_app_version: "99.0.0".into()
        }
    );
    let status = client.status().await.expect("status");
    assert_eq!(status.pending, 1);
    assert_eq!(
        status.last_error_kind,
        Some(firstline_vault::ProblemKind::UpdateRequired)
    );
    assert!(status.last_error.expect("a reason").contains("99.0.0"));
    assert_eq!(gateway.stored().await.len(), 0);
    let _ = strict.kill();
    let _ = strict.wait();
}
