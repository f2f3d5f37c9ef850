//! The streaming audit gives the same report as the in-memory audit of the same sheets.

use actas::audit::{
    Audit, AuditOptions, StreamAudit, StreamOptions, Verdict, totals, totals_by_level,
};
use actas::io::{Layout, read_announcements, read_csv, read_csv_path};
use actas::report::Code;
use actas::synth::{AnomalyRates, SynthConfig, generate, layout, write_csv};
use actas::{Bulletin, BulletinCount, CoverageBasis, CoverageClaim, Execution, Register};
use proptest::prelude::*;

fn bulletins_for(set: &actas::ActaSet, share: u64) -> (Vec<Bulletin>, Register) {
    let t = totals(set).unwrap();
    let counts: Vec<BulletinCount> = set
        .contest()
        .candidates()
        .iter()
        .zip(&t.candidates)
        .map(|(c, x)| BulletinCount::new(c.code.clone(), x.sum * share / 100))
        .collect();
    let first = Bulletin::new("first", counts.clone()).with_coverage(CoverageClaim::new(
        CoverageBasis::Tables,
        "80".parse().unwrap(),
    ));
    let second = Bulletin::new(
        "second",
        counts
            .iter()
            .map(|c| BulletinCount::new(c.subject.clone(), c.count.unwrap() + 10))
            .collect(),
    )
    .with_coverage(CoverageClaim::new(
        CoverageBasis::Tables,
        "95.5".parse().unwrap(),
    ));
    let register = Register::new()
        .with_tables(t.tables * 11 / 10)
        .with_electors(t.electors.sum * 11 / 10);
    let mut third = Bulletin::new(
        "third",
        counts
            .iter()
            .map(|c| BulletinCount::new(c.subject.clone(), c.count.unwrap() + 20))
            .collect(),
    )
    .with_coverage(CoverageClaim::new(
        CoverageBasis::Electors,
        "85".parse().unwrap(),
    ));
    third.electors = Some(t.electors.sum * 11 / 10);
    // Shares without counts: each candidate's share of the sheets, and half of it (outside its
    // range), on each basis; the electors one of the voters, declared.
    let valid: u64 = t.candidates.iter().map(|c| c.sum).sum::<u64>().max(1);
    let shares = |half: bool| -> Vec<BulletinCount> {
        set.contest()
            .candidates()
            .iter()
            .zip(&t.candidates)
            .enumerate()
            .map(|(i, (c, x))| {
                let p = actas::percent_of(x.sum, valid, 1, actas::Rounding::HalfUp).unwrap();
                let p = if half && i % 2 == 0 {
                    p / actas::Decimal::TWO
                } else {
                    p
                };
                BulletinCount::share(c.code.clone(), actas::Percent::new(p.round_dp(2)).unwrap())
            })
            .collect()
    };
    let tv = Bulletin::new("tv", shares(true)).with_coverage(CoverageClaim::new(
        CoverageBasis::Tables,
        "90".parse().unwrap(),
    ));
    let mut tv_electors = Bulletin::new("tv electors", shares(false))
        .with_base(actas::PercentBase::Voters)
        .with_coverage(CoverageClaim::new(
            CoverageBasis::Electors,
            "85".parse().unwrap(),
        ));
    tv_electors.electors = third.electors;
    (vec![first, second, third, tv, tv_electors], register)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn the_stream_reports_what_the_set_reports(
        sheets in 1usize..3_000,
        chunk in prop_oneof![Just(1usize), Just(2), Just(3), 4usize..3_000],
        copies in 1usize..=3,
        seed in any::<u64>(),
        share in 60u64..100,
        parallel in any::<bool>(),
    ) {
        let config = SynthConfig::default().with_sheets(sheets).with_candidates(4).with_lines_per_candidate(1).with_seed(seed).with_anomalies(AnomalyRates::default().with_rule_violation(5_000).with_over_turnout(5_000).with_duplicate(20_000).with_conflict(20_000));
        let mut csv = Vec::new();
        write_csv(&config, &mut csv).unwrap();
        let lay = layout(&config);
        // The bulletins are made from the file read once; the file may hold it several times.
        let (bulletins, register) = bulletins_for(&read_csv(&csv[..], &lay).unwrap().set, share);
        let body = csv[csv.iter().position(|&b| b == b'\n').unwrap() + 1..].to_vec();
        for _ in 1..copies {
            csv.extend_from_slice(&body);
        }
        let set = read_csv(&csv[..], &lay).unwrap().set;
        let in_memory = Audit::new(&set).register(&register).bulletins(&bulletins).run().unwrap();
        // On one thread, or reading the next chunk while a second thread audits the last.
        let execution = if parallel { Execution::Parallel } else { Execution::Sequential };
        {
            let options = StreamOptions::default()
                .with_chunk(chunk)
                .with_level(1)
                .with_audit(AuditOptions::default().with_execution(execution));
            let streamed = StreamAudit::new(&lay).register(&register).bulletins(&bulletins).options(options).run(&csv[..]).unwrap();
            prop_assert_eq!(streamed.report.to_json().unwrap(), in_memory.to_json().unwrap());
            // The totals of the chosen level are those of the set.
            let level = totals_by_level(&set, 1).unwrap();
            prop_assert_eq!(streamed.places.len(), level.places.len());
            for (p, (path, t)) in streamed.places.iter().zip(&level.places) {
                prop_assert_eq!(&p.totals, t);
                prop_assert_eq!(p.codes.clone(), set.geography().codes(*path).into_iter().map(str::to_owned).collect::<Vec<_>>());
                prop_assert_eq!(p.name.as_deref(), set.geography().node(*path).and_then(|n| n.name()));
            }
            prop_assert_eq!(streamed.read.accepted as usize, set.len());
            prop_assert_eq!(&streamed.unplaced, &level.unplaced);
        }
    }
}

#[test]
fn repeats_across_chunks_are_found() {
    let config = SynthConfig::default().with_sheets(2_000).with_seed(3);
    let (set, injected) = generate(&config).unwrap();
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    // Chunks of one sheet: every repeat is in another chunk than its first reading.
    let options = StreamOptions::default().with_chunk(1);
    let out = StreamAudit::new(&layout(&config))
        .options(options)
        .run(&csv[..])
        .unwrap();
    assert_eq!(
        out.report.with_code(Code::RepeatIdentical).count(),
        injected.duplicates.len()
    );
    assert_eq!(
        out.report.with_code(Code::RepeatConflicting).count(),
        injected.conflicts.len()
    );
    assert_eq!(out.report.totals, totals(&set).unwrap());
}

#[test]
fn venezuela_streamed_matches_in_memory() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");
    let lay = Layout::from_path(format!("{dir}/layout_v1.json")).unwrap();
    let a = read_announcements(format!("{dir}/bulletins.json")).unwrap();
    let v1 = read_csv_path(format!("{dir}/RESULTADOS_2024_CSV_V1.csv"), &lay).unwrap();
    let in_memory = Audit::new(&v1.set)
        .register(&a.register)
        .bulletins(&a.bulletins)
        .run()
        .unwrap();
    let streamed = StreamAudit::new(&lay)
        .register(&a.register)
        .bulletins(&a.bulletins)
        .options(StreamOptions::default().with_chunk(5_000))
        .run_path(format!("{dir}/RESULTADOS_2024_CSV_V1.csv"))
        .unwrap();
    assert_eq!(
        streamed.report.to_json().unwrap(),
        in_memory.to_json().unwrap()
    );
    let eg = |k: usize| {
        let f = streamed.report.bulletins[k].feasibility.as_ref().unwrap();
        let b = f.bounds.iter().find(|b| b.subject == "EG").unwrap();
        (b.verdict, b.gap, b.false_sheets)
    };
    assert_eq!(eg(0), (Verdict::Below, 139_854, Some(379)));
    // Bulletin 2's coverage is a share of electors: the same conservative bound as in memory.
    assert_eq!(eg(1), (Verdict::Below, 1_445_943, Some(3_034)));
    assert_eq!(streamed.places.len(), 24, "the states");
    assert_eq!(streamed.read.rows_read, 24_532);
    // A bulletin without a coverage claim: the stream says F003 as the audit in memory does.
    let v1_bytes = std::fs::read(format!("{dir}/RESULTADOS_2024_CSV_V1.csv")).unwrap();
    let unclaimed = [Bulletin::new("no claim", vec![BulletinCount::new("EG", 1)])];
    stream_equals_memory(&v1_bytes, &lay, &unclaimed, &a.register, &[5_000], 0);
    let s = StreamAudit::new(&lay)
        .register(&a.register)
        .bulletins(&unclaimed)
        .run(&v1_bytes[..])
        .unwrap();
    assert_eq!(s.report.with_code(Code::NoBounds).count(), 1);
    // With a progress hook: the same outcome, and every byte of the file told once.
    let told = std::sync::atomic::AtomicU64::new(0);
    let progress = |b: u64| {
        told.fetch_add(b, std::sync::atomic::Ordering::Relaxed);
    };
    let path = format!("{dir}/RESULTADOS_2024_CSV_V1.csv");
    let with = StreamAudit::new(&lay)
        .register(&a.register)
        .bulletins(&a.bulletins)
        .options(StreamOptions::default().with_chunk(5_000))
        .run_path_with_progress(&path, &progress)
        .unwrap();
    assert_eq!(
        with.report.to_json().unwrap(),
        streamed.report.to_json().unwrap()
    );
    assert_eq!(told.into_inner(), std::fs::metadata(&path).unwrap().len());

    // Regression: V1 three times in one file flipped bulletin 1's verdict in the stream
    // (González from Below by 139,854 to Within) and gave 0 uncollected electors.
    let v1 = std::fs::read(format!("{dir}/RESULTADOS_2024_CSV_V1.csv")).unwrap();
    let mut x3 = v1.clone();
    let body = &v1[v1.iter().position(|&b| b == b'\n').unwrap() + 1..];
    x3.extend_from_slice(body);
    x3.extend_from_slice(body);
    stream_equals_memory(&x3, &lay, &a.bulletins, &a.register, &[5_000, 65_536], 0);
    let streamed = StreamAudit::new(&lay)
        .register(&a.register)
        .bulletins(&a.bulletins)
        .run(&x3[..])
        .unwrap();
    let f = streamed.report.bulletins[0].feasibility.as_ref().unwrap();
    let b = f.bounds.iter().find(|b| b.subject == "EG").unwrap();
    assert_eq!(
        (b.verdict, b.gap, b.false_sheets),
        (Verdict::Below, 139_854, Some(379))
    );
}

#[test]
fn bad_options_are_errors() {
    let config = SynthConfig::default().with_sheets(10);
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    let lay = layout(&config);
    let chunk0 = StreamAudit::new(&lay)
        .options(StreamOptions::default().with_chunk(0))
        .run(&csv[..]);
    assert_eq!(
        chunk0.unwrap_err().to_string(),
        "chunk \"0\": a chunk holds at least one sheet"
    );
    let level9 = StreamAudit::new(&lay)
        .options(StreamOptions::default().with_level(9))
        .run(&csv[..]);
    assert_eq!(
        level9.unwrap_err().to_string(),
        "geography level \"9\": the layout has 4 levels"
    );
    assert!(StreamAudit::new(&lay).run(&b""[..]).is_err());
    // The forensic tests that need every table at once: asked of a stream, an error, not
    // silence (the digit tests and the fingerprint run:
    // `digit_tests_and_fingerprint_stream_as_in_memory`).
    let forensics = StreamAudit::new(&lay)
        .options(
            StreamOptions::default().with_audit(
                actas::audit::AuditOptions::default()
                    .with_forensics(actas::forensics::ForensicsOptions::standard()),
            ),
        )
        .run(&csv[..]);
    assert!(
        forensics
            .unwrap_err()
            .to_string()
            .contains("forensics in a streaming audit")
    );
}

/// The digit tests and the fingerprint, asked of a stream, give the report of the in-memory
/// audit (frequencies, decades, p-values, bootstrap intervals; grid, histograms, moments,
/// correlation, votes at high turnout; findings), at every chunk size, with repeated tables
/// counted once, on counts with made-up last digits and stuffed tables (so that there are
/// findings), with the leader found at the end or named.
#[test]
fn digit_tests_and_fingerprint_stream_as_in_memory() {
    use actas::forensics::{DigitOptions, FingerprintOptions, ForensicsOptions};
    let config = SynthConfig::default()
        .with_sheets(3_000)
        .with_seed(11)
        .with_anomalies(
            AnomalyRates::default()
                .with_made_up_digits(100_000)
                .with_stuffing(50_000),
        );
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    let lay = layout(&config);
    let read = read_csv(&csv[..], &lay).unwrap();
    assert!(
        !read.set.repeats().is_empty(),
        "the file has repeated tables"
    );
    for forensics in [
        ForensicsOptions::default()
            .with_digits(DigitOptions::default())
            .with_fingerprint(FingerprintOptions::default().with_correlation_alert(0.05)),
        ForensicsOptions::default().with_fingerprint(
            FingerprintOptions::default()
                .with_leader("C02")
                .with_weight(actas::forensics::Weight::Voters),
        ),
    ] {
        let audit = actas::audit::AuditOptions::default().with_forensics(forensics);
        let in_memory = Audit::new(&read.set).options(audit.clone()).run().unwrap();
        let f = in_memory.forensics.as_ref().unwrap();
        assert!(f.fingerprint.as_ref().unwrap().tables > 2_900);
        if f.digits.is_some() {
            assert!(
                in_memory.with_code(Code::LastDigitDeparts).count()
                    + in_memory.with_code(Code::ZeroOrFiveExcess).count()
                    > 0,
                "made-up digits are found"
            );
        }
        for chunk in [1, 2, 7, 65_536] {
            let streamed = StreamAudit::new(&lay)
                .options(
                    StreamOptions::default()
                        .with_chunk(chunk)
                        .with_audit(audit.clone()),
                )
                .run(&csv[..])
                .unwrap();
            assert!(streamed.report.forensics.is_some(), "chunk {chunk}");
            assert_eq!(
                streamed.report.to_json().unwrap(),
                in_memory.to_json().unwrap(),
                "chunk {chunk}"
            );
        }
    }
}

/// The in-memory audit and the stream of `csv` with every chunk size in `chunks`: identical JSON
/// reports and read reports.
fn stream_equals_memory(
    csv: &[u8],
    lay: &Layout,
    bulletins: &[Bulletin],
    register: &Register,
    chunks: &[usize],
    level: usize,
) {
    let read = read_csv(csv, lay).unwrap();
    let in_memory = Audit::new(&read.set)
        .register(register)
        .bulletins(bulletins)
        .run()
        .unwrap()
        .to_json()
        .unwrap();
    // Every other chunk size on one thread, the others reading the next chunk while a second
    // thread audits the last.
    for (k, &chunk) in chunks.iter().enumerate() {
        let execution = if k % 2 == 0 {
            Execution::Parallel
        } else {
            Execution::Sequential
        };
        let streamed = StreamAudit::new(lay)
            .register(register)
            .bulletins(bulletins)
            .options(
                StreamOptions::default()
                    .with_chunk(chunk)
                    .with_level(level)
                    .with_audit(AuditOptions::default().with_execution(execution)),
            )
            .run(csv)
            .unwrap();
        assert_eq!(
            streamed.report.to_json().unwrap(),
            in_memory,
            "chunk {chunk}, {execution:?}"
        );
        assert_eq!(
            streamed.read.accepted, read.report.accepted,
            "chunk {chunk}"
        );
        assert_eq!(
            streamed.read.rejected, read.report.rejected,
            "chunk {chunk}"
        );
    }
}

fn fixture_layout() -> Layout {
    Layout::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/layout.json"
    ))
    .unwrap()
}

fn repro(name: &str) -> String {
    format!("{}/tests/fixtures/repro/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Regression: a chunk whose sheets are all repeats counted every one of them in the bounds (an
/// empty "keep" list meant "keep all"), so an `F001` of the in-memory audit was lost.
#[test]
fn a_chunk_of_repeats_adds_nothing_to_the_bounds() {
    let csv = std::fs::read(repro("s1_repeat.csv")).unwrap();
    let a = read_announcements(repro("s1_bulletins.json")).unwrap();
    stream_equals_memory(
        &csv,
        &fixture_layout(),
        &a.bulletins,
        &a.register,
        &[1, 2, 3, 64],
        0,
    );
}

/// Regression: two publications of the same 4,000 tables in one file doubled the stream's
/// tables-basis bounds (lower bound 494,151 instead of 765,791 in the run).
#[test]
fn a_file_holding_every_table_twice_streams_as_in_memory() {
    let config = SynthConfig::default()
        .with_sheets(4_000)
        .with_seed(11)
        .with_anomalies(
            AnomalyRates::default()
                .with_rule_violation(0)
                .with_over_turnout(0)
                .with_duplicate(0)
                .with_conflict(0),
        );
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    let body_start = csv.iter().position(|&b| b == b'\n').unwrap() + 1;
    let once = csv.clone();
    csv.extend_from_slice(&once[body_start..]);
    let lay = layout(&config);
    let set = read_csv(&once[..], &lay).unwrap().set;
    let (bulletins, register) = bulletins_for(&set, 80);
    stream_equals_memory(
        &csv,
        &lay,
        &bulletins,
        &register,
        &[1_000, 4_000, 65_536],
        1,
    );
    // And the bounds are those of the file read once: the repeats add nothing.
    let twice = Audit::new(&read_csv(&csv[..], &lay).unwrap().set)
        .register(&register)
        .bulletins(&bulletins)
        .run()
        .unwrap();
    let single = Audit::new(&set)
        .register(&register)
        .bulletins(&bulletins)
        .run()
        .unwrap();
    for (a, b) in twice.bulletins.iter().zip(&single.bulletins) {
        assert_eq!(a.feasibility, b.feasibility);
    }
}

/// Regression: with no row accepted the stream said the uncollected electors were unknown; in
/// memory they are the register's (2,400 here).
#[test]
fn no_accepted_row_streams_as_in_memory() {
    let csv = b"table,state,state_name,electors,valid,null,A,B\n1,01,North,100,x,0,6,4\n";
    let a = read_announcements(repro("s1_bulletins.json")).unwrap();
    stream_equals_memory(
        csv,
        &fixture_layout(),
        &a.bulletins,
        &a.register,
        &[1, 2],
        0,
    );
}

/// Regression: at level 0 the stream cut the layout's geography and accepted rows with gaps or
/// bad codes below it.
#[test]
fn places_below_the_level_are_checked_as_in_memory() {
    let config = SynthConfig::default().with_sheets(40).with_seed(5);
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let deepest = config_level_column(&header);
    // A gap on one row (an empty level with a level below it), a bad byte on another.
    for (row, value) in [(3, ""), (7, "\u{0}")] {
        let mut cells: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
        cells[deepest - 1] = value.to_owned();
        lines[row] = cells.join(",");
    }
    let mut bytes = lines.join("\n").into_bytes();
    bytes.push(b'\n');
    // Invalid UTF-8 in a code below level 0.
    let pos = bytes.iter().position(|&b| b == 0).unwrap();
    bytes[pos] = 0xff;
    let lay = layout(&config);
    let read = read_csv(&bytes[..], &lay).unwrap();
    assert_eq!(read.report.rejected.len(), 2);
    for level in 0..lay.geography.len() {
        stream_equals_memory(
            &bytes,
            &lay,
            &[],
            &Register::default(),
            &[1, 2, 3, 50],
            level,
        );
    }
}

fn config_level_column(header: &[&str]) -> usize {
    let lay = layout(&SynthConfig::default());
    let deepest = &lay.geography.last().unwrap().code;
    header.iter().position(|h| h == deepest).unwrap()
}

/// Regression: a level on a layout without geography was accepted silently.
#[test]
fn a_level_the_layout_lacks_is_an_error() {
    let mut lay = fixture_layout();
    lay.geography.clear();
    let csv = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/good.csv"
    ))
    .unwrap();
    let err = StreamAudit::new(&lay)
        .options(StreamOptions::default().with_level(1))
        .run(&csv[..])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "geography level \"1\": the layout has 0 levels"
    );
    assert!(StreamAudit::new(&lay).run(&csv[..]).is_ok());
}

/// A reader that gives `ok` bytes of `data`, then fails.
struct FailingAfter<'a> {
    data: &'a [u8],
    ok: usize,
}

impl std::io::Read for FailingAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ok == 0 {
            return Err(std::io::Error::other("the disk is gone"));
        }
        let n = buf.len().min(self.ok).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.ok -= n;
        Ok(n)
    }
}

/// A read that fails part way is the same error whether the stream reads the next chunk while
/// it audits the last or does one after the other, at chunk sizes of 1 and more.
#[test]
fn a_read_failing_mid_stream_fails_alike_either_way() {
    let config = SynthConfig::default().with_sheets(600).with_seed(5);
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    let lay = layout(&config);
    for chunk in [1, 2, 7, 100] {
        let errors: Vec<String> = [Execution::Sequential, Execution::Parallel]
            .into_iter()
            .map(|execution| {
                let options = StreamOptions::default()
                    .with_chunk(chunk)
                    .with_audit(AuditOptions::default().with_execution(execution));
                StreamAudit::new(&lay)
                    .options(options)
                    .run(FailingAfter {
                        data: &csv,
                        ok: csv.len() / 2,
                    })
                    .unwrap_err()
                    .to_string()
            })
            .collect();
        assert!(errors[0].contains("the disk is gone"), "{}", errors[0]);
        assert_eq!(errors[0], errors[1], "chunk {chunk}");
    }
}
