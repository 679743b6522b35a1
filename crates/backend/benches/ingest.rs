//! Benchmark (reported, never asserted): the gateway's ingest rate — a real `firstline-gateway`
//! process (release) taking distinct signed envelopes from 16 concurrent HTTP clients over
//! loopback — on its embedded SQLite and on a real PostgreSQL server with durable commits
//! (fsync on). `FIRSTLINE_BENCH_SUBMISSIONS` (default 5,000).
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs, dead_code)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Instant;

use firstline_backend::storage::{self, ForceRecord, NewDevice};
use firstline_protocol::PackRef;
use firstline_seal::{DeviceKey, EnvelopeHeader, ForceRecipients, RecordsKey, SafeguardingKey};

const CLIENTS: usize = 16;

async fn ingest(label: &str, database: &str, total: usize) {
    let storage = storage::open(database).await.unwrap();
    let (_, records) = RecordsKey::generate();
    let (_, safeguarding) = SafeguardingKey::generate();
    storage
        .set_force(&ForceRecord {
            name: "Bench".into(),
            records_public_key: records.clone(),
            safeguarding_public_key: safeguarding.clone(),
            pack_signing_public_key: vec![0; 32],
        })
        .await
        .unwrap();
    let code = firstline_backend::new_enrolment_code();
    let code_hash = firstline_backend::enrolment_code_hash(&code);
    storage
        .add_enrolment_code(&code_hash, i64::MAX)
        .await
        .unwrap();
    let device = DeviceKey::generate();
    let token = "fl1_bench-token";
    storage
        .redeem_enrolment_code(
            &code_hash,
            &NewDevice {
                device_id: "dev_bench".into(),
                name: "bench".into(),
                public_key: device.public_bytes(),
                token_hash: firstline_backend::token_hash(token),
            },
            1,
        )
        .await
        .unwrap();
    let recipients = ForceRecipients::from_bytes(&records, &safeguarding).unwrap();
    let main = vec![b'x'; 900];
    let envelopes: Vec<Vec<u8>> = (0..total)
        .map(|index| {
            let envelope = firstline_seal::seal(
                EnvelopeHeader {
                    submission_id: format!("bench-{index}"),
                    supersedes: None,
                    device_id: "dev_bench".into(),
                    pack: PackRef {
                        id: "default".into(),
                        version: "1".into(),
                        hash: "h".into(),
                    },
                    sealed_at: 1,
                },
                &main,
                Some(b"migrant section"),
                &recipients,
                &device,
            )
            .unwrap();
            serde_json::to_vec(&envelope).unwrap()
        })
        .collect();

    // Throughput, not the per-device rate: the bench sends far more than a device would.
    let (mut gateway, url) = support::spawn_gateway(
        database,
        "127.0.0.1:0",
        &[
            "--device-requests-per-minute",
            "100000000",
            "--address-requests-per-minute",
            "100000000",
        ],
    );
    let url = Arc::new(url);
    let envelopes = Arc::new(envelopes);
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for client_index in 0..CLIENTS {
        let (url, envelopes) = (url.clone(), envelopes.clone());
        clients.spawn(async move {
            let client = reqwest::Client::new();
            for body in envelopes.iter().skip(client_index).step_by(CLIENTS) {
                let status = client
                    .post(format!("{url}/v1/submissions"))
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert_eq!(status, 201);
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(storage.counts().await.unwrap().submissions as usize, total);
    println!(
        "  {label:<40} {:>7.0} submissions/s ({total} in {:.2} s, {CLIENTS} clients)",
        total as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    let _ = gateway.kill();
    let _ = gateway.wait();
}

fn main() {
    let total: usize = std::env::var("FIRSTLINE_BENCH_SUBMISSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "gateway ingest bench: release build, loopback, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        ingest(
            "SQLite (WAL, synchronous=FULL)",
            &dir.path().join("gateway.sqlite").display().to_string(),
            total,
        )
        .await;
        let server = support::postgres::Postgres::start_with(true);
        ingest(
            "PostgreSQL 15 (fsync on, synchronous_commit on)",
            &server.url(),
            total,
        )
        .await;
    });
}
