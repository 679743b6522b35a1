//! The support bundle: the diagnostics given and every log file, one JSON file readable by its
//! owner only, never overwriting an earlier one.
#![allow(clippy::expect_used)]

use firstline_applog::{record, subscriber, write_support_bundle, Event, Rotation, BUNDLE_FORMAT};

#[test]
fn a_bundle_holds_the_diagnostics_and_the_log_and_never_overwrites_another() {
    let dir = tempfile::tempdir().expect("temp dir");
    let logs = dir.path().join("data").join("logs");
    let documents = dir.path().join("Documents");
    let log = subscriber(&logs, Rotation::default()).expect("log");
    tracing::subscriber::with_default(log, || {
        record(Event::Started {
            version: "1.2.3",
            managed: true,
        });
        record(Event::CommandRefused { refusal: "gated" });
    });
    // A line cut off by a crash is kept as text.
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(logs.join(firstline_applog::LOG_FILE))
        .expect("open")
        .write_all(b"{\"timestamp\":\"cut")
        .expect("write");
    let diagnostics = serde_json::json!({"app_version": "1.2.3", "audit_entries": 7});

    let first =
        write_support_bundle(&documents, &logs, &diagnostics, 1_800_000_000).expect("written");
    let second =
        write_support_bundle(&documents, &logs, &diagnostics, 1_800_000_000).expect("written");
    assert_eq!(first, documents.join("firstline-support-1800000000.json"));
    assert_eq!(
        second,
        documents.join("firstline-support-1800000000-1.json")
    );

    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&first).expect("read")).expect("JSON");
    assert_eq!(bundle["format"], BUNDLE_FORMAT);
    assert_eq!(bundle["written_at"], 1_800_000_000);
    assert_eq!(bundle["diagnostics"], diagnostics);
    let lines = bundle["logs"][0]["lines"].as_array().expect("lines");
    assert_eq!(bundle["logs"][0]["name"], firstline_applog::LOG_FILE);
    assert_eq!(lines[0]["event"], "started");
    assert_eq!(lines[0]["version"], "1.2.3");
    assert_eq!(lines[1]["refusal"], "gated");
    assert_eq!(lines[2], "{\"timestamp\":\"cut");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&first)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the bundle is readable by others");
    }
}
