//! Shares printed without counts: hand-computed ranges, and the range's ends against a brute
//! force over every choice of tables on small sets (both ends exact on a tables basis, the
//! electors basis conservative).

use actas::audit::{BoundMethod, BoundOptions, Verdict, feasibility};
use actas::report::Code;
use actas::{
    ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Contest, CoverageBasis, CoverageClaim,
    Decimal, Geography, PercentBase, Register, TableId,
};
use proptest::prelude::*;

fn set_of(rows: &[(u32, u32, u32)]) -> ActaSet {
    let contest = Contest::new(
        "c",
        vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")],
    )
    .unwrap();
    let mut set = ActaSet::new(contest, Geography::new(["x"]).unwrap());
    for (i, &(a, b, e)) in rows.iter().enumerate() {
        set.push(
            ActaSheet::new(TableId::new(format!("{i}")).unwrap())
                .with_electors(e)
                .with_voters(a + b)
                .with_valid(a + b)
                .with_votes([Some(a), Some(b)]),
        )
        .unwrap();
    }
    set
}

fn pct(s: &str) -> actas::Percent {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn a_share_of_tables_by_hand() {
    // Three sheets of four tables: A has 70/100, 80/100, 60/100 of the valid votes. The bulletin
    // counted 75% (3 tables): at least 2 sheets, and the fourth table, if counted, holds at most
    // its 120 electors (480 − 360).
    let set = set_of(&[(70, 30, 120), (80, 20, 120), (60, 40, 120)]);
    let register = Register::new().with_tables(4).with_electors(480);
    let at = |printed: &str| {
        let b = Bulletin::new("tv", vec![BulletinCount::share("A", pct(printed))])
            .with_coverage(CoverageClaim::new(CoverageBasis::Tables, pct("75")));
        let f = feasibility(&set, &b, &register, &BoundOptions::default())
            .unwrap()
            .unwrap_done();
        f.shares[0].clone()
    };
    let s = at("50.00");
    assert_eq!(s.method, BoundMethod::Exact);
    assert_eq!(s.base, PercentBase::Valid);
    // Least: 60 + 70 over 200 + 120 (the fourth table all for others): 130/320 = 40.625%.
    assert_eq!(s.least, dec("40.6250"));
    // Most: 80 + 70 + 120 over 200 + 120 = 270/320 = 84.375%.
    assert_eq!(s.most, Some(dec("84.3750")));
    assert_eq!(s.on_sheets, Some(dec("70.0000")));
    assert_eq!(s.verdict, Verdict::Within);
    // 40.60 prints within 40.595..40.61, under the least 40.625: below, one false sheet enough.
    let s = at("40.60");
    assert_eq!(s.verdict, Verdict::Below);
    assert_eq!(s.false_sheets, Some(1));
    assert!(!s.false_sheets_exact);
    // 40.62 may be a truncated 40.625: within.
    assert_eq!(at("40.62").verdict, Verdict::Within);
    assert_eq!(at("84.38").verdict, Verdict::Within);
    let s = at("84.39");
    assert_eq!(s.verdict, Verdict::Above);
    let f = s.clone();
    assert_eq!(f.most, Some(dec("84.3750")));
}

#[test]
fn without_the_uncollected_electors_the_range_is_unbounded() {
    let set = set_of(&[(70, 30, 120), (80, 20, 120), (60, 40, 120)]);
    let b = Bulletin::new("tv", vec![BulletinCount::share("A", pct("5"))])
        .with_coverage(CoverageClaim::new(CoverageBasis::Tables, pct("75")));
    let f = feasibility(
        &set,
        &b,
        &Register::new().with_tables(4),
        &BoundOptions::default(),
    )
    .unwrap()
    .unwrap_done();
    let s = &f.shares[0];
    assert_eq!(
        (s.least, s.most, s.verdict),
        (dec("0"), None, Verdict::Within)
    );
    // All four tables counted (final): the sheets and the one uncollected table; still
    // unbounded without its electors... but with them, exact.
    let all = Bulletin::new("final", vec![BulletinCount::share("A", pct("5"))]).with_final();
    let f = feasibility(
        &set,
        &all,
        &Register::new().with_tables(4).with_electors(480),
        &BoundOptions::default(),
    )
    .unwrap()
    .unwrap_done();
    let s = &f.shares[0];
    // 210 of 300 plus the fourth table: from 210/420 = 50% to 330/420 = 78.57%.
    // Shown to two decimals more than printed ("5"), the most rounded up.
    assert_eq!((s.least, s.most), (dec("50.00"), Some(dec("78.58"))));
    assert_eq!(s.verdict, Verdict::Below);
    assert_eq!(f.findings()[0].code, Code::ShareBelowSheets);
}

#[test]
fn a_declared_base_is_used_and_a_missing_one_is_said() {
    let set = set_of(&[(70, 30, 200), (80, 20, 200)]);
    let register = Register::new().with_tables(2).with_electors(400);
    // 150 of 400 electors is 37.5%; of the valid votes it is 75%.
    let b = Bulletin::new("b", vec![BulletinCount::share("A", pct("37.5"))])
        .with_final()
        .with_base(PercentBase::Electors);
    let f = feasibility(&set, &b, &register, &BoundOptions::default())
        .unwrap()
        .unwrap_done();
    assert_eq!(f.shares[0].verdict, Verdict::Within);
    assert!(f.shares[0].base_declared);
    // Undeclared, the valid base gives 75% exactly: 37.5 is below, under every base tried.
    let b = Bulletin::new("b", vec![BulletinCount::share("A", pct("37.5"))]).with_final();
    let f = feasibility(&set, &b, &register, &BoundOptions::default())
        .unwrap()
        .unwrap_done();
    assert_eq!(f.shares[0].verdict, Verdict::Below);
    assert!(!f.shares[0].base_declared);
    // The blank votes are on no sheet: a share of all ballots cast cannot be bounded.
    let b = Bulletin::new("b", vec![BulletinCount::share("A", pct("75"))])
        .with_final()
        .with_base(PercentBase::Cast);
    let f = feasibility(&set, &b, &register, &BoundOptions::default())
        .unwrap()
        .unwrap_done();
    assert!(f.shares.is_empty());
    let finding = &f.findings()[0];
    assert_eq!(finding.code, Code::NoBounds);
    assert!(finding.message.contains("cast"), "{}", finding.message);
}

#[test]
fn a_bulletin_with_neither_counts_nor_shares_is_an_error_with_its_label() {
    let empty = Bulletin::new("21:00 on TV", vec![]);
    let e = empty.validate().unwrap_err();
    assert!(e.to_string().contains("21:00 on TV"), "{e}");
    let mut b = Bulletin::new("late", vec![BulletinCount::new("A", 3)]);
    b.counts[0].count = None;
    let e = b.validate().unwrap_err();
    assert!(
        e.to_string().contains("late") && e.to_string().contains('A'),
        "{e}"
    );
    // The audit reports it (B008) and goes on.
    let set = set_of(&[(70, 30, 120)]);
    let report = actas::audit::Audit::new(&set)
        .bulletins(std::slice::from_ref(&empty))
        .run()
        .unwrap();
    assert!(
        report
            .with_code(Code::NotCheckable)
            .any(|f| f.message.contains("neither"))
    );
}

/// The least and most share over every choice of tables a printed coverage of `n_printed`%
/// of `tables` allows, by enumeration: `(numerator, denominator)` pairs.
fn brute(
    rows: &[(u32, u32, u32)],
    tables: u64,
    e_out: u64,
    n_range: (u64, u64),
) -> Option<((u128, u128), (u128, u128))> {
    let s = rows.len();
    let u = tables - s as u64;
    let mut least: Option<(u128, u128)> = None;
    let mut most: Option<(u128, u128)> = None;
    let mut consider = |x: u128, d: u128| {
        if d == 0 {
            return;
        }
        if least.is_none_or(|(a, b)| x * b < a * d) {
            least = Some((x, d));
        }
        if most.is_none_or(|(a, b)| x * b > a * d) {
            most = Some((x, d));
        }
    };
    for mask in 0u32..(1 << s) {
        let k = u64::from(mask.count_ones());
        let (mut x, mut d) = (0u128, 0u128);
        for (i, r) in rows.iter().enumerate() {
            if mask & (1 << i) != 0 {
                x += u128::from(r.0);
                d += u128::from(r.0 + r.1);
            }
        }
        for n in n_range.0..=n_range.1 {
            if k > n || n - k > u {
                continue;
            }
            if n - k == 0 {
                consider(x, d);
            } else {
                let e = u128::from(e_out);
                consider(x, d);
                consider(x, d + e);
                consider(x + e, d + e);
            }
        }
    }
    least.zip(most)
}

fn floor_pct((x, d): (u128, u128), scale: u32) -> Decimal {
    let v = x * 100 * 10u128.pow(scale) / d;
    Decimal::from_i128_with_scale(v as i128, scale)
}

fn ceil_pct((x, d): (u128, u128), scale: u32) -> Decimal {
    let v = (x * 100 * 10u128.pow(scale)).div_ceil(d);
    Decimal::from_i128_with_scale(v as i128, scale)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// On a share of tables both ends of the range are those of the brute force over every
    /// choice of sheets and every content of the uncollected tables.
    #[test]
    fn the_tables_range_is_the_brute_force_range(
        rows in prop::collection::vec((0u32..60, 0u32..60, 0u32..40), 1..8),
        extra_tables in 0u64..4,
        e_out in 0u64..150,
        coverage in 0u32..=100,
    ) {
        let rows: Vec<(u32, u32, u32)> = rows.into_iter().map(|(a, b, e)| (a, b, a + b + e)).collect();
        let set = set_of(&rows);
        let tables = rows.len() as u64 + extra_tables;
        let on_sheets: u64 = rows.iter().map(|r| u64::from(r.2)).sum();
        let register = Register::new().with_tables(tables).with_electors(on_sheets + e_out);
        let printed = actas::Percent::new(Decimal::from(coverage)).unwrap();
        let b = Bulletin::new("b", vec![BulletinCount::share("A", pct("50.00"))])
            .with_coverage(CoverageClaim::new(CoverageBasis::Tables, printed));
        let checked = feasibility(&set, &b, &register, &BoundOptions::default()).unwrap();
        let Some(f) = checked.done() else { return Ok(()) }; // an impossible coverage
        let n_range = f.counted;
        let expect = brute(&rows, tables, e_out, n_range);
        match expect {
            None => prop_assert!(f.shares[0].most.is_none()),
            Some((least, most)) => {
                let s = &f.shares[0];
                prop_assert_eq!(s.least, floor_pct(least, 4), "least of {:?}", rows);
                prop_assert_eq!(s.most, Some(ceil_pct(most, 4)), "most of {:?}", rows);
            }
        }
    }

    /// On a share of electors the range contains every choice of whole tables whose electors
    /// print as the coverage.
    #[test]
    fn the_electors_range_is_conservative(
        rows in prop::collection::vec((0u32..60, 0u32..60, 1u32..40), 1..8),
        e_out in 0u64..150,
        coverage in 1u32..=100,
    ) {
        let rows: Vec<(u32, u32, u32)> = rows.into_iter().map(|(a, b, e)| (a, b, a + b + e)).collect();
        let set = set_of(&rows);
        let on_sheets: u64 = rows.iter().map(|r| u64::from(r.2)).sum();
        let total = on_sheets + e_out;
        let register = Register::new().with_tables(rows.len() as u64 + 1).with_electors(total);
        let printed = actas::Percent::new(Decimal::from(coverage)).unwrap();
        let b = Bulletin::new("b", vec![BulletinCount::share("A", pct("50.00"))])
            .with_coverage(CoverageClaim::new(CoverageBasis::Electors, printed));
        let checked = feasibility(&set, &b, &register, &BoundOptions::default()).unwrap();
        let Some(f) = checked.done() else { return Ok(()) };
        let (e_lo, e_hi) = f.counted;
        let s = &f.shares[0];
        prop_assert_eq!(s.method, BoundMethod::FractionalRelaxation);
        for mask in 0u32..(1 << rows.len()) {
            let (mut x, mut d, mut w) = (0u128, 0u128, 0u64);
            for (i, r) in rows.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    x += u128::from(r.0);
                    d += u128::from(r.0 + r.1);
                    w += u64::from(r.2);
                }
            }
            // The one uncollected table, in or out, with any votes up to its electors.
            for (ex, ed, ew) in [(0, 0, 0), (0, 0, e_out), (0, e_out, e_out), (e_out, e_out, e_out)] {
                let w = w + ew;
                let (x, d) = (x + u128::from(ex), d + u128::from(ed));
                if w < e_lo || w > e_hi || d == 0 {
                    continue;
                }
                prop_assert!(s.least <= floor_pct((x, d), 4), "{:?} least {}", rows, s.least);
                if let Some(m) = s.most {
                    prop_assert!(m >= ceil_pct((x, d), 4), "{:?} most {}", rows, m);
                }
            }
        }
    }
}

#[test]
fn shares_without_counts_add_up() {
    use actas::audit::check_bulletin;
    let contest = Contest::new(
        "c",
        vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")],
    )
    .unwrap();
    let codes = |b: &Bulletin| -> Vec<Code> {
        check_bulletin(b, Some(&contest), None)
            .unwrap()
            .findings()
            .iter()
            .map(|f| f.code)
            .collect()
    };
    // Every candidate, shares of the valid votes: 60.1 + 39.8 = 99.9 is within two units of 100.
    let whole = Bulletin::new(
        "b",
        vec![
            BulletinCount::share("A", pct("60.1")),
            BulletinCount::share("B", pct("39.8")),
        ],
    );
    assert!(codes(&whole).is_empty());
    // 60.1 + 39.6 = 99.7: further from 100 than rounding explains.
    let short = Bulletin::new(
        "b",
        vec![
            BulletinCount::share("A", pct("60.1")),
            BulletinCount::share("B", pct("39.6")),
        ],
    );
    assert_eq!(codes(&short), [Code::PercentSumOff]);
    // Only the leader's share (a live count): nothing to add up.
    let one = Bulletin::new("b", vec![BulletinCount::share("A", pct("48.12"))]);
    assert!(codes(&one).is_empty());
    // Shares of one declared base that do not make up the whole may not pass 100.
    let past = Bulletin::new(
        "b",
        vec![
            BulletinCount::share("A", pct("48.12")),
            BulletinCount::share("OTHERS", pct("53")),
        ],
    )
    .with_group("OTHERS", Vec::<String>::new())
    .with_base(PercentBase::Voters);
    assert_eq!(codes(&past), [Code::PercentSumOff]);
}

#[test]
fn a_declared_base_is_the_signatures_total_and_parts_make_the_turnout() {
    use actas::audit::{Audit, check_bulletin};
    // 45.0% and 40.0% of 2,000,000 ballots cast (valid 1,700,000, null 200,000, blank 100,000):
    // round percentages of the cast total, not of the counts' sum (52.94% and 47.06%).
    let b = Bulletin::new(
        "b",
        vec![
            BulletinCount::new("A", 900_000),
            BulletinCount::new("B", 800_000),
        ],
    )
    .with_valid(1_700_000)
    .with_null(200_000)
    .with_blank(100_000)
    .with_base(PercentBase::Cast)
    .with_electors(4_000_000)
    .with_turnout(pct("50"));
    let set = set_of(&[(70, 30, 120)]);
    let report = Audit::new(&set)
        .bulletins(std::slice::from_ref(&b))
        .run()
        .unwrap();
    let s = report.bulletins[0].signature.as_ref().unwrap();
    assert_eq!((s.total, s.base), (2_000_000, Some(PercentBase::Cast)));
    assert!(report.with_code(Code::RoundPercentages).count() == 1);
    // Undeclared, the counts' sum is the total: 52.94% and 47.06% are no round grid.
    let mut undeclared = b.clone();
    undeclared.base = None;
    let report = Audit::new(&set).bulletins(&[undeclared]).run().unwrap();
    assert_eq!(
        report.bulletins[0].signature.as_ref().unwrap().total,
        1_700_000
    );
    assert_eq!(report.with_code(Code::RoundPercentages).count(), 0);
    // No voters announced: the turnout is of valid + null + blank, 2,000,000 of 4,000,000.
    let t = check_bulletin(&b, None, None).unwrap().turnout.unwrap();
    assert_eq!(t.voters, 2_000_000);
    assert!(!t.against[0].reproduced_by.is_empty());
}
