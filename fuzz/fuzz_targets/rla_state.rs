//! Fuzz target `rla_state`: the invariants of `actas::fuzzing::check_rla_state` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas::fuzzing::check_rla_state(data));
