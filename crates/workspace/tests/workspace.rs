//! The workspace's rules through its public API, on the default pack and a real vault file:
//! complete before finalise, the compartment rule, gated answers refused and audited without
//! naming the question, answers hidden again by a closed gate counted and kept until it
//! reopens, the idle lock, drafts reopened where the officer stopped.

#![allow(clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use firstline_form::{AnswerValue, Language};
use firstline_vault::{AssessmentId, Compartment};
use firstline_workspace::{Activity, PackSource, Refusal, WorkspaceError};
use support::Device;

fn yes() -> AnswerValue {
    AnswerValue::Choice("yes".into())
}

/// Answers the default pack's safeguarding steps so that its gate opens.
fn open_the_gate(workspace: &mut firstline_workspace::Workspace) {
    for (question, value) in [
        ("immediate_safety_confirmed", "yes"),
        ("medical_need", "none"),
        ("children_present", "no"),
        ("other_vulnerable_checked", "checked"),
        ("spoken_alone", "yes"),
        ("interpreter_needed", "no"),
        ("safety_advice_given", "yes"),
    ] {
        workspace
            .answer(Language::En, question, AnswerValue::Choice(value.into()))
            .expect("a safeguarding step");
    }
}

fn open_id(workspace: &mut firstline_workspace::Workspace) -> AssessmentId {
    let drafts = workspace.drafts().expect("drafts");
    drafts[0].summary.assessment_id.clone()
}

#[test]
fn finalising_is_refused_while_anything_required_is_missing() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    workspace
        .answer(Language::En, "spoken_alone", yes())
        .expect("answer");
    match workspace.finalise() {
        Err(error @ WorkspaceError::MissingRequired { .. }) => {
            assert!(matches!(error.refusal(), Refusal::MissingRequired { count } if count > 10));
        }
        other => panic!("finalise with required questions missing: {other:?}"),
    }
    assert!(device.outbox().is_empty(), "something was sealed");
    assert_eq!(
        workspace.drafts().expect("drafts").len(),
        1,
        "still a draft"
    );
}

#[test]
fn a_section_sealed_to_safeguarding_is_kept_under_the_compartment_key() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    open_the_gate(&mut workspace);
    workspace
        .answer(Language::En, "documents_withheld", yes())
        .expect("gate open");
    let id = open_id(&mut workspace);
    let stored = workspace.vault().answers(&id).expect("answers");
    let compartment_of = |question: &str| {
        stored
            .iter()
            .find(|answer| answer.question_id == question)
            .map(|answer| answer.compartment)
    };
    assert_eq!(
        compartment_of("documents_withheld"),
        Some(Compartment::Safeguarding)
    );
    assert_eq!(compartment_of("spoken_alone"), Some(Compartment::Main));
}

#[test]
fn a_gated_answer_is_refused_and_audited_without_naming_the_question() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    let refused = workspace.answer(Language::En, "deportation_threats", yes());
    assert!(matches!(refused, Err(ref error) if error.refusal() == Refusal::Gated));
    let events: Vec<String> = workspace
        .vault()
        .verify_audit()
        .expect("audit chain")
        .into_iter()
        .map(|entry| entry.event)
        .collect();
    let refusal = events
        .iter()
        .find(|event| event.starts_with("gated_answer_refused"))
        .expect("the refusal is audited");
    assert!(!refusal.contains("deportation"), "{refusal}");
    assert!(refusal.contains("question="), "{refusal}");
    let id = open_id(&mut workspace);
    assert!(workspace.vault().answers(&id).expect("answers").is_empty());
}

#[test]
fn closing_the_gate_again_looks_the_same_whether_or_not_anything_was_answered_behind_it() {
    let mut seen = Vec::new();
    for answered_behind in [true, false] {
        // A device each, so each drafts list holds just this victim's draft.
        let device = Device::enrolled();
        let mut workspace = device.workspace(PackSource::default());
        workspace.start(Language::En).expect("start");
        open_the_gate(&mut workspace);
        if answered_behind {
            for question in ["deportation_threats", "documents_withheld"] {
                workspace
                    .answer(Language::En, question, yes())
                    .expect("gate open");
            }
        }
        // The victim was not alone after all.
        let view = workspace
            .answer(
                Language::En,
                "spoken_alone",
                AnswerValue::Choice("not_yet".into()),
            )
            .expect("answer");
        assert_eq!(view.hidden_answers, 0);
        assert!(view.gates.iter().all(|gate| !gate.open));
        let mut screen = serde_json::to_string(&view).expect("json");
        let summary = workspace.summary(Language::En).expect("summary");
        assert_eq!(
            summary.closed_gates,
            ["Questions for the victim", "Further questions"]
        );
        screen += &serde_json::to_string(&summary).expect("json");
        assert!(!screen.contains("deportation") && !screen.contains("documents_withheld"));
        // The drafts list too: it counts only what is shown.
        let drafts = workspace.drafts().expect("drafts");
        assert_eq!(drafts.len(), 1);
        screen += &format!(" answered={}", drafts[0].answered);
        seen.push(screen);
        // Reopened, the earlier answers are there again.
        let view = workspace
            .answer(Language::En, "spoken_alone", yes())
            .expect("answer");
        assert_eq!(
            view.questions
                .iter()
                .any(|question| question.id == "deportation_threats" && question.answer.is_some()),
            answered_behind
        );
    }
    assert_eq!(seen[0], seen[1], "the screens tell the two victims apart");
}

#[test]
fn answers_an_ordinary_condition_hides_are_counted() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    workspace
        .answer(Language::En, "children_present", yes())
        .expect("answer");
    workspace
        .answer(Language::En, "children_count", AnswerValue::Number(2.0))
        .expect("answer");
    workspace
        .answer(
            Language::En,
            "children_seen",
            AnswerValue::Choice("seen".into()),
        )
        .expect("answer");
    let view = workspace
        .answer(
            Language::En,
            "children_present",
            AnswerValue::Choice("no".into()),
        )
        .expect("answer");
    assert_eq!(view.hidden_answers, 2);
    assert_eq!(
        workspace
            .summary(Language::En)
            .expect("summary")
            .hidden_answers,
        2
    );
}

#[test]
fn the_idle_lock_locks_before_the_next_command_and_reading_does_not_hold_it_off() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    let start = Instant::now();
    workspace.before_command_at(Activity::Officer, start);
    workspace.before_command_at(Activity::Passive, start + Duration::from_secs(200));
    workspace.before_command_at(Activity::Passive, start + Duration::from_secs(299));
    assert!(workspace.unlocked_officer().is_some());
    workspace.before_command_at(Activity::Passive, start + Duration::from_secs(301));
    assert!(
        workspace.unlocked_officer().is_none(),
        "refreshes held the lock off"
    );
    assert!(matches!(
        workspace.view(Language::En),
        Err(WorkspaceError::Locked)
    ));
}

#[test]
fn a_draft_reopens_where_the_officer_stopped_with_its_answers() {
    let device = Device::enrolled();
    let id = {
        let mut workspace = device.workspace(PackSource::default());
        workspace.start(Language::En).expect("start");
        open_the_gate(&mut workspace);
        workspace
            .answer(Language::En, "deportation_threats", yes())
            .expect("gate open");
        open_id(&mut workspace)
    };
    let mut workspace = device.workspace(PackSource::default());
    let resumed = workspace.resume(Language::En, id).expect("resume");
    let stopped = resumed
        .view
        .questions
        .iter()
        .position(|question| question.id == "deportation_threats")
        .expect("the gated question is shown again: its gate is open");
    assert_eq!(resumed.resume_at, stopped + 1);
    assert!(resumed.view.questions[stopped].answer.is_some());
}

/// Answers every required question the summary lists, with `given` where it names one and
/// otherwise a plain answer of its kind, until nothing required is missing.
fn answer_the_rest(workspace: &mut firstline_workspace::Workspace, given: &[(&str, AnswerValue)]) {
    for _ in 0..200 {
        let summary = workspace.summary(Language::En).expect("summary");
        let Some(next) = summary.missing.first().map(|row| row.question_id.clone()) else {
            return;
        };
        let value = match given.iter().find(|(id, _)| *id == next) {
            Some((_, value)) => value.clone(),
            None => {
                let view = workspace.view(Language::En).expect("view");
                let question = view
                    .questions
                    .iter()
                    .find(|question| question.id == next)
                    .expect("shown");
                match question.kind {
                    firstline_form::KindName::MultipleChoice => {
                        AnswerValue::Choices(vec![question.choices[0].value.clone()])
                    }
                    firstline_form::KindName::ShortText | firstline_form::KindName::LongText => {
                        AnswerValue::Text("Words.".into())
                    }
                    firstline_form::KindName::Number => AnswerValue::Number(1.0),
                    firstline_form::KindName::DateTime => {
                        AnswerValue::DateTime("2026-11-25T21:40".into())
                    }
                    firstline_form::KindName::RiskGrade => AnswerValue::Grade {
                        // At the guidance, so no confirmations are needed.
                        grade: view
                            .guidance
                            .confirm_below
                            .unwrap_or(firstline_form::Grade::Medium),
                        rationale: "Graded on what is known: the risk questions wait.".into(),
                        weighed: vec![],
                    },
                    // "No" where it is a choice, so no risk factor is present unless given.
                    _ => AnswerValue::Choice(
                        question
                            .choices
                            .iter()
                            .find(|choice| choice.value == "no")
                            .unwrap_or(&question.choices[0])
                            .value
                            .clone(),
                    ),
                }
            }
        };
        workspace
            .answer(Language::En, &next, value)
            .unwrap_or_else(|error| panic!("{next}: {error:?}"));
    }
    panic!("required questions kept coming");
}

#[test]
fn not_safe_to_talk_defers_the_risk_questions_and_the_record_says_so_until_an_amendment() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    answer_the_rest(
        &mut workspace,
        &[("spoken_alone", AnswerValue::Choice("not_yet".into()))],
    );
    // Not alone yet, and not deferred: everything else answered, still refused.
    match workspace.finalise() {
        Err(error @ WorkspaceError::StepsNotDone { gates: 1 }) => {
            assert_eq!(error.refusal(), Refusal::StepsNotDone);
        }
        other => panic!("finalised before privacy: {other:?}"),
    }
    assert!(device.outbox().is_empty());

    workspace
        .answer(
            Language::En,
            "spoken_alone",
            AnswerValue::Choice("not_safe_now".into()),
        )
        .expect("answer");
    answer_the_rest(
        &mut workspace,
        &[(
            "not_safe_reason",
            AnswerValue::Text("Her brother-in-law came back. Safe call at 6pm.".into()),
        )],
    );
    let summary = workspace.summary(Language::En).expect("summary");
    assert!(summary.blocking_gates.is_empty());
    assert_eq!(summary.deferred.len(), 1);
    let finalised = workspace.finalise().expect("a deferred record finalises");

    let outbox = device.outbox();
    assert_eq!(outbox.len(), 1);
    let opened = device.open(&outbox[0].0, true);
    assert_eq!(opened.record["format"], 3);
    assert_eq!(opened.record["deferred"], serde_json::json!(["privacy"]));
    assert_eq!(opened.record["graded_below_guidance"], false);
    let answers = opened.record["answers"].as_object().expect("answers");
    assert!(
        answers.contains_key("risk_grade"),
        "the grade is given on what is known"
    );
    assert!(answers.contains_key("not_safe_reason"));
    for behind in ["strangulation", "victim_fear", "first_account"] {
        assert!(
            !answers.contains_key(behind),
            "{behind} sealed while deferred"
        );
    }

    // Later, safe to talk: the amendment opens the risk questions; its record defers nothing.
    let id = AssessmentId(finalised.submission_id().to_string());
    workspace.amend(Language::En, id).expect("amend");
    workspace
        .answer(Language::En, "spoken_alone", yes())
        .expect("answer");
    let missing = workspace.summary(Language::En).expect("summary").missing;
    assert!(missing.iter().any(|row| row.question_id == "strangulation"));
    answer_the_rest(&mut workspace, &[]);
    workspace.finalise().expect("the amendment finalises");
    let outbox = device.outbox();
    let amendment = outbox
        .iter()
        .find(|(envelope, _)| envelope.supersedes.as_deref() == Some(finalised.submission_id()))
        .expect("the amendment is in the outbox");
    let opened = device.open(&amendment.0, true);
    assert_eq!(opened.record["deferred"], serde_json::json!([]));
    assert!(opened.record["answers"]
        .as_object()
        .expect("answers")
        .contains_key("strangulation"));
}

#[test]
fn a_grade_below_the_guidance_is_finalised_only_weighed_and_the_record_says_so() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    let weighed = AnswerValue::Grade {
        grade: firstline_form::Grade::Medium,
        rationale: "Strangulation was once, a year ago, before he moved abroad; no contact since, and he is on bail not to come to the address.".into(),
        weighed: vec!["f_strangulation".into()],
    };
    answer_the_rest(
        &mut workspace,
        &[
            ("spoken_alone", yes()),
            ("interpreter_needed", AnswerValue::Choice("no".into())),
            ("strangulation", yes()),
            ("risk_grade", weighed),
        ],
    );
    workspace.finalise().expect("finalised");
    let outbox = device.outbox();
    let opened = device.open(&outbox[0].0, false);
    assert_eq!(opened.record["graded_below_guidance"], true);
    assert_eq!(
        opened.record["answers"]["risk_grade"]["value"]["weighed"],
        serde_json::json!(["f_strangulation"])
    );
}

#[test]
fn words_being_typed_survive_a_lock_and_a_relaunch_and_the_officer_returns_to_them() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    // Behind the closed privacy gate: refused and audited as an answer would be, nothing kept.
    let refused = workspace.save_pending("first_account", "typed too soon");
    assert!(matches!(refused, Err(ref error) if error.refusal() == Refusal::Gated));
    let id = open_id(&mut workspace);
    assert!(workspace.vault().pending(&id).expect("pending").is_empty());
    assert!(workspace
        .vault()
        .verify_audit()
        .expect("audit chain")
        .iter()
        .any(|entry| entry.event.starts_with("gated_answer_refused gate=privacy")));
    for (question, value) in [("spoken_alone", "yes"), ("interpreter_needed", "no")] {
        workspace
            .answer(Language::En, question, AnswerValue::Choice(value.into()))
            .expect("privacy");
    }
    workspace.set_screen("first_account").expect("on screen");
    workspace
        .save_pending("first_account", "He said he would take the children")
        .expect("kept");
    // A choice question takes no typing.
    assert!(workspace.save_pending("spoken_alone", "x").is_err());

    // Hide (a lock), then unlock: back on the same screen with the words.
    workspace.lock();
    workspace.unlock("PC 1", "246810").expect("unlock");
    let resumed = workspace
        .resume_last(Language::En)
        .expect("resume")
        .expect("a screen to return to");
    let on_screen = &resumed.view.questions[resumed.resume_at];
    assert_eq!(on_screen.id, "first_account");
    assert_eq!(
        on_screen.pending,
        Some("He said he would take the children")
    );
    drop(workspace);

    // The app killed and started again: the same.
    let mut relaunched = device.workspace(PackSource::default());
    let resumed = relaunched
        .resume_last(Language::En)
        .expect("resume")
        .expect("a screen to return to");
    assert_eq!(
        resumed.view.questions[resumed.resume_at].id,
        "first_account"
    );

    // Answered: the words become the answer and are no longer pending; home means home.
    relaunched
        .answer(
            Language::En,
            "first_account",
            AnswerValue::Text("He said he would take the children.".into()),
        )
        .expect("answer");
    assert!(relaunched.vault().pending(&id).expect("pending").is_empty());
    relaunched.leave_screen().expect("home");
    assert!(relaunched
        .resume_last(Language::En)
        .expect("resume")
        .is_none());
}

#[test]
fn words_typed_in_the_safeguarding_section_are_kept_under_its_key() {
    let text = |s: &str| format!(r#"{{"en":"{s}","cy":"{s} (cy)"}}"#);
    let pack = format!(
        r#"{{"format":1,"id":"p","version":"1","title":{},
            "gates":[{{"id":"g","title":{},"conditions":[{{"when":"q1 == 'yes'","description":{}}}]}}],
            "sections":[
              {{"id":"s1","title":{},"questions":[{{"id":"q1","kind":"yes_no_unknown","label":{}}}]}},
              {{"id":"s2","title":{},"gate":"g","sealed_to":"safeguarding",
                "questions":[{{"id":"detail","kind":"long_text","max_chars":500,"label":{}}}]}}]}}"#,
        text("P"),
        text("G"),
        text("Q1"),
        text("S1"),
        text("Q1"),
        text("S2"),
        text("Detail"),
    );
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::File(device.signed_pack(&pack)));
    workspace.start(Language::En).expect("start");
    workspace.answer(Language::En, "q1", yes()).expect("open");
    workspace
        .save_pending("detail", "typed in the safeguarding section")
        .expect("kept");
    let id = open_id(&mut workspace);
    let pending = workspace.vault().pending(&id).expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].compartment, Compartment::Safeguarding);
}

#[test]
fn finalised_before_enrolment_the_record_waits_and_the_first_unlock_after_seals_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vault_path = dir.path().join("vault.sqlite");
    let mut workspace = Device::unlocked_workspace(&vault_path);
    workspace.start(Language::En).expect("start");
    answer_the_rest(
        &mut workspace,
        &[
            ("spoken_alone", yes()),
            ("interpreter_needed", AnswerValue::Choice("no".into())),
        ],
    );
    let finalising = workspace.finalise().expect("finalised, waiting");
    assert!(matches!(
        finalising,
        firstline_workspace::Finalising::WaitingForEnrolment { .. }
    ));
    let records = workspace.sent_records().expect("records");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].state, "waiting_for_enrolment");
    assert!(workspace.drafts().expect("drafts").is_empty());
    // Locked: page code cannot reopen it as a draft (its safeguarding answers are still on the
    // device until it is sealed).
    let waiting = AssessmentId(finalising.submission_id().to_string());
    let reopened = workspace.resume(Language::En, waiting.clone());
    assert!(
        matches!(reopened, Err(ref error) if error.refusal() == Refusal::Finalised),
        "a waiting record reopened: {:?}",
        reopened.map(|_| ())
    );

    // Enrolled with a force while the officer is unlocked (as the sync client does).
    let records_key = enrol_late(&workspace, &vault_path);
    workspace.lock();
    workspace
        .unlock("PC 1", support::PIN)
        .expect("unlock seals");
    let records = workspace.sent_records().expect("records");
    assert_eq!(records[0].state, "pending");
    assert_eq!(
        workspace
            .vault()
            .sync_status()
            .expect("status")
            .waiting_for_enrolment,
        0
    );
    let outbox = firstline_vault::Outbox::open(&vault_path, support::device_secret())
        .expect("outbox")
        .claim_due(i64::MAX, 10)
        .expect("claimed");
    assert_eq!(outbox.len(), 1);
    let envelope: firstline_protocol::Envelope =
        serde_json::from_slice(&outbox[0].envelope).expect("envelope");
    let opened = firstline_seal::open_submission(&envelope, &records_key, None).expect("opens");
    assert_eq!(opened.record["answers"]["spoken_alone"]["value"], "yes");
}

#[test]
fn words_typed_and_never_saved_hold_finalising_until_saved_or_cleared() {
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::default());
    workspace.start(Language::En).expect("start");
    answer_the_rest(
        &mut workspace,
        &[
            ("spoken_alone", yes()),
            ("interpreter_needed", AnswerValue::Choice("no".into())),
        ],
    );
    // The account is optional: typed, never saved with Continue.
    workspace
        .save_pending("first_account", "She said he held her passport")
        .expect("kept");
    let summary = workspace.summary(Language::En).expect("summary");
    let row = summary
        .missing
        .iter()
        .find(|row| row.question_id == "first_account")
        .expect("listed as still to do");
    assert!(row.unsaved);
    assert!(matches!(
        workspace.finalise(),
        Err(WorkspaceError::MissingRequired { .. })
    ));
    assert!(
        device.outbox().is_empty(),
        "sealed with typed words dropped"
    );
    // Cleared: nothing holds it.
    workspace
        .save_pending("first_account", "")
        .expect("cleared");
    workspace.finalise().expect("finalised");
}

#[test]
fn diagnostics_list_an_information_screen_past_its_review_date() {
    let text = |s: &str| format!(r#"{{"en":"{s}","cy":"{s} (cy)"}}"#);
    let pack = format!(
        r#"{{"format":1,"id":"p","version":"1","title":{},
            "sections":[{{"id":"s1","title":{},"questions":[
              {{"id":"q1","kind":"yes_no_unknown","label":{}}},
              {{"id":"old_advice","kind":"information","label":{},"body":{},
                "information":{{"owner":"Force DA lead","review_by":"2020-01-31"}}}}]}}]}}"#,
        text("P"),
        text("S1"),
        text("Q1"),
        text("Old advice"),
        text("Body"),
    );
    let device = Device::enrolled();
    let mut workspace = device.workspace(PackSource::File(device.signed_pack(&pack)));
    assert_eq!(
        workspace.information_due_for_review().expect("due"),
        [(
            "old_advice".to_string(),
            "Force DA lead".to_string(),
            "2020-01-31".to_string()
        )]
    );
    // On its screen too: the app gave the engine today's date.
    let view = workspace.start(Language::En).expect("start");
    let screen = view
        .questions
        .iter()
        .find(|question| question.id == "old_advice")
        .expect("shown");
    assert!(screen.review_overdue);
}

#[test]
fn a_waiting_record_that_cannot_be_sealed_stays_audited_and_unlocking_still_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vault_path = dir.path().join("vault.sqlite");
    let mut workspace = Device::unlocked_workspace(&vault_path);
    workspace.start(Language::En).expect("start");
    answer_the_rest(
        &mut workspace,
        &[
            ("spoken_alone", yes()),
            ("interpreter_needed", AnswerValue::Choice("no".into())),
        ],
    );
    workspace.finalise().expect("finalised, waiting");
    enrol_late(&workspace, &vault_path);
    workspace.lock();
    // The notes kept for sealing are damaged on disk.
    rusqlite::Connection::open(&vault_path)
        .expect("open")
        .execute(
            "UPDATE assessments SET waiting_notes = zeroblob(60) WHERE waiting_notes IS NOT NULL",
            [],
        )
        .expect("damage");
    workspace
        .unlock("PC 1", support::PIN)
        .expect("unlocking does not fail for a record it cannot seal");
    let records = workspace.sent_records().expect("records");
    assert_eq!(records[0].state, "not_sealed");
    assert!(workspace
        .vault()
        .verify_audit()
        .expect("audit chain")
        .iter()
        .any(|entry| entry.event == "waiting_record_not_sealed"));
    assert_eq!(
        workspace
            .vault()
            .sync_status()
            .expect("status")
            .not_received(),
        1
    );
}

/// Enrols the device of `workspace` (an officer unlocked, not enrolled yet) with a new test
/// force, as the sync client does, and gives back the force's records key.
fn enrol_late(
    workspace: &firstline_workspace::Workspace,
    vault_path: &std::path::Path,
) -> firstline_seal::RecordsKey {
    let (records_secret, records_public) = firstline_seal::RecordsKey::generate();
    let (_, safeguarding_public) = firstline_seal::SafeguardingKey::generate();
    let permit = workspace.enrolment_permit().expect("a permit");
    firstline_vault::Outbox::open(vault_path, support::device_secret())
        .expect("outbox")
        .enrol(
            permit,
            &firstline_vault::Enrolment {
                device_id: "dev_late".into(),
                gateway_url: "http://127.0.0.1:9".into(),
                keys: support::force_keys(
                    "Test Constabulary",
                    records_public,
                    safeguarding_public,
                    vec![0; 32],
                ),
                token: zeroize::Zeroizing::new("fl1_token".into()),
                signing_key: firstline_seal::DeviceKey::generate().secret_bytes(),
            },
            1_800_000_000,
        )
        .expect("enrolled");
    firstline_seal::RecordsKey::from_bytes(&records_secret).expect("key")
}
