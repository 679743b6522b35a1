//! The app as a force ships it — built without the `development` feature — through the real
//! window (issue 10, item 6). The demo force's key signs the built-in default pack, and its
//! private half comes from a phrase in the source, so anyone can sign a pack with it (one
//! without the safeguarding gate, say). What this drives: such a build refuses any `--pack`
//! file outright (before reading it: a demo-signed one here), and still runs the built-in
//! demo-signed pack, which it takes by content hash; the development build the rest of the
//! suite drives takes the same file, so it is the build that refuses. That a demo-signed pack
//! other than the built-in one is refused wherever else it could come from (the kept force
//! pack, a draft's kept pack) is attacked on a real vault in
//! `crates/workspace/tests/pack_trust.rs`.

#![allow(clippy::expect_used)]

use firstline_e2e::pages::{Home, QuestionPage, SignIn};
use firstline_e2e::{workspace_root, App, TempDir};
use firstline_test_force::{demo_pack_key, DEMO_PACK_KEY_ID};

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
    let signed = firstline_form::sign_pack(changed.as_bytes(), DEMO_PACK_KEY_ID, &demo_pack_key())
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

/// A force build reads the machine policy from /etc/firstline/policy.toml and nowhere else: a
/// policy file named on its command line (a laxer one of the user's own) is refused before
/// anything starts.
#[test]
fn a_release_build_refuses_a_policy_file_on_its_command_line() {
    let folder = TempDir::new("release-policy");
    let policy = folder.path().join("policy.toml");
    std::fs::write(&policy, "idle_lock_seconds = 300\n").expect("policy written");
    let output = std::process::Command::new(firstline_e2e::release_trust_binary())
        .arg("--policy")
        .arg(&policy)
        .output()
        .expect("the release build runs");
    assert_eq!(output.status.code(), Some(2), "--policy was taken");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("--policy is for development builds"),
        "{said}"
    );
}
