//! The directory-referral question kind on the default pack: its options are the force's
//! support-services directory as the app gives it at run time; an answer keeps each service's
//! id and the directory's name for it then (never a name the caller sent); a referral needs the
//! victim's consent, and no consent means no service.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::sync::Arc;

use firstline_form::{
    default_pack, AnswerError, AnswerProblem, AnswerValue, Assessment, Language, ReferredService,
    Service,
};

const QUESTION: &str = "support_service_referral";

fn service(id: &str, name: &str) -> Service {
    Service {
        id: id.into(),
        name: name.into(),
        contact: "0800 000 000".into(),
        description: "Advocacy".into(),
    }
}

fn referral(ids: &[(&str, &str)], consent: bool) -> AnswerValue {
    AnswerValue::Referral {
        services: ids
            .iter()
            .map(|(id, name)| ReferredService {
                id: id.to_string(),
                name: name.to_string(),
            })
            .collect(),
        consent,
    }
}

fn problem(result: Result<(), AnswerError>) -> Option<AnswerProblem> {
    match result {
        Err(AnswerError::Invalid { problem, .. }) => Some(problem),
        _ => None,
    }
}

/// An assessment where the victim has been spoken to alone: consent to a referral is asked
/// only then.
fn assessment() -> Assessment {
    let mut assessment = Assessment::new(Arc::new(default_pack().expect("default pack")));
    assessment
        .answer("spoken_alone", AnswerValue::Choice("yes".into()))
        .expect("alone");
    assessment
}

#[test]
fn consent_to_a_referral_is_not_asked_before_the_victim_is_spoken_to_alone() {
    let mut assessment = Assessment::new(Arc::new(default_pack().expect("default pack")));
    assessment.set_directory(vec![service("bawso", "BAWSO")]);
    for not_alone in ["not_yet", "not_safe_now"] {
        assessment
            .answer("spoken_alone", AnswerValue::Choice(not_alone.into()))
            .expect("answer");
        assert!(!assessment
            .view(Language::En)
            .questions
            .iter()
            .any(|question| question.id == QUESTION));
        assert!(assessment
            .answer(QUESTION, referral(&[("bawso", "BAWSO")], true))
            .is_err());
    }
}

#[test]
fn the_options_are_the_directory_given_at_run_time() {
    let mut assessment = assessment();
    let offered = |assessment: &Assessment| -> Vec<String> {
        assessment
            .view(Language::En)
            .questions
            .iter()
            .find(|question| question.id == QUESTION)
            .expect("asked")
            .services
            .iter()
            .map(|service| service.id.clone())
            .collect()
    };
    assert!(offered(&assessment).is_empty());
    assessment.set_directory(vec![service("idva-north", "North IDVA service")]);
    assert_eq!(offered(&assessment), ["idva-north"]);
}

#[test]
fn an_answer_keeps_the_directorys_name_then_and_refuses_a_service_it_does_not_list() {
    let mut assessment = assessment();
    assessment.set_directory(vec![
        service("idva-north", "North IDVA service"),
        service("bawso", "BAWSO"),
    ]);
    assert_eq!(
        problem(assessment.answer(QUESTION, referral(&[("made-up", "Anything")], true))),
        Some(AnswerProblem::UnlistedChoice)
    );
    assessment
        .answer(
            QUESTION,
            referral(&[("bawso", "<img src=x onerror=alert(1)>")], true),
        )
        .expect("referred");
    let kept = assessment
        .stored_answers()
        .find(|(id, _)| *id == QUESTION)
        .map(|(_, value)| value.clone());
    assert_eq!(kept, Some(referral(&[("bawso", "BAWSO")], true)));

    // The directory changes later (renamed, or gone): the draft keeps the name as it was.
    let stored: Vec<(String, AnswerValue)> = assessment
        .stored_answers()
        .map(|(id, value)| (id.to_string(), value.clone()))
        .collect();
    let mut restored = Assessment::restore(
        Arc::new(default_pack().expect("default pack")),
        stored
            .iter()
            .map(|(id, value)| (id.as_str(), value.clone())),
    )
    .expect("restored");
    restored.set_directory(vec![service("bawso", "BAWSO Cymru")]);
    let row = restored
        .summary(Language::En)
        .rows
        .into_iter()
        .find(|row| row.question_id == QUESTION)
        .expect("row");
    assert_eq!(row.answer.as_deref(), Some("BAWSO (the victim agrees)"));
}

#[test]
fn a_referral_needs_consent_and_no_consent_means_no_service() {
    let mut assessment = assessment();
    assessment.set_directory(vec![service("bawso", "BAWSO")]);
    assert_eq!(
        problem(assessment.answer(QUESTION, referral(&[("bawso", "BAWSO")], false))),
        Some(AnswerProblem::ReferralWithoutConsent)
    );
    assert_eq!(
        problem(assessment.answer(QUESTION, referral(&[], true))),
        Some(AnswerProblem::NoneSelected)
    );
    assert_eq!(
        problem(assessment.answer(
            QUESTION,
            referral(&[("bawso", "BAWSO"), ("bawso", "BAWSO")], true)
        )),
        Some(AnswerProblem::UnlistedChoice)
    );
    assessment
        .answer(QUESTION, referral(&[], false))
        .expect("declined is an answer");
    let row = assessment
        .summary(Language::Cy)
        .rows
        .into_iter()
        .find(|row| row.question_id == QUESTION)
        .expect("row");
    assert_eq!(
        row.answer.as_deref(),
        Some("Heb atgyfeirio: nid yw'r dioddefwr yn cytuno")
    );
}
