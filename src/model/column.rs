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
