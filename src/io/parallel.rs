//! Reading one CSV file on every core: the file is cut at line starts, each part is read into a
//! set of its own, and the sets are appended in order.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use rayon::prelude::*;

use super::layout::Layout;
use super::reader::{Lines, ReadOutcome, ReadReport, Rows, Slots};
use crate::error::{Error, Result};
use crate::model::ActaSet;
use crate::model::column::{Placed, SlotBuffer, SlotColumn};
use crate::model::set::PlacedCounts;

/// Files smaller than this are read on one core: the parts would not pay for themselves.
const MIN_BYTES: u64 = 8 << 20;

/// A reader that notes whether a double quote passes through it. A quoted cell may hold a line
/// end, and then a cut at a line start may fall inside a cell: a part that saw a quote makes the
/// whole file be read again on one core.
struct QuoteWatch<R> {
    inner: R,
    quote: bool,
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if !self.quote && memchr::memchr(b'"', &buf[..n]).is_some() {
            self.quote = true;
        }
        Ok(n)
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(e, Some(path))
}

/// One part read: its sheets, its report (lines counted from its own start), the line where the
/// next part starts (counted the same way), and whether the file must be read on one core (a
/// quote, or a byte-order mark where the part starts).
struct Part {
    set: ActaSet,
    /// Its values of each count column, written into its slots of the joined column.
    placed: Vec<Placed>,
    report: ReadReport,
    next_line: u64,
    one_core: bool,
}

/// What the parts are read from: a file, or bytes in memory.
pub(crate) trait Source: Sync {
    /// A reader of the source from one byte on.
    type Reader: Read + Send + Sync;
    /// The source's length in bytes.
    fn len(&self) -> Result<u64>;
    /// A reader from byte `offset` on.
    fn at(&self, offset: u64) -> Result<Self::Reader>;
    /// The file, for errors.
    fn path(&self) -> Option<&Path>;
    /// A reader of the part from byte `begin` to byte `end` (it reads on past `end` to finish
    /// its last line): a reader from `begin` on, unless the source counts what its parts read.
    fn part(&self, begin: u64, _end: u64) -> Result<Self::Reader> {
        self.at(begin)
    }
    /// `bytes` of the source were read that no part reads (the header).
    fn header_read(&self, _bytes: u64) {}
}

impl Source for &Path {
    // No buffer of its own: the reader fills its buffer straight from the file (a `BufReader`
    // would copy every byte once more, its reads being no larger than its own buffer).
    type Reader = File;

    fn len(&self) -> Result<u64> {
        Ok(std::fs::metadata(self).map_err(io_error(self))?.len())
    }

    fn at(&self, offset: u64) -> Result<Self::Reader> {
        let mut file = File::open(self).map_err(io_error(self))?;
        file.seek(SeekFrom::Start(offset)).map_err(io_error(self))?;
        Ok(file)
    }

    fn path(&self) -> Option<&Path> {
        Some(self)
    }
}

impl<'a> Source for &'a [u8] {
    type Reader = &'a [u8];

    fn len(&self) -> Result<u64> {
        Ok(<[u8]>::len(self) as u64)
    }

    fn at(&self, offset: u64) -> Result<Self::Reader> {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        Ok(self.get(offset..).unwrap_or_default())
    }

    fn path(&self) -> Option<&Path> {
        None
    }
}

/// A source whose readers tell a [`ReadProgress`](super::reader::ReadProgress) of every byte.
pub(crate) struct Counted<'p, S> {
    pub(crate) source: S,
    pub(crate) progress: &'p dyn super::reader::ReadProgress,
}

/// Only the parts' reads are counted, each up to its part's end, and the header once, so that
/// the bytes told add up to the file's length: not the samples, nor what a part reads past its
/// end to finish its last line.
impl<'p, S: Source> Source for Counted<'p, S> {
    type Reader = super::reader::Counting<'p, S::Reader>;

    fn len(&self) -> Result<u64> {
        self.source.len()
    }

    fn at(&self, offset: u64) -> Result<Self::Reader> {
        Ok(super::reader::Counting {
            inner: self.source.at(offset)?,
            progress: self.progress,
            budget: 0,
        })
    }

    fn path(&self) -> Option<&Path> {
        self.source.path()
    }

    fn part(&self, begin: u64, end: u64) -> Result<Self::Reader> {
        Ok(super::reader::Counting {
            inner: self.source.at(begin)?,
            progress: self.progress,
            budget: end.saturating_sub(begin),
        })
    }

    fn header_read(&self, bytes: u64) {
        self.progress.advance(bytes);
    }
}

/// Reads `source` (a file, or bytes in memory) in parallel, or says `None` when it should be
/// read on one core (a small input, one thread, or quotes in the data).
pub(crate) fn read<S: Source>(source: S, layout: &Layout) -> Result<Option<ReadOutcome>> {
    let threads = rayon::current_num_threads();
    let len = source.len()?;
    if threads < 2 || len < MIN_BYTES {
        return Ok(None);
    }
    let parts = threads as u64 * 2;
    read_cut(source, layout, |data_start| {
        let size = (len - data_start).div_ceil(parts).max(1);
        (1..parts).map(|k| data_start + k * size).collect()
    })
}

/// The first byte of the line that holds byte `at` or starts after it: `at` itself when the
/// byte before is a line end, else the byte after the next line end (or `len`). Then moved back
/// over empty lines, which the CSV parser skips as part of the record after them: a part must
/// stop where the run of empty lines starts, or it would read the record after them, which the
/// next part reads too.
fn line_start<S: Source>(source: &S, at: u64, data_start: u64, len: u64) -> Result<u64> {
    let io = |e: std::io::Error| Error::io(e, source.path());
    if at <= data_start {
        return Ok(data_start);
    }
    if at >= len {
        return Ok(len);
    }
    let mut reader = BufReader::new(source.at(at - 1)?);
    let mut skipped = Vec::new();
    reader.read_until(b'\n', &mut skipped).map_err(io)?;
    let mut begin = at - 1 + skipped.len() as u64;
    // Back over empty lines, a window at a time: while the line ending just before `begin` is
    // empty (the two bytes before it are line ends, or one is, at the start of the data).
    const WINDOW: u64 = 4096;
    while begin > data_start {
        let from = begin.saturating_sub(WINDOW).max(data_start);
        let mut window = Vec::with_capacity((begin - from) as usize);
        source
            .at(from)?
            .take(begin - from)
            .read_to_end(&mut window)
            .map_err(io)?;
        loop {
            let k = (begin - from) as usize;
            if window[k - 1] != b'\n' {
                return Ok(begin);
            }
            if begin - 1 == data_start {
                return Ok(data_start);
            }
            if k < 2 {
                break; // the byte before is in the next window back
            }
            if window[k - 2] != b'\n' {
                return Ok(begin);
            }
            begin -= 1;
        }
    }
    Ok(begin)
}

/// Reads `source` in parts cut at the line starts at or after the byte offsets that `cuts`
/// gives for the start of the data, in parallel; `None` when it should be read on one core
/// (quotes in the data, a part that starts with a byte-order mark, or no data row).
pub(crate) fn read_cut<S: Source>(
    source: S,
    layout: &Layout,
    cuts: impl FnOnce(u64) -> Vec<u64>,
) -> Result<Option<ReadOutcome>> {
    let len = source.len()?;
    let path = source.path();
    // The header, read once: where the data starts, on which line, and the resolved layout.
    let (head, head_set) = Rows::open(source.at(0)?, layout, path)?;
    let (data_start, data_line) = head.position();
    source.header_read(data_start);
    let mut starts = vec![data_start];
    for at in cuts(data_start) {
        starts.push(line_start(&source, at, data_start, len)?);
    }
    starts.push(len);
    starts.sort_unstable();
    starts.dedup();
    let bounds: Vec<(u64, u64)> = starts.windows(2).map(|w| (w[0], w[1])).collect();

    // The joined count columns, each part writing its counts straight into its own slots of
    // them: as many slots as the part is guessed to have sheets, the next part's after.
    let rows_per_byte = sample_rows(&source, data_start, len)?;
    let (lines, extra) = head_set.count_shape();
    // The fewest bytes a row with counts takes: a delimiter between each two cells and a line
    // end (a row of fewer cells is rejected, and writes no count).
    let min_row = head.columns() as u64;
    let Some(room) = rooms(&bounds, rows_per_byte, min_row) else {
        // More sheets than a set holds, maybe: the one-core reader says so when it gets there.
        return Ok(None);
    };
    let slot_starts: Vec<usize> = room
        .iter()
        .scan(0usize, |at, &r| {
            let start = *at;
            *at = at.saturating_add(r);
            Some(start)
        })
        .collect();
    let total: usize = room.iter().sum();
    // One byte a slot for the columns whose values in the samples are all below 256, else
    // two.
    let windows = sample_windows(&source, &bounds, data_start, len)?;
    let widths = slot_widths(&source, &head, layout, &windows, 5 + lines + extra);
    let mut buffers: Vec<SlotBuffer> = widths
        .iter()
        .map(|&bytes| SlotBuffer::zeroed(total, bytes))
        .collect();
    let mut part_slots: Vec<Vec<SlotColumn<'_>>> = bounds.iter().map(|_| Vec::new()).collect();
    for buffer in &mut buffers {
        for (slots, column) in part_slots.iter_mut().zip(buffer.parts(&room)) {
            slots.push(column);
        }
    }

    let read_part = |(&(begin, end), columns): (&(u64, u64), Vec<SlotColumn<'_>>)| -> Result<Part> {
        // The CSV parser strips a byte-order mark at the start of its input: a part that starts
        // with one (two files joined) is left to the one-core reader, which rejects that row.
        let mut head3 = Vec::with_capacity(3);
        source
            .at(begin)?
            .take(3)
            .read_to_end(&mut head3)
            .map_err(|e| Error::io(e, path))?;
        let bom = head3 == b"\xEF\xBB\xBF";
        let watch = QuoteWatch {
            inner: source.part(begin, end)?,
            quote: false,
        };
        let (mut rows, mut set) = Rows::resume(&head, watch, layout)?;
        // Every part hashes ids alike, so that the joined set keeps the parts' hashes.
        set.share_hasher(&head_set);
        let mut sink = Slots { columns, lines };
        // Sized for the part from its first rows, so that its columns do not double.
        rows.reserve_into(&mut set, &mut sink, end - begin)?;
        let (_, next_line) =
            rows.fill_into(&mut set, &mut sink, usize::MAX, end - begin, Lines::Keep)?;
        let quote = rows.reader_flag();
        Ok(Part {
            set,
            placed: sink.columns.into_iter().map(SlotColumn::placed).collect(),
            report: rows.into_report(),
            next_line,
            one_core: quote || bom,
        })
    };
    let results: Vec<Result<Part>> = bounds
        .par_iter()
        .zip(part_slots.into_par_iter())
        .map(read_part)
        .collect();
    let mut parts_read = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(p) => parts_read.push(p),
            // What stops a part (a record too long, a broken quote) is reported by the one-core
            // reader, with the line counted from the start of the file.
            Err(_) => return Ok(None),
        }
    }
    // The parts cover every byte of the data: a quote in the header alone does not matter.
    if parts_read.iter().any(|p| p.one_core) {
        return Ok(None);
    }

    if parts_read.is_empty() {
        return Ok(None);
    }
    // The parts' sheets appended in order, while their reports are joined, their lines shifted
    // to the file's.
    let mut sets: Vec<ActaSet> = Vec::with_capacity(parts_read.len());
    let mut reports = Vec::with_capacity(parts_read.len());
    let mut columns: Vec<(SlotBuffer, Vec<Placed>)> = buffers
        .into_iter()
        .map(|b| (b, Vec::with_capacity(parts_read.len())))
        .collect();
    for part in parts_read {
        sets.push(part.set);
        reports.push((part.report, part.next_line));
        for ((_, placed), p) in columns.iter_mut().zip(part.placed) {
            placed.push(p);
        }
    }
    let mut set = sets.remove(0);
    let unused = head.unused_columns();
    let counts = PlacedCounts {
        starts: slot_starts,
        columns,
    };
    let (appended, mut report) = rayon::join(
        || set.append_parts(sets, Some(counts)),
        || join_reports(reports, unused, layout.geography.len(), data_line),
    );
    appended?;
    if report.rows_read == 0 {
        // The one-core reader says so, with the header's line.
        return Ok(None);
    }
    super::reader::finish_set(&mut set, &mut report, layout.parts.as_ref())?;
    Ok(Some(ReadOutcome { set, report }))
}

/// Where the slots' widths are sampled ([`slot_widths`]): the first 16 KiB where each part
/// starts, and 4 KiB from each of 63 line starts spread evenly over the data (a file sorted by
/// region may hold a candidate's large counts in a few regions only), as (first byte, bytes).
/// Each of those is the first line start at or after its point within 64 KiB, or none: the
/// samples read at most 68 KiB at each point and 16 KiB at each part's start, whatever the
/// lines' lengths.
fn sample_windows<S: Source>(
    source: &S,
    bounds: &[(u64, u64)],
    data_start: u64,
    len: u64,
) -> Result<Vec<(u64, u64)>> {
    const AT_STARTS: u64 = 16 << 10;
    const SPREAD: u64 = 64;
    const EACH: u64 = 4 << 10;
    let mut windows: Vec<(u64, u64)> = bounds
        .iter()
        .map(|&(begin, end)| (begin, AT_STARTS.min(end - begin)))
        .collect();
    let data = len - data_start;
    for k in 1..SPREAD {
        // The line start at or after the point, looked for within 64 KiB (a longer line is
        // left unsampled there).
        let at = data_start + k * (data / SPREAD);
        if at <= data_start {
            continue; // part 0's start, sampled above
        }
        let mut ahead = Vec::with_capacity(64 << 10);
        source
            .at(at - 1)?
            .take(64 << 10)
            .read_to_end(&mut ahead)
            .map_err(|e| Error::io(e, source.path()))?;
        if let Some(end) = memchr::memchr(b'\n', &ahead) {
            let begin = at + end as u64;
            if begin < len {
                windows.push((begin, EACH.min(len - begin)));
            }
        }
    }
    // Each start once, with its longest window.
    windows.sort_unstable_by_key(|&(begin, bytes)| (begin, std::cmp::Reverse(bytes)));
    windows.dedup_by_key(|w| w.0);
    Ok(windows)
}

/// The bytes of each count column's slots (1 or 2), from the rows of the sample `windows`
/// (first byte, bytes; each from a line start): 1 when every value read there is below 256. A
/// column with a larger value elsewhere is still read exactly (each part that meets one keeps
/// the column's values in a column of its own, and the joined column is built anew, as wide as
/// it must be), only more slowly. Two bytes for every column when a sample cannot be read.
fn slot_widths<S: Source, R: Read + Send + Sync>(
    source: &S,
    head: &Rows<R>,
    layout: &Layout,
    windows: &[(u64, u64)],
    columns: usize,
) -> Vec<usize> {
    let sample = |&(begin, bytes): &(u64, u64)| -> Result<Vec<usize>> {
        let (mut rows, mut set) = Rows::resume(head, source.at(begin)?.take(bytes), layout)?;
        let mut sink = super::reader::InSet;
        rows.fill_into(&mut set, &mut sink, usize::MAX, bytes, Lines::Drop)?;
        let mut widths = vec![1; columns];
        for (b, column) in widths.iter_mut().zip(set.count_columns()) {
            *b = column.raw().bytes();
        }
        Ok(widths)
    };
    let samples: Result<Vec<Vec<usize>>> = windows.par_iter().map(sample).collect();
    match samples {
        Ok(samples) => (0..columns)
            .map(|c| samples.iter().map(|w| w[c]).max().unwrap_or(1))
            .collect(),
        Err(_) => vec![2; columns],
    }
}

/// The sheets a byte of the data holds, from its first 64 KiB: their lines that are not
/// empty, per byte (the rows a part of the data holds are guessed from its length).
fn sample_rows<S: Source>(source: &S, data_start: u64, len: u64) -> Result<f64> {
    const SAMPLE: u64 = 64 << 10;
    let mut sample = Vec::with_capacity(SAMPLE.min(len - data_start) as usize);
    source
        .at(data_start)?
        .take(SAMPLE)
        .read_to_end(&mut sample)
        .map_err(|e| Error::io(e, source.path()))?;
    let mut rows = 0u64;
    let mut from = 0;
    for end in memchr::memchr_iter(b'\n', &sample) {
        rows += u64::from(end > from);
        from = end + 1;
    }
    // A last line cut short by the sample, or the data's last line without a line end.
    rows += u64::from(sample.len() > from);
    Ok(rows as f64 / sample.len().max(1) as f64)
}

/// The slots for the counts of a part of `bytes` bytes: the sheets it is guessed to hold at
/// `rows_per_byte`, a sixteenth more and 16, and never more than its bytes can hold at
/// `min_row` bytes a row. A part with more sheets writes the rest beside its slots
/// ([`SlotColumn`]); room left over is closed up when the parts are joined.
fn slots_for(bytes: u64, rows_per_byte: f64, min_row: u64) -> usize {
    let guess = (bytes as f64 * rows_per_byte) as u64;
    let guess = guess.saturating_add(guess / 16).saturating_add(16);
    let most = (bytes / min_row.max(1)).saturating_add(1);
    usize::try_from(guess.min(most)).unwrap_or(usize::MAX)
}

/// The slots of each part ([`slots_for`]), or `None` when they pass the sheets a set can hold
/// (`u32::MAX`).
fn rooms(bounds: &[(u64, u64)], rows_per_byte: f64, min_row: u64) -> Option<Vec<usize>> {
    let room: Vec<usize> = bounds
        .iter()
        .map(|&(begin, end)| slots_for(end - begin, rows_per_byte, min_row))
        .collect();
    let total = room.iter().try_fold(0usize, |t, &r| t.checked_add(r))?;
    (u32::try_from(total).is_ok()).then_some(room)
}

/// The parts' reports as one, their lines shifted to the file's (the data starts on line
/// `data_line`; each part's `next_line` is where the next part starts, counted as its lines).
fn join_reports(
    reports: Vec<(ReadReport, u64)>,
    unused_columns: &[String],
    levels: usize,
    data_line: u64,
) -> ReadReport {
    let mut report = ReadReport {
        unused_columns: unused_columns.to_vec(),
        unplaced: vec![0; levels],
        ..ReadReport::default()
    };
    report
        .sheet_lines
        .reserve(reports.iter().map(|(r, _)| r.sheet_lines.len()).sum());
    let mut line = data_line;
    for (part, next_line) in reports {
        let shift = |l: u64| l + line - 1;
        report.rows_read += part.rows_read;
        report.accepted += part.accepted;
        report.blank_lines += part.blank_lines;
        for (a, b) in report.unplaced.iter_mut().zip(&part.unplaced) {
            *a += b;
        }
        report
            .rejected
            .extend(part.rejected.into_iter().map(|mut r| {
                r.line = shift(r.line);
                r
            }));
        report
            .sheet_lines
            .extend(part.sheet_lines.iter().map(|l| shift(*l)));
        line = shift(next_line);
    }
    report
}

impl<R: Read> Rows<QuoteWatch<R>> {
    /// Whether a double quote has passed through the reader.
    fn reader_flag(&self) -> bool {
        self.get_ref().quote
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;
    use crate::Field;
    use crate::io::{RejectReason, read_csv};
    use proptest::prelude::*;

    const LAYOUT: &str = r#"{
        "contest": "law",
        "key": { "parts": [ { "column": "table" } ] },
        "geography": [
            { "level": "state", "code": "state", "name": "state_name", "optional": true },
            { "level": "town", "code": "town" }
        ],
        "fields": { "electors": "electors", "valid": "valid" },
        "candidates": [ { "code": "A", "name": "Ana", "column": "A" } ]
    }"#;

    /// A row of the law's files: a table, its place (codes that often repeat the row before),
    /// a count, and what may be wrong with it.
    fn row() -> impl Strategy<Value = Vec<u8>> {
        (
            0u32..40,
            prop_oneof![Just(""), Just("0"), Just("1")],
            prop_oneof![
                Just(&b"North"[..]),
                Just(&b"South"[..]),
                Just(&b"N\xffrth"[..])
            ],
            prop_oneof![Just(&b""[..]), Just(&b"1"[..]), Just(&b"2"[..])],
            // Counts of one byte, and now and then one at the edge of one byte or two or past
            // it (which a part pushes again, value by value, into a column of its own).
            prop_oneof![
                12 => 0u32..50,
                1 => Just(255),
                1 => Just(256),
                1 => Just(65_535),
                1 => Just(65_536),
                1 => Just(u32::MAX),
            ],
            prop_oneof![
                6 => Just(&b""[..]),
                1 => Just(&b"\n"[..]),
                1 => Just(&b"\n\n"[..]),
                1 => Just(&b" \n"[..]),
                1 => Just(&b"\r"[..]),
                1 => Just(&b"\xEF\xBB\xBF"[..]),
            ],
        )
            .prop_map(|(table, state, name, town, a, extra)| {
                let mut r = Vec::new();
                if extra == b"\xEF\xBB\xBF" {
                    r.extend_from_slice(extra);
                }
                r.extend_from_slice(format!("{table},{state},").as_bytes());
                r.extend_from_slice(name);
                r.push(b',');
                r.extend_from_slice(town);
                r.extend_from_slice(format!(",100,{a},{a}").as_bytes());
                if extra == b"\r" {
                    r.push(b'\r');
                }
                r.push(b'\n');
                if extra.starts_with(b"\n") || extra.starts_with(b" ") {
                    r.extend_from_slice(extra);
                }
                r
            })
    }

    fn file(rows: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = b"table,state,state_name,town,electors,valid,A\n".to_vec();
        for r in rows {
            bytes.extend_from_slice(r);
        }
        bytes
    }

    fn same(
        bytes: &[u8],
        layout: &Layout,
        cuts: Vec<u64>,
    ) -> std::result::Result<(), TestCaseError> {
        let one = read_csv(bytes, layout).unwrap();
        let Some(par) = read_cut(bytes, layout, move |_| cuts.clone()).unwrap() else {
            // Only a file with no data row, or a part that starts with a byte-order mark, is
            // left to the one-core reader.
            let bom = bytes.windows(4).any(|w| w == b"\n\xEF\xBB\xBF");
            prop_assert!(one.report.rows_read == 0 || bom);
            return Ok(());
        };
        prop_assert_eq!(&par.report, &one.report);
        prop_assert!(par.set == one.set);
        // The same places in the same order, each once (the sets' `==` compares places by
        // their codes and names, which a place added twice would pass).
        prop_assert!(par.set.geography() == one.set.geography());
        Ok(())
    }

    /// `bytes` read in `parts` parts of about the same length.
    fn in_parts(bytes: &[u8], layout: &Layout, parts: u64) -> ReadOutcome {
        let len = bytes.len() as u64;
        let cuts: Vec<u64> = (1..parts).map(|p| p * len / parts).collect();
        read_cut(bytes, layout, move |_| cuts.clone())
            .unwrap()
            .expect("read in parts")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// The law: the file read in parts equals the file read on one core, with the parts cut
        /// at every byte of the data.
        #[test]
        fn parts_read_as_one(rows in proptest::collection::vec(row(), 1..14)) {
            let layout = Layout::from_json(LAYOUT).unwrap();
            let bytes = file(&rows);
            let len = bytes.len() as u64;
            for at in 0..=len {
                same(&bytes, &layout, vec![at])?;
            }
            // And many parts at once, down to one byte each.
            same(&bytes, &layout, (0..=len).collect())?;
            same(&bytes, &layout, (0..=len).step_by(3).collect())?;
        }
    }

    /// Regression: a part boundary on a row after an empty line read that row twice.
    #[test]
    fn a_cut_after_an_empty_line_reads_the_row_once() {
        let layout = Layout::from_json(LAYOUT).unwrap();
        let bytes = b"table,state,state_name,town,electors,valid,A\n1,0,North,1,100,5,5\n\n2,0,North,1,100,5,5\n";
        let row2 = bytes.windows(2).position(|w| w == b"\n2").unwrap() as u64 + 1;
        let par = read_cut(&bytes[..], &layout, |_| vec![row2])
            .unwrap()
            .unwrap();
        assert_eq!(par.report.rows_read, 2);
        assert!(par.report.repeats.is_empty());
    }

    /// A run of empty lines longer than the window the boundary search reads back at a time.
    #[test]
    fn a_cut_in_a_long_run_of_empty_lines() {
        let layout = Layout::from_json(LAYOUT).unwrap();
        let mut bytes =
            b"table,state,state_name,town,electors,valid,A\n1,0,North,1,100,5,5\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'\n', 10_000));
        bytes.extend_from_slice(b"2,0,North,1,100,5,5\n");
        let len = bytes.len() as u64;
        for at in [
            60,
            70,
            4_000,
            4_200,
            8_300,
            len - 21,
            len - 20,
            len - 19,
            len,
        ] {
            same(&bytes, &layout, vec![at]).unwrap();
            let par = read_cut(&bytes[..], &layout, |_| vec![at])
                .unwrap()
                .unwrap();
            assert_eq!(par.report.rows_read, 2, "cut at {at}");
        }
    }

    /// Parts whose rows are shorter than those the slots were guessed from (the first 64 KiB)
    /// have more sheets than slots: the rest of their counts go beside them, and the column is
    /// joined as the one-core read has it, with absent counts and rejected rows on either side
    /// of every slot boundary. And parts whose rows are longer leave room, closed up.
    #[test]
    fn parts_with_more_sheets_than_slots_read_as_one() {
        let layout = Layout::from_json(LAYOUT).unwrap();
        let long = "North".repeat(40);
        for (first, then) in [(&long[..], "N"), ("N", &long[..])] {
            let mut bytes = b"table,state,state_name,town,electors,valid,A\n".to_vec();
            for t in 0..3_000u32 {
                let name = if t < 700 { first } else { then };
                // An absent count; a row rejected after its counts (no table) and one
                // rejected in them (a count that is no number).
                let valid = if t % 7 == 3 {
                    String::new()
                } else {
                    (t % 50).to_string()
                };
                let table = if t % 11 == 5 {
                    String::new()
                } else {
                    t.to_string()
                };
                let a = if t % 13 == 4 {
                    "z".to_owned()
                } else {
                    valid.clone()
                };
                bytes.extend_from_slice(
                    format!("{table},1,{name},{},100,{valid},{a}\n", t / 100).as_bytes(),
                );
            }
            let len = bytes.len() as u64;
            for parts in [2, 3, 5, 8] {
                let cuts: Vec<u64> = (1..parts).map(|k| k * len / parts).collect();
                same(&bytes, &layout, cuts).unwrap();
            }
            let one = read_csv(&bytes[..], &layout).unwrap();
            assert_eq!(one.report.rows_read, 3_000);
            let reasons = |f: fn(&RejectReason) -> bool| {
                one.report.rejected.iter().filter(|r| f(&r.reason)).count()
            };
            let rows = |f: fn(u32) -> bool| (0..3_000u32).filter(|&t| f(t)).count();
            assert_eq!(
                reasons(|r| matches!(r, RejectReason::EmptyKey)),
                rows(|t| t % 11 == 5 && t % 13 != 4)
            );
            assert_eq!(
                reasons(|r| matches!(r, RejectReason::NotACount)),
                rows(|t| t % 13 == 4)
            );
        }
    }

    /// Counts past two bytes: the parts that meet one push its row again, value by value, into
    /// a column of their own, four bytes a value; the others keep their slots. Joined, every count is the one-core
    /// read's, at 65,535 and 65,536 and `u32::MAX`, in the first part, the last, or a middle
    /// one, and in a row rejected after its counts (whose values are dropped again).
    #[test]
    fn counts_past_two_bytes_read_alike_on_every_core() {
        let layout = Layout::from_json(LAYOUT).unwrap();
        let big = [(10, 65_535u32), (1_500, 65_536), (2_990, u32::MAX)];
        for (k, &(at, value)) in big.iter().enumerate() {
            let mut bytes = b"table,state,state_name,town,electors,valid,A
"
            .to_vec();
            for t in 0..3_000u32 {
                let valid = if t == at { value } else { t % 50 };
                // A row rejected after its counts (no table), with a count past two bytes.
                let table = if t == 700 {
                    String::new()
                } else {
                    t.to_string()
                };
                let a = if t == 700 { 70_000 } else { valid };
                let electors = if k == 2 && t == 20 { 65_536 } else { 100 };
                bytes.extend_from_slice(
                    format!(
                        "{table},1,N,{},{electors},{valid},{a}
",
                        t / 100
                    )
                    .as_bytes(),
                );
            }
            let one = read_csv(&bytes[..], &layout).unwrap();
            assert_eq!(one.report.accepted, 2_999);
            let sheet = |t: u32| if t < 700 { t } else { t - 1 } as usize;
            let (valid, a) = (
                one.set.column(Field::Valid).unwrap(),
                one.set.column(Field::Line(0)).unwrap(),
            );
            assert_eq!(valid.get(sheet(at)), Some(value));
            assert_eq!(a.get(sheet(at)), Some(value));
            assert_eq!(valid.get(sheet(at) + 1), Some((at + 1) % 50));
            // Wide from the value past two bytes on (the line from the rejected row's).
            assert_eq!(valid.is_wide(), value > 65_535, "{value}");
            assert!(a.is_wide());
            let electors = one.set.column(Field::Electors).unwrap();
            assert_eq!(electors.is_wide(), k == 2);
            for parts in [2, 3, 5, 8] {
                let par = in_parts(&bytes, &layout, parts);
                assert_eq!(par.report, one.report, "{value} in {parts} parts");
                assert!(par.set == one.set, "{value} in {parts} parts");
                for f in [Field::Electors, Field::Valid, Field::Line(0)] {
                    let (p, o) = (par.set.column(f).unwrap(), one.set.column(f).unwrap());
                    assert!(p == o, "{f:?}: {value} in {parts} parts");
                    assert_eq!(p.raw().at(sheet(at)), o.raw().at(sheet(at)));
                }
            }
        }
    }

    /// Counts past one byte. A column whose values where the parts start are all below 256
    /// is written into slots of one byte; a part that meets 256 further on (past its first
    /// 16 KiB) keeps that column's values in a column of its own, and the joined column is
    /// built anew, two bytes a value. Joined, every count is the one-core read's, with 256 in
    /// the first part's sample, past it, in a middle part, in the last, and in a row rejected
    /// after its counts (which leaves its column two bytes a value, as on one core).
    #[test]
    fn counts_past_one_byte_read_alike_on_every_core() {
        let layout = Layout::from_json(LAYOUT).unwrap();
        const ROWS: u32 = 12_000;
        for at in [3, 5_000, 6_500, ROWS - 2] {
            for rejected in [false, true] {
                let mut bytes = b"table,state,state_name,town,electors,valid,A\n".to_vec();
                for t in 0..ROWS {
                    let valid = if t == at { 256 } else { 255 - t % 50 };
                    // A row rejected after its counts (no table), with a count past one byte.
                    let (table, a) = match t {
                        700 if rejected => (String::new(), 256),
                        _ => (t.to_string(), t % 7),
                    };
                    bytes.extend_from_slice(
                        format!("{table},1,N,{},300,{valid},{a}\n", t / 100).as_bytes(),
                    );
                }
                let one = read_csv(&bytes[..], &layout).unwrap();
                let sheet = |t: u32| (t - u32::from(rejected && t > 700)) as usize;
                let bytes_of = |set: &ActaSet, f: Field| set.column(f).unwrap().value_bytes();
                let valid = one.set.column(Field::Valid).unwrap();
                assert_eq!(valid.get(sheet(at)), Some(256));
                assert_eq!(bytes_of(&one.set, Field::Valid), 2);
                assert_eq!(
                    bytes_of(&one.set, Field::Line(0)),
                    if rejected { 2 } else { 1 }
                );
                assert_eq!(bytes_of(&one.set, Field::Electors), 2);
                for parts in [2, 3, 5] {
                    let par = in_parts(&bytes, &layout, parts);
                    let case = format!("256 at {at} in {parts} parts, rejected {rejected}");
                    assert_eq!(par.report, one.report, "{case}");
                    assert!(par.set == one.set, "{case}");
                    for f in [Field::Electors, Field::Valid, Field::Line(0)] {
                        let (p, o) = (par.set.column(f).unwrap(), one.set.column(f).unwrap());
                        assert!(p == o, "{f:?}: {case}");
                        assert_eq!(p.value_bytes(), o.value_bytes(), "{f:?}: {case}");
                    }
                }
            }
        }
    }

    /// The slots' widths come from the sampled rows: two bytes for a column with a value past
    /// 255 in some window (and only there), one byte for the others (and for the columns the
    /// layout lacks). The windows are the parts' starts and 63 line starts spread over the
    /// data, each within the data.
    #[test]
    fn slot_widths_come_from_the_sampled_rows() {
        let layout = Layout::from_json(LAYOUT).unwrap();
        let mut bytes = b"table,state,state_name,town,electors,valid,A\n".to_vec();
        let data_start = bytes.len() as u64;
        let mut row_at = Vec::new();
        for t in 0..60_000u32 {
            row_at.push(bytes.len() as u64);
            // Electors past 255 on row 20,001 only; valid past 255 on row 30,000 only.
            let electors = if t == 20_001 { 300 } else { 100 };
            let valid = if t == 30_000 { 300 } else { 7 };
            bytes.extend_from_slice(format!("{t},1,N,1,{electors},{valid},1\n").as_bytes());
        }
        let source = &bytes[..];
        let len = bytes.len() as u64;
        let (head, _) = Rows::open(source.at(0).unwrap(), &layout, None).unwrap();
        // Electors, voters, valid, null, blank; the candidate.
        let widths = |windows: &[(u64, u64)]| slot_widths(&source, &head, &layout, windows, 6);
        let window = |row: usize, rows: usize| (row_at[row], row_at[row + rows] - row_at[row]);
        assert_eq!(
            widths(&[window(0, 100), window(20_000, 5)]),
            vec![2, 1, 1, 1, 1, 1]
        );
        assert_eq!(
            widths(&[window(29_000, 999), window(30_001, 10)]),
            vec![1; 6]
        );
        assert_eq!(widths(&[window(29_999, 2)]), vec![1, 1, 2, 1, 1, 1]);
        assert_eq!(widths(&[]), vec![1; 6]);
        // The windows: one at each part's start, then 63 at line starts within the data.
        let bounds = [(data_start, row_at[30_000]), (row_at[30_000], len)];
        let windows = sample_windows(&source, &bounds, data_start, len).unwrap();
        assert!((60..=65).contains(&windows.len()), "{}", windows.len());
        assert!(windows.contains(&(data_start, 16 << 10)));
        assert!(windows.contains(&(row_at[30_000], 16 << 10)));
        for &(begin, n) in &windows {
            assert!(
                row_at.binary_search(&begin).is_ok(),
                "{begin} is a line start"
            );
            assert!((n == 4 << 10 || n == 16 << 10) && begin + n <= len);
        }
        assert!(windows.windows(2).all(|w| w[0].0 < w[1].0));
        // Within a line longer than 64 KiB no window starts; after it, one does.
        let mut long = b"table,state,state_name,town,electors,valid,A\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', 1 << 20));
        long.extend_from_slice(b"\n1,1,N,1,1,1,1\n");
        let long_len = long.len() as u64;
        let source_long = &long[..];
        let windows = sample_windows(
            &source_long,
            &[(data_start, long_len)],
            data_start,
            long_len,
        )
        .unwrap();
        assert_eq!(windows, [(data_start, 16 << 10), (long_len - 14, 14)]);
        // Sampled so, the whole file reads the same on every core as on one.
        let one = read_csv(&bytes[..], &layout).unwrap();
        let par = in_parts(&bytes, &layout, 2);
        assert!(par.set == one.set);
    }

    /// Image references, which a set keeps only once a sheet has one: each part's are taken
    /// whole when the parts are joined, with the sheets before them given none, whether the
    /// first reference is in the first part, a middle one or the last, and whatever the parts
    /// before it had.
    #[test]
    fn image_references_read_alike_on_every_core() {
        let layout = Layout::from_json(&LAYOUT.replace(
            r#""contest": "law","#,
            r#""contest": "law", "image": "img","#,
        ))
        .unwrap();
        for (from, to) in [
            (0, 3_000),
            (0, 10),
            (1_400, 1_600),
            (2_990, 3_000),
            (2_000, 2_001),
        ] {
            let mut bytes = b"table,state,state_name,town,electors,valid,A,img\n".to_vec();
            for t in 0..3_000u32 {
                let img = if (from..to).contains(&t) && t % 3 != 1 {
                    format!("scan/{t}.jpg")
                } else {
                    String::new()
                };
                bytes.extend_from_slice(format!("{t},1,N,{},100,5,5,{img}\n", t / 100).as_bytes());
            }
            let one = read_csv(&bytes[..], &layout).unwrap();
            let with_image = (0..3_000).filter(|&i| one.set.image(i).is_some()).count();
            assert_eq!(with_image, (from..to).filter(|t| t % 3 != 1).count());
            assert_eq!(
                one.set.image(from as usize),
                Some(format!("scan/{from}.jpg").as_str())
            );
            for parts in [2, 3, 5, 8] {
                let par = in_parts(&bytes, &layout, parts);
                assert!(par.set == one.set, "{from}..{to} in {parts} parts");
                for i in (0..3_000)
                    .step_by(7)
                    .chain([from as usize, to as usize - 1])
                {
                    assert_eq!(
                        par.set.image(i),
                        one.set.image(i),
                        "{from}..{to}, {parts}: {i}"
                    );
                }
            }
        }
    }

    /// A quoted cell may hold a line end, where a part may start: a part that sees a quote
    /// sends the file to the one-core reader, and every cut reads as the one-core read does.
    #[test]
    fn a_quote_in_the_data_is_read_on_one_core() {
        let layout = Layout::from_json(LAYOUT).unwrap();
        let bytes = b"table,state,state_name,town,electors,valid,A\n1,0,North,1,100,5,5\n2,0,\"So\nuth\",1,100,5,5\n3,0,North,1,100,5,5\n";
        let one = read_csv(&bytes[..], &layout).unwrap();
        assert_eq!((one.report.rows_read, one.report.accepted), (3, 3));
        let inside = bytes.windows(3).position(|w| w == b"So\n").unwrap() as u64 + 3;
        for at in 0..=bytes.len() as u64 {
            if let Some(par) = read_cut(&bytes[..], &layout, |_| vec![at]).unwrap() {
                assert_eq!(par.report, one.report, "cut at {at}");
                assert!(par.set == one.set, "cut at {at}");
            }
        }
        // Cut where the quoted cell's second line starts: the part after it sees the quote.
        assert!(
            read_cut(&bytes[..], &layout, |_| vec![inside])
                .unwrap()
                .is_none()
        );
    }

    /// The slots never pass what the bytes can hold, whatever the sample said, nor the sheets a
    /// set holds.
    #[test]
    fn slots_are_bounded_by_the_bytes() {
        for (bytes, rate, min_row) in [
            (0u64, 0.0, 7u64),
            (1, 1.0, 7),
            (1_000, 0.0, 7),
            (1_000, 0.01, 7),
            (1_000, 1.0, 7),
            (1_000, f64::INFINITY, 7),
            (1_000, f64::NAN, 7),
            (u64::MAX, 1.0, 1),
        ] {
            let room = slots_for(bytes, rate, min_row) as u64;
            let most = (bytes / min_row).saturating_add(1);
            assert!(room <= most, "{bytes} {rate} {min_row}: {room}");
        }
        // 10 rows guessed, a sixteenth more (0) and 16.
        assert_eq!(slots_for(1_000, 0.01, 7), 26);
        assert_eq!(slots_for(100_000, 0.01, 7), 1_000 + 62 + 16);
        assert_eq!(
            rooms(&[(0, 1_000), (1_000, 2_000)], 0.01, 7),
            Some(vec![26, 26])
        );
        assert_eq!(rooms(&[(0, 1 << 40), (1 << 40, 1 << 41)], 0.01, 1), None);
    }

    /// Regression: a quoted header sent the whole file to the one-core reader.
    #[test]
    fn a_quoted_header_is_read_in_parts() {
        let layout = Layout::from_json(LAYOUT).unwrap();
        let bytes = b"\"table\",state,state_name,town,electors,valid,A\n1,0,North,1,100,5,5\n2,0,North,1,100,5,5\n";
        let par = read_cut(&bytes[..], &layout, |d| vec![d + 5]).unwrap();
        assert!(par.is_some_and(|p| p.report.accepted == 2));
    }
}
