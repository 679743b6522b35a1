//! docs/form-pack.md's tables of the DASH 2009 items and the APP first-response actions against
//! the default pack: every DASH item 1–27 has a row, and every question id a row names is a
//! question of the pack (a row with no id says why in its note). A renamed or removed question
//! fails here until the documentation says where the item went.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::path::Path;

use firstline_form::default_pack;

/// The rows of the Markdown table whose header starts with `first_column`: each row's cells.
fn table(document: &str, first_column: &str) -> Vec<Vec<String>> {
    let header = format!("| {first_column} |");
    let mut lines = document
        .lines()
        .skip_while(|line| !line.starts_with(&header))
        .skip(2); // the header and the |---| line
    let mut rows = Vec::new();
    for line in lines.by_ref() {
        let Some(inner) = line
            .strip_prefix('|')
            .and_then(|line| line.strip_suffix('|'))
        else {
            break;
        };
        rows.push(
            inner
                .split('|')
                .map(|cell| cell.trim().to_string())
                .collect(),
        );
    }
    rows
}

/// The backticked ids of a cell (`—` for none).
fn ids(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn document() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/form-pack.md");
    std::fs::read_to_string(path).expect("docs/form-pack.md")
}

fn pack_ids() -> Vec<String> {
    let pack = default_pack().expect("default pack");
    pack.file()
        .sections
        .iter()
        .flat_map(|section| &section.questions)
        .map(|question| question.id.clone())
        .collect()
}

fn check(rows: &[Vec<String>], what: &str) {
    let known = pack_ids();
    for row in rows {
        assert_eq!(row.len(), 4, "{what} row {row:?} does not have 4 cells");
        let named = ids(&row[2]);
        if named.is_empty() {
            assert!(
                row[2] == "—" && !row[3].is_empty(),
                "{what} {:?} names no question and does not say why",
                row[0]
            );
        }
        for id in named {
            assert!(
                known.contains(&id),
                "{what} {:?} names {id}, which the default pack does not have",
                row[0]
            );
        }
    }
}

#[test]
fn every_dash_item_has_a_row_and_every_id_it_names_is_in_the_pack() {
    let rows = table(&document(), "DASH item");
    let numbers: Vec<String> = rows.iter().map(|row| row[0].clone()).collect();
    let expected: Vec<String> = (1..=27).map(|n| n.to_string()).collect();
    assert_eq!(
        numbers, expected,
        "the DASH table must list items 1 to 27 in order"
    );
    check(&rows, "DASH item");
}

#[test]
fn every_app_action_row_names_questions_of_the_pack() {
    let rows = table(&document(), "APP action");
    assert!(
        rows.len() >= 20,
        "the APP table shrank to {} rows",
        rows.len()
    );
    check(&rows, "APP action");
}

#[test]
fn the_table_reader_reads_what_it_should() {
    let document = "x\n| DASH item | Asks | Question ids | Note |\n|---|---|---|---|\n| 1 | a | `q1`, `q2` | n |\n| 2 | b | — | why |\n\nafter";
    let rows = table(document, "DASH item");
    assert_eq!(rows.len(), 2);
    assert_eq!(ids(&rows[0][2]), ["q1", "q2"]);
    assert!(ids(&rows[1][2]).is_empty());
}
