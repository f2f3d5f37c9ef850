//! Reading a file on every core gives the same set and the same report, line numbers included,
//! as reading it on one.

use actas::io::{read_csv, read_csv_path};
use actas::synth::{AnomalyRates, SynthConfig, layout, write_csv};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("actas-parallel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn parallel_file_read_equals_sequential() {
    let config = SynthConfig {
        sheets: 120_000,
        anomalies: AnomalyRates {
            rule_violation: 1_000,
            over_turnout: 1_000,
            duplicate: 5_000,
            conflict: 5_000,
        },
        ..SynthConfig::default()
    };
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    // Damage a few rows and add blank lines, spread over the file, so that rejected rows and
    // line numbers land in every part.
    let text = String::from_utf8(csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for k in (1..lines.len()).step_by(9_973) {
        lines[k] = lines[k].replacen(",", ",x", 7);
    }
    for k in (5..lines.len()).step_by(17_011).rev() {
        lines.insert(k, " ".to_owned());
    }
    let damaged = lines.join("\n") + "\n";
    assert!(damaged.len() > 8 << 20, "large enough to be read in parts");
    let path = temp("synthetic.csv");
    std::fs::write(&path, &damaged).unwrap();

    let lay = layout(&config);
    let sequential = read_csv(damaged.as_bytes(), &lay).unwrap();
    let parallel = read_csv_path(&path, &lay).unwrap();
    assert!(!sequential.report.rejected.is_empty() && sequential.report.blank_lines > 0);
    assert_eq!(parallel.report, sequential.report);
    assert_eq!(parallel.set, sequential.set);
    assert_eq!(parallel.set.repeats(), sequential.set.repeats());

    // A quote anywhere: read on one core, the same result.
    let quoted = damaged.replacen("Region 000000", "\"Region 000000\"", 1);
    std::fs::write(&path, &quoted).unwrap();
    let q_seq = read_csv(quoted.as_bytes(), &lay).unwrap();
    let q_par = read_csv_path(&path, &lay).unwrap();
    assert_eq!(q_par.report, q_seq.report);
    assert_eq!(q_par.set, q_seq.set);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
