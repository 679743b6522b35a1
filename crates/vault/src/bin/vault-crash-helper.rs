//! Test helper for the crash test (tests/crash.rs): opens the vault at the given path, then
//! saves answers in a loop and prints `ack <assessment> <question> <n>` after each save returns,
//! until it is killed. Never part of the app.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use firstline_vault::{Compartment, DeviceSecret, KdfParams, Vault, VaultError, VaultOptions};

const OFFICER: &str = "crash-test";
const PIN: &str = "123456";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vault-crash-helper: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), VaultError> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or_else(|| {
        VaultError::DeviceSecret("usage: vault-crash-helper <vault> <first n>".into())
    })?;
    let first: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let options = VaultOptions {
        kdf: KdfParams::FOR_TESTS,
        max_failed_pins: 10,
        min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
        clock: Arc::new(|| 1_800_000_000),
    };
    let mut vault = Vault::open(path.as_ref(), DeviceSecret::provided(&[9u8; 32]), options)?;
    if vault.officers()?.is_empty() {
        vault.set_up_officer(OFFICER, PIN)?;
    }
    vault.unlock(OFFICER, PIN)?;
    let assessment = match vault.drafts()?.into_iter().next() {
        Some(draft) => draft.assessment_id,
        None => vault.create_assessment("crash", "1", "hash")?,
    };
    let stdout = std::io::stdout();
    for n in first.. {
        let question = format!("q{}", n % 40);
        let compartment = if n % 5 == 0 {
            Compartment::Safeguarding
        } else {
            Compartment::Main
        };
        vault.save_answer(
            &assessment,
            &question,
            compartment,
            format!("n={n}").as_bytes(),
        )?;
        let mut out = stdout.lock();
        let _ = writeln!(out, "ack {} {question} {n}", assessment.0);
        let _ = out.flush();
    }
    Ok(())
}
