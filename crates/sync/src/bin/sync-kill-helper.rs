//! Test helper for the kill test (tests/kill.rs): the app's sync engine without its window.
//! Opens the outbox of the vault at the given path with the device secret file beside it and
//! runs sync passes until the outbox is drained, then exits 0. The test SIGKILLs it mid-drain
//! and starts it again. Never part of the app.

use std::process::ExitCode;
use std::time::Duration;

use firstline_sync::{PassReport, SyncClient, SyncConfig};
use firstline_vault::{DeviceSecret, Outbox};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(vault), Some(secret)) = (args.next(), args.next()) else {
        eprintln!("usage: sync-kill-helper <vault> <device-secret-file>");
        return ExitCode::from(2);
    };
    let client = DeviceSecret::from_file(secret.as_ref())
        .and_then(|secret| Outbox::open(vault.as_ref(), secret))
        .map_err(|error| error.to_string())
        .and_then(|outbox| {
            SyncClient::new(
                outbox,
                SyncConfig {
                    backoff_base: Duration::from_millis(5),
                    backoff_max: Duration::from_millis(50),
                    ..SyncConfig::default()
                },
            )
            .map_err(|error| error.to_string())
        });
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            eprintln!("sync-kill-helper: {error}");
            return ExitCode::FAILURE;
        }
    };
    loop {
        match client.sync_once().await {
            Ok(PassReport::Drained { .. }) => {
                if client
                    .status()
                    .await
                    .map(|status| status.pending == 0)
                    .unwrap_or(false)
                {
                    return ExitCode::SUCCESS;
                }
            }
            Ok(PassReport::Offline { .. }) => tokio::time::sleep(Duration::from_millis(20)).await,
            Ok(other) => {
                eprintln!("sync-kill-helper: stopped: {other:?}");
                return ExitCode::FAILURE;
            }
            Err(error) => {
                eprintln!("sync-kill-helper: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
}
