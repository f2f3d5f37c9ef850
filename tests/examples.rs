//! Examples do not rot: each example runs here on its bundled data and its output is checked.

#[allow(dead_code)]
#[path = "../examples/venezuela_2024.rs"]
mod venezuela_2024;

#[allow(dead_code)]
#[path = "../examples/audit.rs"]
mod audit;

fn assert_contains(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
}

#[test]
fn venezuela_2024_prints_the_verdict_and_the_golden_figures() {
    let mut out = Vec::new();
    venezuela_2024::run(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_contains(
        &text,
        &[
            "V1:  24,532 rows read,  24,532 accepted, 0 rejected",
            "V2:  25,073 rows read,  25,073 accepted, 0 rejected",
            "CNE bulletin 1: NOT POSSIBLE given the sheets",
            "announced 4,445,978; the sheets allow at least 4,585,832 (off by 139,854 votes; 379 sheets would have to be false)",
            "residuals in votes: NM -0.288, EG -0.108, OTHERS +0.396); chance about 1 in 101 million",
            "CNE bulletin 2: NOT POSSIBLE given the sheets",
            "off by 1,445,943 votes; at least 3,034 sheets would have to be false",
            "a tie needs a turnout of 107.34% in the uncollected tables",
            "Edmundo González Urrutia          7,156,462   67.14%",
            "Nicolás Maduro Moros              3,241,461   30.41%",
            "tables covered:   24,532 of 30,026 (81.70%)",
            "electors covered: 17,745,239 of 21,392,464 (82.95%)",
            "valid == sum(candidates)           24,532 checked, 0 broken, 0 skipped",
            "voters <= electors                 24,532 checked, 0 broken, 0 skipped",
            "OTHERS        462,704 ->      600,936      +138,232  6.07% of the added votes",
            "the V2 sheets hold at least 4,729,019 (off by 283,041 votes; 768 sheets would have to be false)",
            "Edmundo González Urrutia        7,303,480   67.08%",
            "Nicolás Maduro Moros            3,316,142",
            "valid votes                    10,887,262",
            "identical:   24,530 (301 of them with a different image URL)",
            "only in V1:       2",
            "only in V2:     543",
        ],
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("  EDO") || l.starts_with("  DTTO"))
            .count(),
        24,
        "one row per state"
    );
}

const V1: [&str; 2] = [
    "data/ve2024/RESULTADOS_2024_CSV_V1.csv",
    "data/ve2024/layout_v1.json",
];

/// The library example prints the verdict on V1 (the `actas` command's options and exit
/// statuses are tested in `cli/tests/cli.rs`), and says when rows were rejected.
#[test]
fn audit_example_prints_the_verdict() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut out = Vec::new();
    assert!(audit::run(V1[0], V1[1], Some("data/ve2024/bulletins.json"), &mut out).unwrap());
    let text = String::from_utf8(out).unwrap();
    assert_contains(
        &text,
        &[
            "data/ve2024/RESULTADOS_2024_CSV_V1.csv: every row read (24,532 rows)",
            "CNE bulletin 1: NOT POSSIBLE given the sheets",
            "R001 critical CNE bulletin 1",
        ],
    );
    let dir = std::env::temp_dir().join(format!("actas-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let damaged = dir.join("damaged.csv");
    let v1 = std::fs::read_to_string(V1[0]).unwrap();
    let mut lines: Vec<String> = v1.lines().map(str::to_owned).collect();
    lines[10] = lines[10].replacen(",", ",x", 9);
    std::fs::write(&damaged, lines.join("\n") + "\n").unwrap();
    let mut out = Vec::new();
    assert!(!audit::run(damaged.to_str().unwrap(), V1[1], None, &mut out).unwrap());
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("ROWS REJECTED: this report covers only the rows that were read"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(audit::run("no/such.csv", V1[1], None, &mut Vec::new()).is_err());
}
