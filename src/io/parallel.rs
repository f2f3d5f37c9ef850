//! Reading one CSV file on every core: the file is cut at line starts, each part is read into a
//! set of its own, and the sets are appended in order.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use rayon::prelude::*;

use super::layout::Layout;
use super::reader::{Lines, ReadOutcome, ReadReport, Rows};
use crate::error::{Error, Result};
use crate::model::ActaSet;

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
        if !self.quote && buf[..n].contains(&b'"') {
            self.quote = true;
        }
        Ok(n)
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: Some(path.to_owned()),
        source,
    }
}

/// One part read: its sheets, its report (lines counted from its own start), the line where the
/// next part starts (counted the same way), and whether it saw a quote.
struct Part {
    set: ActaSet,
    report: ReadReport,
    next_line: u64,
    quote: bool,
}

/// Reads the file at `path` in parallel, or says `None` when it should be read on one core (a
/// small file, one thread, or quotes in the data).
pub(crate) fn read(path: &Path, layout: &Layout) -> Result<Option<ReadOutcome>> {
    let threads = rayon::current_num_threads();
    let len = std::fs::metadata(path).map_err(io_error(path))?.len();
    if threads < 2 || len < MIN_BYTES {
        return Ok(None);
    }
    // The header, read once: where the data starts, on which line, and the resolved layout.
    let file = File::open(path).map_err(io_error(path))?;
    let (head, _) = Rows::open(
        QuoteWatch {
            inner: file,
            quote: false,
        },
        layout,
        Some(path),
    )?;
    let (data_start, data_line) = head.position();
    let parts = threads * 2;
    let size = (len - data_start).div_ceil(parts as u64).max(1);
    let bounds: Vec<(u64, u64)> = (0..parts as u64)
        .map(|k| {
            (
                data_start + k * size,
                (data_start + (k + 1) * size).min(len),
            )
        })
        .filter(|(a, b)| a < b)
        .collect();

    let read_part = |&(start, end): &(u64, u64)| -> Result<Part> {
        let mut file = File::open(path).map_err(io_error(path))?;
        // A part starts at the first line start at or after `start`: right there if the byte
        // before is a line end, else after the next one.
        let mut begin = start;
        if start > data_start {
            file.seek(SeekFrom::Start(start - 1))
                .map_err(io_error(path))?;
            let mut reader = BufReader::new(&mut file);
            let mut skipped = Vec::new();
            reader
                .read_until(b'\n', &mut skipped)
                .map_err(io_error(path))?;
            begin = start - 1 + skipped.len() as u64;
        }
        file.seek(SeekFrom::Start(begin)).map_err(io_error(path))?;
        let watch = QuoteWatch {
            inner: BufReader::with_capacity(1 << 16, file),
            quote: false,
        };
        let (mut rows, mut set) = Rows::resume(&head, watch, layout)?;
        let limit = end.saturating_sub(begin);
        let (_, next_line) = if begin >= end {
            (false, 1)
        } else {
            rows.fill_until(&mut set, usize::MAX, limit, Lines::Keep)?
        };
        let quote = rows.reader_flag();
        Ok(Part {
            set,
            report: rows.into_report(),
            next_line,
            quote,
        })
    };
    let results: Vec<Result<Part>> = bounds.par_iter().map(read_part).collect();
    let mut parts_read = Vec::with_capacity(results.len());
    for r in results {
        parts_read.push(r?);
    }
    if head.reader_flag() || parts_read.iter().any(|p| p.quote) {
        return Ok(None);
    }

    // Append the parts in order, shifting their lines to the file's.
    let mut report = ReadReport {
        unused_columns: head.unused_columns().to_vec(),
        ..ReadReport::default()
    };
    let mut set: Option<ActaSet> = None;
    let mut line = data_line;
    for part in parts_read {
        let shift = |l: u64| l + line - 1;
        report.rows_read += part.report.rows_read;
        report.accepted += part.report.accepted;
        report.blank_lines += part.report.blank_lines;
        report
            .rejected
            .extend(part.report.rejected.into_iter().map(|mut r| {
                r.line = shift(r.line);
                r
            }));
        report
            .sheet_lines
            .extend(part.report.sheet_lines.iter().map(|l| shift(*l)));
        match &mut set {
            None => set = Some(part.set),
            Some(s) => {
                s.extend_deferred(&part.set)?;
            }
        }
        line = shift(part.next_line);
    }
    let Some(mut set) = set else {
        return Ok(None);
    };
    if report.rows_read == 0 {
        // The one-core reader says so, with the header's line.
        return Ok(None);
    }
    super::reader::finish_set(&mut set, &mut report)?;
    Ok(Some(ReadOutcome { set, report }))
}

impl<R: Read> Rows<QuoteWatch<R>> {
    /// Whether a double quote has passed through the reader.
    fn reader_flag(&self) -> bool {
        self.get_ref().quote
    }
}
