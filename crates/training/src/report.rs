//! What the trainer keeps: each debrief as an HTML file written by Rust into a "Firstline
//! training" folder under the user's documents folder, and a cohort CSV with a row per run and
//! a column per category (outcomes only: no free text, no reasons, no answers).

use std::path::{Path, PathBuf};

use html_escape::encode_text as escape;

use crate::debrief::{Debrief, Outcome};
use crate::scenario::Scenario;
use crate::timeline::{Event, Timeline};

/// The folder under the documents folder that reports are written to.
pub const REPORT_FOLDER: &str = "Firstline training";

fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Met => "Met",
        Outcome::Partly => "Partly met",
        Outcome::NotMet => "Not met",
    }
}

fn outcome_code(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Met => "met",
        Outcome::Partly => "partly",
        Outcome::NotMet => "not_met",
    }
}

fn category_title(id: &str) -> &str {
    match id {
        "safeguarding_first" => "Safeguarding steps first",
        "interpreter" => "Interpreter",
        "coercive_control" => "Coercive control asked about",
        "grade" => "Grade",
        "referrals" => "Referrals",
        "gated_attempts" => "Questions tried behind a closed gate",
        "never_asked" => "Questions that must not be asked",
        "key_actions" => "Key actions for this incident",
        "recorded_as_said" => "Answers recorded as the victim gave them",
        "time_taken" => "Time taken",
        other => other,
    }
}

/// One moment of the timeline in words.
fn moment_words(event: &Event) -> String {
    match event {
        Event::Asked {
            question,
            reply,
            reliable,
        } => format!(
            "Asked {question}. The victim: \u{201c}{reply}\u{201d}{}",
            if *reliable {
                ""
            } else {
                " (cannot be relied on)"
            }
        ),
        Event::Refused { question, gate } => {
            format!("Tried {question}: refused, the {gate} gate was closed")
        }
        Event::Recorded { question, answer } => format!(
            "Recorded {question}: {}",
            serde_json::to_string(answer).unwrap_or_default()
        ),
        Event::Inject { says, .. } => format!("Inject: {says}"),
        Event::Finished => "Finalised: the scenario ended".into(),
    }
}

/// The debrief as a standalone HTML page (every text escaped; no scripts, no external files).
pub fn report_html(
    scenario: &Scenario,
    trainee: &str,
    debrief: &Debrief,
    timeline: &Timeline,
) -> String {
    let mut html = String::new();
    html.push_str("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    html.push_str(&format!(
        "<title>Debrief: {} – {}</title>\n",
        escape(trainee),
        escape(&scenario.title)
    ));
    html.push_str("<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}.met{color:#0b6b2b}.partly{color:#8a5a00}.not_met{color:#b00020}</style>\n</head>\n<body>\n");
    html.push_str("<p><strong>TRAINING</strong>: synthetic data from a scripted scenario.</p>\n");
    html.push_str(&format!(
        "<h1>Debrief: {}</h1>\n<p>Scenario: {} (version {}). Time taken: {}:{:02}.</p>\n",
        escape(trainee),
        escape(&scenario.title),
        escape(&scenario.version),
        debrief.seconds_taken / 60,
        debrief.seconds_taken % 60
    ));
    html.push_str("<table>\n<thead><tr><th>Category</th><th>Outcome</th><th>Why</th><th>Moments</th></tr></thead>\n<tbody>\n");
    for category in &debrief.categories {
        let moments: Vec<String> = category
            .moments
            .iter()
            .map(|moment| format!("<a href=\"#m{moment}\">{}</a>", moment + 1))
            .collect();
        html.push_str(&format!(
            "<tr id=\"{}\"><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>\n",
            html_escape::encode_double_quoted_attribute(&category.id),
            escape(category_title(&category.id)),
            outcome_code(category.outcome),
            outcome_words(category.outcome),
            escape(&category.reason),
            moments.join(", ")
        ));
    }
    html.push_str("</tbody>\n</table>\n<h2>Timeline</h2>\n<ol>\n");
    for (index, moment) in timeline.moments.iter().enumerate() {
        let seconds = moment.at_ms / 1000;
        html.push_str(&format!(
            "<li id=\"m{index}\">{}:{:02} {}</li>\n",
            seconds / 60,
            seconds % 60,
            escape(&moment_words(&moment.event))
        ));
    }
    html.push_str("</ol>\n</body>\n</html>\n");
    html
}

/// One row of the cohort CSV.
pub struct CohortRow<'a> {
    /// The trainee as the trainer named them.
    pub trainee: &'a str,
    /// The debrief.
    pub debrief: &'a Debrief,
}

/// The cohort CSV: trainee, scenario, version, seconds taken, then one outcome code per
/// category (`met`, `partly`, `not_met`). No reasons, answers or other free text; a trainee's
/// name that a spreadsheet would take for a formula is written as text.
pub fn cohort_csv(rows: &[CohortRow<'_>]) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let categories: Vec<&str> = rows
        .first()
        .map(|row| {
            row.debrief
                .categories
                .iter()
                .map(|c| c.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    let mut header = vec!["trainee", "scenario", "scenario_version", "seconds_taken"];
    header.extend(&categories);
    writer
        .write_record(&header)
        .map_err(|error| error.to_string())?;
    for row in rows {
        let mut record = vec![
            spreadsheet_safe(row.trainee),
            row.debrief.scenario.clone(),
            row.debrief.scenario_version.clone(),
            row.debrief.seconds_taken.to_string(),
        ];
        record.extend(
            row.debrief
                .categories
                .iter()
                .map(|category| outcome_code(category.outcome).to_string()),
        );
        writer
            .write_record(&record)
            .map_err(|error| error.to_string())?;
    }
    writer.into_inner().map_err(|error| error.to_string())
}

/// A cell a spreadsheet will not read as a formula: text starting `=`, `+`, `-`, `@`, a tab or
/// a carriage return gets a leading apostrophe (the usual CSV-injection guard).
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Writes `bytes` as a new file `name` in `documents/Firstline training` (made if missing,
/// readable by its owner only, as the file is: reports name trainees), never overwriting one
/// (a number is added); returns its path.
pub fn write_report(documents: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    use std::io::Write;
    let folder = documents.join(REPORT_FOLDER);
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&folder)
        .map_err(|error| format!("cannot make {}: {error}", folder.display()))?;
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    for attempt in 0..1000 {
        let file = match attempt {
            0 => name.to_string(),
            n => format!("{stem}-{n}.{extension}"),
        };
        let path = folder.join(file);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut out) => {
                out.write_all(bytes)
                    .and_then(|()| out.sync_all())
                    .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
                return Ok(path);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(format!("cannot write {}: {error}", path.display())),
        }
    }
    Err(format!(
        "{} is full of reports named {name}",
        folder.display()
    ))
}
