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

/// A column of optional counts: a `u32` per sheet plus a bit per absent value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OptColumn {
    values: Vec<u32>,
    absent: Bits,
}

impl OptColumn {
    /// A column of `len` absent values.
    pub(crate) fn absent(len: usize) -> Self {
        let mut c = OptColumn {
            values: vec![0; len],
            absent: Bits::default(),
        };
        for i in 0..len {
            c.absent.set(i);
        }
        c
    }

    #[inline]
    pub(crate) fn push(&mut self, v: Option<u32>) {
        if v.is_none() {
            self.absent.set(self.values.len());
        }
        self.values.push(v.unwrap_or(0));
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<u32> {
        let v = *self.values.get(i)?;
        (!self.absent.get(i)).then_some(v)
    }

    /// The number of values.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Keeps the first `len` values.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.values.truncate(len);
        self.absent.truncate(len);
    }

    /// The raw values, 0 where absent; pair with [`OptColumn::has_absent`].
    #[inline]
    pub(crate) fn raw(&self) -> &[u32] {
        &self.values
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
        let base = self.values.len();
        self.values.extend_from_slice(&other.values);
        for i in other.absent.iter_ones() {
            self.absent.set(base + i);
        }
    }

    /// The number of present values.
    pub(crate) fn present(&self) -> usize {
        self.values.len() - self.absent.ones()
    }

    pub(crate) fn reserve(&mut self, n: usize) {
        self.values.reserve(n);
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.values.shrink_to_fit();
        self.absent.words.shrink_to_fit();
    }

    /// Empties the column, keeping its allocation.
    pub(crate) fn clear(&mut self) {
        self.values.clear();
        self.absent = Bits::default();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.values.capacity() * 4 + self.absent.heap_bytes()
    }
}

/// A column a reader pushes a row's counts into: an [`OptColumn`], or a [`SlotColumn`].
pub(crate) trait PushCount {
    /// Pushes one count, `None` when absent.
    fn push(&mut self, v: Option<u32>);
}

impl PushCount for OptColumn {
    #[inline]
    fn push(&mut self, v: Option<u32>) {
        OptColumn::push(self, v);
    }
}

/// One part's counts of a column read on every core, written straight into that part's slots
/// of the joined column: its values go in order into `slots`, then (once they are full) into a
/// vector of their own; absent values are kept as bits counted from the part's first sheet.
/// [`close_up`] makes the joined column of every part's.
#[cfg(feature = "parallel")]
#[derive(Debug)]
pub(crate) struct SlotColumn<'a> {
    slots: &'a mut [u32],
    len: usize,
    spill: Vec<u32>,
    absent: Bits,
}

#[cfg(feature = "parallel")]
impl<'a> SlotColumn<'a> {
    /// A column of no value, writing into `slots`.
    pub(crate) fn new(slots: &'a mut [u32]) -> Self {
        SlotColumn {
            slots,
            len: 0,
            spill: Vec::new(),
            absent: Bits::default(),
        }
    }

    /// Keeps the first `len` values.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.absent.truncate(len);
            self.spill.truncate(len.saturating_sub(self.slots.len()));
            self.len = len;
        }
    }

    /// What [`close_up`] needs once the part is read: the values past its slots and the absent
    /// bits, without the borrow of the slots.
    pub(crate) fn placed(self) -> Placed {
        Placed {
            room: self.slots.len(),
            len: self.len,
            spill: self.spill,
            absent: self.absent,
        }
    }
}

#[cfg(feature = "parallel")]
impl PushCount for SlotColumn<'_> {
    #[inline]
    fn push(&mut self, v: Option<u32>) {
        if v.is_none() {
            self.absent.set(self.len);
        }
        let v = v.unwrap_or(0);
        match self.slots.get_mut(self.len) {
            Some(slot) => *slot = v,
            None => self.spill.push(v),
        }
        self.len += 1;
    }
}

/// A part's values of a column, as [`SlotColumn::placed`] leaves them: `len` values, the first
/// `room` of them (at most) in the part's slots, the rest in `spill`.
#[cfg(feature = "parallel")]
#[derive(Debug, Clone, Default)]
pub(crate) struct Placed {
    room: usize,
    len: usize,
    spill: Vec<u32>,
    absent: Bits,
}

/// The column of every part's values in order, from `slots` (part `k`'s slots start at
/// `starts[k]` and number `placed[k].room`, the parts' slots follow one another): each part's
/// values are moved down to follow the part before's, within `slots`, so that nothing is
/// allocated or copied elsewhere. When a part has more values than the room the parts before it
/// left, the column is built anew instead.
#[cfg(feature = "parallel")]
pub(crate) fn close_up(mut slots: Vec<u32>, starts: &[usize], placed: Vec<Placed>) -> OptColumn {
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
    if !fits {
        let total = placed.iter().map(|p| p.len).sum();
        let mut values = Vec::with_capacity(total);
        for (&start, p) in starts.iter().zip(&placed) {
            for i in p.absent.iter_ones() {
                absent.set(values.len() + i);
            }
            values.extend_from_slice(&slots[start..start + p.len.min(p.room)]);
            values.extend_from_slice(&p.spill);
        }
        return OptColumn { values, absent };
    }
    let mut dest = 0;
    for (&start, p) in starts.iter().zip(&placed) {
        let n = p.len.min(p.room);
        slots.copy_within(start..start + n, dest);
        let end = dest + n + p.spill.len();
        if end > slots.len() {
            // Only the last part can run past the slots.
            slots.resize(end, 0);
        }
        slots[dest + n..end].copy_from_slice(&p.spill);
        for i in p.absent.iter_ones() {
            absent.set(dest + i);
        }
        dest = end;
    }
    slots.truncate(dest);
    OptColumn {
        values: slots,
        absent,
    }
}

/// A column of strings in one buffer, with the end offset of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StrColumn {
    buf: String,
    ends: Vec<u64>,
}

impl StrColumn {
    #[inline]
    pub(crate) fn push(&mut self, s: &str) {
        self.buf.push_str(s);
        self.ends.push(self.buf.len() as u64);
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.buf.get(start..end)
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Whether there is no string.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Appends empty strings until there are `len`.
    pub(crate) fn pad_to(&mut self, len: usize) {
        let end = self.buf.len() as u64;
        if self.ends.len() < len {
            self.ends.resize(len, end);
        }
    }

    /// Appends every string of `other`.
    #[cfg(any(test, feature = "parallel"))]
    pub(crate) fn extend(&mut self, other: &StrColumn) {
        let base = self.buf.len() as u64;
        self.buf.push_str(&other.buf);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }

    /// The bytes of all its strings.
    pub(crate) fn bytes(&self) -> usize {
        self.buf.len()
    }

    /// Empties the column, keeping its allocation.
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
    }

    pub(crate) fn reserve(&mut self, n: usize, bytes: usize) {
        self.ends.reserve(n);
        self.buf.reserve(bytes);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.ends.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                6 => any::<u32>().prop_map(|v| Some(Some(v))),
                2 => Just(Some(None)),
                1 => Just(None),
            ],
            0..90,
        )
    }

    #[cfg(feature = "parallel")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// The law of the parts' slots: whatever room each part had (none, too little, too
        /// much, exactly enough), the joined column is the parts' columns appended in order,
        /// with their absent values, as one column pushed value by value would hold them.
        #[test]
        fn closed_up_slots_are_the_parts_appended(
            parts in proptest::collection::vec((part_ops(), 0usize..80), 1..5),
            tail in 0usize..3,
        ) {
            let room: Vec<usize> = parts.iter().map(|(_, r)| *r).collect();
            let total: usize = room.iter().sum::<usize>() + tail;
            let mut slots = vec![u32::MAX; total];
            let mut starts = Vec::new();
            let mut expected = OptColumn::default();
            let mut placed = Vec::new();
            {
                let mut rest = slots.as_mut_slice();
                let mut at = 0;
                for (ops, r) in &parts {
                    let (mine, after) = rest.split_at_mut(*r);
                    rest = after;
                    starts.push(at);
                    at += r;
                    let mut part = SlotColumn::new(mine);
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
            }
            let joined = close_up(slots, &starts, placed);
            proptest::prop_assert_eq!(&joined, &expected);
            proptest::prop_assert_eq!(joined.present(), expected.present());
        }
    }

    /// Room at the edges: every part with no slot, with one slot short, and the last part
    /// running past the end of the slots.
    #[cfg(feature = "parallel")]
    #[test]
    fn slots_at_the_edges() {
        let values = |n: u32, from: u32| (from..from + n).map(Some).collect::<Vec<_>>();
        for (rooms, lens) in [
            (vec![0, 0], vec![3, 2]),
            (vec![2, 2], vec![3, 1]),
            (vec![2, 2], vec![1, 4]),
            (vec![2, 2], vec![2, 2]),
            (vec![1], vec![0]),
            (vec![0], vec![0]),
        ] {
            let total: usize = rooms.iter().sum();
            let mut slots = vec![0; total];
            let mut starts = Vec::new();
            let mut placed = Vec::new();
            let mut expected = OptColumn::default();
            {
                let mut rest = slots.as_mut_slice();
                let mut at = 0;
                for (k, (&r, &n)) in rooms.iter().zip(&lens).enumerate() {
                    let (mine, after) = rest.split_at_mut(r);
                    rest = after;
                    starts.push(at);
                    at += r;
                    let mut part = SlotColumn::new(mine);
                    for v in values(n, 100 * k as u32) {
                        part.push(v);
                        expected.push(v);
                    }
                    placed.push(part.placed());
                }
            }
            assert_eq!(
                close_up(slots, &starts, placed),
                expected,
                "{rooms:?} {lens:?}"
            );
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
        t.extend(&s);
        assert_eq!(
            (t.get(0), t.get(2), t.get(3)),
            (Some("x"), Some("abc"), Some("ñ"))
        );
    }
}
