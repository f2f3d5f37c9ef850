//! Laws the crate must obey for any input, checked with proptest.

use actas::audit::{Totals, check_rules, totals, totals_by_level};
use actas::io::{Layout, from_json, read_csv, to_json, write_csv};
use actas::rules::{Rule, RuleSet};
use actas::{
    ActaSet, ActaSheet, Bulletin, BulletinCount, Candidate, Contest, CoverageBasis, CoverageClaim,
    Field, Geography, Percent, TableId,
};
use proptest::prelude::*;

/// A contest of 1 to 4 candidates, with one line each or with 1 to 3 lines each.
fn contest() -> impl Strategy<Value = Contest> {
    (
        1usize..5,
        prop::collection::vec(1usize..4, 4),
        any::<bool>(),
    )
        .prop_map(|(k, per, with_lines)| {
            let candidates: Vec<Candidate> = (0..k)
                .map(|i| Candidate::new(format!("C{i}"), format!("Cand {i}")))
                .collect();
            if !with_lines {
                return Contest::new("law", candidates).unwrap();
            }
            let lines: Vec<(String, Option<String>, String)> = (0..k)
                .flat_map(|c| {
                    (0..per[c]).map(move |l| {
                        (
                            format!("L{c}.{l}"),
                            (l == 0).then(|| format!("line {l}")),
                            format!("C{c}"),
                        )
                    })
                })
                .collect();
            Contest::with_lines("law", candidates, lines).unwrap()
        })
}

#[derive(Debug, Clone)]
struct RawSheet {
    id: String,
    place: Option<(String, Option<String>, Option<String>)>,
    counts: [Option<u32>; 5],
    votes: Vec<Option<u32>>,
    received: Option<u32>,
    image: Option<String>,
}

fn count(max: u32) -> impl Strategy<Value = Option<u32>> {
    prop_oneof![1 => Just(None), 6 => (0..=max).prop_map(Some)]
}

fn raw_sheet(lines: usize, ids: &'static str, max: u32) -> impl Strategy<Value = RawSheet> {
    (
        ids,
        prop::option::weighted(
            0.9,
            (
                "[A-C]",
                prop::option::of("[a-z]{1,4}"),
                prop::option::of("[1-3]"),
            ),
        ),
        prop::array::uniform5(count(max)),
        prop::collection::vec(count(max), lines),
        count(max),
        prop::option::of("[a-z0-9:/.]{1,12}"),
    )
        .prop_map(|(id, place, counts, votes, received, image)| RawSheet {
            id,
            place,
            counts,
            votes,
            received,
            image,
        })
}

fn build(contest: Contest, raws: &[RawSheet]) -> ActaSet {
    let mut set =
        ActaSet::new(contest, Geography::new(["state", "district"]).unwrap()).with_source("laws");
    for r in raws {
        let geo = r.place.as_ref().map(|(state, name, district)| {
            let s = set.add_place(None, state, name.as_deref()).unwrap();
            match district {
                Some(d) => set.add_place(Some(s), d, None).unwrap(),
                None => s,
            }
        });
        let [electors, voters, valid, null, blank] = r.counts;
        let mut sheet =
            ActaSheet::new(TableId::new(r.id.clone()).unwrap()).with_votes(r.votes.clone());
        (
            sheet.geo,
            sheet.electors,
            sheet.voters,
            sheet.valid,
            sheet.null,
            sheet.blank,
        ) = (geo, electors, voters, valid, null, blank);
        sheet.image = r.image.clone();
        if let Some(v) = r.received {
            sheet.extra.insert("received".into(), v);
        }
        set.push(sheet).unwrap();
    }
    set
}

/// Any set: ids drawn from a small pool (so tables repeat), any counts, absent fields.
fn any_set() -> impl Strategy<Value = ActaSet> {
    contest().prop_flat_map(|c| {
        let lines = c.lines().len();
        (
            Just(c),
            prop::collection::vec(raw_sheet(lines, "[0-9]{1,2}", u32::MAX), 0..30),
        )
            .prop_map(|(c, raws)| build(c, &raws))
    })
}

/// A set whose tables are all distinct, with counts small enough to add freely.
fn distinct_raws() -> impl Strategy<Value = (Contest, Vec<RawSheet>)> {
    contest().prop_flat_map(|c| {
        let lines = c.lines().len();
        let raws = prop::collection::vec(raw_sheet(lines, "[0-9]{1,6}", 1_000_000), 0..40)
            .prop_map(|mut raws| {
                let mut seen = std::collections::HashSet::new();
                raws.retain(|r| seen.insert(r.id.clone()));
                raws
            });
        (Just(c), raws)
    })
}

fn merge(into: &mut Totals, t: &Totals) {
    into.tables += t.tables;
    for (a, b) in [
        (&mut into.electors, t.electors),
        (&mut into.voters, t.voters),
        (&mut into.valid, t.valid),
        (&mut into.null, t.null),
        (&mut into.blank, t.blank),
    ] {
        a.sum += b.sum;
        a.sheets += b.sheets;
    }
    for (a, b) in into
        .lines
        .iter_mut()
        .zip(&t.lines)
        .chain(into.candidates.iter_mut().zip(&t.candidates))
    {
        a.sum += b.sum;
        a.sheets += b.sheets;
    }
    for ((_, a), (_, b)) in into.extra.iter_mut().zip(&t.extra) {
        a.sum += b.sum;
        a.sheets += b.sheets;
    }
    into.turnout_base.0 += t.turnout_base.0;
    into.turnout_base.1 += t.turnout_base.1;
}

fn zero_like(t: &Totals) -> Totals {
    let mut z = Totals::default();
    z.lines = vec![Default::default(); t.lines.len()];
    z.candidates = vec![Default::default(); t.candidates.len()];
    z.extra = t
        .extra
        .iter()
        .map(|(n, _)| (n.clone(), Default::default()))
        .collect();
    z
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn serde_round_trips(set in any_set()) {
        let back: ActaSet = from_json(&to_json(&set).unwrap()).unwrap();
        prop_assert_eq!(&back, &set);
        prop_assert_eq!(back.repeats(), set.repeats());
        let contest: Contest = from_json(&to_json(set.contest()).unwrap()).unwrap();
        prop_assert_eq!(&contest, set.contest());
    }

    #[test]
    fn bulletins_round_trip(counts in prop::collection::vec(("[A-Z]{1,4}", any::<u64>(), prop::option::of((0u32..=10000, 0u32..3))), 0..6),
                            coverage in prop::option::of((0u32..=100, any::<bool>()))) {
        let mut b = Bulletin::new("b", counts.into_iter().map(|(s, c, p)| {
            let mut bc = BulletinCount::new(s, c);
            bc.percent = p.map(|(m, scale)| Percent::new(rust_decimal::Decimal::new(i64::from(m), scale).min(rust_decimal::Decimal::ONE_HUNDRED)).unwrap());
            bc
        }).collect());
        if let Some((p, tables)) = coverage {
            b = b.with_coverage(CoverageClaim::new(if tables { CoverageBasis::Tables } else { CoverageBasis::Electors }, Percent::new(p.into()).unwrap()));
        }
        b.voters = Some(12);
        let back: Bulletin = from_json(&to_json(&b).unwrap()).unwrap();
        prop_assert_eq!(&back, &b);
        for (x, y) in back.counts.iter().zip(&b.counts) {
            prop_assert_eq!(x.percent.map(|p| p.scale()), y.percent.map(|p| p.scale()), "the printed scale survives");
        }
    }

    #[test]
    fn csv_write_then_read_is_identity(set in any_set()) {
        let mut buf = Vec::new();
        let layout = write_csv(&set, &mut buf).unwrap();
        let back = read_csv(&buf[..], &layout);
        if set.is_empty() {
            let no_rows = matches!(back.as_ref().map_err(actas::Error::kind), Err(actas::ErrorKind::NoRows));
            prop_assert!(no_rows);
        } else {
            let back = back.unwrap();
            prop_assert!(back.report.rejected.is_empty(), "{:?}", back.report.rejected);
            prop_assert_eq!(&back.set, &set);
            // The layout itself survives JSON.
            let l2 = Layout::from_json(&layout.to_json().unwrap()).unwrap();
            prop_assert_eq!(l2, layout);
        }
    }

    #[test]
    fn totals_do_not_depend_on_row_order((contest, raws) in distinct_raws(), seed in any::<u64>()) {
        let a = totals(&build(contest.clone(), &raws)).unwrap();
        let mut shuffled = raws.clone();
        // A deterministic permutation from the seed.
        let n = shuffled.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let b = totals(&build(contest, &shuffled)).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn children_sum_to_their_parent(set in any_set()) {
        let national = totals(&set).unwrap();
        let states = totals_by_level(&set, 0).unwrap();
        let districts = totals_by_level(&set, 1).unwrap();
        // The states and the unplaced sheets make the nation.
        let mut sum = states.unplaced.clone();
        for (_, t) in &states.places { merge(&mut sum, t); }
        prop_assert_eq!(&sum, &national);
        // The districts of each state make the state.
        for (state, t) in &states.places {
            let mut sum = zero_like(t);
            for (d, dt) in &districts.places {
                if set.geography().parent(*d) == Some(*state) { merge(&mut sum, dt); }
            }
            // Sheets placed at the state itself are unplaced at district level.
            for i in 0..set.len() {
                if set.geo(i) == Some(*state) && !set.is_repeat(i) {
                    let one = build_one(&set, i);
                    merge(&mut sum, &one);
                }
            }
            prop_assert_eq!(&sum, t);
        }
    }

    #[test]
    fn rules_hold_on_good_sheets_and_one_change_breaks_them(
        votes in prop::collection::vec(0u32..10_000, 1..6),
        null in 0u32..500, blank in 0u32..500, spare in 0u32..1000,
        which in 0usize..100, delta in 1u32..50, up in any::<bool>(),
    ) {
        let k = votes.len();
        let contest = Contest::new("r", (0..k).map(|i| Candidate::new(format!("C{i}"), "x")).collect()).unwrap();
        let valid: u32 = votes.iter().sum();
        let voters = valid + null + blank;
        let good = ActaSheet::new(TableId::new("1").unwrap())
            .with_votes(votes.iter().map(|v| Some(*v)))
            .with_valid(valid).with_null(null).with_blank(blank).with_voters(voters).with_electors(voters + spare);
        let rules = RuleSet::standard();
        let mut set = ActaSet::new(contest.clone(), Geography::new(["x"]).unwrap());
        set.push(good.clone()).unwrap();
        let check = check_rules(&set, &rules).unwrap();
        prop_assert!(check.violations.is_empty());
        prop_assert!(check.rules.iter().all(|r| r.checked == 1));

        // Change exactly one count and name the rule that must break.
        let mut bad = good.clone();
        let shift = |v: u32| if up || v < delta { v + delta } else { v - delta };
        let fields = 5 + k;
        let expect: &str = match which % fields {
            0 => { bad.valid = Some(shift(valid)); "valid == sum(candidates)" }
            1 => { bad.null = Some(shift(null)); "valid + null + blank == voters" }
            2 => { bad.blank = Some(shift(blank)); "valid + null + blank == voters" }
            3 => { bad.voters = Some(shift(voters)); "valid + null + blank == voters" }
            4 => {
                // Electors are bounded from below only: fewer than the voters breaks the rule.
                prop_assume!(voters > 0);
                bad.electors = Some(voters - 1 - (delta % voters).min(voters - 1));
                "voters <= electors"
            }
            i => { let l = i - 5; bad.votes[l] = Some(shift(votes[l])); "valid == sum(candidates)" }
        };
        let mut set = ActaSet::new(contest, Geography::new(["x"]).unwrap());
        set.push(bad).unwrap();
        let check = check_rules(&set, &rules).unwrap();
        let broken: Vec<String> = check.violations.iter().map(|v| rules.rules()[v.rule].to_string()).collect();
        prop_assert!(broken.iter().any(|b| b == expect), "{:?} does not name {}", broken, expect);
    }

    #[test]
    fn rules_round_trip_through_text(terms in prop::collection::vec((-5i64..=5, "[a-z]{1,6}"), 2..6), rel in 0usize..3, split in 1usize..5) {
        let terms: Vec<(i64, String)> = terms.into_iter().filter(|(c, _)| *c != 0).collect();
        prop_assume!(terms.len() >= 2);
        let split = split.min(terms.len() - 1);
        let side = |ts: &[(i64, String)]| ts.iter().enumerate().map(|(i, (c, n))| {
            let sign = if *c < 0 { "-" } else if i > 0 { "+" } else { "" };
            format!("{sign} {}*{n}", c.abs())
        }).collect::<Vec<_>>().join(" ");
        let text = format!("{} {} {}", side(&terms[..split]), ["==", "<=", ">="][rel], side(&terms[split..]));
        let rule: Rule = text.parse().unwrap();
        let shown = rule.to_string();
        prop_assert_eq!(shown.parse::<Rule>().unwrap(), rule.clone());
        prop_assert_eq!(shown.parse::<Rule>().unwrap().to_string(), shown);
    }

    #[test]
    fn no_input_panics(bytes in prop::collection::vec(prop_oneof![Just(b','), Just(b'\n'), Just(b'"'), Just(b'\r'), any::<u8>(), b'0'..=b'9'], 0..300)) {
        let layout = Layout::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/layout.json")).unwrap();
        let mut input = b"table,state,state_name,electors,valid,null,A,B\n".to_vec();
        input.extend(bytes);
        if let Ok(out) = read_csv(&input[..], &layout) {
            let r = &out.report;
            prop_assert_eq!(r.rows_read, r.accepted + r.rejected.len() as u64);
            prop_assert_eq!(out.set.len() as u64, r.accepted);
        }
    }
}

/// The totals of sheet `i` alone.
fn build_one(set: &ActaSet, i: usize) -> Totals {
    let mut one = ActaSet::new(set.contest().clone(), Geography::new(["x"]).unwrap());
    one.declare_extra(set.extra_fields());
    let mut s = set.sheet(i).unwrap().to_sheet();
    s.geo = None;
    one.push(s).unwrap();
    totals(&one).unwrap()
}

#[test]
fn field_names_are_stable() {
    // Rules and layouts name the standard fields; these names are part of the file formats.
    let names: Vec<String> = Field::STANDARD.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["electors", "voters", "valid", "null", "blank"]);
}

/// A field name as countries write them: Latin with accents, Cyrillic, a leading digit, spaces
/// and signs.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_.]{0,8}",
        "[а-яё][а-яё0-9_]{0,8}",
        "[áéíóúñç][a-záéíóúñç]{0,6}",
        "[0-9]{1,3}[A-Z]{0,3}",
        "[A-Za-z][A-Za-z +\\-*=<>()]{0,8}",
    ]
    .prop_filter("a name with content", |n| !n.trim().is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any rule prints as text that parses back to the same rule, whatever its names.
    #[test]
    fn rules_round_trip_with_any_names(
        lhs in proptest::collection::vec((1i64..5, field_name()), 1..4),
        rhs in proptest::collection::vec((1i64..5, field_name()), 1..4),
        rel in prop_oneof![Just("=="), Just("<="), Just(">=")],
    ) {
        let side = |terms: &[(i64, String)]| {
            terms
                .iter()
                .map(|(c, n)| format!("{c}*`{n}`"))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let text = format!("{} {rel} {}", side(&lhs), side(&rhs));
        let rule: Rule = text.parse().unwrap();
        let names: Vec<&str> = rule.names().collect();
        let expected: Vec<&str> = lhs.iter().chain(&rhs).map(|(_, n)| n.as_str()).collect();
        prop_assert_eq!(names, expected);
        let again: Rule = rule.to_string().parse().unwrap();
        prop_assert_eq!(again, rule);
    }

    /// A rule naming a field the sheets do not have is refused, by the check and by a layout;
    /// never skipped on every sheet.
    #[test]
    fn a_rule_naming_an_unknown_field_is_refused(name in field_name(), known_side in 0usize..2) {
        let known = ["electors", "voters", "valid", "null", "blank", "A", "B", "received"];
        prop_assume!(!known.contains(&name.as_str()));
        let text = if known_side == 0 {
            format!("`{name}` + blank <= voters")
        } else {
            format!("valid <= 2*`{name}`")
        };
        let rule: Rule = text.parse().unwrap();
        let contest = Contest::new("c", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")]).unwrap();
        let mut set = ActaSet::new(contest, Geography::new(["x"]).unwrap());
        set.declare_extra(["received"]);
        set.push(ActaSheet::new(TableId::new("1").unwrap()).with_valid(3).with_votes([Some(1), Some(2)])).unwrap();
        let err = check_rules(&set, &RuleSet::from_iter([rule.clone()])).unwrap_err();
        match err.into_kind() {
            actas::ErrorKind::UnknownRuleField { name: n, known: k, .. } => {
                prop_assert_eq!(n, name.clone());
                prop_assert_eq!(k, known.map(str::to_owned).to_vec());
            }
            other => prop_assert!(false, "{other:?}"),
        }
        // The same rule in a layout is refused when the layout is loaded.
        let layout = format!(
            r#"{{"contest": "c", "key": {{"parts": [{{"column": "t"}}]}},
                "fields": {{"valid": "v"}},
                "candidates": [{{"code": "A", "name": "Ana", "column": "A"}},
                               {{"code": "B", "name": "Bo", "column": "B"}}],
                "extra": [{{"name": "received", "column": "r"}}],
                "rules": [{}]}}"#,
            serde_json::to_string(&rule.to_string()).unwrap()
        );
        let err = Layout::from_json(&layout).unwrap_err();
        let expected = format!("no field {name:?}");
        prop_assert!(matches!(err.kind(), actas::ErrorKind::Layout { message } if message.contains(&expected)), "{}", err);
    }
}

/// A row of the line-number law: blank lines before it, whether its place name is quoted over
/// several lines, and whether its valid cell is bad (so that it is rejected).
#[derive(Debug, Clone)]
struct LinedRow {
    blanks_before: usize,
    name_lines: usize,
    bad: bool,
}

fn lined_rows() -> impl Strategy<Value = (usize, Vec<LinedRow>, bool)> {
    (
        0usize..3,
        prop::collection::vec(
            (0usize..3, 1usize..4, any::<bool>()).prop_map(|(blanks_before, name_lines, bad)| {
                LinedRow {
                    blanks_before,
                    name_lines,
                    bad,
                }
            }),
            1..12,
        ),
        any::<bool>(),
    )
}

/// The CSV of `rows`, each with its table id the line it starts on; and those lines.
fn lined_csv(blanks_first: usize, rows: &[LinedRow], end_open: bool) -> (String, Vec<u64>) {
    let mut text = "\n".repeat(blanks_first);
    text.push_str("table,state,state_name,electors,valid,null,A,B\n");
    let mut line = blanks_first as u64 + 2;
    let mut lines = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        text.push_str(&"\n".repeat(r.blanks_before));
        line += r.blanks_before as u64;
        lines.push(line);
        let name = vec!["N"; r.name_lines].join("\n");
        let valid = if r.bad { "x" } else { "10" };
        text.push_str(&format!("{line},01,\"{name}\",100,{valid},0,6,4"));
        if !(end_open && i + 1 == rows.len()) {
            text.push('\n');
        }
        line += r.name_lines as u64;
    }
    (text, lines)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every sheet and every rejection carries the line its row starts on, whatever blank lines
    /// come before it (the csv crate alone gives the first blank's line), however many lines
    /// its quoted cells span, and whether or not the file ends with a line end. Read in memory,
    /// from a file on every core, and by the stream.
    #[test]
    fn rows_carry_the_line_they_start_on((blanks_first, rows, end_open) in lined_rows()) {
        let (text, lines) = lined_csv(blanks_first, &rows, end_open);
        let layout = Layout::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/layout.json")).unwrap();
        let out = read_csv(text.as_bytes(), &layout).unwrap();
        let accepted: Vec<u64> = lines.iter().zip(&rows).filter(|(_, r)| !r.bad).map(|(l, _)| *l).collect();
        let rejected: Vec<u64> = lines.iter().zip(&rows).filter(|(_, r)| r.bad).map(|(l, _)| *l).collect();
        prop_assert_eq!(&out.report.sheet_lines, &accepted);
        let ids: Vec<u64> = (0..out.set.len()).map(|i| out.set.table_id(i).unwrap().parse().unwrap()).collect();
        prop_assert_eq!(&ids, &accepted, "each sheet's id is its line");
        prop_assert_eq!(out.report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(), rejected);
        let path = std::env::temp_dir().join(format!("actas-lines-{}.csv", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let from_file = actas::io::read_csv_path(&path, &layout);
        std::fs::remove_file(&path).unwrap();
        prop_assert_eq!(from_file.unwrap().report, out.report);
    }

    /// A register's errors carry the line of the row, after blank lines too.
    #[test]
    fn register_errors_carry_their_line(blanks in prop::collection::vec(0usize..3, 1..8), end_open in any::<bool>()) {
        let mut text = String::from("table,electors\n");
        let mut line = 2u64;
        for (i, b) in blanks.iter().enumerate() {
            text.push_str(&"\n".repeat(*b));
            line += *b as u64;
            let last = i + 1 == blanks.len();
            let electors = if last { "x" } else { "1" };
            text.push_str(&format!("t{i},{electors}"));
            if !(last && end_open) {
                text.push('\n');
            }
            line += 1;
        }
        let err = actas::io::read_table_register(text.as_bytes()).unwrap_err();
        prop_assert_eq!(err.position().and_then(|p| p.line()), Some(line - 1), "{}", err);
    }
}

/// The value of one side of a rule on sheet `i`, term by term in `i128`; `None` when a field it
/// reads is absent.
fn side_by_hand(set: &ActaSet, i: usize, side: &[(i64, actas::rules::Term)]) -> Option<i128> {
    let lines = set.contest().lines().len();
    let mut sum = 0i128;
    for (c, term) in side {
        let v: i128 = match term {
            actas::rules::Term::SumOfLines => {
                if lines == 0 {
                    return None;
                }
                (0..lines)
                    .map(|l| set.count(i, actas::Field::Line(l)).map(i128::from))
                    .sum::<Option<i128>>()?
            }
            actas::rules::Term::Named(n) => {
                let f = actas::Field::standard(n)
                    .or_else(|| set.contest().line_index(n).map(actas::Field::Line))
                    .unwrap();
                i128::from(set.count(i, f)?)
            }
            _ => unreachable!("a term this test does not write"),
        };
        sum += i128::from(*c) * v;
    }
    Some(sum)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// `check_rules` is the rules evaluated sheet by sheet in `i128`: the same counts and the
    /// same violations in the same order, with rules whose sides fit an `i32` (columns of
    /// one-byte or two-byte values, small coefficients), an `i64`, or need 128 bits, with the
    /// largest values of one-byte, two-byte and four-byte columns (and coefficients around
    /// 2^31 / 255, where a side of one-byte values leaves the `i32`), with absent fields, over
    /// sets that end on either side of a block of 4096 sheets.
    #[test]
    fn rules_over_blocks_are_the_rules_sheet_by_sheet(
        sheets in prop_oneof![1usize..40, 4090usize..4100, 8190usize..8194],
        seed in any::<u64>(),
        coefficients in prop::collection::vec(prop_oneof![Just(1i64), Just(-1), Just(2), Just(-3), Just(32_767), Just(-32_768), Just(40_000), Just(8_421_505), Just(-8_421_505), Just(1 << 40), Just(i64::MAX / 3), Just(i64::MIN + 1)], 6),
        absent in 0u32..3,
        top in prop_oneof![Just(u32::from(u8::MAX)), Just(u32::from(u16::MAX)), Just(u32::MAX)],
    ) {
        let contest = Contest::new("r", ["A", "B", "C"].map(|c| Candidate::new(c, c)).to_vec()).unwrap();
        let mut set = ActaSet::new(contest, Geography::new(["x"]).unwrap());
        let mut state = seed | 1;
        let mut next = |m: u64| { state ^= state << 13; state ^= state >> 7; state ^= state << 17; state % m };
        for i in 0..sheets {
            let mut value = |m: u64| -> Option<u32> {
                if absent > 0 && next(500) < u64::from(absent) { None } else { Some(if next(50) == 0 { top - next(3) as u32 } else { (next(m) as u32).min(top) }) }
            };
            let votes = [value(300), value(300), value(300)];
            let mut sheet = ActaSheet::new(TableId::new(i.to_string()).unwrap()).with_votes(votes);
            sheet.electors = value(1000);
            sheet.voters = value(1000);
            sheet.valid = value(900);
            sheet.null = value(20);
            sheet.blank = value(20);
            set.push(sheet).unwrap();
        }
        let [a, b, c, d, e, f] = coefficients[..] else { unreachable!() };
        let text = [
            "valid == sum(candidates)".to_owned(),
            "valid + null + blank == voters".to_owned(),
            "voters <= electors".to_owned(),
            format!("{a}*A + {b}*B <= {c}*electors"),
            format!("{d}*sum(candidates) + {e}*null >= {f}*voters"),
            format!("{a}*A + {b}*B + {c}*C + {d}*valid + {e}*null + {f}*blank == {a}*voters"),
        ];
        let rules: RuleSet = text.iter().map(|t| t.replace("+ -", "- ").parse::<Rule>().unwrap()).collect();
        let check = check_rules(&set, &rules).unwrap();
        let mut expected = Vec::new();
        for (k, rule) in rules.rules().iter().enumerate() {
            let (mut checked, mut broken, mut skipped) = (0u64, 0u64, 0u64);
            for i in 0..set.len() {
                match (side_by_hand(&set, i, rule.lhs()), side_by_hand(&set, i, rule.rhs())) {
                    (Some(l), Some(r)) => {
                        checked += 1;
                        let holds = match rule.relation() {
                            actas::rules::Relation::Eq => l == r,
                            actas::rules::Relation::Le => l <= r,
                            actas::rules::Relation::Ge => l >= r,
                            _ => unreachable!("a relation this test does not write"),
                        };
                        if !holds {
                            broken += 1;
                            expected.push((i, k, l, r));
                        }
                    }
                    _ => skipped += 1,
                }
            }
            let s = &check.rules[k];
            prop_assert_eq!((s.checked, s.held, s.broken, s.skipped), (checked, checked - broken, broken, skipped), "rule {}", rule);
        }
        expected.sort_by_key(|x| (x.0, x.1));
        let got: Vec<(usize, usize, i128, i128)> = check.violations.iter().map(|v| (v.sheet, v.rule, v.lhs, v.rhs)).collect();
        prop_assert_eq!(got, expected);
    }
}

/// The sums of many ballot lines of one-byte values (added up in `u16` lanes, 257 lines at a
/// time, before a side gets them) are exact: 256, 257, 258, 514, 515 and 600 lines at the
/// largest one-byte value, with one line of two-byte values among them, and an absent line.
#[test]
fn rules_over_many_ballot_lines_of_one_byte() {
    for n in [256usize, 257, 258, 514, 515, 600] {
        let codes: Vec<String> = (0..n).map(|k| format!("c{k}")).collect();
        let contest =
            Contest::new("r", codes.iter().map(|c| Candidate::new(c, c)).collect()).unwrap();
        let mut set = ActaSet::new(contest, Geography::new(["x"]).unwrap());
        let all = u32::try_from(n).unwrap() * 255;
        // Line 1 holds 300 on the last sheet, so that its column is of two-byte values.
        let sheets: [(Option<u32>, Vec<Option<u32>>); 4] = [
            (Some(all), vec![Some(255); n]),
            (Some(all - 1), vec![Some(255); n]),
            (Some(all), {
                let mut v = vec![Some(255); n];
                v[n / 2] = None;
                v
            }),
            (Some(all + 45), {
                let mut v = vec![Some(255); n];
                v[1] = Some(300);
                v
            }),
        ];
        for (i, (valid, votes)) in sheets.into_iter().enumerate() {
            let mut sheet = ActaSheet::new(TableId::new(i.to_string()).unwrap());
            sheet.votes = votes;
            sheet.valid = valid;
            set.push(sheet).unwrap();
        }
        let rules: RuleSet = ["valid == sum(candidates)", "2*sum(candidates) >= valid"]
            .iter()
            .map(|t| t.parse::<Rule>().unwrap())
            .collect();
        let check = check_rules(&set, &rules).unwrap();
        let eq = &check.rules[0];
        assert_eq!((eq.checked, eq.broken, eq.skipped), (3, 1, 1), "{n} lines");
        let got: Vec<(usize, i128, i128)> = check
            .violations
            .iter()
            .map(|v| (v.sheet, v.lhs, v.rhs))
            .collect();
        assert_eq!(
            got,
            [(1, i128::from(all) - 1, i128::from(all))],
            "{n} lines"
        );
        for i in [0, 1, 3] {
            let sum: i128 = (0..n)
                .map(|l| i128::from(set.count(i, actas::Field::Line(l)).unwrap()))
                .sum();
            assert_eq!(sum, side_by_hand(&set, i, rules.rules()[0].rhs()).unwrap());
        }
        let ge = &check.rules[1];
        assert_eq!((ge.checked, ge.broken, ge.skipped), (3, 0, 1), "{n} lines");
    }
}
