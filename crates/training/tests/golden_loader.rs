//! Golden loader errors: every `tests/golden/loader/*.json` is read as a scenario against the
//! built-in form pack, and the words a trainer or force IT reads (or `ok`) must equal the
//! sibling `.error` file (`FIRSTLINE_BLESS=1` rewrites them).
#![allow(clippy::expect_used)]

mod support;

use std::path::Path;

use firstline_training::Scenario;

#[test]
fn each_broken_scenario_is_refused_with_the_words_checked_in() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/loader");
    let mut cases: Vec<_> = std::fs::read_dir(&folder)
        .expect("folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "only {} cases", cases.len());
    let pack = support::pack();
    let mut refused = 0;
    for case in &cases {
        let bytes = std::fs::read(case).expect("read");
        let said = match serde_json::from_slice(&bytes)
            .map_err(|error| firstline_training::ScenarioError::Malformed {
                detail: error.to_string(),
            })
            .and_then(|value| Scenario::load(value, &pack))
        {
            Ok(_) => "ok".to_string(),
            Err(error) => {
                refused += 1;
                error.to_string()
            }
        } + "\n";
        let expected_path = case.with_extension("error");
        if std::env::var_os("FIRSTLINE_BLESS").is_some() {
            std::fs::write(&expected_path, &said).expect("bless");
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert_eq!(said, expected, "{}", case.display());
    }
    assert_eq!(refused, cases.len() - 1, "only ok.json loads");
}
