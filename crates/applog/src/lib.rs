//! The app's own log and the support bundle.
//!
//! The log is metadata only, by construction: the app records an [`Event`], a closed set whose
//! fields are counts, codes and facts about the device, never text an officer typed. Events go
//! to `firstline.log` in the log folder (under the app's data folder) as JSON lines, rotated by
//! size (`firstline.log.1` is the newest old file; a few are kept, the oldest dropped), at the
//! level the policy sets (`error`, `warn`, `info`, `debug`). Only events from this crate are
//! written: a library's own `tracing` lines never reach the file.
//!
//! The support bundle ([`write_support_bundle`]) is one JSON file for force IT's service desk:
//! the diagnostics the app shows and the log files, written readable by its owner only.

mod bundle;
mod event;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

pub use bundle::{write_support_bundle, BUNDLE_FORMAT};
pub use event::{record, Event};

/// The log file's name in the log folder.
pub const LOG_FILE: &str = "firstline.log";

/// The target every event is recorded under; nothing else is written.
const TARGET: &str = "firstline_applog::event";

/// How big the log may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    /// A file is closed and a new one started once it passes this size.
    pub bytes_per_file: usize,
    /// Closed files kept beside the current one; older ones are deleted.
    pub files_kept: usize,
}

impl Default for Rotation {
    /// 1 MiB a file, five kept: at most about 6 MiB.
    fn default() -> Self {
        Rotation {
            bytes_per_file: 1024 * 1024,
            files_kept: 5,
        }
    }
}

/// The most detailed level written; changed with [`set_level`] (the policy is re-read at each
/// unlock). 0 error, 1 warn, 2 info, 3 debug.
static LEVEL: AtomicU8 = AtomicU8::new(2);

/// Sets the level from the policy's `log_level` (`error`, `warn`, `info`, `debug`); anything
/// else leaves `info`.
pub fn set_level(level: &str) {
    let value = match level {
        "error" => 0,
        "warn" => 1,
        "debug" => 3,
        _ => 2,
    };
    LEVEL.store(value, Ordering::Relaxed);
    // Each log line's call site remembers whether it is enabled: forget that, so the new
    // level applies to lines already written once.
    tracing::callsite::rebuild_interest_cache();
}

fn level_rank(level: &tracing::Level) -> u8 {
    match *level {
        tracing::Level::ERROR => 0,
        tracing::Level::WARN => 1,
        tracing::Level::INFO => 2,
        _ => 3,
    }
}

/// A subscriber writing this crate's events to `folder/firstline.log`, rotated as `rotation`
/// says. The folder is made (readable by its owner only on Unix) if missing.
pub fn subscriber(
    folder: &Path,
    rotation: Rotation,
) -> Result<impl tracing::Subscriber + Send + Sync, String> {
    create_private_dir(folder)?;
    let mut open = std::fs::OpenOptions::new();
    open.read(true).create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let file = FileRotate::new(
        folder.join(LOG_FILE),
        AppendCount::new(rotation.files_kept.max(1)),
        ContentLimit::BytesSurpassed(rotation.bytes_per_file.max(1)),
        Compression::None,
        Some(open),
    );
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_writer(LogWriter(Mutex::new(file)))
        .with_filter(tracing_subscriber::filter::filter_fn(|metadata| {
            metadata.target() == TARGET
                && level_rank(metadata.level()) <= LEVEL.load(Ordering::Relaxed)
        }));
    Ok(tracing_subscriber::registry().with(layer))
}

/// The log file behind a lock, written so that nothing about it can take the app down: a
/// poisoned lock is taken over, and a panic inside the rotation (`file-rotate` asserts on the
/// files it finds, which a second copy of the app rotating the same folder can upset) becomes
/// a write error, which the log drops.
struct LogWriter(Mutex<FileRotate<AppendCount>>);

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogLine<'a>;

    fn make_writer(&'a self) -> LogLine<'a> {
        LogLine(&self.0)
    }
}

/// One event's write to the log file.
struct LogLine<'a>(&'a Mutex<FileRotate<AppendCount>>);

impl std::io::Write for LogLine<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.guarded(|file| file.write(bytes))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.guarded(std::io::Write::flush)
    }
}

impl LogLine<'_> {
    fn guarded<T>(
        &self,
        action: impl FnOnce(&mut FileRotate<AppendCount>) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let mut file = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| action(&mut file)))
            .unwrap_or_else(|_| Err(std::io::Error::other("the log file could not be rotated")))
    }
}

/// Starts the app's log in `folder` for the whole process. Fails if the folder cannot be made
/// or a log is already running.
pub fn start(folder: &Path, rotation: Rotation) -> Result<(), String> {
    tracing::subscriber::set_global_default(subscriber(folder, rotation)?)
        .map_err(|error| format!("the log is already running: {error}"))
}

/// The log files in `folder`, oldest first (the current one last).
pub fn log_files(folder: &Path) -> Vec<PathBuf> {
    let mut numbered: Vec<(usize, PathBuf)> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let rank = if name == LOG_FILE {
                0
            } else {
                name.strip_prefix(LOG_FILE)?
                    .strip_prefix('.')?
                    .parse::<usize>()
                    .ok()?
            };
            Some((rank, entry.path()))
        })
        .collect();
    numbered.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
    numbered.into_iter().map(|(_, path)| path).collect()
}

fn create_private_dir(folder: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(folder)
        .map_err(|error| format!("cannot make the log folder {}: {error}", folder.display()))
}
