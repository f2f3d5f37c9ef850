//! Golden tests on the real Venezuelan 2024 data bundled in `data/ve2024`.
//!
//! The expected figures were computed independently from the files (see
//! `data/ve2024/README.md`); the crate must arrive at them.

use actas::audit::{check_rules, compare, coverage, totals, totals_by_level};
use actas::io::{Layout, ReadOutcome, read_announcements, read_csv_path};
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
    let check = check_rules(&v1.set, &RuleSet::standard());
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
            assert_eq!(Some(c.count), counts[&c.subject].as_u64(), "{}", c.subject);
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
