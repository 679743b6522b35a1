//! Test support: the built-in form pack, the shipped scenarios, and a trainee's scripted
//! actions run through [`firstline_training::Run`] on a clock the script sets.
#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use firstline_form::{AnswerValue, Pack};
use firstline_training::{Run, Scenario, Timeline};
use serde::Deserialize;

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built-in form pack the scenarios run on.
pub fn pack() -> Arc<Pack> {
    Arc::new(firstline_form::default_pack().expect("the built-in pack"))
}

/// The shipped scenario files, by id.
pub fn scenario_files() -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
                && !path.to_string_lossy().ends_with(".schema.json")
                && !path.to_string_lossy().ends_with(".signed.json")
        })
        .map(|path| {
            let id = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            (id, path)
        })
        .collect();
    files.sort();
    files
}

/// A shipped scenario, loaded against the built-in pack.
pub fn scenario(id: &str) -> Scenario {
    let path = root().join("scenarios").join(format!("{id}.json"));
    let value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
    Scenario::load(value, &pack()).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// One thing the trainee does, at a time in seconds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub at: u64,
    #[serde(default)]
    pub ask: Option<String>,
    #[serde(default)]
    pub record: Option<String>,
    #[serde(default)]
    pub answer: Option<AnswerValue>,
    #[serde(default)]
    pub finish: bool,
}

/// Runs a trainee's script: each action at its time; `record` with `ask` asks first. A record
/// the engine refuses for any reason but a closed gate fails the test (the script is wrong).
pub fn run_script(scenario: Scenario, actions: &[Action]) -> Timeline {
    let now = Arc::new(AtomicU64::new(0));
    let clock = now.clone();
    let mut run = Run::start(
        Arc::new(scenario),
        pack(),
        Box::new(move || clock.load(Ordering::SeqCst)),
    )
    .expect("started");
    for action in actions {
        now.store(action.at * 1000, Ordering::SeqCst);
        run.due_injects();
        if let Some(question) = &action.ask {
            run.ask(question).expect("asked");
        }
        if let Some(question) = &action.record {
            let answer = action.answer.clone().expect("an answer to record");
            match run.record(question, answer) {
                Ok(()) | Err(firstline_form::AnswerError::Gated { .. }) => {}
                Err(error) => panic!("at {}s, recording {question}: {error}", action.at),
            }
        }
        if action.finish {
            break;
        }
    }
    run.finish()
}
