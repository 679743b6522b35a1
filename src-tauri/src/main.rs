//! The `firstline` binary: reads its command line, then starts the app.

// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

const HELP: &str = "\
firstline — safeguarding-first domestic abuse risk assessment

Usage: firstline [--pack PATH] [--idle-lock-seconds N] [--enrol GATEWAY_URL CODE]
                 [--policy FILE] [--training]
       firstline --verify-vault FILE

Options:
  --pack PATH              Development builds only (the `development` feature; builds
                           without it refuse it): use the signed form pack at PATH
                           instead of the default pack. It must be
                           signed by a key the app trusts; otherwise the app says why and uses
                           nothing.
  --idle-lock-seconds N    Lock after N idle seconds in place of the default (300). The
                           device's policy still wins where it is stricter: the shortest of
                           this, the machine policy and the force's policy applies.
  --enrol GATEWAY_URL CODE Enrol this device with the force gateway at GATEWAY_URL using a
                           one-time CODE from `firstline-admin enrolment-code` when an officer
                           first unlocks, unless it is enrolled already (the same checks as the
                           enrolment screen). Finalised assessments then sync on their own.
  --training               Open straight into scenario mode, for trainers (the trainer's PIN
                           opens it; its store is apart from officers' records and never
                           syncs). The device's policy may forbid scenario mode.
  --policy FILE            Development builds only: read the machine policy from FILE
                           instead of /etc/firstline/policy.toml (C:\\ProgramData\\Firstline\\
                           policy.toml on Windows); builds without the `development`
                           feature refuse it.
  --verify-vault FILE      Check the audit chain's links of a vault file (read-only, needs no
                           PIN; keyed entries' MACs are checked by the app's diagnostics)
                           and exit: 0 if it verifies, 1 if not.
  --help                   This text.

Data (the encrypted vault and the device secret) lives in the app's data folder,
$XDG_DATA_HOME/uk.firstline.app on Linux. On a managed device, force IT's machine policy
(/etc/firstline/policy.toml; C:\\ProgramData\\Firstline\\policy.toml on Windows) sets the idle
lock, PIN rules and more, and may enrol the device at the first officer unlock; Settings shows
each setting and where it came from (docs/deploy.md).
";

fn main() -> ExitCode {
    let mut options = firstline_app::Options::default();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--help" | "-h") => {
                print!("{HELP}");
                return ExitCode::SUCCESS;
            }
            Some("--verify-vault") => {
                let Some(path) = args.next() else {
                    return usage("--verify-vault needs a vault file");
                };
                return match firstline_vault::verify_vault_file(path.as_ref()) {
                    Ok(summary) => {
                        println!(
                            "audit chain links hold: {} entries; {} keyed entries need this device's secret to check their MACs (the app's diagnostics do)",
                            summary.entries, summary.keyed_unchecked
                        );
                        ExitCode::SUCCESS
                    }
                    Err(error) => {
                        eprintln!("firstline: {error}");
                        ExitCode::FAILURE
                    }
                };
            }
            Some("--pack") => match args.next() {
                Some(path) => options.pack = Some(path.into()),
                None => return usage("--pack needs a path"),
            },
            Some("--policy") => match args.next() {
                Some(_) if !firstline_app::POLICY_OPTION_ALLOWED => {
                    return usage(&format!(
                        "--policy is for development builds: this build reads the machine policy from {} only",
                        firstline_workspace::machine_policy_path().display()
                    ))
                }
                Some(path) => options.policy = Some(path.into()),
                None => return usage("--policy needs a file"),
            },
            Some("--enrol") => match (args.next(), args.next()) {
                (Some(url), Some(code)) => match (url.into_string(), code.into_string()) {
                    (Ok(url), Ok(code)) => options.enrol = Some((url, code)),
                    _ => return usage("--enrol needs a gateway URL and a code in plain text"),
                },
                _ => return usage("--enrol needs a gateway URL and a one-time code"),
            },
            Some("--training") => options.training = true,
            Some("--idle-lock-seconds") => match args.next().and_then(|n| n.to_str()?.parse().ok())
            {
                Some(seconds) => options.idle_lock = Some(std::time::Duration::from_secs(seconds)),
                None => return usage("--idle-lock-seconds needs a whole number of seconds"),
            },
            _ => return usage(&format!("unknown argument {arg:?}")),
        }
    }
    firstline_app::run(options);
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("firstline: {problem}\n\n{HELP}");
    ExitCode::from(2)
}
