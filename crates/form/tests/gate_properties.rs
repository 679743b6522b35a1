//! Property tests: over random answer sequences on the default pack, no gated question id reaches
//! a view or summary while the gate is closed, and the view is a function of the answers alone
//! (the same final answers, reached in any order, give the same view).

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::sync::Arc;

use firstline_form::{default_pack, AnswerValue, Assessment, Language, Pack};
use proptest::prelude::*;

fn pack() -> Arc<Pack> {
    Arc::new(default_pack().expect("default pack"))
}

/// Candidate answers for every question id of the default pack that takes a choice.
fn candidates(pack: &Pack) -> Vec<(String, AnswerValue)> {
    let mut all = Vec::new();
    for section in &pack.file().sections {
        for question in &section.questions {
            let values: Vec<String> = match &question.choices {
                Some(choices) => choices.iter().map(|c| c.value.clone()).collect(),
                None => vec!["yes".into(), "no".into(), "unknown".into()],
            };
            for value in values {
                all.push((question.id.clone(), AnswerValue::Choice(value)));
            }
        }
    }
    all
}

fn gated_ids(pack: &Pack) -> Vec<String> {
    pack.file()
        .sections
        .iter()
        .filter(|section| section.gate.is_some())
        .flat_map(|section| section.questions.iter().map(|q| q.id.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn no_gated_id_crosses_while_the_gate_is_closed(picks in prop::collection::vec(any::<prop::sample::Index>(), 0..120)) {
        let pack = pack();
        let candidates = candidates(&pack);
        let gated = gated_ids(&pack);
        let mut assessment = Assessment::new(pack.clone());
        for pick in picks {
            let (question, value) = &candidates[pick.index(candidates.len())];
            let _ = assessment.answer(question, value.clone());
            for language in [Language::En, Language::Cy] {
                let view = assessment.view(language);
                if !view.gates[0].open {
                    let seen = serde_json::to_string(&view).expect("json")
                        + &serde_json::to_string(&assessment.summary(language)).expect("json");
                    for id in &gated {
                        prop_assert!(!seen.contains(id.as_str()), "{} crossed while closed", id);
                    }
                }
            }
        }
    }

    #[test]
    fn the_view_is_a_function_of_the_answers(picks in prop::collection::vec(any::<prop::sample::Index>(), 0..120)) {
        let pack = pack();
        let candidates = candidates(&pack);
        let mut walked = Assessment::new(pack.clone());
        for pick in &picks {
            let (question, value) = &candidates[pick.index(candidates.len())];
            let _ = walked.answer(question, value.clone());
        }
        // Replay only the final answers, in pack order, repeating until nothing changes (an
        // answer behind a condition needs the answers it depends on first).
        let finals: Vec<(String, AnswerValue)> =
            walked.stored_answers().map(|(id, value)| (id.to_string(), value.clone())).collect();
        let mut replayed = Assessment::new(pack.clone());
        for _ in 0..finals.len() + 1 {
            for (question, value) in &finals {
                let _ = replayed.answer(question, value.clone());
            }
        }
        let stored = |a: &Assessment| a.stored_answers().map(|(id, v)| (id.to_string(), v.clone())).collect::<Vec<_>>();
        if stored(&replayed) == finals {
            prop_assert_eq!(walked.view(Language::En), replayed.view(Language::En));
        }
    }
}
