//! Property tests over generated packs (any size, any conditions): no gated question id reaches
//! a view or summary while the gate is closed, the gate's status is a function of the answers
//! alone, and the engine's incremental re-evaluation after each answer agrees with evaluating
//! everything afresh.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

mod support {
    pub mod generated_pack;
}

use std::sync::Arc;

use firstline_form::{load_pack, AnswerValue, Assessment, Language};
use proptest::prelude::*;
use support::generated_pack::{gated_question_ids, generated_pack};

const CHOICES: [&str; 6] = ["yes", "no", "unknown", "a", "b", "c"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_gated_id_crosses_while_the_gate_is_closed(
        size in 12usize..80,
        seed in any::<u64>(),
        answers in prop::collection::vec((0usize..80, 0usize..6), 0..150),
    ) {
        let pack = Arc::new(load_pack(generated_pack(size, seed).as_bytes()).expect("generated packs load"));
        let gated = gated_question_ids(size);
        let mut assessment = Assessment::new(pack.clone());
        for (question, choice) in answers {
            let _ = assessment.answer(&format!("q{}", question % size), AnswerValue::Choice(CHOICES[choice].into()));
            let view = assessment.view(Language::En);
            let afresh = Assessment::restore(
                pack.clone(),
                assessment.stored_answers().map(|(id, value)| (id, value.clone())),
            )
            .expect("stored answers restore");
            prop_assert_eq!(&view, &afresh.view(Language::En), "incremental and full evaluation disagree");
            if !view.gates[0].open {
                let seen = serde_json::to_string(&view).expect("json")
                    + &serde_json::to_string(&assessment.summary(Language::En)).expect("json");
                for id in &gated {
                    prop_assert!(!seen.contains(&format!("\"{id}\"")), "{} crossed while closed", id);
                }
            }
        }
        // Gate status is a function of the answers: a fresh assessment given the same stored
        // answers of the ungated questions agrees.
        let mut again = Assessment::new(pack);
        let stored: Vec<(String, AnswerValue)> =
            assessment.stored_answers().map(|(id, value)| (id.to_string(), value.clone())).collect();
        for _ in 0..3 {
            for (id, value) in &stored {
                let _ = again.answer(id, value.clone());
            }
        }
        prop_assert_eq!(
            &assessment.view(Language::En).gates[0],
            &again.view(Language::En).gates[0]
        );
    }
}
