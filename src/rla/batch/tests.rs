//! Arlo's MACRO test vectors (`server/tests/audit_math/test_macro.py`, risk limit 25%), with the
//! values re-derived in the notes.

// Published values are written as the sources print them.
#![allow(clippy::float_cmp, clippy::unreadable_literal)]

use super::*;

fn contest(winner: u64, loser: u64, ballots: u64) -> ReportedResult {
    ReportedResult::new([("winner", winner), ("loser", loser)], ballots, 1).unwrap()
}

/// Arlo's fixture: 200 tables "Batch i" of 400 ballots and 200 "Batch i AV" of 200 in contest
/// A; contest B in the first 100 of each, contest C in 0..30 and 100..130 of each. Returns, per
/// contest, the tables' names, reported votes and ballots.
type Tables = Vec<(String, [u64; 2], u64)>;

fn fixture() -> Vec<(&'static str, ReportedResult, Tables)> {
    let mut out = Vec::new();
    for (name, result, range, big, small) in [
        (
            "A",
            contest(60000, 54000, 120000),
            0..200,
            [200, 180],
            [100, 90],
        ),
        (
            "B",
            contest(30000, 24000, 60000),
            0..100,
            [200, 160],
            [100, 80],
        ),
        (
            "C",
            contest(18000, 12600, 36000),
            0..30,
            [200, 140],
            [100, 70],
        ),
    ] {
        let mut tables = Vec::new();
        let ranges: Vec<std::ops::Range<i32>> = if name == "C" {
            vec![range, 100..130]
        } else {
            vec![range]
        };
        for r in ranges {
            for i in r {
                tables.push((format!("Batch {i}"), big, 400));
                tables.push((format!("Batch {i} AV"), small, 200));
            }
        }
        out.push((name, result, tables));
    }
    out
}

fn total_bound(result: &ReportedResult, tables: &[(String, [u64; 2], u64)]) -> f64 {
    tables
        .iter()
        .map(|(_, v, b)| batch_error_bound(result, v, *b).unwrap())
        .sum()
}

#[test]
fn error_bounds_and_u() {
    for ((name, result, tables), (big, small, u)) in fixture().into_iter().zip([
        (0.0700, 0.035, 21.0),
        (0.0733, 0.0367, 11.0),
        (0.0852, 0.0426, 23.0 / 3.0),
    ]) {
        let b = batch_error_bound(&result, &tables[0].1, tables[0].2).unwrap();
        let s = batch_error_bound(&result, &tables[1].1, tables[1].2).unwrap();
        assert!(
            (b - big).abs() < 0.001 && (s - small).abs() < 0.001,
            "{name}: {b} {s}"
        );
        assert!((total_bound(&result, &tables) - u).abs() < 1e-9, "{name}");
    }
}

#[test]
fn sample_sizes() {
    // First round, after 4 clean tables, and (contest C) after 9 and 10.
    for ((name, result, tables), (first, second)) in
        fixture().into_iter().zip([(30, 26), (16, 12), (11, 7)])
    {
        let u = total_bound(&result, &tables);
        let n = tables.len() as u64;
        assert_eq!(macro_sample_size(0.25, u, 1.0, n).unwrap(), first, "{name}");
        let clean = [BatchDraw::clean(batch_error_bound(&result, &tables[0].1, 400).unwrap()); 10];
        let after = |k: usize| macro_risk(0.25, u, &clean[..k], false).unwrap();
        assert_eq!(
            macro_sample_size(0.25, u, after(4).risk_so_far, n).unwrap(),
            second,
            "{name}"
        );
        if name == "C" {
            assert_eq!(
                macro_sample_size(0.25, u, after(9).risk_so_far, n).unwrap(),
                2
            );
            assert!(after(10).confirmed);
            assert_eq!(
                macro_sample_size(0.25, u, after(10).risk_so_far, n).unwrap(),
                0
            );
        }
    }
    // The extra contest: 400 / 100 of 500 ballots, in 10 tables of 40 / 10 of 50.
    let extra = contest(400, 100, 500);
    let u: f64 = (0..10)
        .map(|_| batch_error_bound(&extra, &[40, 10], 50).unwrap())
        .sum();
    assert_eq!(macro_sample_size(0.25, u, 1.0, 10).unwrap(), 4);
}

#[test]
fn risk_with_tainted_tables() {
    // 31 clean tables (Batch 0..30) and 6 (Batch 100..105) where contest A reads 190 / 190: taint
    // 20/6000 / 0.07 = 0.0476. Arlo walks them in the order of its keys as text, stops at the
    // first risk at or below 25%, and expects 0.247688222 (within 0.01) in each contest.
    for (name, result, tables) in fixture() {
        let u = total_bound(&result, &tables);
        let mut names: Vec<String> = (0..31)
            .chain(100..106)
            .map(|i| format!("Batch {i}"))
            .collect();
        names.sort();
        let draws: Vec<BatchDraw> = names
            .iter()
            .filter_map(|n| tables.iter().find(|t| &t.0 == n))
            .map(|(n, v, b)| {
                let bound = batch_error_bound(&result, v, *b).unwrap();
                let tainted = name == "A" && n.as_str() >= "Batch 100" && n.as_str() <= "Batch 105";
                let audited = if tainted { [190, 190] } else { *v };
                BatchDraw::new(
                    &result,
                    bound,
                    batch_discrepancy(&result, v, &audited).unwrap(),
                )
            })
            .collect();
        let risk = macro_risk(0.25, u, &draws, false).unwrap();
        assert!(
            (risk.p_value - 0.247688222).abs() < 0.01,
            "{name}: {}",
            risk.p_value
        );
        assert!(risk.confirmed, "{name}");
    }
    let a = contest(60000, 54000, 120000);
    let d = batch_discrepancy(&a, &[200, 180], &[190, 190])
        .unwrap()
        .unwrap();
    assert_eq!(d.counted_as, 20);
    assert!((d.error(&a) / 0.07 - 0.04761904).abs() < 1e-7);
}

#[test]
fn full_counts_ties_and_worst_cases() {
    // A full count: risk 0.
    let full = macro_risk(0.25, 21.0, &[], true).unwrap();
    assert!(full.full_count && full.confirmed && full.p_value == 0.0);
    // Arlo's worst case: 1000 / 0 in two tables of 500; one reads 0 / 500: taint 1, risk 1.
    let worst = contest(1000, 0, 1000);
    let bound = batch_error_bound(&worst, &[500, 0], 500).unwrap();
    assert_eq!(bound, 1.0);
    let d = batch_discrepancy(&worst, &[500, 0], &[0, 500]).unwrap();
    let risk = macro_risk(0.25, 2.0, &[BatchDraw::new(&worst, bound, d)], false).unwrap();
    assert_eq!(risk.p_value, 1.0);
    assert!(!risk.confirmed);
    assert_eq!(risk.risk_so_far, f64::INFINITY);
    assert_eq!(
        macro_sample_size(0.25, 2.0, risk.risk_so_far, 2).unwrap(),
        2
    );
    // A tie: every table, and a risk above the limit short of a full count.
    let tie = contest(50000, 50000, 100000);
    let bound = batch_error_bound(&tie, &[500, 500], 1000).unwrap();
    assert_eq!(bound, f64::INFINITY);
    assert_eq!(
        macro_sample_size(0.25, f64::INFINITY, 1.0, 100).unwrap(),
        100
    );
    let risk = macro_risk(0.25, f64::INFINITY, &[BatchDraw::clean(bound)], false).unwrap();
    assert!(risk.p_value > 0.25 && !risk.confirmed);
    // Arlo's close contest: 200 / 198 of 400 in four tables: every table.
    let close = contest(200, 198, 400);
    let tables = [
        ([100, 0], 100),
        ([100, 0], 100),
        ([0, 100], 100),
        ([0, 98], 100),
    ];
    let u: f64 = tables
        .iter()
        .map(|(v, b)| batch_error_bound(&close, v, *b).unwrap())
        .sum();
    assert_eq!(macro_sample_size(0.25, u, 1.0, 4).unwrap(), 4);
    let first = BatchDraw::clean(batch_error_bound(&close, &[100, 0], 100).unwrap());
    let risk = macro_risk(0.25, u, &[first], false).unwrap();
    assert!(risk.p_value > 0.25 && !risk.confirmed);
}

#[test]
fn refusals() {
    let a = contest(6, 4, 10);
    assert!(batch_error_bound(&a, &[1], 1).is_err());
    assert!(batch_discrepancy(&a, &[1, 2], &[1]).is_err());
    assert!(macro_risk(0.0, 2.0, &[], false).is_err());
    assert!(macro_risk(0.1, f64::NAN, &[], false).is_err());
    assert!(macro_sample_size(0.1, -1.0, 1.0, 3).is_err());
    assert!(ppeb_sample("s", &[0.0, 0.0], 1).is_err());
    assert!(ppeb_sample("s", &[1.0, f64::NAN], 1).is_err());
    assert!(ppeb_sample("s", &[], 1).is_err());
}

#[test]
fn ppeb_draws_in_proportion() {
    // 40,000 draws over bounds 1 : 2 : 0 : 5: each share within 1% of its expected one.
    let bounds = [1.0, 2.0, 0.0, 5.0];
    let draws = ppeb_sample("20241128", &bounds, 40_000).unwrap();
    let mut counts = [0u32; 4];
    for d in &draws {
        counts[*d] += 1;
    }
    assert_eq!(counts[2], 0);
    for (c, b) in counts.iter().zip(bounds) {
        assert!(
            (f64::from(*c) / 40_000.0 - b / 8.0).abs() < 0.01,
            "{counts:?}"
        );
    }
    // The same seed draws the same tables; another seed others.
    assert_eq!(ppeb_sample("20241128", &bounds, 50).unwrap(), draws[..50]);
    assert_ne!(ppeb_sample("20241129", &bounds, 50).unwrap(), draws[..50]);
    // A single table with a bound is every draw.
    assert_eq!(ppeb_sample("x", &[0.0, 3.0], 5).unwrap(), [1; 5]);
}

#[test]
fn bounds_pick_the_largest_pair_exactly() {
    // Two losers with margins 300 and 500: the table's bound is the larger ratio.
    let r = ReportedResult::new([("w", 1000), ("a", 700), ("b", 500)], 2500, 1).unwrap();
    let u = batch_error_bound(&r, &[10, 30, 5], 50).unwrap();
    assert_eq!(u, 55.0 / 500.0); // (10 - 5 + 50) / 500 above (10 - 30 + 50) / 300
    // The largest counts a table can hold.
    let big = ReportedResult::new([("w", u64::MAX), ("l", 0)], u64::MAX, 1).unwrap();
    let u = batch_error_bound(&big, &[u64::MAX, 0], u64::MAX).unwrap();
    assert_eq!(u, 2.0);
    let d = batch_discrepancy(&big, &[u64::MAX, 0], &[0, u64::MAX])
        .unwrap()
        .unwrap();
    assert_eq!(d.counted_as, i64::MAX);
}
