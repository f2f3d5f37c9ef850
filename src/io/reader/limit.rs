//! The CSV parser's setup, the record limit that bounds its memory, and line numbers.

use crate::error::{Error, ErrorKind};
use crate::io::layout::Layout;
use csv::ByteRecord;
use std::fmt;
use std::io::Read;
use std::path::Path;

use super::row::*;
use super::split::{Record, Records};

/// The records of the input as the reader cuts them. Lines end at '\n'; a '\r' before it is
/// stripped from the last cell, so that line numbers stay right for CRLF files. The input goes
/// through a [`RecordLimit`], so that no record grows past the layout's `max_record_bytes`.
pub(super) fn records<R: Read>(reader: R, layout: &Layout) -> Records<R> {
    let delimiter = layout.delimiter as u8;
    Records::new(
        RecordLimit::new(reader, layout.max_record_bytes, delimiter),
        delimiter,
    )
}

/// An error of the input (among them the record limit's), as the `csv` crate's reader reported
/// it.
pub(super) fn io_error(e: std::io::Error, path: Option<&Path>) -> Error {
    csv_error(csv::Error::from(e), path)
}

/// A reader that fails once a record (a line, or several inside a quoted cell) holds more than
/// `max` bytes: the CSV parser would otherwise grow its buffers without bound on a file with no
/// line ends (`/dev/zero`, a sparse file) or an unclosed quote. It follows the parser's quoting
/// (a quote opens a quoted cell only at the start of a cell; `""` inside one is a quote),
/// looking only at line ends, quotes and delimiters (found with `memchr`).
pub(crate) struct RecordLimit<R> {
    pub(super) inner: R,
    pub(super) max: u64,
    pub(super) delimiter: u8,
    pub(super) state: Quoting,
    /// Bytes of the current record so far.
    pub(super) record: u64,
    /// Line ends seen, and the line where the current record starts.
    pub(super) lines: u64,
    pub(super) record_line: u64,
    /// The last byte read, and whether the input has ended.
    pub(super) last: Option<u8>,
    pub(super) eof: bool,
}

/// Where the parser is, as far as quotes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quoting {
    /// At the start of a cell: a quote opens a quoted cell.
    CellStart,
    /// Inside an unquoted cell: a quote is a character.
    Unquoted,
    /// Inside a quoted cell: line ends and delimiters are characters.
    Quoted,
    /// Just after a quote inside a quoted cell: a second quote is an escaped quote, anything
    /// else ends the quoting.
    QuoteInQuoted,
}

/// The error a [`RecordLimit`] gives, inside an I/O error.
#[derive(Debug)]
pub(super) struct RecordTooLong {
    pub(super) line: u64,
    pub(super) max: u64,
}

impl fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: a record longer than {} bytes",
            self.line, self.max
        )
    }
}

impl std::error::Error for RecordTooLong {}

impl<R> RecordLimit<R> {
    pub(crate) fn new(inner: R, max: usize, delimiter: u8) -> Self {
        RecordLimit {
            inner,
            max: max as u64,
            delimiter,
            state: Quoting::CellStart,
            record: 0,
            lines: 0,
            record_line: 1,
            last: None,
            eof: false,
        }
    }

    /// Whether the input has ended without a line end after its last record.
    pub(crate) fn ends_open(&self) -> bool {
        self.eof && self.last.is_some_and(|b| b != b'\n')
    }

    /// The underlying reader.
    #[cfg(feature = "parallel")]
    pub(crate) fn get_ref(&self) -> &R {
        &self.inner
    }

    pub(super) fn check(&self) -> std::io::Result<()> {
        if self.record > self.max {
            return Err(std::io::Error::other(RecordTooLong {
                line: self.record_line,
                max: self.max,
            }));
        }
        Ok(())
    }

    /// Follows the quoting over `bytes`, counting the current record's bytes.
    pub(super) fn scan(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        use Quoting::{CellStart, QuoteInQuoted, Quoted, Unquoted};
        // The common case, a block without quotes outside a quoted cell, shorter than the limit
        // (so that no line wholly inside it can break it): only its line ends matter.
        let n = bytes.len();
        if matches!(self.state, CellStart | Unquoted)
            && n as u64 <= self.max
            && memchr::memchr(b'"', bytes).is_none()
        {
            match (memchr::memchr(b'\n', bytes), memchr::memrchr(b'\n', bytes)) {
                (Some(first), Some(last)) => {
                    self.record += first as u64;
                    self.check()?;
                    self.lines += memchr::memchr_iter(b'\n', bytes).count() as u64;
                    self.record = (n - last - 1) as u64;
                    self.record_line = self.lines + 1;
                }
                _ => self.record += n as u64,
            }
            self.check()?;
            if let Some(&b) = bytes.last() {
                self.state = if b == b'\n' || b == self.delimiter {
                    CellStart
                } else {
                    Unquoted
                };
            }
            return Ok(());
        }
        let mut plain_from = 0;
        let mut record_from = 0;
        for at in memchr::memchr3_iter(b'\n', b'"', self.delimiter, bytes) {
            // Ordinary bytes before this one start an unquoted cell or end the quoting.
            if at > plain_from && matches!(self.state, CellStart | QuoteInQuoted) {
                self.state = Unquoted;
            }
            plain_from = at + 1;
            self.state = match (bytes[at], self.state) {
                (b'"', CellStart) => Quoted,
                (b'"', Quoted) => QuoteInQuoted,
                (b'"', QuoteInQuoted) => Quoted,
                (b'"', Unquoted) => Unquoted,
                (b'\n', Quoted) => {
                    self.lines += 1;
                    Quoted
                }
                (b'\n', _) => {
                    self.lines += 1;
                    self.record += (at - record_from) as u64;
                    self.check()?;
                    self.record = 0;
                    self.record_line = self.lines + 1;
                    record_from = at + 1;
                    CellStart
                }
                (_, Quoted) => Quoted,
                _ => CellStart,
            };
        }
        if bytes.len() > plain_from && matches!(self.state, CellStart | QuoteInQuoted) {
            self.state = Unquoted;
        }
        self.record += (bytes.len() - record_from) as u64;
        self.check()
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match buf[..n].last() {
            Some(&b) => self.last = Some(b),
            None => self.eof |= !buf.is_empty(),
        }
        self.scan(&buf[..n])?;
        Ok(n)
    }
}

pub(crate) fn csv_error(e: csv::Error, path: Option<&Path>) -> Error {
    let too_long = match e.kind() {
        csv::ErrorKind::Io(source) => source
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<RecordTooLong>())
            .map(|t| (t.line, t.max)),
        _ => None,
    };
    let err = match too_long {
        Some((line, limit)) => Error::new(ErrorKind::RecordTooLong { limit }).at_line(line),
        None => Error::csv(e, None),
    };
    match path {
        Some(p) => err.with_path(p),
        None => err,
    }
}

/// The line a record just read starts on.
///
/// The csv crate gives the first record after blank lines the line of the first blank
/// (BurntSushi/rust-csv#208), while its position after the record is right: the record's line is
/// counted back from there, less the line ends inside its quoted cells and its own line end
/// (absent when the record ended the input, `ends_open`).
pub(crate) fn record_line(rec: &ByteRecord, after: u64, ends_open: bool) -> u64 {
    let inside = memchr::memchr_iter(b'\n', rec.as_slice()).count() as u64;
    let reported = rec.position().map_or(1, csv::Position::line);
    after
        .saturating_sub(inside + u64::from(!ends_open))
        .max(reported)
}

pub(super) fn is_blank(rec: &Record) -> bool {
    rec.len() <= 1 && trim(rec.get(0).unwrap_or(b"")).is_empty()
}
