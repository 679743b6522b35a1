//! Cold-start benchmark: from the WebDriver session request to the first element found, for
//! Firstline's first screen (set-up, on a fresh device: the vault is opened before it shows)
//! and for a bare Tauri window, alternating, in the same run.
//! Reports medians; asserts nothing. Run by `cargo xtask bench`.

#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use firstline_e2e::{time_to_first_element, Display, Driver, TempDir};

const ROUNDS: usize = 7;

#[tokio::main]
async fn main() {
    let firstline = binary("FIRSTLINE_APP");
    let bare = binary("BARE_WINDOW_APP");
    let display = Display::start();
    let mut firstline_times = Vec::new();
    let mut bare_times = Vec::new();
    for _ in 0..ROUNDS {
        firstline_times.push(measure(&display, &firstline, "[data-testid='set-up']").await);
        bare_times.push(measure(&display, &bare, "#ready").await);
    }
    let report = format!(
        "cold start, session request to first element, median of {ROUNDS} (min..max)\n\
         firstline first screen: {}\n\
         bare Tauri window:     {}\n",
        summary(&mut firstline_times),
        summary(&mut bare_times)
    );
    print!("{report}");
    let folder = firstline_e2e::workspace_root().join("target/xtask");
    let _ = std::fs::create_dir_all(&folder);
    let _ = std::fs::write(folder.join("bench.txt"), report);
}

async fn measure(display: &Display, application: &Path, css: &str) -> Duration {
    let data = TempDir::new("cold-start");
    let driver = Driver::start(
        display.name(),
        data.path(),
        firstline_e2e::free_port(),
        firstline_e2e::free_port(),
    );
    let (elapsed, client) = time_to_first_element(&driver.url(), application, css).await;
    let _ = client.close().await;
    drop(driver);
    elapsed
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
    format!(
        "{:.0} ms ({:.0}..{:.0} ms)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    )
}

fn binary(variable: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{variable} must name a built binary (run `cargo xtask bench`)"));
    assert!(path.is_file(), "{} does not exist", path.display());
    path
}
