//! Fuzz target: `firstline_fuzz::enrolment_code` (see crates/fuzz).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| firstline_fuzz::enrolment_code(data));
