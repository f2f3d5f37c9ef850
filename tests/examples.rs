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

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const V1: [&str; 2] = [
    "data/ve2024/RESULTADOS_2024_CSV_V1.csv",
    "data/ve2024/layout_v1.json",
];

#[test]
fn audit_cli_text_and_json() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let a = audit::parse(&args(&[
        V1[0],
        V1[1],
        "--bulletins",
        "data/ve2024/bulletins.json",
    ]))
    .unwrap();
    let mut out = Vec::new();
    audit::run(&a, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_contains(
        &text,
        &[
            "data/ve2024/RESULTADOS_2024_CSV_V1.csv: every row read (24,532 rows)",
            "CNE bulletin 1: NOT POSSIBLE given the sheets",
            "R001 critical CNE bulletin 1",
        ],
    );

    let a = audit::parse(&args(&[
        V1[0],
        V1[1],
        "--bulletins",
        "data/ve2024/bulletins.json",
        "--json",
        "--exact-coverage",
    ]))
    .unwrap();
    let mut out = Vec::new();
    audit::run(&a, &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let eg = &json["bulletins"][0]["feasibility"]["bounds"][1];
    assert_eq!(
        (eg["subject"].as_str(), eg["gap"].as_u64()),
        (Some("EG"), Some(195_336)),
        "exact reading"
    );
}

#[test]
fn audit_cli_register_and_usage_errors() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let dir = std::env::temp_dir().join(format!("actas-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let register = dir.join("register.csv");
    std::fs::write(
        &register,
        "table,electors\n010113042-1,666\n999999999-1,100\n",
    )
    .unwrap();
    let a = audit::parse(&args(&[
        V1[0],
        V1[1],
        "--register",
        register.to_str().unwrap(),
    ]))
    .unwrap();
    let mut out = Vec::new();
    audit::run(&a, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    // 24,531 sheets are outside this two-table register; the one inside agrees on its electors.
    assert_contains(&text, &["D003 x24531", "D004 x1"]);
    assert!(!text.contains("D005"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();

    for bad in [
        &["only-one"][..],
        &["a", "b", "--bogus"],
        &["a", "b", "--compare", "x"],
    ] {
        assert!(audit::parse(&args(bad)).is_err(), "{bad:?}");
    }
    let missing = audit::parse(&args(&["no/such.csv", V1[1]])).unwrap();
    let err = audit::run(&missing, &mut Vec::new()).unwrap_err();
    assert!(err.to_string().starts_with("no/such.csv: "), "{err}");
    // Regression: a missing register file named no path.
    let missing = audit::parse(&args(&[V1[0], V1[1], "--register", "no/register.csv"])).unwrap();
    let err = audit::run(&missing, &mut Vec::new()).unwrap_err();
    assert!(err.to_string().starts_with("no/register.csv: "), "{err}");
}

/// Regressions: the second reading's rejected rows were never reported, `--json` carried no
/// read report, and rows rejected left the exit status at 0. And `--stream` gives the report
/// that reading in memory gives.
#[test]
fn audit_cli_reports_rejected_rows_of_every_input_and_streams_alike() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let dir = std::env::temp_dir().join(format!("actas-cli-rejected-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // V1 with two damaged rows, as the second reading.
    let v1 = std::fs::read_to_string(V1[0]).unwrap();
    let mut lines: Vec<String> = v1.lines().map(str::to_owned).collect();
    for k in [10, 20] {
        lines[k] = lines[k].replacen(",", ",x", 9);
    }
    let damaged = dir.join("damaged.csv");
    std::fs::write(&damaged, lines.join("\n") + "\n").unwrap();
    let damaged = damaged.to_str().unwrap();

    let compare = audit::parse(&args(&[V1[0], V1[1], "--compare", damaged, V1[1]])).unwrap();
    let mut out = Vec::new();
    assert!(
        !audit::run(&compare, &mut out).unwrap(),
        "rows rejected: not clean"
    );
    let text = String::from_utf8(out).unwrap();
    let head: String = text.lines().take(8).collect::<Vec<_>>().join("\n");
    assert_contains(
        &head,
        &[
            "ROWS REJECTED: this report covers only the rows that were read",
            "data/ve2024/RESULTADOS_2024_CSV_V1.csv: every row read (24,532 rows)",
            "damaged.csv: 2 of 24,532 rows rejected (0.01%): not_a_count 2",
            "line 11, column RE: \"x810\" is not a count",
        ],
    );
    let allowed = audit::parse(&args(&[
        V1[0],
        V1[1],
        "--compare",
        damaged,
        V1[1],
        "--allow-rejected",
        "2",
    ]))
    .unwrap();
    assert!(audit::run(&allowed, &mut Vec::new()).unwrap());
    for (allowance, ok) in [("1", false), ("0.01%", true), ("0.001%", false)] {
        let a = audit::parse(&args(&[
            V1[0],
            V1[1],
            "--compare",
            damaged,
            V1[1],
            "--allow-rejected",
            allowance,
        ]))
        .unwrap();
        assert_eq!(audit::run(&a, &mut Vec::new()).unwrap(), ok, "{allowance}");
    }
    assert!(audit::parse(&args(&[V1[0], V1[1], "--allow-rejected", "many"])).is_err());

    // The JSON report carries each input's read report.
    let json = audit::parse(&args(&[
        V1[0],
        V1[1],
        "--compare",
        damaged,
        V1[1],
        "--json",
    ]))
    .unwrap();
    let mut out = Vec::new();
    audit::run(&json, &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["inputs"][1]["rejected"].as_u64(), Some(2));
    assert_eq!(
        v["inputs"][1]["reasons"][0][0].as_str(),
        Some("not_a_count")
    );

    // --stream: the same report, text and JSON, on a file with rejected rows.
    for extra in [&[][..], &["--json"][..]] {
        let mut a = vec![damaged, V1[1], "--bulletins", "data/ve2024/bulletins.json"];
        a.extend_from_slice(extra);
        let mut in_memory = Vec::new();
        assert!(!audit::run(&audit::parse(&args(&a)).unwrap(), &mut in_memory).unwrap());
        a.push("--stream");
        let mut streamed = Vec::new();
        assert!(!audit::run(&audit::parse(&args(&a)).unwrap(), &mut streamed).unwrap());
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(in_memory).unwrap()
        );
    }
    assert!(
        audit::parse(&args(&[
            V1[0],
            V1[1],
            "--stream",
            "--compare",
            damaged,
            V1[1]
        ]))
        .is_err()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
