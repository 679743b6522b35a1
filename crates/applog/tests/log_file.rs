//! The app's log file as the app writes it: JSON lines of its own events only, at the policy's
//! level, rotated by size with a fixed number of files kept.
#![allow(clippy::expect_used)]

use firstline_applog::{log_files, record, set_level, subscriber, Event, Rotation, LOG_FILE};

fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("log file")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

#[test]
fn the_log_rotates_by_size_keeps_its_last_files_and_writes_only_its_own_events_at_the_level_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("logs");
    let rotation = Rotation {
        bytes_per_file: 2048,
        files_kept: 3,
    };
    let log = subscriber(&folder, rotation).expect("log");
    tracing::subscriber::with_default(log, || {
        set_level("info");
        // Not ours: a library's line, whatever it says, never reaches the file.
        tracing::error!(target: "reqwest::connect", "CANARY-LIBRARY-LINE");
        // The level applies at once, also to a line already written once at another level.
        record(Event::Unlocked);
        set_level("warn");
        record(Event::Unlocked);
        record(Event::PolicyProblem);
        let events: Vec<_> = lines(&folder.join(LOG_FILE))
            .into_iter()
            .map(|line| line["event"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            events,
            ["unlocked", "policy_problem"],
            "info written at warn"
        );
        set_level("debug");
        for acknowledged in 0..400 {
            record(Event::SyncPass {
                outcome: "drained",
                acknowledged,
                quarantined: 0,
            });
        }
        record(Event::Finalised);
        set_level("info");
    });

    let files = log_files(&folder);
    assert_eq!(
        files.len(),
        4,
        "the current file and three closed ones: {files:?}"
    );
    assert_eq!(
        files.last().and_then(|path| path.file_name()),
        Some(std::ffi::OsStr::new(LOG_FILE))
    );
    let mut all = Vec::new();
    for file in &files {
        let size = std::fs::metadata(file).expect("size").len();
        assert!(size < 2048 + 400, "{} is {size} bytes", file.display());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file).expect("meta").permissions().mode();
            assert_eq!(mode & 0o077, 0, "{} is readable by others", file.display());
        }
        all.extend(lines(file));
    }
    // Oldest first, newest last: the last line is the last event, the first ones were dropped.
    assert_eq!(all.last().expect("a line")["event"], "finalised");
    let first_kept = all
        .iter()
        .find_map(|line| line["acknowledged"].as_u64())
        .expect("a sync line");
    assert!(first_kept > 0, "the oldest lines were not dropped");
    let counts: Vec<u64> = all
        .iter()
        .filter_map(|line| line["acknowledged"].as_u64())
        .collect();
    assert!(
        counts.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "lines out of order or lost across files"
    );
    assert_eq!(*counts.last().expect("count"), 399);
    for line in &all {
        assert!(
            line["timestamp"].is_string() && line["level"].is_string(),
            "{line}"
        );
    }
    let text: String = files
        .iter()
        .map(|file| std::fs::read_to_string(file).expect("read"))
        .collect();
    assert!(!text.contains("CANARY-LIBRARY-LINE"));

    // Started again over the same folder (the app restarted): it appends, and rotation goes on
    // counting the file's size.
    let log = subscriber(&folder, rotation).expect("log again");
    tracing::subscriber::with_default(log, || record(Event::Unlocked));
    assert_eq!(
        lines(&folder.join(LOG_FILE)).last().expect("line")["event"],
        "unlocked"
    );
    assert_eq!(log_files(&folder).len(), 4);
}
