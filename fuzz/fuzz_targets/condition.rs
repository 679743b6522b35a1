//! Fuzz target: `firstline_fuzz::condition` (see crates/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| firstline_fuzz::condition(data));
