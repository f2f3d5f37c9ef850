//! Cutting the input into records: a line without a quote is split straight from the buffer,
//! 32 bytes at a time with vector compares; any other record goes through `csv_core`'s state
//! machine, which the `csv` crate runs on every byte. Both give what `csv::Reader` gives (cells,
//! line numbers, positions), and a proptest compares them on inputs made of the bytes that
//! matter.

use std::io::{self, Read};

use wide::u8x16;

use super::limit::RecordLimit;

/// The bytes the splitter looks at in one step: two vectors of 16 bytes.
const LANES: usize = 32;

/// Bit `k` set for each byte `k` of `chunk` that equals `target`: a comparison of 16 bytes at a
/// time and the top bit of each gathered (SSE2 on x86-64, NEON on ARM, WebAssembly's SIMD128, or
/// plain code elsewhere, as `wide` is built).
#[inline]
fn mask(chunk: (u8x16, u8x16), target: u8) -> u32 {
    let t = u8x16::splat(target);
    let low = chunk.0.cmp_eq(t).move_mask() as u32 & 0xFFFF;
    let high = chunk.1.cmp_eq(t).move_mask() as u32 & 0xFFFF;
    low | high << 16
}

/// The 32 bytes of `chunk` as two vectors.
#[inline]
fn vectors(chunk: &[u8; LANES]) -> (u8x16, u8x16) {
    let (low, high) = chunk.split_at(16);
    let low: [u8; 16] = low.try_into().unwrap_or_default();
    let high: [u8; 16] = high.try_into().unwrap_or_default();
    (u8x16::new(low), u8x16::new(high))
}

/// The first size of the buffer; it doubles when one record does not fit, up to what the
/// [`RecordLimit`] allows.
const BUFFER: usize = 1 << 16;

/// One record: its cells' bytes, and where each cell ends.
#[derive(Debug, Default, Clone)]
pub(crate) struct Record {
    /// The cells' bytes: for a split line the line itself, delimiters included; for a record
    /// through `csv_core` the unquoted cells end to end.
    data: Vec<u8>,
    /// The end of each cell in `data`.
    ends: Vec<usize>,
    /// Bytes between one cell's end and the next cell's start: 1 (a delimiter) or 0.
    gap: usize,
    /// The line the record starts on.
    line: u64,
}

impl Record {
    /// The number of cells.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Cell `i`, or `None` past the last.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + self.gap,
        };
        self.data.get(start..end)
    }

    /// Cells `first..first + n`, in order, each found from the one before (fewer past the
    /// last cell).
    #[inline]
    pub(crate) fn run(&self, first: usize, n: usize) -> impl Iterator<Item = &[u8]> {
        let ends = self
            .ends
            .get(first..first.saturating_add(n).min(self.ends.len()))
            .unwrap_or_default();
        let mut start = match first {
            0 => 0,
            _ => self.ends.get(first - 1).map_or(0, |&e| e + self.gap),
        };
        let (data, gap) = (&self.data, self.gap);
        ends.iter().map(move |&end| {
            let cell = data.get(start..end).unwrap_or_default();
            start = end + gap;
            cell
        })
    }

    /// Every cell, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The line the record starts on.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }
}

/// A CSV input cut into records, as the reader sets the `csv` crate up: lines end at `\n`
/// (a `\r` before it stays on the last cell), `"` quotes, `""` is a quote inside quotes, empty
/// lines are skipped, a byte-order mark is stripped at the start of the input, and every record
/// passes through a [`RecordLimit`].
pub(crate) struct Records<R> {
    inner: RecordLimit<R>,
    core: csv_core::Reader,
    delimiter: u8,
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    /// Whether a record has been read: the first goes through `csv_core`, which strips a
    /// byte-order mark when its first input starts with one, as `csv` does.
    started: bool,
    /// Bytes consumed and the line of the next byte, counted from where the reader started.
    byte: u64,
    line: u64,
}

impl<R: Read> Records<R> {
    /// Records of `inner`, cut at `delimiter`.
    pub(crate) fn new(inner: RecordLimit<R>, delimiter: u8) -> Self {
        let core = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv_core::Terminator::Any(b'\n'))
            .build();
        Records {
            inner,
            core,
            delimiter,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            started: false,
            byte: 0,
            line: 1,
        }
    }

    /// The byte offset and line of the next record (before any empty lines that precede it),
    /// counted from where this reader started.
    pub(crate) fn position(&self) -> (u64, u64) {
        (self.byte, self.line)
    }

    /// The record limit the input goes through.
    #[cfg(feature = "parallel")]
    pub(crate) fn limit(&self) -> &RecordLimit<R> {
        &self.inner
    }

    /// Reads more input after the unread bytes, moving them to the front of the buffer and
    /// doubling it when they fill it; `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).max(BUFFER);
            self.buf.resize(grown, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next record into `rec`; `false` at the end of the input.
    ///
    /// # Errors
    ///
    /// The input's errors, among them the [`RecordLimit`]'s.
    pub(crate) fn read(&mut self, rec: &mut Record) -> io::Result<bool> {
        if !self.started {
            self.started = true;
            return self.through_core(rec);
        }
        // Empty lines are no records.
        loop {
            let skip = self.buf[self.start..self.end]
                .iter()
                .take_while(|&&b| b == b'\n')
                .count();
            self.start += skip;
            self.byte += skip as u64;
            self.line += skip as u64;
            if self.start < self.end {
                break;
            }
            if !self.fill()? {
                return Ok(false);
            }
        }
        // The line's cells, 32 bytes at a time: where the delimiters are, where the line
        // ends (reading more until it is in the buffer or the input ends), and whether it holds
        // a quote (then `csv_core` reads it).
        rec.ends.clear();
        let delimiter = self.delimiter;
        let mut off = 0; // from the line's start, `self.start`
        let newline = loop {
            let unread = &self.buf[self.start + off..self.end];
            if let Some(chunk) = unread.first_chunk::<LANES>() {
                let v = vectors(chunk);
                let (newlines, quotes) = (mask(v, b'\n'), mask(v, b'"'));
                // The bytes before the first line end in the step (all when there is none).
                let before = newlines.wrapping_sub(1) & !newlines;
                if quotes & before != 0 {
                    return self.through_core(rec);
                }
                let mut d = mask(v, delimiter) & before;
                while d != 0 {
                    rec.ends.push(off + d.trailing_zeros() as usize);
                    d &= d - 1;
                }
                if newlines != 0 {
                    break Some(off + newlines.trailing_zeros() as usize);
                }
                off += LANES;
                continue;
            }
            let mut found = None;
            for (k, &b) in unread.iter().enumerate() {
                if b == b'\n' {
                    found = Some(off + k);
                    break;
                }
                if b == b'"' {
                    return self.through_core(rec);
                }
                if b == delimiter {
                    rec.ends.push(off + k);
                }
            }
            if found.is_some() {
                break found;
            }
            off += unread.len();
            if !self.fill()? {
                break None;
            }
        };
        let len = newline.unwrap_or(off);
        rec.data.clear();
        rec.data
            .extend_from_slice(&self.buf[self.start..self.start + len]);
        rec.ends.push(len);
        rec.gap = 1;
        rec.line = self.line;
        let consumed = len + usize::from(newline.is_some());
        self.start += consumed;
        self.byte += consumed as u64;
        self.line += u64::from(newline.is_some());
        Ok(true)
    }

    /// Reads the next record with `csv_core`, from a record boundary.
    fn through_core(&mut self, rec: &mut Record) -> io::Result<bool> {
        use csv_core::ReadRecordResult::{End, InputEmpty, OutputEndsFull, OutputFull, Record};
        rec.data.clear();
        rec.ends.clear();
        rec.gap = 0;
        let (mut outlen, mut endlen) = (0, 0);
        // Whether the record ended at a line end (or at the end of the input).
        let mut terminated;
        self.core.set_line(self.line);
        loop {
            if self.start == self.end && !self.eof {
                self.fill()?;
            }
            if rec.data.len() == outlen {
                rec.data.resize((outlen * 2).max(256), 0);
            }
            if rec.ends.len() == endlen {
                rec.ends.resize((endlen * 2).max(16), 0);
            }
            let input = &self.buf[self.start..self.end];
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut rec.data[outlen..], &mut rec.ends[endlen..]);
            terminated = !input.is_empty();
            self.start += nin;
            self.byte += nin as u64;
            self.line = self.core.line();
            outlen += nout;
            endlen += nend;
            match res {
                InputEmpty | OutputFull | OutputEndsFull => {}
                Record => {
                    rec.data.truncate(outlen);
                    rec.ends.truncate(endlen);
                    // Counted back from the line after it: less the line ends inside its
                    // quoted cells, and its own line end.
                    let inside = memchr::memchr_iter(b'\n', &rec.data).count() as u64;
                    rec.line = self.line - inside - u64::from(terminated);
                    return Ok(true);
                }
                End => {
                    rec.data.clear();
                    rec.ends.clear();
                    return Ok(false);
                }
            }
        }
    }
}

/// What the splitter is checked against, in the proptests and by the fuzz target `split`
/// (`crate::fuzzing::check_split`): the `csv` crate, set up as the reader set it up.
#[cfg(any(test, feature = "serde"))]
pub(crate) mod oracle {
    use super::{Record, RecordLimit, Records};
    use std::io::{self, Read};

    /// A reader that gives at most `step` bytes per read.
    pub(crate) struct Chunked<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(self.step).min(buf.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Every record as the `csv` crate reads it (set up as the reader used to set it up):
    /// cells, line, and the position after it; then the error, if one stopped it.
    pub(crate) type Read_ = (Vec<(Vec<Vec<u8>>, u64, (u64, u64))>, Option<String>);

    /// The record's line is counted here from the position before it and the empty lines it
    /// skips (the `csv` crate's own is off after empty lines: BurntSushi/rust-csv#208).
    pub(crate) fn with_csv(data: &[u8], delimiter: u8, step: usize, max: usize) -> Read_ {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .delimiter(delimiter)
            .from_reader(RecordLimit::new(Chunked { data, step }, max, delimiter));
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        // Where the next record may start: the byte (past a mark the parser strips: one at the
        // start of its first input of three bytes or more) and its line.
        let bom = data.starts_with(b"\xEF\xBB\xBF") && step >= 3;
        let mut before = (if bom { 3 } else { 0 }, 1);
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(false) => return (out, None),
                Ok(true) => {
                    let p = rdr.position();
                    let empty = data[before.0..].iter().take_while(|&&b| b == b'\n').count();
                    let line = before.1 + empty as u64;
                    before = (p.byte() as usize, p.line());
                    out.push((
                        rec.iter().map(<[u8]>::to_vec).collect(),
                        line,
                        (p.byte(), p.line()),
                    ));
                }
                Err(e) => return (out, Some(e.to_string())),
            }
        }
    }

    pub(crate) fn with_records(data: &[u8], delimiter: u8, step: usize, max: usize) -> Read_ {
        let mut rdr = Records::new(
            RecordLimit::new(Chunked { data, step }, max, delimiter),
            delimiter,
        );
        let mut rec = Record::default();
        let mut out = Vec::new();
        loop {
            match rdr.read(&mut rec) {
                Ok(false) => return (out, None),
                Ok(true) => out.push((
                    rec.iter().map(<[u8]>::to_vec).collect(),
                    rec.line(),
                    rdr.position(),
                )),
                Err(e) => return (out, Some(csv::Error::from(e).to_string())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::oracle::{with_csv, with_records};
    use super::*;
    use proptest::prelude::*;

    /// Bytes that change how a record is cut, and a few that do not.
    fn input() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                4 => Just(&b"a"[..]),
                2 => Just(&b"1"[..]),
                3 => Just(&b";"[..]),
                2 => Just(&b"\""[..]),
                2 => Just(&b"\n"[..]),
                1 => Just(&b"\r"[..]),
                1 => Just(&b" "[..]),
                1 => Just(&b","[..]),
                1 => Just(&b"\xEF\xBB\xBF"[..]),
            ],
            0..60,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_500))]

        /// The records, their lines, the positions and the errors are those of `csv`, whatever
        /// the size of the reads (one byte, two, more), with and without a record limit hit.
        #[test]
        fn records_are_those_of_csv(data in input(), step in prop_oneof![Just(1usize), Just(2), Just(3), 4usize..40, Just(1 << 20)]) {
            for max in [1 << 20, 12] {
                let (expected, expected_err) = with_csv(&data, b';', step, max);
                let (got, got_err) = with_records(&data, b';', step, max);
                // On an error, the records read before it may differ (the buffers differ):
                // the error is what the reader reports.
                if expected_err.is_none() {
                    prop_assert_eq!(&got, &expected);
                }
                prop_assert_eq!(got_err, expected_err);
            }
        }
    }

    /// Bit `k` set for each byte `k` equal to `target`, one byte at a time.
    fn scalar_mask(chunk: &[u8; LANES], target: u8) -> u32 {
        chunk
            .iter()
            .enumerate()
            .fold(0u32, |m, (k, &b)| m | (u32::from(b == target) << k))
    }

    proptest! {
        /// The vector compare flags exactly the bytes equal to the target, in byte order.
        #[test]
        fn vector_masks_are_exact(chunk in any::<[u8; LANES]>(), target in any::<u8>()) {
            prop_assert_eq!(mask(vectors(&chunk), target), scalar_mask(&chunk, target));
        }

        /// Lines longer than a step, with delimiters, quotes and line ends in either half of
        /// it, are cut as `csv` cuts them.
        #[test]
        fn long_lines_are_those_of_csv(
            cells in proptest::collection::vec(
                prop_oneof![
                    6 => "[a-z0-9 ]{0,40}",
                    1 => Just(String::from("\"q;\n\"\"x\"")),
                    1 => Just(String::from("\r")),
                ],
                0..40,
            ),
            breaks in proptest::collection::vec(any::<bool>(), 40),
            step in prop_oneof![Just(1usize), Just(31), Just(33), Just(1 << 20)],
        ) {
            let mut data = Vec::new();
            for (cell, &line_end) in cells.iter().zip(&breaks) {
                data.extend_from_slice(cell.as_bytes());
                data.push(if line_end { b'\n' } else { b';' });
            }
            let (expected, expected_err) = with_csv(&data, b';', step, 1 << 20);
            let (got, got_err) = with_records(&data, b';', step, 1 << 20);
            prop_assert_eq!(got_err, expected_err);
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn vector_masks_at_the_edges() {
        for target in [0u8, 1, b'\n', b'"', 0x7F, 0x80, 0xFF] {
            for other in [0u8, 1, 0x7F, 0x80, 0xFE, 0xFF] {
                for k in 0..LANES {
                    let mut chunk = [other; LANES];
                    chunk[k] = target;
                    assert_eq!(mask(vectors(&chunk), target), scalar_mask(&chunk, target));
                }
                let every = [target; LANES];
                assert_eq!(mask(vectors(&every), target), u32::MAX);
            }
        }
    }

    #[test]
    fn lines_cells_and_the_mark() {
        let data = b"\xEF\xBB\xBFh;i\n\n\na;\"b;\nc\";d\r\n\"\"\ne;f";
        let (got, err) = with_records(data, b';', 1 << 20, 1 << 20);
        assert_eq!(err, None);
        assert_eq!(got, with_csv(data, b';', 1 << 20, 1 << 20).0);
        let cells: Vec<Vec<Vec<u8>>> = got.iter().map(|r| r.0.clone()).collect();
        assert_eq!(
            cells,
            vec![
                vec![b"h".to_vec(), b"i".to_vec()],
                vec![b"a".to_vec(), b"b;\nc".to_vec(), b"d\r".to_vec()],
                vec![b"".to_vec()],
                vec![b"e".to_vec(), b"f".to_vec()],
            ]
        );
        let lines: Vec<u64> = got.iter().map(|r| r.1).collect();
        assert_eq!(lines, vec![1, 4, 6, 7]);
    }
}
