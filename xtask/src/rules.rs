//! The workspace's dependency rule, checked rather than hoped for: the core crates never depend
//! on tauri or WebKit, not even for their tests (so `cargo test -p` of a core crate never
//! compiles WebKit).

use crate::shell::{cargo, output};

/// The crates that must stay free of tauri.
const CORE_CRATES: &[&str] = &[
    "firstline-form",
    "firstline-protocol",
    "firstline-seal",
    "firstline-vault",
    "firstline-sync",
    "firstline-backend",
    "firstline-admin",
    "firstline-workspace",
];

/// Fails when a core crate has tauri or WebKit anywhere in its normal or dev dependency tree.
pub fn check() -> Result<(), String> {
    for name in CORE_CRATES {
        let tree = output(cargo(&[
            "tree",
            "--locked",
            "-p",
            name,
            "-e",
            "normal,dev",
            "--prefix",
            "none",
        ]))
        .ok_or_else(|| format!("`cargo tree -p {name}` failed"))?;
        if let Some(line) = tree.lines().find(|line| {
            line.starts_with("tauri ")
                || line.starts_with("tauri-")
                || line.starts_with("webkit2gtk")
        }) {
            return Err(format!(
                "{name} is a core crate and must not depend on tauri, but it pulls in {line}"
            ));
        }
    }
    println!("dependency rule: the core crates do not depend on tauri");
    Ok(())
}
