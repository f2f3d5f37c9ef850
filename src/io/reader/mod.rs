// About 600 lines with its unit tests (482 of code); the parts are in the files named below.
//! Reading tally sheets from CSV through a [`Layout`].
//!
//! In files: this one holds the entry points and the bulk reading (`Rows`, the parts of a sheet);
//! `report` what a read returns (the report of every row); `plan` a layout resolved against a
//! header; `row` the parsing of one row into the set; `limit` the CSV parser's setup, the record
//! limit and line numbers.

mod limit;
mod places;
mod plan;
mod report;
mod row;
pub(crate) mod split;

pub(crate) use limit::{RecordLimit, csv_error, record_line};
pub use report::{
    InputSummary, ReadOutcome, ReadReport, RejectReason, RejectedRow, RepeatedRow, TableParts,
};

use crate::error::{Error, ErrorKind, Result};
use crate::io::layout::Layout;
use crate::model::{ActaSet, Field, RepeatKind};
use crate::par::Execution;
use split::{Record, Records};
use std::io::Read;
use std::path::Path;

use limit::*;
use plan::*;
use row::*;
#[cfg(feature = "parallel")]
pub(crate) use row::{InSet, Slots};

/// Reads tally sheets from CSV text, through a layout.
///
/// Streams: one reusable record and row buffers, no allocation per row beyond the set's own
/// growth. Every data row ends as a sheet or a [`RejectedRow`]; a table read twice is kept twice
/// and listed in [`ReadReport::repeats`].
///
/// # Errors
///
/// Only what stops reading altogether: [`ErrorKind::Layout`](crate::ErrorKind::Layout) for an invalid layout,
/// [`ErrorKind::EmptyInput`](crate::ErrorKind::EmptyInput), [`ErrorKind::NoRows`](crate::ErrorKind::NoRows), [`ErrorKind::MissingColumn`](crate::ErrorKind::MissingColumn),
/// [`ErrorKind::AmbiguousColumn`](crate::ErrorKind::AmbiguousColumn), [`ErrorKind::Io`](crate::ErrorKind::Io) and [`ErrorKind::Csv`](crate::ErrorKind::Csv) when the stream fails.
///
/// # Example
///
/// ```
/// use actas::io::{read_csv, Layout};
/// use actas::Field;
///
/// let csv = "table,valid,A,B\n001,10,6,4\n002,7,x,5\n";
/// let layout = Layout::new("mayor", "table")
///     .with_valid("valid")
///     .with_candidate("A", "Ana", "A")
///     .with_candidate("B", "Bo", "B");
///
/// let read = read_csv(csv.as_bytes(), &layout)?;
/// assert_eq!(read.set.len(), 1);
/// assert_eq!(read.set.count(0, Field::Valid), Some(10));
/// assert_eq!(read.report.rejected[0].to_string(), r#"line 3, column A: "x" is not a count"#);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn read_csv<R: Read>(reader: R, layout: &Layout) -> Result<ReadOutcome> {
    read_csv_inner(reader, layout, None, None)
}

/// Reads tally sheets from a CSV file, through a layout.
///
/// # Errors
///
/// As [`read_csv`]; the errors of the file carry its path ([`Error::position`](crate::Error::position)).
///
/// # Example
///
/// ```
/// use actas::io::{read_csv_path, Layout};
///
/// let path = std::env::temp_dir().join(format!("actas-read-{}.csv", std::process::id()));
/// std::fs::write(&path, "table,A\n1,5\n2,6\n")?;
/// let layout = Layout::new("c", "table").with_candidate("A", "Ana", "A");
/// let read = read_csv_path(&path, &layout)?;
/// std::fs::remove_file(&path)?;
/// assert_eq!(read.set.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_path(path: impl AsRef<Path>, layout: &Layout) -> Result<ReadOutcome> {
    read_csv_path_with(path, layout, Execution::default())
}

/// [`read_csv_path`], read as `execution` says: in parts on every core (a large file, with the
/// `parallel` feature), or on the calling thread. The set and the report are the same either way.
///
/// # Errors
///
/// As [`read_csv_path`].
pub fn read_csv_path_with(
    path: impl AsRef<Path>,
    layout: &Layout,
    execution: Execution,
) -> Result<ReadOutcome> {
    let path = path.as_ref();
    read_csv_path_inner(path, layout, execution).map_err(|e| e.in_input(Some(path)))
}

/// Reads tally sheets from CSV bytes in memory (a download, a decompressed file), through a
/// layout, as `execution` says: in parts on every core (large input, with the `parallel`
/// feature), or on the calling thread.
///
/// The set and the report are [`read_csv`]'s on the same bytes. Knowing the length, the reader
/// sizes the set from its first rows instead of doubling its columns as it grows, as
/// [`read_csv_path`] does for a file: less memory at the peak, and faster.
///
/// # Errors
///
/// As [`read_csv`].
///
/// # Example
///
/// ```
/// use actas::io::{read_csv, read_csv_bytes, Layout};
/// use actas::Execution;
///
/// let csv = b"table,valid,A,B\n001,10,6,4\n002,7,x,5\n";
/// let layout = Layout::new("mayor", "table")
///     .with_valid("valid")
///     .with_candidate("A", "Ana", "A")
///     .with_candidate("B", "Bo", "B");
/// let read = read_csv_bytes(csv, &layout, Execution::Parallel)?;
/// assert_eq!(read.set.len(), 1);
/// assert_eq!(read.report.rejected.len(), 1);
/// assert_eq!(read.set, read_csv(&csv[..], &layout)?.set);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn read_csv_bytes(bytes: &[u8], layout: &Layout, execution: Execution) -> Result<ReadOutcome> {
    #[cfg(feature = "parallel")]
    if execution == Execution::Parallel {
        if let Some(out) = super::parallel::read(bytes, layout)? {
            return Ok(out);
        }
    }
    let _ = execution;
    read_csv_inner(bytes, layout, None, Some(bytes.len() as u64))
}

/// How far a read has come, told to [`read_csv_path_with_progress`] as it reads: to draw a
/// progress bar, or to log. Any `Fn(u64) + Sync` closure is one (given the bytes just read).
///
/// Calls come from every thread that reads a part of the file, in any order. The bytes add up
/// to the file's length (after a [`restart`](ReadProgress::restart), from 0 again).
pub trait ReadProgress: Sync {
    /// `bytes` more bytes of the input were read.
    fn advance(&self, bytes: u64);

    /// The input is read again from its start, and what was counted is to be counted again:
    /// a file cut in parts for every core that turns out to hold quoted cells (which may hide a
    /// line end) is read again on one core. Does nothing by default.
    fn restart(&self) {}
}

impl<F: Fn(u64) + Sync> ReadProgress for F {
    fn advance(&self, bytes: u64) {
        self(bytes);
    }
}

/// A reader that tells a [`ReadProgress`] of the bytes read through it, up to `budget` (a part
/// of a file reads on past its end; what it reads there is the next part's to tell).
pub(crate) struct Counting<'p, R> {
    pub(crate) inner: R,
    pub(crate) progress: &'p dyn ReadProgress,
    pub(crate) budget: u64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let told = (n as u64).min(self.budget);
        if told > 0 {
            self.budget -= told;
            self.progress.advance(told);
        }
        Ok(n)
    }
}

/// [`read_csv_path_with`], telling `progress` how many bytes it has read as it goes (from every
/// core that reads a part). The set and the report are those of [`read_csv_path_with`].
///
/// # Errors
///
/// As [`read_csv_path`].
///
/// # Example
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use actas::Execution;
/// use actas::io::{read_csv_path_with_progress, Layout};
///
/// let path = std::env::temp_dir().join(format!("actas-progress-{}.csv", std::process::id()));
/// std::fs::write(&path, "table,A\n1,5\n2,7\n")?;
/// let layout = Layout::new("mayor", "table").with_candidate("A", "Ana", "A");
/// let read_so_far = AtomicU64::new(0);
/// let progress = |bytes: u64| {
///     read_so_far.fetch_add(bytes, Ordering::Relaxed);
/// };
/// let read = read_csv_path_with_progress(&path, &layout, Execution::Parallel, &progress)?;
/// assert_eq!(read.set.len(), 2);
/// assert_eq!(read_so_far.load(Ordering::Relaxed), 16, "every byte of the file");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_path_with_progress(
    path: impl AsRef<Path>,
    layout: &Layout,
    execution: Execution,
    progress: &dyn ReadProgress,
) -> Result<ReadOutcome> {
    let path = path.as_ref();
    read_csv_path_counted(path, layout, execution, progress).map_err(|e| e.in_input(Some(path)))
}

fn read_csv_path_counted(
    path: &Path,
    layout: &Layout,
    execution: Execution,
    progress: &dyn ReadProgress,
) -> Result<ReadOutcome> {
    #[cfg(feature = "parallel")]
    if execution == Execution::Parallel {
        /// Whether any byte was told: a file too small for parts is read on one core without
        /// a restart.
        struct Told<'p> {
            progress: &'p dyn ReadProgress,
            any: std::sync::atomic::AtomicBool,
        }
        impl ReadProgress for Told<'_> {
            fn advance(&self, bytes: u64) {
                self.any.store(true, std::sync::atomic::Ordering::Relaxed);
                self.progress.advance(bytes);
            }
        }
        let told = Told {
            progress,
            any: std::sync::atomic::AtomicBool::new(false),
        };
        let source = super::parallel::Counted {
            source: path,
            progress: &told,
        };
        if let Some(out) = super::parallel::read(source, layout)? {
            return Ok(out);
        }
        if told.any.into_inner() {
            progress.restart();
        }
    }
    let _ = execution;
    let file = std::fs::File::open(path).map_err(|e| Error::io(e, Some(path)))?;
    let len = file.metadata().ok().map(|m| m.len());
    read_csv_inner(
        Counting {
            inner: file,
            progress,
            budget: u64::MAX,
        },
        layout,
        Some(path),
        len,
    )
}

fn read_csv_path_inner(path: &Path, layout: &Layout, execution: Execution) -> Result<ReadOutcome> {
    #[cfg(feature = "parallel")]
    if execution == Execution::Parallel {
        if let Some(out) = super::parallel::read(path, layout)? {
            return Ok(out);
        }
    }
    let _ = execution;
    let file = std::fs::File::open(path).map_err(|e| Error::io(e, Some(path)))?;
    let len = file.metadata().ok().map(|m| m.len());
    // No `BufReader`: the reader has a buffer of its own, filled straight from the file.
    read_csv_inner(file, layout, Some(path), len)
}

/// Reads every row; with the input's length in bytes when it is known (a file), the set is
/// sized for it after a first chunk of rows, instead of doubling its columns as it grows.
fn read_csv_inner<R: Read>(
    reader: R,
    layout: &Layout,
    path: Option<&Path>,
    len: Option<u64>,
) -> Result<ReadOutcome> {
    let (mut rows, mut set) = Rows::open(reader, layout, path)?;
    if let Some(len) = len {
        rows.reserve_for(&mut set, len)?;
    }
    rows.fill(&mut set, usize::MAX, Lines::Keep)?;
    let mut report = rows.finish()?;
    finish_set(&mut set, &mut report, layout.parts.as_ref())?;
    Ok(ReadOutcome { set, report })
}

/// Indexes a set read in bulk, adds up the parts of each table when the layout says rows are
/// parts, lists its repeated tables with both lines in the report, and gives back the room both
/// grew.
pub(crate) fn finish_set(
    set: &mut ActaSet,
    report: &mut ReadReport,
    parts: Option<&super::layout::Parts>,
) -> Result<()> {
    if let Some(parts) = parts {
        sum_parts(set, report, parts)?;
    }
    set.index_pending();
    let found: Vec<RepeatedRow> = set
        .repeats()
        .iter()
        .map(|r| RepeatedRow {
            table: set.table_id(r.sheet).unwrap_or_default().to_owned(),
            first_line: report.sheet_lines.get(r.first).copied().unwrap_or(0),
            line: report.sheet_lines.get(r.sheet).copied().unwrap_or(0),
            kind: r.kind,
        })
        .collect();
    report.repeats.extend(found);
    set.shrink_to_fit();
    report.sheet_lines.shrink_to_fit();
    Ok(())
}

/// Replaces the sheets of `set` by one per table, the sum of its parts ([`Layout::parts`]).
fn sum_parts(
    set: &mut ActaSet,
    report: &mut ReadReport,
    parts: &super::layout::Parts,
) -> Result<()> {
    use std::collections::HashMap;
    let fields: Vec<Field> = Field::STANDARD
        .into_iter()
        .chain((0..set.contest().lines().len()).map(Field::Line))
        .chain((0..set.extra_fields().len()).map(Field::Extra))
        .collect();
    let name_of = |f: Field| match f {
        Field::Line(_) => None,
        Field::Extra(i) => set.extra_fields().get(i).cloned(),
        f => f.standard_name().map(str::to_owned),
    };
    let repeated: Vec<bool> = fields
        .iter()
        .map(|f| name_of(*f).is_some_and(|n| parts.repeat.contains(&n)))
        .collect();
    // Per table, in order of first appearance: the first part's sheet index, the sums, the
    // parts' lines and sheet indices, the repeated fields that disagree.
    struct Table {
        first: usize,
        sums: Vec<Option<u32>>,
        lines: Vec<u64>,
        members: Vec<usize>,
        disagree: Vec<bool>,
    }
    let mut tables: Vec<Table> = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut repeats: Vec<RepeatedRow> = Vec::new();
    let line = |i: usize| report.sheet_lines.get(i).copied().unwrap_or(0);
    for i in 0..set.len() {
        let id = set.table_id(i).unwrap_or_default();
        let values: Vec<Option<u32>> = fields.iter().map(|f| set.count(i, *f)).collect();
        let Some(&t) = by_id.get(id) else {
            by_id.insert(id, tables.len());
            tables.push(Table {
                first: i,
                sums: values,
                lines: vec![line(i)],
                members: vec![i],
                disagree: vec![false; fields.len()],
            });
            continue;
        };
        let table = &mut tables[t];
        // A part equal to another in every count is that sheet read twice.
        if let Some(&same) = table
            .members
            .iter()
            .find(|&&m| fields.iter().all(|f| set.count(m, *f) == set.count(i, *f)))
        {
            repeats.push(RepeatedRow {
                table: id.to_owned(),
                first_line: line(same),
                line: line(i),
                kind: RepeatKind::Identical,
            });
            continue;
        }
        for (k, v) in values.into_iter().enumerate() {
            let sum = &mut table.sums[k];
            *sum = match (*sum, v) {
                _ if table.disagree[k] => None,
                (Some(a), Some(b)) if repeated[k] => {
                    if a == b {
                        Some(a)
                    } else {
                        table.disagree[k] = true;
                        None
                    }
                }
                (Some(a), Some(b)) => Some(
                    a.checked_add(b)
                        .ok_or_else(|| Error::overflow(format!("the parts of table {id}")))?,
                ),
                _ => None,
            };
        }
        table.lines.push(line(i));
        table.members.push(i);
    }
    report.parts = tables
        .iter()
        .filter(|t| t.lines.len() > 1)
        .map(|t| TableParts {
            table: set.table_id(t.first).unwrap_or_default().to_owned(),
            lines: t.lines.clone(),
            disagree: fields
                .iter()
                .zip(&t.disagree)
                .filter(|(_, d)| **d)
                .filter_map(|(f, _)| name_of(*f))
                .collect(),
        })
        .collect();
    let mut sheets = Vec::with_capacity(tables.len());
    for t in &tables {
        let mut sheet = set
            .sheet(t.first)
            .ok_or_else(|| Error::overflow("sheets"))?
            .to_sheet();
        let [electors, voters, valid, null, blank] = std::array::from_fn(|k| t.sums[k]);
        (
            sheet.electors,
            sheet.voters,
            sheet.valid,
            sheet.null,
            sheet.blank,
        ) = (electors, voters, valid, null, blank);
        let lines = set.contest().lines().len();
        sheet.votes = t.sums[5..5 + lines].to_vec();
        sheet.extra = set
            .extra_fields()
            .iter()
            .zip(&t.sums[5 + lines..])
            .filter_map(|(n, v)| v.map(|v| (n.clone(), v)))
            .collect();
        sheets.push(sheet);
    }
    // The sheets' places are handles of this set's geography, which the new set takes over.
    let mut summed = set.emptied();
    for sheet in &sheets {
        summed.push_deferred(sheet)?;
    }
    report.sheet_lines = tables.iter().map(|t| t.lines[0]).collect();
    // The repeats found here come first; those index_pending finds after (none: one sheet per
    // table) would follow.
    report.repeats = repeats;
    *set = summed;
    Ok(())
}

/// Whether the reader keeps the line of every sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    /// In [`ReadReport::sheet_lines`], and repeated tables with both lines.
    Keep,
    /// Not at all (streaming: the set is emptied between chunks).
    Drop,
}

/// A CSV being read through a layout, a chunk of sheets at a time.
pub(crate) struct Rows<R: Read> {
    rdr: Records<R>,
    plan: Plan,
    buf: RowBuf,
    rec: Record,
    report: ReadReport,
    header_line: u64,
    path: Option<std::path::PathBuf>,
}

impl<R: Read> Rows<R> {
    /// Reads the header and resolves the layout; returns the rows and an empty set to fill.
    pub(crate) fn open(reader: R, layout: &Layout, path: Option<&Path>) -> Result<(Self, ActaSet)> {
        layout.validate()?;
        let mut rdr = records(reader, layout);
        let mut header = Record::default();
        let header_line = loop {
            if !rdr.read(&mut header).map_err(|e| io_error(e, path))? {
                return Err(Error::new(ErrorKind::EmptyInput));
            }
            if !is_blank(&header) {
                break header.line();
            }
        };
        let (plan, unused_columns) = Plan::new(layout, &header)?;
        let set = layout.empty_set()?;
        let rows = Rows {
            rdr,
            plan,
            buf: RowBuf::default(),
            rec: Record::default(),
            report: ReadReport {
                unused_columns,
                unplaced: vec![0; layout.geography.len()],
                ..ReadReport::default()
            },
            header_line,
            path: path.map(Path::to_owned),
        };
        Ok((rows, set))
    }

    /// Interns places only down to the first `levels` geography levels; the cells below are
    /// still checked (the stream keeps only the level it totals by).
    pub(crate) fn intern_levels(&mut self, levels: usize) {
        self.plan.intern_levels = levels;
    }

    /// Rows with the resolved layout of `other`, reading `reader` from the start of a line
    /// after the header (for one part of a file read in parallel), and an empty set to fill.
    #[cfg(feature = "parallel")]
    pub(crate) fn resume<S: Read>(
        other: &Rows<S>,
        reader: R,
        layout: &Layout,
    ) -> Result<(Self, ActaSet)> {
        let rdr = records(reader, layout);
        let set = layout.empty_set()?;
        let rows = Rows {
            rdr,
            plan: other.plan.clone(),
            buf: RowBuf::default(),
            rec: Record::default(),
            report: ReadReport {
                unplaced: vec![0; layout.geography.len()],
                ..ReadReport::default()
            },
            header_line: other.header_line,
            path: other.path.clone(),
        };
        Ok((rows, set))
    }

    /// The byte offset and line of the next record, counted from where this reader started.
    pub(crate) fn position(&self) -> (u64, u64) {
        self.rdr.position()
    }

    /// The underlying reader.
    #[cfg(feature = "parallel")]
    pub(crate) fn get_ref(&self) -> &R {
        self.rdr.limit().get_ref()
    }

    /// The number of columns the header names (and every row must have).
    #[cfg(feature = "parallel")]
    pub(crate) fn columns(&self) -> usize {
        self.plan.names.len()
    }

    /// The unused columns the header showed.
    #[cfg(feature = "parallel")]
    pub(crate) fn unused_columns(&self) -> &[String] {
        &self.report.unused_columns
    }

    /// The rows' report so far (a part of a file read in parallel).
    #[cfg(feature = "parallel")]
    pub(crate) fn into_report(self) -> ReadReport {
        self.report
    }

    /// Reads a first chunk of rows into `set` (stopping before byte `len`, counted from where
    /// this reader started, as [`Rows::fill_until`]), then reserves room in it (and for the
    /// lines of its sheets) for the rest of an input that ends at byte `len`, at the bytes a
    /// sheet took in that chunk, and a thirty-second more. Room reserved beyond the sheets is
    /// given back when the set is shrunk after reading.
    pub(crate) fn reserve_for(&mut self, set: &mut ActaSet, len: u64) -> Result<()> {
        self.reserve_into(set, &mut InSet, len)
    }

    /// As [`Rows::reserve_for`], the counts going into `sink` (which are reserved only when
    /// they go into the set).
    pub(crate) fn reserve_into<S: CountSink>(
        &mut self,
        set: &mut ActaSet,
        sink: &mut S,
        len: u64,
    ) -> Result<()> {
        const SAMPLE: usize = 1024;
        let (start, _) = self.position();
        let before = set.len();
        if !self.fill_into(set, sink, SAMPLE, len, Lines::Keep)?.0 {
            return Ok(());
        }
        let (now, _) = self.position();
        let sheets = (set.len() - before) as u64;
        if sheets == 0 || now <= start {
            return Ok(());
        }
        let per_sheet = ((now - start) / sheets).max(1);
        let rest = usize::try_from(len.saturating_sub(now) / per_sheet).unwrap_or(usize::MAX);
        let rest = rest.saturating_add(rest / 32);
        set.reserve_rows(rest, S::IN_SET);
        self.report.sheet_lines.reserve_exact(rest);
        Ok(())
    }

    /// Reads rows into `set` until it has gained `max` sheets or the input ends; returns whether
    /// the input may have more.
    pub(crate) fn fill(&mut self, set: &mut ActaSet, max: usize, lines: Lines) -> Result<bool> {
        self.fill_until(set, max, u64::MAX, lines)
            .map(|(more, _)| more)
    }

    /// As [`Rows::fill`], stopping also before the first record that starts at or after byte
    /// `limit` (counted from where this reader started); returns whether the input may have more
    /// and the line where the next record starts.
    pub(crate) fn fill_until(
        &mut self,
        set: &mut ActaSet,
        max: usize,
        limit: u64,
        lines: Lines,
    ) -> Result<(bool, u64)> {
        self.fill_into(set, &mut InSet, max, limit, lines)
    }

    /// As [`Rows::fill_until`], the counts going into `sink`.
    pub(crate) fn fill_into<S: CountSink>(
        &mut self,
        set: &mut ActaSet,
        sink: &mut S,
        max: usize,
        limit: u64,
        lines: Lines,
    ) -> Result<(bool, u64)> {
        // The places the rows add under new places go into the geography's table at the end,
        // whatever ends the batch.
        let levels = self.plan.geo.len();
        self.buf.places.start(set.geography(), levels);
        let read = self.fill_rows(set, sink, max, limit, lines);
        self.buf.places.flush(set.geography_mut());
        read
    }

    /// The rows of [`Rows::fill_into`].
    fn fill_rows<S: CountSink>(
        &mut self,
        set: &mut ActaSet,
        sink: &mut S,
        max: usize,
        limit: u64,
        lines: Lines,
    ) -> Result<(bool, u64)> {
        // Borrow the fields apart, so that the row loop works on locals.
        let Rows {
            rdr,
            plan,
            buf,
            rec,
            report,
            path,
            ..
        } = self;
        let expected = plan.names.len();
        let start = set.len();
        while set.len() - start < max {
            let (byte, next_line) = rdr.position();
            if byte >= limit {
                return Ok((true, next_line));
            }
            if !rdr.read(rec).map_err(|e| io_error(e, path.as_deref()))? {
                return Ok((false, rdr.position().1));
            }
            let line = rec.line();
            if is_blank(rec) {
                report.blank_lines += 1;
                continue;
            }
            report.rows_read += 1;
            if rec.len() != expected {
                report.rejected.push(RejectedRow {
                    line,
                    column: None,
                    raw: None,
                    reason: RejectReason::Ragged {
                        found: rec.len(),
                        expected,
                    },
                });
                continue;
            }
            match plan.row(rec, buf, set, sink) {
                Ok(_) => {
                    report.accepted += 1;
                    for &level in &buf.unplaced {
                        report.unplaced[level] += 1;
                    }
                    if lines == Lines::Keep {
                        report.sheet_lines.push(line);
                    }
                }
                Err(RowError::Stop(e)) => return Err(e.at_line(line)),
                Err(RowError::Reject(Reject { col, reason })) => {
                    let raw = col.map(|c| shorten(cell(rec, c, expected - 1)));
                    report.rejected.push(RejectedRow {
                        line,
                        column: col.map(|c| plan.names[c].clone()),
                        raw,
                        reason,
                    });
                }
            }
        }
        Ok((true, rdr.position().1))
    }

    /// The report of every row read.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoRows`](crate::ErrorKind::NoRows) when no data row was read.
    pub(crate) fn finish(self) -> Result<ReadReport> {
        if self.report.rows_read == 0 {
            return Err(Error::new(ErrorKind::NoRows).at_line(self.header_line));
        }
        Ok(self.report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key of one column as it is takes a short path when its cell is printable ASCII: it
    /// reads every cell as the general path does (the same key padded to no width, which takes
    /// it),
    /// accepting and rejecting the same rows for the same reasons, in both encodings: cells
    /// with spaces, tabs, vertical tabs, DEL, NUL, a line end in quotes, a byte-order mark,
    /// UTF-8 and Latin-1 letters, or nothing.
    #[test]
    fn a_plain_key_reads_as_the_general_path() {
        let cells: [&[u8]; 18] = [
            b"A1",
            b" A1 ",
            b"A 1",
            b"\tA1",
            b"A1\x0B",
            b"\x0BA1",
            b"A\x7F1",
            b"A\x001",
            b"~",
            b" ",
            b"",
            b"\"A\nB\"",
            b"\"q\"\"1\"",
            b"\xC3\x911",
            b"\xD11",
            b"\xEF\xBB\xBFA1",
            b"A1\r",
            b"0-1/2",
        ];
        let mut csv = b"t,A\n".to_vec();
        for (i, cell) in cells.iter().enumerate() {
            csv.extend_from_slice(cell);
            csv.extend_from_slice(format!(",{i}\n").as_bytes());
        }
        use crate::io::Encoding;
        for encoding in [Encoding::Utf8, Encoding::Latin1] {
            let mut plain = Layout::new("c", "t").with_candidate("A", "A", "A");
            plain.encoding = encoding;
            let mut general = plain.clone();
            general.key.parts[0].pad = Some(0);
            let fast = read_csv(&csv[..], &plain).unwrap();
            let slow = read_csv(&csv[..], &general).unwrap();
            assert_eq!(fast.report, slow.report, "{encoding:?}");
            assert!(fast.set == slow.set, "{encoding:?}");
            let ids: Vec<&str> = (0..fast.set.len())
                .filter_map(|i| fast.set.table_id(i))
                .collect();
            assert!(
                ids.contains(&"A 1") && ids.contains(&"~") && ids.contains(&"0-1/2"),
                "{ids:?}"
            );
            let invalid = fast
                .report
                .rejected
                .iter()
                .filter(|r| matches!(r.reason, RejectReason::InvalidTableId { .. }))
                .count();
            assert!(invalid >= 4, "{encoding:?}: {:?}", fast.report.rejected);
        }
        // A key of one column that is padded, cut or numeric is not plain: it is made as before.
        let csv = b"t,A\n007,1\nA1,2\n";
        let base = Layout::new("c", "t").with_candidate("A", "A", "A");
        let ids = |change: fn(&mut crate::io::KeyPart)| {
            let mut layout = base.clone();
            change(&mut layout.key.parts[0]);
            let read = read_csv(&csv[..], &layout).unwrap();
            (0..read.set.len())
                .filter_map(|i| read.set.table_id(i).map(str::to_owned))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(|_| {}), ["007", "A1"]);
        assert_eq!(ids(|k| k.pad = Some(4)), ["0007", "00A1"]);
        assert_eq!(ids(|k| k.start = Some(1)), ["07", "1"]);
        assert_eq!(ids(|k| k.len = Some(1)), ["0", "A"]);
        assert_eq!(ids(|k| k.numeric = true), ["7"]);
    }

    /// Candidates in columns side by side are read in one pass over their cells, others one
    /// cell at a time: the same counts, absences and rejections either way, with the last
    /// column a candidate's and a CRLF line end.
    #[test]
    fn candidates_side_by_side_or_apart_read_alike() {
        use crate::model::Field;
        let layout = |order: &[&str]| {
            order
                .iter()
                .fold(Layout::new("c", "t"), |l, &c| l.with_candidate(c, c, c))
        };
        let rows = "1,7,x,3,12\r\n2,,y,0,5\r\n3,4,z,1,x1\r\n4,-2,w,1,1\r\n5,0,v, 9 ,\r\n";
        // A, then B and C side by side (the run), then apart (a text column between), then
        // side by side in another order.
        let together = format!("t,A,note,B,C\r\n{rows}");
        let read = |csv: &str, order: &[&str]| read_csv(csv.as_bytes(), &layout(order)).unwrap();
        let runs = read(&together, &["B", "C"]);
        let apart = read(&together, &["A", "B", "C"]);
        let reversed = read(&together, &["C", "B"]);
        let rejected = |r: &ReadOutcome| -> Vec<(u64, Option<String>)> {
            r.report
                .rejected
                .iter()
                .map(|x| (x.line, x.column.clone()))
                .collect()
        };
        let votes = |r: &ReadOutcome, k: usize| -> Vec<Option<u32>> {
            (0..r.set.len())
                .map(|i| r.set.count(i, Field::Line(k)))
                .collect()
        };
        // Line 4's last count is no count; line 5's A is negative (read only with A).
        let c_bad = || (4, Some("C".to_owned()));
        assert_eq!(rejected(&runs), [c_bad()]);
        assert_eq!(rejected(&reversed), [c_bad()]);
        assert_eq!(rejected(&apart), [c_bad(), (5, Some("A".to_owned()))]);
        assert_eq!(votes(&runs, 0), [Some(3), Some(0), Some(1), Some(9)]);
        assert_eq!(votes(&runs, 1), [Some(12), Some(5), Some(1), None]);
        assert_eq!(votes(&reversed, 0), votes(&runs, 1));
        assert_eq!(votes(&reversed, 1), votes(&runs, 0));
        assert_eq!(votes(&apart, 0), [Some(7), None, Some(0)]);
        assert_eq!(votes(&apart, 1), [Some(3), Some(0), Some(9)]);
        assert_eq!(votes(&apart, 2), [Some(12), Some(5), None]);
    }

    #[test]
    fn count_cells() {
        assert_eq!(parse_count(b" 12 "), Ok(Some(12)));
        assert_eq!(parse_count(b""), Ok(None));
        assert_eq!(parse_count(b"  "), Ok(None));
        assert_eq!(parse_count(b"4294967295"), Ok(Some(u32::MAX)));
        assert_eq!(parse_count(b"4294967296"), Err(CountError::TooLarge));
        assert_eq!(
            parse_count(b"99999999999999999999999"),
            Err(CountError::TooLarge)
        );
        assert_eq!(parse_count(b"-3"), Err(CountError::Negative));
        assert_eq!(parse_count(b"-0"), Err(CountError::NotACount));
        assert_eq!(parse_count(b"-"), Err(CountError::NotACount));
        assert_eq!(parse_count(b"12a"), Err(CountError::NotACount));
        assert_eq!(parse_count(b"1.0"), Err(CountError::NotACount));
        assert_eq!(parse_count(b"+1"), Err(CountError::NotACount));
        assert_eq!(parse_count(b"999999999"), Ok(Some(999_999_999)));
        assert_eq!(parse_count(b"0000000000012"), Ok(Some(12)));
        assert_eq!(parse_count(b"12/"), Err(CountError::NotACount));
        assert_eq!(parse_count(b":12"), Err(CountError::NotACount));
    }

    /// `same_bytes` is `==`, on the empty slices it keeps from `memcmp` too: dangling (an empty
    /// `Vec` and `&[]`) and on the heap.
    #[test]
    fn same_bytes_is_slice_equality() {
        let dangling: Vec<u8> = Vec::new();
        let heap: Vec<u8> = Vec::with_capacity(4);
        let cases: [(&[u8], &[u8]); 8] = [
            (&dangling, &[]),
            (&heap, &dangling),
            (&[], b"a"),
            (b"a", &[]),
            (b"Region 1", b"Region 1"),
            (b"Region 1", b"Region 2"),
            (b"Region", b"Region 1"),
            (b"\xFF\x00", b"\xFF\x00"),
        ];
        for (a, b) in cases {
            assert_eq!(row::same_bytes(a, b), a == b, "{a:?} {b:?}");
        }
    }

    proptest::proptest! {
        /// `same_bytes` is `==` at every length around its word paths (0 to 40 bytes): on
        /// equal slices, and on slices that differ in one byte anywhere.
        #[test]
        fn same_bytes_is_equality_at_every_length(
            a in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            at in proptest::num::usize::ANY,
            flip in 1u8..=255,
        ) {
            let mut heap = Vec::with_capacity(a.len() + 1);
            heap.extend_from_slice(&a);
            proptest::prop_assert!(row::same_bytes(&a, &heap));
            if !a.is_empty() {
                let k = at % a.len();
                heap[k] ^= flip;
                proptest::prop_assert!(!row::same_bytes(&a, &heap), "differs at {}", k);
                proptest::prop_assert!(!row::same_bytes(&heap, &a));
            }
            // One byte shorter is not equal, whatever the bytes.
            proptest::prop_assert!(a.is_empty() || !row::same_bytes(&a, &a[..a.len() - 1]));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// The one-pass path for short cells of digits answers as the full parser does, on
        /// cells of digits and of the bytes next to them (`/` and `:`), signs and spaces.
        #[test]
        fn the_fast_count_path_equals_the_full_parser(
            cell in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => b'0'..=b'9',
                    1 => proptest::sample::select(vec![b'/', b':', b' ', b'-', b'+', b'\t', 0xFF]),
                ],
                0..13,
            )
        ) {
            proptest::prop_assert_eq!(parse_count(&cell), parse_count_slow(&cell));
        }
    }

    /// Reads `input` through a [`RecordLimit`] of `max` bytes in reads of `step` bytes; the line
    /// of the record that broke the limit, if one did.
    fn limit(input: &[u8], max: usize, step: usize) -> Option<u64> {
        let mut r = RecordLimit::new(input, max, b',');
        let mut buf = vec![0; step];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    let t = e
                        .get_ref()
                        .and_then(|i| i.downcast_ref::<RecordTooLong>())
                        .unwrap();
                    return Some(t.line);
                }
            }
        }
    }

    #[test]
    fn records_are_limited_where_the_parser_would_grow() {
        let short = "a,b,c\n".repeat(50);
        for step in [1, 2, 3, 7, 4096] {
            assert_eq!(limit(short.as_bytes(), 5, step), None, "step {step}");
            assert_eq!(limit(short.as_bytes(), 4, step), Some(1), "step {step}");
            // No line end at all (a file of zeros).
            assert_eq!(
                limit(&[0u8; 100], 50, step),
                None.or(Some(1)),
                "step {step}"
            );
            // The third line is too long.
            let third = format!("a\nb\n{}\nc\n", "x".repeat(60));
            assert_eq!(limit(third.as_bytes(), 50, step), Some(3), "step {step}");
            // A quoted cell holding many short lines is one record, from line 2.
            let quoted = format!("h\nx,\"{}\"\ny\n", "ab\n".repeat(30));
            assert_eq!(limit(quoted.as_bytes(), 50, step), Some(2), "step {step}");
            assert_eq!(limit(quoted.as_bytes(), 200, step), None, "step {step}");
            // A quote inside an unquoted cell is a character: the lines after it stay short.
            let stray = format!("12\",3\n{}", "a,b\n".repeat(40));
            assert_eq!(limit(stray.as_bytes(), 10, step), None, "step {step}");
            // Escaped quotes inside a quoted cell keep it open; after it, lines are short.
            let escaped = format!("\"a\"\"b\nc\",d\n{}", "a,b\n".repeat(40));
            assert_eq!(limit(escaped.as_bytes(), 12, step), None, "step {step}");
            assert_eq!(limit(escaped.as_bytes(), 9, step), Some(1), "step {step}");
        }
    }

    proptest::proptest! {
        /// The limit does not depend on how the input is cut into reads (the block path and
        /// the byte path agree).
        #[test]
        fn the_limit_does_not_depend_on_the_reads(
            input in proptest::collection::vec(proptest::sample::select(vec![b'a', b',', b'"', b'\n']), 0..200),
            max in 1usize..40,
            step in 1usize..64,
        ) {
            let whole = limit(&input, max, 4096);
            proptest::prop_assert_eq!(limit(&input, max, step), whole);
            proptest::prop_assert_eq!(limit(&input, max, 1), whole);
            // With a limit as long as the input, nothing is refused.
            proptest::prop_assert_eq!(limit(&input, input.len().max(1), step), None);
        }
    }

    /// Regression: a file without line ends grew the parser's buffers until the process
    /// aborted (a 2 GB sparse file took 10.5 GB before failing on its header).
    #[test]
    fn a_file_of_zeros_stops_at_the_limit() {
        let layout = Layout::new("c", "t").with_candidate("A", "A", "A");
        let zeros = std::io::repeat(0).take(64 << 20);
        let err = read_csv(zeros, &layout).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: a record longer than 1048576 bytes (a file without line ends? raise the layout's max_record_bytes if the rows are really this long)"
        );
        let mut small = layout.clone();
        small.max_record_bytes = 10;
        let err = read_csv(&b"t,A\n1,2\n3,12345678901\n"[..], &small).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::RecordTooLong { limit: 10 })
                && err.position().and_then(crate::error::Position::line) == Some(3),
            "{err}"
        );
    }

    /// A row rejected at any step (a count, a sum, the key, the place, the image) leaves no
    /// trace in the set: its counts, pushed straight into the columns as they are read, are
    /// taken out again. The set equals the one read from the accepted rows alone, down to the
    /// stored absent bits, wherever in a 64-sheet word the rejected rows fall.
    #[test]
    fn a_rejected_row_leaves_no_trace() {
        use crate::io::layout::{GeoLevel, Source};
        let layout = Layout::new("c", "t")
            .with_level(GeoLevel::new("region", "r").with_name("rn"))
            .with_level(GeoLevel::new("centre", "c"))
            .with_electors("e")
            .with_valid(Source::sum(["v1", "v2"]))
            .with_candidate("A", "Ana", "A")
            .with_candidate("B", "Bo", "B")
            .with_extra("received", "x")
            .with_image("img");
        let header = "t,r,rn,c,e,v1,v2,A,B,x,img\n";
        let good = |i: usize| {
            let absent = |k: usize| {
                if (i + k) % 5 == 0 {
                    String::new()
                } else {
                    (i % 9 + k).to_string()
                }
            };
            format!(
                "{i},R{},Reg,C{},{},{},{},{},{},{},p{i}.jpg\n",
                i % 3,
                i % 7,
                absent(0),
                absent(1),
                absent(2),
                absent(3),
                absent(4),
                absent(5)
            )
        };
        let bad: [&[u8]; 8] = [
            b"b1,R1,Reg,C1,x,1,1,1,1,1,i\n",          // electors no count
            b"b2,R1,Reg,C1,5,4294967295,1,1,1,1,i\n", // the valid sum too large
            b"b3,R1,Reg,C1,5,1,1,1,-1,1,i\n",         // the last candidate negative
            b"b4,R1,Reg,C1,5,1,1,1,1,z,i\n",          // the further field
            b",R1,Reg,C1,5,1,1,1,1,1,i\n",            // an empty key
            b"b6,,Reg,C1,5,1,1,1,1,1,i\n",            // no region, a centre: a gap
            b"b7,R1,Reg,C1,5,1,1,1,1,1,\xFF\n",       // an image not UTF-8
            b"b8,R1,Reg,\xFF,5,1,1,1,1,1,i\n",        // a centre not UTF-8
        ];
        for every in [1, 2, 3, 64, 65] {
            let (mut with, mut without) = (header.as_bytes().to_vec(), header.as_bytes().to_vec());
            for i in 0..200 {
                let g = good(i);
                with.extend_from_slice(g.as_bytes());
                without.extend_from_slice(g.as_bytes());
                if i % every == 0 {
                    with.extend_from_slice(bad[i % bad.len()]);
                }
            }
            let a = read_csv(&with[..], &layout).unwrap();
            let b = read_csv(&without[..], &layout).unwrap();
            assert_eq!(a.report.accepted, 200);
            assert_eq!(
                a.report.rejected.len(),
                (0..200).filter(|i| i % every == 0).count()
            );
            assert!(a.set == b.set, "a bad row every {every} rows");
            assert_eq!(
                a.set.stored_counts(),
                b.set.stored_counts(),
                "every {every}"
            );
        }
    }

    #[test]
    fn padding() {
        let mut s = String::new();
        push_padded(&mut s, "10113042", Some(9));
        assert_eq!(s, "010113042");
        s.clear();
        push_padded(&mut s, "1234567890", Some(9));
        assert_eq!(s, "1234567890");
    }
}
