//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure. The last
//! phase is the end-to-end suite, so the output ends with its test runner's summary line.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::setup::{setup, Tools};
use crate::shell::{cargo, root, run};

/// Runs every phase and writes their times to target/xtask/test-phases.txt.
pub fn test() -> Result<(), String> {
    let mut phases = Phases::default();
    let tools = phases.time("setup", setup)?;
    phases.time("cargo fmt", || {
        run(cargo(&["fmt", "--all", "--", "--check"]))
    })?;
    phases.time("clippy", || {
        run(cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    phases.time("dependency rule", crate::rules::check)?;
    phases.time("ui type check", || npm(&tools, &["run", "check"]))?;
    phases.time("ui lint", || npm(&tools, &["run", "lint"]))?;
    phases.time("ui unit tests", || npm(&tools, &["run", "test"]))?;
    phases.time("ui build", || build_ui(&tools))?;
    phases.time("rust tests", || {
        run(cargo(&[
            "test",
            "--workspace",
            "--locked",
            "--exclude",
            "firstline-e2e",
        ]))
    })?;
    let bundles = phases.time("packages", || crate::bundle::bundle(&tools, true))?;
    phases.time("app build", || {
        // First as every force's build is (no `development` feature), kept for the release
        // trust test; then the development build the rest of the suite drives.
        build_app(&[])?;
        keep_release_trust_app()?;
        build_app(&["--features", "development"])
    })?;
    phases.write()?;
    // Last, so that the output ends with the runner's summary line.
    let mut e2e = cargo(&[
        "test",
        "--locked",
        "-p",
        "firstline-e2e",
        "--",
        "--test-threads=1",
    ]);
    e2e.env("FIRSTLINE_APP", root().join("target/debug/firstline"));
    e2e.env("FIRSTLINE_RELEASE_TRUST_APP", release_trust_app());
    let started = Instant::now();
    let result = run(under_dbus(e2e));
    phases
        .0
        .push(("end-to-end", started.elapsed().as_secs_f64()));
    phases.write()?;
    result?;
    // Last, the packages as force IT installs them, so the output ends with this runner's line.
    let started = Instant::now();
    let installed = installed_package(&bundles);
    phases
        .0
        .push(("installed package", started.elapsed().as_secs_f64()));
    phases.write()?;
    installed
}

/// Installs the packages in a clean Debian 12 root and drives them there
/// (`tests/tests/installed_package.rs`, which only this runs), in a mount namespace of its own
/// (see `debian_root.rs`): this process runs `xtask installed-package-inner` under `unshare`.
pub fn installed_package(bundles: &crate::bundle::Bundles) -> Result<(), String> {
    let xtask = std::env::current_exe().map_err(|error| error.to_string())?;
    let mut inner = crate::shell::cmd("unshare", &["--mount", "--propagation", "private", "--"]);
    inner
        .arg(xtask)
        .arg("installed-package-inner")
        .arg(&bundles.app_deb)
        .arg(&bundles.gateway_deb);
    if let Some(path) = std::env::var_os("CARGO") {
        inner.env("CARGO", path);
    }
    run(inner)
}

/// Inside the namespace: the root made, the unit verified, the test run.
pub fn installed_package_inner(app_deb: &Path, gateway_deb: &Path) -> Result<(), String> {
    let bundles = crate::bundle::Bundles {
        app_deb: app_deb.to_path_buf(),
        app_rpm: std::path::PathBuf::new(),
        gateway_deb: gateway_deb.to_path_buf(),
    };
    let (debian, installed) = crate::debian_root::DebianRoot::prepare(&bundles)?;
    println!(
        "xtask: apt installed both packages and their dependencies in {:.1} s",
        installed.install_seconds
    );
    let mut systemd_verify = crate::shell::cmd("systemd-analyze", &["verify"]);
    systemd_verify
        .arg(format!("--root={}", debian.path().display()))
        .arg("firstline-gateway.service");
    run(systemd_verify)?;
    let mut test = cargo(&[
        "test",
        "--locked",
        "-p",
        "firstline-e2e",
        "--test",
        "installed_package",
        "--",
        "--ignored",
        "--test-threads=1",
        // It prints what it measured (the installed app's cold start).
        "--nocapture",
    ]);
    test.env("FIRSTLINE_INSTALLED_ROOT", debian.path());
    run(under_dbus(test))
}

/// Builds the UI into ui/dist.
pub fn build_ui(tools: &Tools) -> Result<(), String> {
    npm(tools, &["run", "build"])
}

/// Builds the app binary with the UI embedded (`custom-protocol`).
pub fn build_app(extra: &[&str]) -> Result<(), String> {
    let mut args = vec![
        "build",
        "--locked",
        "-p",
        "firstline-app",
        "--features",
        "custom-protocol",
    ];
    args.extend_from_slice(extra);
    run(cargo(&args))
}

/// Where the app built without the `development` feature is kept for the end-to-end suite.
fn release_trust_app() -> std::path::PathBuf {
    root().join("target/debug/firstline-release-trust")
}

fn keep_release_trust_app() -> Result<(), String> {
    let built = root().join("target/debug/firstline");
    std::fs::copy(&built, release_trust_app())
        .map(|_| ())
        .map_err(|error| format!("{}: {error}", built.display()))
}

fn npm(tools: &Tools, args: &[&str]) -> Result<(), String> {
    let mut command = tools.command("npm", args);
    command.current_dir(root().join("ui"));
    run(command)
}

/// Runs `command` inside its own D-Bus session when dbus-run-session exists, as the app's
/// keyring and single-instance support need a session bus.
fn under_dbus(command: Command) -> Command {
    if crate::shell::output(crate::shell::cmd("dbus-run-session", &["--version"])).is_none() {
        return command;
    }
    let mut wrapped = Command::new("dbus-run-session");
    wrapped
        .arg("--")
        .arg(command.get_program())
        .args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(name, value),
            None => wrapped.env_remove(name),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
}

#[derive(Default)]
struct Phases(Vec<(&'static str, f64)>);

impl Phases {
    fn time<T>(
        &mut self,
        name: &'static str,
        phase: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, String> {
        let started = Instant::now();
        let result = phase();
        self.record(name, started);
        if result.is_err() {
            let _ = self.write();
        }
        result.map_err(|error| format!("{name}: {error}"))
    }

    fn record(&mut self, name: &'static str, started: Instant) {
        let seconds = started.elapsed().as_secs_f64();
        println!("xtask: {name} took {seconds:.1} s");
        self.0.push((name, seconds));
    }

    fn write(&self) -> Result<(), String> {
        let folder = root().join("target/xtask");
        std::fs::create_dir_all(&folder).map_err(|error| error.to_string())?;
        let mut text = String::new();
        for (name, seconds) in &self.0 {
            let _ = writeln!(text, "{name:<18} {seconds:>8.1} s");
        }
        std::fs::write(folder.join("test-phases.txt"), text).map_err(|error| error.to_string())
    }
}
