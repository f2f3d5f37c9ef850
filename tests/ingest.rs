//! Layout features beyond the bundled files: keys from parts of one column, padding, ballot lines,
//! further fields, geography gaps, other delimiters.

use actas::audit::totals;
use actas::io::{Layout, RejectReason, read_csv};
use actas::{Field, RepeatKind};

#[test]
fn key_from_parts_of_one_column() {
    let layout = Layout::from_json(
        r#"{
        "contest": "c",
        "key": { "parts": [ { "column": "ID", "start": 0, "len": 9 }, { "column": "ID", "start": 9, "pad": 3 } ], "separator": "/" },
        "candidates": [ { "code": "A", "name": "Ana", "column": "A" } ]
    }"#,
    )
    .unwrap();
    let csv = "ID,A\n0101130421,5\n01011304212,6\n0101,7\n";
    let out = read_csv(csv.as_bytes(), &layout).unwrap();
    assert_eq!(out.set.table_id(0), Some("010113042/001"));
    assert_eq!(out.set.table_id(1), Some("010113042/012"));
    assert_eq!(out.report.rejected.len(), 1);
    assert_eq!(out.report.rejected[0].reason, RejectReason::KeyTooShort);
    assert_eq!(
        out.report.rejected[0].to_string(),
        r#"line 4, column ID: "0101" is shorter than the key part needs"#
    );
}

#[test]
fn ballot_lines_add_up_to_candidates_and_further_fields_are_kept() {
    let layout = Layout::from_json(
        r#"{
        "contest": "c",
        "delimiter": ";",
        "key": { "parts": [ { "column": "table" } ] },
        "fields": { "valid": "valid" },
        "candidates": [ { "code": "A", "name": "Ana" }, { "code": "B", "name": "Bo" } ],
        "lines": [
            { "code": "P1", "candidate": "A", "column": "p1" },
            { "code": "P2", "name": "Party two", "candidate": "A", "column": "p2" },
            { "code": "P3", "candidate": "B", "column": "p3" }
        ],
        "extra": [ { "name": "ballots_received", "column": "received" } ]
    }"#,
    )
    .unwrap();
    let csv = "table;valid;p1;p2;p3;received;note\n1;10;3;4;3;12;x\n2;5;;1;4;;y\n1;10;3;4;3;12;x\n";
    let out = read_csv(csv.as_bytes(), &layout).unwrap();
    assert_eq!(out.report.unused_columns, vec!["note".to_string()]);
    assert_eq!(out.report.repeats.len(), 1);
    assert_eq!(out.report.repeats[0].kind, RepeatKind::Identical);
    let t = totals(&out.set).unwrap();
    assert_eq!(t.tables, 2, "the identical repeat is not counted twice");
    assert_eq!((t.candidates[0].sum, t.candidates[1].sum), (8, 7));
    assert_eq!(t.lines[0].sheets, 1, "P1 is absent on table 2, not 0");
    assert_eq!(
        t.candidates[0].sheets, 2,
        "A is present on table 2 through P2"
    );
    assert_eq!(out.set.count(0, Field::Extra(0)), Some(12));
    assert_eq!(out.set.count(1, Field::Extra(0)), None);
}

#[test]
fn geography_gaps_and_padding() {
    let layout = Layout::from_json(
        r#"{
        "contest": "c",
        "key": { "parts": [ { "column": "t" } ] },
        "geography": [ { "level": "state", "code": "s", "pad": 2 }, { "level": "district", "code": "d", "name": "dn" } ],
        "candidates": [ { "code": "A", "name": "Ana", "column": "A" } ]
    }"#,
    )
    .unwrap();
    let csv = "t,s,d,dn,A\n1,1,7,Seven,1\n2,01,7,Other name,1\n3,,,,1\n4,,7,Seven,1\n5,2,,,1\n";
    let out = read_csv(csv.as_bytes(), &layout).unwrap();
    let geo = out.set.geography();
    assert_eq!(
        out.set.geo(0),
        out.set.geo(1),
        "1 padded to 01 is the same place"
    );
    assert_eq!(
        geo.node(out.set.geo(1).unwrap()).unwrap().name(),
        Some("Seven"),
        "the first name is kept"
    );
    assert_eq!(out.set.geo(2), None, "no geography at all");
    assert_eq!(out.report.rejected.len(), 1);
    assert_eq!(
        out.report.rejected[0].to_string(),
        r#"line 5, column s: "" is empty while a lower geography level has a code"#
    );
    assert_eq!(
        geo.codes(out.set.geo(3).unwrap()),
        vec!["02"],
        "a path may stop above the last level"
    );
}
