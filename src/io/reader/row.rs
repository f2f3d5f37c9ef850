//! Parsing one row into the set, or saying why not.

use super::split::Record;
use crate::error::Error;
use crate::io::layout::Encoding;
use crate::model::column::PushCount;
use crate::model::set::RowColumns;
use crate::model::{ActaSet, GeoPath};

use super::plan::*;
use super::report::*;

/// Drops the `\r` of a CRLF line end, which the CSV parser leaves on the last cell.
#[inline]
pub(super) fn strip_cr(cell: &[u8]) -> &[u8] {
    cell.strip_suffix(b"\r").unwrap_or(cell)
}

#[inline]
pub(super) fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// Why a count cell is not a count: a small copyable error, so that the hot path returns it in
/// registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CountError {
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
///
/// The common cell, one to nine digits and nothing else, is read in one pass with no branch per
/// digit (nine digits cannot pass `u32::MAX`); any other cell goes to [`parse_count_slow`], which
/// trims it and says what is wrong. Both give the same answer on every cell (a proptest).
#[inline]
pub(super) fn parse_count(cell: &[u8]) -> std::result::Result<Option<u32>, CountError> {
    if cell.is_empty() {
        return Ok(None);
    }
    if cell.len() <= 9 {
        let mut value: u32 = 0;
        let mut digits = true;
        for &b in cell {
            let d = b.wrapping_sub(b'0');
            digits &= d < 10;
            value = value.wrapping_mul(10).wrapping_add(u32::from(d));
        }
        if digits {
            return Ok(Some(value));
        }
    }
    parse_count_slow(cell)
}

/// [`parse_count`] for any cell: trimmed, signed, long or wrong.
#[inline(never)]
pub(super) fn parse_count_slow(cell: &[u8]) -> std::result::Result<Option<u32>, CountError> {
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

/// Why a text cell cannot be read. Small and copyable, as [`BadCount`]: it becomes a
/// [`Reject`] (with the cell, for a hint) only on the way out of a rejected row.
#[derive(Debug, Clone, Copy)]
pub(super) enum BadText {
    ByteOrderMark,
    InvalidUtf8,
}

/// The rejection of text cell `cell`, in column `col`.
#[cold]
pub(super) fn reject_text(col: usize, cell: &[u8], bad: BadText) -> Reject {
    Reject::at(
        col,
        match bad {
            BadText::ByteOrderMark => RejectReason::ByteOrderMark,
            BadText::InvalidUtf8 => RejectReason::InvalidUtf8 {
                latin1: as_latin1(cell),
            },
        },
    )
}

/// Decodes a text cell into `buf` when it must be converted, or borrows it.
#[inline]
pub(super) fn text<'a>(
    enc: Encoding,
    cell: &'a [u8],
    buf: &'a mut String,
) -> std::result::Result<&'a str, BadText> {
    if cell.starts_with(BOM) {
        return Err(BadText::ByteOrderMark);
    }
    match enc {
        Encoding::Utf8 => std::str::from_utf8(cell).map_err(|_| BadText::InvalidUtf8),
        // A Latin-1 cell of ASCII only is UTF-8 too.
        Encoding::Latin1 if cell.is_ascii() => {
            std::str::from_utf8(cell).map_err(|_| BadText::InvalidUtf8)
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
pub(super) fn as_latin1(cell: &[u8]) -> Option<String> {
    let text: String = cell.iter().map(|&b| char::from(b)).collect();
    (!text.chars().any(char::is_control)).then(|| shorten(text.as_bytes()))
}

/// The longest raw cell a rejection keeps: a longer one is cut, with its length said.
pub(super) const RAW_CELL_CHARS: usize = 120;

/// A raw cell for a rejection: lossily decoded, and cut after [`RAW_CELL_CHARS`] characters.
pub(super) fn shorten(cell: &[u8]) -> String {
    let text = String::from_utf8_lossy(cell);
    match text.char_indices().nth(RAW_CELL_CHARS) {
        None => text.into_owned(),
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], cell.len()),
    }
}

/// Whether `cell` is one or more printable ASCII characters (space to tilde): text in every
/// encoding the reader knows, with no control character.
#[inline]
pub(super) fn printable_ascii(cell: &[u8]) -> bool {
    !cell.is_empty() && cell.iter().all(|&b| (b' '..=b'~').contains(&b))
}

/// Appends `s` to `out`, left-padded with zeros to `pad`.
pub(super) fn push_padded(out: &mut String, s: &str, pad: Option<usize>) {
    if let Some(width) = pad {
        for _ in s.chars().count()..width {
            out.push('0');
        }
    }
    out.push_str(s);
}

/// Reusable buffers for one row.
#[derive(Default)]
pub(super) struct RowBuf {
    pub(super) key: String,
    pub(super) scratch: String,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) image: String,
    /// The raw code and name cells of the previous row and the places they resolved to, per
    /// level. A place is reused only when both cells are the same bytes, so that every cell is
    /// checked whatever the row before it was.
    pub(super) prev_codes: Vec<Vec<u8>>,
    pub(super) prev_names: Vec<Vec<u8>>,
    pub(super) prev_paths: Vec<Option<GeoPath>>,
    /// The levels the current row has no place at.
    pub(super) unplaced: Vec<usize>,
    /// The rows' places, found without a lookup in the geography where their parent is new.
    pub(super) places: super::places::PlaceRuns,
}

pub(super) struct Reject {
    pub(super) col: Option<usize>,
    pub(super) reason: RejectReason,
}

impl Reject {
    pub(super) fn at(col: usize, reason: RejectReason) -> Self {
        Reject {
            col: Some(col),
            reason,
        }
    }
}

/// Why a row did not become a sheet: the row is wrong (a rejection, and reading goes on), or
/// reading cannot go on (a set past its capacity).
pub(super) enum RowError {
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
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A count cell that is no count: its column and why. Small and copyable, so that reading a
/// count returns in registers; it becomes a [`Reject`] only on the way out of a rejected row.
#[derive(Debug, Clone, Copy)]
pub(super) struct BadCount {
    pub(super) col: usize,
    pub(super) why: BadCountWhy,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum BadCountWhy {
    Count(CountError),
    ByteOrderMark,
    /// The columns of a sum add up past `u32::MAX` (only [`SourcePlan::Sum`]).
    SumTooLarge,
}

impl BadCount {
    /// The rejection, for a cell read through `plan` (which names a sum's field).
    #[cold]
    pub(super) fn reject(self, plan: Option<&SourcePlan>) -> Reject {
        let reason = match self.why {
            BadCountWhy::Count(e) => e.into(),
            BadCountWhy::ByteOrderMark => RejectReason::ByteOrderMark,
            BadCountWhy::SumTooLarge => RejectReason::SumTooLarge {
                field: match plan {
                    Some(SourcePlan::Sum(_, field)) => field.clone(),
                    _ => String::new(),
                },
            },
        };
        Reject::at(self.col, reason)
    }
}

#[inline]
pub(super) fn count_at(
    rec: &Record,
    col: usize,
    last: usize,
) -> std::result::Result<Option<u32>, BadCount> {
    count_of(cell(rec, col, last), col)
}

/// The count in cell `c` of column `col`, or why it is none.
#[inline]
pub(super) fn count_of(c: &[u8], col: usize) -> std::result::Result<Option<u32>, BadCount> {
    match parse_count(c) {
        Ok(v) => Ok(v),
        Err(_) if c.starts_with(BOM) => Err(BadCount {
            col,
            why: BadCountWhy::ByteOrderMark,
        }),
        Err(e) => Err(BadCount {
            col,
            why: BadCountWhy::Count(e),
        }),
    }
}

/// `a == b`, without calling `memcmp` on two empty slices.
///
/// A slice's `==` calls `memcmp` even at length 0, and an empty `Vec`'s pointer is dangling
/// (address 1 for bytes). glibc's AVX-512 `memcmp` reads short inputs with a masked load, and
/// a masked load from an unmapped page costs a microcode assist even with every lane masked
/// off: 200 ns a comparison on the development machine, against 2 ns. Comparing a row's empty
/// place names with the previous row's that way was 26% of a profile of reading a file, and
/// reading went 1.6x faster without it.
///
/// Cells of up to 16 bytes (most place codes and names) are compared in two overlapping words
/// instead of a call to `memcmp` (3.5% of a profile of reading 10^6 sheets).
#[inline]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let word4 = |s: &[u8], i: usize| {
        s.get(i..i + 4)
            .map(|w| u32::from_ne_bytes([w[0], w[1], w[2], w[3]]))
    };
    let word8 = |s: &[u8], i: usize| {
        s.get(i..i + 8)
            .and_then(|w| w.first_chunk::<8>())
            .map(|w| u64::from_ne_bytes(*w))
    };
    match n {
        0 => true,
        // Positions 0, n/2 and n-1 cover every byte of 1 to 3.
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

#[inline]
pub(super) fn cell(rec: &Record, col: usize, last: usize) -> &[u8] {
    let c = rec.get(col).unwrap_or(b"");
    if col == last { strip_cr(c) } else { c }
}

/// Where a reader pushes a row's counts: the set's own columns ([`InSet`]), or the slots of a
/// part of a file read on every core ([`Slots`]).
pub(crate) trait CountSink {
    /// The column a count goes into.
    type Column: PushCount;
    /// Whether the counts go into the set's own columns.
    const IN_SET: bool;
    /// The columns for the next row's counts.
    fn columns<'s>(&'s mut self, set: &'s mut ActaSet) -> RowColumns<'s, Self::Column>;
    /// Drops the counts pushed beyond the set's last sheet (a row rejected after its counts).
    fn drop_counts(&mut self, set: &mut ActaSet);
}

/// The counts go into the set's own columns.
pub(crate) struct InSet;

impl CountSink for InSet {
    type Column = crate::model::column::OptColumn;
    const IN_SET: bool = true;

    #[inline]
    fn columns<'s>(&'s mut self, set: &'s mut ActaSet) -> RowColumns<'s> {
        set.row_columns()
    }

    fn drop_counts(&mut self, set: &mut ActaSet) {
        set.drop_counts();
    }
}

/// The counts of a part of a file read on every core go into that part's slots of the joined
/// columns (the set's own columns stay empty): the standard fields', the ballot lines', then
/// the further fields', in that order.
#[cfg(feature = "parallel")]
pub(crate) struct Slots<'a> {
    pub(crate) columns: Vec<crate::model::column::SlotColumn<'a>>,
    pub(crate) lines: usize,
}

#[cfg(feature = "parallel")]
impl<'a> CountSink for Slots<'a> {
    type Column = crate::model::column::SlotColumn<'a>;
    const IN_SET: bool = false;

    #[inline]
    fn columns<'s>(&'s mut self, _: &'s mut ActaSet) -> RowColumns<'s, Self::Column> {
        let (standard, rest) = self.columns.split_at_mut(5);
        let (lines, extra) = rest.split_at_mut(self.lines);
        RowColumns {
            standard,
            lines,
            extra,
        }
    }

    fn drop_counts(&mut self, set: &mut ActaSet) {
        for c in &mut self.columns {
            c.truncate(set.len());
        }
    }
}

impl Plan {
    /// Parses one record into the set (its counts into `sink`), or says why not (and leaves
    /// the set and the sink as they were).
    pub(super) fn row<S: CountSink>(
        &self,
        rec: &Record,
        buf: &mut RowBuf,
        set: &mut ActaSet,
        sink: &mut S,
    ) -> std::result::Result<usize, RowError> {
        let last = self.names.len() - 1;
        // Counts first, straight into their columns: they are the cells most often wrong, and
        // cost nothing to check.
        let mut counted = self.counts::<_, false>(rec, last, sink.columns(set));
        if matches!(counted, Ok(false)) {
            // A value past its slot pushed as its low bytes: the row again, value by value.
            sink.drop_counts(set);
            counted = self.counts::<_, true>(rec, last, sink.columns(set));
        }
        if let Err(r) = counted {
            sink.drop_counts(set);
            return Err(r.into());
        }
        let pushed = self.rest(rec, last, buf, set);
        if pushed.is_err() {
            sink.drop_counts(set);
        }
        pushed
    }

    /// Pushes the row's counts, one into every count column, up to the first cell that is no
    /// count: with [`PushCount::push`] when `EXACT`, else with [`PushCount::push_low`], and
    /// then `Ok(false)` when a value did not fit its slot (the caller drops the row's counts
    /// and pushes them again, exactly).
    #[inline]
    fn counts<C: PushCount, const EXACT: bool>(
        &self,
        rec: &Record,
        last: usize,
        cols: RowColumns<'_, C>,
    ) -> std::result::Result<bool, Reject> {
        debug_assert!(cols.standard.len() == self.standard.len());
        debug_assert!(cols.lines.len() == self.lines.len());
        debug_assert!(cols.extra.len() == self.extra.len());
        // The bits of every value past its slot, or-ed.
        let mut past = 0u32;
        let mut push = |c: &mut C, v: Option<u32>| {
            if EXACT || !C::LOW {
                c.push(v);
            } else {
                past |= c.push_low(v);
            }
        };
        for (c, plan) in cols.standard.iter_mut().zip(&self.standard) {
            push(
                c,
                match plan {
                    None => None,
                    // The common field, one column, read inline (no sum to name on a rejection).
                    Some(SourcePlan::Column(col)) => {
                        count_at(rec, *col, last).map_err(|b| b.reject(None))?
                    }
                    Some(p) => p.read(rec, last).map_err(|b| b.reject(Some(p)))?,
                },
            );
        }
        match self.lines_run {
            // Side by side, and every one on the record (a row that reaches here has every
            // column of the header): one pass over their cells.
            Some(first) if first + self.lines.len() <= rec.len() => {
                let n = self.lines.len();
                // Only the line's last cell can end with the `\r` of a CRLF line end: when the
                // run ends the line, its last cell is read apart, after the others.
                let ends_line = first + n == last + 1;
                let (body, end) = cols.lines.split_at_mut(n - usize::from(ends_line));
                let mut cells = rec.run(first, n);
                for (k, (c, cell)) in body.iter_mut().zip(cells.by_ref()).enumerate() {
                    push(c, count_of(cell, first + k).map_err(|b| b.reject(None))?);
                }
                if let (Some(c), Some(cell)) = (end.first_mut(), cells.next()) {
                    push(
                        c,
                        count_of(strip_cr(cell), last).map_err(|b| b.reject(None))?,
                    );
                }
            }
            _ => {
                for (c, &col) in cols.lines.iter_mut().zip(&self.lines) {
                    push(c, count_at(rec, col, last).map_err(|b| b.reject(None))?);
                }
            }
        }
        for (c, p) in cols.extra.iter_mut().zip(&self.extra) {
            push(c, p.read(rec, last).map_err(|b| b.reject(Some(p)))?);
        }
        Ok(EXACT || !C::LOW || past == 0)
    }

    /// The row's key, place and image, and the sheet pushed; its counts are pushed already.
    fn rest(
        &self,
        rec: &Record,
        last: usize,
        buf: &mut RowBuf,
        set: &mut ActaSet,
    ) -> std::result::Result<usize, RowError> {
        let enc = self.encoding;
        // The table key.
        buf.key.clear();
        let plain = self
            .plain_key
            .map(|col| trim(cell(rec, col, last)))
            .filter(|raw| printable_ascii(raw));
        if let Some(raw) = plain {
            // The same in UTF-8 and Latin-1; trimmed, so without surrounding white space (the
            // vertical tab, which `trim` leaves, is a control); not empty: a table id
            // (`table_id_problem` passes it), as the general path below would make it.
            buf.key
                .push_str(std::str::from_utf8(raw).unwrap_or_default());
        }
        // Any other key, part by part (none when the plain one was taken).
        let parts = if plain.is_some() {
            &[][..]
        } else {
            &self.key[..]
        };
        for (i, part) in parts.iter().enumerate() {
            let raw = trim(cell(rec, part.col, last));
            let s = text(enc, raw, &mut buf.scratch).map_err(|b| reject_text(part.col, raw, b))?;
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
                text(enc, raw, &mut buf.scratch).map_err(|b| reject_text(g.code, raw, b))?;
                if let Some(n) = g.name {
                    let raw_name = trim(cell(rec, n, last));
                    text(enc, raw_name, &mut buf.name).map_err(|b| reject_text(n, raw_name, b))?;
                }
                continue;
            }
            let raw_name = g.name.map(|n| trim(cell(rec, n, last)));
            if reuse
                && buf
                    .prev_codes
                    .get(level)
                    .is_some_and(|p| same_bytes(p, raw))
                && same_bytes(&buf.prev_names[level], raw_name.unwrap_or_default())
            {
                geo = buf.prev_paths[level];
                continue;
            }
            reuse = false;
            let code = text(enc, raw, &mut buf.scratch).map_err(|b| reject_text(g.code, raw, b))?;
            buf.code.clear();
            push_padded(&mut buf.code, code, g.pad);
            let name = match (g.name, raw_name) {
                (Some(n), Some(raw_name)) => Some(
                    text(enc, raw_name, &mut buf.name).map_err(|b| reject_text(n, raw_name, b))?,
                ),
                _ => None,
            };
            // The code is not empty (an empty code ended the path above) and the level is
            // below the parent's: the only failure left is a geography past its capacity.
            let path = buf
                .places
                .intern(set.geography_mut(), geo, level, &buf.code, name)
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
                let s = text(enc, raw, &mut buf.scratch).map_err(|b| reject_text(c, raw, b))?;
                buf.image.clear();
                buf.image.push_str(s);
                Some(buf.image.as_str())
            }
            None => None,
        };

        // A key the row built that is no table id is the row's fault; anything else the set
        // refuses (its capacity) stops reading.
        if let Some(reason) = plain
            .is_none()
            .then(|| crate::model::table_id_problem(&buf.key))
            .flatten()
        {
            return Err(RowError::Reject(Reject {
                col: self.key.first().map(|k| k.col),
                reason: RejectReason::InvalidTableId {
                    reason: reason.to_owned(),
                },
            }));
        }
        set.push_counted(&buf.key, geo, image)
            .map_err(RowError::Stop)
    }
}
