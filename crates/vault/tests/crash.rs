//! Crash test: a helper process saves answers in a loop and prints each one acknowledged; this
//! test kills it with SIGKILL at random moments (200 times; FIRSTLINE_CRASH_ROUNDS raises it),
//! then opens the vault and checks that every acknowledged answer is there and the audit chain
//! verifies.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use firstline_vault::{DeviceSecret, KdfParams, Vault, VaultOptions};

#[test]
fn every_acknowledged_answer_survives_sigkill() {
    let rounds: usize = std::env::var("FIRSTLINE_CRASH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vault.sqlite");
    let mut seed = u64::from(std::process::id()) | 1;
    let mut random = move |below: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % below.max(1)
    };
    // For each question, the highest n acknowledged so far.
    let mut acknowledged: HashMap<String, u64> = HashMap::new();
    let mut next_n = 0u64;
    let mut total_acks = 0usize;
    for round in 0..rounds {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vault-crash-helper"))
            .arg(&path)
            .arg(next_n.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the helper");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout);
        let wait_for = random(12);
        let mut line = String::new();
        let mut read_acks = 0;
        while read_acks < wait_for {
            line.clear();
            if lines.read_line(&mut line).expect("read") == 0 {
                break;
            }
            read_acks += 1;
            record(&line, &mut acknowledged, &mut next_n);
        }
        std::thread::sleep(Duration::from_micros(random(3000)));
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reap");
        // Whatever it printed before dying was acknowledged too.
        let mut rest = String::new();
        lines.read_to_string(&mut rest).expect("read the rest");
        for line in rest.lines() {
            record(line, &mut acknowledged, &mut next_n);
        }
        total_acks += read_acks as usize + rest.lines().count();
        if status.success() || read_acks == 0 && rest.is_empty() {
            let mut stderr = String::new();
            let _ = child
                .stderr
                .take()
                .map(|mut e| e.read_to_string(&mut stderr));
            assert!(
                stderr.is_empty(),
                "round {round}: the helper failed: {stderr}"
            );
        }
    }

    let mut vault = Vault::open(
        &path,
        DeviceSecret::provided(&[9u8; 32]),
        VaultOptions {
            kdf: KdfParams::FOR_TESTS,
            max_failed_pins: 10,
            min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
            clock: Arc::new(|| 1_800_000_000),
        },
    )
    .expect("the vault opens after every kill");
    vault.verify_audit().expect("the audit chain verifies");
    vault.unlock("crash-test", "123456").expect("unlock");
    let draft = vault
        .drafts()
        .expect("drafts")
        .into_iter()
        .next()
        .expect("the draft");
    let stored: HashMap<String, u64> = vault
        .answers(&draft.assessment_id)
        .expect("every answer decrypts")
        .into_iter()
        .map(|answer| {
            let text = String::from_utf8(answer.plaintext.to_vec()).expect("utf-8");
            let n = text.trim_start_matches("n=").parse().expect("n");
            (answer.question_id, n)
        })
        .collect();
    assert!(
        total_acks > rounds,
        "too few answers were acknowledged to mean anything"
    );
    for (question, acked) in &acknowledged {
        let kept = stored.get(question).copied();
        assert!(
            kept.is_some_and(|kept| kept >= *acked),
            "{question}: acknowledged n={acked}, vault holds {kept:?}"
        );
    }
    eprintln!("{rounds} kills, {total_acks} acknowledged answers, none lost");
}

fn record(line: &str, acknowledged: &mut HashMap<String, u64>, next_n: &mut u64) {
    let parts: Vec<&str> = line.split_whitespace().collect();
    if let ["ack", _, question, n] = parts.as_slice() {
        let n: u64 = n.parse().expect("n");
        let best = acknowledged.entry(question.to_string()).or_insert(n);
        *best = (*best).max(n);
        *next_n = (*next_n).max(n + 1);
    }
}
