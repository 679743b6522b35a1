//! Golden tests for the condition language: tests/golden/expressions.txt lists conditions and
//! what each gives, parsed and evaluated over fixed answers, or the exact parse error. Nothing
//! that does not parse is ever evaluated.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::path::Path;

use firstline_form::expr::{Expr, Value};

fn outcome(source: &str) -> String {
    match Expr::parse(source) {
        Ok(expr) => {
            let multiple = vec!["p".to_string()];
            let value_of = |question: &str| match question {
                "a" => Some(Value::Choice("yes")),
                "b" => Some(Value::Choice("x")),
                "m" => Some(Value::Choices(&multiple)),
                "n" => Some(Value::Number(5.0)),
                _ => None,
            };
            expr.eval(&value_of).to_string()
        }
        Err(error) => format!("parse error {error}"),
    }
}

#[test]
fn every_condition_gives_its_golden_outcome() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/expressions.txt");
    let text = std::fs::read_to_string(&path).expect("the golden file");
    let bless = std::env::var_os("FIRSTLINE_BLESS").is_some();
    let mut rewritten = String::new();
    let mut failures = Vec::new();
    let mut cases = 0;
    for line in text.lines() {
        let Some((source, expected)) = line.split_once(" => ").filter(|_| !line.starts_with('#'))
        else {
            rewritten.push_str(line);
            rewritten.push('\n');
            continue;
        };
        cases += 1;
        let actual = outcome(source);
        rewritten.push_str(&format!("{source} => {actual}\n"));
        if actual != expected {
            failures.push(format!(
                "{source}\n  expected {expected}\n  got      {actual}"
            ));
        }
    }
    if bless {
        std::fs::write(&path, rewritten).expect("bless");
        return;
    }
    assert!(cases >= 30, "golden cases went missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
