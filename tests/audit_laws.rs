//! Laws of the audit, checked with proptest.

use actas::audit::{
    Audit, BoundOptions, Checked, CoverageReading, NotApplicableReason, Verdict, feasibility,
    totals,
};
use actas::report::Code;
use actas::{
    ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Contest, CoverageBasis, CoverageClaim,
    Geography, Percent, Register, Rounding, TableId, percent_of,
};
use proptest::prelude::*;

/// A table: electors and votes per candidate, with every candidate at least 1 and the votes
/// below the electors (so that no plausibility flag is raised).
#[derive(Debug, Clone)]
struct Table {
    electors: u32,
    votes: Vec<u32>,
}

fn tables(k: usize, n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Table>> {
    prop::collection::vec(
        (20u32..500).prop_flat_map(move |e| {
            let max = (e / (k as u32 + 1)).max(2);
            prop::collection::vec(1u32..max, k).prop_map(move |votes| Table { electors: e, votes })
        }),
        n,
    )
}

fn contest(k: usize) -> Contest {
    Contest::new(
        "law",
        (0..k)
            .map(|i| Candidate::new(format!("C{i}"), format!("Candidate {i}")))
            .collect(),
    )
    .unwrap()
}

fn set_of(k: usize, tables: &[(usize, &Table)]) -> ActaSet {
    let mut set = ActaSet::new(contest(k), Geography::new(["x"]).unwrap());
    for (id, t) in tables {
        let valid: u32 = t.votes.iter().sum();
        set.push(
            ActaSheet::new(TableId::new(format!("T{id}")).unwrap())
                .with_electors(t.electors)
                .with_voters(valid)
                .with_valid(valid)
                .with_null(0)
                .with_votes(t.votes.iter().map(|v| Some(*v))),
        )
        .unwrap();
    }
    set
}

fn pct(num: u64, den: u64, scale: u32) -> Percent {
    Percent::new(percent_of(num, den, scale, Rounding::HalfUp).unwrap()).unwrap()
}

/// The bulletin the sheets themselves make: every count, percentage and total as on the sheets.
fn bulletin_from(set: &ActaSet) -> (Bulletin, Register) {
    let t = totals(set).unwrap();
    let valid = t.valid.sum;
    let counts = set
        .contest()
        .candidates()
        .iter()
        .zip(&t.candidates)
        .map(|(c, ct)| {
            BulletinCount::new(c.code.clone(), ct.sum).with_percent(pct(ct.sum, valid, 2))
        })
        .collect();
    let mut b = Bulletin::new("from the sheets", counts).with_coverage(CoverageClaim::new(
        CoverageBasis::Tables,
        "100".parse().unwrap(),
    ));
    b.valid = Some(valid);
    b.null = Some(0);
    b.voters = Some(t.voters.sum);
    b.electors = Some(t.electors.sum);
    b.electors_counted = Some(t.electors.sum);
    b.turnout = Some(pct(t.voters.sum, t.electors.sum, 2));
    let register = Register::new()
        .with_tables(t.tables)
        .with_electors(t.electors.sum);
    (b, register)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn a_bulletin_computed_from_the_sheets_gives_no_findings(k in 2usize..5, seed in tables(4, 1..15)) {
        let ts: Vec<Table> = seed.into_iter().map(|mut t| { t.votes.truncate(k); t }).collect();
        let set = set_of(k, &ts.iter().enumerate().collect::<Vec<_>>());
        let (b, register) = bulletin_from(&set);
        let bs = [b];
        let report = Audit::new(&set).register(&register).bulletins(&bs).run().unwrap();
        let unexpected: Vec<String> = report.findings.iter().filter(|f| !f.code.as_str().starts_with('O')).map(ToString::to_string).collect();
        prop_assert!(unexpected.is_empty(), "{:?}", unexpected);
        let f = report.bulletins[0].feasibility.as_ref().unwrap();
        prop_assert!(f.bounds.iter().all(|b| b.verdict == Verdict::Within));
    }

    #[test]
    fn altering_one_announced_count_by_d_is_found_with_gap_d(
        seed in tables(3, 1..12), which in 0usize..3, d in 1u64..1000, up in any::<bool>(),
    ) {
        let set = set_of(3, &seed.iter().enumerate().collect::<Vec<_>>());
        let (mut b, register) = bulletin_from(&set);
        let c = &mut b.counts[which];
        let count = c.count.unwrap();
        prop_assume!(up || count >= d);
        c.count = Some(if up { count + d } else { count - d });
        c.percent = None;
        let subject = c.subject.clone();
        let f = feasibility(&set, &b, &register, &BoundOptions::default()).unwrap().unwrap_done();
        for bound in &f.bounds {
            if bound.subject == subject {
                prop_assert_eq!(bound.verdict, if up { Verdict::Above } else { Verdict::Below });
                prop_assert_eq!(bound.gap, d);
            } else {
                prop_assert_eq!(bound.verdict, Verdict::Within);
            }
        }
        let bs = [b];
        let report = Audit::new(&set).register(&register).bulletins(&bs).run().unwrap();
        let code = if up { Code::AnnouncedAboveSheets } else { Code::AnnouncedBelowSheets };
        prop_assert_eq!(report.with_code(code).count(), 1);
        prop_assert_eq!(report.with_code(Code::CountsMissValid).count(), 1, "the counts no longer add up to valid");
    }

    #[test]
    fn bounds_contain_the_true_total_for_random_partial_collections(
        population in tables(3, 1..16), collected in prop::collection::vec(any::<bool>(), 16),
        counted in prop::collection::vec(any::<bool>(), 16), scale in 0u32..3,
    ) {
        let n = population.len();
        let sheets: Vec<(usize, &Table)> = population.iter().enumerate().filter(|(i, _)| collected[*i]).collect();
        let set = set_of(3, &sheets);
        let in_b: Vec<&Table> = population.iter().enumerate().filter(|(i, _)| counted[*i]).map(|(_, t)| t).collect();
        let truth: Vec<u64> = (0..3).map(|c| in_b.iter().map(|t| u64::from(t.votes[c])).sum()).collect();
        let all_electors: u64 = population.iter().map(|t| u64::from(t.electors)).sum();
        let b_electors: u64 = in_b.iter().map(|t| u64::from(t.electors)).sum();
        let register = Register::new().with_tables(n as u64).with_electors(all_electors);
        let counts: Vec<BulletinCount> = (0..3).map(|c| BulletinCount::new(format!("C{c}"), truth[c])).collect();

        let by_tables = Bulletin::new("t", counts.clone()).with_coverage(CoverageClaim::new(CoverageBasis::Tables, pct(in_b.len() as u64, n as u64, scale)));
        let mut by_electors = Bulletin::new("e", counts).with_coverage(CoverageClaim::new(CoverageBasis::Electors, pct(b_electors, all_electors, scale)));
        by_electors.electors = Some(all_electors);
        for (b, with_count) in [(&by_tables, false), (&by_electors, false), (&by_electors, true)] {
            let mut b = b.clone();
            if with_count { b.electors_counted = Some(b_electors); }
            for reading in [CoverageReading::PrintedInterval, CoverageReading::Exact] {
                if reading == CoverageReading::Exact && !with_count && b.label == "e" { continue; }
                let f = feasibility(&set, &b, &register, &BoundOptions::default().with_coverage(reading)).unwrap().unwrap_done();
                for (bound, t) in f.bounds.iter().zip(&truth) {
                    if reading == CoverageReading::Exact && b.label == "t" {
                        // Exact reading of a rounded share is only a law when the share is exact.
                        let exact = percent_of(in_b.len() as u64, n as u64, 8, Rounding::Down).unwrap();
                        if exact != b.coverage.unwrap().printed.value() { continue; }
                    }
                    prop_assert!(bound.lower <= *t, "{} lower {} > truth {}", b.label, bound.lower, t);
                    prop_assert!(bound.upper.is_none_or(|u| *t <= u), "{} upper {:?} < truth {}", b.label, bound.upper, t);
                }
            }
        }
    }

    #[test]
    fn the_minimum_number_of_false_sheets_is_minimal(
        values in prop::collection::vec(0u32..60, 1..8), uncollected in 0usize..3,
        counted_share in 0u32..=100, announced in 0u64..200,
    ) {
        // Brute force on small sets: every choice of the bulletin's sheets and of the false ones.
        let n = values.len();
        let total_tables = n + uncollected;
        let ts: Vec<Table> = values.iter().map(|v| Table { electors: 100, votes: vec![*v, 1] }).collect();
        let set = set_of(2, &ts.iter().enumerate().collect::<Vec<_>>());
        let printed = pct(u64::from(counted_share) * total_tables as u64 / 100, total_tables as u64, 2);
        let b = Bulletin::new("b", vec![BulletinCount::new("C0", announced)])
            .with_coverage(CoverageClaim::new(CoverageBasis::Tables, printed));
        let register = Register::new().with_tables(total_tables as u64).with_electors(100 * total_tables as u64);
        let f = feasibility(&set, &b, &register, &BoundOptions::default().with_coverage(CoverageReading::Exact)).unwrap().unwrap_done();
        let bound = &f.bounds[0];
        let (n_lo, n_hi) = f.counted;
        let mut best: Option<u32> = None;
        for chosen in 0u32..(1 << n) {
            let c = chosen.count_ones() as usize;
            if c + uncollected < n_lo as usize || c > n_hi as usize { continue; }
            let mut falses = chosen;
            loop {
                let sum: u64 = (0..n).filter(|i| chosen >> i & 1 == 1 && falses >> i & 1 == 0).map(|i| u64::from(values[i])).sum();
                if sum <= announced {
                    let k = falses.count_ones();
                    best = Some(best.map_or(k, |b| b.min(k)));
                }
                if falses == 0 { break; }
                falses = (falses - 1) & chosen;
            }
        }
        match bound.verdict {
            Verdict::Below => {
                prop_assert!(bound.false_sheets_exact);
                prop_assert_eq!(bound.false_sheets, best.map(u64::from));
                prop_assert!(best.unwrap_or(0) > 0);
            }
            _ => prop_assert_eq!(best, Some(0), "announced {} within bounds needs no false sheet", announced),
        }
    }

    #[test]
    fn the_audit_does_not_depend_on_sheet_order(seed in tables(3, 1..12), rot in 0usize..12) {
        let indexed: Vec<(usize, &Table)> = seed.iter().enumerate().collect();
        let mut rotated = indexed.clone();
        rotated.rotate_left(rot % indexed.len());
        rotated.reverse();
        let (a, b) = (set_of(3, &indexed), set_of(3, &rotated));
        let (mut bulletin, register) = bulletin_from(&a);
        bulletin.counts[0].count = bulletin.counts[0].count.map(|c| c + 7);
        bulletin.coverage = Some(CoverageClaim::new(CoverageBasis::Tables, "50".parse().unwrap()));
        let bs = [bulletin];
        let ra = Audit::new(&a).register(&register).bulletins(&bs).run().unwrap();
        let rb = Audit::new(&b).register(&register).bulletins(&bs).run().unwrap();
        prop_assert_eq!(&ra.bulletins, &rb.bulletins);
        prop_assert_eq!(&ra.totals, &rb.totals);
        prop_assert_eq!(&ra.robustness, &rb.robustness);
        let shown = |r: &actas::audit::AuditReport| { let mut v: Vec<String> = r.findings.iter().map(ToString::to_string).collect(); v.sort(); v };
        prop_assert_eq!(shown(&ra), shown(&rb));
    }
}

mod parallel {
    use actas::audit::{Audit, AuditOptions, totals};
    use actas::synth::{AnomalyRates, SynthConfig, generate};
    use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Execution, Register};
    use proptest::prelude::*;

    proptest! {
        // Each case audits two sets of up to 40,000 sheets twice: 8 cases optimised, 4 in a
        // debug build (as `cargo test` builds it), where a case takes seconds.
        #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 4 } else { 8 }))]

        /// The parallel path gives the same report as the sequential one, byte for byte, over
        /// sets large enough to span many blocks and chunks, with a second reading and a
        /// register of tables (compared and checked a chunk per task).
        #[test]
        fn parallel_and_sequential_reports_are_identical(
            sheets in 5_000usize..40_000, candidates in 2usize..12, seed in any::<u64>(), share in 80u64..100,
        ) {
            let config = SynthConfig::default().with_sheets(sheets).with_candidates(candidates).with_lines_per_candidate(1).with_seed(seed).with_anomalies(AnomalyRates::default().with_rule_violation(2_000).with_over_turnout(2_000).with_duplicate(2_000).with_conflict(2_000));
            let (set, _) = generate(&config).unwrap();
            let t = totals(&set).unwrap();
            let counts: Vec<BulletinCount> = set.contest().candidates().iter().zip(&t.candidates)
                .map(|(c, x)| BulletinCount::new(c.code.clone(), x.sum * share / 100)).collect();
            let tables = Bulletin::new("tables", counts.clone())
                .with_coverage(CoverageClaim::new(CoverageBasis::Tables, "90".parse().unwrap()));
            let electors = Bulletin::new("electors", counts)
                .with_coverage(CoverageClaim::new(CoverageBasis::Electors, "85".parse().unwrap()));
            let register = Register::new().with_tables(sheets as u64 * 11 / 10).with_electors(t.electors.sum * 11 / 10);
            let bulletins = [tables, electors];
            // A second reading (another seed: other numbers, some tables on one side only) and
            // a register of tables that misses some tables, has others, and other electors.
            let (second, _) = generate(&config.with_seed(seed ^ 1).with_sheets(sheets + 100)).unwrap();
            let mut table_register = actas::TableRegister::new();
            for i in (0..set.len()).filter(|&i| !set.is_repeat(i) && i % 7 != 0) {
                let electors = set.count(i, actas::Field::Electors).map(|e| if i % 5 == 0 { e + 1 } else { e });
                table_register.push(actas::TableId::new(set.table_id(i).unwrap()).unwrap(), electors).unwrap();
            }
            for k in 0..50 {
                table_register.push(actas::TableId::new(format!("extra-{k}")).unwrap(), None).unwrap();
            }
            let run = |execution| {
                Audit::new(&set)
                    .register(&register)
                    .table_register(&table_register)
                    .second_reading(&second)
                    .bulletins(&bulletins)
                    .options(AuditOptions::default().with_execution(execution))
                    .run()
                    .unwrap()
                    .to_json()
                    .unwrap()
            };
            let (seq, par) = (run(Execution::Sequential), run(Execution::Parallel));
            prop_assert!(seq == par, "reports differ");
            prop_assert!(seq.len() > 1_000);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Every interval the bounds give is ordered, whatever the printed coverage, its scale, the
    /// register and the reading: the counted tables or electors, and each subject's bound. A
    /// printed coverage no whole number matches is an error, never an inverted interval.
    #[test]
    fn every_interval_is_ordered(
        tables in tables(3, 1..12),
        extra_tables in 0u64..20,
        mantissa in 0i64..=1_000_000,
        scale in 0u32..=4,
        electors_basis in any::<bool>(),
        exact in any::<bool>(),
        announced in prop::collection::vec(0u64..5_000, 3),
    ) {
        let value = rust_decimal::Decimal::new(mantissa, scale);
        prop_assume!(value <= rust_decimal::Decimal::ONE_HUNDRED);
        let printed = Percent::new(value).unwrap();
        let indexed: Vec<(usize, &Table)> = tables.iter().enumerate().collect();
        let set = set_of(3, &indexed);
        let sheets_electors: u64 = tables.iter().map(|t| u64::from(t.electors)).sum();
        let register = Register::new().with_tables(tables.len() as u64 + extra_tables).with_electors(sheets_electors + 100 * extra_tables);
        let basis = if electors_basis { CoverageBasis::Electors } else { CoverageBasis::Tables };
        let b = Bulletin::new(
            "law",
            announced.iter().enumerate().map(|(i, a)| BulletinCount::new(format!("C{i}"), *a)).collect(),
        )
        .with_coverage(CoverageClaim::new(basis, printed));
        let options = BoundOptions::default().with_coverage(if exact { CoverageReading::Exact } else { CoverageReading::PrintedInterval });
        match feasibility(&set, &b, &register, &options).unwrap() {
            Checked::Done(f) => {
                prop_assert!(f.counted.0 <= f.counted.1, "{:?}", f.counted);
                for bound in &f.bounds {
                    prop_assert!(bound.upper.is_none_or(|u| bound.lower <= u), "{:?}", bound);
                }
            }
            Checked::NotApplicable(n) => prop_assert_eq!(n.reason, NotApplicableReason::ImpossibleCoverage, "{}", n),
            other => prop_assert!(false, "{:?}", other),
        }
        // The whole audit never fails on it either.
        let bulletins = [b];
        let report = Audit::new(&set).register(&register).bulletins(&bulletins).run().unwrap();
        for f in report.bulletins.iter().filter_map(|b| b.feasibility.as_ref()) {
            prop_assert!(f.counted.0 <= f.counted.1);
        }
    }
}

/// A place's expected totals: tables, voters, electors, each line's (sum, sheets), the turnout
/// base.
type Expected = (u64, u64, u64, Vec<(u64, u64)>, (u64, u64));

/// `totals_by_level` is the sheet-by-sheet sum over each place's first readings, on a set in
/// place order (long runs of one place, which are summed as slices), on one sorted only at first
/// (runs, then sheet by sheet once the runs get short), and on one in no order, at the top level
/// and the one below, with sheets placed nowhere, repeated tables, with no value absent and
/// with values absent here and there (voters, electors, a candidate).
#[test]
fn level_totals_are_sheet_by_sheet_sums() {
    use actas::audit::totals_by_level;
    use actas::synth::{SynthConfig, generate};
    let config = SynthConfig::default().with_sheets(4_000).with_candidates(3);
    let (base, _) = generate(&config).unwrap();
    assert!(
        !base.repeats().is_empty(),
        "the synthetic set repeats tables"
    );
    let n = base.len();
    // Sheet order: as generated (by place); the first half so and the rest dealt out like
    // cards; all dealt out.
    let deal = |from: usize| -> Vec<usize> {
        let mut order: Vec<usize> = (0..from).collect();
        let rest: Vec<usize> = (from..n).collect();
        for k in 0..7 {
            order.extend(rest.iter().copied().skip(k).step_by(7));
        }
        order
    };
    for (name, order) in [
        ("sorted", (0..n).collect::<Vec<_>>()),
        ("sorted at first", deal(n / 2)),
        ("dealt", deal(0)),
    ] {
        for blank_every in [0usize, 97, 13] {
            let levels = base.geography().levels().to_vec();
            let mut set = ActaSet::new(base.contest().clone(), Geography::new(levels).unwrap());
            for (k, &i) in order.iter().enumerate() {
                let mut sheet = base.sheet(i).unwrap().to_sheet();
                let codes = base.geography().codes(sheet.geo.unwrap());
                let path: Vec<(&str, Option<&str>)> = codes.iter().map(|c| (*c, None)).collect();
                // A run of sheets placed nowhere, and single ones.
                sheet.geo = (!(100..130).contains(&k) && k % 211 != 5)
                    .then(|| set.add_path(&path).unwrap());
                if blank_every > 0 {
                    match k % blank_every {
                        0 => sheet.voters = None,
                        1 => sheet.electors = None,
                        2 => sheet.votes[1] = None,
                        _ => {}
                    }
                }
                set.push(sheet).unwrap();
            }
            for level in [0, 1] {
                let case = format!("{name}, every {blank_every}, level {level}");
                let geo = set.geography();
                let mut expected: std::collections::HashMap<Option<actas::GeoPath>, Expected> =
                    std::collections::HashMap::new();
                for i in (0..set.len()).filter(|&i| !set.is_repeat(i)) {
                    let place = set.geo(i).and_then(|g| geo.ancestor_at(g, level));
                    let s = set.sheet(i).unwrap().to_sheet();
                    let e = expected
                        .entry(place)
                        .or_insert_with(|| (0, 0, 0, vec![(0, 0); 3], (0, 0)));
                    e.0 += 1;
                    e.1 += u64::from(s.voters.unwrap_or(0));
                    e.2 += u64::from(s.electors.unwrap_or(0));
                    for (k, v) in s.votes.iter().enumerate() {
                        if let Some(v) = v {
                            e.3[k].0 += u64::from(*v);
                            e.3[k].1 += 1;
                        }
                    }
                    if let (Some(v), Some(el)) = (s.voters, s.electors) {
                        e.4.0 += u64::from(v);
                        e.4.1 += u64::from(el);
                    }
                }
                let got = totals_by_level(&set, level).unwrap();
                assert_eq!(got.places.len() + 1, expected.len(), "{case}");
                let places = got.places.iter().map(|(p, t)| (Some(*p), t));
                for (place, t) in places.chain([(None, &got.unplaced)]) {
                    let e = &expected[&place];
                    assert_eq!(t.tables, e.0, "{case}");
                    assert_eq!((t.voters.sum, t.electors.sum), (e.1, e.2), "{case}");
                    let lines: Vec<(u64, u64)> =
                        t.lines.iter().map(|l| (l.sum, l.sheets)).collect();
                    assert_eq!(lines, e.3, "{case}");
                    let candidates: Vec<(u64, u64)> =
                        t.candidates.iter().map(|c| (c.sum, c.sheets)).collect();
                    assert_eq!(candidates, e.3, "{case}");
                    assert_eq!(t.turnout_base, e.4, "{case}");
                }
            }
        }
    }
}
