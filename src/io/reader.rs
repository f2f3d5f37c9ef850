//! Reading tally sheets from CSV through a [`Layout`].

use std::fmt;
use std::io::Read;
use std::path::Path;

use csv::ByteRecord;

use super::layout::{Encoding, Layout, Source};
use crate::error::{Error, ErrorKind, Result};
use crate::model::set::RawSheet;
use crate::model::{ActaSet, Field, GeoPath, RepeatKind};
use crate::par::Execution;

/// Why a row was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RejectReason {
    /// The cell is not a whole number.
    NotACount,
    /// The cell is a negative number.
    Negative,
    /// The cell is a whole number over `u32::MAX`.
    TooLarge,
    /// A sum of columns (a derived field) is over `u32::MAX`.
    SumTooLarge {
        /// The field being derived.
        field: String,
    },
    /// The row does not have as many cells as the header.
    Ragged {
        /// Cells in the row.
        found: usize,
        /// Cells in the header.
        expected: usize,
    },
    /// The cell is not valid UTF-8 (in a layout declared UTF-8).
    InvalidUtf8 {
        /// The cell read as Latin-1, when that gives only printable characters: the file is
        /// likely Latin-1, and the layout should say so.
        latin1: Option<String>,
    },
    /// A part of the table key is empty.
    EmptyKey,
    /// A part of the table key declared numeric is not digits.
    KeyNotNumeric,
    /// A key part's character range is past the end of the cell.
    KeyTooShort,
    /// The built key is not a valid table id.
    InvalidTableId {
        /// Why.
        reason: String,
    },
    /// A geography code is empty while a lower level has one.
    GeoGap,
    /// The cell starts with a byte-order mark: the file is two files joined, or was edited by
    /// a program that wrote one inside it. Remove the mark (bytes `EF BB BF`) and read again.
    ByteOrderMark,
}

impl RejectReason {
    /// The reason's kind, a stable snake-case name (`not_a_count`, `ragged`, ...), as the JSON
    /// report tags it.
    pub fn kind(&self) -> &'static str {
        match self {
            RejectReason::NotACount => "not_a_count",
            RejectReason::Negative => "negative",
            RejectReason::TooLarge => "too_large",
            RejectReason::SumTooLarge { .. } => "sum_too_large",
            RejectReason::Ragged { .. } => "ragged",
            RejectReason::InvalidUtf8 { .. } => "invalid_utf8",
            RejectReason::EmptyKey => "empty_key",
            RejectReason::KeyNotNumeric => "key_not_numeric",
            RejectReason::KeyTooShort => "key_too_short",
            RejectReason::InvalidTableId { .. } => "invalid_table_id",
            RejectReason::GeoGap => "geo_gap",
            RejectReason::ByteOrderMark => "byte_order_mark",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::NotACount => f.write_str("is not a count"),
            RejectReason::ByteOrderMark => f.write_str(
                "starts with a byte-order mark inside the file (two files joined?): remove it",
            ),
            RejectReason::Negative => f.write_str("is negative"),
            RejectReason::TooLarge => write!(f, "does not fit in a count (at most {})", u32::MAX),
            RejectReason::SumTooLarge { field } => {
                write!(
                    f,
                    "makes {field} larger than a count can be (at most {})",
                    u32::MAX
                )
            }
            RejectReason::Ragged { found, expected } => {
                write!(f, "{found} cells where the header has {expected}")
            }
            RejectReason::InvalidUtf8 { latin1: None } => f.write_str("is not valid UTF-8"),
            RejectReason::InvalidUtf8 { latin1: Some(text) } => write!(
                f,
                "is not valid UTF-8; as Latin-1 it reads {text:?}: if the file is Latin-1, set \"encoding\": \"latin-1\" in the layout"
            ),
            RejectReason::EmptyKey => f.write_str("is empty, and it is part of the table key"),
            RejectReason::KeyNotNumeric => f.write_str(
                "is not a number, and the layout reads this key part as one (\"numeric\": true)",
            ),
            RejectReason::KeyTooShort => f.write_str("is shorter than the key part needs"),
            RejectReason::InvalidTableId { reason } => {
                write!(f, "is not a valid table id: {reason}")
            }
            RejectReason::GeoGap => {
                f.write_str("is empty while a lower geography level has a code")
            }
        }
    }
}

/// A row that did not become a sheet, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RejectedRow {
    /// The line of the file where the row starts (1 is the header).
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// The raw cell (lossily decoded, and cut after 120 characters, with its length said), when
    /// one is at fault.
    pub raw: Option<String>,
    /// Why.
    pub reason: RejectReason,
}

impl fmt::Display for RejectedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        f.write_str(": ")?;
        if let Some(r) = &self.raw {
            write!(f, "{r:?} ")?;
        }
        write!(f, "{}", self.reason)
    }
}

/// A row whose table was already read: kept in the set, listed here with both lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RepeatedRow {
    /// The table id.
    pub table: String,
    /// The line of the table's first row.
    pub first_line: u64,
    /// The line of this row.
    pub line: u64,
    /// Whether its numbers agree with the first row's.
    pub kind: RepeatKind,
}

/// What happened to every row of a CSV.
///
/// Invariant: `rows_read == accepted + rejected.len()`; every accepted row is a sheet of the set,
/// and `sheet_lines[i]` is the line of sheet `i`. Blank lines are not rows; they are counted in
/// `blank_lines`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ReadReport {
    /// Data rows read (the header and blank lines excluded).
    pub rows_read: u64,
    /// Rows that became sheets.
    pub accepted: u64,
    /// Rows that did not, with where and why.
    pub rejected: Vec<RejectedRow>,
    /// Accepted rows whose table had been read before (kept in the set).
    pub repeats: Vec<RepeatedRow>,
    /// Lines holding only white space, skipped (the CSV parser skips empty lines without
    /// yielding them at all; neither is a row).
    pub blank_lines: u64,
    /// Header columns the layout does not use.
    pub unused_columns: Vec<String>,
    /// Per geography level, the accepted sheets that have no place there (an optional level
    /// left empty, or a row whose places stop above it).
    pub unplaced: Vec<u64>,
    /// The line where each sheet's row starts, by sheet index (with [`Layout::parts`], the
    /// line of the table's first part).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub sheet_lines: Vec<u64>,
    /// With [`Layout::parts`], each table read in more than one part: its parts' lines, and the
    /// repeated fields on which they disagree.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub parts: Vec<TableParts>,
}

/// A table whose sheet is the sum of several rows ([`Layout::parts`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct TableParts {
    /// The table id.
    pub table: String,
    /// The lines of the parts added up, in file order.
    pub lines: Vec<u64>,
    /// The repeated fields whose parts disagree (absent on the table).
    pub disagree: Vec<String>,
}

impl fmt::Display for ReadReport {
    /// A one-line summary: rows read, accepted, rejected, repeated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let conflicts = self
            .repeats
            .iter()
            .filter(|r| r.kind == RepeatKind::Conflicting)
            .count();
        use crate::report::thousands;
        write!(
            f,
            "{} rows read: {} accepted, {} rejected; {} repeated tables ({} conflicting)",
            thousands(self.rows_read),
            thousands(self.accepted),
            thousands(self.rejected.len() as u64),
            thousands(self.repeats.len() as u64),
            thousands(conflicts as u64)
        )
    }
}

/// How one input of an audit was read, as the audit report carries it: rows read, accepted
/// and rejected, the rejections counted by reason, and the first of them.
///
/// Invariant: `rows_read == accepted + rejected`; the reasons' counts add up to `rejected`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct InputSummary {
    /// The input's name (its path, as the caller gave it).
    pub name: String,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows that became sheets.
    pub accepted: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Rejections per reason kind ([`RejectReason::kind`]), most frequent first.
    pub reasons: Vec<(String, u64)>,
    /// The first rejections, in file order (at most [`InputSummary::FIRST`]).
    pub first_rejected: Vec<String>,
}

impl InputSummary {
    /// How many rejections a summary lists.
    pub const FIRST: usize = 20;

    /// The summary of reading the input `name`.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::io::{read_csv, InputSummary, Layout};
    ///
    /// let layout = Layout::new("mayor", "table").with_candidate("A", "Ana", "A");
    /// let read = read_csv(&b"table,A\n1,5\n2,x\n3,-1\n"[..], &layout)?;
    /// let summary = InputSummary::new("sheets.csv", &read.report);
    /// assert_eq!((summary.rows_read, summary.accepted, summary.rejected), (3, 1, 2));
    /// assert_eq!(summary.reasons, [("negative".to_owned(), 1), ("not_a_count".to_owned(), 1)]);
    /// assert_eq!(summary.first_rejected[0], r#"line 3, column A: "x" is not a count"#);
    /// # Ok::<(), actas::Error>(())
    /// ```
    pub fn new(name: impl Into<String>, report: &ReadReport) -> Self {
        let mut reasons: Vec<(String, u64)> = Vec::new();
        for r in &report.rejected {
            match reasons.iter_mut().find(|(k, _)| k == r.reason.kind()) {
                Some((_, n)) => *n += 1,
                None => reasons.push((r.reason.kind().to_owned(), 1)),
            }
        }
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        InputSummary {
            name: name.into(),
            rows_read: report.rows_read,
            accepted: report.accepted,
            rejected: report.rejected.len() as u64,
            reasons,
            first_rejected: report
                .rejected
                .iter()
                .take(Self::FIRST)
                .map(ToString::to_string)
                .collect(),
        }
    }
}

/// A set of sheets and the report of how it was read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadOutcome {
    /// The sheets.
    pub set: ActaSet,
    /// What happened to every row.
    pub report: ReadReport,
}

/// A layout resolved against a header: column indices.
#[derive(Clone)]
struct Plan {
    key: Vec<KeyPlan>,
    geo: Vec<GeoPlan>,
    standard: [Option<SourcePlan>; 5],
    lines: Vec<usize>,
    extra: Vec<SourcePlan>,
    image: Option<usize>,
    encoding: Encoding,
    separator: String,
    names: Vec<String>,
    /// The geography levels whose places are interned; the cells of the levels below are
    /// checked as the reader of the whole layout checks them, and their places left out (the
    /// stream keeps only the levels it totals by).
    intern_levels: usize,
}

#[derive(Clone)]
struct KeyPlan {
    col: usize,
    start: Option<usize>,
    len: Option<usize>,
    pad: Option<usize>,
    numeric: bool,
}

#[derive(Clone)]
struct GeoPlan {
    code: usize,
    name: Option<usize>,
    pad: Option<usize>,
    optional: bool,
}

#[derive(Clone)]
enum SourcePlan {
    Column(usize),
    /// The columns added up, and the field's name (for the error when the sum is too large).
    Sum(Vec<usize>, String),
}

impl SourcePlan {
    /// The field's value on the row: the column's count, or the sum of the columns' counts
    /// (absent when any is absent).
    #[inline]
    fn read(&self, rec: &ByteRecord, last: usize) -> std::result::Result<Option<u32>, Reject> {
        match self {
            SourcePlan::Column(c) => count_at(rec, *c, last),
            SourcePlan::Sum(cols, field) => {
                let mut total: Option<u32> = Some(0);
                for &c in cols {
                    match (count_at(rec, c, last)?, total) {
                        (Some(v), Some(t)) => {
                            total = Some(t.checked_add(v).ok_or_else(|| {
                                Reject::at(
                                    c,
                                    RejectReason::SumTooLarge {
                                        field: field.clone(),
                                    },
                                )
                            })?);
                        }
                        _ => total = None,
                    }
                }
                Ok(total)
            }
        }
    }
}

fn decode_header(enc: Encoding, bytes: &[u8]) -> String {
    match enc {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

impl Plan {
    fn new(layout: &Layout, header: &ByteRecord) -> Result<(Plan, Vec<String>)> {
        let names: Vec<String> = header
            .iter()
            .map(|f| {
                decode_header(layout.encoding, strip_cr(f))
                    .trim()
                    .to_owned()
            })
            .collect();
        let mut used = vec![false; names.len()];
        let mut find = |column: &str, role: String| -> Result<usize> {
            let mut hits = names
                .iter()
                .enumerate()
                .filter(|(_, n)| n.as_str() == column);
            let Some((i, _)) = hits.next() else {
                return Err(Error::new(ErrorKind::MissingColumn {
                    column: column.to_owned(),
                    role,
                }));
            };
            if hits.next().is_some() {
                return Err(Error::new(ErrorKind::AmbiguousColumn {
                    column: column.to_owned(),
                }));
            }
            used[i] = true;
            Ok(i)
        };
        let mut key = Vec::new();
        for (i, p) in layout.key.parts.iter().enumerate() {
            key.push(KeyPlan {
                col: find(&p.column, format!("key part {}", i + 1))?,
                start: p.start,
                len: p.len,
                pad: p.pad,
                numeric: p.numeric,
            });
        }
        let mut geo = Vec::new();
        for g in &layout.geography {
            geo.push(GeoPlan {
                code: find(&g.code, format!("the code of level {}", g.level))?,
                name: match &g.name {
                    Some(n) => Some(find(n, format!("the name of level {}", g.level))?),
                    None => None,
                },
                pad: g.pad,
                optional: g.optional,
            });
        }
        let mut resolve = |source: &Source, role: String, name: &str| -> Result<SourcePlan> {
            Ok(match source {
                Source::Column(c) => SourcePlan::Column(find(c, role)?),
                Source::Sum { sum } => SourcePlan::Sum(
                    sum.iter()
                        .map(|c| find(c, role.clone()))
                        .collect::<Result<Vec<_>>>()?,
                    name.to_owned(),
                ),
            })
        };
        let mut standard: [Option<SourcePlan>; 5] = Default::default();
        for (slot, (field, source)) in standard.iter_mut().zip(layout.fields.all()) {
            *slot = match source {
                None => None,
                Some(s) => Some(resolve(s, format!("field {field}"), field)?),
            };
        }
        let extra = layout
            .extra
            .iter()
            .map(|e| resolve(&e.column, format!("further field {}", e.name), &e.name))
            .collect::<Result<Vec<_>>>()?;
        let lines = layout
            .line_columns()
            .into_iter()
            .map(|(role, c)| find(c, role))
            .collect::<Result<Vec<_>>>()?;
        let image = match &layout.image {
            Some(c) => Some(find(c, "the image reference".to_owned())?),
            None => None,
        };
        let unused = names
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(n, _)| n.clone())
            .collect();
        Ok((
            Plan {
                key,
                geo,
                standard,
                lines,
                extra,
                image,
                encoding: layout.encoding,
                separator: layout.key.separator.clone(),
                names,
                intern_levels: usize::MAX,
            },
            unused,
        ))
    }
}

/// Drops the `\r` of a CRLF line end, which the CSV parser leaves on the last cell.
#[inline]
fn strip_cr(cell: &[u8]) -> &[u8] {
    cell.strip_suffix(b"\r").unwrap_or(cell)
}

#[inline]
fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// Why a count cell is not a count: a small copyable error, so that the hot path returns it in
/// registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountError {
    NotACount,
    Negative,
    TooLarge,
}

impl From<CountError> for RejectReason {
    fn from(e: CountError) -> Self {
        match e {
            CountError::NotACount => RejectReason::NotACount,
            CountError::Negative => RejectReason::Negative,
            CountError::TooLarge => RejectReason::TooLarge,
        }
    }
}

/// Parses a count cell: `Ok(None)` when empty (absent).
#[inline]
fn parse_count(cell: &[u8]) -> std::result::Result<Option<u32>, CountError> {
    let cell = trim(cell);
    if cell.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match cell.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, cell),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(CountError::NotACount);
    }
    if negative {
        return Err(if digits.iter().all(|&d| d == b'0') {
            CountError::NotACount
        } else {
            CountError::Negative
        });
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v * 10 + u64::from(d - b'0');
        if v > u64::from(u32::MAX) {
            return Err(CountError::TooLarge);
        }
    }
    Ok(Some(v as u32))
}

/// Decodes a text cell into `buf` when it must be converted, or borrows it.
fn text<'a>(
    enc: Encoding,
    cell: &'a [u8],
    buf: &'a mut String,
) -> std::result::Result<&'a str, RejectReason> {
    if cell.starts_with(BOM) {
        return Err(RejectReason::ByteOrderMark);
    }
    match enc {
        Encoding::Utf8 => std::str::from_utf8(cell).map_err(|_| RejectReason::InvalidUtf8 {
            latin1: as_latin1(cell),
        }),
        Encoding::Latin1 if cell.is_ascii() => {
            std::str::from_utf8(cell).map_err(|_| RejectReason::InvalidUtf8 { latin1: None })
        }
        Encoding::Latin1 => {
            buf.clear();
            buf.extend(cell.iter().map(|&b| char::from(b)));
            Ok(buf.as_str())
        }
    }
}

/// `cell` read as Latin-1, when every character is printable (no C0 or C1 control): a sign
/// that a file declared UTF-8 is Latin-1.
fn as_latin1(cell: &[u8]) -> Option<String> {
    let text: String = cell.iter().map(|&b| char::from(b)).collect();
    (!text.chars().any(char::is_control)).then(|| shorten(text.as_bytes()))
}

/// The longest raw cell a rejection keeps: a longer one is cut, with its length said.
const RAW_CELL_CHARS: usize = 120;

/// A raw cell for a rejection: lossily decoded, and cut after [`RAW_CELL_CHARS`] characters.
fn shorten(cell: &[u8]) -> String {
    let text = String::from_utf8_lossy(cell);
    match text.char_indices().nth(RAW_CELL_CHARS) {
        None => text.into_owned(),
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], cell.len()),
    }
}

/// Appends `s` to `out`, left-padded with zeros to `pad`.
fn push_padded(out: &mut String, s: &str, pad: Option<usize>) {
    if let Some(width) = pad {
        for _ in s.chars().count()..width {
            out.push('0');
        }
    }
    out.push_str(s);
}

/// Reusable buffers for one row.
#[derive(Default)]
struct RowBuf {
    key: String,
    scratch: String,
    code: String,
    name: String,
    votes: Vec<Option<u32>>,
    extra: Vec<Option<u32>>,
    image: String,
    /// The raw code and name cells of the previous row and the places they resolved to, per
    /// level. A place is reused only when both cells are the same bytes, so that every cell is
    /// checked whatever the row before it was.
    prev_codes: Vec<Vec<u8>>,
    prev_names: Vec<Vec<u8>>,
    prev_paths: Vec<Option<GeoPath>>,
    /// The levels the current row has no place at.
    unplaced: Vec<usize>,
}

struct Reject {
    col: Option<usize>,
    reason: RejectReason,
}

impl Reject {
    fn at(col: usize, reason: RejectReason) -> Self {
        Reject {
            col: Some(col),
            reason,
        }
    }
}

/// Why a row did not become a sheet: the row is wrong (a rejection, and reading goes on), or
/// reading cannot go on (a set past its capacity).
enum RowError {
    Reject(Reject),
    Stop(Error),
}

impl From<Reject> for RowError {
    fn from(r: Reject) -> Self {
        RowError::Reject(r)
    }
}

/// A UTF-8 byte-order mark. The CSV parser strips one at the start of the input; anywhere else
/// it rejects the row.
const BOM: &[u8] = b"\xEF\xBB\xBF";

#[inline]
fn count_at(rec: &ByteRecord, col: usize, last: usize) -> std::result::Result<Option<u32>, Reject> {
    let c = cell(rec, col, last);
    match parse_count(c) {
        Ok(v) => Ok(v),
        Err(_) if c.starts_with(BOM) => Err(Reject::at(col, RejectReason::ByteOrderMark)),
        Err(e) => Err(Reject::at(col, e.into())),
    }
}

#[inline]
fn cell(rec: &ByteRecord, col: usize, last: usize) -> &[u8] {
    let c = rec.get(col).unwrap_or(b"");
    if col == last { strip_cr(c) } else { c }
}

impl Plan {
    /// Parses one record into the set, or says why not.
    fn row(
        &self,
        rec: &ByteRecord,
        buf: &mut RowBuf,
        set: &mut ActaSet,
    ) -> std::result::Result<usize, RowError> {
        let last = self.names.len() - 1;
        let enc = self.encoding;

        // Counts first: they are the cells most often wrong, and cost nothing to check.
        let mut standard = [None; 5];
        for (slot, plan) in standard.iter_mut().zip(&self.standard) {
            *slot = match plan {
                None => None,
                Some(p) => p.read(rec, last)?,
            };
        }
        buf.votes.clear();
        for &c in &self.lines {
            buf.votes.push(count_at(rec, c, last)?);
        }
        buf.extra.clear();
        for p in &self.extra {
            buf.extra.push(p.read(rec, last)?);
        }

        // The table key.
        buf.key.clear();
        for (i, part) in self.key.iter().enumerate() {
            let raw = trim(cell(rec, part.col, last));
            let s = text(enc, raw, &mut buf.scratch).map_err(|r| Reject::at(part.col, r))?;
            let s = match (part.start, part.len) {
                (None, None) => s,
                (start, len) => {
                    let start = start.unwrap_or(0);
                    let begin = s.char_indices().nth(start).map(|(b, _)| b);
                    let Some(begin) = begin else {
                        return Err(Reject::at(part.col, RejectReason::KeyTooShort).into());
                    };
                    let rest = &s[begin..];
                    match len {
                        None => rest,
                        Some(n) => match rest.char_indices().nth(n) {
                            Some((end, _)) => &rest[..end],
                            None if rest.chars().count() == n => rest,
                            None => {
                                return Err(Reject::at(part.col, RejectReason::KeyTooShort).into());
                            }
                        },
                    }
                }
            };
            if s.is_empty() {
                return Err(Reject::at(part.col, RejectReason::EmptyKey).into());
            }
            let s = if part.numeric {
                if !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Reject::at(part.col, RejectReason::KeyNotNumeric).into());
                }
                // Canonical: no leading zeros, "0" for zero.
                let t = s.trim_start_matches('0');
                if t.is_empty() { &s[s.len() - 1..] } else { t }
            } else {
                s
            };
            if i > 0 {
                buf.key.push_str(&self.separator);
            }
            push_padded(&mut buf.key, s, part.pad);
        }
        // The place, reusing the previous row's places while the codes repeat. An optional
        // level left empty is no place: the place below belongs to the one above.
        let mut geo: Option<GeoPath> = None;
        let mut reuse = true;
        let mut ended_at: Option<usize> = None;
        buf.unplaced.clear();
        for (level, g) in self.geo.iter().enumerate() {
            let raw = trim(cell(rec, g.code, last));
            if raw.is_empty() {
                buf.unplaced.push(level);
                if !g.optional {
                    ended_at.get_or_insert(level);
                } else if level < self.intern_levels {
                    // Remembered as empty, so that a later row reuses places below only when
                    // it too has no place here.
                    if !(reuse
                        && buf.prev_codes.get(level).is_some_and(Vec::is_empty)
                        && buf.prev_paths[level] == geo)
                    {
                        reuse = false;
                        buf.prev_codes.truncate(level);
                        buf.prev_names.truncate(level);
                        buf.prev_paths.truncate(level);
                        buf.prev_codes.push(Vec::new());
                        buf.prev_names.push(Vec::new());
                        buf.prev_paths.push(geo);
                    }
                }
                continue;
            }
            if let Some(empty) = ended_at {
                return Err(Reject::at(self.geo[empty].code, RejectReason::GeoGap).into());
            }
            if level >= self.intern_levels {
                // Checked as if interned, and left out.
                text(enc, raw, &mut buf.scratch).map_err(|r| Reject::at(g.code, r))?;
                if let Some(n) = g.name {
                    text(enc, trim(cell(rec, n, last)), &mut buf.name)
                        .map_err(|r| Reject::at(n, r))?;
                }
                continue;
            }
            let raw_name = g.name.map(|n| trim(cell(rec, n, last)));
            if reuse
                && buf
                    .prev_codes
                    .get(level)
                    .is_some_and(|p| p.as_slice() == raw)
                && buf.prev_names[level].as_slice() == raw_name.unwrap_or_default()
            {
                geo = buf.prev_paths[level];
                continue;
            }
            reuse = false;
            let code = text(enc, raw, &mut buf.scratch).map_err(|r| Reject::at(g.code, r))?;
            buf.code.clear();
            push_padded(&mut buf.code, code, g.pad);
            let name = match (g.name, raw_name) {
                (Some(n), Some(raw_name)) => {
                    Some(text(enc, raw_name, &mut buf.name).map_err(|r| Reject::at(n, r))?)
                }
                _ => None,
            };
            // The code is not empty (an empty code ended the path above) and the level is
            // below the parent's: the only failure left is a geography past its capacity.
            let path = set
                .geography_mut()
                .intern_at(geo, level, &buf.code, name)
                .map_err(RowError::Stop)?;
            geo = Some(path);
            buf.prev_codes.truncate(level);
            buf.prev_names.truncate(level);
            buf.prev_paths.truncate(level);
            buf.prev_codes.push(raw.to_vec());
            buf.prev_names.push(raw_name.unwrap_or_default().to_vec());
            buf.prev_paths.push(Some(path));
        }
        if let Some(end) = ended_at {
            // The next row must not reuse places below a level this row lacked.
            buf.prev_codes.truncate(end);
            buf.prev_names.truncate(end);
            buf.prev_paths.truncate(end);
        }

        let image = match self.image {
            Some(c) => {
                let raw = trim(cell(rec, c, last));
                let s = text(enc, raw, &mut buf.scratch).map_err(|r| Reject::at(c, r))?;
                buf.image.clear();
                buf.image.push_str(s);
                Some(buf.image.as_str())
            }
            None => None,
        };

        // A key the row built that is no table id is the row's fault; anything else the set
        // refuses (its capacity) stops reading.
        if let Some(reason) = crate::model::table_id_problem(&buf.key) {
            return Err(RowError::Reject(Reject {
                col: self.key.first().map(|k| k.col),
                reason: RejectReason::InvalidTableId {
                    reason: reason.to_owned(),
                },
            }));
        }
        set.push_raw_deferred(&RawSheet {
            id: &buf.key,
            geo,
            standard,
            votes: &buf.votes,
            extra: &buf.extra,
            image,
        })
        .map_err(RowError::Stop)
    }
}

/// Reads tally sheets from CSV text, through a layout.
///
/// Streams: one reusable record and row buffers, no allocation per row beyond the set's own
/// growth. Every data row ends as a sheet or a [`RejectedRow`]; a table read twice is kept twice
/// and listed in [`ReadReport::repeats`].
///
/// # Errors
///
/// Only what stops reading altogether: [`Error::Layout`] for an invalid layout,
/// [`Error::new(ErrorKind::EmptyInput)`], [`Error::NoRows`], [`Error::MissingColumn`],
/// [`Error::AmbiguousColumn`], [`Error::Io`] and [`Error::Csv`] when the stream fails.
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
    read_csv_inner(reader, layout, None)
}

/// Reads tally sheets from a CSV file, through a layout.
///
/// # Errors
///
/// As [`read_csv`]; the errors of the file carry its path ([`Error::position`]).
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

fn read_csv_path_inner(path: &Path, layout: &Layout, execution: Execution) -> Result<ReadOutcome> {
    #[cfg(feature = "parallel")]
    if execution == Execution::Parallel {
        if let Some(out) = super::parallel::read(path, layout)? {
            return Ok(out);
        }
    }
    let _ = execution;
    let file = std::fs::File::open(path).map_err(|e| Error::io(e, Some(path)))?;
    read_csv_inner(
        std::io::BufReader::with_capacity(1 << 16, file),
        layout,
        Some(path),
    )
}

fn read_csv_inner<R: Read>(reader: R, layout: &Layout, path: Option<&Path>) -> Result<ReadOutcome> {
    let (mut rows, mut set) = Rows::open(reader, layout, path)?;
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
    set.index_pending()?;
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
                    if a != b {
                        table.disagree[k] = true;
                        None
                    } else {
                        Some(a)
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
    rdr: csv::Reader<RecordLimit<R>>,
    plan: Plan,
    buf: RowBuf,
    rec: ByteRecord,
    report: ReadReport,
    header_line: u64,
    path: Option<std::path::PathBuf>,
}

impl<R: Read> Rows<R> {
    /// Reads the header and resolves the layout; returns the rows and an empty set to fill.
    pub(crate) fn open(reader: R, layout: &Layout, path: Option<&Path>) -> Result<(Self, ActaSet)> {
        layout.validate()?;
        let mut rdr = csv_reader(reader, layout);
        let mut header = ByteRecord::new();
        let header_line = loop {
            if !rdr
                .read_byte_record(&mut header)
                .map_err(|e| csv_error(e, path))?
            {
                return Err(Error::new(ErrorKind::EmptyInput));
            }
            if !is_blank(&header) {
                break record_line(&header, rdr.position().line(), rdr.get_ref().ends_open());
            }
        };
        let (plan, unused_columns) = Plan::new(layout, &header)?;
        let set = layout.empty_set()?;
        let rows = Rows {
            rdr,
            plan,
            buf: RowBuf::default(),
            rec: ByteRecord::new(),
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
        let rdr = csv_reader(reader, layout);
        let set = layout.empty_set()?;
        let rows = Rows {
            rdr,
            plan: other.plan.clone(),
            buf: RowBuf::default(),
            rec: ByteRecord::new(),
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
    #[cfg(feature = "parallel")]
    pub(crate) fn position(&self) -> (u64, u64) {
        let p = self.rdr.position();
        (p.byte(), p.line())
    }

    /// The underlying reader.
    #[cfg(feature = "parallel")]
    pub(crate) fn get_ref(&self) -> &R {
        self.rdr.get_ref().get_ref()
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
            if rdr.position().byte() >= limit {
                return Ok((true, rdr.position().line()));
            }
            if !rdr
                .read_byte_record(rec)
                .map_err(|e| csv_error(e, path.as_deref()))?
            {
                return Ok((false, rdr.position().line()));
            }
            let line = record_line(rec, rdr.position().line(), rdr.get_ref().ends_open());
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
            match plan.row(rec, buf, set) {
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
        Ok((true, rdr.position().line()))
    }

    /// The report of every row read.
    ///
    /// # Errors
    ///
    /// [`Error::NoRows`] when no data row was read.
    pub(crate) fn finish(self) -> Result<ReadReport> {
        if self.report.rows_read == 0 {
            return Err(Error::new(ErrorKind::NoRows).at_line(self.header_line));
        }
        Ok(self.report)
    }
}

/// The CSV parser as the reader sets it up. Lines end at '\n'; a '\r' before it is stripped
/// from the last cell, so that line numbers stay right for CRLF files. The input goes through a
/// [`RecordLimit`], so that no record grows past the layout's `max_record_bytes`.
fn csv_reader<R: Read>(reader: R, layout: &Layout) -> csv::Reader<RecordLimit<R>> {
    csv::ReaderBuilder::new()
        .delimiter(layout.delimiter as u8)
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(RecordLimit::new(
            reader,
            layout.max_record_bytes,
            layout.delimiter as u8,
        ))
}

/// A reader that fails once a record (a line, or several inside a quoted cell) holds more than
/// `max` bytes: the CSV parser would otherwise grow its buffers without bound on a file with no
/// line ends (`/dev/zero`, a sparse file) or an unclosed quote. It follows the parser's quoting
/// (a quote opens a quoted cell only at the start of a cell; `""` inside one is a quote),
/// looking only at line ends, quotes and delimiters (found with `memchr`).
pub(crate) struct RecordLimit<R> {
    inner: R,
    max: u64,
    delimiter: u8,
    state: Quoting,
    /// Bytes of the current record so far.
    record: u64,
    /// Line ends seen, and the line where the current record starts.
    lines: u64,
    record_line: u64,
    /// The last byte read, and whether the input has ended.
    last: Option<u8>,
    eof: bool,
}

/// Where the parser is, as far as quotes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
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
struct RecordTooLong {
    line: u64,
    max: u64,
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

    fn check(&self) -> std::io::Result<()> {
        if self.record > self.max {
            return Err(std::io::Error::other(RecordTooLong {
                line: self.record_line,
                max: self.max,
            }));
        }
        Ok(())
    }

    /// Follows the quoting over `bytes`, counting the current record's bytes.
    fn scan(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        use Quoting::*;
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
    let reported = rec.position().map_or(1, |p| p.line());
    after
        .saturating_sub(inside + u64::from(!ends_open))
        .max(reported)
}

fn is_blank(rec: &ByteRecord) -> bool {
    rec.len() <= 1 && trim(rec.get(0).unwrap_or(b"")).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

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
                && err.position().and_then(|p| p.line()) == Some(3),
            "{err}"
        );
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
