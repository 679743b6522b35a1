//! Fuzz target: `firstline_fuzz::envelope` (see crates/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| firstline_fuzz::envelope(data));
