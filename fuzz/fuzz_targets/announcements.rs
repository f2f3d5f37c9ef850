//! Fuzz target `announcements`: the invariants of `actas::fuzzing::check_announcements` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas::fuzzing::check_announcements(data));
