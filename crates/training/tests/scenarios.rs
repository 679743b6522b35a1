//! The shipped scenarios (issue 13, item 2) load against the built-in form pack, name the
//! DOMAIN.md facts they rest on, and are signed as form packs are; the schema of the format is
//! the one generated from the types; and the scripted victim answers by what was recorded.
#![allow(clippy::expect_used)]

mod support;

use std::sync::Arc;

use ed25519_dalek::SigningKey;
use firstline_form::{AnswerValue, TrustedKey};
use firstline_training::{sign_scenario, verify_scenario, Asked, Run, ScenarioError};
use sha2::Digest;

const DEMO_KEY_ID: &str = "firstline-demo-force-2026";

fn demo_key() -> SigningKey {
    SigningKey::from_bytes(
        &sha2::Sha256::digest(b"firstline demo force pack-signing key: never for a real force")
            .into(),
    )
}

#[test]
fn six_scenarios_ship_each_resting_on_domain_facts() {
    let files = support::scenario_files();
    let ids: Vec<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "child-not-seen",
            "male-victim",
            "migrant-deportation-threat",
            "not-safe-to-talk",
            "strangulation-minimised",
            "suspect-offers-to-interpret"
        ]
    );
    let domain = std::fs::read_to_string(support::root().join("../shared/DOMAIN.md")).ok();
    for (id, _) in &files {
        let scenario = support::scenario(id);
        assert_eq!(&scenario.id, id, "the file is named by its id");
        for fact in &scenario.rests_on {
            assert!(fact.starts_with("DOMAIN.md, "), "{id}: {fact}");
            // The section it names exists, where DOMAIN.md is beside the repository.
            if let Some(domain) = &domain {
                let section = fact
                    .trim_start_matches("DOMAIN.md, ")
                    .split([':', ','])
                    .next()
                    .expect("a section");
                let heading = section.split(" (").next().unwrap_or(section);
                assert!(
                    domain.contains(heading.trim()),
                    "{id}: DOMAIN.md has no section {heading:?}"
                );
            }
        }
    }
}

#[test]
fn scenarios_are_signed_like_form_packs_and_refused_when_changed_or_unknown() {
    let pack = support::pack();
    let path = support::root().join("scenarios/migrant-deportation-threat.json");
    let bytes = std::fs::read(&path).expect("read");
    let key = demo_key();
    let signed = sign_scenario(&bytes, DEMO_KEY_ID, &key, &pack).expect("signed");
    let trusted = [TrustedKey {
        key_id: DEMO_KEY_ID.into(),
        key: key.verifying_key(),
    }];
    let scenario = verify_scenario(&signed, &trusted, &pack).expect("verifies");
    assert_eq!(scenario.id, "migrant-deportation-threat");

    let tampered = String::from_utf8(signed.clone())
        .expect("utf-8")
        .replace("Amina", "Anna");
    assert_eq!(
        verify_scenario(tampered.as_bytes(), &trusted, &pack),
        Err(ScenarioError::Tampered {
            scenario: "migrant-deportation-threat".into()
        })
    );
    assert_eq!(
        verify_scenario(&bytes, &trusted, &pack),
        Err(ScenarioError::Unsigned)
    );
    let other = [TrustedKey {
        key_id: "someone-else".into(),
        key: key.verifying_key(),
    }];
    assert!(matches!(
        verify_scenario(&signed, &other, &pack),
        Err(ScenarioError::UnknownKey { .. })
    ));
}

#[test]
fn the_built_in_signed_scenarios_are_the_shipped_ones_signed_with_the_demo_key() {
    let pack = support::pack();
    for (id, path) in support::scenario_files() {
        let signed = sign_scenario(
            &std::fs::read(&path).expect("read"),
            DEMO_KEY_ID,
            &demo_key(),
            &pack,
        )
        .expect("signed");
        let signed_path = path.with_file_name(format!("{id}.signed.json"));
        if std::env::var_os("FIRSTLINE_BLESS").is_some() {
            std::fs::write(&signed_path, &signed).expect("bless");
        }
        // Ed25519 signs the same bytes the same way: the committed file is exactly this.
        assert!(
            std::fs::read(&signed_path).ok().as_deref() == Some(signed.as_slice()),
            "{} is not {id}.json signed with the demo key: run with FIRSTLINE_BLESS=1",
            signed_path.display()
        );
        let keys = firstline_form::built_in_keys();
        assert_eq!(
            verify_scenario(&signed, &keys, &pack).expect("verifies").id,
            id
        );
    }
}

#[test]
fn the_committed_schema_is_the_one_the_types_generate() {
    let path = support::root().join("scenarios/scenario-pack.schema.json");
    let generated =
        serde_json::to_string_pretty(&firstline_training::scenario_schema()).expect("json") + "\n";
    if std::env::var_os("FIRSTLINE_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: run with FIRSTLINE_BLESS=1",
        path.display()
    );
}

#[test]
fn the_victim_holds_back_while_a_relative_or_the_suspect_interprets() {
    let scenario = support::scenario("migrant-deportation-threat");
    let mut run = Run::start(Arc::new(scenario), support::pack(), Box::new(|| 0)).expect("run");
    // Before anything: the victim cannot be asked about deportation (the gate refuses).
    assert_eq!(
        run.ask("deportation_threats").expect("asked"),
        Asked::Refused {
            gate: "safeguarding".into()
        }
    );
    for (question, value) in [
        ("parties_separated", "yes"),
        ("suspect_location_known", "yes"),
        ("immediate_safety_confirmed", "yes"),
        ("medical_need", "none"),
        ("children_present", "no"),
        ("other_vulnerable_checked", "none_present"),
        ("spoken_alone", "yes"),
        ("interpreter_needed", "yes"),
        ("interpreter_used", "relative"),
    ] {
        run.record(question, AnswerValue::Choice(value.into()))
            .unwrap_or_else(|error| panic!("{question}: {error}"));
    }
    // An inject an answer fires reaches the trainee once, at the next look.
    let told: Vec<String> = run.due_injects().into_iter().map(|(id, _)| id).collect();
    assert_eq!(told, ["husband-offers"]);
    assert!(run.due_injects().is_empty());
    // A relative interprets: the privacy gate stays shut, so the risk questions are refused.
    assert!(matches!(
        run.ask("control_frequency").expect("asked"),
        Asked::Refused { .. }
    ));
    run.record(
        "interpreter_used",
        AnswerValue::Choice("professional".into()),
    )
    .expect("recorded");
    match run.ask("control_frequency").expect("asked") {
        Asked::Reply { says, reliable } => {
            assert!(reliable);
            assert!(says.contains("decides everything"), "{says}");
        }
        refused => panic!("{refused:?}"),
    }
}
