//! Columnar storage used inside [`ActaSet`](crate::ActaSet): no allocation per sheet.

/// A growable bit set, as long as its highest set bit needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
    ones: usize,
}

impl Bits {
    pub(crate) fn set(&mut self, i: usize) {
        let w = i / 64;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        let mask = 1u64 << (i % 64);
        if self.words[w] & mask == 0 {
            self.words[w] |= mask;
            self.ones += 1;
        }
    }

    /// Clears every bit from `len` on.
    pub(crate) fn truncate(&mut self, len: usize) {
        let (full, rem) = (len / 64, len % 64);
        let Some(word) = self.words.get_mut(full) else {
            return;
        };
        let kept = *word & ((1u64 << rem) - 1);
        let mut cleared = (*word ^ kept).count_ones() as usize;
        *word = kept;
        cleared += self.words[full + 1..]
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum::<usize>();
        self.ones -= cleared;
        // As long as the highest set bit needs, as `set` leaves it.
        self.words.truncate(full + 1);
        while self.words.last() == Some(&0) {
            self.words.pop();
        }
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }

    pub(crate) fn ones(&self) -> usize {
        self.ones
    }

    /// The positions of the set bits, in increasing order.
    pub(crate) fn iter_ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * 64 + b)
            })
        })
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

/// The values of a count column: one byte each while every value fits (most of a table's
/// counts with many candidates: the smaller candidates', blank and null ballots), two bytes
/// each from the first value that does not (a table's counts are in the hundreds), four bytes
/// each from the first value past two bytes.
#[derive(Clone)]
pub(crate) enum Values {
    Tiny(Vec<u8>),
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Values {
    fn default() -> Self {
        Values::Tiny(Vec::new())
    }
}

/// A column's raw values as stored (0 where absent): one, two or four bytes each. Its readers
/// loop over any with the same generic code, chosen once per column, not per value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Raw<'a> {
    /// Every value fits one byte.
    Tiny(&'a [u8]),
    /// Some value needed two bytes, and every value fits two.
    Narrow(&'a [u16]),
    /// Some value needed four.
    Wide(&'a [u32]),
}

/// A value as stored in a column, one, two or four bytes: read as a `u32`.
pub(crate) trait Stored: Copy + Into<u64> {
    /// The value.
    fn value(self) -> u32;

    /// The sum of `values` (fewer than 2^32 values below 2^32 each: no overflow).
    fn sum(values: &[Self]) -> u64;
}

impl Stored for u8 {
    #[inline]
    fn value(self) -> u32 {
        u32::from(self)
    }

    /// Summed sixteen values at a time into sixteen `u16` lanes, over runs of 256 such steps
    /// (256 × 255 = 65,280 cannot pass `u16::MAX`), each run's lanes then added in `u64`: the
    /// compiler widens and adds sixteen bytes in two instructions, where a `u32` sum widens
    /// four at a time.
    #[inline]
    fn sum(values: &[Self]) -> u64 {
        const LANES: usize = 16;
        values
            .chunks(LANES * 256)
            .map(|run| {
                let mut lanes = [0u16; LANES];
                let steps = run.chunks_exact(LANES);
                let rest = steps.remainder();
                for step in steps.filter_map(<[u8]>::first_chunk::<LANES>) {
                    for (lane, &v) in lanes.iter_mut().zip(step) {
                        *lane += u16::from(v);
                    }
                }
                lanes.iter().map(|&l| u64::from(l)).sum::<u64>()
                    + rest.iter().map(|&v| u64::from(v)).sum::<u64>()
            })
            .sum()
    }
}

impl Stored for u16 {
    #[inline]
    fn value(self) -> u32 {
        u32::from(self)
    }

    /// Summed in `u32` over runs of 2^16 values (2^16 values below 2^16 cannot pass
    /// `u32::MAX`), which the compiler vectorises twice as wide as a `u64` sum: 1.8x faster
    /// on the development machine, where a `u64` sum of two-byte values is bound by its
    /// widening, not by memory.
    #[inline]
    fn sum(values: &[Self]) -> u64 {
        values
            .chunks(1 << 16)
            .map(|run| u64::from(run.iter().map(|&v| u32::from(v)).sum::<u32>()))
            .sum()
    }
}

impl Stored for u32 {
    #[inline]
    fn value(self) -> u32 {
        self
    }

    #[inline]
    fn sum(values: &[Self]) -> u64 {
        values.iter().map(|&v| u64::from(v)).sum()
    }
}

/// Runs `$body` with `$s` bound to the slice of a [`Raw`], whichever its width (the code is
/// compiled once for each).
macro_rules! with_raw {
    ($raw:expr, |$s:ident| $body:expr) => {
        match $raw {
            $crate::model::column::Raw::Tiny($s) => $body,
            $crate::model::column::Raw::Narrow($s) => $body,
            $crate::model::column::Raw::Wide($s) => $body,
        }
    };
}
pub(crate) use with_raw;

impl<'a> Raw<'a> {
    /// The number of values.
    pub(crate) fn len(self) -> usize {
        with_raw!(self, |s| s.len())
    }

    /// Value `i` (0 where absent).
    ///
    /// # Panics
    ///
    /// When `i` is out of bounds, as a slice does.
    #[inline]
    pub(crate) fn at(self, i: usize) -> u32 {
        with_raw!(self, |s| s[i].value())
    }

    /// The values `range`.
    ///
    /// # Panics
    ///
    /// When `range` is out of bounds, as a slice does.
    pub(crate) fn slice(self, range: std::ops::Range<usize>) -> Raw<'a> {
        match self {
            Raw::Tiny(s) => Raw::Tiny(&s[range]),
            Raw::Narrow(s) => Raw::Narrow(&s[range]),
            Raw::Wide(s) => Raw::Wide(&s[range]),
        }
    }

    /// The bytes each value takes: 1, 2 or 4.
    pub(crate) fn bytes(self) -> usize {
        match self {
            Raw::Tiny(_) => 1,
            Raw::Narrow(_) => 2,
            Raw::Wide(_) => 4,
        }
    }

    /// The sum of the values (fewer than 2^32 values below 2^32 each: no overflow).
    pub(crate) fn sum(self) -> u64 {
        with_raw!(self, |s| Stored::sum(s))
    }

    /// Adds each value to the entry of `acc` at its position (as many as `acc` has).
    pub(crate) fn add_to(self, acc: &mut [u64]) {
        with_raw!(self, |s| {
            for (a, &v) in acc.iter_mut().zip(s) {
                *a += u64::from(v);
            }
        });
    }

    /// Values `range` as `u32`s: the stored slice when wide, else copied into `buf` (at least
    /// as long as `range`).
    #[inline]
    pub(crate) fn block<'b>(self, range: std::ops::Range<usize>, buf: &'b mut [u32]) -> &'b [u32]
    where
        'a: 'b,
    {
        match self {
            Raw::Wide(s) => &s[range],
            narrow => {
                let out = &mut buf[..range.len()];
                with_raw!(narrow.slice(range), |s| out
                    .iter_mut()
                    .zip(s)
                    .for_each(|(o, &v)| *o = v.value()));
                out
            }
        }
    }

    /// Writes the values into `out`, as many as it has.
    pub(crate) fn copy_to<T: From<u8> + From<u16> + From<u32>>(self, out: &mut [T]) {
        with_raw!(self, |s| {
            for (o, &v) in out.iter_mut().zip(s) {
                *o = T::from(v);
            }
        });
    }
}

/// A column of optional counts: a `u8` per sheet (a `u16` once some value needs it, a `u32`
/// once some value needs that) plus a bit per absent value.
///
/// A column is widened by the first value past its width pushed into it, and stays wide even
/// when that value is dropped again (a rejected row): narrowing back could cost a copy per
/// rejected row. Two columns are equal when their values and absent bits are, whatever their
/// widths.
#[derive(Clone, Default)]
pub(crate) struct OptColumn {
    values: Values,
    absent: Bits,
}

impl PartialEq for OptColumn {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.raw(), other.raw());
        self.absent == other.absent
            && a.len() == b.len()
            && match (a, b) {
                (Raw::Tiny(x), Raw::Tiny(y)) => x == y,
                (Raw::Narrow(x), Raw::Narrow(y)) => x == y,
                (Raw::Wide(x), Raw::Wide(y)) => x == y,
                _ => (0..a.len()).all(|i| a.at(i) == b.at(i)),
            }
    }
}

impl Eq for OptColumn {}

impl std::fmt::Debug for OptColumn {
    /// The values as `u32`s, whatever their width (as equality sees them), and the absent bits.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let raw = self.raw();
        let values: Vec<u32> = (0..raw.len()).map(|i| raw.at(i)).collect();
        f.debug_struct("OptColumn")
            .field("values", &values)
            .field("absent", &self.absent)
            .finish()
    }
}

/// The fewest bytes of 1, 2 and 4 that hold `v`.
fn bytes_for(v: u32) -> usize {
    if u8::try_from(v).is_ok() {
        1
    } else if u16::try_from(v).is_ok() {
        2
    } else {
        4
    }
}

/// `values` made wider, with the same room (and room for one more).
fn widened<T: Copy, U: From<T>>(values: &[T], room: usize) -> Vec<U> {
    let mut wide = Vec::with_capacity(room.max(values.len() + 1));
    wide.extend(values.iter().map(|&v| U::from(v)));
    wide
}

impl OptColumn {
    /// A column of `len` absent values.
    pub(crate) fn absent(len: usize) -> Self {
        let mut c = OptColumn {
            values: Values::Tiny(vec![0; len]),
            absent: Bits::default(),
        };
        for i in 0..len {
            c.absent.set(i);
        }
        c
    }

    // Always: left to itself, the compiler calls it (a three-way match), and the reader of a
    // file on one core ran 2.5% more instructions (10^5 sheets, 40 candidates, callgrind).
    #[expect(clippy::inline_always, reason = "measured: the reader's hot loop")]
    #[inline(always)]
    pub(crate) fn push(&mut self, v: Option<u32>) {
        let len = self.len();
        if v.is_none() {
            self.absent.set(len);
        }
        self.push_value(v.unwrap_or(0));
    }

    /// Pushes a value, the column widened first when it does not fit.
    #[expect(clippy::inline_always, reason = "measured: the reader's hot loop")]
    #[inline(always)]
    fn push_value(&mut self, v: u32) {
        match &mut self.values {
            Values::Tiny(values) => match u8::try_from(v) {
                Ok(v) => values.push(v),
                Err(_) => self.push_wider(v),
            },
            Values::Narrow(values) => match u16::try_from(v) {
                Ok(v) => values.push(v),
                Err(_) => self.push_wider(v),
            },
            Values::Wide(values) => values.push(v),
        }
    }

    /// Pushes a value past the column's width, once the column is wide enough for it.
    #[cold]
    #[inline(never)]
    fn push_wider(&mut self, v: u32) {
        self.widen_to(bytes_for(v));
        self.push_value(v);
    }

    /// Stores the values `bytes` bytes each (1, 2 or 4), unless they are as wide already, with
    /// the same room.
    fn widen_to(&mut self, bytes: usize) {
        if bytes <= self.raw().bytes() {
            return;
        }
        self.values = match (&self.values, bytes) {
            (Values::Tiny(t), 2) => Values::Narrow(widened(t, t.capacity())),
            (Values::Tiny(t), _) => Values::Wide(widened(t, t.capacity())),
            (Values::Narrow(n), _) => Values::Wide(widened(n, n.capacity())),
            // Narrower than `bytes`, so not wide.
            (Values::Wide(_), _) => return,
        };
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<u32> {
        let v = match &self.values {
            Values::Tiny(values) => u32::from(*values.get(i)?),
            Values::Narrow(values) => u32::from(*values.get(i)?),
            Values::Wide(values) => *values.get(i)?,
        };
        (!self.absent.get(i)).then_some(v)
    }

    /// The number of values.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        match &self.values {
            Values::Tiny(values) => values.len(),
            Values::Narrow(values) => values.len(),
            Values::Wide(values) => values.len(),
        }
    }

    /// Keeps the first `len` values.
    pub(crate) fn truncate(&mut self, len: usize) {
        match &mut self.values {
            Values::Tiny(values) => values.truncate(len),
            Values::Narrow(values) => values.truncate(len),
            Values::Wide(values) => values.truncate(len),
        }
        self.absent.truncate(len);
    }

    /// The raw values, 0 where absent; pair with [`OptColumn::has_absent`].
    #[inline]
    pub(crate) fn raw(&self) -> Raw<'_> {
        match &self.values {
            Values::Tiny(values) => Raw::Tiny(values),
            Values::Narrow(values) => Raw::Narrow(values),
            Values::Wide(values) => Raw::Wide(values),
        }
    }

    #[inline]
    pub(crate) fn has_absent(&self) -> bool {
        self.absent.ones() > 0
    }

    /// The positions of the absent values, in increasing order.
    pub(crate) fn absent_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.absent.iter_ones()
    }

    /// Appends every value of `other`.
    #[cfg(any(test, feature = "parallel"))]
    pub(crate) fn extend(&mut self, other: &OptColumn) {
        let base = self.len();
        self.extend_raw(other.raw());
        for i in other.absent.iter_ones() {
            self.absent.set(base + i);
        }
    }

    /// Appends `raw` as present values, the column widened first to their width.
    #[cfg(any(test, feature = "parallel"))]
    fn extend_raw(&mut self, raw: Raw<'_>) {
        self.widen_to(raw.bytes());
        match (&mut self.values, raw) {
            (Values::Tiny(values), Raw::Tiny(more)) => values.extend_from_slice(more),
            (Values::Narrow(values), Raw::Narrow(more)) => values.extend_from_slice(more),
            (Values::Narrow(values), Raw::Tiny(more)) => {
                values.extend(more.iter().map(|&v| u16::from(v)));
            }
            (Values::Wide(values), more) => {
                with_raw!(more, |m| values.extend(m.iter().map(|&v| v.value())));
            }
            // Widened above to `raw`'s width at least.
            (Values::Tiny(_), _) | (Values::Narrow(_), Raw::Wide(_)) => {
                unreachable!("the column is as wide as the values appended")
            }
        }
    }

    /// The number of present values.
    pub(crate) fn present(&self) -> usize {
        self.len() - self.absent.ones()
    }

    pub(crate) fn reserve(&mut self, n: usize) {
        match &mut self.values {
            Values::Tiny(values) => values.reserve(n),
            Values::Narrow(values) => values.reserve(n),
            Values::Wide(values) => values.reserve(n),
        }
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        match &mut self.values {
            Values::Tiny(values) => values.shrink_to_fit(),
            Values::Narrow(values) => values.shrink_to_fit(),
            Values::Wide(values) => values.shrink_to_fit(),
        }
        self.absent.words.shrink_to_fit();
    }

    /// Empties the column, keeping its allocation (and its width).
    pub(crate) fn clear(&mut self) {
        self.truncate(0);
        self.absent = Bits::default();
    }

    /// The same values stored `bytes` bytes each at least (1, 2 or 4).
    #[cfg(test)]
    pub(crate) fn widened(&self, bytes: usize) -> OptColumn {
        let mut c = self.clone();
        c.widen_to(bytes);
        c
    }

    /// The bytes each value is stored in: 1, 2 or 4.
    #[cfg(test)]
    pub(crate) fn value_bytes(&self) -> usize {
        self.raw().bytes()
    }

    /// Whether the values are stored four bytes each.
    #[cfg(test)]
    pub(crate) fn is_wide(&self) -> bool {
        self.value_bytes() == 4
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        let values = match &self.values {
            Values::Tiny(values) => values.capacity(),
            Values::Narrow(values) => values.capacity() * 2,
            Values::Wide(values) => values.capacity() * 4,
        };
        values + self.absent.heap_bytes()
    }
}

/// A column a reader pushes a row's counts into: an [`OptColumn`], or a [`SlotColumn`].
pub(crate) trait PushCount {
    /// Whether [`PushCount::push_low`] may keep only a value's low bytes.
    const LOW: bool = false;

    /// Pushes one count, `None` when absent.
    fn push(&mut self, v: Option<u32>);

    /// Pushes one count, or (when [`PushCount::LOW`]) only its low bytes if it does not fit
    /// the column's slot, and gives the bits of the value past the slot's (0 when it fit): the
    /// caller ors them over the row, and pushes the row again with [`PushCount::push`] when
    /// one of them was not 0. (One check a row instead of one a value.)
    #[inline]
    fn push_low(&mut self, v: Option<u32>) -> u32 {
        self.push(v);
        0
    }
}

impl PushCount for OptColumn {
    #[expect(clippy::inline_always, reason = "measured: the reader's hot loop")]
    #[inline(always)]
    fn push(&mut self, v: Option<u32>) {
        OptColumn::push(self, v);
    }
}

/// A slot of a column read on every core: one byte or two.
#[cfg(feature = "parallel")]
pub(crate) trait Slot: Stored + Default + TryFrom<u32> {
    /// The bits of a slot.
    const BITS: u32;
    /// The low bytes of `v`, which fit the slot.
    fn low(v: u32) -> Self;
    /// Values as a column's raw values.
    fn raw(values: &[Self]) -> Raw<'_>;
    /// Values as a column's values.
    fn values(values: Vec<Self>) -> Values;
}

#[cfg(feature = "parallel")]
impl Slot for u8 {
    const BITS: u32 = 8;

    #[inline]
    fn low(v: u32) -> Self {
        v as u8
    }

    fn raw(values: &[Self]) -> Raw<'_> {
        Raw::Tiny(values)
    }

    fn values(values: Vec<Self>) -> Values {
        Values::Tiny(values)
    }
}

#[cfg(feature = "parallel")]
impl Slot for u16 {
    const BITS: u32 = 16;

    #[inline]
    fn low(v: u32) -> Self {
        v as u16
    }

    fn raw(values: &[Self]) -> Raw<'_> {
        Raw::Narrow(values)
    }

    fn values(values: Vec<Self>) -> Values {
        Values::Narrow(values)
    }
}

/// The slots of a joined count column, one byte or two a value, into which the parts of a
/// file read on every core write their counts ([`close_up`] joins them).
#[cfg(feature = "parallel")]
#[derive(Debug)]
pub(crate) enum SlotBuffer {
    /// One byte a value: every value of the column seen before reading was below 256.
    Tiny(Vec<u8>),
    /// Two bytes a value.
    Narrow(Vec<u16>),
}

#[cfg(feature = "parallel")]
impl SlotBuffer {
    /// `len` zeroed slots of `bytes` bytes (1, else 2): the system gives such memory page by
    /// page as the parts write it.
    pub(crate) fn zeroed(len: usize, bytes: usize) -> Self {
        match bytes {
            1 => SlotBuffer::Tiny(vec![0; len]),
            _ => SlotBuffer::Narrow(vec![0; len]),
        }
    }

    /// A column for each part writing into its slots: `room[k]` slots each, one part's after
    /// the other's from the first slot.
    pub(crate) fn parts(&mut self, room: &[usize]) -> Vec<SlotColumn<'_>> {
        fn split<'a, T: Slot>(
            mut rest: &'a mut [T],
            room: &[usize],
            column: fn(PartSlots<'a, T>) -> SlotColumn<'a>,
        ) -> Vec<SlotColumn<'a>> {
            room.iter()
                .map(|&r| {
                    let n = r.min(rest.len());
                    let (mine, after) = std::mem::take(&mut rest).split_at_mut(n);
                    rest = after;
                    column(PartSlots::new(mine))
                })
                .collect()
        }
        match self {
            SlotBuffer::Tiny(slots) => split(slots, room, SlotColumn::Tiny),
            SlotBuffer::Narrow(slots) => split(slots, room, SlotColumn::Narrow),
        }
    }
}

/// One part's counts of a column read on every core, written straight into that part's slots
/// of the joined column, one byte or two a value.
#[cfg(feature = "parallel")]
#[derive(Debug)]
pub(crate) enum SlotColumn<'a> {
    /// Into slots of one byte.
    Tiny(PartSlots<'a, u8>),
    /// Into slots of two bytes.
    Narrow(PartSlots<'a, u16>),
}

#[cfg(feature = "parallel")]
impl SlotColumn<'_> {
    /// Keeps the first `len` values.
    pub(crate) fn truncate(&mut self, len: usize) {
        match self {
            SlotColumn::Tiny(c) => c.truncate(len),
            SlotColumn::Narrow(c) => c.truncate(len),
        }
    }

    /// What [`close_up`] needs once the part is read.
    pub(crate) fn placed(self) -> Placed {
        match self {
            SlotColumn::Tiny(c) => c.placed(),
            SlotColumn::Narrow(c) => c.placed(),
        }
    }
}

#[cfg(feature = "parallel")]
impl PushCount for SlotColumn<'_> {
    const LOW: bool = true;

    #[inline]
    fn push_low(&mut self, v: Option<u32>) -> u32 {
        match self {
            SlotColumn::Tiny(c) => c.push_low(v),
            SlotColumn::Narrow(c) => c.push_low(v),
        }
    }

    #[inline]
    fn push(&mut self, v: Option<u32>) {
        match self {
            SlotColumn::Tiny(c) => c.push(v),
            SlotColumn::Narrow(c) => c.push(v),
        }
    }
}

/// One part's counts of a column in slots of type `T`: its values go in order into `slots`,
/// then (once they are full) into a vector of their own; absent values are kept as bits
/// counted from the part's first sheet. The first value that does not fit a slot moves every
/// value of the part into a column of its own, where the later ones follow.
#[cfg(feature = "parallel")]
#[derive(Debug)]
pub(crate) struct PartSlots<'a, T> {
    /// The part's slots; none once the part has a column of its own.
    slots: &'a mut [T],
    /// How many slots the part had.
    room: usize,
    len: usize,
    spill: Vec<T>,
    /// The part's values once one did not fit a slot (present values only: the absent bits
    /// are in `absent`).
    own: Option<OptColumn>,
    absent: Bits,
}

#[cfg(feature = "parallel")]
impl<'a, T: Slot> PartSlots<'a, T> {
    /// A column of no value, writing into `slots`.
    fn new(slots: &'a mut [T]) -> Self {
        PartSlots {
            room: slots.len(),
            slots,
            len: 0,
            spill: Vec::new(),
            own: None,
            absent: Bits::default(),
        }
    }

    /// Keeps the first `len` values.
    fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.absent.truncate(len);
            match &mut self.own {
                Some(own) => own.truncate(len),
                None => self.spill.truncate(len.saturating_sub(self.room)),
            }
            self.len = len;
        }
    }

    /// The part's values so far in a column of their own, with room for as many more as its
    /// slots had.
    #[cold]
    fn own(&mut self) -> &mut OptColumn {
        let mut own = OptColumn {
            values: T::values(Vec::with_capacity(self.room.max(self.len) + 1)),
            absent: Bits::default(),
        };
        own.extend_raw(T::raw(&self.slots[..self.len.min(self.room)]));
        own.extend_raw(T::raw(&self.spill));
        // No slot is written again: the inline push finds none, and goes past them.
        self.slots = &mut [];
        self.spill = Vec::new();
        self.own.insert(own)
    }

    /// [`PushCount::push`] of a value past the slots, or that does not fit one.
    #[cold]
    #[inline(never)]
    fn push_past_slots(&mut self, v: Option<u32>) {
        if v.is_none() {
            self.absent.set(self.len);
        }
        let v = v.unwrap_or(0);
        match (&mut self.own, T::try_from(v)) {
            (Some(own), _) => own.push_value(v),
            (None, Ok(fits)) => match self.slots.get_mut(self.len) {
                Some(slot) => *slot = fits,
                None => self.spill.push(fits),
            },
            (None, Err(_)) => self.own().push_value(v),
        }
        self.len += 1;
    }

    #[inline]
    fn push_low(&mut self, v: Option<u32>) -> u32 {
        // (A part with a column of its own has no slot left: its values go past them, whole.)
        if let Some(slot) = self.slots.get_mut(self.len) {
            let value = v.unwrap_or(0);
            *slot = T::low(value);
            if v.is_none() {
                self.absent.set(self.len);
            }
            self.len += 1;
            value >> T::BITS
        } else {
            self.push_past_slots(v);
            0
        }
    }

    #[inline]
    fn push(&mut self, v: Option<u32>) {
        // The common case inline: a value that fits into a slot.
        match (T::try_from(v.unwrap_or(0)), self.slots.get_mut(self.len)) {
            (Ok(fits), Some(slot)) => {
                *slot = fits;
                if v.is_none() {
                    self.absent.set(self.len);
                }
                self.len += 1;
            }
            _ => self.push_past_slots(v),
        }
    }

    /// What [`close_up`] needs once the part is read: the values past its slots (or all of
    /// them, in a column of its own) and the absent bits, without the borrow of the slots.
    fn placed(self) -> Placed {
        Placed {
            room: self.room,
            len: self.len,
            spill: OptColumn {
                values: T::values(self.spill),
                absent: Bits::default(),
            },
            own: self.own,
            absent: self.absent,
        }
    }
}

/// A part's values of a column, as [`SlotColumn::placed`] leaves them: `len` values, either all
/// in `own`, or the first `room` of them (at most) in the part's slots and the rest in `spill`
/// (values that fit a slot).
#[cfg(feature = "parallel")]
#[derive(Debug, Clone, Default)]
pub(crate) struct Placed {
    room: usize,
    len: usize,
    spill: OptColumn,
    own: Option<OptColumn>,
    absent: Bits,
}

/// The column of every part's values in order, from `slots` (part `k`'s slots start at
/// `starts[k]` and number `placed[k].room`, the parts' slots follow one another): each part's
/// values are moved down to follow the part before's, within `slots`, so that nothing is
/// allocated or copied elsewhere. When a part has more values than the room the parts before it
/// left, or when some part has a column of its own (a value that did not fit a slot), the
/// column is built anew instead, as wide as its widest part.
#[cfg(feature = "parallel")]
pub(crate) fn close_up(slots: SlotBuffer, starts: &[usize], placed: Vec<Placed>) -> OptColumn {
    match slots {
        SlotBuffer::Tiny(slots) => close_up_in(slots, starts, placed),
        SlotBuffer::Narrow(slots) => close_up_in(slots, starts, placed),
    }
}

/// [`close_up`] of slots of type `T`.
#[cfg(feature = "parallel")]
fn close_up_in<T: Slot>(mut slots: Vec<T>, starts: &[usize], placed: Vec<Placed>) -> OptColumn {
    debug_assert_eq!(starts.len(), placed.len());
    let mut absent = Bits::default();
    // Part `k`'s values go to `dest..dest + len`: they must not reach the slots of a part not
    // moved yet.
    let mut dest = 0;
    let fits = starts.iter().zip(&placed).all(|(&start, p)| {
        let ok = dest <= start;
        dest += p.len;
        ok
    });
    let in_slots = placed.iter().all(|p| p.own.is_none());
    if !(fits && in_slots) {
        let total = placed.iter().map(|p| p.len).sum();
        let mut column = OptColumn {
            values: T::values(Vec::new()),
            absent: Bits::default(),
        };
        let widest = placed.iter().filter_map(|p| p.own.as_ref());
        column.widen_to(widest.map(|c| c.raw().bytes()).max().unwrap_or(1));
        column.reserve(total);
        for (&start, p) in starts.iter().zip(&placed) {
            let base = column.len();
            for i in p.absent.iter_ones() {
                absent.set(base + i);
            }
            if let Some(own) = &p.own {
                column.extend_raw(own.raw());
            } else {
                column.extend_raw(T::raw(&slots[start..start + p.len.min(p.room)]));
                column.extend_raw(p.spill.raw());
            }
        }
        column.absent = absent;
        return column;
    }
    let mut dest = 0;
    for (&start, p) in starts.iter().zip(&placed) {
        let n = p.len.min(p.room);
        slots.copy_within(start..start + n, dest);
        let spill = p.spill.raw();
        let end = dest + n + spill.len();
        if end > slots.len() {
            // Only the last part can run past the slots.
            slots.resize(end, T::default());
        }
        // Values that fit a slot (the others made a column of the part's own).
        with_raw!(spill, |s| {
            for (slot, &v) in slots[dest + n..end].iter_mut().zip(s) {
                *slot = T::low(v.value());
            }
        });
        for i in p.absent.iter_ones() {
            absent.set(dest + i);
        }
        dest = end;
    }
    slots.truncate(dest);
    OptColumn {
        values: T::values(slots),
        absent,
    }
}

/// Strings in one buffer, with the end offset of each.
#[derive(Debug, Clone, Default)]
struct Piece {
    buf: String,
    ends: Vec<u64>,
}

impl Piece {
    #[inline]
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.buf.get(start..end)
    }

    fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.ends.capacity() * 8
    }

    fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// A column of strings: in one buffer with the end offset of each, after any pieces of strings
/// appended whole. A file read on every core keeps each part's ids where the part wrote them
/// (the last part's go on growing as sheets are pushed), instead of copying them all once more
/// when the parts are joined.
#[derive(Debug, Clone, Default)]
pub(crate) struct StrColumn {
    /// The pieces before `last`, each with the index of its first string, in order; none empty.
    before: Vec<(usize, Piece)>,
    /// The strings in `before`.
    base: usize,
    /// The last strings, where new ones are pushed.
    last: Piece,
}

impl StrColumn {
    #[inline]
    pub(crate) fn push(&mut self, s: &str) {
        self.last.buf.push_str(s);
        self.last.ends.push(self.last.buf.len() as u64);
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        match i.checked_sub(self.base) {
            Some(k) => self.last.get(k),
            None => self.get_before(i),
        }
    }

    /// String `i`, which is in `before`.
    #[inline(never)]
    fn get_before(&self, i: usize) -> Option<&str> {
        let p = self.before.partition_point(|(first, _)| *first <= i);
        let (first, piece) = self.before.get(p.checked_sub(1)?)?;
        piece.get(i - first)
    }

    /// The number of strings.
    pub(crate) fn len(&self) -> usize {
        self.base + self.last.ends.len()
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.before.shrink_to_fit();
        for (_, p) in &mut self.before {
            p.shrink_to_fit();
        }
        self.last.shrink_to_fit();
    }

    /// Whether there is no string.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends empty strings until there are `len`.
    pub(crate) fn pad_to(&mut self, len: usize) {
        let end = self.last.buf.len() as u64;
        if let Some(n) = len
            .checked_sub(self.base)
            .filter(|&n| n > self.last.ends.len())
        {
            self.last.ends.resize(n, end);
        }
    }

    /// Appends every string of `other`, taking its pieces as they are (no string is copied).
    #[cfg(any(test, feature = "parallel"))]
    pub(crate) fn append(&mut self, other: StrColumn) {
        let StrColumn { before, last, .. } = other;
        for piece in before
            .into_iter()
            .map(|(_, p)| p)
            .chain(std::iter::once(last))
        {
            if piece.ends.is_empty() {
                continue;
            }
            let done = std::mem::replace(&mut self.last, piece);
            if !done.ends.is_empty() {
                let n = done.ends.len();
                self.before.push((self.base, done));
                self.base += n;
            }
        }
    }

    /// The bytes of all its strings.
    pub(crate) fn bytes(&self) -> usize {
        self.before.iter().map(|(_, p)| p.buf.len()).sum::<usize>() + self.last.buf.len()
    }

    /// Empties the column, keeping the allocation of its last piece.
    pub(crate) fn clear(&mut self) {
        self.before.clear();
        self.base = 0;
        self.last.buf.clear();
        self.last.ends.clear();
    }

    pub(crate) fn reserve(&mut self, n: usize, bytes: usize) {
        self.last.ends.reserve(n);
        self.last.buf.reserve(bytes);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.before.capacity() * std::mem::size_of::<(usize, Piece)>()
            + self
                .before
                .iter()
                .map(|(_, p)| p.heap_bytes())
                .sum::<usize>()
            + self.last.heap_bytes()
    }
}

/// Two columns are equal when they hold the same strings, however they are cut into pieces.
impl PartialEq for StrColumn {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len()).all(|i| self.get(i) == other.get(i))
    }
}

impl Eq for StrColumn {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two-byte values are summed exactly however many there are: at the largest value, at
    /// every length around the runs of 2^16 that are summed in `u32` (one run more would pass
    /// `u32::MAX`), and as slices that start inside a run.
    #[test]
    fn two_byte_sums_are_exact_across_runs() {
        const RUN: usize = 1 << 16;
        for len in [
            0,
            1,
            2,
            RUN - 1,
            RUN,
            RUN + 1,
            2 * RUN - 1,
            2 * RUN,
            2 * RUN + 1,
            3 * RUN + 5,
        ] {
            for value in [u16::MAX, u16::MAX - 1, 1] {
                let values = vec![value; len];
                let exact = len as u64 * u64::from(value);
                assert_eq!(Stored::sum(&values[..]), exact, "{len} values of {value}");
                assert_eq!(Raw::Narrow(&values).sum(), exact);
                if let Some(tail) = values.get(3..) {
                    assert_eq!(Raw::Narrow(tail).sum(), exact - 3 * u64::from(value));
                }
            }
        }
        let wide = vec![u32::MAX; 3];
        assert_eq!(Raw::Wide(&wide).sum(), 3 * u64::from(u32::MAX));
    }

    /// One-byte values are summed exactly however many there are: at the largest value and
    /// at every length around the steps of sixteen lanes and the runs of 256 steps that are
    /// summed in `u16` (one run of 258 steps would pass `u16::MAX`), and as slices that start
    /// inside a step.
    #[test]
    fn one_byte_sums_are_exact_across_runs() {
        // Sixteen lanes, runs of 256 steps of them.
        const STEP: usize = 16;
        const RUN: usize = STEP * 256;
        let values = vec![u8::MAX; 2 * RUN + STEP + 1];
        for len in [
            0,
            1,
            2,
            STEP - 1,
            STEP,
            STEP + 1,
            RUN - 1,
            RUN,
            RUN + 1,
            RUN + STEP,
            2 * RUN - 1,
            2 * RUN,
            2 * RUN + 1,
            2 * RUN + STEP + 1,
        ] {
            let exact = len as u64 * u64::from(u8::MAX);
            assert_eq!(Stored::sum(&values[..len]), exact, "{len} values");
            assert_eq!(Raw::Tiny(&values[..len]).sum(), exact);
            if len >= 3 {
                assert_eq!(Raw::Tiny(&values[3..len]).sum(), exact - 3 * 255);
            }
        }
    }

    /// A column widens at the first value past each width, from one byte to two to four, or
    /// from one straight to four, keeping every value and absent bit, and stays wide.
    #[test]
    fn columns_widen_at_each_width() {
        for (values, bytes) in [
            (vec![Some(255), None, Some(0)], 1),
            (vec![Some(255), None, Some(256)], 2),
            (vec![Some(1), Some(65_535), None, Some(256)], 2),
            (vec![Some(1), Some(256), Some(65_536)], 4),
            (vec![None, Some(255), Some(u32::MAX), Some(3)], 4),
        ] {
            let mut c = OptColumn::default();
            for v in &values {
                c.push(*v);
            }
            assert_eq!(c.value_bytes(), bytes, "{values:?}");
            assert_eq!(
                (0..values.len()).map(|i| c.get(i)).collect::<Vec<_>>(),
                values
            );
            for wider in [1, 2, 4] {
                let w = c.widened(wider);
                assert_eq!(w.value_bytes(), bytes.max(wider));
                assert_eq!(w, c);
            }
            c.truncate(1);
            c.push(Some(0));
            assert_eq!(c.value_bytes(), bytes, "widened for good");
        }
    }

    /// A column truncated is the column of its first values pushed alone: the same values, the
    /// same absent bits and count, and no word past the highest set bit (as `==` sees them), at
    /// every length around the word boundaries.
    #[test]
    fn truncating_is_pushing_fewer() {
        let value = |i: usize, pattern: usize| match pattern {
            0 => None,
            1 => Some(i as u32),
            2 => (i % 3 != 0).then_some(7),
            _ => (i == 64 || i == 130).then_some(1),
        };
        for pattern in 0..4 {
            for total in [0, 1, 2, 63, 64, 65, 127, 128, 129, 200] {
                let mut full = OptColumn::default();
                for i in 0..total {
                    full.push(value(i, pattern));
                }
                for len in (0..=total + 1).filter(|l| l % 7 < 3 || l % 64 < 2 || *l + 2 > total) {
                    let mut cut = full.clone();
                    cut.truncate(len);
                    let mut fresh = OptColumn::default();
                    for i in 0..len.min(total) {
                        fresh.push(value(i, pattern));
                    }
                    assert_eq!(cut, fresh, "pattern {pattern}, {total} values cut to {len}");
                    assert_eq!(cut.present(), fresh.present());
                    assert_eq!(cut.len(), len.min(total));
                }
            }
        }
    }

    /// A column is widened by the first value past two bytes, and is equal to a narrow one
    /// with the same values and absent bits; a value or an absent bit apart makes two columns
    /// unequal, at either width or across them.
    #[test]
    fn columns_are_compared_by_value_whatever_their_width() {
        let column = |values: &[Option<u32>]| {
            let mut c = OptColumn::default();
            for v in values {
                c.push(*v);
            }
            c
        };
        let narrow = column(&[Some(1), None, Some(65_535)]);
        assert!(!narrow.is_wide());
        let past = column(&[Some(1), None, Some(65_536)]);
        assert!(past.is_wide());
        assert_eq!(past.get(2), Some(65_536));
        let wide = narrow.widened(4);
        assert!(wide.is_wide());
        assert_eq!(wide, narrow);
        assert_eq!(format!("{wide:?}"), format!("{narrow:?}"));
        assert_ne!(past, narrow);
        assert_ne!(narrow, past);
        assert_ne!(past.widened(4), wide);
        assert_ne!(column(&[Some(1), Some(0), Some(65_535)]), narrow);
        assert_ne!(column(&[Some(1), Some(0), Some(65_535)]).widened(4), wide);
        assert_ne!(column(&[Some(1), None, Some(65_535), Some(0)]), wide);
        // Widened once, wide for good: the value dropped again leaves the others as they were.
        let mut dropped = past.clone();
        dropped.truncate(2);
        dropped.push(Some(65_535));
        assert!(dropped.is_wide());
        assert_eq!(dropped, narrow);
        assert!(dropped.heap_bytes() >= 3 * 4);
    }

    #[test]
    fn optional_values_keep_absence() {
        let mut c = OptColumn::default();
        c.push(Some(3));
        c.push(None);
        c.push(Some(0));
        assert_eq!(
            (c.get(0), c.get(1), c.get(2), c.get(3)),
            (Some(3), None, Some(0), None)
        );
        assert_eq!(c.present(), 2);
        assert_eq!(c.absent_positions().collect::<Vec<_>>(), vec![1]);
        let mut d = OptColumn::default();
        d.push(None);
        d.extend(&c);
        assert_eq!(
            (d.get(0), d.get(1), d.get(2), d.get(3)),
            (None, Some(3), None, Some(0))
        );
        assert!(c.has_absent());
        let a = OptColumn::absent(70);
        assert_eq!(a.present(), 0);
        assert_eq!(a.absent_positions().count(), 70);
        assert_eq!(a.get(69), None);
    }

    /// What a part pushes into its slots: counts (`None` absent), and now and then a row's
    /// counts dropped (a rejected row: the column cut back by 1 or 2 values).
    #[cfg(feature = "parallel")]
    fn part_ops() -> impl proptest::strategy::Strategy<Value = Vec<Option<Option<u32>>>> {
        use proptest::prelude::*;
        proptest::collection::vec(
            prop_oneof![
                // Mostly values of one byte, then of two, now and then one of four (which
                // gives the part a column of its own), and the values at the edges.
                12 => (0..=u32::from(u8::MAX)).prop_map(|v| Some(Some(v))),
                3 => (0..=u32::from(u16::MAX)).prop_map(|v| Some(Some(v))),
                1 => any::<u32>().prop_map(|v| Some(Some(v))),
                1 => prop_oneof![
                    Just(255u32),
                    Just(256),
                    Just(65_535),
                    Just(65_536),
                    Just(u32::MAX)
                ]
                .prop_map(|v| Some(Some(v))),
                4 => Just(Some(None)),
                2 => Just(None),
            ],
            0..90,
        )
    }

    /// Slots of `bytes` bytes (1 or 2), `total` of them, none zero (so that a slot read but
    /// never written shows).
    #[cfg(feature = "parallel")]
    fn slots_of(bytes: usize, total: usize) -> SlotBuffer {
        match bytes {
            1 => SlotBuffer::Tiny(vec![u8::MAX; total]),
            _ => SlotBuffer::Narrow(vec![u16::MAX; total]),
        }
    }

    #[cfg(feature = "parallel")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// The law of the parts' slots: whatever room each part had (none, too little, too
        /// much, exactly enough) and whatever the slots' width, the joined column is the parts'
        /// columns appended in order, with their absent values, as one column pushed value by
        /// value would hold them.
        #[test]
        fn closed_up_slots_are_the_parts_appended(
            parts in proptest::collection::vec((part_ops(), 0usize..80), 1..5),
            tail in 0usize..3,
            bytes in 1usize..3,
        ) {
            let room: Vec<usize> = parts.iter().map(|(_, r)| *r).collect();
            let total: usize = room.iter().sum::<usize>() + tail;
            let mut slots = slots_of(bytes, total);
            let mut starts = Vec::new();
            let mut expected = OptColumn::default();
            let mut placed = Vec::new();
            let mut at = 0;
            for ((ops, r), mut part) in parts.iter().zip(slots.parts(&room)) {
                starts.push(at);
                at += r;
                let mut alone = OptColumn::default();
                for op in ops {
                    if let Some(v) = op {
                        part.push(*v);
                        alone.push(*v);
                    } else {
                        let len = alone.len().saturating_sub(1 + alone.len() % 2);
                        part.truncate(len);
                        alone.truncate(len);
                    }
                }
                expected.extend(&alone);
                placed.push(part.placed());
            }
            let joined = close_up(slots, &starts, placed);
            proptest::prop_assert_eq!(&joined, &expected);
            proptest::prop_assert_eq!(joined.present(), expected.present());
            // As wide as the slots, or as the widest value some part met (even one dropped
            // again), as one column pushed value by value would be.
            proptest::prop_assert_eq!(joined.value_bytes(), expected.value_bytes().max(bytes));
            for i in 0..expected.len() {
                proptest::prop_assert_eq!(joined.get(i), expected.get(i));
                proptest::prop_assert_eq!(joined.raw().at(i), expected.raw().at(i));
            }
        }

        /// A row pushed by its low bytes says which values did not fit their slots: the bits
        /// past the slot of each, 0 for every value that fit (and for a value pushed past the
        /// slots, which is pushed whole).
        #[test]
        fn low_pushes_say_what_did_not_fit(
            values in proptest::collection::vec(proptest::option::of(proptest::prelude::any::<u32>()), 0..20),
            room in 0usize..20,
            bytes in 1usize..3,
        ) {
            let mut slots = slots_of(bytes, room);
            let mut part = slots.parts(&[room]).pop().unwrap();
            for (i, v) in values.iter().enumerate() {
                let past = part.push_low(*v);
                let fits = v.unwrap_or(0) < 1 << (8 * bytes);
                proptest::prop_assert_eq!(past == 0, fits || i >= room, "{:?} at {}", v, i);
            }
        }
    }

    /// Room at the edges, in slots of one byte and of two: every part with no slot, with one
    /// slot short, and the last part running past the end of the slots.
    #[cfg(feature = "parallel")]
    #[test]
    fn slots_at_the_edges() {
        let values = |n: u32, from: u32| (from..from + n).map(Some).collect::<Vec<_>>();
        for bytes in [1, 2] {
            for (rooms, lens) in [
                (vec![0, 0], vec![3, 2]),
                (vec![2, 2], vec![3, 1]),
                (vec![2, 2], vec![1, 4]),
                (vec![2, 2], vec![2, 2]),
                (vec![1], vec![0]),
                (vec![0], vec![0]),
            ] {
                let total: usize = rooms.iter().sum();
                let mut slots = slots_of(bytes, total);
                let mut starts = Vec::new();
                let mut placed = Vec::new();
                let mut expected = OptColumn::default();
                let mut at = 0;
                for (k, ((&r, &n), mut part)) in
                    rooms.iter().zip(&lens).zip(slots.parts(&rooms)).enumerate()
                {
                    starts.push(at);
                    at += r;
                    for v in values(n, 50 * k as u32) {
                        part.push(v);
                        expected.push(v);
                    }
                    let part = part.placed();
                    // Into the part's slots while there is room, past them after.
                    assert_eq!(part.spill.len(), (n as usize).saturating_sub(r));
                    placed.push(part);
                }
                let joined = close_up(slots, &starts, placed);
                assert_eq!(joined, expected, "{rooms:?} {lens:?}");
                // In place, at the slots' width: no value needed more.
                assert_eq!(joined.value_bytes(), bytes);
            }
        }
    }

    #[test]
    fn strings_round_trip() {
        let mut s = StrColumn::default();
        for v in ["", "abc", "ñ", ""] {
            s.push(v);
        }
        assert_eq!(
            (0..5).map(|i| s.get(i)).collect::<Vec<_>>(),
            vec![Some(""), Some("abc"), Some("ñ"), Some(""), None]
        );
        let mut t = StrColumn::default();
        t.push("x");
        t.append(s.clone());
        assert_eq!(
            (t.get(0), t.get(2), t.get(3)),
            (Some("x"), Some("abc"), Some("ñ"))
        );
    }

    /// Columns appended whole read as the same strings pushed one by one, at every index and
    /// past the end, with empty columns and padding between them, and go on growing after.
    #[test]
    fn strings_appended_in_pieces_read_as_pushed() {
        let text = |i: usize| "ñx".repeat(i % 3) + &i.to_string();
        for cuts in [
            vec![],
            vec![0],
            vec![0, 0, 5],
            vec![1],
            vec![1, 2],
            vec![3, 3, 4, 9],
            vec![10],
        ] {
            let mut whole = StrColumn::default();
            let mut pieced = StrColumn::default();
            let mut from = 0;
            for &to in cuts.iter().chain(std::iter::once(&10)) {
                let mut piece = StrColumn::default();
                for i in from..to.max(from) {
                    whole.push(&text(i));
                    piece.push(&text(i));
                }
                from = to.max(from);
                pieced.append(piece);
                assert_eq!(pieced.len(), whole.len(), "{cuts:?}");
            }
            // Padded, then pushed into.
            whole.pad_to(12);
            pieced.pad_to(12);
            whole.push("z");
            pieced.push("z");
            assert_eq!(pieced, whole, "{cuts:?}");
            for i in 0..15 {
                assert_eq!(pieced.get(i), whole.get(i), "{cuts:?} at {i}");
            }
            assert_eq!(pieced.bytes(), whole.bytes());
            assert!(pieced.heap_bytes() >= pieced.bytes());
            // A pieced column appended whole to another, and one string apart.
            let mut twice = pieced.clone();
            twice.append(pieced.clone());
            let mut flat = whole.clone();
            for i in 0..whole.len() {
                flat.push(whole.get(i).unwrap_or_default());
            }
            assert_eq!(twice, flat, "{cuts:?}");
            assert_eq!(twice.get(2 * whole.len() - 1), Some("z"));
            let mut other = pieced.clone();
            other.pad_to(0);
            assert_eq!(other, pieced);
            other.push("more");
            assert_ne!(other, pieced);
            let mut changed = StrColumn::default();
            for i in 0..whole.len() {
                changed.push(if i == 4 {
                    "other"
                } else {
                    whole.get(i).unwrap_or_default()
                });
            }
            assert_ne!(changed, pieced, "{cuts:?}");
            pieced.clear();
            assert!(pieced.is_empty() && pieced.get(0).is_none());
        }
    }
}
