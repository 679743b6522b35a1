//! `firstline-admin` through its real binary, on a real gateway database: force keys made once
//! and kept (0600), enrolment codes that enrol, devices listed, revoked and ordered to wipe,
//! packs signed with the force's key and refused when signed by another, the directory, and
//! sealed submissions opened for the records system — the migrant section only with its key.
#![cfg(unix)]
#![allow(clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use firstline_backend::storage::{self, NewDevice, NewSubmission, Redeemed};
use firstline_protocol::PackRef;

fn admin(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_firstline-admin"))
        .args(args)
        .output()
        .expect("firstline-admin runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (success, stdout, stderr) = admin(args);
    assert!(success, "firstline-admin {args:?} failed: {stderr}");
    stdout
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let setup = Setup {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        // The safeguarding unit makes its key pair on its own machine and hands over the public
        // half; the root key is kept apart from the gateway's keys.
        ok(&["safeguarding-keygen", "--out", &setup.safeguarding_dir()]);
        setup.init_force();
        setup
    }
    fn init_force_args(&self) -> Vec<String> {
        [
            "init-force",
            "--database",
            &self.database(),
            "--name",
            "Test Constabulary",
            "--keys",
            &self.keys(),
            "--root-key",
            &self.root_key(),
            "--safeguarding-public",
            &format!("{}/safeguarding.pub", self.safeguarding_dir()),
            "--commands-key",
            &self.commands_key(),
        ]
        .map(String::from)
        .to_vec()
    }
    fn init_force(&self) -> String {
        let args = self.init_force_args();
        ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }
    fn database(&self) -> String {
        self.dir.path().join("gateway.sqlite").display().to_string()
    }
    fn keys(&self) -> String {
        self.dir.path().join("keys").display().to_string()
    }
    fn commands_key(&self) -> String {
        self.dir
            .path()
            .join("it/commands.key")
            .display()
            .to_string()
    }
    fn root_key(&self) -> String {
        self.dir
            .path()
            .join("offline/root.key")
            .display()
            .to_string()
    }
    fn safeguarding_dir(&self) -> String {
        self.dir.path().join("safeguarding").display().to_string()
    }
    fn key(&self, name: &str) -> String {
        Path::new(&self.keys()).join(name).display().to_string()
    }
}

#[tokio::test]
async fn force_keys_are_made_once_private_and_kept() {
    let setup = Setup::new();
    for path in [
        setup.key("records.key"),
        setup.key("pack-signing.key"),
        setup.key("receipt-signing.key"),
        setup.root_key(),
        format!("{}/safeguarding.key", setup.safeguarding_dir()),
    ] {
        let mode = std::fs::metadata(&path)
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "{path} must be readable by its owner only"
        );
    }
    assert!(
        !Path::new(&setup.key("safeguarding.key")).exists(),
        "the safeguarding private key is not made beside the gateway's keys"
    );
    let storage = storage::open(&setup.database()).await.expect("db");
    let first = storage.force().await.expect("read").expect("set up");
    let first_set = storage.key_set().await.expect("read").expect("a key set");
    setup.init_force();
    let again = storage.force().await.expect("read").expect("set up");
    assert_eq!(first, again, "a second run keeps the keys");
    let again_set: firstline_protocol::SignedKeySet =
        serde_json::from_str(&storage.key_set().await.expect("read").expect("a key set"))
            .expect("json");
    let first_set: firstline_protocol::SignedKeySet =
        serde_json::from_str(&first_set).expect("json");
    let root_public = first_set.root_public_key.0.clone();
    let verified = firstline_trust::verify_key_set(
        &again_set,
        firstline_trust::Anchor::Root {
            public: &root_public,
            serial: 1,
        },
    )
    .expect("re-signed by the same root");
    assert_eq!(verified.key_set.serial, 2, "a re-run signs the next serial");

    // The root key beside the gateway's keys is refused.
    let mut beside = setup.init_force_args();
    let root_at = beside
        .iter()
        .position(|arg| arg == "--root-key")
        .expect("arg")
        + 1;
    beside[root_at] = setup.key("root.key");
    let (success, _, stderr) = admin(&beside.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!success && stderr.contains("apart"), "{stderr}");

    std::fs::remove_file(setup.key("pack-signing.key")).expect("removed");
    let (success, _, stderr) = admin(
        &setup
            .init_force_args()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(!success);
    assert!(stderr.contains("refusing"), "{stderr}");

    let (success, _, stderr) = admin(&["safeguarding-keygen", "--out", &setup.safeguarding_dir()]);
    assert!(
        !success && stderr.contains("refusing"),
        "a safeguarding key is never replaced: {stderr}"
    );
}

#[tokio::test]
async fn codes_enrol_once_and_devices_can_be_revoked_and_wiped() {
    let setup = Setup::new();
    let printed = ok(&["enrolment-code", "--database", &setup.database()]);
    let mut lines = printed.lines();
    let (typed, link) = (
        lines.next().expect("the typed code").to_string(),
        lines.next().expect("the QR link").to_string(),
    );
    assert_eq!(typed.len(), 39, "eight groups of four: {typed}");
    let storage = storage::open(&setup.database()).await.expect("db");
    let signed: firstline_protocol::SignedKeySet =
        serde_json::from_str(&storage.key_set().await.expect("read").expect("a key set"))
            .expect("json");
    let fingerprint = firstline_trust::fingerprint(&signed.root_public_key.0);
    let parsed = firstline_trust::EnrolmentCode::parse(&typed).expect("a code");
    assert_eq!(
        parsed.fingerprint,
        fingerprint[..10].to_vec(),
        "80 bits typed"
    );
    let scanned = firstline_trust::EnrolmentCode::parse(&link).expect("a link");
    assert_eq!(
        scanned.fingerprint,
        fingerprint.to_vec(),
        "the whole fingerprint in the QR link"
    );
    assert_eq!(scanned.secret, parsed.secret);
    let code = parsed.secret;
    let device = NewDevice {
        device_id: "dev_1".into(),
        name: "tablet".into(),
        public_key: vec![1; 32],
        token_hash: firstline_backend::token_hash("t"),
    };
    let now = firstline_backend::unix_now();
    let hash = firstline_backend::enrolment_code_hash(&code.to_lowercase());
    assert_eq!(
        storage
            .redeem_enrolment_code(&hash, &device, now)
            .await
            .expect("redeem"),
        Redeemed::Enrolled
    );
    assert_eq!(
        storage
            .redeem_enrolment_code(&hash, &device, now)
            .await
            .expect("redeem"),
        Redeemed::AlreadyUsed
    );

    let listed = ok(&["devices", "--database", &setup.database()]);
    let row: serde_json::Value =
        serde_json::from_str(listed.lines().next().expect("a device")).expect("json");
    assert_eq!(row["device_id"], "dev_1");
    assert!(row["revoked_at"].is_null());

    ok(&[
        "wipe",
        "--database",
        &setup.database(),
        "--commands-key",
        &setup.commands_key(),
        "dev_1",
    ]);
    assert_eq!(
        storage
            .pending_commands("dev_1")
            .await
            .expect("commands")
            .len(),
        1
    );
    let listed = ok(&["devices", "--database", &setup.database()]);
    let row: serde_json::Value =
        serde_json::from_str(listed.lines().next().expect("a device")).expect("json");
    assert!(row["revoked_at"].is_i64(), "ordering a wipe revokes: {row}");
    ok(&["revoke", "--database", &setup.database(), "dev_1"]);
    let (success, _, stderr) = admin(&["revoke", "--database", &setup.database(), "dev_nope"]);
    assert!(
        !success && stderr.contains("no device dev_nope"),
        "{stderr}"
    );
}

#[tokio::test]
async fn scenarios_are_signed_with_the_force_key_after_a_check_against_their_form_pack() {
    let setup = Setup::new();
    setup.init_force();
    let scenarios = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let signed = setup.dir.path().join("scenario.signed.json");
    let printed = ok(&[
        "sign-scenario",
        "--keys",
        &setup.keys(),
        "--scenario",
        &format!("{scenarios}/male-victim.json"),
        "--out",
        &signed.display().to_string(),
    ]);
    assert!(printed.contains("signed"), "{printed}");
    let force_key =
        firstline_trust::read_signing_key(&setup.dir.path().join("keys/pack-signing.key"))
            .expect("the force's pack key");
    let trusted = [firstline_form::TrustedKey {
        key_id: firstline_protocol::FORCE_PACK_KEY_ID.into(),
        key: force_key.verifying_key(),
    }];
    let pack = firstline_form::default_pack().expect("pack");
    let scenario = firstline_training::verify_scenario(
        &std::fs::read(&signed).expect("read"),
        &trusted,
        &pack,
    )
    .expect("verifies under the force's key");
    assert_eq!(scenario.id, "male-victim");

    // A scenario that does not fit its form pack is not signed, and says why.
    let broken = setup.dir.path().join("broken.json");
    std::fs::write(
        &broken,
        std::fs::read_to_string(format!("{scenarios}/male-victim.json"))
            .expect("read")
            .replace("\"counter_allegation\"", "\"immigration_status\""),
    )
    .expect("write");
    let (success, _, stderr) = admin(&[
        "sign-scenario",
        "--keys",
        &setup.keys(),
        "--scenario",
        &broken.display().to_string(),
        "--out",
        &setup.dir.path().join("no.json").display().to_string(),
    ]);
    assert!(!success);
    assert!(stderr.contains("immigration_status"), "{stderr}");
}

#[tokio::test]
async fn packs_are_signed_with_the_force_key_and_others_refused() {
    let setup = Setup::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../forms");
    let signed = setup
        .dir
        .path()
        .join("force.signed.json")
        .display()
        .to_string();
    ok(&[
        "sign-pack",
        "--keys",
        &setup.keys(),
        "--pack",
        &format!("{root}/default.json"),
        "--out",
        &signed,
    ]);
    let published = ok(&[
        "publish-pack",
        "--database",
        &setup.database(),
        "--pack",
        &signed,
    ]);
    assert!(published.contains("published"));
    let storage = storage::open(&setup.database()).await.expect("db");
    assert!(storage.current_pack().await.expect("read").is_some());

    // The demo pack is signed with the demo key, not this force's: refused, clearly.
    let (success, _, stderr) = admin(&[
        "publish-pack",
        "--database",
        &setup.database(),
        "--pack",
        &format!("{root}/default.signed.json"),
    ]);
    assert!(!success);
    assert!(stderr.contains("default.signed.json"), "{stderr}");
}

#[tokio::test]
async fn policy_is_set_for_devices_and_nonsense_refused() {
    let setup = Setup::new();
    let db = setup.database();
    ok(&[
        "set-policy",
        "--database",
        &db,
        "--idle-lock-seconds",
        "120",
        "--max-failed-pins",
        "5",
    ]);
    let policy = storage::open(&db)
        .await
        .expect("db")
        .policy()
        .await
        .expect("read")
        .expect("set");
    assert_eq!((policy.idle_lock_seconds, policy.max_failed_pins), (120, 5));
    let (success, _, stderr) = admin(&["set-policy", "--database", &db, "--max-failed-pins", "0"]);
    assert!(!success && stderr.contains("max-failed-pins"), "{stderr}");
    let (success, _, stderr) =
        admin(&["set-policy", "--database", &db, "--idle-lock-seconds", "0"]);
    assert!(!success && stderr.contains("idle-lock-seconds"), "{stderr}");
}

#[tokio::test]
async fn set_policy_changes_only_the_settings_it_is_given() {
    let setup = Setup::new();
    let db = setup.database();
    let stored = || async {
        storage::open(&db)
            .await
            .expect("db")
            .policy()
            .await
            .expect("read")
            .expect("set")
    };
    ok(&[
        "set-policy",
        "--database",
        &db,
        "--idle-lock-seconds",
        "120",
        "--forbid-file-secret",
    ]);
    ok(&["set-policy", "--database", &db, "--max-failed-pins", "4"]);
    let policy = stored().await;
    assert_eq!(
        policy.idle_lock_seconds, 120,
        "an unnamed setting was reset"
    );
    assert!(!policy.allow_file_secret, "an unnamed setting was reset");
    assert_eq!(policy.max_failed_pins, 4);
    assert!(policy.keep_readable_copy_until_receipt);

    ok(&[
        "set-policy",
        "--database",
        &db,
        "--destroy-readable-copy-at-sealing",
    ]);
    ok(&[
        "set-policy",
        "--database",
        &db,
        "--forbid-file-secret",
        "false",
    ]);
    let policy = stored().await;
    assert!(!policy.keep_readable_copy_until_receipt);
    assert!(policy.allow_file_secret);
    assert_eq!((policy.idle_lock_seconds, policy.max_failed_pins), (120, 4));

    // Nothing given changes nothing, and prints the policy as it stands.
    let printed = ok(&["set-policy", "--database", &db]);
    let printed: serde_json::Value = serde_json::from_str(printed.trim()).expect("JSON");
    assert_eq!(printed["idle_lock_seconds"], 120);
    assert_eq!(stored().await, policy);
}

#[tokio::test]
async fn the_directory_is_edited_with_tombstones() {
    let setup = Setup::new();
    let db = setup.database();
    ok(&[
        "put-service",
        "--database",
        &db,
        "--id",
        "refuge-1",
        "--name",
        "Refuge",
        "--contact",
        "0808 2000 247",
    ]);
    ok(&["remove-service", "--database", &db, "refuge-1"]);
    let page = storage::open(&db)
        .await
        .expect("db")
        .directory_after(0, 10)
        .await
        .expect("page");
    assert_eq!(page.tombstones, ["refuge-1"]);
    assert!(!admin(&["remove-service", "--database", &db, "refuge-1"]).0);
}

/// A submission sealed to the force's keys as from device `dev_1`, signed with `key`.
fn sealed_as_dev_1(
    key: &firstline_seal::DeviceKey,
    recipients: &firstline_seal::ForceRecipients,
    submission_id: &str,
    main: &[u8],
    migrant: Option<&[u8]>,
) -> firstline_protocol::Envelope {
    firstline_seal::seal(
        firstline_seal::EnvelopeHeader {
            submission_id: submission_id.into(),
            supersedes: None,
            device_id: "dev_1".into(),
            pack: PackRef {
                id: "default".into(),
                version: "1".into(),
                hash: "h".into(),
            },
            sealed_at: 1,
        },
        main,
        migrant,
        recipients,
        key,
    )
    .expect("sealed")
}

/// Stores `envelope` under device `dev_1`, as the gateway does on receipt.
async fn store_as_dev_1(storage: &dyn storage::Storage, envelope: &firstline_protocol::Envelope) {
    storage
        .store_submission(&NewSubmission {
            submission_id: envelope.submission_id.clone(),
            device_id: "dev_1".into(),
            content_hash: envelope.content_hash(),
            supersedes: None,
            envelope: serde_json::to_string(envelope).expect("json"),
            received_at: 2,
        })
        .await
        .expect("stored");
}

#[tokio::test]
async fn submissions_open_for_the_records_system_and_the_migrant_section_only_with_its_key() {
    let setup = Setup::new();
    let storage = storage::open(&setup.database()).await.expect("db");
    let force = storage.force().await.expect("read").expect("set up");
    let recipients = firstline_seal::ForceRecipients::from_bytes(
        &force.records_public_key,
        &force.safeguarding_public_key,
    )
    .expect("recipients");
    let device = firstline_seal::DeviceKey::generate();
    let envelope = sealed_as_dev_1(
        &device,
        &recipients,
        "sub-1",
        br#"{"answers":{"injuries":{"type":"choice","value":"no"}}}"#,
        Some(br#"{"answers":{"documents_withheld":{"type":"choice","value":"yes"}}}"#),
    );
    let code_hash = firstline_backend::enrolment_code_hash("ABCDEFGHJKLMNPQR");
    storage
        .add_enrolment_code(&code_hash, i64::MAX)
        .await
        .expect("code");
    storage
        .redeem_enrolment_code(
            &code_hash,
            &NewDevice {
                device_id: "dev_1".into(),
                name: "tablet 7".into(),
                public_key: device.public_bytes(),
                token_hash: firstline_backend::token_hash("t"),
            },
            1,
        )
        .await
        .expect("enrolled");
    store_as_dev_1(&*storage, &envelope).await;

    let db = setup.database();
    let records = setup.key("records.key");
    let opened = ok(&["open", "--database", &db, "--records-key", &records]);
    let opened: serde_json::Value = serde_json::from_str(opened.trim()).expect("json line");
    assert_eq!(opened["record"]["answers"]["injuries"]["value"], "no");
    assert_eq!(
        (&opened["device_name"], &opened["device_signature"]),
        (
            &serde_json::json!("tablet 7"),
            &serde_json::json!("verified")
        )
    );
    assert!(
        opened.get("has_migrant_section").is_none() && opened.get("migrant_section").is_none(),
        "without the safeguarding key, nothing says whether there is a section"
    );

    let safeguarding = format!("{}/safeguarding.key", setup.safeguarding_dir());
    let full = ok(&[
        "open",
        "--database",
        &db,
        "--records-key",
        &records,
        "--safeguarding-key",
        &safeguarding,
    ]);
    let full: serde_json::Value = serde_json::from_str(full.trim()).expect("json line");
    assert_eq!(
        full["migrant_section"]["answers"]["documents_withheld"]["value"],
        "yes"
    );

    // The safeguarding key given as the records key opens nothing, and the refusal names the
    // key the submission was sealed to.
    let (success, stdout, stderr) =
        admin(&["open", "--database", &db, "--records-key", &safeguarding]);
    assert!(!success && stdout.is_empty());
    let sealed_to = firstline_protocol::key_id(&force.records_public_key);
    assert!(
        stderr.contains(&format!("sealed to the records key {sealed_to}"))
            && stderr.contains("which no --records-key given is"),
        "{stderr}"
    );

    // Attack (item 8): a row put into the database under an enrolled device's id but sealed
    // and signed by another key is not opened as that device's.
    let forger = firstline_seal::DeviceKey::generate();
    let forged = sealed_as_dev_1(
        &forger,
        &recipients,
        "sub-forged",
        br#"{"answers":{}}"#,
        None,
    );
    store_as_dev_1(&*storage, &forged).await;
    let (success, _, stderr) = admin(&[
        "open",
        "--database",
        &db,
        "--records-key",
        &records,
        "--after",
        "1",
    ]);
    assert!(
        !success && stderr.contains("sub-forged") && stderr.contains("does not verify"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_fleet_batch_writes_labelled_codes_and_qr_codes_that_enrol_once_and_can_be_withdrawn() {
    let setup = Setup::new();
    let db = setup.database();
    let out = setup.dir.path().join("batch");
    let printed = ok(&[
        "enrolment-codes",
        "--database",
        &db,
        "--count",
        "3",
        "--label-prefix",
        "tablet-",
        "--gateway-url",
        "https://gateway.test.example:8643",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(printed.starts_with("3 codes: "), "{printed}");
    assert_eq!(
        std::fs::metadata(&out)
            .expect("folder")
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    let csv = std::fs::read_to_string(out.join("codes.csv")).expect("csv");
    let rows: Vec<Vec<&str>> = csv.lines().map(|line| line.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "label",
            "code_id",
            "typed_code",
            "enrolment_uri",
            "expires_at"
        ]
    );
    assert_eq!(rows.len(), 4);
    let storage = storage::open(&db).await.expect("db");
    let signed: firstline_protocol::SignedKeySet =
        serde_json::from_str(&storage.key_set().await.expect("read").expect("a key set"))
            .expect("json");
    let fingerprint = firstline_trust::fingerprint(&signed.root_public_key.0);
    let hex: String = fingerprint
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(ok(&["root-fingerprint", "--database", &db]).trim(), hex);
    assert!(printed.contains(&hex), "{printed}");
    for (index, row) in rows[1..].iter().enumerate() {
        let label = format!("tablet-{:03}", index + 1);
        assert_eq!(row[0], label);
        let uri = firstline_trust::EnrolmentUri::parse(row[3]).expect("an enrolment URI");
        assert_eq!(uri.gateway_url, "https://gateway.test.example:8643");
        assert_eq!(uri.code.fingerprint, fingerprint.to_vec());
        let typed = firstline_trust::EnrolmentCode::parse(row[2]).expect("a typed code");
        assert_eq!(typed.secret, uri.code.secret);
        let svg_path = out.join(format!("{label}.svg"));
        let svg = std::fs::read_to_string(&svg_path).expect("svg");
        assert!(
            svg.contains("<svg") && svg.contains("</svg>"),
            "{svg_path:?}"
        );
        assert_eq!(
            std::fs::metadata(&svg_path)
                .expect("svg")
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    assert_eq!(
        std::fs::metadata(out.join("codes.csv"))
            .expect("csv")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );

    let listed = |db: &str| -> Vec<serde_json::Value> {
        ok(&["codes", "--database", db])
            .lines()
            .map(|line| serde_json::from_str(line).expect("JSON line"))
            .collect()
    };
    let codes = listed(&db);
    assert_eq!(codes.len(), 3);
    assert!(codes.iter().all(|code| code["state"] == "unused"));
    assert!(
        !ok(&["codes", "--database", &db]).contains(rows[1][2]),
        "the list shows a code"
    );

    // The first enrols a device, which takes its label; the second is withdrawn and enrols
    // nothing; a used code cannot be withdrawn.
    let redeem = |id: &str| NewDevice {
        device_id: id.into(),
        name: format!("host-{id}"),
        public_key: vec![1; 32],
        token_hash: firstline_backend::token_hash(id),
    };
    let now = firstline_backend::unix_now();
    let first = firstline_trust::EnrolmentCode::parse(rows[1][2]).expect("code");
    assert_eq!(
        storage
            .redeem_enrolment_code(
                &firstline_backend::enrolment_code_hash(&first.secret),
                &redeem("dev_a"),
                now
            )
            .await
            .expect("redeem"),
        Redeemed::Enrolled
    );
    ok(&["withdraw-code", "--database", &db, rows[2][1]]);
    let second = firstline_trust::EnrolmentCode::parse(rows[2][2]).expect("code");
    assert_eq!(
        storage
            .redeem_enrolment_code(
                &firstline_backend::enrolment_code_hash(&second.secret),
                &redeem("dev_b"),
                now
            )
            .await
            .expect("redeem"),
        Redeemed::UnknownOrExpired,
        "a withdrawn code enrolled a device"
    );
    let (success, _, stderr) = admin(&["withdraw-code", "--database", &db, rows[1][1]]);
    assert!(!success && stderr.contains("revoke or wipe"), "{stderr}");
    let (success, _, stderr) = admin(&["withdraw-code", "--database", &db, "0123456789ab"]);
    assert!(!success && stderr.contains("no code"), "{stderr}");

    ok(&[
        "label-code",
        "--database",
        &db,
        rows[1][1],
        "response-car-7",
    ]);
    let (success, _, stderr) = admin(&["label-code", "--database", &db, rows[3][1], "../etc"]);
    assert!(!success && stderr.contains("not a label"), "{stderr}");
    let states: Vec<(String, String)> = listed(&db)
        .iter()
        .map(|code| {
            (
                code["label"].as_str().unwrap_or_default().to_string(),
                code["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        states.contains(&("response-car-7".into(), "used".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("tablet-002".into(), "withdrawn".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("tablet-003".into(), "unused".into())),
        "{states:?}"
    );
    let device: serde_json::Value = serde_json::from_str(
        ok(&["devices", "--database", &db])
            .lines()
            .next()
            .expect("a device"),
    )
    .expect("json");
    assert_eq!(device["label"], "response-car-7");
    assert_eq!(device["state"], "active");

    // A second batch into the same folder is refused before any code is stored.
    let (success, _, stderr) = admin(&[
        "enrolment-codes",
        "--database",
        &db,
        "--count",
        "2",
        "--gateway-url",
        "https://gateway.test.example:8643",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(!success && stderr.contains("not empty"), "{stderr}");
    assert_eq!(listed(&db).len(), 3);
}

#[test]
fn check_policy_lists_what_a_policy_fixes_and_refuses_a_bad_one_saying_where() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("policy.toml");
    std::fs::write(
        &good,
        "idle_lock_seconds = 120\nallow_file_secret = false\nallow_training = false\n\n[enrolment]\ngateway_url = \"https://gateway.force.example\"\nroot_fingerprint = \"0000000000000000000000000000000000000000000000000000000000000000\"\ncode_file = \"/etc/firstline/enrolment-code\"\n",
    )
    .expect("written");
    let printed = ok(&["check-policy", &good.display().to_string()]);
    assert!(printed.contains("is a valid machine policy"), "{printed}");
    assert!(printed.contains("idle_lock_seconds = 120"), "{printed}");
    assert!(printed.contains("allow_file_secret = false"), "{printed}");
    assert!(
        printed.contains("https://gateway.force.example"),
        "{printed}"
    );
    assert!(
        !printed.contains("max_failed_pins"),
        "a setting it leaves alone: {printed}"
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "idle_lock_seconds = 120\nmax_failed_pin = 3\n").expect("written");
    let (success, _, stderr) = admin(&["check-policy", &bad.display().to_string()]);
    assert!(!success);
    assert!(
        stderr.contains("bad.toml") && stderr.contains("max_failed_pin"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_backup_taken_while_the_database_is_in_use_restores_the_same_submissions() {
    let setup = Setup::new();
    let db = setup.database();
    let storage = storage::open(&db).await.expect("db");
    let device = NewDevice {
        device_id: "dev_b".into(),
        name: "tablet".into(),
        public_key: vec![1; 32],
        token_hash: firstline_backend::token_hash("b"),
    };
    storage
        .add_enrolment_code(&firstline_backend::enrolment_code_hash("CODE"), i64::MAX)
        .await
        .expect("code");
    storage
        .redeem_enrolment_code(&firstline_backend::enrolment_code_hash("CODE"), &device, 1)
        .await
        .expect("enrolled");
    let submit = |id: &'static str| NewSubmission {
        submission_id: id.into(),
        device_id: "dev_b".into(),
        content_hash: format!("hash-{id}"),
        supersedes: None,
        envelope: format!("{{\"sealed\":\"{id}\"}}"),
        received_at: 10,
    };
    for id in [
        "00000000-0000-4000-8000-0000000000b1",
        "00000000-0000-4000-8000-0000000000b2",
    ] {
        storage.store_submission(&submit(id)).await.expect("stored");
    }
    let before = storage.submissions_after(0, 100).await.expect("read");

    // Taken with the database open (the storage above holds a connection).
    let backup = setup.dir.path().join("gateway-backup.sqlite");
    let printed = ok(&[
        "backup",
        "--database",
        &db,
        "--out",
        &backup.display().to_string(),
    ]);
    assert!(printed.contains("checked"), "{printed}");
    assert_eq!(
        std::fs::metadata(&backup)
            .expect("backup")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let (success, _, stderr) = admin(&[
        "backup",
        "--database",
        &db,
        "--out",
        &backup.display().to_string(),
    ]);
    assert!(!success && stderr.contains("exists already"), "{stderr}");

    // Something arrives after the backup; the restore brings the database back to it.
    storage
        .store_submission(&submit("00000000-0000-4000-8000-0000000000b3"))
        .await
        .expect("stored");
    drop(storage);
    ok(&[
        "restore",
        "--database",
        &db,
        "--from",
        &backup.display().to_string(),
    ]);
    let after = storage::open(&db)
        .await
        .expect("db")
        .submissions_after(0, 100)
        .await
        .expect("read");
    let ids = |rows: &[storage::StoredSubmission]| -> Vec<(String, String, String)> {
        rows.iter()
            .map(|row| {
                (
                    row.submission_id.clone(),
                    row.content_hash.clone(),
                    row.envelope.clone(),
                )
            })
            .collect()
    };
    assert_eq!(ids(&after), ids(&before));

    // Not a gateway database, or a damaged one: refused, the database untouched.
    let other = setup.dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .expect("other")
        .execute_batch("CREATE TABLE notes (text TEXT);")
        .expect("made");
    let (success, _, stderr) = admin(&[
        "restore",
        "--database",
        &db,
        "--from",
        &other.display().to_string(),
    ]);
    assert!(
        !success && stderr.contains("not a Firstline gateway database"),
        "{stderr}"
    );
    let tampered = setup.dir.path().join("tampered.sqlite");
    std::fs::copy(&backup, &tampered).expect("copied");
    rusqlite::Connection::open(&tampered)
        .expect("tampered")
        .execute_batch(
            "CREATE TRIGGER sneaky AFTER INSERT ON submissions BEGIN DELETE FROM submissions; END;",
        )
        .expect("a trigger added");
    let (success, _, stderr) = admin(&[
        "restore",
        "--database",
        &db,
        "--from",
        &tampered.display().to_string(),
    ]);
    assert!(!success && stderr.contains("triggers or views"), "{stderr}");
    let missing = setup.dir.path().join("mistyped.sqlite");
    let (success, _, _) = admin(&[
        "restore",
        "--database",
        &missing.display().to_string(),
        "--from",
        &backup.display().to_string(),
    ]);
    assert!(
        !success && !missing.exists(),
        "a restore made a new database at a mistyped path"
    );
    let (success, _, stderr) = admin(&[
        "backup",
        "--database",
        "postgres://firstline@127.0.0.1/x",
        "--out",
        "x",
    ]);
    assert!(!success && stderr.contains("pg_dump"), "{stderr}");
    assert_eq!(
        storage::open(&db)
            .await
            .expect("db")
            .submissions_after(0, 100)
            .await
            .expect("read")
            .len(),
        2
    );
}
