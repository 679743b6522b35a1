//! Property tests: over random answer sequences on the default pack, no question behind a closed
//! gate (by id or label) reaches a view, summary or refusal, and answers to one are refused and
//! audited, and the view is a function of the answers alone
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

/// What sits behind one gate: its questions' ids and their English and Welsh labels.
struct Behind {
    ids: Vec<String>,
    labels: Vec<String>,
}

/// By gate, in pack order: what sits behind it.
fn behind_each_gate(pack: &Pack) -> Vec<Behind> {
    pack.file()
        .gates
        .iter()
        .map(|gate| {
            let questions: Vec<_> = pack
                .file()
                .sections
                .iter()
                .filter(|section| section.gate.as_deref() == Some(gate.id.as_str()))
                .flat_map(|section| &section.questions)
                .collect();
            Behind {
                ids: questions
                    .iter()
                    .map(|question| question.id.clone())
                    .collect(),
                labels: questions
                    .iter()
                    .flat_map(|question| {
                        Language::ALL.map(|language| question.label.get(language).to_string())
                    })
                    .collect(),
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// For every gate of the pack (the privacy gate in front of the risk questions as much as
    /// the safeguarding gate): while it is closed, none of its questions' ids or labels is in
    /// any view, summary or refusal, and every refused answer to one is audited.
    #[test]
    fn nothing_behind_a_closed_gate_crosses(picks in prop::collection::vec(any::<prop::sample::Index>(), 0..160)) {
        let pack = pack();
        let candidates = candidates(&pack);
        let behind = behind_each_gate(&pack);
        prop_assert!(behind.len() >= 2 && behind.iter().all(|gate| !gate.ids.is_empty()));
        let mut assessment = Assessment::new(pack.clone());
        for pick in picks {
            let (question, value) = &candidates[pick.index(candidates.len())];
            let gates_before: Vec<bool> = assessment.view(Language::En).gates.iter().map(|gate| gate.open).collect();
            let refusal = assessment.answer(question, value.clone()).err();
            let audited = assessment.take_audit_events();
            let behind_closed = gates_before
                .iter()
                .zip(&behind)
                .any(|(open, gate)| !open && gate.ids.contains(question));
            if behind_closed {
                prop_assert!(matches!(refusal, Some(firstline_form::AnswerError::Gated { .. })), "{} answered behind a closed gate", question);
                prop_assert_eq!(audited.len(), 1, "the refused answer to {} was not audited", question);
            } else {
                prop_assert!(audited.is_empty());
            }
            let refusal_text = refusal.map(|error| format!("{error} {error:?}")).unwrap_or_default();
            for language in [Language::En, Language::Cy] {
                let view = assessment.view(language);
                let summary = assessment.summary(language);
                // Every question id the UI is given, wherever it is given one.
                let ids_given: Vec<&str> = view.questions.iter().map(|shown| shown.id)
                    .chain(summary.rows.iter().chain(&summary.missing).map(|row| row.question_id.as_str()))
                    .chain(summary.blocking_gates.iter().filter_map(|gate| gate.question_id.as_deref()))
                    .collect();
                let text = serde_json::to_string(&view).expect("json")
                    + &serde_json::to_string(&summary).expect("json");
                for (gate, behind) in view.gates.iter().zip(&behind) {
                    if gate.open {
                        continue;
                    }
                    for id in &behind.ids {
                        prop_assert!(!ids_given.contains(&id.as_str()), "{} given while gate {} was closed", id, gate.id);
                        if id != question {
                            prop_assert!(!refusal_text.contains(&format!("{id:?}")), "{} in a refusal while gate {} was closed", id, gate.id);
                        }
                    }
                    for label in &behind.labels {
                        prop_assert!(!text.contains(label.as_str()), "{:?} shown while gate {} was closed", label, gate.id);
                        prop_assert!(!refusal_text.contains(label.as_str()), "{:?} in a refusal while gate {} was closed", label, gate.id);
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
