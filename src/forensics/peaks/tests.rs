// Exact comparisons of f64 are meant where they are made.
#![allow(clippy::float_cmp)]

use super::*;
use crate::forensics::testing::set;
use proptest::prelude::*;
use statrs::distribution::Discrete;

const HALF: (u64, u64) = (1, 20); // 0.05 point

#[test]
fn integers_by_hand() {
    assert_eq!(integer_at(75, 100, HALF), Some(75));
    // 75.05% is within 0.05 of 75; 75.10% is not; 74.95% is.
    assert_eq!(integer_at(1_501, 2_000, HALF), Some(75));
    assert_eq!(integer_at(1_502, 2_000, HALF), None);
    assert_eq!(integer_at(1_499, 2_000, HALF), Some(75));
    assert_eq!(integer_at(1, 3, HALF), None); // 33.33%
    assert_eq!(integer_at(1, 2, HALF), Some(50));
    assert_eq!(integer_at(0, 7, HALF), Some(0));
    assert_eq!(integer_at(7, 7, HALF), Some(100));
    assert_eq!(integer_at(3, 0, HALF), None);
    assert_eq!(
        integer_at(u64::from(u32::MAX), u64::from(u32::MAX), HALF),
        Some(100)
    );
    // A bin of 0.25 point: within 0.125.
    let quarter = half_bin(Decimal::new(25, 2)).unwrap();
    assert_eq!(quarter, (25, 200));
    assert_eq!(integer_at(1_002, 1_000, quarter), None); // 100.2%: past 100 not an issue here
    assert_eq!(integer_at(601, 1_000, quarter), Some(60)); // 60.1%
    assert_eq!(integer_at(602, 1_000, quarter), None); // 60.2%
    assert_eq!(half_bin(Decimal::new(100, 3)).unwrap(), (1, 20)); // 0.100 is 0.1
    for bad in [
        Decimal::ZERO,
        Decimal::ONE,
        Decimal::new(-1, 1),
        Decimal::new(1, 7),
    ] {
        assert!(half_bin(bad).is_err());
    }
}

/// `P(Bin(n, k / n) lands on an integer)` by summing every count's probability.
fn brute_p(k: u64, n: u64) -> (f64, [f64; 101]) {
    let mut by = [0.0; 101];
    let b = statrs::distribution::Binomial::new(k as f64 / n as f64, n).unwrap();
    let mut total = 0.0;
    for j in 0..=n {
        if let Some(m) = integer_at(j, n, HALF) {
            let p = b.pmf(j);
            by[usize::from(m)] += p;
            total += p;
        }
    }
    (total, by)
}

#[test]
fn the_chance_of_an_integer_by_hand() {
    let lnf = LnFactorial::up_to(10);
    let mut by = [0.0; 101];
    // Bin(4, 1/2): every count lands on 0, 25, 50, 75 or 100%.
    let p = p_integer(2, 4, HALF, &lnf, &mut by);
    assert!((p - 1.0).abs() < 1e-12, "{p}");
    assert!((by[50] - 6.0 / 16.0).abs() < 1e-12);
    // Bin(3, 1/3): 0% (8/27) and 100% (1/27) only.
    let mut by = [0.0; 101];
    let p = p_integer(1, 3, HALF, &lnf, &mut by);
    assert!((p - 9.0 / 27.0).abs() < 1e-12, "{p}");
    // A sure count lands where it is.
    let mut by = [0.0; 101];
    assert_eq!(p_integer(0, 9, HALF, &lnf, &mut by), 1.0);
    assert_eq!(by[0], 1.0);
}

/// The counts left out of the sum, beyond `10 sd + 12` of the mean, hold almost nothing, for
/// every table of up to 150 and every count.
#[test]
fn the_window_holds_every_count_that_matters() {
    let lnf = LnFactorial::up_to(150);
    for n in 1..=150u64 {
        for k in 1..n {
            let (nf, kf) = (n as f64, k as f64);
            let p = kf / nf;
            let sd = (nf * p * (1.0 - p)).sqrt();
            let (lo, hi) = (
                (kf - 10.0 * sd - 12.0).max(0.0) as u64,
                ((kf + 10.0 * sd + 12.0) as u64).min(n),
            );
            let out: f64 = (0..lo)
                .chain(hi + 1..=n)
                .map(|j| {
                    (lnf.get(n) - lnf.get(j) - lnf.get(n - j)
                        + j as f64 * p.ln()
                        + (n - j) as f64 * (-p).ln_1p())
                    .exp()
                })
                .sum();
            assert!(out < 1e-20, "n {n} k {k}: {out}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The chance of an integer, summed over the counts near the mean, is the sum over every
    /// count.
    #[test]
    fn the_chance_of_an_integer_is_the_full_sum(n in 1u64..400, k in 0u64..400) {
        let k = k % (n + 1);
        let lnf = LnFactorial::up_to(n);
        let mut by = [0.0; 101];
        let got = p_integer(k, n, HALF, &lnf, &mut by);
        let (want, want_by) = brute_p(k, n);
        prop_assert!((got - want).abs() < 1e-12, "{got} against {want}");
        for m in 0..=100 {
            prop_assert!((by[m] - want_by[m]).abs() < 1e-12);
        }
    }

    /// The chance of an integer over a size's landing counts is the sum over every count, and
    /// its share of each percentage too.
    #[test]
    fn landing_sets_give_the_full_sum(n in 1u64..400, k in 1u64..400, bin in prop_oneof![Just((1u64, 20u64)), Just((1, 4)), Just((3, 200))]) {
        let k = 1 + k % n.max(2).saturating_sub(1).max(1);
        prop_assume!(k < n);
        let lnf = LnFactorial::up_to(n);
        let landing = Landing::of(n, bin, &lnf);
        // Every count is in the set exactly when it lands.
        let all: Vec<u64> = (0..=n).filter(|&j| integer_at(j, n, bin).is_some()).collect();
        let got_j: Vec<u64> = landing.counts.iter().map(|c| u64::from(c.j)).collect();
        prop_assert_eq!(&got_j, &all);
        let mut by = [0.0; 101];
        let got = landing.p(k, n, &mut by);
        let mut want_by = [0.0; 101];
        let want = p_integer(k, n, bin, &lnf, &mut want_by);
        prop_assert!((got - want).abs() < 1e-12, "{got} against {want}");
        for m in 0..=100 {
            prop_assert!((by[m] - want_by[m]).abs() < 1e-12);
        }
    }

    /// `integer_at` in u64 (counts under 2^32) is the same test as in u128, at every bin
    /// width up to the finest (six decimals: b = 2·10^6), at the largest counts and past them.
    #[test]
    fn integer_at_is_the_wide_test(k in prop_oneof![0u64..1000, (1u64 << 32) - 1000..(1u64 << 32) + 1000, any::<u32>().prop_map(u64::from)], n in prop_oneof![0u64..1000, (1u64 << 32) - 1000..(1u64 << 32) + 1000, any::<u32>().prop_map(u64::from)], half in prop_oneof![Just((1u64, 20u64)), Just((999_999, 2_000_000)), Just((1, 2_000_000)), (1u64..20).prop_map(|a| (a, 20))]) {
        let wide = |k: u64, n: u64, (a, b): (u64, u64)| -> Option<u8> {
            if n == 0 {
                return None;
            }
            let (k, n, a, b) = (u128::from(k), u128::from(n), u128::from(a), u128::from(b));
            let m = (200 * k + n) / (2 * n);
            ((100 * k * b).abs_diff(m * n * b) <= a * n).then(|| u8::try_from(m).unwrap_or(u8::MAX))
        };
        prop_assert_eq!(integer_at(k, n, half), wide(k, n, half));
    }

    /// Tables in order of size are a stable sort of them, counted (sizes under 2^22) or
    /// sorted (past it).
    #[test]
    fn tables_by_size_are_a_stable_sort(sizes in prop::collection::vec(prop_oneof![0u64..50, Just((1 << 22) - 1), Just(1 << 22), any::<u32>().prop_map(u64::from)], 0..60)) {
        let rows: Vec<Row> = sizes
            .iter()
            .map(|&electors| Row { electors, voters: 0, leader: 0, base: 1 })
            .collect();
        let mut want: Vec<usize> = (0..rows.len()).collect();
        want.sort_by_key(|&i| sizes[i]);
        prop_assert_eq!(by_size(&rows, |r| r.electors), want);
    }

    /// The distinct sizes are the sorted, deduplicated sizes, by the bitmap (largest under
    /// 2^26, at the edges of its words) and by sorting (past it).
    #[test]
    fn distinct_sizes_are_sorted_and_once(sizes in prop::collection::vec((prop_oneof![0u64..200, Just(63), Just(64), Just((1 << 26) - 1), Just(1 << 26), 1u64..u64::from(u32::MAX)], 0u64..130), 0..40)) {
        let rows: Vec<Row> = sizes
            .iter()
            .map(|&(electors, base)| Row { electors, voters: 0, leader: 0, base })
            .collect();
        let max_n = rows.iter().map(|r| r.electors.max(r.base)).max().unwrap_or(0);
        let mut want: Vec<u64> = sizes.iter().flat_map(|&(e, b)| [e, b]).filter(|&n| n > 0).collect();
        want.sort_unstable();
        want.dedup();
        prop_assert_eq!(distinct_sizes(&rows, max_n), want);
    }

    /// The Poisson-binomial recursion is the enumeration of every outcome, on small sets.
    #[test]
    fn poisson_binomial_is_the_enumeration(ps in prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0], 0..10)) {
        let (offset, dist, dropped) = poisson_binomial(&ps, crate::Execution::Sequential);
        let mut want = vec![0.0f64; ps.len() + 1];
        for mask in 0u32..(1 << ps.len()) {
            let mut pr = 1.0;
            for (i, &p) in ps.iter().enumerate() {
                pr *= if mask & (1 << i) != 0 { p } else { 1.0 - p };
            }
            want[mask.count_ones() as usize] += pr;
        }
        for (k, &w) in want.iter().enumerate() {
            let got = (k as u64).checked_sub(offset).and_then(|i| dist.get(i as usize)).copied().unwrap_or(0.0);
            prop_assert!((got - w).abs() < 1e-12 + dropped, "{k}: {got} against {w}");
        }
        prop_assert!(dropped < 1e-18);
    }

    /// The tree of convolutions is the recursion over one variable at a time, past the size
    /// where it splits (64) and at every split below.
    #[test]
    fn the_tree_is_the_recursion(ps in prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0, 0.0f64..0.01], 0..400)) {
        let (o1, a, d1) = poisson_binomial(&ps, crate::Execution::Parallel);
        let (o2, b, d2) = poisson_binomial_direct(&ps);
        let total = |o: u64, v: &[f64], k: u64| k.checked_sub(o).and_then(|i| v.get(i as usize)).copied().unwrap_or(0.0);
        for k in 0..=ps.len() as u64 {
            let (x, y) = (total(o1, &a, k), total(o2, &b, k));
            prop_assert!((x - y).abs() < 1e-12 + d1 + d2, "{k}: {x} against {y}");
        }
    }
}

/// Tables of 300 to 1,299 electors, turnout 55 to 85%, A 50 to 70%, from a seed: no rounding.
fn honest(n: usize, seed: u64) -> Vec<(u32, u32, u32)> {
    use rand::RngExt;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let e: u32 = rng.random_range(300..1_300);
            let v = (f64::from(e) * rng.random_range(0.55..0.85)) as u32;
            let a = (f64::from(v) * rng.random_range(0.50..0.70)) as u32;
            (e, v, a)
        })
        .collect()
}

#[test]
fn the_exact_null_agrees_with_the_monte_carlo_one() {
    let s = set(&honest(3_000, 1));
    let peaks = integer_peaks(&s, &PeakOptions::default().with_monte_carlo(1_000)).unwrap();
    assert_eq!(peaks.tables, 3_000);
    assert_eq!(peaks.leader, "A");
    let mc = peaks.monte_carlo.as_ref().unwrap();
    for (j, null) in [&peaks.turnout, &peaks.share, &peaks.either]
        .into_iter()
        .enumerate()
    {
        // The Monte Carlo mean within 4 standard errors of the exact one, its spread within 15%.
        let se = null.sd / (1_000f64).sqrt();
        assert!(
            (mc.mean[j] - null.mean).abs() < 4.0 * se,
            "{j}: {} against {}",
            mc.mean[j],
            null.mean
        );
        assert!(
            (mc.sd[j] / null.sd - 1.0).abs() < 0.15,
            "{j}: {} against {}",
            mc.sd[j],
            null.sd
        );
        assert!(null.dropped < 1e-15);
        // The per-value expectations add up to the mean.
        if !null.by_value.is_empty() {
            let sum: f64 = null.by_value.iter().map(|v| v.expected).sum();
            assert!((sum - null.mean).abs() < 1e-9);
            let obs: u64 = null.by_value.iter().map(|v| v.observed).sum();
            assert_eq!(obs, null.observed);
        }
    }
    // On one thread, the same numbers.
    let seq = PeakOptions {
        execution: crate::Execution::Sequential,
        ..PeakOptions::default()
    };
    let exact = IntegerPeaks {
        monte_carlo: None,
        ..peaks.clone()
    };
    assert_eq!(integer_peaks(&s, &seq).unwrap(), exact);
    // Honest tables: no excess at the default significance.
    assert!(peaks.findings().is_empty(), "{:?}", peaks.findings());
}

#[test]
fn rounded_turnouts_are_found() {
    // One table in ten given a turnout of exactly 70%, 75% or 80%.
    let mut rows = honest(3_000, 2);
    for (i, r) in rows.iter_mut().enumerate().filter(|(i, _)| i % 10 == 0) {
        let pct = [70, 75, 80][i / 10 % 3];
        let e = r.0 / 20 * 20; // electors a multiple of 20: every one of these is whole
        r.0 = e;
        r.1 = e * pct / 100;
        r.2 = r.2.min(r.1);
    }
    let peaks = integer_peaks(&set(&rows), &PeakOptions::default()).unwrap();
    let f = peaks.findings();
    assert!(
        f.iter()
            .any(|f| f.code == Code::IntegerPercentExcess && f.subject == Subject::Set),
        "{f:?}"
    );
    assert!(peaks.turnout.observed > peaks.turnout.percentile_999);
    assert!(peaks.turnout.z > 10.0, "{}", peaks.turnout.z);
    // The peaks are where the rounding put them.
    let at = |m: usize| &peaks.turnout.by_value[m];
    assert!(at(75).observed as f64 > at(75).expected + 50.0);
    assert!((at(76).observed as f64) < at(76).expected + 30.0);
}

#[test]
fn filters_and_leaders() {
    // 99 electors (too few), 99.5% turnout (too high), no ballots, then one included.
    let s = set(&[(99, 50, 30), (200, 199, 100), (200, 0, 0), (200, 150, 80)]);
    let peaks = integer_peaks(&s, &PeakOptions::default()).unwrap();
    assert_eq!((peaks.tables, peaks.left_out), (1, 3));
    // 150 of 200 is 75.0%: integer; 80 of 150 is 53.33%: not.
    assert_eq!(
        (
            peaks.turnout.observed,
            peaks.share.observed,
            peaks.either.observed
        ),
        (1, 0, 1)
    );
    let named = integer_peaks(&s, &PeakOptions::default().with_leader("B")).unwrap();
    assert_eq!(named.leader, "B");
    assert!(integer_peaks(&s, &PeakOptions::default().with_leader("Z")).is_err());
    // Nothing included: an empty null.
    let none = integer_peaks(&set(&[(50, 10, 5)]), &PeakOptions::default()).unwrap();
    assert_eq!(
        (none.tables, none.turnout.observed, none.turnout.mean),
        (0, 0, 0.0)
    );
    assert_eq!(none.turnout.p_value, 1.0);
    assert!(none.findings().is_empty());
}

/// The walk over a landing set, at sizes where the gaps between landing counts are wide (a
/// count's ratio to the next overflows near the ends) and at rates near 0 and 1, is the sum
/// over the window, to the precision both have: each term's logarithm is a difference of
/// `ln n!`-sized numbers, so its rounding is about `n ln n · 1.1e-16` (at n = 20,000 and
/// k = n − 2, mpmath gives 0.999991707041168; the walk is 2.0e-11 below, the direct sum
/// 2.2e-12 above).
#[test]
fn landing_walks_agree_on_large_tables_and_extreme_rates() {
    for n in [999u64, 5_003, 20_000, 123_457] {
        let lnf = LnFactorial::up_to(n);
        let landing = Landing::of(n, HALF, &lnf);
        let tol = 1e-13 + 4.0 * f64::EPSILON / 2.0 * n as f64 * (n as f64).ln();
        for k in [1, 2, 7, n / 100, n / 3, n / 2, n - n / 7, n - 2, n - 1] {
            let (mut by, mut want_by) = ([0.0; 101], [0.0; 101]);
            let got = landing.p(k, n, &mut by);
            let want = p_integer(k, n, HALF, &lnf, &mut want_by);
            assert!(
                (got - want).abs() < tol,
                "n {n} k {k}: {got} against {want}"
            );
            for m in 0..=100 {
                assert!((by[m] - want_by[m]).abs() < tol, "n {n} k {k} at {m}");
            }
        }
    }
}

/// Tables too large for the landing sets' budget are summed as they come, with the same
/// result as the sets give.
#[test]
fn tables_past_the_budget_are_summed_as_they_come() {
    // Two tables of 11 million electors (each would hold about 1.1 million landing counts, past
    // the budget) among small ones.
    let rows = [
        (11_000_000, 6_600_123, 3_300_000),
        (1_000, 612, 300),
        (11_000_001, 5_500_000, 2_700_000),
        (800, 555, 200),
    ];
    let s = set(&rows);
    let peaks = integer_peaks(&s, &PeakOptions::default()).unwrap();
    assert_eq!(peaks.tables, 4);
    let lnf = LnFactorial::up_to(11_000_001);
    let mut by = [0.0; 101];
    let want: f64 = rows
        .iter()
        .map(|&(e, v, _)| p_integer(u64::from(v), u64::from(e), HALF, &lnf, &mut by))
        .sum();
    assert!(
        (peaks.turnout.mean - want).abs() < 1e-9,
        "{} {want}",
        peaks.turnout.mean
    );
}
