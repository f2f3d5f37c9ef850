// Published values are written as the sources print them; exact comparisons of f64 are meant
// where they are made.
#![allow(clippy::float_cmp, clippy::unreadable_literal)]

//! Arlo's BRAVO test vectors (`server/tests/audit_math/test_bravo.py`, risk limit 10%), as
//! gathered in the notes with their re-derived values.

use super::*;

fn result(votes: &[u64], ballots: u64, seats: usize) -> ReportedResult {
    let names = ["c1", "c2", "c3", "c4"];
    ReportedResult::new(
        names.iter().copied().zip(votes.iter().copied()),
        ballots,
        seats,
    )
    .unwrap()
}

fn sizes(plan: &PollingPlan) -> (u64, Option<f64>, Vec<u64>) {
    match plan {
        PollingPlan::Sizes { asn, by_chance } => (
            asn.ballots,
            asn.chance.map(|c| (c * 100.0).round() / 100.0),
            by_chance.iter().map(|s| s.ballots).collect(),
        ),
        PollingPlan::FullCount { .. } => panic!("a full count: {plan:?}"),
    }
}

#[test]
fn first_round_sizes() {
    for (votes, ballots, seats, asn, chance, by) in [
        (
            &[600, 400][..],
            1000,
            1,
            119,
            Some(0.52),
            vec![184, 244, 351],
        ),
        (&[600, 200, 100], 900, 1, 22, Some(0.55), vec![32, 41, 57]),
        (
            &[300, 200, 200],
            1000,
            1,
            238,
            Some(0.52),
            vec![368, 488, 702],
        ),
        (&[300, 200, 100], 700, 2, 101, None, vec![]),
        (&[300, 300, 100], 700, 2, 34, None, vec![]),
        (&[600, 300, 100], 1000, 2, 48, None, vec![]),
        // test12: a loser with no votes changes nothing.
        (
            &[600, 400, 0],
            1000,
            1,
            119,
            Some(0.52),
            vec![184, 244, 351],
        ),
        (
            &[10000, 9000, 200],
            20000,
            1,
            1769,
            Some(0.5),
            vec![2837, 3760, 5426],
        ),
        (&[400, 10, 1], 500, 1, 6, Some(0.67), vec![7, 8, 11]),
    ] {
        let r = result(votes, ballots, seats);
        let plan = bravo_plan(&r, 0.1, &vec![0; votes.len()], &ARLO_CHANCES).unwrap();
        assert_eq!(sizes(&plan), (asn, chance, by), "{votes:?} of {ballots}");
    }
}

#[test]
fn later_round_sizes() {
    // test2 after 25 / 18 / 5.
    let r = result(&[600, 200, 100], 900, 1);
    let plan = bravo_plan(&r, 0.1, &[25, 18, 5], &ARLO_CHANCES).unwrap();
    assert_eq!(sizes(&plan), (42, Some(0.53), vec![57, 66, 87]));
    // test_cause_NaN after 3 / 0 / 0.
    let r = result(&[400, 10, 1], 500, 1);
    let plan = bravo_plan(&r, 0.1, &[3, 0, 0], &ARLO_CHANCES).unwrap();
    assert_eq!(sizes(&plan), (2, Some(0.81), vec![2, 2, 3]));
    // test8 (two winners) after 72 / 55 / 30.
    let r = result(&[300, 300, 100], 700, 2);
    let plan = bravo_plan(&r, 0.1, &[72, 55, 30], &ARLO_CHANCES).unwrap();
    assert_eq!(sizes(&plan).0, 14);
}

#[test]
fn full_counts() {
    // test_ga_presidential: the 90% size is over a quarter of the ballots.
    let r = result(&[2_471_981, 2_457_924, 62_229], 4_992_420, 1);
    assert_eq!(
        bravo_plan(&r, 0.1, &[0, 0, 0], &ARLO_CHANCES).unwrap(),
        PollingPlan::FullCount { ballots: 4_992_420 }
    );
    // A tie.
    let r = result(&[500, 500], 1000, 1);
    assert_eq!(
        bravo_plan(&r, 0.1, &[0, 0], &ARLO_CHANCES).unwrap(),
        PollingPlan::FullCount { ballots: 1000 }
    );
    // A winner with every ballot.
    let r = result(&[1000, 0], 1000, 1);
    assert_eq!(
        sizes(&bravo_plan(&r, 0.1, &[0, 0], &ARLO_CHANCES).unwrap()),
        (1, Some(1.0), vec![])
    );
}

#[test]
fn risks() {
    let p = |votes: &[u64], ballots, seats, sample: &[u64]| {
        let r = result(votes, ballots, seats);
        bravo_risk(&r, 0.1, sample, 0).unwrap()
    };
    let one = p(&[600, 400], 1000, 1, &[72, 47]);
    assert!((one.pairs[0].p_value - 0.0714037).abs() < 1e-7);
    assert!(one.confirmed);
    let six = p(&[300, 200, 200], 1000, 1, &[72, 48, 48]);
    assert!((six.max_p_value() - 0.0892547).abs() < 1e-7);
    assert!(six.confirmed);
    let seven = p(&[300, 200, 100], 700, 2, &[30, 25, 10]);
    assert_eq!((seven.pairs[0].winner, seven.pairs[0].loser), (0, 2));
    assert!((seven.pairs[0].p_value - 0.00534).abs() < 1e-5);
    assert!((seven.pairs[1].p_value - 0.04340).abs() < 1e-5);
    let small = p(&[10000, 9000, 200], 20000, 1, &[1200, 1000, 10]);
    assert!((small.pairs[0].p_value - 0.00056159).abs() < 1e-8);
    let two = p(&[600, 200, 100], 900, 1, &[25, 18, 5]);
    assert!((two.pairs[0].p_value - 1.0).abs() < 0.01);
    assert!(two.pairs[1].p_value < 0.01);
    assert!(!two.confirmed);
    let nan = p(&[400, 10, 1], 500, 1, &[3, 0, 0]);
    assert!((nan.max_p_value() - 0.13).abs() < 0.01);
    let eight = p(&[300, 300, 100], 700, 2, &[72, 55, 30]);
    let c2c3 = eight
        .pairs
        .iter()
        .find(|q| q.winner == 1 && q.loser == 2)
        .unwrap();
    assert!((c2c3.p_value - 0.22).abs() < 0.01);
    // A full count.
    let full = bravo_risk(&result(&[6, 4], 10, 1), 0.1, &[5, 4], 10).unwrap();
    assert!(full.full_count && full.confirmed && full.max_p_value() == 0.0);
}

#[test]
fn lindeman_sizes() {
    let size = |w, l, sw, sl, q| bravo_sample_size(0.1, w, l, 10_000, sw, sl, q).unwrap();
    assert_eq!(size(4000, 3200, 0, 0, 0.9), 1599);
    assert_eq!(size(3600, 3200, 0, 0, 0.9), 6067);
    // Arlo's test expects 2476: it divides by Decimal(0.36) + Decimal(0.32), which is
    // 0.67999999999999999334, so 1683 / p_wr lands just above 2475. Exactly, 1683 / 0.68 = 2475.
    assert_eq!(size(3600, 3200, 0, 0, 0.6), 2475);
    assert_eq!(size(5200, 4700, 0, 0, 0.9), 5657);
    assert_eq!(size(5200, 4700, 2923, 2735, 0.9), 2636);
    assert_eq!(size(5200, 4700, 10000, 0, 0.9), 0);
    assert_eq!(size(4000, 3200, 0, 0, 0.4), 409);
    // A margin of one vote in two billion: a full count, found without stepping a ballot at a
    // time to the end.
    let start = std::time::Instant::now();
    let huge = 2_000_000_001;
    assert_eq!(
        bravo_sample_size(0.1, 1_000_000_001, 1_000_000_000, huge, 0, 0, 0.9).unwrap(),
        huge
    );
    // A margin of 2% of a million: a sample, not a full count (BRAVO's ASN is 11,562 there).
    let close = bravo_sample_size(0.1, 510_000, 490_000, 1_000_000, 0, 0, 0.9).unwrap();
    assert!(close > 11_562 && close < 100_000, "{close}");
    assert!(start.elapsed().as_secs() < 20);
}

#[test]
fn expected_chances() {
    let c = expected_chance(0.1, 600, 400, 1000, 0, 0, 119);
    assert_eq!((c * 100.0).round() / 100.0, 0.52);
    assert_eq!(expected_chance(1.0, 600, 400, 1000, 0, 0, 119), 0.0);
}

#[test]
fn refusals() {
    let r = result(&[6, 4], 10, 1);
    assert!(bravo_risk(&r, 0.0, &[0, 0], 0).is_err());
    assert!(bravo_risk(&r, 1.0, &[0, 0], 0).is_err());
    assert!(bravo_risk(&r, f64::NAN, &[0, 0], 0).is_err());
    assert!(bravo_risk(&r, 0.1, &[0], 0).is_err());
    assert!(bravo_plan(&r, 0.1, &[0, 0], &[1.0]).is_err());
    assert!(bravo_sample_size(0.1, 0, 0, 10, 0, 0, 0.9).is_err());
    assert!(bravo_sample_size(0.1, 4, 6, 10, 0, 0, 0.9).is_err());
}

/// BRAVO's equation (5) for two candidates and no invalid ballots, margin `m` (`p_w = (1+m)/2`),
/// at risk limits of 10% and 5%: the values re-derived in the notes, to their one decimal.
#[test]
fn average_sample_numbers() {
    let margins = [0.40, 0.30, 0.20, 0.10, 0.05, 0.02, 0.01];
    for (alpha, want) in [
        (0.10, [30.0, 53.3, 118.9, 469.3, 1860.8, 11561.7, 46150.4]),
        (0.05, [38.5, 68.4, 153.3, 607.7, 2415.1, 15027.2, 60013.1]),
    ] {
        for (m, w) in margins.iter().zip(want) {
            // p_w = (1 + m)/2 of 100,000 ballots, exactly.
            let vw = ((1.0 + m) / 2.0 * 100_000.0_f64).round() as u64;
            let r = result(&[vw, 100_000 - vw], 100_000, 1);
            let asn = bravo_asn(&r, alpha, &[0, 0]).unwrap();
            assert!((asn - w).abs() < 0.05, "alpha {alpha} m {m}: {asn}");
        }
    }
}
