//! The machine policy: what force IT fixes for every officer on a managed device, in
//! `/etc/firstline/policy.toml` (`%ProgramData%\Firstline\policy.toml` on Windows), and the
//! effective settings it makes with the force's policy (from the gateway) and the defaults.
//!
//! - **Ordered settings** (idle lock, PIN lengths, wrong-PIN limit) take the strictest of the
//!   three: a shorter idle lock, a longer PIN, fewer wrong PINs. Nobody can loosen what another
//!   tightened.
//! - **The others** (may the device secret live in a file, may officers be set up here, may
//!   `--pack` be used, may training run, the log level) take the machine policy's value where it
//!   sets one, else the force's, else the default.
//!
//! A setting the machine policy names is *locked*: nothing on the device changes it. This crate
//! reads files and decides; it applies nothing (the workspace does, at each unlock).

mod effective;
mod machine;

pub use effective::{effective, Effective, Setting, Source, StartOptions};
pub use machine::{MachinePolicy, ManagedEnrolment, PolicyError};

/// Where the machine policy lives on this platform.
pub fn machine_policy_path() -> std::path::PathBuf {
    #[cfg(windows)]
    {
        let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        std::path::PathBuf::from(base)
            .join("Firstline")
            .join("policy.toml")
    }
    #[cfg(not(windows))]
    {
        std::path::PathBuf::from("/etc/firstline/policy.toml")
    }
}
