//! Fuzz target `layout`: the invariants of `actas::fuzzing::check_layout` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas::fuzzing::check_layout(data));
