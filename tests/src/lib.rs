//! End-to-end harness: starts a private Xvfb display and a private tauri-driver, opens the real
//! Firstline binary through WebDriver, and stops every process it started, by pid, also when a
//! test fails (on drop).
//!
//! The app under test is the binary named by `FIRSTLINE_APP` (set by `cargo xtask test`), or
//! `target/debug/firstline` built with the `custom-protocol` and `development` features; the
//! release trust test drives `FIRSTLINE_RELEASE_TRUST_APP`, built without `development`.

// A test harness fails by panicking, with a message that says what did not happen.
#![allow(clippy::expect_used)]

pub mod force;
pub mod pages;
mod processes;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

use processes::{TauriDriver, Xvfb};

/// How long a test waits for the app to show an element before failing.
pub const WAIT: Duration = Duration::from_secs(20);

/// One running app, with the display and driver that serve it.
pub struct App {
    /// The WebDriver client driving the app's window.
    pub client: Client,
    screenshots: PathBuf,
    step: AtomicUsize,
    // Dropped after the client: the driver, then the display.
    driver: TauriDriver,
    _display: Xvfb,
    _data: Option<TempDir>,
    // Last: one app at a time in this process, released after everything above has stopped.
    _one_at_a_time: tokio::sync::MutexGuard<'static, ()>,
}

/// Every file under `folder` (its subfolders too) whose bytes contain `needle`: what the tests
/// look for on disk that must never be there readable.
pub fn files_containing(folder: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|window| window == needle))
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// Held by every running [`App`]: two WebKit apps side by side on two cores crash or starve
/// each other, so tests in one binary take turns whatever `--test-threads` says.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl App {
    /// Starts a display, a driver and the app; `test_name` names the screenshot folder.
    pub async fn launch(test_name: &str) -> App {
        Self::launch_with(test_name, &[]).await
    }

    /// Like [`App::launch`], with command-line arguments for the app.
    pub async fn launch_with(test_name: &str, args: &[&str]) -> App {
        let data = TempDir::new(test_name);
        let mut app = Self::launch_in(test_name, data.path(), args).await;
        app._data = Some(data);
        app
    }

    /// Like [`App::launch_with`], keeping the app's data in `data` (which the caller owns), so a
    /// test can close the app and launch it again on the same data.
    pub async fn launch_in(test_name: &str, data: &Path, args: &[&str]) -> App {
        Self::launch_binary(&app_binary(), test_name, data, args).await
    }

    /// Like [`App::launch_with`], for the app built as a force ships it (no `development`
    /// feature: no `--pack`, no demo-key packs but the built-in one).
    pub async fn launch_release_trust(test_name: &str, args: &[&str]) -> App {
        let data = TempDir::new(test_name);
        let mut app =
            Self::launch_binary(&release_trust_binary(), test_name, data.path(), args).await;
        app._data = Some(data);
        app
    }

    /// Like [`App::launch_with`], for an app installed elsewhere: `binary` is what tauri-driver
    /// starts (for the installed-package test, a script that runs the installed app inside its
    /// Debian root).
    pub async fn launch_installed(test_name: &str, binary: &Path) -> App {
        let data = TempDir::new(test_name);
        let mut app = Self::launch_binary(binary, test_name, data.path(), &[]).await;
        app._data = Some(data);
        app
    }

    async fn launch_binary(binary: &Path, test_name: &str, data: &Path, args: &[&str]) -> App {
        // Released on drop, also when a test fails (tokio's mutex is never poisoned).
        let one_at_a_time = ONE_APP_AT_A_TIME.lock().await;
        let display = Xvfb::start();
        let driver = TauriDriver::start(display.name(), data, free_port(), free_port());
        let capabilities = serde_json::json!({
            "tauri:options": { "application": binary, "args": args }
        });
        let client = open_window(&driver.url(), capabilities).await;
        let screenshots = workspace_root().join("target/e2e").join(test_name);
        std::fs::create_dir_all(&screenshots).expect("create the screenshot folder");
        App {
            client,
            screenshots,
            step: AtomicUsize::new(0),
            driver,
            _display: display,
            _data: None,
            _one_at_a_time: one_at_a_time,
        }
    }

    /// The element with `data-testid` = `test_id` if it is there now (no waiting).
    pub async fn find_now(&self, test_id: &str) -> Option<Element> {
        self.client
            .find(Locator::Css(&format!("[data-testid='{test_id}']")))
            .await
            .ok()
    }

    /// Waits for the element with `data-testid` = `test_id`.
    pub async fn find(&self, test_id: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&format!("[data-testid='{test_id}']")))
            .await
        {
            Ok(element) => element,
            Err(error) => {
                // Say what the window shows instead, so a failure can be read from the log.
                let showing = self
                    .client
                    .execute(
                        "return document.querySelector('main')?.innerText ?? '';",
                        vec![],
                    )
                    .await
                    .ok()
                    .and_then(|text| text.as_str().map(str::to_string))
                    .unwrap_or_default();
                panic!(
                    "the app did not show [data-testid={test_id}]: {error}; it shows: {showing:?}"
                )
            }
        }
    }

    /// Clicks the element with `data-testid` = `test_id`.
    pub async fn click(&self, test_id: &str) {
        self.find(test_id)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("could not click {test_id}: {error}"));
    }

    /// The visible text of the element with `data-testid` = `test_id`.
    pub async fn text(&self, test_id: &str) -> String {
        self.find(test_id)
            .await
            .text()
            .await
            .unwrap_or_else(|error| panic!("could not read {test_id}: {error}"))
    }

    /// Waits until the text of `test_id` is `expected`, polling (for screens that refresh
    /// themselves, such as the sync screen), for up to 40 seconds.
    pub async fn wait_for_text(&self, test_id: &str, expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let text = self.text(test_id).await;
            if text == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{test_id} shows {text:?}, never {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Saves a PNG of the window as `target/e2e/<test>/<NN>-<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let step = self.step.fetch_add(1, Ordering::Relaxed) + 1;
        // WebKit hands back the last frame it painted: wait for two animation frames so the
        // picture shows the DOM the test has just checked.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\n\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|error| panic!("screenshot {name} failed: {error}"));
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        let path = self.screenshots.join(format!("{step:02}-{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Runs axe-core (from the UI's npm packages) inside the window on the screen showing, with
    /// the WCAG 2.0, 2.1 and 2.2 A and AA rules, and fails naming every violation (rule, impact,
    /// the elements and why). `screen` names the screen in the failure.
    pub async fn check_accessibility(&self, screen: &str) {
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object';", vec![])
            .await
            .ok()
            .and_then(|value| value.as_bool())
            .unwrap_or(false);
        if !loaded {
            let source = std::fs::read_to_string(
                workspace_root().join("ui/node_modules/axe-core/axe.min.js"),
            )
            .expect("axe-core is installed (cargo xtask setup runs npm ci)");
            self.client
                .execute(&source, vec![])
                .await
                .unwrap_or_else(|error| panic!("could not load axe-core into the window: {error}"));
        }
        let outcome = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\n\
                 window.axe.run(document, {\n\
                   runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },\n\
                   resultTypes: ['violations'],\n\
                 }).then(\n\
                   (results) => done(JSON.stringify(results.violations.map((v) => ({\n\
                     id: v.id, impact: v.impact, help: v.help,\n\
                     nodes: v.nodes.map((n) => ({ target: n.target, why: n.failureSummary })),\n\
                   })))),\n\
                   (error) => done('axe failed: ' + error),\n\
                 );",
                vec![],
            )
            .await
            .unwrap_or_else(|error| panic!("axe-core did not run on {screen}: {error}"));
        let text = outcome.as_str().unwrap_or_default().to_string();
        let violations: Vec<serde_json::Value> =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("axe-core on {screen}: {text}"));
        assert!(
            violations.is_empty(),
            "accessibility violations on {screen}:\n{}",
            serde_json::to_string_pretty(&violations).unwrap_or_default()
        );
    }

    /// Calls an app command straight from the page's JavaScript, as hostile page code could,
    /// and returns `"accepted"` or the rejection as JSON text (`{"code":…,"message":…}`).
    pub async fn invoke_from_page(&self, command: &str, args: serde_json::Value) -> String {
        let answer = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\n\
                 window.__TAURI_INTERNALS__\n\
                   .invoke(arguments[0], arguments[1])\n\
                   .then(() => done('accepted'), (error) => done(JSON.stringify(error)));",
                vec![command.into(), args],
            )
            .await
            .unwrap_or_else(|error| panic!("could not run {command} from the page: {error}"));
        answer.as_str().unwrap_or_default().to_string()
    }

    /// SIGKILLs the app's own process (found in this test's driver's process group), as a dead
    /// battery or the OOM killer would: no shutdown code runs. The WebDriver session is gone
    /// with it; launch again on the same data to go on.
    pub fn kill_app(&self) {
        let binary = std::fs::canonicalize(app_binary()).expect("the app binary");
        let group = self.driver.pid() as i32;
        let mut killed = 0;
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let exe = std::fs::read_link(entry.path().join("exe")).ok();
            let in_group = nix::unistd::getpgid(Some(nix::unistd::Pid::from_raw(pid)))
                .map(|pgid| pgid.as_raw() == group)
                .unwrap_or(false);
            if in_group && exe.as_deref() == Some(binary.as_path()) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
                killed += 1;
            }
        }
        assert_eq!(killed, 1, "expected one app process to kill");
    }

    /// Closes the WebDriver session (and with it the app); the processes stop on drop.
    pub async fn close(self) {
        let App { client, .. } = self;
        let _ = client.close().await;
    }
}

/// Opens a WebDriver session, and with it the app's window, with `capabilities`.
async fn open_window(driver_url: &str, capabilities: serde_json::Value) -> Client {
    ClientBuilder::rustls()
        .expect("rustls client for WebDriver")
        .capabilities(capabilities.as_object().cloned().unwrap_or_default())
        .connect(driver_url)
        .await
        .unwrap_or_else(|error| panic!("the app window did not open: {error}"))
}

/// Measures, for the cold-start benchmark, the time from the session request to the first
/// element matching `css`. Returns the time and the open client.
pub async fn time_to_first_element(
    driver_url: &str,
    application: &Path,
    css: &str,
) -> (Duration, Client) {
    let capabilities = serde_json::json!({ "tauri:options": { "application": application } });
    let started = Instant::now();
    let client = open_window(driver_url, capabilities).await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css} never appeared: {error}"));
    (started.elapsed(), client)
}

pub use processes::{free_port, TauriDriver as Driver, Xvfb as Display};

/// The binary under test.
pub fn app_binary() -> PathBuf {
    binary_named(
        "FIRSTLINE_APP",
        "target/debug/firstline",
        "build it with `cargo build -p firstline-app --features custom-protocol,development`",
    )
}

/// The app built without the `development` feature, as a force ships it.
pub fn release_trust_binary() -> PathBuf {
    binary_named(
        "FIRSTLINE_RELEASE_TRUST_APP",
        "target/debug/firstline-release-trust",
        "build the app with `--features custom-protocol` alone and copy target/debug/firstline there",
    )
}

/// The binary `variable` names, or `default` under the workspace; `how` says how to make it.
fn binary_named(variable: &str, default: &str, how: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(default));
    assert!(
        path.is_file(),
        "the app binary {} does not exist: run `cargo xtask test`, or {how}",
        path.display()
    );
    path
}

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A folder of its own for one test's app data, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Makes a fresh folder under the system's temp dir.
    pub fn new(label: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("firstline-e2e-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the test's data folder");
        TempDir(path)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
