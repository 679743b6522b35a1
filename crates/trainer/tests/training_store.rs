//! Scenario mode's store (issue 13, items 4 and 5): isolation enforced in code and a trainer's
//! whole session through the store's real entry points.
//! - The sync engine refuses a training store at its way in (`Outbox::open`, which
//!   `SyncClient::new` needs), an officer's vault refuses to open one, and a training store
//!   refuses an officer's vault file; it never enrols.
//! - Nothing in this crate can reach the network: its dependencies hold no HTTP client and
//!   not the sync client.
//! - The trainer's PIN (the policy's length) opens it; classes, runs, debriefs, reports and the
//!   cohort CSV; a trainee reset or removed; nothing readable of it in the file, and nothing of
//!   it in the officer's vault beside it.
#![allow(clippy::expect_used)]

use std::sync::Arc;

use firstline_form::AnswerValue;
use firstline_trainer::{built_in_scenarios, TrainingError, TrainingStore};
use firstline_training::{Asked, Outcome};
use firstline_vault::{DeviceSecret, KdfParams, Vault, VaultError, VaultOptions};

const TRAINING_SECRET: [u8; 32] = [7; 32];
const OFFICER_SECRET: [u8; 32] = [8; 32];
const CANARY: &str = "Trainee CANARY-7d1";

fn options(min_pin_digits: usize) -> VaultOptions {
    VaultOptions {
        kdf: KdfParams::FOR_TESTS,
        min_pin_digits,
        ..VaultOptions::default()
    }
}

fn store(path: &std::path::Path) -> TrainingStore {
    let pack = Arc::new(firstline_form::default_pack().expect("pack"));
    let scenarios = built_in_scenarios(&pack).expect("scenarios");
    TrainingStore::open_with(
        path,
        DeviceSecret::provided(&TRAINING_SECRET),
        options(8),
        pack,
        scenarios,
    )
    .expect("training store")
}

#[test]
fn the_sync_engine_and_the_officers_vault_refuse_a_training_store_and_it_refuses_theirs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let training = dir.path().join("training.sqlite");
    drop(store(&training));
    // The sync engine's way in: no outbox, so no SyncClient, over a training store.
    let refused =
        firstline_vault::Outbox::open(&training, DeviceSecret::provided(&TRAINING_SECRET))
            .err()
            .expect("refused");
    assert!(matches!(refused, VaultError::TrainingStore), "{refused}");
    let refused = Vault::open(
        &training,
        DeviceSecret::provided(&TRAINING_SECRET),
        options(6),
    )
    .err()
    .expect("refused");
    assert!(matches!(refused, VaultError::TrainingStore), "{refused}");

    // An officer's vault is never taken for a training store, nor its outbox refused.
    let live = dir.path().join("vault.sqlite");
    let mut vault =
        Vault::open(&live, DeviceSecret::provided(&OFFICER_SECRET), options(6)).expect("vault");
    vault.set_up_officer("PC 1", "246810").expect("officer");
    drop(vault);
    let pack = Arc::new(firstline_form::default_pack().expect("pack"));
    let refused = TrainingStore::open_with(
        &live,
        DeviceSecret::provided(&OFFICER_SECRET),
        options(8),
        pack,
        Vec::new(),
    )
    .err()
    .expect("refused");
    assert!(
        matches!(refused, TrainingError::Vault(VaultError::NotTrainingStore)),
        "{refused}"
    );
    firstline_vault::Outbox::open(&live, DeviceSecret::provided(&OFFICER_SECRET))
        .expect("an officer's outbox opens");

    // Even unlocked, a training store gives no permit to enrol and finalises nothing.
    let mut raw = Vault::open_training(
        &training,
        DeviceSecret::provided(&TRAINING_SECRET),
        options(8),
    )
    .expect("training vault");
    raw.set_up_officer("trainer", "24681357").expect("trainer");
    raw.unlock("trainer", "24681357").expect("unlocked");
    assert!(matches!(
        raw.enrolment_permit(),
        Err(VaultError::TrainingStore)
    ));
}

#[test]
fn nothing_in_scenario_mode_can_reach_the_network() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(output.status.success());
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let nodes = metadata["resolve"]["nodes"].as_array().expect("nodes");
    let name_of = |id: &str| -> String {
        metadata["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|package| package["id"] == id)
            .and_then(|package| package["name"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    let start = nodes
        .iter()
        .find(|node| name_of(node["id"].as_str().unwrap_or_default()) == "firstline-trainer")
        .expect("this crate");
    // Every package it builds with (not its tests), transitively.
    let mut seen = std::collections::BTreeSet::new();
    let mut pending = vec![start["id"].as_str().expect("id").to_string()];
    while let Some(id) = pending.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let node = nodes
            .iter()
            .find(|node| node["id"] == id.as_str())
            .expect("node");
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|kind| kind["kind"].is_null());
            if normal {
                pending.push(dep["pkg"].as_str().expect("pkg").to_string());
            }
        }
    }
    let names: Vec<String> = seen.iter().map(|id| name_of(id)).collect();
    for network in ["firstline-sync", "reqwest", "hyper", "hyper-util", "rustls"] {
        assert!(
            !names.iter().any(|name| name == network),
            "scenario mode builds with {network}"
        );
    }
    assert!(
        names.iter().any(|name| name == "firstline-vault"),
        "{names:?}"
    );
}

#[test]
fn a_trainer_runs_a_class_and_keeps_debriefs_reports_and_a_cohort_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("training.sqlite");
    let mut store = store(&path);
    let status = store.status().expect("status");
    assert!(!status.trainer_set_up && !status.unlocked);
    // The policy's trainer PIN rule: 8 digits here.
    assert!(matches!(
        store.set_up_trainer("246810"),
        Err(TrainingError::Vault(VaultError::BadPin { min: 8, .. }))
    ));
    store.set_up_trainer("24681357").expect("trainer");
    assert_eq!(store.scenarios().expect("scenarios").len(), 6);
    assert!(matches!(
        store.new_class("migrant-deportation-threat", vec!["".into()]),
        Err(TrainingError::BadTraineeName)
    ));
    let class = store
        .new_class(
            "migrant-deportation-threat",
            vec![CANARY.into(), "PC Early".into()],
        )
        .expect("class");

    // The first trainee: the safeguarding steps first.
    store.start_run(&class, CANARY).expect("started");
    assert!(matches!(
        store.start_run(&class, "PC Early"),
        Err(TrainingError::NotNow(_))
    ));
    for (question, value) in [
        ("parties_separated", "yes"),
        ("suspect_location_known", "yes"),
        ("immediate_safety_confirmed", "yes"),
        ("medical_need", "none"),
        ("children_present", "no"),
        ("other_vulnerable_checked", "none_present"),
        ("spoken_alone", "yes"),
        ("interpreter_needed", "yes"),
        ("interpreter_used", "professional"),
        ("safety_advice_given", "yes"),
        ("deportation_threats", "yes"),
    ] {
        assert!(matches!(
            store.ask(question).expect("asked"),
            Asked::Reply { .. }
        ));
        store
            .answer(
                firstline_form::Language::En,
                question,
                AnswerValue::Choice(value.into()),
            )
            .unwrap_or_else(|error| panic!("{question}: {error}"));
    }
    let good = store.finish().expect("finished");

    // The second: immigration before privacy, refused by the gate.
    store.start_run(&class, "PC Early").expect("started");
    assert_eq!(
        store.ask("documents_withheld").expect("asked"),
        Asked::Refused {
            gate: "safeguarding".into()
        }
    );
    assert!(matches!(
        store.answer(
            firstline_form::Language::En,
            "documents_withheld",
            AnswerValue::Choice("yes".into())
        ),
        Err(TrainingError::Answer(
            firstline_form::AnswerError::Gated { .. }
        ))
    ));
    let early = store.finish().expect("finished");
    let first_outcome = |run: &str| {
        store
            .run_record(run)
            .expect("run")
            .debrief
            .categories
            .iter()
            .find(|category| category.id == "safeguarding_first")
            .expect("category")
            .outcome
    };
    assert_eq!(first_outcome(&good), Outcome::Met);
    assert_eq!(first_outcome(&early), Outcome::NotMet);
    let classes = store.classes().expect("classes");
    assert_eq!(classes.len(), 1);
    assert_eq!(classes[0].trainees[0].runs.len(), 1);

    let documents = dir.path().join("Documents");
    let report = store.write_run_report(&early, &documents).expect("report");
    let html = std::fs::read_to_string(&report).expect("read");
    assert!(html.contains("documents_withheld") && html.contains("Not met"));
    let csv_path = store.write_cohort_csv(&class, &documents).expect("csv");
    let csv = std::fs::read_to_string(&csv_path).expect("read");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains(CANARY) && csv.contains("PC Early"));

    // Locked: nothing opens without the trainer's PIN; and the file holds nothing readable.
    store.lock();
    assert!(matches!(
        store.classes(),
        Err(TrainingError::Vault(VaultError::Locked))
    ));
    drop(store);
    let bytes = std::fs::read(&path).expect("read the file");
    for secret in [CANARY, "deportation", "documents_withheld"] {
        assert!(
            !bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes()),
            "{secret} is readable in the training store"
        );
    }

    // Reset the first trainee, remove the second, delete the class.
    let mut store = self::store(&path);
    store.unlock("24681357").expect("unlocked");
    store.clear_trainee(&class, CANARY, false).expect("reset");
    store
        .clear_trainee(&class, "PC Early", true)
        .expect("removed");
    let classes = store.classes().expect("classes");
    assert_eq!(classes[0].trainees.len(), 1);
    assert!(classes[0].trainees[0].runs.is_empty());
    assert!(store.run_record(&early).is_err());
    store.delete_class(&class).expect("deleted");
    assert!(store.classes().expect("classes").is_empty());
}

#[test]
fn scenario_mode_locks_itself_when_idle_and_follows_the_policys_pin_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = store(&dir.path().join("training.sqlite"));
    store.set_up_trainer("24681357").expect("trainer");
    let rules = firstline_trainer::TrainerRules {
        min_pin_digits: 8,
        max_failed_pins: 10,
        idle_limit: std::time::Duration::from_secs(120),
    };
    let start = std::time::Instant::now();
    store.before_command_at(rules, start);
    let class = store
        .new_class("male-victim", vec!["PC Idle".into()])
        .expect("class");
    store.start_run(&class, "PC Idle").expect("run");
    // Within the limit: still open, the run going.
    store.before_command_at(rules, start + std::time::Duration::from_secs(100));
    assert!(store.status().expect("status").running.is_some());
    // Idle past it: locked, the run dropped.
    store.before_command_at(rules, start + std::time::Duration::from_secs(260));
    let status = store.status().expect("status");
    assert!(!status.unlocked && status.running.is_none());
    assert!(matches!(
        store.classes(),
        Err(TrainingError::Vault(VaultError::Locked))
    ));

    // The policy now asks for ten digits: the trainer's eight-digit PIN unlocks into a PIN
    // change, and nothing else is open until it is changed.
    let stricter = firstline_trainer::TrainerRules {
        min_pin_digits: 10,
        ..rules
    };
    store.before_command(stricter);
    store.unlock("24681357").expect("unlocks");
    assert!(matches!(
        store.classes(),
        Err(TrainingError::Vault(VaultError::PinChangeRequired {
            min: 10
        }))
    ));
    assert!(matches!(
        store.change_pin("24681357", "13572468"),
        Err(TrainingError::Vault(VaultError::BadPin { min: 10, .. }))
    ));
    store.change_pin("24681357", "1357246802").expect("changed");
    assert_eq!(store.classes().expect("open again").len(), 1);

    // Wrong PINs count by the policy's limit.
    store.lock();
    store.before_command(firstline_trainer::TrainerRules {
        max_failed_pins: 2,
        ..stricter
    });
    assert!(store.unlock("0000000000").is_err());
    assert!(matches!(
        store.unlock("0000000000"),
        Err(TrainingError::Vault(VaultError::Wiped))
    ));
}

#[test]
fn a_forces_own_scenarios_load_only_when_signed_with_a_key_it_trusts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("scenarios");
    std::fs::create_dir_all(&folder).expect("folder");
    let pack = firstline_form::default_pack().expect("pack");
    let force_key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let trusted = [firstline_form::TrustedKey {
        key_id: "force-pack-signing".into(),
        key: force_key.verifying_key(),
    }];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let unsigned = std::fs::read_to_string(root.join("male-victim.json"))
        .expect("read")
        .replace("\"male-victim\"", "\"force-male-victim\"");
    let signed = firstline_training::sign_scenario(
        unsigned.as_bytes(),
        "force-pack-signing",
        &force_key,
        &pack,
    )
    .expect("signed");
    std::fs::write(folder.join("a-force.json"), &signed).expect("write");
    // The shipped file (signed with the demo key, which this force's devices do not trust).
    std::fs::copy(
        root.join("child-not-seen.signed.json"),
        folder.join("b-demo.json"),
    )
    .expect("copy");
    std::fs::write(
        folder.join("c-changed.json"),
        String::from_utf8(signed)
            .expect("utf-8")
            .replace("Daniel", "Dan"),
    )
    .expect("write");
    std::fs::write(folder.join("d-unsigned.json"), &unsigned).expect("write");

    let (scenarios, problems) = firstline_trainer::scenarios_in(&folder, &trusted, &pack);
    let ids: Vec<&str> = scenarios
        .iter()
        .map(|scenario| scenario.id.as_str())
        .collect();
    assert_eq!(ids, ["force-male-victim"]);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].starts_with("b-demo.json: ") && problems[0].contains("unknown key"));
    assert!(problems[1].starts_with("c-changed.json: ") && problems[1].contains("changed"));
    assert!(problems[2].starts_with("d-unsigned.json: ") && problems[2].contains("not signed"));
    // No folder: no scenarios, nothing wrong.
    let (none, problems) =
        firstline_trainer::scenarios_in(&dir.path().join("missing"), &trusted, &pack);
    assert!(none.is_empty() && problems.is_empty());
}
