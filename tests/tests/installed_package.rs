//! The packages as force IT installs them (issue 12's acceptance), in the clean Debian 12 root
//! `cargo xtask test` makes with debootstrap and installs both `.deb`s into with apt; it sets
//! `FIRSTLINE_INSTALLED_ROOT` and runs this with `--ignored` (it cannot run without that root).
//!
//! In the root: the force set up with the installed `firstline-admin` (its keys root's, only
//! the receipt key given to the gateway's group, and the gateway's user shown unable to read
//! the records key); the gateway started with its unit's `ExecStartPre` and `ExecStart` lines
//! as the unit's `User=`, with `/etc/firstline/gateway.toml`, through chroot: systemd is not
//! PID 1 here, so the unit's sandboxing is checked by `systemd-analyze verify` (xtask), not
//! exercised; a machine policy in `/etc/firstline/policy.toml`
//! carrying managed enrolment. The installed `/usr/bin/firstline` runs under Xvfb through
//! tauri-driver: after set-up the device enrols with nothing typed, Settings shows the
//! policy's idle lock as locked, and a finalised assessment arrives at the gateway. Then the
//! gateway's package is upgraded to a newer version (its own files repacked with a higher
//! version: configuration and data kept, `dpkg --verify` clean; with no gateway running under
//! systemd, the restart on upgrade is not exercised) and purged (the configuration removed,
//! the data and its user kept, and it says so).

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use firstline_e2e::pages::{Home, QuestionPage, SignIn};
use firstline_e2e::{free_port, App, TempDir};

/// The Debian root the packages are installed in.
fn debian_root() -> PathBuf {
    std::env::var_os("FIRSTLINE_INSTALLED_ROOT")
        .map(PathBuf::from)
        .expect("FIRSTLINE_INSTALLED_ROOT: run through `cargo xtask test`, which makes the root")
}

/// Runs `args` inside the root (as `user`, or root), and returns its standard output.
fn in_root(root: &Path, user: Option<&str>, args: &[&str]) -> String {
    let mut command = Command::new("chroot");
    if let Some(user) = user {
        command.arg(format!("--userspec={user}:{user}"));
    }
    let output = command
        .arg(root)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("HOME", "/root")
        .output()
        .expect("chroot runs");
    assert!(
        output.status.success(),
        "{args:?} failed in the root: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The unit's `key=` line, split into its words.
fn unit_line(root: &Path, key: &str) -> Vec<String> {
    let unit =
        std::fs::read_to_string(root.join("usr/lib/systemd/system/firstline-gateway.service"))
            .expect("the gateway package installs its unit");
    unit.lines()
        .find_map(|line| line.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("the unit has no {key}="))
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// Copies the app's output (tauri-driver's log: the app's stderr) beside the screenshots when
/// the test ends, however it ends.
struct KeepLog(PathBuf);

impl Drop for KeepLog {
    fn drop(&mut self) {
        let kept = firstline_e2e::workspace_root().join("target/e2e/installed-package/app.log");
        let _ = std::fs::copy(&self.0, kept);
    }
}

/// Kills the gateway when the test ends, however it ends.
struct Gateway(std::process::Child);

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the Debian root `cargo xtask test` makes (FIRSTLINE_INSTALLED_ROOT)"]
async fn the_installed_packages_enrol_by_policy_and_an_assessment_arrives() {
    let root = debian_root();
    let admin = |args: &[&str]| {
        let mut all = vec!["/usr/bin/firstline-admin"];
        all.extend_from_slice(args);
        in_root(&root, None, &all)
    };
    const DATABASE: &str = "/var/lib/firstline/gateway.sqlite";

    // Force IT sets the force up with the installed admin CLI: the keys stay root's (in the
    // real world on another machine), and only the receipt key is handed to the gateway's
    // group, where the packaged configuration looks for it.
    admin(&["safeguarding-keygen", "--out", "/root/safeguarding"]);
    admin(&[
        "init-force",
        "--database",
        DATABASE,
        "--name",
        "Test Constabulary",
        "--keys",
        "/root/force-keys",
        "--root-key",
        "/root/offline/root.key",
        "--safeguarding-public",
        "/root/safeguarding/safeguarding.pub",
        "--commands-key",
        "/root/it/commands.key",
    ]);
    in_root(
        &root,
        None,
        &[
            "install",
            "-o",
            "root",
            "-g",
            "firstline",
            "-m",
            "0640",
            "/root/force-keys/receipt-signing.key",
            "/etc/firstline/receipt-signing.key",
        ],
    );
    in_root(
        &root,
        None,
        &["chown", "-R", "firstline:firstline", "/var/lib/firstline"],
    );
    let user = unit_line(&root, "User").join(" ");
    assert_eq!(
        user, "firstline",
        "the unit runs the gateway as its own user"
    );
    let reads_records_key = Command::new("chroot")
        .arg(format!("--userspec={user}:{user}"))
        .arg(&root)
        .args(["cat", "/root/force-keys/records.key"])
        .output()
        .expect("chroot runs");
    assert!(
        !reads_records_key.status.success(),
        "the gateway's user can read the records key"
    );

    // The packaged configuration, on a port of this test's own.
    let config = root.join("etc/firstline/gateway.toml");
    let port = free_port();
    let text = std::fs::read_to_string(&config).expect("the packaged configuration");
    assert!(text.contains("listen = \"127.0.0.1:8643\""), "{text}");
    std::fs::write(
        &config,
        text.replace("127.0.0.1:8643", &format!("127.0.0.1:{port}")),
    )
    .expect("configuration edited");

    // The gateway as its unit starts it: the check first, then the service, as firstline.
    let check = unit_line(&root, "ExecStartPre");
    let checked = in_root(
        &root,
        Some(user.as_str()),
        &check.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(checked.starts_with("configuration ok"), "{checked}");
    let start = unit_line(&root, "ExecStart");
    let mut gateway = Command::new("chroot")
        .arg(format!("--userspec={user}:{user}"))
        .arg(&root)
        .args(&start)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the gateway starts");
    let stdout = gateway.stdout.take().expect("stdout");
    let gateway = Gateway(gateway);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the gateway announces");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    assert_eq!(url, format!("http://127.0.0.1:{port}"));

    // The device-management system drops the policy and this device's code.
    let code = admin(&["enrolment-code", "--database", DATABASE]);
    let code = code
        .lines()
        .next()
        .expect("a typed code")
        .trim()
        .to_string();
    let fingerprint = admin(&["root-fingerprint", "--database", DATABASE])
        .trim()
        .to_string();
    std::fs::write(root.join("etc/firstline/enrolment-code"), &code).expect("code dropped");
    std::fs::write(
        root.join("etc/firstline/policy.toml"),
        format!(
            "idle_lock_seconds = 120\n\n[enrolment]\ngateway_url = \"{url}\"\nroot_fingerprint = \"{fingerprint}\"\ncode_file = \"/etc/firstline/enrolment-code\"\n"
        ),
    )
    .expect("policy dropped");
    let checked = admin(&["check-policy", "/etc/firstline/policy.toml"]);
    assert!(checked.contains("idle_lock_seconds = 120"), "{checked}");

    // The installed app, in its root, through tauri-driver.
    let launcher_folder = TempDir::new("installed-launcher");
    let launcher = launcher_folder.path().join("firstline-installed");
    // The app's folders (XDG_*, which the harness names under the host's /tmp) are made at the
    // same paths inside the root; the display and the session bus are reached through their
    // abstract sockets.
    std::fs::write(
        &launcher,
        format!(
            "#!/bin/sh\nROOT={}\nmkdir -p \"$ROOT$XDG_DATA_HOME\" \"$ROOT$XDG_CONFIG_HOME\" \"$ROOT$XDG_CACHE_HOME\"\nexec chroot \"$ROOT\" /usr/bin/firstline \"$@\"\n",
            root.display()
        ),
    )
    .expect("launcher written");
    std::fs::set_permissions(&launcher, std::fs::Permissions::from_mode(0o755))
        .expect("launcher executable");
    let started = Instant::now();
    let app = App::launch_installed("installed-package", &launcher).await;
    // Declared after the app, so dropped first: the app's output is kept for whoever reads a
    // failure (target/e2e/installed-package/app.log).
    let _keep_log = KeepLog(
        std::env::temp_dir()
            .join(format!(
                "firstline-e2e-installed-package-{}",
                std::process::id()
            ))
            .join("tauri-driver.log"),
    );
    app.find("set-up").await;
    println!(
        "installed app: window to set-up screen in {:.2} s (cold, first start in the root)",
        started.elapsed().as_secs_f64()
    );
    SignIn(&app).set_up().await;
    app.click("sync").await;
    let deadline = Instant::now() + Duration::from_secs(40);
    // The sync screen refreshes itself; the enrolment runs in the background after set-up.
    while app.find_now("sync-force").await.is_none() {
        assert!(
            Instant::now() < deadline,
            "the device never enrolled by policy (the app's output is in target/e2e/installed-package/app.log)"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(app.text("sync-force").await.contains("Test Constabulary"));
    app.screenshot("enrolled-by-policy").await;
    app.click("back-home").await;
    app.click("settings").await;
    assert_eq!(
        app.text("policy-idle_lock_seconds-value").await,
        "2 minutes"
    );
    app.find("policy-idle_lock_seconds-locked").await;
    app.screenshot("settings").await;
    app.click("back-home").await;

    Home(&app).start_assessment().await;
    QuestionPage(&app).answer_everything().await;
    app.click("finalise").await;
    app.wait_for_text("sync-received", "1").await;
    app.close().await;

    let opened = admin(&[
        "open",
        "--database",
        DATABASE,
        "--records-key",
        "/root/force-keys/records.key",
    ]);
    assert_eq!(
        opened.lines().count(),
        1,
        "one assessment arrived: {opened}"
    );
    drop(gateway);

    // An upgrade to a newer version (the same files repacked as `<version>+upgrade1`, which
    // dpkg orders after it, so postinst runs as an upgrade from the installed version) keeps
    // the configuration force IT edited and the gateway's data; purge removes the
    // configuration and the user, says so, and keeps the data.
    let packages = root.join("var/cache/firstline-packages");
    let package = std::fs::read_dir(&packages)
        .expect("the packages apt installed")
        .filter_map(|entry| entry.ok().map(|entry| entry.file_name()))
        .map(|name| name.to_string_lossy().into_owned())
        .find(|name| name.starts_with("firstline-gateway_"))
        .expect("the gateway's package");
    let installed_version = in_root(
        &root,
        None,
        &["dpkg-query", "-W", "-f=${Version}", "firstline-gateway"],
    );
    let _ = std::fs::remove_dir_all(packages.join("upgrade"));
    in_root(
        &root,
        None,
        &[
            "dpkg-deb",
            "-R",
            &format!("/var/cache/firstline-packages/{package}"),
            "/var/cache/firstline-packages/upgrade",
        ],
    );
    let control_file = packages.join("upgrade/DEBIAN/control");
    let control = std::fs::read_to_string(&control_file).expect("control");
    let newer = format!("{}+upgrade1", installed_version.trim());
    std::fs::write(
        &control_file,
        control.replace(
            &format!("Version: {}\n", installed_version.trim()),
            &format!("Version: {newer}\n"),
        ),
    )
    .expect("control");
    in_root(
        &root,
        None,
        &[
            "dpkg-deb",
            "--root-owner-group",
            "-b",
            "/var/cache/firstline-packages/upgrade",
            "/var/cache/firstline-packages/upgrade.deb",
        ],
    );
    in_root(
        &root,
        None,
        &["dpkg", "-i", "/var/cache/firstline-packages/upgrade.deb"],
    );
    assert_eq!(
        in_root(
            &root,
            None,
            &["dpkg-query", "-W", "-f=${Version}", "firstline-gateway"]
        )
        .trim(),
        newer
    );
    // The package's files are as dpkg recorded them.
    in_root(&root, None, &["dpkg", "--verify", "firstline-gateway"]);
    let kept = std::fs::read_to_string(&config).expect("configuration");
    assert!(
        kept.contains(&format!("127.0.0.1:{port}")),
        "the upgrade replaced the configuration"
    );
    let reopened = admin(&[
        "open",
        "--database",
        DATABASE,
        "--records-key",
        "/root/force-keys/records.key",
    ]);
    assert_eq!(reopened.lines().count(), 1, "the upgrade lost a submission");
    let purged = in_root(
        &root,
        None,
        &["apt-get", "purge", "-y", "-q", "firstline-gateway"],
    );
    assert!(
        purged.contains("removed /etc/firstline/gateway.toml")
            && purged.contains("Kept /var/lib/firstline"),
        "{purged}"
    );
    in_root(&root, None, &["getent", "passwd", "firstline"]);
    assert!(!config.exists());
    assert!(root.join("var/lib/firstline/gateway.sqlite").exists());
}
