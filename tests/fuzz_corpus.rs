//! The fuzz targets' invariants (`actas::fuzzing`) on their seeds and on every input the fuzzers
//! found (`fuzz/seeds/TARGET` and `fuzz/regressions/TARGET`), so that a regression fails
//! `cargo test` without a fuzzer.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for dir in ["seeds", "regressions"] {
        let dir = root.join(dir).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{} breaks an invariant", file.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no inputs for the {target} target");
}

#[test]
fn split_inputs() {
    replay("split", actas::fuzzing::check_split);
}

#[test]
fn csv_inputs() {
    replay("csv", actas::fuzzing::check_csv);
}

#[test]
fn layout_inputs() {
    replay("layout", actas::fuzzing::check_layout);
}

#[test]
fn announcements_inputs() {
    replay("announcements", actas::fuzzing::check_announcements);
}

#[test]
fn rules_inputs() {
    replay("rules", actas::fuzzing::check_rule);
}

#[test]
fn rla_state_inputs() {
    replay("rla_state", actas::fuzzing::check_rla_state);
}
