//! The forensic tests on synthetic elections: each signature `synth` injects is found by the
//! test made for it, and a clean election raises none of the forensic findings at the
//! documented significance.

use actas::ActaSet;
use actas::forensics::{
    DigitOptions, FingerprintOptions, PeakOptions, digit_tests, fingerprint, integer_peaks,
};
use actas::report::{Code, Finding, Subject};
use actas::synth::{AnomalyRates, SynthConfig, generate};

const SHEETS: usize = 30_000;

fn election(rates: AnomalyRates) -> ActaSet {
    let (set, _) = generate(
        &SynthConfig::default()
            .with_sheets(SHEETS)
            .with_anomalies(rates),
    )
    .expect("synthetic election");
    set
}

/// Every forensic finding on `set` from the tests with a significance (digits, integer
/// peaks) and the fingerprint, with the default options. The Klimek fit is left out: it is a
/// model fit without a significance, unreliable on elections of a few regions such as these
/// (its module says so, with the figures); its own tests use elections the model describes.
fn findings(set: &ActaSet) -> Vec<Finding> {
    let mut out = digit_tests(set, &DigitOptions::default())
        .expect("digits")
        .findings();
    out.extend(
        integer_peaks(set, &PeakOptions::default())
            .expect("peaks")
            .findings(),
    );
    out.extend(
        fingerprint(set, &FingerprintOptions::default())
            .expect("fingerprint")
            .findings(),
    );
    out
}

fn codes(f: &[Finding]) -> Vec<(Code, Subject)> {
    f.iter().map(|f| (f.code, f.subject.clone())).collect()
}

#[test]
fn a_clean_election_raises_no_forensic_finding() {
    for seed in [2024, 7] {
        let (set, injected) = generate(
            &SynthConfig::default()
                .with_sheets(SHEETS)
                .with_seed(seed)
                .with_anomalies(AnomalyRates::NONE),
        )
        .expect("synthetic election");
        assert!(injected.stuffing.is_empty());
        let f = findings(&set);
        assert!(f.is_empty(), "seed {seed}: {:?}", codes(&f));
    }
}

#[test]
fn rounded_turnouts_are_found() {
    let set = election(AnomalyRates::NONE.with_rounded_turnout(20_000));
    let f = findings(&set);
    let peaks: Vec<&Finding> = f
        .iter()
        .filter(|f| f.code == Code::IntegerPercentExcess)
        .collect();
    assert!(
        peaks.iter().any(|f| f.message.contains("integer turnout")),
        "{:?}",
        codes(&f)
    );
    assert!(!peaks.iter().any(|f| f.message.contains("integer share")));
}

#[test]
fn rounded_shares_are_found() {
    let set = election(AnomalyRates::NONE.with_rounded_share(20_000));
    let f = findings(&set);
    assert!(
        f.iter().any(|f| f.code == Code::IntegerPercentExcess
            && f.subject == Subject::Candidate { code: "C01".into() }),
        "{:?}",
        codes(&f)
    );
}

#[test]
fn made_up_digits_are_found() {
    let set = election(AnomalyRates::NONE.with_made_up_digits(50_000));
    let f = findings(&set);
    let c01 = Subject::Field {
        field: "C01".into(),
    };
    assert!(
        f.iter()
            .any(|f| f.code == Code::ZeroOrFiveExcess && f.subject == c01),
        "{:?}",
        codes(&f)
    );
}

#[test]
fn stuffing_is_found() {
    let stuffed = election(AnomalyRates::NONE.with_stuffing(30_000));
    let clean = election(AnomalyRates::NONE);
    let o = FingerprintOptions::default();
    let (s, c) = (
        fingerprint(&stuffed, &o).expect("fingerprint"),
        fingerprint(&clean, &o).expect("fingerprint"),
    );
    // The fingerprint shows it: the leader's votes from tables at 95% turnout and more (none
    // in the clean election, whose turnouts stop at 90%), a turnout skewed to the right.
    assert_eq!(c.high_turnout[1].tables, 0);
    assert!(s.high_turnout[1].tables > 0);
    assert!(
        s.high_turnout[1].share_of_leader_votes > rust_decimal::Decimal::from(3),
        "{:?}",
        s.high_turnout
    );
    let skew = |f: &actas::forensics::Fingerprint| {
        f.turnout_moments.and_then(|m| m.skewness).expect("moments")
    };
    assert!(skew(&s) > skew(&c), "{} against {}", skew(&s), skew(&c));
}

#[test]
fn the_audit_runs_forensics_only_when_asked() {
    use actas::audit::{Audit, AuditOptions};
    use actas::forensics::ForensicsOptions;
    let set = election(AnomalyRates::NONE.with_rounded_turnout(20_000));
    let plain = Audit::new(&set).run().expect("audit");
    assert!(plain.forensics.is_none());
    assert!(plain.with_code(Code::IntegerPercentExcess).next().is_none());
    let asked = Audit::new(&set)
        .options(AuditOptions::default().with_forensics(ForensicsOptions::standard()))
        .run()
        .expect("audit");
    let f = asked.forensics.as_ref().expect("forensics");
    assert!(f.klimek.is_none());
    // Turnout and either. (Other tests may fire by chance: 42 digit tests at 0.001 each; here
    // the electors' zero-or-five does, on counts drawn uniformly.)
    let peaks: Vec<_> = f
        .findings()
        .into_iter()
        .filter(|x| x.code == Code::IntegerPercentExcess)
        .collect();
    assert_eq!(peaks.len(), 2, "{:?}", codes(&peaks));
    assert_eq!(asked.with_code(Code::IntegerPercentExcess).count(), 2);
    // Every forensic finding is among the report's.
    assert!(f.findings().iter().all(|x| asked.findings.contains(x)));
    let text = asked.to_string();
    assert!(
        text.contains("Forensics") && text.contains("integer turnout"),
        "{text}"
    );
}

/// The signatures keep every sheet within the rules, land at most one per table, and come at
/// their rates; a configuration without them gives the data it gave before they existed.
#[test]
fn signatures_keep_the_rules_and_their_rates() {
    use actas::audit::check_rules;
    use actas::rules::RuleSet;
    let rates = AnomalyRates::NONE
        .with_stuffing(50_000)
        .with_rounded_turnout(50_000)
        .with_rounded_share(50_000)
        .with_made_up_digits(50_000);
    let (set, injected) = generate(
        &SynthConfig::default()
            .with_sheets(20_000)
            .with_lines_per_candidate(2)
            .with_anomalies(rates),
    )
    .expect("synthetic election");
    let check = check_rules(&set, &RuleSet::standard()).expect("rules");
    assert!(check.findings().is_empty(), "{:?}", check.findings());
    // Over-100% turnout is off, so no voters above electors either.
    assert!(
        (0..set.len())
            .all(|i| set.count(i, actas::Field::Voters) <= set.count(i, actas::Field::Electors))
    );
    let lists = [
        &injected.stuffing,
        &injected.rounded_turnout,
        &injected.rounded_share,
        &injected.made_up_digits,
    ];
    let mut all: Vec<&String> = lists.iter().flat_map(|l| l.iter()).collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "a table with two signatures");
    // Each drawn in turn at 5% of the tables the earlier ones left: 1,000, 950, 902, 857 of
    // 20,000 expected; a rounding that finds no integer within 5 points is not injected (rare).
    for (list, want) in lists.iter().zip([1_000.0, 950.0, 902.5, 857.4]) {
        let got = list.len() as f64;
        assert!(
            (got - want).abs() < 5.0 * want.sqrt(),
            "{got} against {want}"
        );
    }
    // Rates of 0 draw nothing: the default configuration gives the data it gave before the
    // signatures existed (its CSV's FNV-1a hash and totals, from the commit before them).
    let config = SynthConfig::default().with_sheets(2_000);
    let mut csv = Vec::new();
    actas::synth::write_csv(&config, &mut csv).expect("csv");
    let fnv = csv.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    assert_eq!((csv.len(), fnv), (197_423, 0xa4a8_6d8e_1614_81f4));
    let (a, _) = generate(&config).expect("set");
    let t = actas::audit::totals(&a).expect("totals");
    assert_eq!((t.tables, t.electors.sum), (2_000, 1_719_894));
    assert_eq!(t.candidates[0].sum, 488_689);
}
