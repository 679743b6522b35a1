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

/// A TOML file's parse error for a person, naming the file and line but never quoting it: the
/// `toml` crate's own message prints the offending line, which may hold a password or an
/// enrolment code (a misspelt `pasword = "…"` is exactly such a line).
pub fn describe_toml_error(path: &str, text: &str, error: &toml::de::Error) -> String {
    match error.span() {
        Some(span) => {
            let line = text.as_bytes()[..span.start.min(text.len())]
                .iter()
                .filter(|byte| **byte == b'\n')
                .count()
                + 1;
            format!("{path}: line {line}: {}", error.message())
        }
        None => format!("{path}: {}", error.message()),
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
