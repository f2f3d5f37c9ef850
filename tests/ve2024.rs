//! Golden tests on the real Venezuelan 2024 data bundled in `data/ve2024`.
//!
//! The expected figures were computed independently from the files (see
//! `data/ve2024/README.md`); the crate must arrive at them.

use actas::audit::{check_rules, compare, coverage, totals, totals_by_level};
use actas::io::{Layout, ReadOutcome, read_announcements, read_csv_path};
use actas::report::Code;
use actas::rules::RuleSet;
use actas::{CoverageBasis, Field, RepeatKind};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");

fn load(version: &str) -> ReadOutcome {
    let layout =
        Layout::from_path(format!("{DIR}/layout_{}.json", version.to_lowercase())).unwrap();
    read_csv_path(format!("{DIR}/RESULTADOS_2024_CSV_{version}.csv"), &layout).unwrap()
}

fn candidate(read: &ReadOutcome, code: &str) -> u64 {
    let t = totals(&read.set).unwrap();
    t.candidates[read.set.contest().candidate_index(code).unwrap()].sum
}

#[test]
fn v1_golden_figures() {
    let v1 = load("V1");
    assert_eq!(v1.report.rows_read, 24_532);
    assert_eq!(v1.report.accepted, 24_532);
    assert!(
        v1.report.rejected.is_empty(),
        "{:?}",
        v1.report.rejected.first()
    );
    assert_eq!(v1.set.len(), 24_532);
    assert!(
        v1.set.repeats().is_empty(),
        "no (CENTRO, MESA) appears twice"
    );
    assert!(
        v1.report.unused_columns.is_empty(),
        "{:?}",
        v1.report.unused_columns
    );

    let expected = [
        ("EG", 7_156_462),
        ("NM", 3_241_461),
        ("LM", 84_446),
        ("AE", 49_603),
        ("BERA", 37_408),
        ("EM", 25_570),
        ("JOBR", 21_583),
        ("JABE", 19_966),
        ("CF", 12_321),
        ("DC", 10_308),
    ];
    for (code, votes) in expected {
        assert_eq!(candidate(&v1, code), votes, "{code}");
    }
    let t = totals(&v1.set).unwrap();
    assert_eq!(t.tables, 24_532);
    assert_eq!(t.valid.sum, 10_659_128);
    assert_eq!(t.null.sum, 1_139);
    assert_eq!(t.electors.sum, 17_745_239);
    assert_eq!(t.voters.sum, 10_659_128 + 1_139);
    assert_eq!(t.candidate_sum().unwrap(), t.valid.sum);

    let states = totals_by_level(&v1.set, 0).unwrap();
    assert_eq!(states.places.len(), 24);
    assert_eq!(states.unplaced.tables, 0);
    let centres = v1.set.geography().level_index("centre").unwrap();
    assert_eq!(
        totals_by_level(&v1.set, centres).unwrap().places.len(),
        12_817
    );
}

#[test]
fn v1_breaks_no_rule() {
    let v1 = load("V1");
    let check = check_rules(&v1.set, &RuleSet::standard()).unwrap();
    assert!(
        check.violations.is_empty(),
        "{:?}",
        check.violations.first()
    );
    let by_text = |t: &str| {
        check
            .rules
            .iter()
            .find(|r| r.rule.to_string() == t)
            .unwrap()
    };
    assert_eq!(by_text("valid == sum(candidates)").checked, 24_532);
    assert_eq!(by_text("voters <= electors").checked, 24_532);
    // No blank-vote column: the rule is skipped on every sheet, not evaluated with 0.
    assert_eq!(by_text("valid + null + blank == voters").skipped, 24_532);
}

#[test]
fn v2_golden_figures_and_latin1() {
    let v2 = load("V2");
    assert_eq!(v2.report.rows_read, 25_073);
    assert!(v2.report.rejected.is_empty());
    assert_eq!(v2.set.len(), 25_073);
    assert_eq!(candidate(&v2, "EG"), 7_303_480);
    assert_eq!(candidate(&v2, "NM"), 3_316_142);
    let t = totals(&v2.set).unwrap();
    assert_eq!(t.valid.sum, 10_887_262);
    assert_eq!(t.null.sum, 1_213);
    assert_eq!(t.electors.sheets, 0, "V2 has no electors column");

    // Latin-1 decodes: accented names are right, and the 16 cells where upstream lost an Ñ keep
    // the '¿' they have in the file.
    let geo = v2.set.geography();
    let names: Vec<&str> = (0..3)
        .flat_map(|level| geo.at_level(level))
        .filter_map(|p| geo.node(p).and_then(|n| n.name()))
        .collect();
    assert!(
        names.iter().any(|n| n.contains("MONTA¿A")),
        "MONTA¿A as in the file"
    );
    assert!(names.contains(&"PQ. MIGUEL PEÑA"), "Latin-1 Ñ decodes");
    assert!(names.contains(&"PQ. MONTA¿A VERDE"));
    assert!(
        names.iter().all(|n| !n.contains('\u{FFFD}')),
        "no replacement characters"
    );
}

#[test]
fn v1_against_v2() {
    let (v1, v2) = (load("V1"), load("V2"));
    let c = compare(&v1.set, &v2.set).unwrap();
    assert_eq!(c.identical, 24_530);
    assert_eq!(c.identical_other_image, 301);
    assert_eq!(c.only_in_a.len(), 2);
    assert_eq!(c.only_in_b.len(), 543);
    assert!(c.different.is_empty());
    assert!(
        !c.fields_compared.contains(&"electors".to_string()),
        "V2 carries no electors"
    );
}

#[test]
fn announcements_match_the_original_file() {
    let a = read_announcements(format!("{DIR}/bulletins.json")).unwrap();
    let original: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DIR}/cne_bulletins.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(a.register.tables, Some(30_026));
    assert_eq!(
        a.register.electors,
        original["register"]["electors_eligible_presidential"].as_u64()
    );
    assert_eq!(a.bulletins.len(), 2);
    for (b, o) in a
        .bulletins
        .iter()
        .zip(original["bulletins"].as_array().unwrap())
    {
        assert_eq!(b.label, o["label"].as_str().unwrap());
        assert_eq!(
            b.coverage.unwrap().printed.to_string(),
            o["coverage_printed"].as_str().unwrap()
        );
        assert_eq!(
            b.turnout.unwrap().to_string(),
            o["participation_printed"].as_str().unwrap()
        );
        let counts = o["counts"].as_object().unwrap();
        assert_eq!(b.counts.len(), counts.len());
        for c in &b.counts {
            assert_eq!(c.count, counts[&c.subject].as_u64(), "{}", c.subject);
            assert_eq!(
                c.percent.unwrap().to_string(),
                o["percent_printed"][&c.subject].as_str().unwrap()
            );
        }
        for (mine, theirs) in [
            (b.voters, "voters"),
            (b.valid, "valid"),
            (b.null, "null"),
            (b.electors, "electors_registered"),
        ] {
            assert_eq!(mine, o[theirs].as_u64(), "{theirs}");
        }
    }
    assert_eq!(
        a.bulletins[0].coverage.unwrap().basis,
        CoverageBasis::Tables
    );
    assert_eq!(
        a.bulletins[1].coverage.unwrap().basis,
        CoverageBasis::Electors
    );
    assert_eq!(a.bulletins[0].count_total().unwrap(), 10_058_774);
}

#[test]
fn coverage_of_v1() {
    let v1 = load("V1");
    let a = read_announcements(format!("{DIR}/bulletins.json")).unwrap();
    let c = coverage(&totals(&v1.set).unwrap(), &a.register);
    assert_eq!(c.table_share().unwrap().to_string(), "81.70%");
    assert_eq!(c.electors, 17_745_239);
    assert_eq!(c.tables_without_electors, 0);
    assert!(v1.set.present(Field::Electors) == 24_532);
    assert!(
        v1.set
            .repeats()
            .iter()
            .all(|r| r.kind != RepeatKind::Conflicting)
    );
}

mod audit {
    //! The full audit of the council's bulletins against the published sheets. The expected
    //! figures were computed independently (a short Python script over the CSV, with exact
    //! fractions), not read off this crate's output.

    use super::*;
    use actas::audit::{Audit, AuditOptions, BoundOptions, CoverageReading, Verdict, feasibility};
    use actas::{Announcements, Bulletin};

    fn announcements() -> Announcements {
        read_announcements(format!("{DIR}/bulletins.json")).unwrap()
    }

    fn eg_bound(
        set: &actas::ActaSet,
        b: &Bulletin,
        a: &Announcements,
        reading: CoverageReading,
    ) -> actas::audit::Bound {
        let f = feasibility(
            set,
            b,
            &a.register,
            &BoundOptions::default().with_coverage(reading),
        )
        .unwrap()
        .unwrap_done();
        f.bounds.into_iter().find(|x| x.subject == "EG").unwrap()
    }

    #[test]
    fn bulletin_1_has_the_round_percentage_signature() {
        let v1 = load("V1");
        let a = announcements();
        let report = Audit::new(&v1.set)
            .register(&a.register)
            .bulletins(&a.bulletins)
            .run()
            .unwrap();
        let s = report.bulletins[0].signature.as_ref().unwrap();
        let g = s.grid.as_ref().unwrap();
        assert_eq!(g.step.to_string(), "0.1");
        let residuals: Vec<String> = g.points.iter().map(|p| p.residual.to_string()).collect();
        assert_eq!(residuals, ["-0.288", "-0.108", "0.396"]);
        assert!(
            (g.probability - 9.88e-9).abs() < 0.005e-9,
            "{}",
            g.probability
        );
        assert!(
            (1.0 / g.probability / 1e6 - 101.2).abs() < 0.1,
            "about 1 in 101 million"
        );
        assert_eq!(report.with_code(Code::RoundPercentages).count(), 1);
        // Bulletin 2 is the negative control: no grid with a vote between its points fits.
        assert!(
            report.bulletins[1]
                .signature
                .as_ref()
                .unwrap()
                .grid
                .is_none()
        );
        assert!(
            report
                .with_code(Code::RoundPercentages)
                .all(|f| f.subject.to_string() == "CNE bulletin 1")
        );
    }

    #[test]
    fn both_bulletins_are_infeasible_for_gonzalez_against_v1() {
        let v1 = load("V1");
        let a = announcements();
        // Bulletin 1: 80% of 30,026 tables, read as [79.5, 80.5]%: at least 23,871 tables, of
        // which at most 5,494 uncollected, so at least 18,377 of the V1 sheets.
        let b1 = eg_bound(
            &v1.set,
            &a.bulletins[0],
            &a,
            CoverageReading::PrintedInterval,
        );
        assert_eq!(
            (b1.announced, b1.lower, b1.verdict),
            (4_445_978, 4_585_832, Verdict::Below)
        );
        assert_eq!(
            (b1.gap, b1.false_sheets, b1.false_sheets_exact),
            (139_854, Some(379), true)
        );
        // Read as exactly 80% (24,020.8 tables): at least 24,020 tables, 18,526 of them sheets.
        let b1 = eg_bound(&v1.set, &a.bulletins[0], &a, CoverageReading::Exact);
        assert_eq!(
            (b1.lower, b1.gap, b1.false_sheets),
            (4_641_314, 195_336, Some(528))
        );
        // Bulletin 2: 20,654,431 electors counted of 21,321,805; 17,077,865 of them on V1 sheets.
        let b2 = eg_bound(
            &v1.set,
            &a.bulletins[1],
            &a,
            CoverageReading::PrintedInterval,
        );
        assert_eq!(
            (b2.announced, b2.lower, b2.verdict),
            (5_326_104, 6_772_047, Verdict::Below)
        );
        assert_eq!(
            (b2.gap, b2.false_sheets, b2.false_sheets_exact),
            (1_445_943, Some(3_034), false)
        );
        // Maduro's announced counts are within what the sheets and the register allow.
        let f = feasibility(
            &v1.set,
            &a.bulletins[0],
            &a.register,
            &BoundOptions::default(),
        )
        .unwrap()
        .unwrap_done();
        assert_eq!(
            f.bounds.iter().find(|b| b.subject == "NM").unwrap().verdict,
            Verdict::Within
        );
        assert_eq!(
            (f.counted, f.uncollected_tables, f.from_sheets),
            ((23_871, 24_170), Some(5_494), 18_377)
        );
    }

    #[test]
    fn against_v2_bulletin_1_is_infeasible_too_and_bulletin_2_cannot_be_bounded() {
        let v2 = load("V2");
        let a = announcements();
        let b1 = eg_bound(
            &v2.set,
            &a.bulletins[0],
            &a,
            CoverageReading::PrintedInterval,
        );
        assert_eq!(
            (b1.lower, b1.gap, b1.false_sheets),
            (4_729_019, 283_041, Some(768))
        );
        assert_eq!(
            b1.upper, None,
            "V2 has no electors: the uncollected tables are unbounded"
        );
        let report = Audit::new(&v2.set)
            .register(&a.register)
            .bulletins(&a.bulletins)
            .run()
            .unwrap();
        let f003: Vec<String> = report
            .with_code(Code::NoBounds)
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            f003,
            [
                "F003 info     CNE bulletin 2: no feasibility bounds: electors: some sheets lack electors"
            ]
        );
    }

    #[test]
    fn the_sheets_settle_the_outcome_and_the_sequence_is_reported() {
        let v1 = load("V1");
        let a = announcements();
        let report = Audit::new(&v1.set)
            .register(&a.register)
            .bulletins(&a.bulletins)
            .options(AuditOptions::default())
            .run()
            .unwrap();
        let r = report.robustness.as_ref().unwrap();
        assert_eq!(r.leader, "EG");
        assert_eq!(r.uncollected_electors, Some(21_392_464 - 17_745_239));
        let nm = r.margins.iter().find(|m| m.rival == "NM").unwrap();
        assert_eq!(nm.margin, 7_156_462 - 3_241_461);
        assert_eq!(nm.tie_turnout.unwrap().to_string(), "107.34%");
        assert_eq!(r.settled, Some(true));
        let step = &report.sequence[0];
        assert_eq!(step.votes_added, 12_335_884 - 10_058_774);
        let others = step
            .increments
            .iter()
            .find(|i| i.subject == "OTHERS")
            .unwrap();
        assert_eq!((others.from, others.to), (462_704, 600_936));
        assert!(report.with_code(Code::CountDecreases).next().is_none());
        // Bulletin 2's own arithmetic holds: its printed turnout is voters over the electors counted.
        let t = report.bulletins[1].check.turnout.as_ref().unwrap();
        assert!(
            t.against
                .iter()
                .any(|x| x.figure == "electors_counted" && !x.reproduced_by.is_empty())
        );
        assert!(
            report
                .findings
                .iter()
                .all(|f| !f.code.as_str().starts_with('B')),
            "no bulletin arithmetic finding"
        );
        let text = report.to_string();
        assert!(
            text.contains("CNE bulletin 1: NOT POSSIBLE given the sheets"),
            "{text}"
        );
        assert!(text.contains("about 1 in 101 million"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&report.to_json().unwrap()).unwrap();
        assert_eq!(
            json["bulletins"][0]["feasibility"]["bounds"][1]["gap"],
            139_854
        );
    }
}
