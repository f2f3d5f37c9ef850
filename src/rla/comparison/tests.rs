//! Arlo's super-simple test vectors (`server/tests/audit_math/test_supersimple.py`, risk limit
//! 10%, "from Stark's tool"), with the values re-derived in the notes.

// Published values are written as the sources print them.
#![allow(clippy::float_cmp, clippy::unreadable_literal)]

use super::*;

fn contest(votes: &[u64], ballots: u64, seats: usize) -> ReportedResult {
    let names = ["w1", "w2", "l"];
    ReportedResult::new(
        names.iter().copied().zip(votes.iter().copied()),
        ballots,
        seats,
    )
    .unwrap()
}

/// Arlo's contests A to F and the two-winner contest, with their expected initial size, p after
/// that many clean ballots, with one one-vote and with one two-vote overstatement, and the
/// stopping sizes after each.
#[allow(clippy::type_complexity)]
fn vectors() -> Vec<(&'static str, ReportedResult, u64, [f64; 3], [u64; 2])> {
    vec![
        (
            "A",
            contest(&[60000, 40000], 100000, 1),
            27,
            [0.06507, 0.12534, 1.0],
            [38, 100000],
        ),
        (
            "B",
            contest(&[30000, 24000], 60000, 1),
            54,
            [0.06973, 0.13441, 1.0],
            [76, 60000],
        ),
        (
            "C",
            contest(&[18000, 12600], 36000, 1),
            36,
            [0.06740, 0.12992, 1.0],
            [51, 36000],
        ),
        (
            "D",
            contest(&[8000, 6000], 15000, 1),
            40,
            [0.07048, 0.13585, 1.0],
            [57, 15000],
        ),
        (
            "E",
            contest(&[10000, 0], 10000, 1),
            6,
            [0.01950, 0.03758, 0.51877],
            [7, 33],
        ),
        (
            "two",
            contest(&[600, 300, 100], 1000, 2),
            27,
            [0.06508, 0.12534, 1.0],
            [38, 1000],
        ),
    ]
}

/// Arlo's tolerance for these p-values is 0.001; the re-derived values are checked to 1e-7 below.
#[test]
fn stark_tool_sizes_and_risks() {
    for (name, result, size, [clean, one, two], [after_one, after_two]) in vectors() {
        assert_eq!(
            supersimple_sample_size(&result, 0.1, None).unwrap(),
            size,
            "{name}"
        );
        let ballots = |first: Option<Discrepancy>| {
            std::iter::once((first, 1)).chain(std::iter::repeat_n((None, 1), size as usize - 1))
        };
        let risk = supersimple_risk(&result, 0.1, ballots(None)).unwrap();
        assert!(
            (risk.p_value - clean).abs() < 1e-3,
            "{name}: {}",
            risk.p_value
        );
        assert!(risk.confirmed, "{name}");
        // The first ballot: reported for the (last) winner, blank on paper, then for the loser.
        let last = *result.winners().last().unwrap();
        let mut reported = vec![false; result.names().len()];
        reported[last] = true;
        let blank = vec![false; result.names().len()];
        let mut loser = blank.clone();
        loser[result.losers()[0]] = true;
        let d1 = ballot_discrepancy(&result, Some(&reported), Some(&blank)).unwrap();
        assert_eq!(d1.map(|d| d.counted_as), Some(1), "{name}");
        let risk = supersimple_risk(&result, 0.1, ballots(d1)).unwrap();
        assert!(
            (risk.p_value - one).abs() < 1e-3,
            "{name}: {}",
            risk.p_value
        );
        assert_eq!(risk.confirmed, name == "E", "{name}");
        let d2 = ballot_discrepancy(&result, Some(&reported), Some(&loser)).unwrap();
        assert_eq!(d2.map(|d| d.counted_as), Some(2), "{name}");
        let risk = supersimple_risk(&result, 0.1, ballots(d2)).unwrap();
        assert!(
            (risk.p_value - two).abs() < 1e-3,
            "{name}: {}",
            risk.p_value
        );
        assert!(!risk.confirmed, "{name}");
        // The stopping sizes after each: what is left to draw after the first round.
        let seen = |o1, o2| Observed {
            sample_size: size,
            one_vote_over: o1,
            two_vote_over: o2,
        };
        assert_eq!(clean_next(&result, seen(0, 0)), 0, "{name}");
        assert_eq!(clean_next(&result, seen(1, 0)), after_one - size, "{name}");
        assert_eq!(clean_next(&result, seen(0, 1)), after_two - size, "{name}");
    }
}

fn clean_next(result: &ReportedResult, seen: Observed) -> u64 {
    supersimple_sample_size(result, 0.1, Some(seen)).unwrap()
}

#[test]
fn re_derived_risks_to_seven_places() {
    let a = contest(&[60000, 40000], 100000, 1);
    let clean = supersimple_risk(&a, 0.1, std::iter::repeat_n((None, 1), 27)).unwrap();
    assert!((clean.p_value - 0.0650746).abs() < 1e-7);
    let d1 = Discrepancy {
        counted_as: 1,
        winner: 0,
        loser: 1,
    };
    let one = std::iter::once((Some(d1), 1)).chain(std::iter::repeat_n((None, 1), 26));
    assert!((supersimple_risk(&a, 0.1, one).unwrap().p_value - 0.1254350).abs() < 1e-7);
    let e = contest(&[10000, 0], 10000, 1);
    let d2 = Discrepancy {
        counted_as: 2,
        winner: 0,
        loser: 1,
    };
    let risk = supersimple_risk(
        &e,
        0.1,
        std::iter::once((Some(d2), 1)).chain(std::iter::repeat_n((None, 1), 5)),
    )
    .unwrap();
    assert!((risk.p_value - 0.5187654).abs() < 1e-7);
    let d1 = Discrepancy {
        counted_as: 1,
        winner: 0,
        loser: 1,
    };
    let one = std::iter::once((Some(d1), 1)).chain(std::iter::repeat_n((None, 1), 5));
    assert!((supersimple_risk(&e, 0.1, one).unwrap().p_value - 0.0375805).abs() < 1e-7);
    let clean = supersimple_risk(&e, 0.1, std::iter::repeat_n((None, 1), 6)).unwrap();
    assert!((clean.p_value - 0.0194965).abs() < 1e-7);
    // Contest F (10 / 4 of 15): 14 ballots; Arlo's fixture never records a discrepancy for it,
    // so its expected p is (1 - 0.4 / 2γ)^14 in every case.
    let f = contest(&[10, 4], 15, 1);
    assert_eq!(supersimple_sample_size(&f, 0.1, None).unwrap(), 14);
    let risk = supersimple_risk(&f, 0.1, std::iter::repeat_n((None, 1), 14)).unwrap();
    assert!((risk.p_value - 0.05013).abs() < 1e-5);
    let seen = Observed {
        sample_size: 14,
        one_vote_over: 1,
        two_vote_over: 0,
    };
    assert_eq!(supersimple_sample_size(&f, 0.1, Some(seen)).unwrap(), 1); // 15, all of it
}

#[test]
fn discrepancies() {
    let a = contest(&[60000, 40000], 100000, 1);
    let d = |r: Option<&[bool]>, au: Option<&[bool]>| ballot_discrepancy(&a, r, au).unwrap();
    assert_eq!(d(Some(&[true, false]), Some(&[true, false])), None);
    let under = d(Some(&[false, true]), Some(&[true, false])).unwrap();
    assert_eq!(under.counted_as, -2);
    assert_eq!(under.weighted(&a), -2.0 / 20000.0);
    assert_eq!(d(None, Some(&[true, false])).unwrap().counted_as, 2);
    assert_eq!(d(Some(&[true, false]), None).unwrap().counted_as, 2);
    assert!(ballot_discrepancy(&a, Some(&[true]), None).is_err());
    // Two winners: reported for the second winner, blank on paper: one vote against the loser.
    let two = contest(&[600, 300, 100], 1000, 2);
    let d = ballot_discrepancy(
        &two,
        Some(&[false, true, false]),
        Some(&[false, false, false]),
    )
    .unwrap()
    .unwrap();
    assert_eq!((d.counted_as, d.winner, d.loser), (1, 1, 2));
    assert_eq!(d.weighted(&two), 1.0 / 200.0);
}

#[test]
fn jonah_and_full_counts() {
    // Arlo's "Jonah" test: 16 / 10 of 26, 18 ballots. Its two "blank" edits alias the reported
    // records, so it has no discrepancy at all: p = (1 - 1/U)^18.
    let jonah = contest(&[16, 10], 26, 1);
    let risk = supersimple_risk(&jonah, 0.1, std::iter::repeat_n((None, 1), 18)).unwrap();
    assert!((risk.p_value - 0.1201733).abs() < 1e-7);
    assert!(!risk.confirmed);
    let all = supersimple_risk(&jonah, 0.1, std::iter::repeat_n((None, 1), 26)).unwrap();
    assert!(all.full_count && all.confirmed && all.p_value == 0.0);
    // Drawn with replacement: 10 draws of 5 ballots of a 10-ballot contest is a full count.
    let small = contest(&[5, 4], 10, 1);
    let all = supersimple_risk(&small, 0.1, std::iter::repeat_n((None, 2), 5)).unwrap();
    assert!(all.full_count);
    // A tie stays at risk 1 short of a full count.
    let tie = contest(&[50000, 50000], 100000, 1);
    assert_eq!(supersimple_sample_size(&tie, 0.1, None).unwrap(), 100000);
    let risk = supersimple_risk(&tie, 0.1, std::iter::once((None, 1))).unwrap();
    assert_eq!(risk.p_value, 1.0);
    assert!(!risk.confirmed);
}
