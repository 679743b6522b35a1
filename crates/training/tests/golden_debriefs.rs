//! Golden debriefs (issue 13's acceptance): for each shipped scenario, a good run and at least
//! one typical mistake, each a trainee's fixed script (`tests/golden/debrief/<scenario>.<case>
//! .trainee.json`) run through the real form engine. The timeline it makes and the debrief
//! scored from that timeline must equal the checked-in `.timeline.json` and `.debrief.json`
//! (`FIRSTLINE_BLESS=1` rewrites them; read the diff before committing). The report and the
//! cohort CSV are written from them and hold what the debrief shows.
#![allow(clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use firstline_training::report::{cohort_csv, report_html, write_report, CohortRow};
use firstline_training::{debrief, Debrief, Outcome, Timeline};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/debrief")
}

/// Compares `actual` with the checked-in file (or rewrites it when blessing).
fn golden(path: &Path, actual: &str) {
    if std::env::var_os("FIRSTLINE_BLESS").is_some() {
        std::fs::write(path, actual).expect("bless");
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing: run with FIRSTLINE_BLESS=1", path.display()));
    assert!(
        expected == actual,
        "{} differs from what the run gives:\n{actual}",
        path.display()
    );
}

/// Every trainee script: (scenario id, case, path).
fn scripts() -> Vec<(String, String, PathBuf)> {
    let mut scripts: Vec<(String, String, PathBuf)> = std::fs::read_dir(golden_dir())
        .expect("golden folder")
        .map(|entry| entry.expect("entry").path())
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let stem = name.strip_suffix(".trainee.json")?;
            let (scenario, case) = stem.split_once('.')?;
            Some((scenario.to_string(), case.to_string(), path))
        })
        .collect();
    scripts.sort();
    scripts
}

fn outcome_of(debrief: &Debrief, category: &str) -> Outcome {
    debrief
        .categories
        .iter()
        .find(|found| found.id == category)
        .map(|found| found.outcome)
        .expect("category")
}

#[test]
fn each_scenarios_fixed_timelines_give_the_checked_in_debriefs() {
    let scripts = scripts();
    for (id, _) in support::scenario_files() {
        let cases: Vec<&str> = scripts
            .iter()
            .filter(|(scenario, _, _)| *scenario == id)
            .map(|(_, case, _)| case.as_str())
            .collect();
        assert!(
            cases.contains(&"good") && cases.len() >= 2,
            "{id}: a good run and at least one typical mistake are needed, found {cases:?}"
        );
    }
    for (scenario_id, case, path) in &scripts {
        let actions: Vec<support::Action> =
            serde_json::from_slice(&std::fs::read(path).expect("read")).expect("a script");
        let scenario = support::scenario(scenario_id);
        let timeline = support::run_script(scenario.clone(), &actions);
        let timeline_json = serde_json::to_string_pretty(&timeline).expect("json") + "\n";
        let stem = format!("{scenario_id}.{case}");
        golden(
            &golden_dir().join(format!("{stem}.timeline.json")),
            &timeline_json,
        );
        // The debrief is scored from the checked-in timeline, as it would be from a stored one.
        let fixed: Timeline = serde_json::from_str(&timeline_json).expect("timeline");
        let debrief = debrief(&scenario, support::pack(), &fixed);
        golden(
            &golden_dir().join(format!("{stem}.debrief.json")),
            &(serde_json::to_string_pretty(&debrief).expect("json") + "\n"),
        );
        if case == "good" {
            for category in &debrief.categories {
                assert_eq!(
                    category.outcome,
                    Outcome::Met,
                    "{stem}: {} is not met in the good run: {}",
                    category.id,
                    category.reason
                );
            }
        } else {
            // Each typical mistake is caught where it should be, whatever else it also gets
            // wrong (written here, not blessed).
            let expected_not_met: &[&str] = match stem.as_str() {
                "migrant-deportation-threat.immigration-first" => {
                    &["safeguarding_first", "gated_attempts"]
                }
                "suspect-offers-to-interpret.suspect-interprets" => {
                    &["safeguarding_first", "interpreter"]
                }
                "strangulation-minimised.minimising-taken-at-face-value" => {
                    &["grade", "recorded_as_said"]
                }
                "child-not-seen.lily-not-seen" => &["key_actions"],
                "male-victim.control-not-asked" => &["coercive_control", "grade", "referrals"],
                "not-safe-to-talk.pressed-to-talk" => {
                    &["never_asked", "gated_attempts", "key_actions"]
                }
                other => panic!("{other}: say which categories this mistake should fail"),
            };
            for category in expected_not_met {
                assert_eq!(
                    outcome_of(&debrief, category),
                    Outcome::NotMet,
                    "{stem}: {category}"
                );
            }
        }
    }
}

#[test]
fn asking_about_immigration_before_privacy_is_refused_and_marks_safeguarding_first_not_met() {
    let scenario = support::scenario("migrant-deportation-threat");
    let actions: Vec<support::Action> = serde_json::from_slice(
        &std::fs::read(
            golden_dir().join("migrant-deportation-threat.immigration-first.trainee.json"),
        )
        .expect("read"),
    )
    .expect("script");
    let timeline = support::run_script(scenario.clone(), &actions);
    let refused = timeline
        .moments
        .iter()
        .position(|moment| {
            matches!(&moment.event, firstline_training::Event::Refused { question, gate }
                if question == "deportation_threats" && gate == "safeguarding")
        })
        .expect("the gate refused the early question");
    let debrief = debrief(&scenario, support::pack(), &timeline);
    let first = debrief
        .categories
        .iter()
        .find(|category| category.id == "safeguarding_first")
        .expect("category");
    assert_eq!(first.outcome, Outcome::NotMet);
    assert_eq!(first.moments, vec![refused], "{}", first.reason);
    assert_eq!(outcome_of(&debrief, "gated_attempts"), Outcome::NotMet);
}

#[test]
fn the_report_and_the_cohort_csv_hold_what_the_debrief_shows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows = Vec::new();
    let mut debriefs = Vec::new();
    for (case, trainee) in [
        ("good", "PC Good <b>"),
        ("immigration-first", "=HYPERLINK(\"x\")"),
    ] {
        let scenario = support::scenario("migrant-deportation-threat");
        let actions: Vec<support::Action> = serde_json::from_slice(
            &std::fs::read(
                golden_dir().join(format!("migrant-deportation-threat.{case}.trainee.json")),
            )
            .expect("read"),
        )
        .expect("script");
        let timeline = support::run_script(scenario.clone(), &actions);
        let debrief = debrief(&scenario, support::pack(), &timeline);
        let html = report_html(&scenario, trainee, &debrief, &timeline);
        let path = write_report(dir.path(), &format!("debrief-{case}.html"), html.as_bytes())
            .expect("written");
        assert_eq!(
            path.parent().and_then(Path::file_name),
            Some(std::ffi::OsStr::new("Firstline training"))
        );
        let written = std::fs::read_to_string(&path).expect("read");
        // Every category, its outcome and reason, and every moment of the timeline.
        for category in &debrief.categories {
            assert!(written.contains(&format!("<tr id=\"{}\">", category.id)));
            assert!(
                written.contains(&html_escape::encode_text(&category.reason).to_string()),
                "{case}: the reason for {} is not in the report",
                category.id
            );
        }
        assert_eq!(
            written.matches("<li id=\"m").count(),
            timeline.moments.len()
        );
        assert!(
            !written.contains("<b>"),
            "the trainee's name is not escaped"
        );
        assert!(!written.contains("<script"), "a report runs nothing");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for kept in [path.clone(), path.parent().expect("folder").to_path_buf()] {
                let mode = std::fs::metadata(&kept).expect("meta").permissions().mode();
                assert_eq!(mode & 0o077, 0, "{} is readable by others", kept.display());
            }
        }
        debriefs.push((trainee, debrief));
    }
    for (trainee, debrief) in &debriefs {
        rows.push(CohortRow { trainee, debrief });
    }
    let csv = String::from_utf8(cohort_csv(&rows).expect("csv")).expect("utf-8");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        &header[..4],
        ["trainee", "scenario", "scenario_version", "seconds_taken"]
    );
    for (record, (trainee, debrief)) in reader.records().zip(&debriefs) {
        let record = record.expect("row");
        // A name a spreadsheet would run as a formula is written as text.
        let expected = if trainee.starts_with('=') {
            format!("'{trainee}")
        } else {
            trainee.to_string()
        };
        assert_eq!(&record[0], expected);
        for (index, category) in debrief.categories.iter().enumerate() {
            assert_eq!(header[4 + index], category.id);
            let code = match category.outcome {
                Outcome::Met => "met",
                Outcome::Partly => "partly",
                Outcome::NotMet => "not_met",
            };
            assert_eq!(&record[4 + index], code);
        }
        // No free text: no reason, no answer, no reply.
        for category in &debrief.categories {
            assert!(!record.iter().any(|field| field == category.reason));
        }
    }
    // Past the trainee's name, every field is an id, a number or an outcome code: no words.
    for record in csv::Reader::from_reader(csv.as_bytes()).records() {
        let record = record.expect("row");
        assert!(
            record.iter().skip(1).all(|field| !field.contains(' ')),
            "free text in the CSV: {record:?}"
        );
    }
    let again = write_report(dir.path(), "debrief-good.html", b"x").expect("written");
    assert!(
        again.ends_with("debrief-good-1.html"),
        "a report was overwritten"
    );
}
