//! Outcome rules as data: hand-computed outcomes, and laws (more votes for the winner never
//! undo a win, the votes to change an outcome do change it, a settled outcome survives every
//! allocation of the uncollected electors).

use actas::audit::{Audit, AuditOptions, outcome, totals};
use actas::report::Code;
use actas::{
    ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Condition, Contest, Geography, Outcome,
    OutcomeRule, PercentBase, Register, TableId,
};
use proptest::prelude::*;

fn contest(n: usize) -> Contest {
    Contest::new(
        "c",
        (0..n)
            .map(|i| Candidate::new(format!("C{i}"), format!("Candidate {i}")))
            .collect(),
    )
    .unwrap()
}

/// One sheet per entry of `tables`: each candidate's votes, electors a tenth above the votes.
fn set_of(n: usize, tables: &[Vec<u32>]) -> ActaSet {
    let mut set = ActaSet::new(contest(n), Geography::new(["x"]).unwrap());
    for (i, votes) in tables.iter().enumerate() {
        let valid: u32 = votes.iter().sum();
        set.push(
            ActaSheet::new(TableId::new(format!("{i}")).unwrap())
                .with_electors(valid + valid / 10 + 1)
                .with_voters(valid)
                .with_valid(valid)
                .with_votes(votes.iter().map(|v| Some(*v))),
        )
        .unwrap();
    }
    set
}

fn argentina() -> OutcomeRule {
    OutcomeRule::threshold_and_lead(
        PercentBase::Valid,
        [
            Condition::at_least(45),
            Condition::at_least(40).with_lead(10),
        ],
    )
}

fn rules() -> Vec<OutcomeRule> {
    vec![
        OutcomeRule::Plurality,
        OutcomeRule::absolute_majority(PercentBase::Valid),
        argentina(),
        OutcomeRule::threshold_and_lead(
            PercentBase::Voters,
            [
                Condition::more_than(50),
                Condition::at_least("40.5".parse::<actas::Decimal>().unwrap()).with_lead(5),
            ],
        ),
    ]
}

#[test]
fn a_runoff_threshold_by_hand() {
    // 38.4% against 30.1%: no condition holds (under 40, under 45): a runoff.
    let set = set_of(3, &[vec![384, 301, 315]]);
    let register = Register::new().with_electors(1_101 + 30);
    let t = totals(&set).unwrap();
    let check = outcome(&set, &t, &register, &argentina(), &[]).unwrap();
    assert_eq!(
        check.on_sheets,
        Some(Outcome::Runoff("C0".into(), "C2".into()))
    );
    assert_eq!(check.base_total, Some(1_000));
    // 40% needs 400: 16 short; a 10-point lead needs 100 more than C2's 315.
    assert_eq!(check.conditions[1].share_votes, -16);
    assert_eq!(check.conditions[1].lead_votes, Some(384 - 315 - 100));
    // Moving 16 votes from C2 to C0: 400 (40%) with a lead of 400 − 299 = 101: elected. Or 7
    // votes from C2 to C1 tie them for second... (315 − 301 = 14, half is 7).
    assert_eq!(check.votes_to_change, Some(7));
    // 30 uncollected electors all for C0: 414 of 1,030 is 40.2% with a lead of 99 < 103: still
    // a runoff; all for C1 (331) would put C1 second: the runoff's pair changes.
    assert_eq!(check.settled, Some(false));
    let o = check.findings();
    assert_eq!(o[0].code, Code::OutcomeOpen);
}

#[test]
fn an_election_settled_by_the_sheets_contradicts_a_bulletin() {
    let set = set_of(2, &[vec![600, 300], vec![700, 200]]);
    let register = Register::new().with_electors(2_000 + 100);
    let claimed = Bulletin::new(
        "authority",
        vec![
            BulletinCount::new("C1", 1_000),
            BulletinCount::new("C0", 900),
        ],
    );
    let rule = OutcomeRule::absolute_majority(PercentBase::Valid);
    let report = Audit::new(&set)
        .register(&register)
        .bulletins(std::slice::from_ref(&claimed))
        .options(AuditOptions::default().with_rule(rule.clone()))
        .run()
        .unwrap();
    let check = report.outcome.as_ref().unwrap();
    assert_eq!(check.on_sheets, Some(Outcome::Winner("C0".into())));
    assert_eq!(check.settled, Some(true));
    assert_eq!(
        check.bulletins[0].outcome,
        Some(Outcome::Winner("C1".into()))
    );
    let contradicted: Vec<_> = report.with_code(Code::OutcomeContradicted).collect();
    assert_eq!(contradicted.len(), 1);
    assert_eq!(
        contradicted[0]
            .number("announced")
            .and_then(|v| v.as_text()),
        Some("C1 elected")
    );
}

#[test]
fn bulletin_outcomes_say_why_they_are_missing() {
    let set = set_of(3, &[vec![500, 300, 200]]);
    let rule = OutcomeRule::absolute_majority(PercentBase::Cast);
    let b = Bulletin::new(
        "b",
        vec![BulletinCount::new("C0", 500), BulletinCount::new("C1", 300)],
    );
    let t = totals(&set).unwrap();
    let check = outcome(&set, &t, &Register::new(), &rule, std::slice::from_ref(&b)).unwrap();
    assert_eq!(check.bulletins[0].outcome, None);
    assert!(check.bulletins[0].note.as_deref().unwrap().contains("cast"));
    // A group as large as the second named candidate may hide the runner-up.
    let grouped = Bulletin::new(
        "g",
        vec![
            BulletinCount::new("C0", 450),
            BulletinCount::new("C1", 200),
            BulletinCount::new("OTHERS", 350),
        ],
    )
    .with_group("OTHERS", Vec::<String>::new());
    let rule = OutcomeRule::absolute_majority(PercentBase::Valid);
    let check = outcome(&set, &t, &Register::new(), &rule, &[grouped]).unwrap();
    assert_eq!(check.bulletins[0].outcome, None);
    assert!(
        check.bulletins[0]
            .note
            .as_deref()
            .unwrap()
            .contains("OTHERS")
    );
    // Shares only, of the valid votes: 52.3% is a majority.
    let shares = Bulletin::new(
        "tv",
        vec![
            BulletinCount::share("C0", "52.3".parse().unwrap()),
            BulletinCount::share("C1", "30.1".parse().unwrap()),
            BulletinCount::share("C2", "17.6".parse().unwrap()),
        ],
    );
    let check = outcome(&set, &t, &Register::new(), &rule, &[shares]).unwrap();
    assert_eq!(
        check.bulletins[0].outcome,
        Some(Outcome::Winner("C0".into()))
    );
}

#[cfg(feature = "serde")]
#[test]
fn rules_read_from_files() {
    let a: actas::Announcements = actas::io::from_json(
        r#"{ "rule": { "rule": "threshold_and_lead", "base": "valid",
                       "conditions": [ { "at_least": "45" }, { "at_least": "40", "lead": "10" } ] },
             "bulletins": [] }"#,
    )
    .unwrap();
    assert_eq!(a.rule, argentina());
    let back: actas::Announcements =
        actas::io::from_json(&actas::io::to_json(&a).unwrap()).unwrap();
    assert_eq!(back, a);
    // A condition with both or neither threshold is refused, saying so.
    let e = actas::io::from_json::<OutcomeRule>(
        r#"{ "rule": "threshold_and_lead", "base": "valid", "conditions": [ { "lead": "10" } ] }"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("exactly one of more_than and at_least"),
        "{e}"
    );
}

fn votes_of(v: &[u64]) -> Vec<(String, u64)> {
    v.iter()
        .enumerate()
        .map(|(i, x)| (format!("C{i}"), *x))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// More votes for the elected candidate (and so a larger base) never undo the win.
    #[test]
    fn more_votes_for_the_winner_keep_the_win(
        votes in prop::collection::vec(0u64..2_000, 2..6),
        others in 0u64..500,
        more in 1u64..2_000,
    ) {
        for rule in rules() {
            let v = votes_of(&votes);
            let base: u64 = votes.iter().sum::<u64>() + others;
            let Some(Outcome::Winner(w)) = rule.outcome(&v, base) else { continue };
            let mut v2 = v.clone();
            for c in &mut v2 {
                if c.0 == w {
                    c.1 += more;
                }
            }
            prop_assert_eq!(rule.outcome(&v2, base + more), Some(Outcome::Winner(w)), "{:?}", rule);
        }
    }

    /// The outcome depends on shares only: every count and the base times a constant give it.
    #[test]
    fn outcomes_are_of_shares(
        votes in prop::collection::vec(0u64..2_000, 2..6),
        others in 0u64..500,
        k in 2u64..50,
    ) {
        for rule in rules() {
            let base: u64 = votes.iter().sum::<u64>() + others;
            let scaled: Vec<u64> = votes.iter().map(|v| v * k).collect();
            prop_assert_eq!(
                rule.outcome(&votes_of(&votes), base),
                rule.outcome(&votes_of(&scaled), base * k)
            );
        }
    }

    /// The votes to change the outcome, moved as the docs say, change it; for plurality, one
    /// fewer moved from the first to anyone does not.
    #[test]
    fn the_votes_to_change_an_outcome_change_it(
        table in prop::collection::vec(0u32..3_000, 3..6),
    ) {
        let n = table.len();
        let set = set_of(n, std::slice::from_ref(&table));
        let t = totals(&set).unwrap();
        for rule in rules() {
            let check = outcome(&set, &t, &Register::new(), &rule, &[]).unwrap();
            let (Some(o), Some(k)) = (check.on_sheets.clone(), check.votes_to_change) else { continue };
            let base = check.base_total.unwrap_or(0);
            let votes: Vec<u64> = table.iter().map(|v| u64::from(*v)).collect();
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|a, b| votes[*b].cmp(&votes[*a]).then(a.cmp(b)));
            let moved = |from: usize, to: usize, k: u64| {
                let mut v = votes.clone();
                let k = k.min(v[from]);
                v[from] -= k;
                v[to] += k;
                rule.outcome(&votes_of(&v), base)
            };
            let (f, s, th) = (order[0], order[1], order[2]);
            let changed = match &o {
                Outcome::Tie(_) => true,
                Outcome::Winner(_) => moved(f, s, k) != Some(o.clone()),
                Outcome::Runoff(..) => {
                    moved(s, f, k) != Some(o.clone()) || moved(s, th, k) != Some(o.clone())
                }
                _ => unreachable!("a new kind of outcome"),
            };
            prop_assert!(changed, "{:?}: moving {} does not change {}", rule, k, o);
            if rule == OutcomeRule::Plurality && k > 0 {
                for &to in &order[1..] {
                    prop_assert_eq!(moved(f, to, k - 1), Some(o.clone()));
                }
            }
        }
    }

    /// A settled outcome is the outcome whatever the uncollected electors do: any split of them
    /// among the candidates and abstention.
    #[test]
    fn a_settled_outcome_survives_every_allocation(
        table in prop::collection::vec(0u32..3_000, 3..5),
        uncollected in 0u64..800,
        split in prop::collection::vec(0u64..100, 5),
    ) {
        let n = table.len();
        let set = set_of(n, std::slice::from_ref(&table));
        let t = totals(&set).unwrap();
        let register = Register::new().with_electors(t.electors.sum + uncollected);
        for rule in rules() {
            let check = outcome(&set, &t, &register, &rule, &[]).unwrap();
            let Some(o) = check.on_sheets.clone() else { continue };
            // Any allocation: shares of the split, the rest abstaining.
            let weight: u64 = split.iter().sum::<u64>().max(1);
            let alloc: Vec<u64> = (0..n).map(|i| uncollected * split[i] / weight).collect();
            let added: u64 = alloc.iter().sum();
            let votes: Vec<u64> = table.iter().zip(&alloc).map(|(v, a)| u64::from(*v) + a).collect();
            let base = check.base_total.unwrap_or(0) + added;
            if check.settled == Some(true) {
                prop_assert_eq!(rule.outcome(&votes_of(&votes), base), Some(o), "{:?}", rule);
            } else {
                prop_assert!(check.scenarios.iter().any(|(_, s)| *s != o));
            }
        }
    }
}
