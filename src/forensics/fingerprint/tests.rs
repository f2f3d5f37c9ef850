// Exact comparisons of f64 are meant where they are made.
#![allow(clippy::float_cmp)]

use super::*;
use crate::forensics::testing::set;
use proptest::prelude::*;

#[test]
fn cells_are_centred_and_exact() {
    // round(10 k / n), halves up.
    assert_eq!(Histogram::cell(10, 0, 7), Some(0));
    assert_eq!(Histogram::cell(10, 1, 20), Some(1)); // 5% is half a cell: up
    assert_eq!(Histogram::cell(10, 1, 21), Some(0)); // 4.76%
    assert_eq!(Histogram::cell(10, 7, 7), Some(10));
    assert_eq!(Histogram::cell(10, 8, 7), None);
    assert_eq!(Histogram::cell(1_000, 605, 1_000), Some(605));
    assert_eq!(
        Histogram::cell(u32::MAX, u64::MAX, u64::MAX),
        Some(u32::MAX as usize)
    );
    let h = Histogram::new(4);
    assert_eq!(h.width().to_string(), "25");
    assert_eq!(h.centre(3).to_string(), "75");
    assert_eq!(
        Histogram::new(3).width().to_string(),
        "33.333333333333333333333333333"
    );
}

#[test]
fn a_fingerprint_by_hand() {
    // Turnouts 50%, 80%, 100%, 110%; A's shares 60%, 75%, 90%, 50%.
    let s = set(&[
        (200, 100, 60),
        (100, 80, 60),
        (100, 100, 90),
        (100, 110, 55),
    ]);
    let o = FingerprintOptions::default()
        .with_grid(10)
        .with_histogram_bins(20)
        .with_leader("A");
    let f = fingerprint(&s, &o).unwrap();
    assert_eq!((f.tables, f.left_out, f.total_weight), (4, 0, 4));
    assert_eq!(f.leader, "A");
    // Turnout cells of 5 points: 50% → 10, 80% → 16, 100% → 20, 110% above.
    let mut want = vec![0u64; 21];
    want[10] = 1;
    want[16] = 1;
    want[20] = 1;
    assert_eq!(f.turnout.counts, want);
    assert_eq!(f.turnout.above, 1);
    // Shares 60 → 12, 75 → 15, 90 → 18, 50 → 10.
    let mut want = vec![0u64; 21];
    for i in [12, 15, 18, 10] {
        want[i] = 1;
    }
    assert_eq!(f.share.counts, want);
    assert_eq!(f.share.above, 0);
    // The grid of 10-point cells: (5, 6), (8, 8) (75% rounds up), (10, 9); the fourth above.
    assert_eq!(f.cell(5, 6), 1);
    assert_eq!(f.cell(8, 8), 1);
    assert_eq!(f.cell(10, 9), 1);
    assert_eq!(f.cells.iter().sum::<u64>(), 3);
    assert_eq!(f.above, 1);
    assert_eq!(f.cell(11, 0), 0);
    // Moments of turnouts 50, 80, 100, 110 (mean 85; deviations −35, −5, 15, 25).
    let t = f.turnout_moments.unwrap();
    assert!((t.mean - 85.0).abs() < 1e-12);
    let m2 = (35.0f64.powi(2) + 25.0 + 225.0 + 625.0) / 4.0;
    let m3 = (-(35.0f64.powi(3)) - 125.0 + 3375.0 + 15625.0) / 4.0;
    let m4 = (35.0f64.powi(4) + 625.0 + 50625.0 + 390_625.0) / 4.0;
    assert!((t.sd - m2.sqrt()).abs() < 1e-12);
    assert!((t.skewness.unwrap() - m3 / m2.powf(1.5)).abs() < 1e-12);
    assert!((t.excess_kurtosis.unwrap() - (m4 / (m2 * m2) - 3.0)).abs() < 1e-12);
    // The correlation weighted by electors (200, 100, 100, 100), by hand.
    let (w, x, y) = (
        [200.0, 100.0, 100.0, 100.0],
        [50.0, 80.0, 100.0, 110.0],
        [60.0, 75.0, 90.0, 50.0],
    );
    let sw: f64 = w.iter().sum();
    let mx = (0..4).map(|i| w[i] * x[i]).sum::<f64>() / sw;
    let my = (0..4).map(|i| w[i] * y[i]).sum::<f64>() / sw;
    let cxy: f64 = (0..4).map(|i| w[i] * (x[i] - mx) * (y[i] - my)).sum();
    let cxx: f64 = (0..4).map(|i| w[i] * (x[i] - mx).powi(2)).sum();
    let cyy: f64 = (0..4).map(|i| w[i] * (y[i] - my).powi(2)).sum();
    let r = cxy / (cxx * cyy).sqrt();
    assert!((f.correlation.unwrap() - r).abs() < 1e-12);
    // A's 265 votes: at ≥ 90% turnout 90 + 55 = 145 (54.72%), at ≥ 100% the same, at ≥ 95%
    // too.
    assert_eq!(f.leader_votes, 265);
    let h: Vec<_> = f
        .high_turnout
        .iter()
        .map(|h| {
            (
                h.threshold.to_string(),
                h.tables,
                h.leader_votes,
                h.share_of_leader_votes.to_string(),
            )
        })
        .collect();
    assert_eq!(
        h,
        vec![
            ("90".into(), 2, 145, "54.72".into()),
            ("95".into(), 2, 145, "54.72".into()),
            ("100".into(), 2, 145, "54.72".into()),
        ]
    );
    // Weighted by voters, the turnout histogram holds voters.
    let f = fingerprint(&s, &o.clone().with_weight(Weight::Voters)).unwrap();
    assert_eq!(f.total_weight, 390);
    assert_eq!(f.turnout.counts[16], 80);
    assert_eq!(f.turnout.above, 110);
}

#[test]
fn left_out_and_errors() {
    // No electors; no voters (the share has no base); fewer electors than asked.
    let s = set(&[(0, 0, 0), (50, 0, 0), (50, 40, 20), (500, 300, 100)]);
    let f = fingerprint(&s, &FingerprintOptions::default()).unwrap();
    assert_eq!((f.tables, f.left_out), (2, 2));
    let o = FingerprintOptions::default().with_min_electors(100);
    let f = fingerprint(&s, &o).unwrap();
    assert_eq!((f.tables, f.left_out), (1, 3));
    // One table: no spread, no correlation, no findings.
    let m = f.turnout_moments.unwrap();
    assert_eq!((m.mean, m.sd, m.skewness), (60.0, 0.0, None));
    assert_eq!(f.correlation, None);
    assert!(f.findings().is_empty());
    // Nothing included: no moments.
    let empty = set(&[]);
    let f = fingerprint(&empty, &FingerprintOptions::default()).unwrap();
    assert_eq!(f.turnout_moments, None);
    assert_eq!(f.high_turnout[0].share_of_leader_votes, Decimal::ZERO);
    for bad in [
        FingerprintOptions::default().with_grid(0),
        FingerprintOptions::default().with_histogram_bins(100_001),
        FingerprintOptions::default().with_thresholds(vec![Decimal::NEGATIVE_ONE]),
        FingerprintOptions::default().with_leader("Z"),
    ] {
        let e = fingerprint(&s, &bad).unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn stuffing_moves_turnout_and_share_together() {
    // Tables whose turnout and A's share rise together, and the same tables shuffled so that
    // they do not.
    let rows: Vec<_> = (0..200u32)
        .map(|i| {
            let v = 400 + i * 2; // turnout 40% to 80% of 1,000
            (1_000, v, v * (40 + i / 5) / 100)
        })
        .collect();
    let f = fingerprint(&set(&rows), &FingerprintOptions::default()).unwrap();
    assert!(f.correlation.unwrap() > 0.9, "{:?}", f.correlation);
    // No finding unless asked for.
    assert!(f.findings().is_empty());
    let alert = FingerprintOptions::default().with_correlation_alert(0.5);
    let f = fingerprint(&set(&rows), &alert).unwrap();
    let x = f.findings();
    assert_eq!(x.len(), 1);
    assert_eq!(x[0].code, Code::TurnoutShareCorrelation);
    let flat: Vec<_> = (0..200u32)
        .map(|i| {
            let v = 400 + i * 2;
            (1_000, v, v * if i % 2 == 0 { 45 } else { 55 } / 100)
        })
        .collect();
    let f = fingerprint(&set(&flat), &alert).unwrap();
    assert!(f.correlation.unwrap().abs() < 0.1, "{:?}", f.correlation);
    assert!(f.findings().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every included table's weight is in one cell of each histogram and of the grid, or
    /// above; the histograms are the grid's margins when their intervals agree; the
    /// correlation is within [−1, 1].
    #[test]
    fn weights_are_conserved(
        rows in prop::collection::vec((1u32..3_000, 0u32..3_500, 0u32..100), 0..60),
        grid in 1u32..40,
        weight in prop_oneof![Just(Weight::Tables), Just(Weight::Voters), Just(Weight::Electors)],
    ) {
        let rows: Vec<_> = rows.into_iter().map(|(e, v, a)| (e, v, v * a / 100)).collect();
        let s = set(&rows);
        let o = FingerprintOptions::default().with_grid(grid).with_histogram_bins(grid).with_weight(weight);
        let f = fingerprint(&s, &o).unwrap();
        prop_assert_eq!(f.tables + f.left_out, rows.len() as u64);
        let total = f.total_weight;
        prop_assert_eq!(f.turnout.counts.iter().sum::<u64>() + f.turnout.above, total);
        prop_assert_eq!(f.share.counts.iter().sum::<u64>() + f.share.above, total);
        prop_assert_eq!(f.cells.iter().sum::<u64>() + f.above, total);
        // Turnout margins of the grid: every table in the grid has a turnout cell.
        let side = grid as usize + 1;
        for t in 0..side {
            let row: u64 = (0..side).map(|s| f.cell(t, s)).sum();
            prop_assert!(row <= f.turnout.counts[t]);
        }
        if let Some(r) = f.correlation {
            prop_assert!((-1.0..=1.0).contains(&r));
        }
        // The thresholds are nested.
        prop_assert!(f.high_turnout.windows(2).all(|w| w[0].leader_votes >= w[1].leader_votes));
    }

    /// The moments and the correlation gathered one value at a time are the two-pass ones
    /// (mean first, then the sums of powers of the deviations), with weights of 0, 1 and
    /// millions and values from 0 to 100 (a relative tolerance of 1e-9: the two orders of
    /// summation round differently).
    #[test]
    fn one_pass_moments_are_the_two_pass_ones(values in prop::collection::vec((prop_oneof![Just(0.0), Just(1.0), 1.0f64..5_000_000.0], 0.0f64..=100.0, 0.0f64..=100.0), 0..80)) {
        let (mut m, mut c) = (OnlineMoments::default(), OnlineCorrelation::default());
        for &(w, x, y) in &values {
            m.add(w, x);
            c.add(w, x, y);
        }
        let w: f64 = values.iter().map(|v| v.0).sum();
        let close = |a: f64, b: f64, scale: f64| (a - b).abs() <= 1e-9 * scale.max(1e-300) + 1e-12;
        match m.finish() {
            None => prop_assert!(w <= 0.0),
            Some(got) => {
                let mean = values.iter().map(|v| v.0 * v.1).sum::<f64>() / w;
                let central = |k: i32| values.iter().map(|v| v.0 * (v.1 - mean).powi(k)).sum::<f64>() / w;
                let (m2, m3, m4) = (central(2), central(3), central(4));
                prop_assert!(close(got.mean, mean, 100.0), "mean {} against {mean}", got.mean);
                prop_assert!(close(got.sd * got.sd, m2, 2_500.0), "m2 {} against {m2}", got.sd * got.sd);
                // Skewness and kurtosis where the spread is not lost in rounding.
                if m2 > 1e-6 {
                    let skew = m3 / (m2 * m2.sqrt());
                    let kurt = m4 / (m2 * m2) - 3.0;
                    prop_assert!(close(got.skewness.unwrap(), skew, 1.0 + skew.abs()), "skewness {:?} against {skew}", got.skewness);
                    prop_assert!(close(got.excess_kurtosis.unwrap(), kurt, 1.0 + kurt.abs()), "kurtosis {:?} against {kurt}", got.excess_kurtosis);
                }
            }
        }
        if w > 0.0 {
            let (mx, my) = (
                values.iter().map(|v| v.0 * v.1).sum::<f64>() / w,
                values.iter().map(|v| v.0 * v.2).sum::<f64>() / w,
            );
            let co = |f: &dyn Fn(&(f64, f64, f64)) -> f64| values.iter().map(f).sum::<f64>();
            let cxy = co(&|v| v.0 * (v.1 - mx) * (v.2 - my));
            let cxx = co(&|v| v.0 * (v.1 - mx) * (v.1 - mx));
            let cyy = co(&|v| v.0 * (v.2 - my) * (v.2 - my));
            if cxx > 1e-6 * w && cyy > 1e-6 * w {
                let r = (cxy / (cxx.sqrt() * cyy.sqrt())).clamp(-1.0, 1.0);
                let got = c.finish().unwrap();
                // One pass loses digits in proportion to the spread of the weights: with a
                // table of weight 728,718 beside one of weight 1 the two orders of summation
                // differ by 3e-9 (a case the CI found). The bound states that precision: 1e-9,
                // plus 1e-13 per unit of the ratio of the total weight to the lightest one.
                let lightest = values.iter().map(|v| v.0).filter(|&x| x > 0.0).fold(f64::INFINITY, f64::min);
                let spread = 1e-13 * (w / lightest);
                prop_assert!((got - r).abs() <= 1e-9 + spread + 1e-12, "correlation {got} against {r}");
            }
        }
    }
}
