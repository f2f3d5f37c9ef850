//! The table-id index: the first sheet of each table, found by the id's hash, in shards chosen
//! by hash bits, so that a set read in bulk is indexed on every core (each shard is a table of
//! its own, filled in the order of its buckets).

use hashbrown::HashTable;

use super::super::buckets::spread;

/// The number of shards: enough for every core of a large machine to index one at a time.
pub(super) const SHARDS: usize = 16;

/// The shard of a hash: bits of its spread form that neither pick the bucket (the low bits)
/// nor make hashbrown's control byte (the top seven).
#[inline]
pub(super) fn shard(h: u32) -> usize {
    (spread(h) >> 40) as usize & (SHARDS - 1)
}

/// One shard: (first sheet, 32 bits of the id's hash) for the tables whose hash picks it.
pub(super) type Shard = HashTable<(u32, u32)>;

/// Every table's first sheet, as (sheet, 32 bits of the id's hash), in [`SHARDS`] tables by
/// [`shard`]. Keeping the hash bits lets a table grow without reading every id again.
#[derive(Debug, Clone, Default)]
pub(super) struct TableIndex {
    pub(super) shards: [Shard; SHARDS],
}

impl TableIndex {
    /// The entry of hash `h` for which `eq` holds.
    #[inline]
    pub(super) fn find(&self, h: u32, eq: impl FnMut(&(u32, u32)) -> bool) -> Option<&(u32, u32)> {
        self.shards[shard(h)].find(spread(h), eq)
    }

    /// Room for about `n` more tables (their hashes spread them evenly over the shards).
    pub(super) fn reserve(&mut self, n: usize) {
        let each = n.div_ceil(SHARDS);
        for s in &mut self.shards {
            s.reserve(each, |&(_, h)| spread(h));
        }
    }

    pub(super) fn shrink_to_fit(&mut self) {
        for s in &mut self.shards {
            s.shrink_to_fit(|&(_, h)| spread(h));
        }
    }

    pub(super) fn clear(&mut self) {
        for s in &mut self.shards {
            s.clear();
        }
    }

    pub(super) fn allocation_size(&self) -> usize {
        self.shards.iter().map(HashTable::allocation_size).sum()
    }
}

/// `keys` (hash, sheet) split by shard, each shard's in their order.
pub(super) fn split(keys: impl Iterator<Item = (u32, u32)> + Clone) -> Vec<Vec<(u32, u32)>> {
    let mut counts = [0usize; SHARDS];
    for (h, _) in keys.clone() {
        counts[shard(h)] += 1;
    }
    let mut out: Vec<Vec<(u32, u32)>> = counts.iter().map(|&n| Vec::with_capacity(n)).collect();
    for k in keys {
        out[shard(k.0)].push(k);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shard gets a share of the hashes, and a shard's keys keep their order.
    #[test]
    fn hashes_spread_over_every_shard_in_order() {
        let keys: Vec<(u32, u32)> = (0..16_000u32)
            .map(|i| (i.wrapping_mul(0x9E37_79B9) ^ (i >> 3), i))
            .collect();
        let parts = split(keys.iter().copied());
        assert_eq!(parts.len(), SHARDS);
        for p in &parts {
            assert!((800..1_200).contains(&p.len()), "{}", p.len());
            assert!(p.windows(2).all(|w| w[0].1 < w[1].1));
            assert!(p.iter().all(|&(h, _)| shard(h) == shard(p[0].0)));
        }
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), keys.len());
    }
}
