//! What a read returns: the sheets and the report of every row.

use crate::model::{ActaSet, RepeatKind};
use std::fmt;

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
    /// The line where each sheet's row starts, by sheet index (with [`Layout::parts`](crate::io::Layout::parts), the
    /// line of the table's first part).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub sheet_lines: Vec<u64>,
    /// With [`Layout::parts`](crate::io::Layout::parts), each table read in more than one part: its parts' lines, and the
    /// repeated fields on which they disagree.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub parts: Vec<TableParts>,
}

/// A table whose sheet is the sum of several rows ([`Layout::parts`](crate::io::Layout::parts)).
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
