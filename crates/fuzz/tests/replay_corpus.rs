//! Replays every input kept in `fuzz/corpus/<target>/` (the seeds and what cargo-fuzz found and
//! minimised) through its target on stable: a crash fuzzing once found stays fixed.

use std::path::Path;

#[test]
fn every_kept_input_goes_through_its_target_without_a_panic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    for (target, run) in firstline_fuzz::TARGETS {
        let folder = corpus.join(target);
        let inputs: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
            .flatten()
            .map(|entry| entry.path())
            .collect();
        assert!(!inputs.is_empty(), "no corpus for {target}");
        for input in inputs {
            let bytes = std::fs::read(&input)
                .unwrap_or_else(|error| panic!("{}: {error}", input.display()));
            run(&bytes);
        }
    }
}
