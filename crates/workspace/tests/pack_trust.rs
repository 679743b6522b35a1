//! Which form packs a release build trusts (issue 10, item 6), attacked through the workspace
//! on a real vault file: a pack signed with the demo force's key — whose private half anyone can
//! derive from a public phrase, and which could drop the safeguarding gate — is refused unless
//! it is byte for byte the built-in default pack; `--pack` is refused; a draft whose kept pack
//! was swapped for another (even one the force signed) is not reopened on it.

#![allow(clippy::expect_used)]

mod support;

use firstline_form::Language;
use firstline_workspace::{PackSource, Refusal};
use support::{generated_pack, Device};

fn demo_signed(pack_json: &str) -> Vec<u8> {
    firstline_form::sign_pack(
        pack_json.as_bytes(),
        firstline_test_force::DEMO_PACK_KEY_ID,
        &firstline_test_force::demo_pack_key(),
    )
    .expect("signed")
}

#[test]
fn a_release_build_refuses_demo_signed_packs_but_takes_the_built_in_one() {
    let device = Device::enrolled();
    // No force pack yet: the built-in default pack, which the demo key signed, is taken by its
    // content hash.
    let mut workspace = device.release_workspace(PackSource::ForceOrBuiltIn);
    workspace
        .start(Language::En)
        .expect("the built-in pack starts");
    drop(workspace);

    // Someone puts a demo-signed pack of their own where the force's pack is kept.
    let forged = demo_signed(&generated_pack(2, 3, 11));
    let hash = firstline_form::verify_pack(&forged, &firstline_form::built_in_keys())
        .expect("the demo key signed it")
        .content_hash()
        .to_string();
    device.keep_force_pack(&forged, &hash);
    let mut workspace = device.release_workspace(PackSource::ForceOrBuiltIn);
    let refused = workspace
        .start(Language::En)
        .expect_err("a demo-signed pack");
    assert_eq!(refused.refusal(), Refusal::PackUnknownKey);
    drop(workspace);
    // A development build (cargo xtask run, tests) still takes it.
    let mut workspace = device.workspace(PackSource::ForceOrBuiltIn);
    workspace
        .start(Language::En)
        .expect("development builds trust the demo key");
}

#[test]
fn a_release_build_refuses_a_pack_file() {
    let device = Device::enrolled();
    let path = device.signed_pack(&generated_pack(2, 3, 12));
    let mut workspace = device.release_workspace(PackSource::File(path));
    let refused = workspace.start(Language::En).expect_err("--pack");
    assert_eq!(refused.refusal(), Refusal::PackRefused);
}

#[test]
fn a_draft_is_not_reopened_on_a_pack_other_than_its_own() {
    let device = Device::enrolled();
    let (first, first_hash) = device.force_signed(&generated_pack(2, 3, 13));
    device.keep_force_pack(&first, &first_hash);
    let mut workspace = device.release_workspace(PackSource::ForceOrBuiltIn);
    workspace.start(Language::En).expect("started");
    let draft = workspace.drafts().expect("drafts")[0]
        .summary
        .assessment_id
        .clone();
    workspace.lock();
    drop(workspace);

    // The kept pack's bytes swapped for another pack the force also signed.
    let (other, _) = device.force_signed(&generated_pack(2, 3, 14));
    rusqlite::Connection::open(device.vault_path())
        .expect("open")
        .execute(
            "UPDATE packs SET signed_bytes = ?1 WHERE pack_hash = ?2",
            rusqlite::params![other, first_hash],
        )
        .expect("swapped");
    let mut workspace = device.release_workspace(PackSource::ForceOrBuiltIn);
    let refused = workspace
        .resume(Language::En, draft)
        .expect_err("reopened on another pack");
    assert_eq!(refused.refusal(), Refusal::PackTampered);
}
