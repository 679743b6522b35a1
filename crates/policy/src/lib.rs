//! The machine policy: what force IT fixes for every officer on a managed device, in
//! `/etc/firstline/policy.toml` (`%ProgramData%\Firstline\policy.toml` on Windows), and the
//! effective settings it makes with the force's policy (from the gateway) and the defaults.
//!
//! - **Ordered settings** (idle lock, PIN lengths, wrong-PIN limit) take the strictest of the
//!   three: a shorter idle lock, a longer PIN, fewer wrong PINs. Nobody can loosen what another
//!   tightened, and the default is always one of the three, so it is the loosest any device
//!   runs with (the policy files' and `set-policy`'s ranges stop there).
//! - **The others** (may the device secret live in a file, may officers be set up here, may
//!   `--pack` be used, may training run, the log level) take the machine policy's value where it
//!   sets one, else the force's, else the default.
//!
//! A setting the machine policy names is *locked*: nothing on the device changes it. This crate
//! reads files and decides; it applies nothing (the workspace does, at each unlock).

mod effective;
mod machine;

pub use effective::{effective, Effective, ForceSettings, Setting, Source, StartOptions};
pub use machine::{MachinePolicy, ManagedEnrolment, PolicyError};

/// A TOML file's parse error for a person, naming the file, the line and the key on it, but
/// never quoting a value: the `toml` crate's own message prints the offending line, and its
/// short message may quote the value (`invalid type: integer `12345678``), either of which may
/// be a password or an enrolment code. Every part of the message in backquotes is left out.
pub fn describe_toml_error(path: &str, text: &str, error: &toml::de::Error) -> String {
    let message: String = error
        .message()
        .split('`')
        .enumerate()
        .map(|(index, part)| if index % 2 == 1 { "…" } else { part })
        .collect();
    match error.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = text.as_bytes()[..start]
                .iter()
                .filter(|byte| **byte == b'\n')
                .count()
                + 1;
            // The key on that line, when the line is `key = …` with a bare key (a misspelt
            // setting's name is not a secret; a line with no key says nothing more).
            let key = text
                .lines()
                .nth(line - 1)
                .and_then(|line| line.split_once('='))
                .map(|(key, _)| key.trim())
                .filter(|key| {
                    !key.is_empty()
                        && key.len() <= 40
                        && key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                })
                .map(|key| format!(" ({key})"))
                .unwrap_or_default();
            format!("{path}: line {line}{key}: {message}")
        }
        None => format!("{path}: {message}"),
    }
}

/// Where the machine policy lives on this platform.
pub fn machine_policy_path() -> std::path::PathBuf {
    // Not from %ProgramData%: whoever starts the app sets the environment, and must not choose
    // the policy. (The known-folder API would follow a moved ProgramData; untested here.)
    #[cfg(windows)]
    {
        std::path::PathBuf::from("C:\\ProgramData\\Firstline\\policy.toml")
    }
    #[cfg(not(windows))]
    {
        std::path::PathBuf::from("/etc/firstline/policy.toml")
    }
}
