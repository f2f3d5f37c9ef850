//! Each audit check against hand-computed cases, edge cases included.

use actas::audit::{
    Audit, BoundMethod, BoundOptions, CoverageReading, PlausibilityOptions, Verdict,
    check_bulletin, compare, feasibility, plausibility, robustness, round_percentage_signature,
    sequence, totals,
};
use actas::report::{Code, Subject};
use actas::{
    ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Contest, CoverageBasis, CoverageClaim,
    Geography, Register, TableId,
};

fn contest() -> Contest {
    Contest::new(
        "c",
        vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")],
    )
    .unwrap()
}

/// Sheets of (id, electors, votes for A, votes for B); voters = valid = A + B.
fn set(rows: &[(&str, u32, u32, u32)]) -> ActaSet {
    let mut s = ActaSet::new(contest(), Geography::new(["x"]).unwrap());
    for &(id, e, a, b) in rows {
        s.push(
            ActaSheet::new(TableId::new(id).unwrap())
                .with_electors(e)
                .with_voters(a + b)
                .with_valid(a + b)
                .with_null(0)
                .with_votes([Some(a), Some(b)]),
        )
        .unwrap();
    }
    s
}

fn bulletin(a: u64, b: u64, printed: &str, basis: CoverageBasis) -> Bulletin {
    Bulletin::new(
        "b",
        vec![BulletinCount::new("A", a), BulletinCount::new("B", b)],
    )
    .with_coverage(CoverageClaim::new(basis, printed.parse().unwrap()))
}

fn register(tables: u64, electors: u64) -> Register {
    Register::new().with_tables(tables).with_electors(electors)
}

const ROWS: [(&str, u32, u32, u32); 4] = [
    ("1", 100, 50, 10),
    ("2", 100, 20, 40),
    ("3", 100, 70, 5),
    ("4", 100, 10, 60),
];

#[test]
fn tables_basis_by_hand() {
    // 6 tables, 4 collected (A: 10, 20, 50, 70), 200 uncollected electors. "50%" exactly: 3 tables,
    // at most 2 uncollected, so at least 1 sheet: A >= 10. At most 3 sheets (70 + 50 + 20) plus
    // 200 electors = 340.
    let s = set(&ROWS);
    let opts = BoundOptions::default().with_coverage(CoverageReading::Exact);
    let f = feasibility(
        &s,
        &bulletin(5, 0, "50", CoverageBasis::Tables),
        &register(6, 600),
        &opts,
    )
    .unwrap()
    .unwrap_done();
    assert_eq!(
        (
            f.counted,
            f.from_sheets,
            f.uncollected_tables,
            f.uncollected_electors
        ),
        ((3, 3), 1, Some(2), Some(200))
    );
    assert_eq!(f.method, BoundMethod::Exact);
    let a = &f.bounds[0];
    assert_eq!((a.lower, a.upper, a.on_sheets), (10, Some(340), 150));
    assert_eq!(
        (a.verdict, a.gap, a.false_sheets, a.false_sheets_exact),
        (Verdict::Below, 5, Some(1), true)
    );
    let b = &f.bounds[1];
    // B: 5, 10, 40, 60: at least the smallest; at most 60 + 40 + 10 + 200.
    assert_eq!(
        (b.lower, b.upper, b.verdict),
        (5, Some(310), Verdict::Below)
    );

    let f = feasibility(
        &s,
        &bulletin(341, 5, "50", CoverageBasis::Tables),
        &register(6, 600),
        &opts,
    )
    .unwrap()
    .unwrap_done();
    let a = &f.bounds[0];
    assert_eq!(
        (a.verdict, a.gap, a.false_sheets_exact),
        (Verdict::Above, 1, false)
    );
    // One false sheet can hide up to electors − votes = 90 more votes (table 4).
    assert_eq!(a.false_sheets, Some(1));

    // "100%" of 4 tables, all collected: the bounds close on the sheets' own total.
    let f = feasibility(
        &s,
        &bulletin(150, 115, "100", CoverageBasis::Tables),
        &register(4, 400),
        &opts,
    )
    .unwrap()
    .unwrap_done();
    assert!(f.bounds.iter().all(|b| b.lower == b.on_sheets
        && b.upper == Some(b.on_sheets)
        && b.verdict == Verdict::Within));
}

#[test]
fn printed_interval_widens_the_bounds() {
    let s = set(&ROWS);
    // "50" printed stands for [49.5, 50.5] % of 6 tables: still 3 tables.
    let f = feasibility(
        &s,
        &bulletin(5, 0, "50", CoverageBasis::Tables),
        &register(6, 600),
        &BoundOptions::default(),
    )
    .unwrap()
    .unwrap_done();
    assert_eq!(f.counted, (3, 3));
    // Regression: "60" of 6 is [3.57, 3.63] tables, which holds no integer. The bounds were
    // computed over the inverted interval (4, 3); it is an error that says why.
    let err = feasibility(
        &s,
        &bulletin(5, 0, "60", CoverageBasis::Tables),
        &register(6, 600),
        &BoundOptions::default(),
    )
    .unwrap()
    .not_applicable()
    .cloned()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "60% of 6: no whole number of the 6 prints as 60% (3 is 50%, 4 is 67%)"
    );
}

/// Regression (shared reproducer b1): "50%" of 3 tables gave "least possible 20, most possible
/// 10, 1 sheet would have to be false". The audit reports the impossible coverage as `F004` and
/// computes no bound over it, on a tables basis and on an electors basis alike.
#[test]
fn an_impossible_printed_coverage_is_a_finding_not_an_inverted_bound() {
    let s = set(&[("1", 100, 10, 10), ("2", 100, 10, 10), ("3", 100, 10, 10)]);
    let half = bulletin(15, 15, "50", CoverageBasis::Tables);
    let mut electors = bulletin(15, 15, "50.0", CoverageBasis::Electors);
    electors.electors = Some(3);
    let bulletins = [half, electors];
    let report = Audit::new(&s)
        .register(&register(3, 300))
        .bulletins(&bulletins)
        .run()
        .unwrap();
    let f004: Vec<String> = report
        .with_code(Code::ImpossibleCoverage)
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(
        f004,
        [
            "the printed coverage is impossible for this register: no whole number of the 3 prints as 50% (1 is 33%, 2 is 67%)",
            "the printed coverage is impossible for this register: no whole number of the 3 prints as 50.0% (1 is 33.3%, 2 is 66.7%)",
        ]
    );
    assert!(report.bulletins.iter().all(|b| b.feasibility.is_none()));
    assert_eq!(
        report.with_code(Code::AnnouncedBelowSheets).count()
            + report.with_code(Code::AnnouncedAboveSheets).count(),
        0
    );
}

#[test]
fn electors_basis_by_hand() {
    // 500 electors in all, 400 on the sheets, 100 uncollected. Counted 350: at least 250 from the
    // sheets. A per elector: 0.1 (table 4), 0.2, 0.5, 0.7. Cheapest 250 electors: 10 + 20 + 25.
    let s = set(&ROWS);
    let mut b = bulletin(40, 100, "70", CoverageBasis::Electors);
    b.electors = Some(500);
    b.electors_counted = Some(350);
    let f = feasibility(&s, &b, &Register::default(), &BoundOptions::default())
        .unwrap()
        .unwrap_done();
    assert_eq!(
        (f.counted, f.from_sheets, f.uncollected_electors),
        ((350, 350), 250, Some(100))
    );
    assert_eq!(f.method, BoundMethod::FractionalRelaxation);
    let a = &f.bounds[0];
    assert_eq!(a.lower, 55);
    // Upper: 100 uncollected electors at one vote each, then 250 electors at 0.7, 0.5, 0.2 per elector.
    assert_eq!(a.upper, Some(100 + 70 + 50 + 10));
    assert_eq!((a.verdict, a.gap), (Verdict::Below, 15));
    // Freeing the largest electors figure (100) leaves 150 to cover: 10 + 20 + 0 > 40? 10 + 20 = 30 <= 40.
    assert_eq!((a.false_sheets, a.false_sheets_exact), (Some(1), false));
}

#[test]
fn missing_data_is_reported_not_guessed() {
    let s = set(&ROWS);
    let b = bulletin(1, 1, "50", CoverageBasis::Tables);
    let err = feasibility(&s, &b, &Register::default(), &BoundOptions::default())
        .unwrap()
        .not_applicable()
        .cloned()
        .unwrap();
    assert_eq!(err.to_string(), "tables: the number of tables is unknown");
    // Without the register's electors the upper bound is unknown, not made up.
    let reg = Register::new().with_tables(6);
    let f = feasibility(&s, &b, &reg, &BoundOptions::default())
        .unwrap()
        .unwrap_done();
    assert_eq!(f.bounds[0].upper, None);
    // The audit turns missing data into an F003 finding.
    let bs = [b];
    let report = Audit::new(&s).bulletins(&bs).run().unwrap();
    assert_eq!(report.with_code(Code::NoBounds).count(), 1);
    // No coverage claim, no bounds: said by an F003 naming the bulletin, and by the verdict
    // (which once said that no bulletin was given).
    let bs = [Bulletin::new("b", vec![BulletinCount::new("A", 1)])];
    let report = Audit::new(&s).bulletins(&bs).run().unwrap();
    assert!(report.bulletins[0].feasibility.is_none());
    let f: Vec<_> = report.with_code(Code::NoBounds).collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].subject, Subject::Bulletin { label: "b".into() });
    assert!(
        f[0].message
            .contains("has no coverage claim and is not final"),
        "{}",
        f[0].message
    );
    let verdict = report.verdict();
    assert_eq!(verdict.len(), 1);
    assert!(
        verdict[0].text.starts_with("b: no feasibility bounds"),
        "{}",
        verdict[0].text
    );
    // A final bulletin claims every table: bounded, no F003.
    let bs = [Bulletin::new("b", vec![BulletinCount::new("A", 1)]).with_final()];
    let report = Audit::new(&s)
        .register(&Register::new().with_tables(6))
        .bulletins(&bs)
        .run()
        .unwrap();
    assert!(report.bulletins[0].feasibility.is_some());
    assert_eq!(report.with_code(Code::NoBounds).count(), 0);
}

#[test]
fn edge_cases_empty_set_one_sheet_absent_candidate() {
    let empty = set(&[]);
    let f = feasibility(
        &empty,
        &bulletin(10, 10, "50", CoverageBasis::Tables),
        &register(4, 400),
        &BoundOptions::default(),
    )
    .unwrap()
    .unwrap_done();
    assert_eq!((f.bounds[0].lower, f.bounds[0].upper), (0, Some(400)));
    let report = Audit::new(&empty).run().unwrap();
    assert!(report.findings.is_empty());
    assert_eq!(report.totals.tables, 0);

    let one = set(&[("1", 10, 6, 4)]);
    // A bulletin that omits candidate B and names an unknown subject.
    let b = Bulletin::new(
        "b",
        vec![BulletinCount::new("A", 6), BulletinCount::new("Z", 4)],
    )
    .with_coverage(CoverageClaim::new(
        CoverageBasis::Tables,
        "100".parse().unwrap(),
    ));
    let bs = [b];
    let report = Audit::new(&one)
        .register(&register(1, 10))
        .bulletins(&bs)
        .run()
        .unwrap();
    assert_eq!(
        report.with_code(Code::UnknownSubject).count(),
        1,
        "Z is neither a candidate nor a group"
    );
    let f = report.bulletins[0].feasibility.as_ref().unwrap();
    assert_eq!(f.bounds.len(), 1, "only A is bounded");
    assert_eq!(f.bounds[0].verdict, Verdict::Within);
}

#[test]
fn zero_votes_and_ties() {
    let tie = set(&[("1", 100, 30, 30), ("2", 100, 0, 0)]);
    let r = robustness(&tie, &totals(&tie).unwrap(), &register(3, 300)).unwrap();
    assert_eq!(r.leader, "A", "the first in contest order on a tie");
    assert_eq!(r.margins[0].margin, 0);
    assert_eq!(r.settled, Some(false));
    let flags = plausibility(&tie, &PlausibilityOptions::default());
    assert_eq!(
        flags.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        ["S007"]
    );
    // Settled when the margin exceeds every uncollected elector.
    let r = robustness(&tie, &totals(&tie).unwrap(), &register(2, 200)).unwrap();
    assert_eq!(
        (r.uncollected_electors, r.settled),
        (Some(0), Some(false)),
        "a tie is never settled"
    );
    let lead = set(&[("1", 100, 80, 10)]);
    let r = robustness(&lead, &totals(&lead).unwrap(), &register(2, 150)).unwrap();
    assert_eq!(r.margins[0].tie_turnout.unwrap().to_string(), "140.00%");
    assert_eq!(r.settled, Some(true));
}

#[test]
fn plausibility_flags_by_hand() {
    let mut s = ActaSet::new(contest(), Geography::new(["x"]).unwrap());
    let sheet = |id: &str| ActaSheet::new(TableId::new(id).unwrap());
    s.push(
        sheet("over")
            .with_electors(10)
            .with_voters(11)
            .with_valid(11)
            .with_votes([Some(6), Some(5)]),
    )
    .unwrap();
    s.push(
        sheet("full")
            .with_electors(10)
            .with_voters(10)
            .with_valid(10)
            .with_votes([Some(6), Some(4)]),
    )
    .unwrap();
    s.push(
        sheet("all")
            .with_electors(10)
            .with_voters(5)
            .with_valid(5)
            .with_votes([Some(0), Some(5)]),
    )
    .unwrap();
    s.push(
        sheet("null")
            .with_voters(10)
            .with_valid(8)
            .with_null(2)
            .with_votes([Some(4), Some(4)]),
    )
    .unwrap();
    s.push(
        sheet("blank")
            .with_voters(10)
            .with_valid(8)
            .with_blank(2)
            .with_votes([Some(4), Some(4)]),
    )
    .unwrap();
    s.push(sheet("empty").with_voters(0).with_votes([Some(0), Some(0)]))
        .unwrap();
    s.push(sheet("absent").with_votes([None, None])).unwrap();
    let got: Vec<(String, &str)> = plausibility(&s, &PlausibilityOptions::default())
        .iter()
        .map(|f| (f.subject.to_string(), f.code.as_str()))
        .collect();
    let want = [
        ("table over", "S002"),
        ("table full", "S003"),
        ("table all", "S004"),
        ("table null", "S005"),
        ("table blank", "S006"),
        ("table empty", "S007"),
    ];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b)));
    // 2 null of 10 voters is 20%: over 10%, not over 25%.
    let loose = PlausibilityOptions::default()
        .with_null_share_above(25.into())
        .with_blank_share_above(20.into());
    assert!(
        plausibility(&s, &loose)
            .iter()
            .all(|f| f.code != Code::NullAboveThreshold && f.code != Code::BlankAboveThreshold)
    );
}

#[test]
fn signature_by_hand() {
    // 25%, 35%, 40% of 20,000 exactly: a 1% grid, residuals 0, chance (100/20000)^2.
    let s = round_percentage_signature(&[("a", 5_000), ("b", 7_000), ("c", 8_000)])
        .unwrap()
        .unwrap_done();
    let g = s.grid.unwrap();
    assert_eq!(g.step.to_string(), "1");
    assert!(g.points.iter().all(|p| p.residual.is_zero()));
    assert!((g.probability - 2.5e-5).abs() < 1e-12);
    // Of 20,001, 5,000 is 0.25 vote from 25% (on the 1% grid) but 7,001 is 0.65 vote from 35%:
    // the 1% grid no longer fits.
    let s = round_percentage_signature(&[("a", 5_000), ("b", 7_001), ("c", 8_000)])
        .unwrap()
        .unwrap_done();
    assert!(s.grid.as_ref().is_none_or(|g| g.denominator > 100), "{s:?}");
    assert!(!s.is_flagged(1e-6));
}

#[test]
fn bulletin_arithmetic_edge_cases() {
    // Only counts and percentages: 33.3 three times sums to 99.9, within rounding (3 × 0.1);
    // 33.5 three times sums to 100.5, which no rounding explains.
    let mk = |ps: [&str; 3]| {
        Bulletin::new(
            "b",
            vec![
                BulletinCount::new("A", 3333).with_percent(ps[0].parse().unwrap()),
                BulletinCount::new("B", 3333).with_percent(ps[1].parse().unwrap()),
                BulletinCount::new("C", 3334).with_percent(ps[2].parse().unwrap()),
            ],
        )
    };
    let f = check_bulletin(&mk(["33.3", "33.3", "33.3"]), None, None)
        .unwrap()
        .findings();
    assert!(f.is_empty(), "{f:?}");
    let f = check_bulletin(&mk(["33.5", "33.5", "33.5"]), None, None)
        .unwrap()
        .findings();
    let codes: Vec<&str> = f.iter().map(|x| x.code.as_str()).collect();
    assert_eq!(codes, ["B004", "B004", "B004", "B005"]);
}

#[test]
fn sequence_by_hand() {
    let mut first = Bulletin::new(
        "1",
        vec![
            BulletinCount::new("A", 100),
            BulletinCount::new("OTHERS", 50),
        ],
    );
    first
        .groups
        .insert("OTHERS".into(), vec!["B".into(), "C".into()]);
    first.electors_counted = Some(1000);
    let mut second = Bulletin::new(
        "2",
        vec![
            BulletinCount::new("A", 400),
            BulletinCount::new("B", 40),
            BulletinCount::new("C", 30),
        ],
    );
    second.electors_counted = Some(1200);
    let steps = sequence(&[first, second]).unwrap();
    let findings: Vec<_> = steps.iter().flat_map(|s| s.findings()).collect();
    let s = &steps[0];
    assert_eq!(s.increments.len(), 2, "OTHERS is compared with B + C");
    assert_eq!(s.increments[1].to, 70);
    assert_eq!(s.votes_added, 320);
    assert_eq!(s.electors_added_at_most, Some(200));
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        ["Q002"],
        "320 votes added with at most 200 electors added"
    );
    assert!(sequence(&[]).unwrap().is_empty());
}

#[test]
fn a_forms_own_rules_come_from_its_layout() {
    let layout = actas::io::Layout::from_json(
        r#"{
        "contest": "c",
        "key": { "parts": [ { "column": "t" } ] },
        "fields": { "voters": "voters", "valid": "valid" },
        "candidates": [ { "code": "A", "name": "Ana", "column": "A" }, { "code": "B", "name": "Bo", "column": "B" } ],
        "extra": [ { "name": "received", "column": "received" }, { "name": "cancelled", "column": "cancelled" } ],
        "rules": [ "received >= voters + cancelled" ]
    }"#,
    )
    .unwrap();
    let csv = "t,voters,valid,A,B,received,cancelled\n1,10,10,6,4,15,2\n2,10,10,6,4,11,2\n3,10,10,6,4,,2\n";
    let read = actas::io::read_csv(csv.as_bytes(), &layout).unwrap();
    let options = actas::audit::AuditOptions::default().with_rules(layout.rule_set());
    let report = Audit::new(&read.set).options(options).run().unwrap();
    let own = report
        .rules
        .iter()
        .find(|r| r.rule.to_string() == "received >= voters + cancelled")
        .unwrap();
    assert_eq!(
        (own.checked, own.broken, own.skipped),
        (2, 1, 1),
        "table 3 lacks received: skipped, not 0"
    );
    let s001: Vec<String> = report
        .with_code(Code::RuleBroken)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        s001,
        ["S001 error    table 2: breaks received >= voters + cancelled (left 11, right 12)"]
    );
}

/// Regression: without a valid field the text report divided the candidates' votes by a valid
/// total of 0, clamped to 1 ("Ana 570 57000.00%").
#[test]
fn shares_without_a_valid_field_are_of_the_candidates_votes() {
    let mut s = ActaSet::new(contest(), Geography::new(["x"]).unwrap());
    for (id, a, b) in [("1", 300, 200), ("2", 270, 230)] {
        s.push(ActaSheet::new(TableId::new(id).unwrap()).with_votes([Some(a), Some(b)]))
            .unwrap();
    }
    let text = Audit::new(&s).run().unwrap().to_string();
    assert!(
        text.contains("Totals on the sheets (shares of the candidates' votes: the sheets do not all carry valid votes)"),
        "{text}"
    );
    let ana = text
        .lines()
        .find(|l| l.trim_start().starts_with("Ana"))
        .unwrap();
    assert!(ana.ends_with("570   57.00%"), "{ana}");
    assert!(
        text.contains(&format!("  {:<30} {:>12} (on no sheet)", "valid", "-")),
        "{text}"
    );
    // With valid votes on every table, shares are of them, and every field's total is given.
    let text = Audit::new(&set(&[("1", 100, 60, 30), ("2", 100, 20, 10)]))
        .run()
        .unwrap()
        .to_string();
    assert!(
        text.contains("Totals on the sheets (shares of valid votes)"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  {:<30} {:>12} (on 2 of 2 tables)",
            "electors", 200
        )),
        "{text}"
    );
    assert!(
        text.contains("turnout 60.00% (120 voters of 200 electors, on the tables that carry both)"),
        "{text}"
    );
}

/// Regression: a reading without image references compared with one that has them counted every
/// identical table as "with another image".
#[test]
fn images_are_compared_only_where_both_readings_have_one() {
    let with = |img: Option<&str>| {
        let mut s = ActaSet::new(contest(), Geography::new(["x"]).unwrap());
        for id in ["1", "2"] {
            let mut sheet =
                ActaSheet::new(TableId::new(id).unwrap()).with_votes([Some(1), Some(2)]);
            if let Some(i) = img {
                sheet = sheet.with_image(format!("{i}{id}.jpg"));
            }
            s.push(sheet).unwrap();
        }
        s
    };
    let (none, a, b) = (with(None), with(Some("a")), with(Some("b")));
    for (x, y, other) in [(&none, &a, 0), (&a, &none, 0), (&a, &a, 0), (&a, &b, 2)] {
        let c = compare(x, y).unwrap();
        assert_eq!((c.identical, c.identical_other_image), (2, other));
    }
}

/// Regression: `sequence` added a group's members in the later bulletin with an unchecked sum,
/// which wrapped to 0 in release builds and gave a false `Q001` (a count that decreases).
#[test]
fn a_group_whose_members_add_up_past_u64_is_an_error_not_a_decrease() {
    let mut first = Bulletin::new(
        "1",
        vec![BulletinCount::new("A", 5), BulletinCount::new("OTHERS", 10)],
    );
    first
        .groups
        .insert("OTHERS".into(), vec!["C".into(), "D".into()]);
    let second = Bulletin::new(
        "2",
        vec![
            BulletinCount::new("A", 6),
            BulletinCount::new("C", u64::MAX),
            BulletinCount::new("D", 1),
        ],
    );
    let bulletins = [first, second];
    let err = sequence(&bulletins).unwrap_err();
    assert_eq!(
        err.to_string(),
        "overflow: the sum of the members of group OTHERS in bulletin 2 does not fit"
    );
    let report = Audit::new(&set(&[("1", 100, 5, 5)]))
        .bulletins(&bulletins)
        .run()
        .unwrap();
    assert_eq!(report.with_code(Code::CountDecreases).count(), 0);
    assert_eq!(report.with_code(Code::NotCheckable).count(), 2, "{report}");
}

/// Regression: a second reading whose keys are written differently (`01` against `1`) matched
/// almost nothing, silently. It is a `C004` finding with an id from each side; and the text
/// report gives the net change per candidate when readings differ.
#[test]
fn readings_that_share_almost_no_table_say_so() {
    // A hundred tables keyed 001..100 against 1..100: only "100" is written alike.
    let ids_a: Vec<String> = (1..=100).map(|i| format!("{i:03}")).collect();
    let ids_b: Vec<String> = (1..=100).map(|i| i.to_string()).collect();
    let rows = |ids: &[String], bump: bool| -> ActaSet {
        let rows: Vec<(&str, u32, u32, u32)> = ids
            .iter()
            .map(|id| {
                let (x, y) = if bump && id == "100" { (7, 4) } else { (5, 5) };
                (id.as_str(), 100, x, y)
            })
            .collect();
        set(&rows)
    };
    let (a, b) = (rows(&ids_a, false), rows(&ids_b, true));
    let c = compare(&a, &b).unwrap();
    assert_eq!(c.identical + c.different.len() as u64, 1);
    let report = Audit::new(&a).second_reading(&b).run().unwrap();
    let c004: Vec<String> = report
        .with_code(Code::ReadingsBarelyOverlap)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        c004,
        [
            "C004 warning  the sheets: the two readings share almost no table: are their keys written alike (a numeric key part, a padding)? (tables in common 1, example only in first 001, example only in second 1)"
        ]
    );
    let text = report.to_string();
    assert!(text.contains("net change per candidate"), "{text}");
    assert!(
        text.contains(&format!("    {:<30} {:>+12}", "Ana", 2)),
        "{text}"
    );
    assert!(
        text.contains(&format!("    {:<30} {:>+12}", "Bo", -1)),
        "{text}"
    );
    // Readings that share most tables do not.
    let report = Audit::new(&a).second_reading(&a).run().unwrap();
    assert_eq!(report.with_code(Code::ReadingsBarelyOverlap).count(), 0);
}

/// Regression (found by the interval law): on an electors basis the relaxation's least and most
/// were one fraction rounded up and down (least 1, most 0); no whole tables hold the counted
/// electors, which is an impossible coverage, not an inverted bound.
#[test]
fn an_electors_coverage_no_whole_tables_hold_is_impossible() {
    let s = set(&[("1", 20, 1, 1)]);
    let err = feasibility(
        &s,
        &bulletin(0, 0, "50.000", CoverageBasis::Electors),
        &register(1, 20),
        &BoundOptions::default(),
    )
    .unwrap()
    .not_applicable()
    .cloned()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "50.000% of 20: no choice of whole tables holds from 10 to 10 electors, with 0 electors uncollected"
    );
}

/// Shares of every ballot cast (valid + null + blank): 480 of 900 valid votes is 53.3%, of the
/// 1,000 ballots cast 48.0%. Undeclared, the check finds the base; declared wrongly, `B004` says
/// which base it used; declared without its figures, `B008` says what is missing.
#[test]
fn printed_shares_are_checked_against_their_base() {
    use actas::PercentBase;
    let pct = |s: &str| s.parse::<actas::Percent>().unwrap();
    let counts = || {
        vec![
            BulletinCount::new("A", 480).with_percent(pct("48.0")),
            BulletinCount::new("B", 420).with_percent(pct("42.0")),
        ]
    };
    let cast = Bulletin::new("cast", counts())
        .with_valid(900)
        .with_null(60)
        .with_blank(40)
        .with_voters(1_000);
    // Undeclared: valid does not reproduce 48.0, valid + null (960) does not, cast (1,000) does.
    let check = check_bulletin(&cast, None, None).unwrap();
    let bases: Vec<(PercentBase, u64, bool)> = check
        .percents
        .iter()
        .map(|p| (p.base, p.denominator, p.base_declared))
        .collect();
    assert_eq!(
        bases,
        [
            (PercentBase::Cast, 1_000, false),
            (PercentBase::Cast, 1_000, false)
        ]
    );
    // Shares of a base other than the valid votes need not add up to 100 (they add up to 90).
    assert!(check.findings().is_empty(), "{:?}", check.findings());

    // Declared as shares of the valid votes: 48.0 is not 480 / 900.
    let valid = cast.clone().with_base(PercentBase::Valid);
    let f = check_bulletin(&valid, None, None).unwrap().findings();
    let b004: Vec<&actas::report::Finding> = f
        .iter()
        .filter(|f| f.code == Code::PercentNotReproduced)
        .collect();
    assert_eq!(b004.len(), 2);
    assert_eq!(
        b004[0].number("base").and_then(|v| v.as_text()),
        Some("valid")
    );
    assert_eq!(
        b004[0].number("exact").and_then(|v| v.as_decimal()),
        Some("53.33333".parse().unwrap())
    );
    assert!(
        b004[0].message.contains("of its base (valid)"),
        "{}",
        b004[0]
    );

    // A count may say otherwise than its bulletin: B's share is of the ballots cast.
    let mixed = Bulletin::new(
        "mixed",
        vec![
            BulletinCount::new("A", 480).with_percent(pct("53.3")),
            BulletinCount::new("B", 420)
                .with_percent(pct("42.0"))
                .with_base(PercentBase::Cast),
        ],
    )
    .with_valid(900)
    .with_null(60)
    .with_blank(40)
    .with_base(PercentBase::Valid);
    let check = check_bulletin(&mixed, None, None).unwrap();
    assert_eq!(
        check.percents.iter().map(|p| p.base).collect::<Vec<_>>(),
        [PercentBase::Valid, PercentBase::Cast]
    );
    assert!(check.findings().is_empty(), "{:?}", check.findings());

    // Declared as shares of the voters, which the bulletin does not give: not checkable, said.
    let no_voters = Bulletin::new("no voters", counts()).with_base(PercentBase::Voters);
    let f = check_bulletin(&no_voters, None, None).unwrap().findings();
    assert_eq!(
        f.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
        [
            "B008 error    no voters, A: the printed percentage is a share of the voters figure, which the bulletin does not give",
            "B008 error    no voters, B: the printed percentage is a share of the voters figure, which the bulletin does not give",
        ]
    );
}

/// The base reads from an announcements file, for a bulletin and for a count.
#[test]
fn the_base_of_shares_reads_from_json() {
    let a: actas::Announcements = actas::io::from_json(
        r#"{"bulletins": [{"label": "b", "base": "cast", "counts": [
            {"subject": "A", "count": 480, "percent": "48.0"},
            {"subject": "B", "count": 420, "percent": "53.3", "base": "valid_and_null"}]}]}"#,
    )
    .unwrap();
    let b = &a.bulletins[0];
    assert_eq!(b.base, Some(actas::PercentBase::Cast));
    assert_eq!(b.counts[1].base, Some(actas::PercentBase::ValidAndNull));
    let bad = actas::io::from_json::<actas::Announcements>(
        r#"{"bulletins": [{"label": "b", "base": "ballots", "counts": []}]}"#,
    )
    .unwrap_err();
    assert!(bad.to_string().contains("ballots"), "{bad}");
}

/// A final bulletin counted every table: on 1,000 registered tables of which 4 have sheets, a
/// printed "100" read as an interval is 995 to 1,000 tables, which may leave out every sheet;
/// final, it is all 1,000, so every sheet is in it and A has at least 150.
#[test]
fn a_final_bulletin_is_bounded_on_every_table() {
    let s = set(&ROWS);
    let reg = register(1_000, 100_000);
    let lower = |b: &Bulletin| {
        let f = feasibility(&s, b, &reg, &BoundOptions::default())
            .unwrap()
            .unwrap_done();
        (
            f.counted,
            f.from_sheets,
            f.bounds[0].lower,
            f.bounds[0].verdict,
        )
    };
    let printed = bulletin(100, 1, "100", CoverageBasis::Tables);
    assert_eq!(lower(&printed), ((995, 1_000), 0, 0, Verdict::Within));
    let last = printed.clone().with_final();
    assert_eq!(lower(&last), ((1_000, 1_000), 4, 150, Verdict::Below));
    // Final without a coverage claim: bounded as 100% of the tables.
    let unclaimed = Bulletin::new(
        "final",
        vec![BulletinCount::new("A", 100), BulletinCount::new("B", 1)],
    )
    .with_final();
    assert_eq!(lower(&unclaimed), ((1_000, 1_000), 4, 150, Verdict::Below));
    // On an electors basis, final means every registered elector.
    let electors = bulletin(100, 1, "100", CoverageBasis::Electors).with_final();
    let f = feasibility(&s, &electors, &reg, &BoundOptions::default())
        .unwrap()
        .unwrap_done();
    assert_eq!(f.counted, (100_000, 100_000));
    assert_eq!(
        (f.bounds[0].lower, f.bounds[0].verdict),
        (150, Verdict::Below)
    );
    // The audit reports both counts below the sheets (A 100 < 150, B 1 < 115); the
    // announcements file says `"final": true`.
    let bulletins = [unclaimed];
    let report = Audit::new(&s)
        .register(&reg)
        .bulletins(&bulletins)
        .run()
        .unwrap();
    assert_eq!(report.with_code(Code::AnnouncedBelowSheets).count(), 2);
    let json = actas::io::to_json(&bulletins[0]).unwrap();
    assert!(json.contains(r#""final": true"#), "{json}");
}
