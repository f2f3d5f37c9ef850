//! Fuzz target `split`: the reader's splitter against the `csv` crate (`actas::fuzzing::check_split`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas::fuzzing::check_split(data));
