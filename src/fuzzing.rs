//! Not part of the API: the invariants that the project's fuzz targets check on every input,
//! kept here so that the inputs the fuzzers found replay as regression tests under `cargo test`
//! (`tests/fuzz_corpus.rs`). Each function panics when an invariant breaks. It may change in any
//! release.

use crate::Execution;
use crate::audit::{Audit, AuditOptions, AuditReport, StreamAudit, StreamOptions, totals};
use crate::io::{Layout, ReadOutcome, read_csv};
use crate::model::{
    ActaSet, Announcements, Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Field, Percent,
    Register,
};
use crate::rules::Rule;

/// The layouts the CSV target reads with, chosen by the input's first byte: one column per
/// candidate with two geography levels and a derived field; a composite, padded key; Latin-1
/// with a semicolon; ballot lines and further fields.
const LAYOUTS: [&str; 4] = [
    r#"{"contest": "f", "key": {"parts": [{"column": "table"}]},
        "geography": [{"level": "state", "code": "state", "name": "state_name", "optional": true}, {"level": "town", "code": "town"}],
        "fields": {"electors": "electors", "valid": "valid", "null": "null", "voters": {"sum": ["valid", "null"]}},
        "candidates": [{"code": "A", "name": "Ana", "column": "A"}, {"code": "B", "name": "Bo", "column": "B"}]}"#,
    r#"{"contest": "f", "key": {"parts": [{"column": "centre", "pad": 4, "numeric": true}, {"column": "table", "start": 1, "len": 2}], "separator": "."},
        "geography": [{"level": "state", "code": "state", "pad": 2}],
        "fields": {"electors": "electors", "voters": "voters", "valid": "valid", "blank": "blank"},
        "candidates": [{"code": "A", "name": "Ana", "column": "A"}, {"code": "B", "name": "Bo", "column": "B"}],
        "image": "url"}"#,
    r#"{"contest": "f", "encoding": "latin-1", "delimiter": ";", "key": {"parts": [{"column": "mesa"}]},
        "geography": [{"level": "estado", "code": "estado", "name": "nombre"}],
        "fields": {"electors": "inscritos", "valid": "validos"},
        "candidates": [{"code": "A", "name": "Ana", "column": "A"}, {"code": "B", "name": "Bo", "column": "B"}, {"code": "C", "name": "Cy", "column": "C"}]}"#,
    r#"{"contest": "f", "key": {"parts": [{"column": "table"}]},
        "fields": {"electors": "electors", "valid": "valid"},
        "candidates": [{"code": "A", "name": "Ana"}, {"code": "B", "name": "Bo"}],
        "lines": [{"code": "A1", "candidate": "A", "column": "a1"}, {"code": "A2", "candidate": "A", "column": "a2"}, {"code": "B1", "candidate": "B", "column": "b1"}],
        "extra": [{"name": "received", "column": "received"}],
        "rules": ["received >= valid", "`A1` + A2 <= valid"]}"#,
];

/// The header each layout reads, written before the input when its second byte says so.
const HEADERS: [&[u8]; 4] = [
    b"table,state,state_name,town,electors,valid,null,A,B\n",
    b"centre,table,state,electors,voters,valid,blank,A,B,url\n",
    b"mesa;estado;nombre;inscritos;validos;A;B;C\n",
    b"table,electors,valid,a1,a2,b1,received\n",
];

/// The split target: the reader's own splitter cuts the input into the records, lines,
/// positions and errors the `csv` crate gives, with the delimiter (`,`, `;`, tab or `|`), the
/// size of each read (1 to 64 bytes, or all at once) and a record limit (64 bytes or 1 MiB)
/// chosen by the input's first byte.
pub fn check_split(data: &[u8]) {
    use crate::io::reader::split::oracle::{with_csv, with_records};
    let Some((&choice, data)) = data.split_first() else {
        return;
    };
    let delimiter = [b',', b';', b'\t', b'|'][usize::from(choice & 3)];
    let step = match (choice >> 2) & 15 {
        0 => usize::MAX,
        k => usize::from(k) * 4 - 3,
    };
    let max = if choice & 0x40 == 0 { 1 << 20 } else { 64 };
    let (expected, expected_err) = with_csv(data, delimiter, step, max);
    let (got, got_err) = with_records(data, delimiter, step, max);
    if expected_err.is_none() {
        assert_eq!(got, expected, "records");
    }
    assert_eq!(got_err, expected_err, "errors");
}

/// The CSV target: reads the input through one of `LAYOUTS` and checks that every row is
/// accounted for, that the totals equal a `u128` recomputation, that reading in parts (cut
/// where the input says) equals reading on one core, that the stream equals the in-memory audit
/// with chunks of 1, 2, 5 and 65,536 sheets, and that every interval of the audit is ordered.
pub fn check_csv(data: &[u8]) {
    let [pick, flags, rest @ ..] = data else {
        return;
    };
    let k = usize::from(*pick) % LAYOUTS.len();
    let layout = Layout::from_json(LAYOUTS[k]).expect("the fuzz layouts are valid");
    let mut csv = Vec::with_capacity(rest.len() + 64);
    if flags & 1 == 0 {
        csv.extend_from_slice(HEADERS[k]);
    }
    csv.extend_from_slice(rest);

    let read = match read_csv(&csv[..], &layout) {
        Ok(r) => r,
        Err(e) => {
            // What stops the reader stops the stream too.
            assert!(StreamAudit::new(&layout).run(&csv[..]).is_err(), "{e}");
            return;
        }
    };
    check_accounting(&read);
    check_totals(&read.set);
    // Told the length of the bytes, the reader sizes the set: the same set and report.
    for execution in [Execution::Sequential, Execution::Parallel] {
        let sized = crate::io::read_csv_bytes(&csv, &layout, execution)
            .expect("what the reader reads, the sized reader reads");
        assert_eq!(sized.report, read.report, "{execution:?}");
        assert!(
            sized.set == read.set,
            "the sized set differs ({execution:?})"
        );
    }
    #[cfg(feature = "parallel")]
    check_parts(&csv, &layout, &read, rest);

    let (bulletins, register) = bulletins_for(&read.set, *flags);
    let in_memory = Audit::new(&read.set)
        .register(&register)
        .bulletins(&bulletins)
        .run()
        .expect("the audit of a set that was read does not fail");
    for f in in_memory
        .bulletins
        .iter()
        .filter_map(|b| b.feasibility.as_ref())
    {
        assert!(f.counted.0 <= f.counted.1, "{:?}", f.counted);
        for b in &f.bounds {
            assert!(b.upper.is_none_or(|u| b.lower <= u), "{b:?}");
        }
    }
    let json = check_report(&in_memory);
    // Reading the next chunk while auditing the last (the default), and one after the other.
    let sequential = AuditOptions::default().with_execution(Execution::Sequential);
    for (chunk, audit) in [
        (1, AuditOptions::default()),
        (2, AuditOptions::default()),
        (2, sequential),
        (5, AuditOptions::default()),
        (1 << 16, AuditOptions::default()),
    ] {
        let execution = audit.execution;
        let streamed = StreamAudit::new(&layout)
            .register(&register)
            .bulletins(&bulletins)
            .options(StreamOptions::default().with_chunk(chunk).with_audit(audit))
            .run(&csv[..])
            .expect("the stream reads what the reader reads");
        assert_eq!(
            streamed.report.to_json().expect("a report serialises"),
            json,
            "chunk {chunk}, {execution:?}"
        );
        assert_eq!(
            streamed.read.rejected, read.report.rejected,
            "chunk {chunk}"
        );
    }
}

/// Every row is accepted or rejected, every accepted row is a sheet with its line.
fn check_accounting(read: &ReadOutcome) {
    let r = &read.report;
    assert_eq!(r.rows_read, r.accepted + r.rejected.len() as u64);
    assert_eq!(read.set.len() as u64, r.accepted);
    assert_eq!(r.sheet_lines.len() as u64, r.accepted);
    assert!(
        r.sheet_lines.windows(2).all(|w| w[0] < w[1]),
        "lines in order"
    );
    assert_eq!(r.repeats.len(), read.set.repeats().len());
}

/// The totals equal a recomputation in `u128` over the first reading of each table.
fn check_totals(set: &ActaSet) {
    let t = totals(set).expect("sums of u32 counts over u32 sheets fit u64");
    let firsts: Vec<usize> = (0..set.len()).filter(|&i| !set.is_repeat(i)).collect();
    assert_eq!(t.tables, firsts.len() as u64);
    let sum = |f: Field| -> u128 {
        firsts
            .iter()
            .filter_map(|&i| set.count(i, f))
            .map(u128::from)
            .sum()
    };
    for (f, got) in [
        (Field::Electors, t.electors.sum),
        (Field::Voters, t.voters.sum),
        (Field::Valid, t.valid.sum),
        (Field::Null, t.null.sum),
        (Field::Blank, t.blank.sum),
    ] {
        assert_eq!(u128::from(got), sum(f), "{f}");
    }
    for (k, (name, total)) in t.extra.iter().enumerate() {
        assert_eq!(u128::from(total.sum), sum(Field::Extra(k)), "{name}");
    }
    let contest = set.contest();
    for (c, total) in t.candidates.iter().enumerate() {
        let expected: u128 = contest.lines_of(c).map(|l| sum(Field::Line(l))).sum();
        assert_eq!(u128::from(total.sum), expected, "candidate {c}");
    }
}

/// Reading in parts cut where the input's bytes say equals reading on one core.
#[cfg(feature = "parallel")]
fn check_parts(csv: &[u8], layout: &Layout, one: &ReadOutcome, rest: &[u8]) {
    let len = csv.len() as u64;
    let cuts: Vec<u64> = rest
        .iter()
        .take(8)
        .map(|b| u64::from(*b) * len / 256)
        .collect();
    let parts = crate::io::parallel::read_cut(csv, layout, |_| cuts)
        .expect("what the one-core reader reads, the parts read");
    if let Some(parts) = parts {
        assert_eq!(parts.report, one.report);
        assert!(parts.set == one.set, "the sets differ");
    }
}

/// Bulletins from the set's totals: one on a tables basis and one on an electors basis, their
/// shares and coverage picked by `flags`, a final one, two of shares without counts, and a
/// register a little larger than the sheets.
fn bulletins_for(set: &ActaSet, flags: u8) -> (Vec<Bulletin>, Register) {
    let Ok(t) = totals(set) else {
        return (Vec::new(), Register::default());
    };
    let share = u64::from(flags >> 2) + 40;
    let counts: Vec<BulletinCount> = set
        .contest()
        .candidates()
        .iter()
        .zip(&t.candidates)
        .map(|(c, x)| BulletinCount::new(c.code.clone(), x.sum * share / 100))
        .collect();
    let printed = |p: u64| -> Percent { p.min(100).to_string().parse().expect("a whole percent") };
    let tables = Bulletin::new("tables", counts.clone())
        .with_coverage(CoverageClaim::new(CoverageBasis::Tables, printed(share)));
    // A final bulletin without a claim: bounded on every table, in memory and streamed alike.
    let last = Bulletin::new("final", counts.clone()).with_final();
    let mut electors = Bulletin::new("electors", counts).with_coverage(CoverageClaim::new(
        CoverageBasis::Electors,
        printed(share + 1),
    ));
    electors.electors = Some(t.electors.sum + 50);
    // Shares without counts, one bulletin per basis (the second of the voters, declared): their
    // ranges in memory and streamed alike.
    let shares: Vec<BulletinCount> = set
        .contest()
        .candidates()
        .iter()
        .map(|c| BulletinCount::share(c.code.clone(), printed(share / 2)))
        .collect();
    let tv = Bulletin::new("tv", shares.clone())
        .with_coverage(CoverageClaim::new(CoverageBasis::Tables, printed(share)));
    let tv_electors = Bulletin::new("tv electors", shares)
        .with_base(crate::PercentBase::Voters)
        .with_coverage(CoverageClaim::new(
            CoverageBasis::Electors,
            printed(share + 1),
        ));
    let register = Register::new()
        .with_tables(t.tables + u64::from(flags & 3))
        .with_electors(t.electors.sum + 50);
    (vec![tables, electors, last, tv, tv_electors], register)
}

/// The layout target: a layout that loads prints as JSON that loads back to the same layout.
pub fn check_layout(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(layout) = Layout::from_json(text) else {
        return;
    };
    let json = layout.to_json().expect("a valid layout serialises");
    let back = Layout::from_json(&json).expect("a layout's JSON loads back");
    assert_eq!(back, layout);
}

/// The announcements target: announcements that load print as JSON that loads back to the same
/// value, and auditing an empty set against them does not fail.
pub fn check_announcements(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(a) = crate::io::from_json::<Announcements>(text) else {
        return;
    };
    let json = crate::io::to_json(&a).expect("announcements serialise");
    let back: Announcements = crate::io::from_json(&json).expect("announcements load back");
    assert_eq!(back, a);
    let layout = Layout::from_json(LAYOUTS[0]).expect("the fuzz layouts are valid");
    let csv = [HEADERS[0], b"1,01,N,1,100,10,0,6,4\n"].concat();
    let set = read_csv(&csv[..], &layout).expect("a good row").set;
    // An unsound rule (a threshold past 100) is the one input the audit refuses outright.
    if a.rule.validate().is_err() {
        return;
    }
    let report = Audit::new(&set)
        .register(&a.register)
        .bulletins(&a.bulletins)
        .rule(&a.rule)
        .run()
        .expect("an audit reports what it cannot check as findings");
    check_report(&report);
}

/// A report's findings carry only their code's keys, in the code's order, with their code's
/// severity; its JSON reads back equal and prints the same again. Returns the JSON.
pub fn check_report(report: &AuditReport) -> String {
    for f in &report.findings {
        assert_eq!(f.severity, f.code.severity(), "{f}");
        let keys = f.code.keys();
        let mut at = 0;
        for (k, _) in &f.numbers {
            let i = keys[at..]
                .iter()
                .position(|x| x == k)
                .unwrap_or_else(|| panic!("{f}: key {k} out of the code's keys or order"));
            at += i + 1;
        }
    }
    let json = report.to_json().expect("a report serialises");
    let back = AuditReport::from_json(&json).expect("a report reads back");
    assert_eq!(&back, report, "the report reads back equal");
    assert_eq!(back.to_json().expect("a report serialises"), json);
    json
}

/// The rules target: a rule that parses prints as text that parses back to the same rule, and
/// is evaluated by `check_rules` as it is sheet by sheet in `i128` on sheets with columns of
/// one byte, of two and of four, at their largest values and absent (or refused, exactly when it
/// names no field of the sheets).
pub fn check_rule(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rule) = text.parse::<Rule>() else {
        return;
    };
    let back: Rule = rule.to_string().parse().expect("a rule's text parses back");
    assert_eq!(back, rule);
    for top in [u8::MAX.into(), u16::MAX.into(), u32::MAX] {
        check_rule_on(&rule, &rule_sheets(top));
    }
}

/// Sheets of three candidates to evaluate rules on: values up to `top` (`u8::MAX`, `u16::MAX`
/// or `u32::MAX`: columns of one byte, two or four), with absent values.
fn rule_sheets(top: u32) -> ActaSet {
    use crate::model::{ActaSheet, Candidate, Contest, Geography, TableId};
    let contest = Contest::new("r", ["A", "B", "C"].map(|c| Candidate::new(c, c)).to_vec())
        .expect("a valid contest");
    let mut set = ActaSet::new(contest, Geography::new(["x"]).expect("one level"));
    let values = [
        Some(0),
        Some(1),
        Some(top),
        Some(top - 1),
        None,
        Some(7),
        Some(top / 2),
    ];
    for i in 0..7 {
        let at = |k: usize| values[(i + k) % values.len()];
        let mut sheet = ActaSheet::new(TableId::new(i.to_string()).expect("a table id"))
            .with_votes([at(0), at(1), at(2)]);
        sheet.electors = at(3);
        sheet.voters = at(4);
        sheet.valid = at(5);
        sheet.null = at(6);
        sheet.blank = at(2);
        set.push(sheet).expect("sheets of the contest");
    }
    set
}

/// `check_rules` with `rule` on `set` is the rule evaluated sheet by sheet in `i128`: refused
/// exactly when it names no field of the set, else the same counts and violations.
fn check_rule_on(rule: &Rule, set: &ActaSet) {
    use crate::rules::{Relation, RuleSet, Term};
    let field =
        |n: &str| Field::standard(n).or_else(|| set.contest().line_index(n).map(Field::Line));
    let known = rule.lhs().iter().chain(rule.rhs()).all(|(_, t)| match t {
        Term::Named(n) => field(n).is_some(),
        Term::SumOfLines => true,
    });
    let rules: RuleSet = [rule.clone()].into_iter().collect();
    let check = match crate::audit::check_rules(set, &rules) {
        Ok(check) => {
            assert!(known, "a rule over unknown names was evaluated: {rule}");
            check
        }
        Err(e) => {
            assert!(!known, "a rule over known names was refused: {e}");
            return;
        }
    };
    let lines = set.contest().lines().len();
    let side = |i: usize, side: &[(i64, Term)]| -> Option<i128> {
        let mut sum = 0i128;
        for (c, term) in side {
            let v: i128 = match term {
                Term::SumOfLines => (0..lines)
                    .map(|l| set.count(i, Field::Line(l)).map(i128::from))
                    .sum::<Option<i128>>()?,
                Term::Named(n) => i128::from(set.count(i, field(n)?)?),
            };
            sum += i128::from(*c) * v;
        }
        Some(sum)
    };
    let (mut checked, mut broken, mut skipped) = (0u64, 0u64, 0u64);
    let mut expected = Vec::new();
    for i in 0..set.len() {
        match (side(i, rule.lhs()), side(i, rule.rhs())) {
            (Some(l), Some(r)) => {
                checked += 1;
                let holds = match rule.relation() {
                    Relation::Eq => l == r,
                    Relation::Le => l <= r,
                    Relation::Ge => l >= r,
                };
                if !holds {
                    broken += 1;
                    expected.push((i, l, r));
                }
            }
            _ => skipped += 1,
        }
    }
    let s = &check.rules[0];
    assert_eq!(
        (s.checked, s.held, s.broken, s.skipped),
        (checked, checked - broken, broken, skipped),
        "{rule}"
    );
    let got: Vec<(usize, i128, i128)> = check
        .violations
        .iter()
        .map(|v| (v.sheet, v.lhs, v.rhs))
        .collect();
    assert_eq!(got, expected, "{rule}");
}

/// The reported sheets the `rla_state` target audits: 40 tables of three candidates, with a
/// repeated reading.
fn rla_reported() -> ActaSet {
    let layout = Layout::from_json(LAYOUTS[0]).expect("the fuzz layouts are valid");
    let mut csv = HEADERS[0].to_vec();
    for t in 1..=40u32 {
        csv.extend_from_slice(
            format!("{t},01,N,1,300,{},5,{},{}\n", 150 + t % 9, 90 + t % 9, 60).as_bytes(),
        );
    }
    csv.extend_from_slice(b"7,01,N,1,300,150,5,90,60\n");
    read_csv(&csv[..], &layout).expect("good rows").set
}

/// The `rla_state` target: a risk-limiting audit's state read from JSON (as it travels between
/// the days of an audit) prints as JSON that reads back equal, and every step on it returns a
/// result or an error, never a panic: the first round's size is at most the tables, a draw of
/// three tables, and an evaluation against the reported sheets themselves (their risk in
/// [0, 1]).
pub fn check_rla_state(data: &[u8]) {
    use crate::rla::BatchAudit;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(state) = serde_json::from_str::<BatchAudit>(text) else {
        return;
    };
    let json = serde_json::to_string(&state).expect("a state serialises");
    let back: BatchAudit = serde_json::from_str(&json).expect("a state's JSON reads back");
    assert_eq!(back, state);
    assert!(state.first_round() <= state.tables());
    let reported = rla_reported();
    let seed = state.seed().unwrap_or("fuzz").to_owned();
    if let Ok((next, draws)) = state.draw(&reported, &seed, 3) {
        assert_eq!(draws.len(), 3);
        assert_eq!(next.draws().len(), state.draws().len() + 3);
    }
    if let Ok(e) = state.evaluate(&reported, &reported, &[]) {
        assert!((0.0..=1.0).contains(&e.risk.p_value));
    }
    let lost: Vec<&str> = state.draws().iter().take(2).map(String::as_str).collect();
    if let Ok(e) = state.evaluate(&reported, &reported, &lost) {
        assert!((0.0..=1.0).contains(&e.risk.p_value));
        let _ = e.to_string();
    }
}

#[cfg(test)]
mod tests {
    /// The seeds of the `rla_state` target: a state planned on the target's sheets, after a
    /// draw, and the same with a hand-edited bound (refused at each step, without a panic).
    #[test]
    fn rla_state_seeds_are_current() {
        use crate::rla::{BatchAudit, BatchAuditOptions};
        let reported = super::rla_reported();
        let plan = BatchAudit::plan(&reported, BatchAuditOptions::new(0.1)).unwrap();
        let (drawn, _) = plan.draw(&reported, "31415", 5).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/rla_state");
        let edited = serde_json::to_string_pretty(&drawn)
            .unwrap()
            .replace("\"total_bound\": 5.", "\"total_bound\": 1.");
        let states = [
            ("planned.json", serde_json::to_string_pretty(&plan).unwrap()),
            ("drawn.json", serde_json::to_string_pretty(&drawn).unwrap()),
            ("edited.json", edited),
        ];
        for (name, json) in states {
            let path = dir.join(name);
            if std::env::var_os("ACTAS_BLESS").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &json).unwrap();
            }
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                json,
                "{name}: bless with ACTAS_BLESS=1"
            );
            super::check_rla_state(json.as_bytes());
        }
        // The edited state reads, but every step that reads the sheets refuses it.
        let text = std::fs::read_to_string(dir.join("edited.json")).unwrap();
        let edited: BatchAudit = serde_json::from_str(&text).unwrap();
        assert!(edited.evaluate(&reported, &reported, &[]).is_err());
    }
}
