//! The synthetic generator: deterministic, the same in memory and as CSV, and every injected
//! anomaly is found by the audit, with nothing else of those kinds.

use std::collections::BTreeSet;

use actas::audit::Audit;
use actas::io::read_csv;
use actas::report::Code;
use actas::report::Subject;
use actas::synth::{AnomalyRates, SynthConfig, generate, layout, write_csv};

fn tables_with(report: &actas::audit::AuditReport, code: Code) -> BTreeSet<String> {
    report
        .with_code(code)
        .filter_map(|f| match &f.subject {
            Subject::Sheet { table, .. } => Some(table.clone()),
            _ => None,
        })
        .collect()
}

fn set_of(ids: &[String]) -> BTreeSet<String> {
    ids.iter().cloned().collect()
}

#[test]
fn every_injected_anomaly_is_found() {
    for (candidates, lines) in [(2, 1), (10, 1), (40, 1), (5, 3)] {
        let config = SynthConfig::default()
            .with_sheets(4_000)
            .with_candidates(candidates)
            .with_lines_per_candidate(lines)
            .with_seed(7)
            .with_anomalies(
                AnomalyRates::default()
                    .with_rule_violation(20_000)
                    .with_over_turnout(15_000)
                    .with_duplicate(10_000)
                    .with_conflict(10_000),
            );
        let (set, injected) = generate(&config).unwrap();
        assert_eq!(set.tables(), 4_000);
        for list in [
            &injected.rule_violations,
            &injected.over_turnout,
            &injected.duplicates,
            &injected.conflicts,
        ] {
            assert!(
                list.len() > 10,
                "the rates inject enough to test: {}",
                list.len()
            );
        }
        let report = Audit::new(&set).run().unwrap();
        let broken: BTreeSet<String> = set_of(&injected.rule_violations)
            .union(&set_of(&injected.over_turnout))
            .cloned()
            .collect();
        assert_eq!(
            tables_with(&report, Code::RuleBroken),
            broken,
            "{candidates} candidates"
        );
        assert_eq!(
            tables_with(&report, Code::MoreVotersThanElectors),
            set_of(&injected.over_turnout)
        );
        assert_eq!(
            tables_with(&report, Code::RepeatIdentical),
            set_of(&injected.duplicates)
        );
        assert_eq!(
            tables_with(&report, Code::RepeatConflicting),
            set_of(&injected.conflicts)
        );
    }
}

#[test]
fn clean_data_has_no_rule_or_repeat_findings() {
    let config = SynthConfig::default()
        .with_sheets(3_000)
        .with_anomalies(AnomalyRates::NONE);
    let (set, injected) = generate(&config).unwrap();
    assert_eq!(injected, Default::default());
    let report = Audit::new(&set).run().unwrap();
    for code in [
        Code::RuleBroken,
        Code::MoreVotersThanElectors,
        Code::RepeatIdentical,
        Code::RepeatConflicting,
    ] {
        assert_eq!(report.with_code(code).count(), 0, "{code}");
    }
}

#[test]
fn csv_and_memory_agree_and_the_seed_decides() {
    let config = SynthConfig::default()
        .with_sheets(2_000)
        .with_candidates(6)
        .with_lines_per_candidate(2);
    let (set, injected) = generate(&config).unwrap();
    let mut csv = Vec::new();
    let injected_csv = write_csv(&config, &mut csv).unwrap();
    assert_eq!(injected, injected_csv);
    let read = read_csv(&csv[..], &layout(&config)).unwrap();
    assert!(read.report.rejected.is_empty());
    assert_eq!(read.set, set);

    let (again, _) = generate(&config).unwrap();
    assert_eq!(again, set, "same seed, same sheets");
    let (other, _) = generate(&config.with_seed(8)).unwrap();
    assert_ne!(other, set);
    // Four geography levels, regions vary in turnout and preference.
    assert_eq!(set.geography().levels().len(), 4);
}
