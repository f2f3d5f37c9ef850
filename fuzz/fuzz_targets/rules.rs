//! Fuzz target `rules`: the invariants of `actas::fuzzing::check_rule` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas::fuzzing::check_rule(data));
