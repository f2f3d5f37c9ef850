//! Bad input: one fixture each under `tests/fixtures`, each with the exact error expected.
//! Nothing panics, and every rejected row is reported with its line, column, raw value and reason.

use actas::io::{Layout, ReadOutcome, RejectReason, read_csv, read_csv_path};
use actas::report::Code;
use std::path::Path;

use actas::{Bulletin, BulletinCount, Error, ErrorKind, RepeatKind};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn layout() -> Layout {
    Layout::from_path(format!("{DIR}/layout.json")).unwrap()
}

fn read(name: &str) -> Result<ReadOutcome, Error> {
    read_csv_path(format!("{DIR}/{name}"), &layout())
}

/// The messages of the rows a read rejected, in order.
fn messages(report: &actas::io::ReadReport) -> Vec<String> {
    report.rejected.iter().map(ToString::to_string).collect()
}

/// Reads a fixture that must load, with exactly one rejected row, and returns that row's message.
fn one_rejection(name: &str) -> (String, RejectReason) {
    let out = read(name).unwrap();
    let r = &out.report;
    assert_eq!(
        r.rows_read,
        r.accepted + r.rejected.len() as u64,
        "{name}: rows read = accepted + rejected"
    );
    assert_eq!(r.rejected.len(), 1, "{name}: {:?}", r.rejected);
    assert_eq!(out.set.len() as u64, r.accepted);
    (r.rejected[0].to_string(), r.rejected[0].reason.clone())
}

#[test]
fn the_good_fixture_loads() {
    let out = read("good.csv").unwrap();
    assert_eq!((out.report.rows_read, out.report.accepted), (1, 1));
}

#[test]
fn empty_file() {
    let err = read("empty.csv").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::EmptyInput);
    let path = format!("{DIR}/empty.csv");
    assert_eq!(
        err.position().and_then(|p| p.path()),
        Some(Path::new(&path))
    );
    assert_eq!(
        err.to_string(),
        format!("{path}: the input is empty: no header line")
    );
}

#[test]
fn header_only() {
    let err = read("header_only.csv").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NoRows);
    assert_eq!(err.position().and_then(|p| p.line()), Some(1));
    assert_eq!(
        err.to_string(),
        format!("{DIR}/header_only.csv: line 1: a header and no data rows")
    );
}

#[test]
fn missing_required_column() {
    let err = read("missing_column.csv").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{DIR}/missing_column.csv: header: no column \"B\" (the layout names it for candidate B)"
        )
    );
}

#[test]
fn ragged_row() {
    let out = read("ragged_row.csv").unwrap();
    assert_eq!(out.report.rows_read, 3);
    assert_eq!(out.report.accepted, 2);
    assert_eq!(
        out.report.rejected[0].to_string(),
        "line 3: 7 cells where the header has 8"
    );
    assert_eq!(
        out.report.rejected[0].reason,
        RejectReason::Ragged {
            found: 7,
            expected: 8
        }
    );
}

#[test]
fn non_numeric_count() {
    let (msg, reason) = one_rejection("non_numeric.csv");
    assert_eq!(msg, r#"line 2, column valid: "12a" is not a count"#);
    assert_eq!(reason, RejectReason::NotACount);
}

#[test]
fn negative_count() {
    let (msg, reason) = one_rejection("negative.csv");
    assert_eq!(msg, r#"line 2, column A: "-4" is negative"#);
    assert_eq!(reason, RejectReason::Negative);
}

#[test]
fn count_over_u32_max() {
    let (msg, _) = one_rejection("too_large.csv");
    assert_eq!(
        msg,
        r#"line 2, column electors: "4294967296" does not fit in a count (at most 4294967295)"#
    );
}

#[test]
fn total_overflow() {
    // A derived field (voters = valid + null) that overflows a count rejects the row.
    let (msg, reason) = one_rejection("total_overflow.csv");
    assert_eq!(
        msg,
        r#"line 2, column null: "1" makes voters larger than a count can be (at most 4294967295)"#
    );
    assert_eq!(
        reason,
        RejectReason::SumTooLarge {
            field: "voters".into()
        }
    );
    // A total over u64 is an error, never a wrap.
    let b = Bulletin::new(
        "b",
        vec![
            BulletinCount::new("A", u64::MAX),
            BulletinCount::new("B", 1),
        ],
    );
    assert_eq!(
        b.count_total().unwrap_err().to_string(),
        "overflow: the sum of the counts of bulletin b does not fit"
    );
}

#[test]
fn invalid_utf8_in_a_utf8_layout() {
    let (msg, reason) = one_rejection("invalid_utf8.csv");
    // Regression: nothing hinted that a Latin-1 file was declared UTF-8.
    assert_eq!(
        msg,
        "line 2, column state_name: \"PE\u{fffd}A\" is not valid UTF-8; as Latin-1 it reads \"PEÑA\": if the file is Latin-1, set \"encoding\": \"latin-1\" in the layout"
    );
    assert_eq!(
        reason,
        RejectReason::InvalidUtf8 {
            latin1: Some("PEÑA".into())
        }
    );
}

#[test]
fn invalid_utf8_is_fine_in_a_latin1_layout() {
    let mut l = layout();
    l.encoding = actas::io::Encoding::Latin1;
    let out = read_csv_path(format!("{DIR}/invalid_utf8.csv"), &l).unwrap();
    assert!(out.report.rejected.is_empty());
    let geo = out.set.geography();
    assert_eq!(
        geo.node(out.set.geo(0).unwrap()).unwrap().name(),
        Some("PEÑA")
    );
}

#[test]
fn conflicting_duplicate_table() {
    let out = read("conflicting_duplicate.csv").unwrap();
    let r = &out.report;
    assert_eq!((r.rows_read, r.accepted), (3, 3), "both readings are kept");
    assert!(r.rejected.is_empty());
    assert_eq!(r.repeats.len(), 1);
    let rep = &r.repeats[0];
    assert_eq!(
        (rep.table.as_str(), rep.first_line, rep.line, rep.kind),
        ("1", 2, 4, RepeatKind::Conflicting)
    );
    assert_eq!(out.set.readings("1"), vec![0, 2]);
    // Totals count the table once, with its first reading.
    let t = actas::audit::totals(&out.set).unwrap();
    assert_eq!((t.tables, t.candidates[0].sum), (2, 11));
}

#[test]
fn unknown_column_named_in_a_layout() {
    let l = Layout::from_path(format!("{DIR}/layout_unknown_column.json")).unwrap();
    let err = read_csv_path(format!("{DIR}/good.csv"), &l).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::MissingColumn { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "{DIR}/good.csv: header: no column \"VOTOS\" (the layout names it for field valid)"
        )
    );
}

#[test]
fn malformed_layout_file() {
    let err = Layout::from_path(format!("{DIR}/layout_malformed.json")).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Layout { .. }));
    // The JSON parser's line and column are data, and its error is the cause.
    let p = err.position().unwrap();
    assert!(p.path().unwrap().ends_with("layout_malformed.json"));
    assert!(p.line().is_some() && p.column().is_some(), "{p:?}");
    assert!(
        std::error::Error::source(&err)
            .unwrap()
            .downcast_ref::<serde_json::Error>()
            .is_some()
    );
    let msg = err.to_string();
    assert!(msg.starts_with("layout: "), "{msg}");
    assert!(
        msg.ends_with(
            "layout_malformed.json: unknown field `colum`, expected one of `column`, `start`, `len`, `pad`, `numeric` at line 3 column 31"
        ),
        "{msg}"
    );
    // Truncated JSON, and a layout that parses but cannot be.
    let err = Layout::from_json("{ \"contest\": ").unwrap_err();
    assert_eq!(
        err.to_string(),
        "layout: EOF while parsing a value at line 1 column 13"
    );
    let err = Layout::from_json(
        r#"{"contest":"c","key":{"parts":[]},"candidates":[{"code":"A","name":"a","column":"A"}]}"#,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "layout: the key has no parts");
}

#[test]
fn missing_file_names_its_path() {
    let err = read("no_such_file.csv").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Io);
    let io = std::error::Error::source(&err).unwrap();
    assert_eq!(
        io.downcast_ref::<std::io::Error>().unwrap().kind(),
        std::io::ErrorKind::NotFound
    );
    assert!(err.to_string().contains("no_such_file.csv"), "{err}");
}

#[test]
fn crlf_and_bom_keep_line_numbers() {
    let text = "\u{feff}table,state,state_name,electors,valid,null,A,B\r\n1,01,N,100,10,0,6,4\r\n\r\n2,01,N,100,x,0,6,4\r\n";
    let out = read_csv(text.as_bytes(), &layout()).unwrap();
    assert_eq!(out.report.blank_lines, 1);
    assert_eq!(
        out.report.rejected[0].to_string(),
        r#"line 4, column valid: "x" is not a count"#
    );
    assert_eq!(out.report.sheet_lines, vec![2]);
    assert_eq!(
        out.set.sheet(0).unwrap().votes().collect::<Vec<_>>(),
        vec![Some(6), Some(4)],
        "no \\r left on the last cell"
    );
}

/// Regression: the same invalid UTF-8 place name was rejected when it came first and accepted
/// when the row repeated the previous row's place codes (the name was not decoded then).
#[test]
fn an_invalid_place_name_is_rejected_wherever_it_stands() {
    for name in [
        "repro/r1_name_first_rejected.csv",
        "repro/r1_name_reuse_accepted.csv",
    ] {
        let (msg, reason) = one_rejection(name);
        // ÿþ is printable Latin-1: the hint is given.
        assert_eq!(
            reason,
            RejectReason::InvalidUtf8 {
                latin1: Some("ÿþ".into())
            },
            "{name}"
        );
        assert!(msg.contains("column state_name"), "{name}: {msg}");
    }
}

/// Regression: a byte-order mark in the middle of a file (two files joined) stayed inside a
/// table id and a place code, making a second state "\u{feff}01".
#[test]
fn a_byte_order_mark_inside_the_file_rejects_its_row() {
    let out = read("repro/r2_bom_mid_file.csv").unwrap();
    assert_eq!(out.report.accepted, 1);
    let msgs = messages(&out.report);
    assert_eq!(
        msgs,
        [
            "line 3, column table: \"\\u{feff}2\" starts with a byte-order mark inside the file (two files joined?): remove it",
            "line 4, column state: \"\\u{feff}01\" starts with a byte-order mark inside the file (two files joined?): remove it",
        ]
    );
    assert_eq!(out.set.geography().len(), 1, "one state");
    // At the start of the file a mark is what marks UTF-8, and is not part of the header.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(format!("{DIR}/good.csv")).unwrap());
    assert_eq!(read_csv(&bytes[..], &layout()).unwrap().report.accepted, 1);
}

/// Regressions: layouts that were accepted and then lost rows, skipped a rule on every sheet, or
/// aborted the process. Each is refused when it is loaded, with what to change.
#[test]
fn bad_layouts_are_refused_when_loaded() {
    let cases = [
        (
            "l1_sum_unknown_key.json",
            "unknown field `typo`, expected `sum` at line 27 column 9",
        ),
        (
            "l2_same_column_twice.json",
            "column \"A\" is read for candidate A and again for candidate B: each count has a column of its own",
        ),
        (
            "l3_pad_huge.json",
            "a key part is padded to 4000000000 characters; at most 64 are allowed",
        ),
        (
            "l4_rule_unknown_field.json",
            "rules: rule \"VALID == sum(candidates)\": no field \"VALID\" (the names are electors, voters, valid, null, blank, A, B, and sum(candidates))",
        ),
        (
            "l5_delimiter_newline.json",
            "the delimiter '\\n' cannot separate cells: it ends lines or quotes cells",
        ),
    ];
    for (name, message) in cases {
        let path = format!("{DIR}/repro/{name}");
        let err = Layout::from_path(&path).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("layout: {path}: {message}"),
            "{name}"
        );
    }
    // A typo inside a field's source says what a source is.
    let typo = std::fs::read_to_string(format!("{DIR}/layout.json"))
        .unwrap()
        .replace(
            r#""sum": ["valid", "null"]"#,
            r#""summ": ["valid", "null"]"#,
        );
    assert_eq!(
        Layout::from_json(&typo).unwrap_err().to_string(),
        "layout: unknown field `summ`, expected `sum` at line 10 column 22"
    );
    let number = std::fs::read_to_string(format!("{DIR}/layout.json"))
        .unwrap()
        .replace(r#""electors": "electors""#, r#""electors": 7"#);
    assert_eq!(
        Layout::from_json(&number).unwrap_err().to_string(),
        "layout: invalid type: integer `7`, expected a column name, or {\"sum\": [column names]} at line 7 column 17"
    );
}

fn repro_announcements(name: &str) -> actas::Result<actas::Announcements> {
    actas::io::read_announcements(format!("{DIR}/repro/{name}"))
}

/// Regression: a turnout of 0.0000000001% with 10^17 voters panicked (`Division overflowed`).
#[test]
fn an_extreme_turnout_is_checked_without_panic() {
    let a = repro_announcements("p1_turnout_tiny.json").unwrap();
    let set = read("good.csv").unwrap().set;
    let report = actas::audit::Audit::new(&set)
        .register(&a.register)
        .bulletins(&a.bulletins)
        .run()
        .unwrap();
    let turnout = report.bulletins[0].check.turnout.as_ref().unwrap();
    assert_eq!(turnout.voters, 100_000_000_000_000_000);
    assert_eq!(
        turnout.implied_electors, None,
        "no electors figure fits in 64 bits"
    );
}

/// Regression: a percentage with 13 decimals was accepted by the parser and then stopped the
/// whole audit (`scale "17": at most 16 decimals`). The parser refuses it, with its place.
#[test]
fn a_percentage_too_fine_is_refused_when_read() {
    let err = repro_announcements("e1_percent_scale13.json").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "json: {DIR}/repro/e1_percent_scale13.json: percentage \"50.0000000000000\": has more than 12 decimals (the audit computes shares 4 decimals finer, to at most 16) at line 1 column 106"
        )
    );
}

/// Regression: announced counts adding up past 2^64 stopped the whole audit with an overflow
/// error that named no bulletin. That bulletin is a `B008` finding; the others are checked.
#[test]
fn one_bulletin_that_cannot_be_checked_does_not_stop_the_audit() {
    let set = read("good.csv").unwrap().set;
    let huge = Bulletin::new(
        "huge",
        vec![
            BulletinCount::new("A", u64::MAX),
            BulletinCount::new("B", 1),
        ],
    );
    let fine = Bulletin::new(
        "fine",
        vec![BulletinCount::new("A", 6), BulletinCount::new("B", 4)],
    );
    let bulletins = [huge, fine];
    let report = actas::audit::Audit::new(&set)
        .bulletins(&bulletins)
        .run()
        .unwrap();
    let b008: Vec<String> = report
        .with_code(Code::NotCheckable)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        b008,
        [
            "B008 error    huge: the bulletin could not be checked: overflow: the sum of the counts of bulletin huge does not fit"
        ]
    );
    assert_eq!(report.bulletins.len(), 1);
    assert_eq!(report.bulletins[0].check.label, "fine");
}

/// Regression: an announced count of 2^64 was reported as "floating point
/// `1.8446744073709552e19`"; negative and fractional counts say what a count is too.
#[test]
fn counts_in_announcements_say_what_a_count_is() {
    let cases = [
        (
            "18446744073709551616",
            "1.8446744073709552e19 is too large; expected a count: a whole number from 0 to 18446744073709551615 at line 1 column 87",
        ),
        (
            "-1",
            "-1 is negative; expected a count: a whole number from 0 to 18446744073709551615 at line 1 column 69",
        ),
        (
            "1.5",
            "1.5 is not whole; expected a count: a whole number from 0 to 18446744073709551615 at line 1 column 70",
        ),
    ];
    for (count, message) in cases {
        let text = format!(
            r#"{{"bulletins": [{{"label": "b", "counts": [{{"subject": "A", "count": {count}}}]}}]}}"#
        );
        let err = actas::io::from_json::<actas::Announcements>(&text).unwrap_err();
        assert_eq!(err.to_string(), format!("json: {message}"), "{count}");
    }
    let voters = r#"{"bulletins": [{"label": "b", "voters": 1e30, "counts": []}]}"#;
    let err = actas::io::from_json::<actas::Announcements>(voters).unwrap_err();
    assert!(
        err.to_string().contains("is too large; expected a count"),
        "{err}"
    );
}

/// Regression: a register of 0 tables gave `F002` on every count with nothing saying that the
/// register is smaller than the sheets.
#[test]
fn a_register_smaller_than_the_sheets_says_so() {
    let set = read("good.csv").unwrap().set;
    let register = actas::Register::new().with_tables(0).with_electors(50);
    let report = actas::audit::Audit::new(&set)
        .register(&register)
        .run()
        .unwrap();
    let d006: Vec<String> = report
        .with_code(Code::RegisterSmallerThanSheets)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        d006,
        [
            "D006 error    the sheets: the register counts fewer electors than the sheets hold: is it the register of this contest? (registered 50, on sheets 100)",
            "D006 error    the sheets: the register counts fewer tables than the sheets hold: is it the register of this contest? (registered 0, on sheets 1)",
        ]
    );
}

/// Regression: a rejected cell of a megabyte was printed whole (a megabyte is now over the
/// default record limit; the cut is the same for 100 KB).
#[test]
fn a_long_rejected_cell_is_cut() {
    let long = "9".repeat(100_000);
    let text = format!("table,state,state_name,electors,valid,null,A,B\n1,01,N,100,{long},0,6,4\n");
    let out = read_csv(text.as_bytes(), &layout()).unwrap();
    let msg = out.report.rejected[0].to_string();
    assert_eq!(
        msg,
        format!(
            "line 2, column valid: \"{}… (100000 bytes in all)\" does not fit in a count (at most 4294967295)",
            "9".repeat(120)
        )
    );
}

/// Optional geography levels: a rural row with no district and no zone is a sheet of its commune
/// under its region, never a rejected row (rejecting them reversed the winner of one real file);
/// the read report counts the sheets with no place at each level, and the totals of an optional
/// level keep the sheets without a place there apart. An empty level that is not optional still
/// rejects its row.
#[test]
fn optional_levels_keep_rural_rows() {
    let layout = Layout::from_path(format!("{DIR}/optional_levels.json")).unwrap();
    let out = read_csv_path(format!("{DIR}/optional_levels.csv"), &layout).unwrap();
    let msgs = messages(&out.report);
    assert_eq!(
        msgs,
        [r#"line 8, column region: "" is empty while a lower geography level has a code"#]
    );
    assert_eq!(out.report.accepted, 7);
    // Region: none unplaced; district: rows 3 to 6; zone: rows 3, 4, 5 and 8; commune: row 8.
    assert_eq!(out.report.unplaced, [0, 4, 4, 1]);
    let geo = out.set.geography();
    let farms = out.set.geo(2).unwrap();
    assert_eq!(geo.codes(farms), ["R1", "C2"]);
    assert_eq!(geo.ancestor_at(farms, 1), None);
    assert_eq!(geo.codes(out.set.geo(5).unwrap()), ["R1", "Z9", "C4"]);
    let districts = actas::audit::totals_by_level(&out.set, 1).unwrap();
    assert_eq!(districts.places.len(), 1);
    assert_eq!(districts.unplaced.tables, 4);
    let all = actas::audit::totals(&out.set).unwrap();
    assert_eq!((all.candidates[0].sum, all.candidates[1].sum), (200, 380));
    // Without "optional", the rural rows are gaps.
    let strict = Layout::from_json(
        &std::fs::read_to_string(format!("{DIR}/optional_levels.json"))
            .unwrap()
            .replace(r#", "optional": true"#, ""),
    )
    .unwrap();
    let out = read_csv_path(format!("{DIR}/optional_levels.csv"), &strict).unwrap();
    assert_eq!(out.report.rejected.len(), 5);
}

/// Numeric key parts: `01` and `1` are one table (a second reading of 21,952 sheets matched 19
/// of them when the sources wrote the table number differently); a cell that is not digits is
/// rejected with a reason that names the setting.
#[test]
fn numeric_key_parts_match_however_they_are_written() {
    let layout = Layout::from_path(format!("{DIR}/numeric_key.json")).unwrap();
    let a = read_csv_path(format!("{DIR}/numeric_key_a.csv"), &layout).unwrap();
    let b = read_csv_path(format!("{DIR}/numeric_key_b.csv"), &layout).unwrap();
    let ids: Vec<&str> = (0..a.set.len())
        .map(|i| a.set.table_id(i).unwrap())
        .collect();
    assert_eq!(ids, ["0012-1", "0012-2", "0012-0"]);
    let msgs = messages(&a.report);
    assert_eq!(
        msgs,
        [
            r#"line 5, column table: "1a" is not a number, and the layout reads this key part as one ("numeric": true)"#
        ]
    );
    let c = actas::audit::compare(&a.set, &b.set).unwrap();
    assert_eq!(
        (c.identical, c.only_in_a.len(), c.only_in_b.len()),
        (3, 0, 0)
    );
}

/// Further fields derived as sums, totalled nationally and by level, and rules over them with a
/// party code that starts with a digit (in backticks).
#[test]
fn further_fields_are_derived_totalled_and_checked() {
    let layout = Layout::from_path(format!("{DIR}/parts_and_extra.json")).unwrap();
    let out = read_csv_path(format!("{DIR}/parts_and_extra.csv"), &layout).unwrap();
    assert!(out.report.rejected.is_empty());
    let t = actas::audit::totals(&out.set).unwrap();
    assert_eq!(
        t.extra
            .iter()
            .map(|(n, x)| (n.as_str(), x.sum))
            .collect::<Vec<_>>(),
        [("received", 38), ("spoiled", 3)]
    );
    let check = actas::audit::check_rules(&out.set, &layout.rule_set()).unwrap();
    let received = check
        .rules
        .iter()
        .find(|r| r.rule.to_string() == "received >= voters + spoiled")
        .unwrap();
    // Table 3 received 4 ballots and cast 5.
    assert_eq!((received.checked, received.broken), (3, 1));
    let text = actas::audit::Audit::new(&out.set)
        .options(actas::audit::AuditOptions::default().with_rules(layout.rule_set()))
        .run()
        .unwrap()
        .to_string();
    assert!(
        text.contains(&format!("  {:<30} {:>12} (on 3 of 3 tables)", "spoiled", 3)),
        "{text}"
    );
}

/// Several sheets per table, summed: the parts are added up into one sheet per table and
/// listed with their lines; a part that repeats another exactly is a repeat, not added; a
/// repeated field on which the parts disagree is absent, and said. The stream refuses parts.
#[test]
fn parts_of_a_table_are_added_up() {
    let layout = Layout::from_path(format!("{DIR}/parts.json")).unwrap();
    let out = read_csv_path(format!("{DIR}/parts.csv"), &layout).unwrap();
    assert_eq!((out.report.rows_read, out.report.accepted), (5, 5));
    assert_eq!(out.set.len(), 2);
    let one = out.set.sheet(0).unwrap();
    assert_eq!(
        (one.valid(), one.votes().collect::<Vec<_>>(), one.electors()),
        (Some(40), vec![Some(16), Some(24)], Some(300))
    );
    let two = out.set.sheet(1).unwrap();
    assert_eq!(
        (two.valid(), two.electors()),
        (Some(30), None),
        "electors disagree: 200 and 250"
    );
    let parts: Vec<(String, Vec<u64>, Vec<String>)> = out
        .report
        .parts
        .iter()
        .map(|p| (p.table.clone(), p.lines.clone(), p.disagree.clone()))
        .collect();
    assert_eq!(
        parts,
        [
            ("1".to_owned(), vec![2, 4], vec![]),
            ("2".to_owned(), vec![3, 6], vec!["electors".to_owned()]),
        ]
    );
    assert_eq!(out.report.repeats.len(), 1);
    assert_eq!(
        (out.report.repeats[0].first_line, out.report.repeats[0].line),
        (2, 5)
    );
    let err = actas::audit::StreamAudit::new(&layout)
        .run_path(format!("{DIR}/parts.csv"))
        .unwrap_err();
    assert!(err.to_string().contains("read it in memory"), "{err}");
    // A part field that is not a field is refused with the layout.
    let bad = std::fs::read_to_string(format!("{DIR}/parts.json"))
        .unwrap()
        .replace(r#""repeat": ["electors"]"#, r#""repeat": ["elector"]"#);
    assert!(
        Layout::from_json(&bad)
            .unwrap_err()
            .to_string()
            .contains("parts: \"elector\" is not a standard or further field")
    );
}

/// The standard rules adapt to the layout: a rule the layout makes true by construction, or can
/// never check, is listed once as not applicable with the reason, not skipped on every sheet.
#[test]
fn rules_a_layout_cannot_check_are_not_applicable() {
    let mut layout = layout();
    layout.rules = vec!["valid + null == voters".parse().unwrap()];
    let rules = layout.rule_set();
    let reasons: Vec<Option<&str>> = (0..rules.rules().len())
        .map(|k| rules.not_applicable(k))
        .collect();
    assert_eq!(
        reasons,
        [
            None,
            Some("the layout has no column for blank"),
            None,
            Some("true by construction: voters is valid + null"),
        ]
    );
    let set = read("good.csv").unwrap().set;
    let check = actas::audit::check_rules(&set, &rules).unwrap();
    assert_eq!(
        check
            .rules
            .iter()
            .map(|r| (r.checked, r.skipped, r.not_applicable.is_some()))
            .collect::<Vec<_>>(),
        [(1, 0, false), (0, 0, true), (1, 0, false), (0, 0, true)]
    );
}

/// The README's example layout, with every shape national files take, loads as it is printed.
#[test]
fn the_readme_layout_loads() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```json\n").unwrap() + "```json\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let layout = Layout::from_json(&readme[start..end]).unwrap();
    assert!(layout.key.parts.iter().all(|p| p.numeric));
    assert!(layout.geography[1].optional);
    assert_eq!(layout.parts.as_ref().unwrap().repeat, ["electors"]);
    let rules = layout.rule_set();
    assert_eq!(
        rules.not_applicable(1),
        Some("the layout has no column for blank")
    );
    assert_eq!(rules.not_applicable(3), None);
}

/// A register of tables with a bad row stops with what is wrong (a table id, a count, a table
/// twice) and the line, as data: not as a CSV parse error, which it is not.
#[test]
fn a_bad_register_row_says_what_and_where() {
    use actas::io::read_table_register;
    for (csv, line, what) in [
        ("table,electors\n1,100\n,100\n", 3, "table id"),
        ("table,electors\n1,100\n2,1x0\n", 3, "electors"),
        ("table,electors\n1,100\n\n1,100\n", 4, "table"),
    ] {
        let err = read_table_register(csv.as_bytes()).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidValue { .. }),
            "{csv:?}: {err:?}"
        );
        assert_eq!(err.position().and_then(|p| p.line()), Some(line), "{csv:?}");
        let field = if what == "electors" {
            "electors"
        } else {
            "table"
        };
        assert_eq!(err.position().and_then(|p| p.field()), Some(field));
        assert!(
            err.to_string().starts_with(&format!("line {line}: ")),
            "{err}"
        );
        assert!(err.to_string().contains(what), "{err}");
    }
    // A row of the wrong width is the CSV's fault, with the parser's error as the cause.
    let err = read_table_register("table,electors\n1,100,7\n".as_bytes()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Csv { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
}

/// Regression: a row after an empty line that opens a quote it never closes, at the end of a
/// file ending in a line end, was reported one line early (on the empty line): the line was
/// counted back from the end with the quoted line end taken for the row's own.
#[test]
fn an_unclosed_quote_after_an_empty_line_is_on_its_own_line() {
    let layout = Layout::new("c", "table").with_candidate("A", "Ana", "A");
    let read = read_csv(&b"table,A\n1,5\n\n\"2\n"[..], &layout).unwrap();
    assert_eq!(read.report.accepted, 1);
    assert_eq!(
        messages(&read.report),
        ["line 4: 1 cells where the header has 2"]
    );
}
