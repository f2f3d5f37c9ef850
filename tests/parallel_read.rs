//! Reading a file on every core gives the same set and the same report, line numbers included,
//! as reading it on one.

use actas::Execution;
use actas::io::{
    ReadProgress, read_csv, read_csv_bytes, read_csv_path, read_csv_path_with,
    read_csv_path_with_progress,
};
use actas::synth::{AnomalyRates, SynthConfig, layout, write_csv};

/// A file in the temporary directory, named after this process and removed when dropped, also
/// when a test fails. (Each test used to leave a directory of its own behind.)
struct TempFile(std::path::PathBuf);

impl AsRef<std::path::Path> for TempFile {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp(name: &str) -> TempFile {
    TempFile(std::env::temp_dir().join(format!("actas-parallel-{}-{name}", std::process::id())))
}

#[test]
fn parallel_file_read_equals_sequential() {
    let config = SynthConfig::default().with_sheets(120_000).with_anomalies(
        AnomalyRates::default()
            .with_rule_violation(1_000)
            .with_over_turnout(1_000)
            .with_duplicate(5_000)
            .with_conflict(5_000),
    );
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    // Damage a few rows and add blank lines, spread over the file, so that rejected rows and
    // line numbers land in every part.
    let text = String::from_utf8(csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for k in (1..lines.len()).step_by(9_973) {
        lines[k] = lines[k].replacen(",", ",x", 7);
    }
    for k in (5..lines.len()).step_by(17_011).rev() {
        lines.insert(k, " ".to_owned());
    }
    // Empty lines too: the csv crate gives the row after them the first empty line's number.
    for k in (11..lines.len()).step_by(13_007).rev() {
        lines.insert(k, String::new());
        lines.insert(k, String::new());
    }
    let damaged = lines.join("\n") + "\n";
    assert!(damaged.len() > 8 << 20, "large enough to be read in parts");
    let path = temp("synthetic.csv");
    std::fs::write(&path, &damaged).unwrap();

    let lay = layout(&config);
    let sequential = read_csv(damaged.as_bytes(), &lay).unwrap();
    let parallel = read_csv_path(&path, &lay).unwrap();
    assert!(!sequential.report.rejected.is_empty() && sequential.report.blank_lines > 0);
    assert_eq!(parallel.report, sequential.report);
    assert_eq!(parallel.set, sequential.set);
    // Each place once, in the same order (`==` on sets compares places by codes and names).
    assert!(parallel.set.geography() == sequential.set.geography());
    assert_eq!(parallel.set.repeats(), sequential.set.repeats());
    let one_core = read_csv_path_with(&path, &lay, Execution::Sequential).unwrap();
    assert_eq!(one_core.report, sequential.report);
    assert_eq!(one_core.set, sequential.set);
    // The same bytes from memory, in parts and on one core.
    for execution in [Execution::Parallel, Execution::Sequential] {
        let bytes = read_csv_bytes(damaged.as_bytes(), &lay, execution).unwrap();
        assert_eq!(bytes.report, sequential.report, "{execution:?}");
        assert_eq!(bytes.set, sequential.set, "{execution:?}");
        assert!(bytes.set.geography() == sequential.set.geography());
    }
    // Every sheet's line holds its table: the line numbers are the file's.
    let file_lines: Vec<&str> = damaged.lines().collect();
    for (i, &line) in sequential
        .report
        .sheet_lines
        .iter()
        .enumerate()
        .step_by(997)
    {
        let id = sequential.set.table_id(i).unwrap();
        assert!(
            file_lines[line as usize - 1].contains(id),
            "line {line}: {id}"
        );
    }

    // A quote anywhere: read on one core, the same result.
    let quoted = damaged.replacen("Region 000000", "\"Region 000000\"", 1);
    std::fs::write(&path, &quoted).unwrap();
    let q_seq = read_csv(quoted.as_bytes(), &lay).unwrap();
    let q_par = read_csv_path(&path, &lay).unwrap();
    assert_eq!(q_par.report, q_seq.report);
    assert_eq!(q_par.set, q_seq.set);
    drop(path);
}

/// V1's rows three times, with an empty line after every row, and with invalid UTF-8 in the
/// parish name of every row whose place codes repeat the row before (the shapes of the shared
/// reproducer `make_big.py`).
fn v1_variants() -> Vec<(&'static str, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");
    let src = std::fs::read(format!("{dir}/RESULTADOS_2024_CSV_V1.csv")).unwrap();
    let mut lines = src.split(|&b| b == b'\n');
    let header = lines.next().unwrap().to_vec();
    let rows: Vec<&[u8]> = lines.filter(|l| !l.is_empty()).collect();
    let body: Vec<&[u8]> = rows.iter().chain(&rows).chain(&rows).copied().collect();
    let join = |sep: &[u8], rows: &[Vec<u8>]| {
        let mut out = header.clone();
        out.push(b'\n');
        out.extend(rows.join(sep));
        out.push(b'\n');
        out
    };
    let plain: Vec<Vec<u8>> = body.iter().map(|r| r.to_vec()).collect();
    let mut prev: Option<Vec<Vec<u8>>> = None;
    let bad_names: Vec<Vec<u8>> = body
        .iter()
        .map(|r| {
            let mut cells: Vec<Vec<u8>> = r.split(|&b| b == b',').map(<[u8]>::to_vec).collect();
            let key = vec![cells[0].clone(), cells[2].clone(), cells[4].clone()];
            if prev.as_ref() == Some(&key) {
                cells[5] = b"PQ. \xff".to_vec();
            }
            prev = Some(key);
            cells.join(&b","[..])
        })
        .collect();
    vec![
        ("x3", join(b"\n", &plain)),
        ("x3_empty_lines", join(b"\n\n", &plain)),
        ("x3_bad_names_on_repeat", join(b"\n", &bad_names)),
    ]
}

/// Regressions: a part boundary on a row after an empty line read that row twice (73,597 rows
/// instead of 73,596, and a false repeat); invalid UTF-8 in a place name was accepted by one
/// reader and rejected by the other.
#[test]
fn venezuelan_variants_read_alike_on_every_core() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ve2024");
    let lay = actas::io::Layout::from_path(format!("{dir}/layout_v1.json")).unwrap();
    for (name, bytes) in v1_variants() {
        assert!(
            bytes.len() > 8 << 20,
            "{name}: large enough to be read in parts"
        );
        let path = temp(&format!("{name}.csv"));
        std::fs::write(&path, &bytes).unwrap();
        let sequential = read_csv(&bytes[..], &lay).unwrap();
        let parallel = read_csv_path(&path, &lay).unwrap();
        assert_eq!(sequential.report.rows_read, 73_596, "{name}");
        assert_eq!(parallel.report.rows_read, 73_596, "{name}");
        assert_eq!(
            parallel.report.rejected.len(),
            sequential.report.rejected.len(),
            "{name}"
        );
        assert_eq!(parallel.report, sequential.report, "{name}");
        assert_eq!(parallel.set, sequential.set, "{name}");
        drop(path);
        if name == "x3_bad_names_on_repeat" {
            assert!(!sequential.report.rejected.is_empty());
            assert!(
                sequential
                    .report
                    .rejected
                    .iter()
                    .all(|r| r.column.as_deref() == Some("PAR"))
            );
        } else {
            assert!(sequential.report.rejected.is_empty(), "{name}");
        }
    }
}

/// A reader that knows the length of its input (a file, bytes in memory) reads a first chunk of
/// 1,024 rows and then sizes the set for the rest: around that chunk's end, and past it, the set
/// and report are the growing reader's.
#[test]
fn sized_reads_equal_the_reader_around_the_first_chunk() {
    for sheets in [1, 2, 1_000, 1_023, 1_024, 1_025, 1_030, 2_049] {
        let config = SynthConfig::default()
            .with_sheets(sheets)
            .with_anomalies(AnomalyRates::default().with_duplicate(40).with_conflict(60));
        let mut csv = Vec::new();
        write_csv(&config, &mut csv).unwrap();
        // A rejected row where the chunk ends, by the rows that stay sheets.
        let text = String::from_utf8(csv).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for k in [3, 1_024, 1_025, 1_026] {
            if k < lines.len() {
                lines[k] = lines[k].replacen(",", ",x", 7);
            }
        }
        let csv = lines.join("\n") + "\n";
        let lay = layout(&config);
        let growing = read_csv(csv.as_bytes(), &lay).unwrap();
        let path = temp(&format!("chunk_{sheets}.csv"));
        std::fs::write(&path, &csv).unwrap();
        let file = read_csv_path_with(&path, &lay, Execution::Sequential).unwrap();
        drop(path);
        let bytes = read_csv_bytes(csv.as_bytes(), &lay, Execution::Sequential).unwrap();
        for (how, read) in [("file", file), ("bytes", bytes)] {
            assert_eq!(read.report, growing.report, "{sheets} sheets, {how}");
            assert_eq!(read.set, growing.set, "{sheets} sheets, {how}");
            assert_eq!(
                read.set.repeats(),
                growing.set.repeats(),
                "{sheets} sheets, {how}"
            );
        }
    }
}

/// A file read in parts guesses each part's sheets from the rows a byte holds in its first 64
/// KiB, and writes their counts into slots sized so. Rows longer at the start (more sheets than
/// slots further on: the rest written beside them, the columns built anew) and rows longer
/// further on (slots left over, closed up) read as on one core, from the file and from bytes.
#[test]
fn parts_read_alike_when_rows_change_length_after_the_first_bytes() {
    let config = SynthConfig::default()
        .with_sheets(90_000)
        .with_anomalies(AnomalyRates::default().with_rule_violation(1_000));
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let lay = layout(&config);
    let plain = read_csv(text.as_bytes(), &lay).unwrap();
    let pad = " ".repeat(200);
    for (name, padded) in [("long first", 1..1_000), ("long later", 3_000..90_001)] {
        // Spaces before a count are trimmed: the same sheets, in rows of another length.
        let file: String = text
            .lines()
            .enumerate()
            .map(|(k, line)| {
                if !padded.contains(&k) {
                    return format!("{line}\n");
                }
                let (before, last) = line.rsplit_once(',').unwrap();
                format!("{before},{pad}{last}\n")
            })
            .collect();
        assert!(
            file.len() > 8 << 20,
            "{name}: large enough to be read in parts"
        );
        let one = read_csv(file.as_bytes(), &lay).unwrap();
        assert_eq!(
            one.set, plain.set,
            "{name}: the same sheets as without the spaces"
        );
        let path = temp(&format!("{}.csv", name.replace(' ', "_")));
        std::fs::write(&path, &file).unwrap();
        let from_file = read_csv_path(&path, &lay).unwrap();
        assert_eq!(from_file.report, one.report, "{name}");
        assert_eq!(from_file.set, one.set, "{name}");
        let from_bytes = read_csv_bytes(file.as_bytes(), &lay, Execution::Parallel).unwrap();
        assert_eq!(from_bytes.report, one.report, "{name}");
        assert_eq!(from_bytes.set, one.set, "{name}");
        drop(path);
    }
}

/// Counts the bytes a read says it has read, and its restarts.
#[derive(Default)]
struct Tally {
    bytes: std::sync::atomic::AtomicU64,
    restarts: std::sync::atomic::AtomicU64,
}

impl ReadProgress for Tally {
    fn advance(&self, bytes: u64) {
        self.bytes
            .fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
    }
    fn restart(&self) {
        self.restarts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.bytes.store(0, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A read with progress gives the set and report of a read without, and tells of every byte
/// once: in parts on every core (not the samples, nor a part's reading past its end), on one
/// core, and after a restart when quotes send a file cut in parts back to one core.
#[test]
fn a_read_with_progress_reads_the_same_and_counts_every_byte() {
    let config = SynthConfig::default().with_sheets(120_000);
    let mut csv = Vec::new();
    write_csv(&config, &mut csv).unwrap();
    let lay = layout(&config);
    let path = temp("progress.csv");
    let len = csv.len() as u64;
    assert!(len > 8 << 20, "large enough to be read in parts");
    std::fs::write(&path, &csv).unwrap();
    for execution in [Execution::Parallel, Execution::Sequential] {
        let tally = Tally::default();
        let with = read_csv_path_with_progress(&path, &lay, execution, &tally).unwrap();
        let without = read_csv_path_with(&path, &lay, execution).unwrap();
        assert_eq!(with.set, without.set, "{execution:?}");
        assert_eq!(with.report, without.report, "{execution:?}");
        let bytes = tally.bytes.into_inner();
        assert!(
            bytes >= len && bytes <= len + (64 << 10),
            "{execution:?}: {bytes} of {len}"
        );
        if execution == Execution::Sequential {
            assert_eq!(bytes, len);
        }
        assert_eq!(tally.restarts.into_inner(), 0);
    }
    // A quote: the parts are dropped and the file read again on one core, counted again.
    let text = String::from_utf8(csv).unwrap();
    let quoted = text.replacen("Region 000000", "\"Region 000000\"", 1);
    std::fs::write(&path, &quoted).unwrap();
    let tally = Tally::default();
    let with = read_csv_path_with_progress(&path, &lay, Execution::Parallel, &tally).unwrap();
    let without = read_csv_path(&path, &lay).unwrap();
    assert_eq!(with.set, without.set);
    assert_eq!(with.report, without.report);
    assert_eq!(tally.restarts.into_inner(), 1);
    assert_eq!(tally.bytes.into_inner(), quoted.len() as u64);
    // A file too small for parts: read on one core, no restart.
    let small = b"table,A\n1,5\n";
    std::fs::write(&path, small).unwrap();
    let tally = Tally::default();
    read_csv_path_with_progress(&path, &lay_small(), Execution::Parallel, &tally).unwrap();
    assert_eq!(tally.restarts.into_inner(), 0);
    assert_eq!(tally.bytes.into_inner(), small.len() as u64);
    // An error names the file, as read_csv_path's do.
    let missing = temp("no-such-file.csv");
    let err =
        read_csv_path_with_progress(&missing, &lay, Execution::Parallel, &|_: u64| {}).unwrap_err();
    assert!(err.to_string().contains("no-such-file.csv"), "{err}");
}

fn lay_small() -> actas::io::Layout {
    actas::io::Layout::new("mayor", "table").with_candidate("A", "Ana", "A")
}
