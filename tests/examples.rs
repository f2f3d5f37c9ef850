//! Examples do not rot: each example runs here on its bundled data and its output is checked.

#[allow(dead_code)]
#[path = "../examples/venezuela_2024.rs"]
mod venezuela_2024;

#[test]
fn venezuela_2024_prints_the_golden_figures() {
    let mut out = Vec::new();
    venezuela_2024::run(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    for expected in [
        "V1:  24,532 rows read,  24,532 accepted, 0 rejected",
        "V2:  25,073 rows read,  25,073 accepted, 0 rejected",
        "Edmundo González Urrutia        7,156,462   67.14%",
        "Nicolás Maduro Moros            3,241,461   30.41%",
        "valid votes                    10,659,128",
        "null votes                          1,139",
        "tables:       24,532 of     30,026  81.70%",
        "electors: 17,745,239 of 21,392,464  82.95%",
        "valid == sum(candidates)           24,532 checked, 0 broken, 0 skipped",
        "voters <= electors                 24,532 checked, 0 broken, 0 skipped",
        "Edmundo González Urrutia        7,303,480",
        "Nicolás Maduro Moros            3,316,142",
        "valid votes                    10,887,262",
        "identical:   24,530 (301 of them with a different image URL)",
        "only in V1:       2",
        "only in V2:     543",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("  EDO") || l.starts_with("  DTTO"))
            .count(),
        24,
        "one row per state"
    );
}
