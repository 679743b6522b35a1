//! A form pack that has been changed since it was signed is refused with a clear error screen,
//! and the app stays usable.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_e2e::pages::{Home, SignIn};
use firstline_e2e::{workspace_root, App, TempDir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_pack_shows_a_clear_error_screen() {
    let folder = TempDir::new("tampered-pack-file");
    let signed = std::fs::read_to_string(workspace_root().join("forms/default.signed.json"))
        .expect("the signed default pack");
    let tampered = signed.replacen(
        "Are there visible injuries?",
        "Are there visible injuries!",
        1,
    );
    assert_ne!(signed, tampered);
    let path = folder.path().join("tampered.json");
    std::fs::write(&path, tampered).expect("write the tampered pack");

    let app = App::launch_with(
        "tampered-pack",
        &["--pack", path.to_str().expect("utf-8 path")],
    )
    .await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let error = app.text("error-screen").await;
    assert!(
        error.contains("The form pack has been changed since it was signed"),
        "error screen: {error}"
    );
    app.screenshot("tampered-pack").await;

    app.click("back-home").await;
    app.find("start-assessment").await;
    app.close().await;
}
