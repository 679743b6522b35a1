//! Benchmarks of the form engine (reported, never asserted), on a generated 300-question pack
//! with conditions, half answered, the gate open:
//! - one answer: checked, stored, and everything it can affect re-evaluated (what the engine
//!   evaluates per answer);
//! - one answer and the whole view the UI is sent afterwards (every visible question's texts,
//!   borrowed from the pack);
//! - the same, written as the JSON the IPC answer carries (what the shell does with it);
//! - loading and verifying the signed default pack.
//!
//! `cargo bench -p firstline-form` (or `cargo xtask bench`).

#![allow(missing_docs, clippy::expect_used)]

// The bench uses only the generator, not the gated-id helper the property tests use.
#[allow(dead_code)]
#[path = "../tests/support/generated_pack.rs"]
mod generated_pack;

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use firstline_form::{default_pack, load_pack, AnswerValue, Assessment, Language};

fn view_after_one_answer(c: &mut Criterion) {
    let pack = Arc::new(
        load_pack(generated_pack::generated_pack(300, 7).as_bytes()).expect("generated pack"),
    );
    let mut assessment = Assessment::new(pack);
    // Open the gate and answer half the pack, as an officer part-way through would have.
    for (question, value) in [("q0", "yes"), ("q1", "yes"), ("q2", "a")] {
        assessment
            .answer(question, AnswerValue::Choice(value.into()))
            .expect("gate answers");
    }
    for q in 3..150 {
        let value = if q % 3 == 2 { "a" } else { "yes" };
        let _ = assessment.answer(&format!("q{q}"), AnswerValue::Choice(value.into()));
    }
    let mut flip = false;
    c.bench_function(
        "answer (re-evaluates what it affects), 300-question generated pack",
        |b| {
            b.iter(|| {
                flip = !flip;
                let value = if flip { "no" } else { "yes" };
                black_box(assessment.answer("q10", AnswerValue::Choice(value.into())))
            })
        },
    );
    c.bench_function("answer + view, 300-question generated pack", |b| {
        b.iter(|| {
            flip = !flip;
            let value = if flip { "no" } else { "yes" };
            let _ = assessment.answer("q10", AnswerValue::Choice(value.into()));
            black_box(assessment.view(Language::En).questions.len())
        })
    });
    c.bench_function(
        "answer + view written as the IPC answer (JSON), 300-question generated pack",
        |b| {
            b.iter(|| {
                flip = !flip;
                let value = if flip { "no" } else { "yes" };
                let _ = assessment.answer("q10", AnswerValue::Choice(value.into()));
                black_box(serde_json::to_vec(&assessment.view(Language::En)).map(|json| json.len()))
            })
        },
    );
}

fn load_default_pack(c: &mut Criterion) {
    c.bench_function("load and verify the default pack", |b| {
        b.iter(|| black_box(default_pack().expect("default pack")))
    });
}

criterion_group!(benches, view_after_one_answer, load_default_pack);
criterion_main!(benches);
