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

/// Sorts `keys` by `bucket(key)` (a bucket index, at most `mask`), then by the keys themselves:
/// a counting sort on the bucket's top bits (bins of about eight keys, at most 2^16 bins), then
/// each bin's few keys in full. A comparison
/// sort of a million keys cost 400 instructions a key; this costs about a tenth.
pub(crate) fn sort_by_bucket<T: Copy + Ord + Default>(
    keys: &mut Vec<T>,
    mask: u64,
    bucket: impl Fn(&T) -> u64,
) {
    let order = |k: &T| (bucket(k) & mask, *k);
    if keys.len() < 4096 {
        keys.sort_unstable_by_key(order);
        return;
    }
    // Bins of about eight keys, at most 2^16 of them, counted in 32 bits (a set holds fewer
    // than 2^32 sheets; more keys go through the comparison sort).
    let Ok(n) = u32::try_from(keys.len()) else {
        keys.sort_unstable_by_key(order);
        return;
    };
    let bits = 64 - mask.leading_zeros();
    let bin_bits = (32 - (n / 8).leading_zeros()).min(16);
    let shift = bits.saturating_sub(bin_bits);
    let bin = |k: &T| ((bucket(k) & mask) >> shift) as usize;
    let bin_count = 1usize << (bits - shift);
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
    for b in 0..bin_count {
        sorted[starts[b] as usize..starts[b + 1] as usize].sort_unstable_by_key(order);
    }
    *keys = sorted;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binned sort equals a comparison sort, at the sizes around its threshold and at
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
                let mut expected = keys.clone();
                expected.sort_unstable_by_key(|&(h, i)| (spread(h) & mask, h, i));
                let mut got = keys.clone();
                sort_by_bucket(&mut got, mask, |&(h, _)| spread(h));
                assert_eq!(got, expected, "{n} keys, {bits} bits");
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
