//! Benchmark (reported, never asserted): draining the outbox to a real gateway process over
//! loopback, beside a plain HTTP POST loop of the very same envelope bytes to a second gateway
//! holding an identical database, in the same run. `FIRSTLINE_BENCH_ENVELOPES` (default 10,000).
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use firstline_sync::{PassReport, SyncClient, SyncConfig};
use firstline_vault::{DeviceSecret, Outbox};

async fn post_loop(url: &str, token: &str, envelopes: &[Vec<u8>], concurrency: usize) -> Duration {
    let client = reqwest::Client::new();
    let started = Instant::now();
    for chunk in envelopes.chunks(concurrency) {
        let mut in_flight = tokio::task::JoinSet::new();
        for body in chunk {
            let request = client
                .post(format!("{url}/v1/submissions"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(body.clone());
            in_flight.spawn(async move {
                request
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
            });
        }
        while let Some(status) = in_flight.join_next().await {
            assert_eq!(status.unwrap().unwrap(), 201);
        }
    }
    started.elapsed()
}

fn main() {
    let total: usize = std::env::var("FIRSTLINE_BENCH_ENVELOPES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let gateway = support::Gateway::start().await;
        let dir = tempfile::tempdir().unwrap();
        let vault_path = dir.path().join("vault.sqlite");
        let client = SyncClient::new(
            Outbox::open(&vault_path, DeviceSecret::provided(&support::DEVICE_SECRET)).unwrap(),
            SyncConfig::default(),
        )
        .unwrap();
        client.enrol(support::permit(&vault_path), &gateway.url(), &gateway.enrolment_code().await, "bench").await.unwrap();
        let path = vault_path.clone();
        tokio::task::spawn_blocking(move || support::finalise_many(&path, total)).await.unwrap();
        let outbox = Outbox::open(&vault_path, DeviceSecret::provided(&support::DEVICE_SECRET)).unwrap();
        let token = outbox.credentials().unwrap().unwrap().token.to_string();
        let envelopes: Vec<Vec<u8>> = {
            let connection = rusqlite::Connection::open(&vault_path).unwrap();
            let mut statement = connection.prepare("SELECT envelope FROM outbox ORDER BY created_at, submission_id").unwrap();
            let rows = statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<Vec<Vec<u8>>, _>>().unwrap();
            rows
        };
        let bytes: usize = envelopes.iter().map(Vec::len).sum();

        // Two more gateways on copies of the same database (the device enrolled, nothing stored).
        gateway.kill();
        let copies: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
        for copy in &copies {
            for suffix in ["", "-wal", "-shm"] {
                let from = format!("{}{suffix}", gateway.database());
                if std::path::Path::new(&from).exists() {
                    std::fs::copy(&from, copy.path().join(format!("gateway.sqlite{suffix}"))).unwrap();
                }
            }
        }
        gateway.restart();
        let (mut plain_gateway, plain_url) = support::spawn_gateway(&copies[0].path().join("gateway.sqlite").display().to_string(), "127.0.0.1:0", &[]);
        let (mut wide_gateway, wide_url) = support::spawn_gateway(&copies[1].path().join("gateway.sqlite").display().to_string(), "127.0.0.1:0", &[]);

        let plain = post_loop(&plain_url, &token, &envelopes, 1).await;
        let wide = post_loop(&wide_url, &token, &envelopes, SyncConfig::default().concurrency).await;
        let started = Instant::now();
        loop {
            match client.sync_once().await.unwrap() {
                PassReport::Drained { .. } if client.status().await.unwrap().pending == 0 => break,
                PassReport::Drained { .. } | PassReport::Offline { .. } => {}
                other => panic!("drain stopped: {other:?}"),
            }
        }
        let drain = started.elapsed();
        assert_eq!(gateway.stored().await.len(), total);
        let rate = |elapsed: Duration| total as f64 / elapsed.as_secs_f64();
        println!("drain bench: {total} envelopes, {} KiB, loopback, release build, 2 tokio workers", bytes / 1024);
        println!("  plain POST loop, one at a time:     {:>8.0} envelopes/s ({:.2} s)", rate(plain), plain.as_secs_f64());
        println!("  plain POST loop, 4 in flight:       {:>8.0} envelopes/s ({:.2} s)", rate(wide), wide.as_secs_f64());
        println!(
            "  outbox drain (vault states + receipts, 4 in flight): {:>8.0} envelopes/s ({:.2} s) = {:.2}x the one-at-a-time loop",
            rate(drain),
            drain.as_secs_f64(),
            rate(drain) / rate(plain)
        );
        let _ = plain_gateway.kill();
        let _ = wide_gateway.kill();
    });
}
