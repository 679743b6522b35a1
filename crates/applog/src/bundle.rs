//! The support bundle: one JSON file for force IT's service desk, with the diagnostics the app
//! shows (which hold no personal data) and the app's log files (metadata only, see
//! [`crate::Event`]), written new and readable by its owner only.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The bundle format this build writes.
pub const BUNDLE_FORMAT: u32 = 1;

#[derive(Serialize)]
struct Bundle<'a> {
    format: u32,
    /// When it was written (seconds since the Unix epoch).
    written_at: i64,
    diagnostics: &'a serde_json::Value,
    logs: Vec<LogFile>,
}

#[derive(Serialize)]
struct LogFile {
    name: String,
    /// Each line as the JSON object it is (a line that is not JSON, cut off by a crash, is kept
    /// as text).
    lines: Vec<serde_json::Value>,
}

/// Writes `firstline-support-<written_at>.json` into `folder` (made if missing) with
/// `diagnostics` and the log files in `log_folder`; returns its path. A bundle of the same
/// second is not overwritten: a suffix is added.
pub fn write_support_bundle(
    folder: &Path,
    log_folder: &Path,
    diagnostics: &serde_json::Value,
    written_at: i64,
) -> Result<PathBuf, String> {
    let logs = crate::log_files(log_folder)
        .into_iter()
        .map(|path| LogFile {
            name: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            lines: std::fs::read_to_string(&path)
                .unwrap_or_default()
                .lines()
                .map(|line| {
                    serde_json::from_str(line)
                        .unwrap_or_else(|_| serde_json::Value::String(line.to_string()))
                })
                .collect(),
        })
        .collect();
    let bytes = serde_json::to_vec_pretty(&Bundle {
        format: BUNDLE_FORMAT,
        written_at,
        diagnostics,
        logs,
    })
    .map_err(|error| error.to_string())?;
    std::fs::create_dir_all(folder)
        .map_err(|error| format!("cannot make {}: {error}", folder.display()))?;
    for attempt in 0..100 {
        let name = match attempt {
            0 => format!("firstline-support-{written_at}.json"),
            n => format!("firstline-support-{written_at}-{n}.json"),
        };
        let path = folder.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut file) => {
                file.write_all(&bytes)
                    .and_then(|()| file.sync_all())
                    .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
                return Ok(path);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(format!("cannot write {}: {error}", path.display())),
        }
    }
    Err(format!(
        "{} holds a hundred bundles of this second",
        folder.display()
    ))
}
