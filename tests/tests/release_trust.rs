//! The app as a force ships it — built without the `development` feature — trusts form packs as
//! a release must (issue 10, item 6), driven through the real window. The demo force's key signs
//! the built-in default pack, and its private half comes from a phrase in the source, so anyone
//! can sign a pack with it (one without the safeguarding gate, say). Such a build refuses a
//! `--pack` file and any demo-signed pack but the built-in one, which it takes by content hash;
//! the development build the rest of the suite drives takes the same file, which shows it is the
//! build, not the file, that refuses.

#![allow(clippy::expect_used)]

use ed25519_dalek::SigningKey;
use firstline_e2e::pages::{Home, QuestionPage, SignIn};
use firstline_e2e::{workspace_root, App, TempDir};
use sha2::{Digest, Sha256};

/// The demo force's signing key, as anyone can make it from the phrase in the source.
fn demo_key() -> SigningKey {
    SigningKey::from_bytes(
        &Sha256::digest(b"firstline demo force pack-signing key: never for a real force").into(),
    )
}

/// The default pack with one question's words changed, signed with the demo key.
fn demo_signed_pack(folder: &TempDir) -> String {
    let pack = std::fs::read_to_string(workspace_root().join("forms/default.json"))
        .expect("the default pack");
    let changed = pack.replacen(
        "Are there visible injuries?",
        "Are there visible injuries (changed)?",
        1,
    );
    assert_ne!(pack, changed);
    let signed =
        firstline_form::sign_pack(changed.as_bytes(), "firstline-demo-force-2026", &demo_key())
            .expect("signed");
    let path = folder.path().join("demo-signed.json");
    std::fs::write(&path, signed).expect("written");
    path.to_str().expect("utf-8 path").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_build_refuses_pack_files_and_runs_only_the_built_in_demo_signed_pack() {
    let folder = TempDir::new("release-trust-packs");
    let forged = demo_signed_pack(&folder);

    let app = App::launch_release_trust("release-trust-pack-file", &["--pack", &forged]).await;
    SignIn(&app).set_up().await;
    // A page script asking directly gets the typed refusal.
    let answer = app
        .invoke_from_page("start_assessment", serde_json::json!({ "language": "en" }))
        .await;
    assert!(
        answer.contains("pack_refused"),
        "start_assessment: {answer}"
    );
    Home(&app).start_assessment().await;
    let error = app.text("error-screen").await;
    assert!(
        error.contains("The form pack was refused and cannot be used"),
        "error screen: {error}"
    );
    app.screenshot("pack-file-refused").await;
    app.close().await;

    // The same build without --pack runs the built-in default pack.
    let app = App::launch_release_trust("release-trust-built-in", &[]).await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let first = QuestionPage(&app).label().await;
    assert!(!first.is_empty(), "no first question");
    app.close().await;

    // The development build takes the very same file.
    let app = App::launch_with("development-pack-file", &["--pack", &forged]).await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    QuestionPage(&app).label().await;
    app.close().await;
}
