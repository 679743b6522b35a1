//! Key rotation end to end (issue 12): the force is set up by `firstline-admin init-force`, a
//! device runs the real sync client against a real gateway process, and `firstline-admin
//! rotate-keys` signs a set with a new records key and the safeguarding unit's new key. The
//! device takes it at its next sync and seals what it finalises after it to the new key ids;
//! `firstline-admin open` still opens what was sealed before with the retired keys, and names
//! the key it lacks when one is not given.
#![allow(clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Command;

use firstline_protocol::Envelope;
use firstline_sync::{PassReport, SyncConfig};
use firstline_trust::KeyPurpose;
use support::{EnrolledDevice, Gateway};

/// Runs `firstline-admin` with `args`: whether it succeeded, its stdout and stderr.
fn admin(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(support::admin_binary())
        .args(args)
        .output()
        .expect("firstline-admin runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn admin_ok(args: &[&str]) -> String {
    let (ok, stdout, stderr) = admin(args);
    assert!(ok, "firstline-admin {args:?} failed: {stderr}");
    stdout
}

fn text(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Syncs until the gateway holds `expected` submissions.
async fn sync_until_stored(device: &EnrolledDevice, gateway: &Gateway, expected: usize) {
    for _ in 0..5 {
        let report = device.client.sync_once().await.expect("pass");
        assert!(matches!(report, PassReport::Drained { .. }), "{report:?}");
        if gateway.stored().await.len() == expected {
            return;
        }
    }
    panic!("the gateway did not receive {expected} submissions");
}

/// The force's key set as the gateway stores it.
async fn stored_key_set(gateway: &Gateway) -> firstline_trust::KeySet {
    let signed = firstline_backend::storage::stored_key_set(&*gateway.storage)
        .await
        .expect("read")
        .expect("set up");
    firstline_trust::verify_key_set(&signed, firstline_trust::Anchor::FirstSeen)
        .expect("verifies")
        .key_set
}

/// The records public key a set names.
fn records_in(set: &firstline_trust::KeySet) -> Vec<u8> {
    set.keys
        .iter()
        .find(|key| key.purpose == KeyPurpose::Records)
        .expect("a records key")
        .public
        .0
        .clone()
}

/// The public half of the records key in `path`.
fn records_public(path: &Path) -> Vec<u8> {
    let seed = firstline_trust::read_key_file(path).expect("key file");
    firstline_seal::RecordsKey::from_bytes(&seed)
        .expect("a records key")
        .public_bytes()
}

/// The (records, safeguarding) key ids of every stored submission, by submission id.
async fn stored_key_ids(gateway: &Gateway) -> Vec<(String, String, String)> {
    gateway
        .storage
        .submissions_after(0, 100)
        .await
        .expect("submissions")
        .into_iter()
        .map(|stored| {
            let envelope: Envelope = serde_json::from_str(&stored.envelope).expect("envelope");
            (
                stored.submission_id,
                envelope.records_key_id.expect("format 2"),
                envelope.safeguarding_key_id.expect("format 2"),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_keys_reach_devices_at_their_next_sync_and_old_envelopes_still_open() {
    let gateway_dir = tempfile::tempdir().expect("temp dir");
    let offline = tempfile::tempdir().expect("temp dir");
    let database = gateway_dir.path().join("gateway.sqlite");
    let keys = gateway_dir.path().join("keys");
    let root = offline.path().join("root.key");
    let unit = offline.path().join("safeguarding-unit");
    let (first_pair, second_pair) = (unit.join("2026"), unit.join("2027"));
    admin_ok(&["safeguarding-keygen", "--out", text(&first_pair)]);
    admin_ok(&[
        "init-force",
        "--database",
        text(&database),
        "--name",
        "Test Constabulary",
        "--keys",
        text(&keys),
        "--root-key",
        text(&root),
        "--safeguarding-public",
        text(&first_pair.join("safeguarding.pub")),
        "--commands-key",
        text(&offline.path().join("commands.key")),
    ]);
    let gateway = Gateway::start_on_force_made_by_admin(gateway_dir, &keys).await;
    // The code from the admin CLI names the root init-force made.
    let code = admin_ok(&["enrolment-code", "--database", text(&database)]);
    let vault_dir = tempfile::tempdir().expect("temp dir");
    let vault_path = vault_dir.path().join("vault.sqlite");
    let client = support::client(&vault_path, SyncConfig::default());
    let enrolled = client
        .enrol(
            support::permit(&vault_path),
            &gateway.url(),
            code.lines().next().expect("the typed code"),
            "tablet",
        )
        .await
        .expect("enrolled");
    let device = EnrolledDevice {
        dir: vault_dir,
        vault_path,
        client,
        device: enrolled,
    };
    let sealed_before = support::finalise_in_background(&device.vault_path, 2).await;
    sync_until_stored(&device, &gateway, 2).await;
    let old_ids = stored_key_ids(&gateway).await;
    assert_eq!(old_ids.len(), 2);

    // Nothing named to rotate, a root that did not sign the set, the unit's current key again:
    // refused, and the stored set is unchanged.
    let database_arg = text(&database);
    let (ok, _, stderr) = admin(&[
        "rotate-keys",
        "--database",
        database_arg,
        "--keys",
        text(&keys),
        "--root-key",
        text(&root),
    ]);
    assert!(!ok && stderr.contains("name what to rotate"), "{stderr}");
    let (ok, _, stderr) = admin(&[
        "rotate-keys",
        "--database",
        database_arg,
        "--keys",
        text(&keys),
        "--root-key",
        text(&offline.path().join("commands.key")),
        "--records",
    ]);
    assert!(
        !ok && stderr.contains("is not the root key that signed"),
        "{stderr}"
    );
    let (ok, _, stderr) = admin(&[
        "rotate-keys",
        "--database",
        database_arg,
        "--keys",
        text(&keys),
        "--root-key",
        text(&root),
        "--safeguarding-public",
        text(&first_pair.join("safeguarding.pub")),
    ]);
    assert!(
        !ok && stderr.contains("is the current safeguarding key"),
        "{stderr}"
    );
    assert!(
        !keys.join("retired").exists(),
        "a refused rotation retired a key"
    );

    let set_before = stored_key_set(&gateway).await;

    // The unit makes its new pair on its own machine; force IT rotates both.
    admin_ok(&["safeguarding-keygen", "--out", text(&second_pair)]);
    let rotated = admin_ok(&[
        "rotate-keys",
        "--database",
        database_arg,
        "--keys",
        text(&keys),
        "--root-key",
        text(&root),
        "--records",
        "--safeguarding-public",
        text(&second_pair.join("safeguarding.pub")),
    ]);
    assert!(rotated.contains("key set 2 signed"), "{rotated}");
    // Every other key, the name and the format are as they were; the serial is one up.
    let set_after = stored_key_set(&gateway).await;
    assert_eq!(set_after.serial, set_before.serial + 1);
    assert_eq!(
        (&set_after.force_name, set_after.format),
        (&set_before.force_name, set_before.format)
    );
    let others = |set: &firstline_trust::KeySet| -> Vec<firstline_trust::ForceKey> {
        set.keys
            .iter()
            .filter(|key| !matches!(key.purpose, KeyPurpose::Records | KeyPurpose::Safeguarding))
            .cloned()
            .collect()
    };
    assert_eq!(others(&set_after), others(&set_before));
    assert_eq!(
        others(&set_after).len(),
        3,
        "pack signing, receipts, commands"
    );
    let retired: Vec<_> = std::fs::read_dir(keys.join("retired"))
        .expect("retired keys")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(
        retired,
        vec![keys
            .join("retired")
            .join(format!("records-{}.key", old_ids[0].1))],
        "the old records key is kept under its key id"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&retired[0])
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the retired key is readable by its owner only"
        );
    }

    // The device takes the new set at its next sync; what it finalises after is sealed to the
    // new key ids.
    sync_until_stored(&device, &gateway, 2).await;
    let sealed_after = support::finalise_in_background(&device.vault_path, 2).await;
    sync_until_stored(&device, &gateway, 4).await;
    let all_ids = stored_key_ids(&gateway).await;
    assert_eq!(all_ids.len(), 4);
    for (submission_id, records_id, safeguarding_id) in &all_ids {
        let (old_records, old_safeguarding) = (&old_ids[0].1, &old_ids[0].2);
        if sealed_before.contains_key(submission_id) {
            assert_eq!(
                (records_id, safeguarding_id),
                (old_records, old_safeguarding)
            );
        } else {
            assert!(sealed_after.contains_key(submission_id));
            assert_ne!(
                records_id, old_records,
                "a new record sealed to the old key"
            );
            assert_ne!(safeguarding_id, old_safeguarding);
        }
    }

    // Opened with the current and retired keys: all four, migrant sections included.
    let current_records = keys.join("records.key");
    let opened = admin_ok(&[
        "open",
        "--database",
        database_arg,
        "--records-key",
        text(&current_records),
        "--records-key",
        text(&retired[0]),
        "--safeguarding-key",
        text(&second_pair.join("safeguarding.key")),
        "--safeguarding-key",
        text(&first_pair.join("safeguarding.key")),
    ]);
    let lines: Vec<serde_json::Value> = opened
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 4, "{opened}");
    for line in &lines {
        assert_eq!(
            line["migrant_section"]["answers"]["status_threats"], "yes",
            "{line}"
        );
    }

    // Without the retired records key, the first old submission is named with the key it needs.
    let (ok, _, stderr) = admin(&[
        "open",
        "--database",
        database_arg,
        "--records-key",
        text(&current_records),
    ]);
    assert!(!ok, "an old submission opened without its key");
    assert!(
        stderr.contains(&format!("sealed to the records key {}", old_ids[0].1)),
        "{stderr}"
    );

    // A rotation that stored its set and stopped before putting the new key in place (as if
    // killed there): records.key still holds the old key, the new one waits beside it. The
    // next run finishes that, and does nothing else.
    let staged = keys.join("records.key.new");
    std::fs::rename(&current_records, &staged).expect("stage");
    std::fs::copy(&retired[0], &current_records).expect("old key back");
    let rotate_records = [
        "rotate-keys",
        "--database",
        database_arg,
        "--keys",
        text(&keys),
        "--root-key",
        text(&root),
        "--records",
    ];
    let finished = admin_ok(&rotate_records);
    assert!(
        finished.contains("finished an earlier rotation"),
        "{finished}"
    );
    assert!(!staged.exists());
    assert_eq!(stored_key_set(&gateway).await.serial, 2);
    assert_eq!(
        records_public(&current_records),
        records_in(&stored_key_set(&gateway).await),
        "records.key is not the key the set names"
    );

    // A rotation that stopped before its set was stored left a key no set names: it sealed
    // nothing, and the next run drops it and rotates.
    std::fs::copy(&retired[0], &staged).expect("a leftover");
    let again = admin_ok(&rotate_records);
    assert!(again.contains("key set 3 signed"), "{again}");
    assert!(!staged.exists());
    assert_eq!(
        records_public(&current_records),
        records_in(&stored_key_set(&gateway).await)
    );
    assert_eq!(
        std::fs::read_dir(keys.join("retired"))
            .expect("retired")
            .count(),
        2
    );
}
