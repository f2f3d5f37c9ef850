//! Laws of the risk-limiting audits, the example, and the risk of wrongly confirming measured by
//! simulation.

use actas::rla::{
    BatchAudit, BatchAuditOptions, BatchDraw, ReportedResult, Status, bravo_risk, macro_risk,
    macro_sample_size, supersimple_risk,
};
use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
use proptest::prelude::*;

#[allow(dead_code)]
#[path = "../examples/rla.rs"]
mod rla_example;

/// A set of tables with these votes (3 candidates) and voters = the sum of the votes + `extra`.
fn set(tables: &[[u32; 3]], extra: u32) -> ActaSet {
    let rows: Vec<([u32; 3], u32)> = tables
        .iter()
        .map(|v| (*v, v.iter().sum::<u32>() + extra))
        .collect();
    set_with_voters(&rows)
}

/// A set of tables with these votes (3 candidates) and voters.
fn set_with_voters(tables: &[([u32; 3], u32)]) -> ActaSet {
    let contest = Contest::new(
        "x",
        vec![
            Candidate::new("A", "Ana"),
            Candidate::new("B", "Bo"),
            Candidate::new("C", "Cy"),
        ],
    )
    .unwrap();
    let mut set = ActaSet::new(contest, Geography::default());
    for (t, (v, voters)) in tables.iter().enumerate() {
        let sheet = ActaSheet::new(TableId::new(format!("T{t:05}")).unwrap())
            .with_voters(*voters)
            .with_votes(v.iter().map(|&x| Some(x)));
        set.push(sheet).unwrap();
    }
    set
}

/// The sheets of the drawn tables, from `paper`.
fn pull(paper: &ActaSet, tables: &[String]) -> ActaSet {
    let mut out = ActaSet::new(paper.contest().clone(), Geography::default());
    for t in tables {
        if out.find(t).is_none() {
            let mut s = paper.sheet(paper.find(t).unwrap()).unwrap().to_sheet();
            s.geo = None;
            out.push(s).unwrap();
        }
    }
    out
}

/// Runs a batch-comparison audit to its end (at most a full count) and returns the last status
/// and the draws it took.
fn run_audit(reported: &ActaSet, paper: &ActaSet, seed: &str, alpha: f64) -> (Status, usize) {
    let mut state = BatchAudit::plan(reported, BatchAuditOptions::new(alpha)).unwrap();
    let mut size = state.first_round();
    let all: Vec<String> = (0..reported.len())
        .map(|i| reported.table_id(i).unwrap().to_owned())
        .collect();
    if !state.total_bound().is_finite() {
        // A tie: nothing to draw, only a full count.
        let full = state.evaluate(reported, &pull(paper, &all), &[]).unwrap();
        return (full.status, 0);
    }
    loop {
        let (next, _) = state.draw(reported, seed, size).unwrap();
        state = next;
        let audited = pull(paper, state.draws());
        let e = state.evaluate(reported, &audited, &[]).unwrap();
        match e.status {
            Status::MoreDraws { more } => {
                assert!(more >= 1);
                size = more;
            }
            Status::FullCount => {
                let full = state.evaluate(reported, &pull(paper, &all), &[]).unwrap();
                assert!(full.risk.full_count);
                return (full.status, state.draws().len());
            }
            status => return (status, state.draws().len()),
        }
    }
}

#[test]
fn the_example_confirms_once_and_escalates_once() {
    let mut out = Vec::new();
    let (first, second) = rla_example::run(&mut out, 3000).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        (first, second),
        (Status::Confirmed, Status::Overturned),
        "{text}"
    );
    for want in [
        "round 1: draw",
        "CONFIRMED: risk",
        "ESCALATE to a full count",
        "OVERTURNED: the full count gives another outcome",
        "reported -> on paper",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

/// Runs `trials` audits (one seed each) of `reported` against `paper`, whose outcomes differ,
/// and returns how many confirmed the wrong outcome.
fn wrong_confirmations(
    name: &str,
    reported: &ActaSet,
    paper: &ActaSet,
    alpha: f64,
    trials: u32,
) -> u32 {
    let mut wrong = 0;
    for k in 0..trials {
        match run_audit(reported, paper, &format!("{name}-{k}"), alpha).0 {
            Status::Confirmed => wrong += 1,
            Status::Overturned => {}
            other => panic!("{name}: an audit ended {other:?}"),
        }
    }
    eprintln!("{name}: {wrong} of {trials} wrong confirmations");
    wrong
}

/// The risk of wrongly confirming a wrong outcome, measured: 400 audits (seeds), each run to its
/// end, of elections whose report gives A the win while the paper gives it to B, in three shapes
/// of error:
/// - spread: every one of 200 tables moves a few votes;
/// - concentrated: a tenth of the tables move many;
/// - tight, MACRO's worst case: one table of 100 holds the whole error, as large as its bound
///   (taint 1) and just larger than the margin. The audit is wrong exactly when it never draws
///   that table, about `(1 - u/U)^n`, just under the risk limit.
///
/// A risk limit of 10% allows at most 10% wrong confirmations; the test allows 10% plus three
/// standard errors of 400 draws (4.5 points). An audit that ignored the sheets confirms every
/// time (checked by hand: 400 of 400), and one that drew fewer tables than MACRO asks would
/// fail the tight case.
#[test]
fn the_risk_of_confirming_a_wrong_outcome_stays_under_the_limit() {
    let alpha = 0.10;
    let trials = 400;
    let tolerance = 3.0 * (alpha * (1.0 - alpha) / f64::from(trials)).sqrt();
    // On paper, B leads A by 2 votes a table (200 tables: B by 400).
    let paper_rows: Vec<[u32; 3]> = (0..200).map(|_| [100, 102, 50]).collect();
    // Spread: every table reports A 103, B 99 (A by 800).
    let spread: Vec<[u32; 3]> = (0..200).map(|_| [103, 99, 50]).collect();
    // Concentrated: 20 tables report A 130 / B 72 (A by 58 each: 20 * 58 - 180 * 2 = 800).
    let concentrated: Vec<[u32; 3]> = (0..200)
        .map(|t| {
            if t % 10 == 0 {
                [130, 72, 50]
            } else {
                [100, 102, 50]
            }
        })
        .collect();
    let paper = set(&paper_rows, 20);
    for (name, rows) in [("spread", spread), ("concentrated", concentrated)] {
        let wrong = wrong_confirmations(name, &set(&rows, 20), &paper, alpha, trials);
        let rate = f64::from(wrong) / f64::from(trials);
        assert!(rate <= alpha + tolerance, "{name}: {wrong} of {trials}");
    }
    // Tight: table 0 reports 60 / 40 of 100 ballots and holds 0 / 100 on paper; the other 99
    // report and hold 50 / 49 of 100. Reported margin 119; on paper B wins by 1.
    let tight = |first: [u32; 3]| -> Vec<([u32; 3], u32)> {
        std::iter::once((first, 100))
            .chain((1..100).map(|_| ([50, 49, 0], 100)))
            .collect()
    };
    let reported = set_with_voters(&tight([60, 40, 0]));
    let paper = set_with_voters(&tight([0, 100, 0]));
    let wrong = wrong_confirmations("tight", &reported, &paper, alpha, trials);
    let rate = f64::from(wrong) / f64::from(trials);
    assert!(rate <= alpha + tolerance, "tight: {wrong} of {trials}");
    // The simulation sees wrong confirmations where they happen: about 9.8% here.
    assert!(wrong > 0, "tight: no wrong confirmation at all");
}

#[test]
fn a_correct_report_is_confirmed_by_a_sample() {
    let rows: Vec<[u32; 3]> = (0..400).map(|t| [150 + t % 7, 100, 40]).collect();
    let reported = set(&rows, 10);
    for k in 0..20 {
        let (status, draws) = run_audit(&reported, &reported, &format!("s{k}"), 0.05);
        assert_eq!(status, Status::Confirmed);
        assert!(draws < 100, "{draws} draws");
    }
}

fn arb_tables() -> impl Strategy<Value = Vec<[u32; 3]>> {
    proptest::collection::vec(
        (0u32..300, 0u32..300, 0u32..100).prop_map(|(a, b, c)| [a, b, c]),
        1..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A full count always finishes: confirmed when the paper's winner is the report's (a tie
    /// found where a tie was reported included), overturned otherwise; never a request for more
    /// draws.
    #[test]
    fn a_full_count_always_finishes(reported in arb_tables(), noise in proptest::collection::vec((0u32..3, 0u32..20), 40)) {
        let rep = set(&reported, 5);
        let Ok(state) = BatchAudit::plan(&rep, BatchAuditOptions::new(0.05)) else {
            return Ok(()); // a result with no loser ahead of nobody: refused, not audited
        };
        let paper_rows: Vec<[u32; 3]> = reported
            .iter()
            .zip(&noise)
            .map(|(v, &(c, d))| {
                let mut v = *v;
                v[c as usize] = v[c as usize].saturating_sub(d);
                v
            })
            .collect();
        let paper = set(&paper_rows, 5);
        let e = state.evaluate(&rep, &paper, &[]).unwrap();
        prop_assert!(e.risk.full_count);
        let totals = |rows: &[[u32; 3]]| {
            let mut t = [0u64; 3];
            for r in rows {
                for c in 0..3 {
                    t[c] += u64::from(r[c]);
                }
            }
            t
        };
        let p = totals(&paper_rows);
        let r = state.result();
        let w = r.winners()[0];
        let paper_result = ReportedResult::new(
            ["A", "B", "C"].into_iter().zip(p),
            p.iter().sum::<u64>().max(1) + 1000,
            1,
        ).unwrap();
        let same = paper_result.winners()[0] == w && paper_result.is_tied() == r.is_tied();
        match e.status {
            Status::Confirmed => prop_assert!(same),
            Status::Overturned => prop_assert!(!same),
            other => prop_assert!(false, "a full count ended {:?}", other),
        }
    }

    /// A p-value is in [0, 1] and never rises when one more sampled table matches its report.
    #[test]
    fn a_matching_table_never_raises_the_risk(
        u in 1.0f64..200.0,
        taints in proptest::collection::vec(0.0f64..0.99, 0..30),
        alpha in 0.001f64..0.5,
    ) {
        let draws: Vec<BatchDraw> = taints.iter().map(|&t| BatchDraw { bound: 0.1, error: 0.1 * t }).collect();
        let before = macro_risk(alpha, u, &draws, false).unwrap();
        let mut more = draws.clone();
        more.push(BatchDraw::clean(0.1));
        let after = macro_risk(alpha, u, &more, false).unwrap();
        prop_assert!((0.0..=1.0).contains(&before.p_value));
        prop_assert!((0.0..=1.0).contains(&after.p_value));
        prop_assert!(after.p_value <= before.p_value);
        // The plan for the next round never asks for more than every table.
        let n = macro_sample_size(alpha, u, before.risk_so_far, 500).unwrap();
        prop_assert!(n <= 500);
    }

    /// The same for ballot-level comparison and ballot polling: a ballot that matches its
    /// record, or one for the winner, never raises the risk.
    #[test]
    fn a_matching_ballot_never_raises_the_risk(
        w in 501u64..1000, l in 0u64..500, n in 0usize..60, for_w in 0u64..50, for_l in 0u64..50,
    ) {
        let result = ReportedResult::new([("w", w), ("l", l)], w + l + 10, 1).unwrap();
        let before = supersimple_risk(&result, 0.1, std::iter::repeat_n((None, 1), n)).unwrap();
        let after = supersimple_risk(&result, 0.1, std::iter::repeat_n((None, 1), n + 1)).unwrap();
        prop_assert!((0.0..=1.0).contains(&before.p_value));
        prop_assert!(after.p_value <= before.p_value);
        let b = bravo_risk(&result, 0.1, &[for_w, for_l], 0).unwrap();
        let a = bravo_risk(&result, 0.1, &[for_w + 1, for_l], 0).unwrap();
        prop_assert!((0.0..=1.0).contains(&b.max_p_value()));
        prop_assert!(a.max_p_value() <= b.max_p_value());
    }

    /// An audit of a correct report that draws every table at least once and reads them all
    /// ends: rounds always ask for at least one draw, and a full count settles it.
    #[test]
    fn rounds_always_end(reported in arb_tables(), seed in "[a-z0-9]{1,8}") {
        let rep = set(&reported, 5);
        if BatchAudit::plan(&rep, BatchAuditOptions::new(0.05)).is_err() {
            return Ok(());
        }
        let (status, _) = run_audit(&rep, &rep, &seed, 0.05);
        prop_assert_eq!(status, Status::Confirmed);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// An evaluation does not depend on the order of the audited sheets, nor on the state having
    /// travelled through JSON, nor on drawing a round at once or in parts.
    #[test]
    fn evaluations_do_not_depend_on_order_or_travel(
        reported in arb_tables(),
        noise in proptest::collection::vec((0u32..3, 0u32..30), 40),
        split in 0u64..10,
        seed in "[a-z0-9]{1,8}",
    ) {
        let rep = set(&reported, 5);
        let Ok(plan) = BatchAudit::plan(&rep, BatchAuditOptions::new(0.1)) else {
            return Ok(());
        };
        if !plan.total_bound().is_finite() {
            return Ok(());
        }
        let n = plan.first_round().min(rep.tables() as u64).max(1);
        let paper_rows: Vec<[u32; 3]> = reported
            .iter()
            .zip(&noise)
            .map(|(v, &(c, d))| {
                let mut v = *v;
                v[c as usize] = v[c as usize].saturating_sub(d);
                v
            })
            .collect();
        let paper = set(&paper_rows, 5);
        let (once, _) = plan.draw(&rep, &seed, n).unwrap();
        let first = split.min(n);
        let (half, _) = plan.draw(&rep, &seed, first).unwrap();
        let (twice, _) = half.draw(&rep, &seed, n - first).unwrap();
        prop_assert_eq!(&once, &twice);
        let audited = pull(&paper, once.draws());
        let mut reversed_ids: Vec<String> = once.draws().to_vec();
        reversed_ids.reverse();
        let reversed = pull(&paper, &reversed_ids);
        let a = once.evaluate(&rep, &audited, &[]).unwrap();
        let b = once.evaluate(&rep, &reversed, &[]).unwrap();
        prop_assert_eq!(a.status, b.status);
        prop_assert_eq!(a.risk, b.risk);
        prop_assert_eq!(&a.discrepancies, &b.discrepancies);
        prop_assert_eq!(&a.findings, &b.findings);
        let travelled: BatchAudit = serde_json::from_str(&serde_json::to_string(&once).unwrap()).unwrap();
        let c = travelled.evaluate(&rep, &audited, &[]).unwrap();
        prop_assert_eq!(c, a);
    }
}
