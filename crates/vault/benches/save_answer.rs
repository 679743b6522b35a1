//! Vault benchmarks (reported, never asserted), on a real file in the system temp dir:
//! - saving one answer (encrypt + durable commit + audit entry), p50 and p99, beside a plain
//!   rusqlite insert of the same bytes with the same pragmas, in the same run;
//! - unlocking with the app's Argon2id parameters, and what that makes offline PIN guessing
//!   cost someone who copied the vault and a file device secret.
//!
//! `cargo bench -p firstline-vault --bench save_answer`

#![allow(missing_docs, clippy::expect_used)]

use std::time::{Duration, Instant};

use firstline_vault::{Compartment, DeviceSecret, KdfParams, Vault, VaultOptions};

const SAVES: usize = 2000;

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let answer = vec![b'x'; 200];

    // The vault.
    let mut vault = Vault::open(
        &dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&[1u8; 32]),
        VaultOptions {
            kdf: KdfParams::FOR_TESTS,
            ..VaultOptions::default()
        },
    )
    .expect("open");
    vault.set_up_officer("bench", "123456").expect("set up");
    vault.unlock("bench", "123456").expect("unlock");
    let id = vault.create_assessment("p", "1", "h").expect("create");
    let mut vault_times = Vec::with_capacity(SAVES);

    // The plain insert, same pragmas, same bytes.
    let plain = rusqlite::Connection::open(dir.path().join("plain.sqlite")).expect("plain");
    for (name, value) in [
        ("journal_mode", "WAL"),
        ("synchronous", "FULL"),
        ("secure_delete", "ON"),
    ] {
        plain.pragma_update(None, name, value).expect("pragma");
    }
    plain
        .execute_batch("CREATE TABLE answers (id INTEGER PRIMARY KEY, question TEXT, bytes BLOB)")
        .expect("table");
    let mut plain_times = Vec::with_capacity(SAVES);

    // Alternate, so both see the same machine noise.
    for n in 0..SAVES {
        let question = format!("q{}", n % 50);
        let started = Instant::now();
        vault
            .save_answer(&id, &question, Compartment::Main, &answer)
            .expect("save");
        vault_times.push(started.elapsed());
        let started = Instant::now();
        plain
            .execute(
                "INSERT INTO answers (question, bytes) VALUES (?1, ?2)",
                rusqlite::params![question, answer],
            )
            .expect("insert");
        plain_times.push(started.elapsed());
    }
    vault.lock();
    let (v50, v99) = (
        percentile(&mut vault_times, 0.5),
        percentile(&mut vault_times, 0.99),
    );
    let (p50, p99) = (
        percentile(&mut plain_times, 0.5),
        percentile(&mut plain_times, 0.99),
    );
    println!("save one answer ({SAVES} saves, 200-byte answer, WAL + synchronous=FULL):");
    println!(
        "  vault (AES-256-GCM + revision + audit entry, one transaction): p50 {v50:?}  p99 {v99:?}"
    );
    println!(
        "  plain rusqlite insert of the same bytes:                      p50 {p50:?}  p99 {p99:?}"
    );
    println!(
        "  ratio p50 {:.2}x  p99 {:.2}x",
        v50.as_secs_f64() / p50.as_secs_f64(),
        v99.as_secs_f64() / p99.as_secs_f64()
    );

    // Unlock with the app's parameters.
    let mut app_vault = Vault::open(
        &dir.path().join("app.sqlite"),
        DeviceSecret::provided(&[2u8; 32]),
        VaultOptions::default(),
    )
    .expect("open");
    app_vault.set_up_officer("bench", "123456").expect("set up");
    let mut unlock_times: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            app_vault.unlock("bench", "123456").expect("unlock");
            app_vault.lock();
            started.elapsed()
        })
        .collect();
    let app = KdfParams::APP;
    let median = percentile(&mut unlock_times, 0.5);
    println!(
        "unlock (Argon2id m={} KiB, t={}, p=1, keyed with the device secret): median {median:?} of 5",
        app.memory_kib, app.iterations,
    );
    // Someone who has copied the vault AND the device secret (file mode only: a keyring secret
    // is not on disk) tries PINs offline: each guess costs one Argon2id derivation, about an
    // unlock. Six digits are the shortest PIN a new officer can set.
    let guesses = 1_000_000f64;
    println!(
        "offline guessing with the device secret copied: ~{median:?} per PIN on one core; all {guesses} six-digit PINs: {:.1} hours on one core ({:.1} hours on 8 cores)",
        median.as_secs_f64() * guesses / 3600.0,
        median.as_secs_f64() * guesses / 3600.0 / 8.0
    );
}
