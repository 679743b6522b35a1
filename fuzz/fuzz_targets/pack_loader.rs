//! Fuzz target: `firstline_fuzz::pack_loader` (see crates/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| firstline_fuzz::pack_loader(data));
