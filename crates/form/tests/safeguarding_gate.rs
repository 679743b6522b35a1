//! The safeguarding gate on the default pack, through the engine's public API: the migrant-victim
//! questions never reach a view or summary while the gate is closed (nor does any word naming
//! migrants or immigration), answers to them are refused and audited, and a gate that closes
//! again hides (but keeps) what was answered.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::sync::Arc;

use firstline_form::{
    default_pack, AnswerError, AnswerValue, Assessment, AssessmentView, AuditEvent, GateView,
    Language,
};

/// The ids of the questions behind the safeguarding gate.
fn gated() -> Vec<String> {
    let pack = default_pack().expect("default pack");
    let ids: Vec<String> = pack
        .file()
        .sections
        .iter()
        .filter(|section| section.gate.as_deref() == Some("safeguarding"))
        .flat_map(|section| section.questions.iter().map(|question| question.id.clone()))
        .collect();
    assert!(
        ids.len() >= 12,
        "the migrant-victim section shrank: {ids:?}"
    );
    ids
}

/// Words that name migrants or immigration, in English and Welsh: none may be on screen while
/// the section is closed (whoever is in the room can see the screen).
const NAMES_THE_SECTION: [&str; 12] = [
    "migrant",
    "immigration",
    "Home Office",
    "passport",
    "visa",
    "deport",
    "sponsor",
    "asylum",
    "mudol",
    "mewnfudo",
    "Swyddfa Gartref",
    "pasbort",
];

fn gate<'v>(view: &'v AssessmentView<'_>, id: &str) -> &'v GateView<'v> {
    view.gates
        .iter()
        .find(|gate| gate.id == id)
        .expect("the gate is in the view")
}

fn yes(question: &str) -> (&str, AnswerValue) {
    (question, AnswerValue::Choice("yes".into()))
}

fn safeguarding_steps() -> Vec<(&'static str, AnswerValue)> {
    vec![
        yes("parties_separated"),
        yes("immediate_safety_confirmed"),
        ("medical_need", AnswerValue::Choice("none".into())),
        ("children_present", AnswerValue::Choice("no".into())),
        (
            "other_vulnerable_checked",
            AnswerValue::Choice("checked".into()),
        ),
        yes("spoken_alone"),
        ("interpreter_needed", AnswerValue::Choice("no".into())),
        yes("safety_advice_given"),
    ]
}

fn assessment() -> Assessment {
    Assessment::new(Arc::new(default_pack().expect("default pack")))
}

/// An assessment with every safeguarding step answered, so the gate is open.
fn safeguarded_assessment() -> Assessment {
    let mut assessment = assessment();
    for (question, value) in safeguarding_steps() {
        assessment
            .answer(question, value)
            .expect("safeguarding answer");
    }
    assessment
}

fn everything_the_ui_sees(assessment: &Assessment) -> String {
    let mut seen = String::new();
    for language in [Language::En, Language::Cy] {
        seen += &serde_json::to_string(&assessment.view(language)).expect("json");
        seen += &serde_json::to_string(&assessment.summary(language)).expect("json");
    }
    seen
}

#[test]
fn gated_questions_never_reach_the_view_before_safeguarding() {
    // At the start, and with every step done but the last (the privacy gate open, the risk
    // questions shown): nothing names the section.
    let mut nearly = assessment();
    for (question, value) in safeguarding_steps()
        .into_iter()
        .filter(|(question, _)| *question != "safety_advice_given")
    {
        nearly.answer(question, value).expect("step");
    }
    assert!(gate(&nearly.view(Language::En), "privacy").open);
    for assessment in [assessment(), nearly] {
        let seen = everything_the_ui_sees(&assessment);
        for id in gated() {
            assert!(
                !seen.contains(&format!("\"{id}\"")),
                "{id} reached the UI while the gate was closed"
            );
        }
        let lower = seen.to_lowercase();
        for word in NAMES_THE_SECTION {
            assert!(
                !lower.contains(&word.to_lowercase()),
                "{word:?} is on screen while the section is closed"
            );
        }
        assert!(!gate(&assessment.view(Language::En), "safeguarding").open);
    }
    assert_eq!(
        gate(&assessment().view(Language::En), "safeguarding")
            .missing
            .len(),
        6
    );
}

#[test]
fn an_answer_to_a_gated_question_is_refused_and_audited() {
    let mut assessment = assessment();
    let refused = assessment.answer("documents_withheld", AnswerValue::Choice("yes".into()));
    assert!(matches!(refused, Err(AnswerError::Gated { .. })));
    assert!(!refused
        .expect_err("refused")
        .to_string()
        .contains("passport"));
    assert_eq!(
        assessment.take_audit_events(),
        vec![AuditEvent::GatedAnswerRefused {
            question: "documents_withheld".into(),
            gate: "safeguarding".into()
        }]
    );
    assert_eq!(assessment.stored_answers().count(), 0);
}

#[test]
fn completing_the_safeguarding_steps_opens_the_section() {
    let mut assessment = safeguarded_assessment();
    let view = assessment.view(Language::En);
    let safeguarding = gate(&view, "safeguarding");
    assert!(
        safeguarding.open,
        "still missing: {:?}",
        safeguarding.missing
    );
    assert!(view.questions.iter().any(|q| q.id == "documents_withheld"));
    assessment
        .answer("documents_withheld", AnswerValue::Choice("yes".into()))
        .expect("open now");
}

#[test]
fn a_gate_that_closes_again_hides_but_keeps_the_answers() {
    let mut assessment = safeguarded_assessment();
    assessment
        .answer("documents_withheld", AnswerValue::Choice("yes".into()))
        .expect("open");
    assessment
        .answer("spoken_alone", AnswerValue::Choice("not_yet".into()))
        .expect("change");

    let seen = everything_the_ui_sees(&assessment);
    assert!(!seen.contains("documents_withheld"));
    assert!(assessment
        .view(Language::En)
        .guidance
        .factors
        .iter()
        .all(|f| !f.label.contains("Immigration")));
    assert!(assessment
        .stored_answers()
        .any(|(id, _)| id == "documents_withheld"));

    assessment
        .answer("spoken_alone", AnswerValue::Choice("yes".into()))
        .expect("change back");
    let view = assessment.view(Language::En);
    let kept = view
        .questions
        .iter()
        .find(|q| q.id == "documents_withheld")
        .expect("shown again");
    assert_eq!(kept.answer, Some(&AnswerValue::Choice("yes".into())));
}

#[test]
fn an_interpreter_who_is_the_suspect_warns_needs_a_reason_and_keeps_the_gate_shut() {
    let mut assessment = safeguarded_assessment();
    assessment
        .answer("interpreter_needed", AnswerValue::Choice("yes".into()))
        .expect("yes");
    assessment
        .answer("interpreter_used", AnswerValue::Choice("suspect".into()))
        .expect("suspect");
    let view = assessment.view(Language::En);
    let used = view
        .questions
        .iter()
        .find(|q| q.id == "interpreter_used")
        .expect("shown");
    let suspect = used
        .choices
        .iter()
        .find(|c| c.value == "suspect")
        .expect("choice");
    assert!(suspect
        .warning
        .as_deref()
        .is_some_and(|w| w.contains("Never")));
    let reason = view
        .questions
        .iter()
        .find(|q| q.id == "interpreter_reason")
        .expect("reason asked");
    assert!(reason.required);
    assert!(!gate(&view, "safeguarding").open);
    assert!(!gate(&view, "privacy").open);
}

#[test]
fn grading_below_the_guidance_needs_each_factor_weighed_and_a_longer_rationale() {
    let mut assessment = safeguarded_assessment();
    assessment
        .answer("strangulation", AnswerValue::Choice("yes".into()))
        .expect("answer");
    let view = assessment.view(Language::En);
    assert_eq!(view.guidance.suggested, Some(firstline_form::Grade::High));
    assert_eq!(
        view.guidance.confirm_below,
        Some(firstline_form::Grade::High)
    );
    let factors: Vec<String> = view
        .guidance
        .factors
        .iter()
        .map(|f| f.id.to_string())
        .collect();
    assert!(view
        .guidance
        .factors
        .iter()
        .any(|factor| factor.label == "Non-fatal strangulation" && factor.weigh));
    let medium = |rationale: &str, weighed: &[String]| AnswerValue::Grade {
        grade: firstline_form::Grade::Medium,
        rationale: rationale.into(),
        weighed: weighed.iter().map(|id| id.to_string()).collect(),
    };
    let problem = |result: Result<(), AnswerError>| match result {
        Err(AnswerError::Invalid { problem, .. }) => Some(problem),
        _ => None,
    };
    let long = "Strangulation was a year ago, once, before he left for work abroad; he has had no contact since, lives 300 miles away and is on bail with a condition not to come here.";
    // Below the guidance with nothing confirmed; with a factor that is not present; with a
    // short rationale: each refused, and nothing stored.
    assert_eq!(
        problem(assessment.answer("risk_grade", medium(long, &[]))),
        Some(firstline_form::AnswerProblem::FactorsNotWeighed)
    );
    let mut with_unknown = factors.clone();
    with_unknown.push("f_not_present".to_string());
    assert_eq!(
        problem(assessment.answer("risk_grade", medium(long, &with_unknown))),
        Some(firstline_form::AnswerProblem::FactorsNotWeighed)
    );
    assert!(matches!(
        problem(assessment.answer("risk_grade", medium("Officer judgement recorded in full here.", &factors))),
        Some(firstline_form::AnswerProblem::RationaleTooShort { min }) if min >= 100
    ));
    assert!(!assessment
        .stored_answers()
        .any(|(id, _)| id == "risk_grade"));
    // Every factor weighed, a rationale of real length: the grade is the officer's.
    let grade = medium(long, &factors);
    assessment
        .answer("risk_grade", grade.clone())
        .expect("grade");
    assert!(assessment.graded_below_guidance());
    assert!(
        assessment.missing_required().is_empty()
            || !assessment.missing_required().contains(&"risk_grade")
    );
    let view = assessment.view(Language::En);
    let chosen = view
        .questions
        .iter()
        .find(|q| q.id == "risk_grade")
        .expect("grade");
    assert_eq!(chosen.answer, Some(&grade));
    assert!(!chosen.needs_attention);

    // A new factor after grading: the grade needs the officer again before finalising.
    assessment
        .answer("threats_to_kill", AnswerValue::Choice("yes".into()))
        .expect("answer");
    assert!(assessment.missing_required().contains(&"risk_grade"));
    let summary = assessment.summary(Language::En);
    assert!(summary
        .missing
        .iter()
        .any(|row| row.question_id == "risk_grade"));
    // At the guidance, nothing to confirm and the record does not say "below".
    assessment
        .answer(
            "risk_grade",
            AnswerValue::Grade {
                grade: firstline_form::Grade::High,
                rationale: "Strangulation and threats to kill: harm could come at any time.".into(),
                weighed: vec![],
            },
        )
        .expect("grade");
    assert!(!assessment.graded_below_guidance());
    assert!(!assessment.missing_required().contains(&"risk_grade"));
}

#[test]
fn a_factor_read_from_the_safeguarding_section_is_guidance_only_never_in_the_record() {
    let mut assessment = safeguarded_assessment();
    assessment
        .answer("servitude_signs", AnswerValue::Choice("yes".into()))
        .expect("answer");
    let view = assessment.view(Language::En);
    assert_eq!(view.guidance.suggested, Some(firstline_form::Grade::High));
    assert_eq!(
        view.guidance.confirm_below, None,
        "a safeguarding answer decides a records rule"
    );
    assert!(view.guidance.factors.iter().all(|factor| !factor.weigh));
    // Graded medium: no confirmation asked, and the record does not say "below the guidance"
    // (that would tell the records side the victim answered in the section).
    assessment
        .answer(
            "risk_grade",
            AnswerValue::Grade {
                grade: firstline_form::Grade::Medium,
                rationale: "Officer judgement recorded in full here.".into(),
                weighed: vec![],
            },
        )
        .expect("grade");
    assert!(!assessment.graded_below_guidance());
    let refused = assessment.answer(
        "risk_grade",
        AnswerValue::Grade {
            grade: firstline_form::Grade::Medium,
            rationale: "Officer judgement recorded in full here.".into(),
            weighed: vec!["f_servitude".into()],
        },
    );
    assert!(
        refused.is_err(),
        "a safeguarding factor's id went into the grade"
    );
}

#[test]
fn a_grade_without_a_rationale_is_refused() {
    let mut assessment = assessment();
    let refused = assessment.answer(
        "risk_grade",
        AnswerValue::Grade {
            grade: firstline_form::Grade::High,
            rationale: "  ".into(),
            weighed: vec![],
        },
    );
    assert!(matches!(refused, Err(AnswerError::Invalid { .. })));
}

#[test]
fn a_restored_draft_keeps_gated_answers_hidden_until_the_gate_opens() {
    let pack = Arc::new(default_pack().expect("default pack"));
    let restored = Assessment::restore(
        pack,
        [
            ("documents_withheld", AnswerValue::Choice("yes".into())),
            ("spoken_alone", AnswerValue::Choice("not_yet".into())),
        ],
    )
    .expect("restore");
    assert_eq!(
        restored.sealed_to("documents_withheld"),
        Some(firstline_form::SealedTo::Safeguarding)
    );
    assert_eq!(
        restored.sealed_to("spoken_alone"),
        Some(firstline_form::SealedTo::Records)
    );
    assert!(!everything_the_ui_sees(&restored).contains("documents_withheld"));
    assert_eq!(restored.stored_answers().count(), 2);
    // Behind a closed gate: kept, not shown, and not counted (a count would tell who answered).
    assert_eq!(restored.hidden_answer_count(), 0);
    let shown: Vec<_> = restored
        .shown_answers()
        .iter()
        .map(|answer| answer.question_id)
        .collect();
    assert_eq!(shown, ["spoken_alone"]);
}

#[test]
fn a_too_short_rationale_is_refused_with_its_minimum_as_a_parameter() {
    let mut assessment = Assessment::new(Arc::new(default_pack().expect("default pack")));
    let refused = assessment.answer(
        "risk_grade",
        AnswerValue::Grade {
            grade: firstline_form::Grade::Medium,
            rationale: "short".into(),
            weighed: vec![],
        },
    );
    let Err(AnswerError::Invalid { problem, .. }) = refused else {
        panic!("a short rationale was not refused as invalid: {refused:?}");
    };
    let detail = serde_json::to_value(problem).expect("json");
    assert_eq!(detail["kind"], "rationale_too_short");
    assert!(detail["min"].as_u64().is_some_and(|min| min > 5));
}

#[test]
fn nothing_is_missing_only_once_every_shown_required_question_is_answered() {
    let assessment = Assessment::new(Arc::new(default_pack().expect("default pack")));
    let before = assessment.missing_required().len();
    assert!(before > 0);
    let first = assessment.missing_required()[0].to_string();
    let summary = assessment.summary(Language::En);
    assert_eq!(
        summary
            .missing
            .iter()
            .map(|row| row.question_id.as_str())
            .collect::<Vec<_>>(),
        assessment.missing_required(),
        "the error summary and the finalise rule disagree"
    );
    assert!(summary.missing.iter().any(|row| row.question_id == first));
}

#[test]
fn a_pack_signed_before_sealed_to_existed_still_seals_its_gated_section_to_safeguarding() {
    // The default pack as devices and drafts kept it before the field existed: its gated
    // section must not fall back to the records key.
    let bytes = include_bytes!("fixtures/default-pack-before-sealed-to.signed.json");
    let pack = firstline_form::verify_pack(bytes, &firstline_form::built_in_keys())
        .expect("the earlier signed default pack still verifies");
    assert!(!String::from_utf8_lossy(bytes).contains("sealed_to"));
    let assessment = Assessment::new(Arc::new(pack));
    assert_eq!(
        assessment.sealed_to("documents_withheld"),
        Some(firstline_form::SealedTo::Safeguarding)
    );
    assert_eq!(
        assessment.sealed_to("spoken_alone"),
        Some(firstline_form::SealedTo::Records)
    );
}

#[test]
fn answers_hidden_inside_a_safeguarding_section_are_never_counted() {
    // A pack with a condition inside the safeguarding section: q3 shows only when q2 is yes.
    let text = |s: &str| format!(r#"{{"en":"{s}","cy":"{s} (cy)"}}"#);
    let question = |id: &str, extra: &str| {
        format!(
            r#"{{"id":"{id}","kind":"yes_no_unknown","label":{}{extra}}}"#,
            text(id)
        )
    };
    let pack = format!(
        r#"{{"format":1,"id":"p","version":"1","title":{},
            "gates":[{{"id":"g","title":{},"conditions":[{{"when":"q1 == 'yes'","description":{}}}]}}],
            "sections":[
              {{"id":"s1","title":{},"questions":[{}]}},
              {{"id":"s2","title":{},"gate":"g","sealed_to":"safeguarding",
                "questions":[{},{}]}}]}}"#,
        text("P"),
        text("G"),
        text("Q1"),
        text("S1"),
        question("q1", ""),
        text("S2"),
        question("q2", ""),
        question("q3", r#","show_if":"q2 == 'yes'""#),
    );
    let pack = firstline_form::load_pack(pack.as_bytes()).expect("pack loads");
    let mut assessment = Assessment::new(Arc::new(pack));
    for (id, value) in [("q1", "yes"), ("q2", "yes"), ("q3", "yes"), ("q2", "no")] {
        assessment
            .answer(id, AnswerValue::Choice(value.into()))
            .expect("answer");
    }
    assert!(assessment.view(Language::En).gates[0].open);
    assert_eq!(
        assessment.hidden_answer_count(),
        0,
        "a count moved by the safeguarding section's own answers"
    );
}

#[test]
fn a_weighed_factor_an_answer_since_took_away_needs_the_grade_again() {
    let mut assessment = safeguarded_assessment();
    for id in ["strangulation", "stalking"] {
        assessment
            .answer(id, AnswerValue::Choice("yes".into()))
            .expect("answer");
    }
    let long = "Strangulation a year ago, once; stalking ended when he moved abroad; on bail with a condition not to contact her, and no breach since.";
    assessment
        .answer(
            "risk_grade",
            AnswerValue::Grade {
                grade: firstline_form::Grade::Medium,
                rationale: long.into(),
                weighed: vec!["f_strangulation".into(), "f_stalking".into()],
            },
        )
        .expect("grade");
    assert!(!assessment.missing_required().contains(&"risk_grade"));
    // No stalking after all: the grade still names it, so it needs the officer again (the
    // record must not name a factor that is not there).
    assessment
        .answer("stalking", AnswerValue::Choice("no".into()))
        .expect("answer");
    assert!(assessment.missing_required().contains(&"risk_grade"));
}

#[test]
fn a_risk_factor_is_absent_while_a_gate_it_reads_is_closed() {
    // A factor that holds when a gated question is not yes: it must not show (naming what is
    // behind the gate) while the gate is closed and every answer there is hidden.
    let text = |s: &str| format!(r#"{{"en":"{s}","cy":"{s} (cy)"}}"#);
    let pack = format!(
        r#"{{"format":1,"id":"p","version":"1","title":{},
            "gates":[{{"id":"g","title":{},"conditions":[{{"when":"q1 == 'yes'","description":{}}}]}}],
            "sections":[
              {{"id":"s1","title":{},"questions":[{{"id":"q1","kind":"yes_no_unknown","label":{}}}]}},
              {{"id":"s2","title":{},"gate":"g","sealed_to":"safeguarding",
                "questions":[{{"id":"status_threats","kind":"yes_no_unknown","label":{}}}]}}],
            "risk_factors":[{{"id":"f","when":"not status_threats == 'no'","label":{},"suggests":"medium"}}]}}"#,
        text("P"),
        text("G"),
        text("Q1"),
        text("S1"),
        text("Q1"),
        text("S2"),
        text("Threats"),
        text("Immigration threats not ruled out"),
    );
    let pack = firstline_form::load_pack(pack.as_bytes()).expect("pack loads");
    let mut assessment = Assessment::new(Arc::new(pack));
    assert!(assessment.view(Language::En).guidance.factors.is_empty());
    assessment
        .answer("q1", AnswerValue::Choice("yes".into()))
        .expect("open");
    assert_eq!(assessment.view(Language::En).guidance.factors.len(), 1);
}
