//! Fuzz target: `firstline_fuzz::protocol_bodies` (see crates/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| firstline_fuzz::protocol_bodies(data));
