//! The processes an end-to-end test starts: a private Xvfb display and a private tauri-driver
//! (which starts WebKitWebDriver, which starts the app). Each is stopped on drop by pid:
//! tauri-driver with SIGTERM first, since only then does it stop its WebKitWebDriver, then its
//! whole process group with SIGKILL so that nothing it started outlives the test.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::os::unix::process::CommandExt;

use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// A private X display.
pub struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on a display number nobody uses.
    pub fn start() -> Xvfb {
        let number = (90..400)
            .find(|n| {
                !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                    && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            })
            .expect("a free X display number");
        let display = format!(":{number}");
        let child = Command::new("Xvfb")
            .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start Xvfb (run `cargo xtask setup`)");
        let socket = format!("/tmp/.X11-unix/X{number}");
        wait_until("Xvfb to open its display", || Path::new(&socket).exists());
        Xvfb { child, display }
    }

    /// The display's name, for `DISPLAY`.
    pub fn name(&self) -> &str {
        &self.display
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// A private tauri-driver and the WebKitWebDriver it starts.
pub struct TauriDriver {
    child: Child,
    port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver on `port` / `native_port`, with the app's data kept under `data`.
    pub fn start(display: &str, data: &Path, port: u16, native_port: u16) -> TauriDriver {
        let log = std::fs::File::create(data.join("tauri-driver.log")).ok();
        let child = Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // A clean environment: under `cargo test` the app would otherwise inherit cargo's
            // variables (LD_LIBRARY_PATH into target/, CARGO_*). The app gets only what a desktop
            // session would give it. WEBKIT_DISABLE_DMABUF_RENDERER is deliberately not set:
            // with it, WebKitWebDriver's screenshot command never answers under Xvfb.
            .env_clear()
            .envs(std::env::vars_os().filter(|(name, _)| {
                ["PATH", "HOME", "LANG", "USER", "DBUS_SESSION_BUS_ADDRESS"]
                    .iter()
                    .any(|kept| name == kept)
            }))
            .env("DISPLAY", display)
            .env("XDG_DATA_HOME", data.join("data"))
            .env("XDG_CONFIG_HOME", data.join("config"))
            .env("XDG_CACHE_HOME", data.join("cache"))
            .stdout(Stdio::null())
            .stderr(log.map(Stdio::from).unwrap_or_else(Stdio::null))
            .process_group(0)
            .spawn()
            .expect("start tauri-driver (run `cargo xtask setup`)");
        // tauri-driver spawns WebKitWebDriver and then listens at once; a session requested
        // before WebKitWebDriver listens too is dropped ("webdriver server did not respond"),
        // so wait for both.
        wait_until("tauri-driver to listen", || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        wait_until("WebKitWebDriver to listen", || {
            TcpStream::connect(("127.0.0.1", native_port)).is_ok()
        });
        TauriDriver { child, port }
    }

    /// The driver's process id, which is also its process group's (the app runs in it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The WebDriver URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

fn tauri_driver() -> std::path::PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    cargo_home
        .map(|home| home.join("bin/tauri-driver"))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| "tauri-driver".into())
}

/// SIGTERM, a grace period, then SIGKILL to the whole process group; always reaps the child.
fn stop(child: &mut Child) {
    let Ok(raw_pid) = i32::try_from(child.id()) else {
        return;
    };
    let pid = Pid::from_raw(raw_pid);
    let _ = kill(pid, Signal::SIGTERM);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Whatever the child started (WebKitWebDriver, the app) is in its process group.
    let _ = killpg(pid, Signal::SIGKILL);
    let _ = child.wait();
}

fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
