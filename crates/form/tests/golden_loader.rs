//! Golden tests for the pack loader: every file in tests/golden/loader is a pack, and the file
//! beside it with `.error` holds the exact error the loader must give (or `ok`). Run with
//! `FIRSTLINE_BLESS=1` to write the `.error` files afresh, then read every change.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::path::Path;

#[test]
fn every_loader_error_is_the_golden_one() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/loader");
    let bless = std::env::var_os("FIRSTLINE_BLESS").is_some();
    let mut packs: Vec<_> = std::fs::read_dir(&folder)
        .expect("the golden folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    packs.sort();
    assert!(packs.len() >= 20, "golden packs went missing");
    let mut failures = Vec::new();
    for pack in packs {
        let bytes = std::fs::read(&pack).expect("read a golden pack");
        let actual = match firstline_form::load_pack(&bytes) {
            Ok(_) => "ok".to_string(),
            Err(error) => error.to_string(),
        };
        let golden = pack.with_extension("error");
        if bless {
            std::fs::write(&golden, format!("{actual}\n")).expect("bless");
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected.trim_end() != actual {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  got      {actual:?}",
                pack.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
