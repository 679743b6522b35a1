//! The sync engine SIGKILLed mid-drain, again and again, then restarted: it drains to the end
//! with every envelope on the gateway exactly once and nothing lost. `FIRSTLINE_KILL_ROUNDS`
//! sets how many kills (default 8).
#![cfg(unix)]
#![allow(clippy::expect_used)]

mod support;

use std::os::unix::fs::OpenOptionsExt;
use std::process::Command;
use std::time::Duration;

use firstline_sync::SyncConfig;
use rand::Rng;
use support::Gateway;

const ENVELOPES: usize = 1_500;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_sync_and_restarted_it_drains_with_no_duplicate() {
    let rounds: usize = std::env::var("FIRSTLINE_KILL_ROUNDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(8);
    let gateway = Gateway::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let vault_path = dir.path().join("vault.sqlite");
    let secret_path = dir.path().join("device-secret");
    {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&secret_path)
            .expect("secret file");
        file.write_all(&support::DEVICE_SECRET)
            .expect("secret written");
    }
    let enrolling = support::client(&vault_path, SyncConfig::default());
    enrolling
        .enrol(
            support::permit(&vault_path),
            &gateway.url(),
            &gateway.enrolment_code().await,
            "kill-test tablet",
        )
        .await
        .expect("enrolled");
    drop(enrolling);
    let finalised = support::finalise_in_background(&vault_path, ENVELOPES).await;

    let helper = env!("CARGO_BIN_EXE_sync-kill-helper");
    let mut kills_mid_drain = 0;
    for _ in 0..rounds * 4 {
        if kills_mid_drain == rounds {
            break;
        }
        let mut child = Command::new(helper)
            .arg(&vault_path)
            .arg(&secret_path)
            .spawn()
            .expect("helper starts");
        let wait_ms = rand::thread_rng().gen_range(10..60);
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        let finished = child.try_wait().expect("status").is_some();
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let stored = gateway.stored().await.len();
        if !finished && stored < ENVELOPES {
            kills_mid_drain += 1;
        }
        if stored == ENVELOPES {
            break;
        }
    }
    assert_eq!(kills_mid_drain, rounds, "not every kill landed mid-drain");
    let status = Command::new(helper)
        .arg(&vault_path)
        .arg(&secret_path)
        .status()
        .expect("helper runs to the end");
    assert!(status.success());

    let stored = gateway.stored().await;
    assert_eq!(
        stored, finalised,
        "every envelope exactly once, with its content"
    );
    assert_eq!(gateway.storage.counts().await.expect("counts").conflicts, 0);
    let rows = support::outbox_rows(&vault_path);
    assert!(rows.iter().all(|(_, state, _, _)| state == "acknowledged"));
    println!("{kills_mid_drain} kills landed mid-drain");
}
