//! The JSON report is a contract: a golden file pins the Venezuelan report byte for byte, a law
//! says that every report reads back equal, and the kinds of values stay apart whatever serde
//! features other crates enable on `rust_decimal`. Every public check, called on its own, gives
//! the findings the audit reports.
//!
//! To accept a deliberate change of the format, run with `ACTAS_BLESS=1` and review the diff of
//! `tests/golden/ve2024_report.json` (and raise `SCHEMA_VERSION` if an old report no longer
//! reads).

use actas::audit::{Audit, AuditReport};
use actas::io::{InputSummary, Layout, read_announcements, read_csv_path};
use actas::report::{Code, SCHEMA_VERSION, Value};
use actas::synth::{AnomalyRates, SynthConfig, generate};
use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Percent, Register};
use proptest::prelude::*;
use rust_decimal::Decimal;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");
const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/ve2024_report.json"
);

/// The report the CLI writes for the V1 sheets against the bulletins, with V2 as the second
/// reading.
fn venezuelan_report() -> AuditReport {
    let read = |v: &str| {
        let layout = Layout::from_path(format!("{DIR}/layout_{v}.json")).unwrap();
        read_csv_path(
            format!("{DIR}/RESULTADOS_2024_CSV_{}.csv", v.to_uppercase()),
            &layout,
        )
        .unwrap()
    };
    let (v1, v2) = (read("v1"), read("v2"));
    let a = read_announcements(format!("{DIR}/bulletins.json")).unwrap();
    let mut report = Audit::new(&v1.set)
        .register(&a.register)
        .bulletins(&a.bulletins)
        .second_reading(&v2.set)
        .run()
        .unwrap();
    report.add_input(InputSummary::new("RESULTADOS_2024_CSV_V1.csv", &v1.report));
    report.add_input(InputSummary::new("RESULTADOS_2024_CSV_V2.csv", &v2.report));
    report
}

#[test]
fn the_venezuelan_report_is_the_golden_file() {
    let report = venezuelan_report();
    let json = actas::fuzzing::check_report(&report) + "\n";
    if std::env::var_os("ACTAS_BLESS").is_some() {
        std::fs::write(GOLDEN, &json).unwrap();
    }
    let golden = std::fs::read_to_string(GOLDEN).unwrap();
    // Compared line by line first, so that a failure shows where the format moved.
    for (i, (got, want)) in json.lines().zip(golden.lines()).enumerate() {
        assert_eq!(got, want, "line {} of {GOLDEN}", i + 1);
    }
    assert_eq!(json.lines().count(), golden.lines().count());
    // The golden file also reads back as the report, so an old report stays readable.
    assert_eq!(AuditReport::from_json(&golden).unwrap(), report);
}

#[test]
fn decimals_are_strings_even_when_rust_decimal_writes_floats() {
    // The test build enables rust_decimal's `serde-float` (see the dev-dependencies): its own
    // impl writes a float...
    assert_eq!(
        serde_json::to_string(&Decimal::new(51_199_997, 6)).unwrap(),
        "51.199997"
    );
    // ...and the report still writes strings that keep the printed scale.
    let report = venezuelan_report();
    let json: serde_json::Value = serde_json::from_str(&report.to_json().unwrap()).unwrap();
    let p = &json["bulletins"][0]["check"]["percents"][0];
    assert_eq!(p["printed"], "51.20");
    assert!(p["exact"].is_string(), "{p}");
    let grid = &json["bulletins"][0]["signature"]["grid"];
    assert_eq!(grid["step"], "0.1");
    assert_eq!(grid["points"][0]["residual"], "-0.288");
    let r001 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "R001")
        .unwrap();
    assert_eq!(
        r001["numbers"]["step"],
        serde_json::json!({"decimal": "0.1"})
    );
    assert_eq!(
        r001["numbers"]["largest_residual"],
        serde_json::json!({"decimal": "0.396"})
    );
    assert!(r001["numbers"]["probability"]["approx"].is_f64());
    assert_eq!(json["schema_version"], SCHEMA_VERSION);
}

#[test]
fn values_are_tagged_with_their_kind() {
    for (v, json) in [
        (Value::Int(-42), r#"{"int":-42}"#),
        (
            Value::Int(i128::MAX),
            r#"{"int":170141183460469231731687303715884105727}"#,
        ),
        (
            Value::Decimal(Decimal::new(4250, 2)),
            r#"{"decimal":"42.50"}"#,
        ),
        (Value::Text("42.50".into()), r#"{"text":"42.50"}"#),
        (Value::Approx(1.5e-9), r#"{"approx":1.5e-9}"#),
        (Value::Bool(true), r#"{"bool":true}"#),
    ] {
        assert_eq!(serde_json::to_string(&v).unwrap(), json);
        assert_eq!(serde_json::from_str::<Value>(json).unwrap(), v);
    }
    assert!(serde_json::from_str::<Value>(r#""42.50""#).is_err());
}

#[test]
fn codes_serialise_as_their_string_and_unknown_codes_are_refused() {
    assert_eq!(
        serde_json::to_string(&Code::AnnouncedBelowSheets).unwrap(),
        r#""F001""#
    );
    assert_eq!(
        serde_json::from_str::<Code>(r#""Q002""#).unwrap(),
        Code::AddedVotesExceedElectors
    );
    let e = serde_json::from_str::<Code>(r#""F0001""#).unwrap_err();
    assert!(e.to_string().contains("F0001"), "{e}");
}

#[test]
fn a_report_of_a_later_schema_or_none_is_refused_with_a_reason() {
    let report = venezuelan_report();
    let json = report.to_json().unwrap();
    let later = json.replacen(
        &format!("\"schema_version\": {SCHEMA_VERSION}"),
        &format!("\"schema_version\": {}", SCHEMA_VERSION + 1),
        1,
    );
    assert_ne!(later, json);
    let e = AuditReport::from_json(&later).unwrap_err().to_string();
    assert!(e.contains("schema version 2"), "{e}");
    let none = json.replacen(&format!("\"schema_version\": {SCHEMA_VERSION},"), "", 1);
    let e = AuditReport::from_json(&none).unwrap_err().to_string();
    assert!(e.contains("schema_version"), "{e}");
}

/// Bulletins made from the sheets' totals, off by `skew` thousandths, with printed percentages
/// and coverage, so that reports carry findings of many codes.
fn bulletins_for(set: &actas::ActaSet, skew: u64, scale: u32) -> (Vec<Bulletin>, Register) {
    let t = actas::audit::totals(set).unwrap();
    let valid: u64 = t.candidates.iter().map(|c| c.sum).sum();
    let counts: Vec<BulletinCount> = set
        .contest()
        .candidates()
        .iter()
        .zip(&t.candidates)
        .enumerate()
        .map(|(i, (c, x))| {
            let n = if i == 0 {
                x.sum * (1000 + skew) / 1000
            } else {
                x.sum
            };
            let mut b = BulletinCount::new(c.code.clone(), n);
            if valid > 0 {
                let p = actas::percent_of(n, valid, scale, actas::Rounding::HalfUp).unwrap();
                b = b.with_percent(Percent::new(p.min(Decimal::ONE_HUNDRED)).unwrap());
            }
            b
        })
        .collect();
    let register = Register::new()
        .with_tables(t.tables + t.tables / 5)
        .with_electors(t.electors.sum + t.electors.sum / 4);
    let first = Bulletin::new("first", counts.clone()).with_coverage(CoverageClaim::new(
        CoverageBasis::Tables,
        Percent::new(Decimal::new(80, 0)).unwrap(),
    ));
    let second = Bulletin::new("second", counts);
    (vec![first, second], register)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Serialise, read back, equal: for reports of synthetic elections with every kind of
    /// anomaly, bulletins that are off, a register, and a second reading.
    #[test]
    fn every_report_reads_back_equal(
        seed in any::<u64>(),
        sheets in 1usize..300,
        candidates in 2usize..6,
        skew in 0u64..30,
        scale in 0u32..4,
        rates in (0u32..100_000, 0u32..100_000, 0u32..100_000, 0u32..100_000),
    ) {
        let config = SynthConfig::default().with_sheets(sheets).with_candidates(candidates).with_lines_per_candidate(1).with_seed(seed).with_anomalies(AnomalyRates::default().with_rule_violation(rates.0).with_over_turnout(rates.1).with_duplicate(rates.2).with_conflict(rates.3));
        let (set, _) = generate(&config).unwrap();
        let (second, _) = generate(&config.with_seed(seed ^ 1)).unwrap();
        let (bulletins, register) = bulletins_for(&set, skew, scale);
        let report = Audit::new(&set)
            .register(&register)
            .bulletins(&bulletins)
            .second_reading(&second)
            .run()
            .unwrap();
        actas::fuzzing::check_report(&report);
        prop_assert_eq!(sorted(findings_of_each_check(&set, &bulletins, &register, &second)), sorted(report.findings.clone()));
    }
}

/// The findings of every public check, called on its own, as a user would.
fn findings_of_each_check(
    set: &actas::ActaSet,
    bulletins: &[Bulletin],
    register: &Register,
    second: &actas::ActaSet,
) -> Vec<actas::report::Finding> {
    use actas::audit::*;
    let t = totals(set).unwrap();
    let mut out = check_rules(set, &actas::rules::RuleSet::standard())
        .unwrap()
        .findings();
    out.extend(plausibility(set, &PlausibilityOptions::default()));
    out.extend(check_repeats(set));
    out.extend(coverage(&t, register).findings());
    out.extend(t.findings());
    for b in bulletins {
        out.extend(
            check_bulletin(b, Some(set.contest()), register.electors)
                .unwrap()
                .findings(),
        );
        let counts: Vec<(&str, u64)> = b
            .counts
            .iter()
            .filter_map(|c| Some((c.subject.as_str(), c.count?)))
            .collect();
        let signature = if b.has_all_counts() {
            round_percentage_signature(&counts).unwrap().done()
        } else {
            None
        };
        if let Some(s) = signature {
            out.extend(s.findings(&b.label, 1e-6));
        }
        out.extend(
            feasibility(set, b, register, &BoundOptions::default())
                .unwrap()
                .findings(),
        );
    }
    out.extend(sequence(bulletins).unwrap().iter().flat_map(Step::findings));
    out.extend(
        outcome(set, &t, register, &actas::OutcomeRule::Plurality, bulletins)
            .unwrap()
            .findings(),
    );
    out.extend(compare(set, second).unwrap().findings());
    out
}

fn sorted(mut v: Vec<actas::report::Finding>) -> Vec<String> {
    let mut s: Vec<String> = v.drain(..).map(|f| format!("{f:?}")).collect();
    s.sort();
    s
}

/// A report with every forensic test (the Venezuelan sheets; the fraud model on a small grid)
/// writes every figure and reads back equal: no value JSON cannot hold (an infinite distance, a
/// NaN moment).
#[test]
fn a_report_with_forensics_reads_back() {
    use actas::audit::AuditOptions;
    use actas::forensics::{ForensicsOptions, KlimekOptions};
    let layout = Layout::from_path(format!("{DIR}/layout_v1.json")).unwrap();
    let v1 = read_csv_path(format!("{DIR}/RESULTADOS_2024_CSV_V1.csv"), &layout).unwrap();
    let klimek = KlimekOptions::default()
        .with_grid(vec![0.0, 0.2], vec![0.0, 0.05], vec![1.0])
        .with_iterations(1);
    let options =
        AuditOptions::default().with_forensics(ForensicsOptions::standard().with_klimek(klimek));
    let report = Audit::new(&v1.set).options(options).run().unwrap();
    let f = report.forensics.as_ref().expect("forensics asked for");
    assert!(f.digits.is_some() && f.peaks.is_some() && f.fingerprint.is_some());
    assert!(f.klimek.is_some());
    // Every forensic finding is in the report's findings.
    for x in f.findings() {
        assert!(report.findings.contains(&x), "{x:?}");
    }
    let json = report.to_json().unwrap();
    assert_eq!(AuditReport::from_json(&json).unwrap(), report);
    assert!(report.to_string().contains("Forensics"));
    // Without forensics, no section and no key.
    let plain = Audit::new(&v1.set).run().unwrap();
    assert!(plain.forensics.is_none());
    assert!(!plain.to_json().unwrap().contains("\"forensics\""));
}
