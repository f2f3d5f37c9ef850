//! Hash tables filled and probed in bucket order: the table-id index, the places, and the tables
//! a stream has seen. A national set's tables do not fit in the cache; looking keys up or
//! inserting them in the order of the buckets they fall in turns a cache miss per key into
//! sequential reads.

/// The table hash of 32 stored hash bits: a multiplication spreads them over 64 bits, so that
/// both the bucket (low bits) and hashbrown's control byte (top bits) vary.
#[inline]
pub(crate) fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The mask of a hashbrown table's bucket index (its number of buckets less one), from its
/// capacity: 7/8 of the buckets from 8 buckets up, one less than the buckets below.
#[inline]
pub(crate) fn bucket_mask(capacity: usize) -> u64 {
    (capacity as u64 + 1).next_power_of_two() - 1
}

/// How far a bucket index (at most `mask`) is shifted right to give its bin, when `n` keys are
/// sorted by [`sort_by_bucket`]: bins of about eight keys, at most 2^16 of them; below 4,096
/// keys, or at 2^32 keys and more, a bin is a bucket.
pub(crate) fn bin_shift(n: usize, mask: u64) -> u32 {
    match u32::try_from(n) {
        Ok(n) if n >= 4096 => {
            let bits = 64 - mask.leading_zeros();
            let bin_bits = (32 - (n / 8).leading_zeros()).min(16);
            bits.saturating_sub(bin_bits)
        }
        _ => 0,
    }
}

/// Sorts `keys` by the bin of `bucket(key)` (a bucket index, at most `mask`; a bin is a run of
/// consecutive buckets, [`bin_shift`]), then by the keys themselves: [`group_by_bucket`], then
/// each bin's few keys in full. Keys of one bucket (equal keys among them) are neighbours, in the
/// keys' order. A comparison sort of a million keys by bucket cost 400 instructions a key, and
/// the binned sort by bucket a tenth.
pub(crate) fn sort_by_bucket<T: Copy + Ord + Default>(
    keys: &mut Vec<T>,
    mask: u64,
    bucket: impl Fn(&T) -> u64,
) {
    let shift = bin_shift(keys.len(), mask);
    if shift == 0 {
        keys.sort_unstable_by_key(|k| (bucket(k) & mask, *k));
        return;
    }
    let starts = scatter_by_bin(keys, mask, shift, bucket);
    for w in starts.windows(2) {
        keys[w[0] as usize..w[1] as usize].sort_unstable();
    }
}

/// Orders `keys` by the bin of `bucket(key)` (a bucket index, at most `mask`; a bin is a run of
/// consecutive buckets, [`bin_shift`]), the keys of one bin in the order they came: a counting
/// sort. Keys come in the order of their buckets, give or take the width of a bin, which is what
/// turns a cache miss per key into sequential reads when they go into a table of that mask.
pub(crate) fn group_by_bucket<T: Copy + Default>(
    keys: &mut Vec<T>,
    mask: u64,
    bucket: impl Fn(&T) -> u64,
) {
    let shift = bin_shift(keys.len(), mask);
    if shift == 0 {
        keys.sort_by_key(|k| bucket(k) & mask);
        return;
    }
    scatter_by_bin(keys, mask, shift, bucket);
}

/// The counting sort of [`group_by_bucket`] for bins of `shift` bits (not 0), which gives the
/// start of each bin and, last, the number of keys.
fn scatter_by_bin<T: Copy + Default>(
    keys: &mut Vec<T>,
    mask: u64,
    shift: u32,
    bucket: impl Fn(&T) -> u64,
) -> Vec<u32> {
    let bits = 64 - mask.leading_zeros();
    let bin = |k: &T| ((bucket(k) & mask) >> shift) as usize;
    let bin_count = 1usize << (bits - shift);
    // Counted in 32 bits: `bin_shift` is 0 from 2^32 keys on.
    let mut starts = vec![0u32; bin_count + 1];
    for k in keys.iter() {
        starts[bin(k) + 1] += 1;
    }
    for b in 0..bin_count {
        starts[b + 1] += starts[b];
    }
    let mut next = starts.clone();
    let mut sorted = vec![T::default(); keys.len()];
    for k in keys.iter() {
        let b = bin(k);
        sorted[next[b] as usize] = *k;
        next[b] += 1;
    }
    *keys = sorted;
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binned sort equals a comparison sort by bin and key, and the grouping a stable sort
    /// by bin, at the sizes around its threshold and at
    /// masks narrower and wider than its 16 bits of bins.
    #[test]
    fn sorting_by_bucket_equals_a_comparison_sort() {
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 32) as u32
        };
        for n in [0usize, 1, 2, 4095, 4096, 4097, 70_000] {
            // Hashes from a pool, so that equal hashes (repeats) meet.
            let keys: Vec<(u32, u32)> = (0..n as u32).map(|i| (next() % 5_000, i)).collect();
            for bits in [0u32, 3, 16, 17, 20] {
                let mask = (1u64 << bits) - 1;
                let shift = bin_shift(n, mask);
                let mut expected = keys.clone();
                expected.sort_unstable_by_key(|&(h, i)| ((spread(h) & mask) >> shift, h, i));
                let mut got = keys.clone();
                sort_by_bucket(&mut got, mask, |&(h, _)| spread(h));
                assert_eq!(got, expected, "{n} keys, {bits} bits");
                // Grouped: by bin, each bin's keys in the order they came.
                let mut expected = keys.clone();
                expected.sort_by_key(|&(h, _)| (spread(h) & mask) >> shift);
                let mut got = keys.clone();
                group_by_bucket(&mut got, mask, |&(h, _)| spread(h));
                assert_eq!(got, expected, "{n} keys, {bits} bits, grouped");
            }
        }
    }

    /// The mask is the buckets less one, as hashbrown sizes its tables.
    #[test]
    fn the_mask_is_the_buckets_less_one() {
        for n in [0usize, 1, 3, 4, 7, 8, 14, 15, 100, 917_504, 917_505] {
            let t: hashbrown::HashTable<u64> = hashbrown::HashTable::with_capacity(n);
            let buckets = bucket_mask(t.capacity()) + 1;
            assert!(buckets.is_power_of_two(), "{n}");
            // hashbrown holds at most 7/8 of its buckets (all but one below 8 buckets).
            let most = if buckets < 8 {
                buckets - 1
            } else {
                buckets / 8 * 7
            };
            assert_eq!(t.capacity() as u64, most, "{n}");
        }
    }
}
