//! `cargo xtask bench`: measurements that are reported, never asserted. Each benchmark runs the
//! thing measured beside its baseline in the same run, since these machines are noisy.

use crate::shell::{cargo, root, run};

/// Builds release binaries and runs the benchmarks.
pub fn bench() -> Result<(), String> {
    let tools = crate::setup::setup()?;
    // The form engine: criterion, release profile; reports in target/criterion.
    run(cargo(&[
        "bench",
        "--locked",
        "-p",
        "firstline-form",
        "--bench",
        "engine",
    ]))?;
    // The vault: an encrypted, durable answer save beside a plain rusqlite insert.
    run(cargo(&[
        "bench",
        "--locked",
        "-p",
        "firstline-vault",
        "--bench",
        "save_answer",
    ]))?;
    // Sync: draining 10,000 envelopes beside plain POST loops of the same bytes.
    run(cargo(&[
        "bench",
        "--locked",
        "-p",
        "firstline-sync",
        "--bench",
        "drain",
    ]))?;
    // The gateway's ingest rate on SQLite and on a real PostgreSQL server.
    run(cargo(&[
        "bench",
        "--locked",
        "-p",
        "firstline-backend",
        "--bench",
        "ingest",
    ]))?;
    crate::test::build_ui(&tools)?;
    crate::test::build_app(&["--release"])?;
    run(cargo(&[
        "build",
        "--locked",
        "--release",
        "-p",
        "firstline-app",
        "--features",
        "custom-protocol",
        "--example",
        "bare_window",
    ]))?;
    let mut cold_start = cargo(&[
        "run",
        "--locked",
        "--release",
        "-p",
        "firstline-e2e",
        "--bin",
        "cold-start",
    ]);
    cold_start
        .env("FIRSTLINE_APP", root().join("target/release/firstline"))
        .env(
            "BARE_WINDOW_APP",
            root().join("target/release/examples/bare_window"),
        );
    run(cold_start)
}
