//! The privacy gate on the default pack, through the engine's public API: no risk question (nor
//! the victim's account) is asked before the victim has been spoken to alone, with a
//! professional interpreter where one is needed; "not safe to talk now" defers them so the
//! record can be finalised saying so; the answer prompts, the DASH count and the referral rules
//! that the pack writes in the condition language.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use firstline_form::{
    default_pack, AnswerError, AnswerValue, Assessment, AuditEvent, Grade, KindName, Language,
};

fn assessment() -> Assessment {
    Assessment::new(Arc::new(default_pack().expect("default pack")))
}

fn choice(value: &str) -> AnswerValue {
    AnswerValue::Choice(value.into())
}

/// The ids and labels of the questions behind the privacy gate.
fn behind_privacy() -> Vec<(String, String)> {
    let pack = default_pack().expect("default pack");
    pack.file()
        .sections
        .iter()
        .filter(|section| section.gate.as_deref() == Some("privacy"))
        .flat_map(|section| &section.questions)
        .map(|question| {
            (
                question.id.clone(),
                question.label.get(Language::En).to_string(),
            )
        })
        .collect()
}

/// Answers every shown required question, first with `given` where it names the question, else
/// with a plain answer of its kind, until nothing required is missing (a gate may still block).
/// Returns the ids it answered, in order.
fn fill(assessment: &mut Assessment, given: &BTreeMap<&str, AnswerValue>) -> Vec<String> {
    let mut answered = Vec::new();
    for _ in 0..200 {
        let Some(next) = assessment
            .missing_required()
            .first()
            .map(|id| id.to_string())
        else {
            return answered;
        };
        let value = match given.get(next.as_str()) {
            Some(value) => value.clone(),
            None => {
                let view = assessment.view(Language::En);
                let question = view
                    .questions
                    .iter()
                    .find(|question| question.id == next)
                    .expect("a missing question is shown");
                match question.kind {
                    KindName::YesNoUnknown => choice("no"),
                    KindName::SingleChoice => choice(&question.choices[0].value),
                    KindName::MultipleChoice => {
                        AnswerValue::Choices(vec![question.choices[0].value.clone()])
                    }
                    KindName::ShortText | KindName::LongText => AnswerValue::Text("Words.".into()),
                    KindName::Number => AnswerValue::Number(question.min.unwrap_or(0.0)),
                    KindName::DateTime => AnswerValue::DateTime("2026-11-25T10:00".into()),
                    KindName::RiskGrade => AnswerValue::Grade {
                        // At the guidance, so no confirmations are needed.
                        grade: view.guidance.confirm_below.unwrap_or(Grade::Standard),
                        rationale: "No indicators of serious harm were found at the scene.".into(),
                        weighed: vec![],
                    },
                    KindName::DirectoryReferral => AnswerValue::Referral {
                        services: vec![],
                        consent: false,
                    },
                    KindName::Information => unreachable!("information is never missing"),
                }
            }
        };
        assessment
            .answer(&next, value)
            .unwrap_or_else(|error| panic!("{next}: {error}"));
        answered.push(next);
    }
    panic!("required questions kept coming");
}

fn privacy_done() -> BTreeMap<&'static str, AnswerValue> {
    BTreeMap::from([
        ("spoken_alone", choice("yes")),
        ("interpreter_needed", choice("no")),
    ])
}

#[test]
fn no_risk_question_is_asked_before_privacy_and_an_answer_to_one_is_refused_and_audited() {
    let mut assessment = assessment();
    let behind = behind_privacy();
    assert!(behind.len() >= 30, "the risk questions shrank");
    for id in [
        "strangulation",
        "pregnancy_or_baby",
        "first_account",
        "current_injury",
    ] {
        assert!(
            behind.iter().any(|(behind, _)| behind == id),
            "{id} is not behind privacy"
        );
    }
    // Not alone yet, and alone but with the suspect interpreting: still closed.
    for (question, value) in [
        ("spoken_alone", "not_yet"),
        ("spoken_alone", "yes"),
        ("interpreter_needed", "yes"),
        ("interpreter_used", "suspect"),
    ] {
        assessment.answer(question, choice(value)).expect("answer");
        let view = assessment.view(Language::En);
        let summary = assessment.summary(Language::En);
        let seen = serde_json::to_string(&view).expect("json")
            + &serde_json::to_string(&summary).expect("json");
        let ids_given: Vec<&str> = view
            .questions
            .iter()
            .map(|shown| shown.id)
            .chain(summary.rows.iter().map(|row| row.question_id.as_str()))
            .collect();
        for (id, label) in &behind {
            assert!(
                !ids_given.contains(&id.as_str()),
                "{id} shown before privacy"
            );
            assert!(
                !seen.contains(label.as_str()),
                "{label:?} shown before privacy"
            );
        }
    }
    let refused = assessment.answer("strangulation", choice("yes"));
    assert!(matches!(refused, Err(AnswerError::Gated { ref gate, .. }) if gate == "privacy"));
    assert_eq!(
        assessment.take_audit_events(),
        [AuditEvent::GatedAnswerRefused {
            question: "strangulation".into(),
            gate: "privacy".into()
        }]
    );
    // A professional interpreter: open.
    assessment
        .answer("interpreter_used", choice("professional"))
        .expect("answer");
    let view = assessment.view(Language::En);
    assert!(view
        .questions
        .iter()
        .any(|question| question.id == "strangulation"));
    assessment
        .answer("strangulation", choice("yes"))
        .expect("open now");
}

#[test]
fn finalising_waits_for_privacy_or_a_deferral_with_its_reason() {
    let mut assessment = assessment();
    fill(
        &mut assessment,
        &BTreeMap::from([("spoken_alone", choice("not_yet"))]),
    );
    assert!(assessment.missing_required().is_empty());
    assert_eq!(assessment.gates_blocking_finalise(), ["privacy"]);
    let summary = assessment.summary(Language::En);
    assert_eq!(summary.blocking_gates.len(), 1);
    assert_eq!(
        summary.blocking_gates[0].question_id.as_deref(),
        Some("spoken_alone"),
        "the error summary does not lead to where the officer can act"
    );

    // Not safe to talk now: the reason is asked, and once given nothing blocks.
    assessment
        .answer("spoken_alone", choice("not_safe_now"))
        .expect("answer");
    assert_eq!(assessment.missing_required(), ["not_safe_reason"]);
    assessment
        .answer(
            "not_safe_reason",
            AnswerValue::Text("The suspect's mother is in the flat. Call back at 6pm.".into()),
        )
        .expect("reason");
    assert!(assessment.missing_required().is_empty());
    assert!(assessment.gates_blocking_finalise().is_empty());
    assert_eq!(assessment.deferred_gates(), ["privacy"]);
    let summary = assessment.summary(Language::En);
    assert!(summary.blocking_gates.is_empty());
    assert_eq!(summary.deferred.len(), 1);
    assert!(summary.deferred[0].contains("deferred"));
    // The grade is still given on what is known; nothing behind the gate is sealed.
    let shown: Vec<&str> = assessment
        .shown_answers()
        .iter()
        .map(|answer| answer.question_id)
        .collect();
    assert!(shown.contains(&"risk_grade"));
    for (id, _) in behind_privacy() {
        assert!(!shown.contains(&id.as_str()), "{id} would be sealed");
    }

    // Safe to talk after all: the gate opens, the risk questions are required, no deferral.
    assessment
        .answer("spoken_alone", choice("yes"))
        .expect("answer");
    assert!(assessment.deferred_gates().is_empty());
    assert!(assessment.missing_required().contains(&"strangulation"));
}

#[test]
fn strangulation_prompts_medical_advice_at_once_and_suicidal_thoughts_prompt_safety() {
    let mut assessment = assessment();
    fill(&mut assessment, &privacy_done());
    let view = assessment.view(Language::En);
    let prompt = |id: &str, value: &str| {
        view.questions
            .iter()
            .find(|question| question.id == id)
            .and_then(|question| question.choices.iter().find(|c| c.value == value))
            .and_then(|choice| choice.warning.clone())
            .unwrap_or_default()
    };
    assert!(prompt("strangulation", "yes").contains("medical attention now"));
    assert_eq!(prompt("strangulation", "no"), "");
    assert!(prompt("victim_suicidal_thoughts", "yes").contains("safe right now"));
}

#[test]
fn none_present_counts_as_the_vulnerable_people_check() {
    let mut assessment = assessment();
    let view = assessment.view(Language::En);
    let check = view
        .questions
        .iter()
        .find(|question| question.id == "other_vulnerable_checked")
        .expect("asked");
    assert!(check.choices.iter().any(|c| c.value == "none_present"));
    assessment
        .answer("children_present", choice("no"))
        .expect("answer");
    let children_step = "Children and other vulnerable people checked";
    let missing = |assessment: &Assessment| -> Vec<String> {
        let view = assessment.view(Language::En);
        let gate = view
            .gates
            .iter()
            .find(|gate| gate.id == "safeguarding")
            .expect("gate");
        gate.missing.iter().map(|step| step.to_string()).collect()
    };
    assert!(missing(&assessment)
        .iter()
        .any(|step| step == children_step));
    assessment
        .answer("other_vulnerable_checked", choice("none_present"))
        .expect("answer");
    assert!(!missing(&assessment)
        .iter()
        .any(|step| step == children_step));
}

#[test]
fn fourteen_dash_yes_answers_suggest_high_and_ten_suggest_medium() {
    // Twenty-six DASH items are counted (item 3 is free text): answer `yes` to the first n of
    // these, one question per counted item.
    let dash_items = [
        "current_injury",
        "isolated_from_family",
        "victim_low_mood",
        "separated_past_year",
        "stalking",
        "pregnancy_or_baby",
        "abuse_more_often",
        "abuse_getting_worse",
        "jealousy",
        "financial_control",
        "abuser_substance_use",
        "criminal_history",
        "abuser_hurt_others",
        "animal_abuse",
    ];
    let suggested = |yes: usize| {
        let mut assessment = assessment();
        let mut given = privacy_done();
        for id in &dash_items[..yes] {
            given.insert(id, choice("yes"));
        }
        fill(&mut assessment, &given);
        let view = assessment.view(Language::En);
        (
            view.guidance.suggested,
            view.guidance
                .factors
                .iter()
                .map(|factor| factor.label.to_string())
                .collect::<Vec<_>>(),
        )
    };
    // Some of these items are factors on their own (stalking, escalation): the count is seen
    // apart from them in the factor list.
    let (_, factors) = suggested(9);
    assert!(
        !factors.iter().any(|factor| factor.contains("DASH")),
        "{factors:?}"
    );
    let (_, factors) = suggested(10);
    assert!(
        factors
            .iter()
            .any(|factor| factor.starts_with("10 to 13 DASH")),
        "{factors:?}"
    );
    let (grade, factors) = suggested(14);
    assert_eq!(grade, Some(Grade::High));
    assert!(
        factors
            .iter()
            .any(|factor| factor.starts_with("14 or more DASH")),
        "{factors:?}"
    );
    assert!(
        !factors.iter().any(|factor| factor.starts_with("10 to 13")),
        "{factors:?}"
    );
}

#[test]
fn high_risk_needs_marac_and_idva_or_a_reason_and_children_need_social_care_or_a_reason() {
    let mut assessment = assessment();
    let mut given = privacy_done();
    given.insert("children_present", choice("yes"));
    given.insert(
        "risk_grade",
        AnswerValue::Grade {
            grade: Grade::High,
            rationale: "Strangulation last week and threats to kill tonight.".into(),
            weighed: vec![],
        },
    );
    given.insert("referrals", AnswerValue::Choices(vec!["idva".into()]));
    let answered = fill(&mut assessment, &given);
    assert!(answered.contains(&"high_without_marac_idva_reason".to_string()));
    assert!(answered.contains(&"childrens_services_reason".to_string()));

    // Both referrals, and children's social care: no reason asked.
    assessment
        .answer(
            "referrals",
            AnswerValue::Choices(vec![
                "idva".into(),
                "marac".into(),
                "childrens_services".into(),
            ]),
        )
        .expect("answer");
    let shown: Vec<String> = assessment
        .view(Language::En)
        .questions
        .iter()
        .map(|question| question.id.to_string())
        .collect();
    assert!(!shown.contains(&"high_without_marac_idva_reason".to_string()));
    assert!(!shown.contains(&"childrens_services_reason".to_string()));
}

#[test]
fn an_information_screen_past_its_review_date_is_flagged_once_the_app_gives_today() {
    let mut assessment = assessment();
    fill(&mut assessment, &privacy_done());
    let overdue = |assessment: &Assessment| -> Vec<String> {
        assessment
            .view(Language::En)
            .questions
            .iter()
            .filter(|question| question.review_overdue)
            .map(|question| question.id.to_string())
            .collect()
    };
    // No date given: nothing flagged (the engine reads no clock).
    assert!(overdue(&assessment).is_empty());
    // Not a date: ignored.
    assert!(!assessment.set_today("next Tuesday"));
    assert!(overdue(&assessment).is_empty());
    // The day of the review: still in date; the day after: flagged.
    assert!(assessment.set_today("2027-05-25"));
    assert!(overdue(&assessment).is_empty());
    assert!(assessment.set_today("2027-05-26"));
    assert_eq!(overdue(&assessment), ["rapport_prompts"]);
    let pack = default_pack().expect("default pack");
    let due: Vec<&str> = pack
        .information_due_for_review("2027-05-26")
        .iter()
        .map(|question| question.id.as_str())
        .collect();
    assert_eq!(
        due,
        ["rapport_prompts", "information_sharing", "support_schemes"]
    );
    assert!(pack.information_due_for_review("2026-11-25").is_empty());
    assert!(pack.information_due_for_review("not a date").is_empty());
}
