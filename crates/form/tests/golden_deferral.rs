//! Golden tests for the deferral rules and answer prompts: tests/golden/deferral.txt lists
//! answers given in order over the golden pack `valid-with-prompts-defer-and-count`, and what
//! the engine then says of its gate (open, deferred, blocking finalise), of check-your-answers
//! and of the prompts shown. Run with `FIRSTLINE_BLESS=1` to rewrite, then read every change.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use firstline_form::{AnswerValue, Assessment, Language};

fn pack() -> Arc<firstline_form::Pack> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/loader/valid-with-prompts-defer-and-count.json");
    Arc::new(firstline_form::load_pack(&std::fs::read(path).expect("the pack")).expect("it loads"))
}

/// `q=v` answers a choice, `q=v1+v2` a multiple choice, `q=#5` a number.
fn answer(assessment: &mut Assessment, given: &str) -> String {
    let (question, value) = given.split_once('=').expect("q=v");
    let value = if let Some(number) = value.strip_prefix('#') {
        AnswerValue::Number(number.parse().expect("a number"))
    } else if value.contains('+') || question == "m" {
        AnswerValue::Choices(value.split('+').map(str::to_string).collect())
    } else {
        AnswerValue::Choice(value.to_string())
    };
    match assessment.answer(question, value) {
        Ok(()) => String::new(),
        Err(error) => format!("{given} refused ({error}); "),
    }
}

fn outcome(answers: &str) -> String {
    let mut assessment = Assessment::new(pack());
    let mut said: String = answers
        .split_whitespace()
        .map(|given| answer(&mut assessment, given))
        .collect();
    let view = assessment.view(Language::En);
    for gate in &view.gates {
        said.push_str(&format!(
            "gate {}: {}",
            gate.id,
            if gate.open { "open" } else { "closed" }
        ));
        if let Some(deferred) = gate.deferred {
            said.push_str(&format!(", deferred ({deferred})"));
        }
    }
    let summary = assessment.summary(Language::En);
    let blocking: Vec<String> = summary
        .blocking_gates
        .iter()
        .map(|gate| {
            format!(
                "{} [{}] at {}",
                gate.gate_id,
                gate.missing.join("; "),
                gate.question_id.as_deref().unwrap_or("-")
            )
        })
        .collect();
    said.push_str(&format!(
        "; blocking: {}; deferred: {}; record defers: {:?}; questions shown: {}",
        if blocking.is_empty() {
            "none".to_string()
        } else {
            blocking.join(", ")
        },
        if summary.deferred.is_empty() {
            "none".to_string()
        } else {
            summary.deferred.join(", ")
        },
        assessment.deferred_gates(),
        view.questions
            .iter()
            .map(|question| question.id)
            .collect::<Vec<_>>()
            .join(" ")
    ));
    let prompts: Vec<String> = view
        .questions
        .iter()
        .flat_map(|question| {
            question.choices.iter().filter_map(move |choice| {
                choice
                    .warning
                    .as_ref()
                    .map(|prompt| format!("{}={}: {prompt}", question.id, choice.value))
            })
        })
        .collect();
    if !prompts.is_empty() {
        said.push_str(&format!("; prompts: {}", prompts.join(", ")));
    }
    said
}

#[test]
fn every_deferral_case_gives_its_golden_outcome() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/deferral.txt");
    let text = std::fs::read_to_string(&path).expect("the golden file");
    let bless = std::env::var_os("FIRSTLINE_BLESS").is_some();
    let mut rewritten = String::new();
    let mut failures = Vec::new();
    let mut cases = 0;
    for line in text.lines() {
        let Some((answers, expected)) = line.split_once(" => ").filter(|_| !line.starts_with('#'))
        else {
            rewritten.push_str(line);
            rewritten.push('\n');
            continue;
        };
        cases += 1;
        let actual = outcome(answers.trim_start_matches('-'));
        rewritten.push_str(&format!("{answers} => {actual}\n"));
        if actual != expected {
            failures.push(format!(
                "{answers}\n  expected {expected}\n  got      {actual}"
            ));
        }
    }
    if bless {
        std::fs::write(&path, rewritten).expect("bless");
        return;
    }
    assert!(cases >= 8, "golden cases went missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
