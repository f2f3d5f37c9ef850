//! Adding sheets to a set, one at a time or in bulk with the table-id index built afterwards.

use super::*;
use crate::model::buckets::group_by_bucket;
#[cfg(feature = "parallel")]
use crate::model::column::{Placed, SlotBuffer, close_up};
use hashbrown::hash_table::Entry;

impl ActaSet {
    /// Adds a sheet and returns its index.
    ///
    /// A sheet of a table already in the set is kept and listed in [`ActaSet::repeats`]. Further
    /// fields not seen before become new columns, absent on earlier sheets.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Shape`](crate::ErrorKind::Shape) when the sheet has a different number of votes than the contest has
    /// ballot lines, or a place not of this set's geography; [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) past `u32::MAX`
    /// sheets.
    pub fn push(&mut self, sheet: ActaSheet) -> Result<usize> {
        self.index_pending();
        let index = self.push_sheet_deferred(&sheet)?;
        self.index_pending();
        Ok(index)
    }

    /// An empty set with this one's contest, source, further fields and geography (the same
    /// places, with the same identity, so that this set's place handles are its places); this
    /// set is left with an empty geography.
    pub(crate) fn emptied(&mut self) -> ActaSet {
        let geography = std::mem::take(&mut self.geography);
        let mut out = ActaSet::new(self.contest.clone(), geography);
        out.source.clone_from(&self.source);
        out.declare_extra(&self.extra_names);
        out
    }

    /// [`ActaSet::push`] without looking the table up (for readers in this crate): the caller
    /// calls [`ActaSet::index_pending`] once it has pushed everything.
    pub(crate) fn push_deferred(&mut self, sheet: &ActaSheet) -> Result<usize> {
        self.push_sheet_deferred(sheet)
    }

    /// [`ActaSet::push`] without looking the table up: the caller calls
    /// [`ActaSet::index_pending`] once it has pushed everything.
    pub(super) fn push_sheet_deferred(&mut self, sheet: &ActaSheet) -> Result<usize> {
        // Checked before new further fields are declared, so that a refused sheet leaves no trace.
        self.check_shape(sheet.table.as_str(), sheet.votes.len(), sheet.geo)?;
        let mut extra = vec![None; self.extra_names.len()];
        for (name, value) in &sheet.extra {
            let i = self.extra_index_or_add(name);
            if i >= extra.len() {
                extra.resize(i + 1, None);
            }
            extra[i] = Some(*value);
        }
        self.push_raw_deferred(&RawSheet {
            id: sheet.table.as_str(),
            geo: sheet.geo,
            standard: [
                sheet.electors,
                sheet.voters,
                sheet.valid,
                sheet.null,
                sheet.blank,
            ],
            votes: &sheet.votes,
            extra: &extra,
            image: sheet.image.as_deref(),
        })
    }

    pub(super) fn check_shape(&self, id: &str, votes: usize, geo: Option<GeoPath>) -> Result<()> {
        if votes != self.lines.len() {
            return Err(Error::new(ErrorKind::Shape {
                message: format!(
                    "table {id}: {votes} vote entries for {} ballot lines",
                    self.lines.len()
                ),
            }));
        }
        if geo.is_some_and(|g| !self.geography.contains(g)) {
            return Err(Error::new(ErrorKind::Shape {
                message: format!("table {id}: its place is not of this set's geography"),
            }));
        }
        Ok(())
    }

    /// Adds a sheet from borrowed parts without looking its table up: readers push a whole file
    /// this way and call [`ActaSet::index_pending`] once at the end, which finds the repeats in
    /// one grouped pass instead of a hash lookup (a cache miss at national scale) per sheet.
    pub(crate) fn push_raw_deferred(&mut self, raw: &RawSheet<'_>) -> Result<usize> {
        self.check_shape(raw.id, raw.votes.len(), raw.geo)?;
        if raw.extra.len() != self.extra.len() {
            return Err(Error::new(ErrorKind::Shape {
                message: format!(
                    "table {}: {} further fields for {} declared",
                    raw.id,
                    raw.extra.len(),
                    self.extra.len()
                ),
            }));
        }
        for (c, v) in self.standard.iter_mut().zip(raw.standard) {
            c.push(v);
        }
        for (c, v) in self.lines.iter_mut().zip(raw.votes) {
            c.push(*v);
        }
        for (c, v) in self.extra.iter_mut().zip(raw.extra) {
            c.push(*v);
        }
        self.push_counted(raw.id, raw.geo, raw.image)
    }

    /// The count columns (the standard fields, the ballot lines, the further fields), for a
    /// reader to push a row's counts into, one value each, straight from its cells; then it
    /// calls [`ActaSet::push_counted`], or [`ActaSet::drop_counts`] when the row is rejected.
    pub(crate) fn row_columns(&mut self) -> RowColumns<'_> {
        RowColumns {
            standard: &mut self.standard,
            lines: &mut self.lines,
            extra: &mut self.extra,
        }
    }

    /// Drops the counts pushed beyond the last sheet: a row's, rejected after its counts were
    /// pushed ([`ActaSet::row_columns`]).
    pub(crate) fn drop_counts(&mut self) {
        let len = self.len();
        for c in self.count_columns_mut() {
            c.truncate(len);
        }
    }

    /// Adds a sheet whose counts are already pushed, one into every count column
    /// ([`ActaSet::row_columns`]), without looking its table up (as
    /// [`ActaSet::push_raw_deferred`]). On an error the counts are dropped too.
    pub(crate) fn push_counted(
        &mut self,
        id: &str,
        geo: Option<GeoPath>,
        image: Option<&str>,
    ) -> Result<usize> {
        // Every caller has checked the id (the reader, to reject the row; a `TableId`) and the
        // place (of this geography), and pushed one count into every column.
        debug_assert!(table::validate(id).is_ok(), "{id:?}");
        debug_assert!(geo.is_none_or(|g| self.geography.contains(g)));
        // (Or, for a part of a file read on every core, into slots of its own, leaving the
        // set's columns empty.)
        debug_assert!(
            self.count_columns().all(|c| c.len() == self.len() + 1)
                || self.count_columns().all(|c| c.len() == 0)
        );
        let index = self.len();
        if u32::try_from(index).is_err() {
            self.drop_counts();
            return Err(Error::overflow("number of sheets"));
        }
        if self.pending.len() == index - self.indexed {
            self.pending.push(self.hasher.hash_one(id) as u32);
        }
        self.ids.push(id);
        self.geo.push(geo.map(GeoPath::raw));
        // The image column is empty until a sheet has an image (most files have none): then
        // the sheets before get an empty reference each.
        match image {
            Some(image) => {
                self.images.pad_to(index);
                self.images.push(image);
            }
            None if !self.images.is_empty() => self.images.push(""),
            None => {}
        }
        Ok(index)
    }

    /// Looks up the sheets pushed since the last indexing, in push order as if each had been
    /// pushed with [`ActaSet::push`]: a table already seen makes a repeat of its first sheet.
    ///
    /// The pending sheets are grouped by the buckets of their hashes, in push order within a
    /// group, and looked up and inserted in that order (sequential reads and writes, not a
    /// cache miss each).
    pub(crate) fn index_pending(&mut self) {
        let (start, end) = (self.indexed, self.len());
        if start == end {
            return;
        }
        // The hashes taken at push time, or (when sheets came another way) from the ids.
        let pending = std::mem::take(&mut self.pending);
        let mut keys: Vec<(u32, u32)> = if pending.len() == end - start {
            keys_of(&pending, start)
        } else {
            (start..end)
                .map(|i| {
                    (
                        self.hasher.hash_one(self.ids.get(i).unwrap_or("")) as u32,
                        i as u32,
                    )
                })
                .collect()
        };
        drop(pending);
        // By shard, each grouped by the bucket each hash takes in its shard once it has room for
        // every pending sheet, in push order within a group.
        let mut by_shard = if keys.len() == 1 {
            let mut one = vec![Vec::new(); index::SHARDS];
            let shard = index::shard(keys[0].0);
            one[shard] = std::mem::take(&mut keys);
            one
        } else {
            index::split(keys.iter().copied())
        };
        drop(keys);
        for (table, keys) in self.index.shards.iter_mut().zip(&mut by_shard) {
            if keys.is_empty() {
                continue;
            }
            table.reserve(keys.len(), |&(_, h)| spread(h));
            group_by_bucket(keys, bucket_mask(table.capacity()), |&(h, _)| spread(h));
        }
        self.index_grouped(&by_shard);
    }

    /// Indexes the pending sheets from their keys (hash, sheet) by shard, each shard's grouped by
    /// the buckets of a shard that has room for all of them ([`ActaSet::index_pending`]).
    fn index_grouped(&mut self, by_shard: &[Vec<(u32, u32)>]) {
        let end = self.len();
        self.pending = Vec::new();
        let found = self
            .index
            .shards
            .iter_mut()
            .zip(by_shard)
            .map(|(table, keys)| index_shard(table, &self.ids, keys))
            .collect();
        self.record_repeats(found);
        self.indexed = end;
    }

    /// Lists the repeats that indexing found, (first sheet, repeat) pairs by shard: in sheet
    /// order, each identical or conflicting.
    fn record_repeats(&mut self, found: Vec<Vec<(usize, usize)>>) {
        let mut new_repeats: Vec<(usize, usize)> = found.into_iter().flatten().collect();
        new_repeats.sort_unstable_by_key(|&(_, sheet)| sheet);
        for (first, sheet) in new_repeats {
            let kind = if self.same_counts(first, sheet) {
                RepeatKind::Identical
            } else {
                RepeatKind::Conflicting
            };
            self.repeats.push(Repeat { first, sheet, kind });
            self.repeated.set(sheet);
        }
    }

    /// Appends every sheet of `parts` (sets of the same contest and further fields, each with its
    /// own geography), in order, placing them in this set's geography, and indexes every sheet
    /// not yet indexed, as [`ActaSet::index_pending`] does.
    ///
    /// The parts' ids and images are taken first, each part's as it is (no string is copied).
    /// Then three things go on at once: the parts' places are interned here, and their sheets'
    /// places appended; the index's keys are split by shard and grouped, and the shards indexed
    /// (which reads the ids); the count columns are appended (one per task, each part's column
    /// dropped once appended, so that the memory held grows by little more than a column). The
    /// repeats the index found are told identical or conflicting once the counts are joined.
    ///
    /// The count columns come from the parts, or, when `counts` holds them, from the slots the
    /// parts wrote their counts into ([`close_up`]; then this set's and the parts' own count
    /// columns are empty, and this set's are the joined columns afterwards).
    #[cfg(feature = "parallel")]
    pub(crate) fn append_parts(
        &mut self,
        mut parts: Vec<ActaSet>,
        counts: Option<PlacedCounts>,
    ) -> Result<()> {
        use rayon::prelude::*;
        let added: usize = parts.iter().map(ActaSet::len).sum();
        u32::try_from(self.len() + added).map_err(|_| Error::overflow("number of sheets"))?;
        // The ids' hashes come along when the sets hash alike (`share_hasher`) and have all of
        // theirs; otherwise they are taken here.
        if self.pending.len() != self.len() - self.indexed {
            self.pending = (self.indexed..self.len())
                .map(|i| self.hasher.hash_one(self.ids.get(i).unwrap_or("")) as u32)
                .collect();
        }
        let this = &*self;
        parts.par_iter_mut().for_each(|other| {
            let usable =
                other.indexed == 0 && other.pending.len() == other.len() && this.same_hasher(other);
            if !usable {
                other.pending = (0..other.len())
                    .map(|i| this.hasher.hash_one(other.ids.get(i).unwrap_or("")) as u32)
                    .collect();
            }
        });
        // What the other tasks take from the parts: ids and images; hashes; columns.
        let texts: Vec<(usize, StrColumn, StrColumn)> = parts
            .iter_mut()
            .map(|p| {
                let len = p.len();
                (
                    len,
                    std::mem::take(&mut p.ids),
                    std::mem::take(&mut p.images),
                )
            })
            .collect();
        let hashes: Vec<(usize, Vec<u32>)> = parts
            .iter_mut()
            .map(|p| (p.len(), std::mem::take(&mut p.pending)))
            .collect();
        let columns: Vec<Vec<OptColumn>> = parts
            .iter_mut()
            .map(|p| p.count_columns_mut().map(std::mem::take).collect())
            .collect();
        let start = self.indexed;
        let end = self.len() + added;
        let own = std::mem::take(&mut self.pending);
        let before = self.len();
        // The ids and images first: each part's are taken as they are, which costs nothing, and
        // the index reads the ids.
        append_texts(&mut self.ids, &mut self.images, before, texts);
        let ActaSet {
            geography,
            geo,
            standard,
            lines,
            extra,
            ids,
            index,
            ..
        } = self;
        let ids = &*ids;
        let (placed, (found, ())) = rayon::join(
            || append_places(geography, geo, &parts),
            || {
                rayon::join(
                    || {
                        let by_shard = group_keys(index, start, &own, before, hashes);
                        find_in_shards(index, ids, by_shard)
                    },
                    || {
                        let mine: Vec<&mut OptColumn> = standard
                            .iter_mut()
                            .chain(lines.iter_mut())
                            .chain(extra.iter_mut())
                            .collect();
                        append_columns(mine, columns, counts, added);
                    },
                )
            },
        );
        drop(parts);
        placed?;
        // Told apart once the counts are joined.
        self.pending = Vec::new();
        self.record_repeats(found);
        self.indexed = end;
        Ok(())
    }

    /// Hashes table ids as `other` does, so that parts read apart can be joined with their
    /// hashes ([`ActaSet::append_parts`]). Only for an empty set.
    #[cfg(feature = "parallel")]
    pub(crate) fn share_hasher(&mut self, other: &ActaSet) {
        if self.is_empty() {
            self.hasher = other.hasher.clone();
        }
    }

    /// Whether the two sets hash ids alike: two hashers of different random seeds agree on two
    /// probes with a chance of about 2^-128.
    #[cfg(feature = "parallel")]
    fn same_hasher(&self, other: &ActaSet) -> bool {
        [0u64, 1]
            .iter()
            .all(|p| self.hasher.hash_one(p) == other.hasher.hash_one(p))
    }

    /// Whether sheets `a` and `b` carry the same counts in every field.
    pub(super) fn same_counts(&self, a: usize, b: usize) -> bool {
        self.count_columns().all(|c| c.get(a) == c.get(b))
    }
}

/// The buckets of a hashbrown table with room for `capacity` entries: 7/8 of its buckets hold
/// entries from 8 buckets up (smaller tables are sized otherwise; a caller checks the table it
/// gets).
#[cfg(feature = "parallel")]
fn buckets_for(capacity: usize) -> u64 {
    (capacity as u64 * 8 / 7).next_power_of_two().max(8)
}

/// The count columns of a file read on every core, as its parts wrote them: each column's
/// slots (part `k`'s from `starts[k]` on) and each part's [`Placed`] values.
#[cfg(feature = "parallel")]
pub(crate) struct PlacedCounts {
    pub(crate) starts: Vec<usize>,
    pub(crate) columns: Vec<(SlotBuffer, Vec<Placed>)>,
}

/// The index's keys (hash, sheet) by shard, from this set's pending hashes (`own`, of sheets
/// `start..`) and the parts' (their sheets from `before` on), each shard's grouped by the bucket
/// it will take once the shard has room for them (reserved afterwards, so that the room is not
/// held while the columns are joined), in push order within a group; with the mask grouped by.
/// The parts' hashes are dropped.
#[cfg(feature = "parallel")]
fn group_keys(
    index: &index::TableIndex,
    start: usize,
    own: &[u32],
    before: usize,
    hashes: Vec<(usize, Vec<u32>)>,
) -> Vec<(Vec<(u32, u32)>, u64)> {
    use rayon::prelude::*;
    let mut base = before;
    let mut sources = vec![(own, start)];
    for (len, pending) in &hashes {
        sources.push((pending.as_slice(), base));
        base += len;
    }
    let splits: Vec<Vec<Vec<(u32, u32)>>> = sources
        .par_iter()
        .map(|&(hashes, from)| index::split(hashes.iter().zip(from..).map(|(&h, i)| (h, i as u32))))
        .collect();
    let by_shard = index
        .shards
        .par_iter()
        .enumerate()
        .map(|(s, table)| {
            let mut keys: Vec<(u32, u32)> =
                Vec::with_capacity(splits.iter().map(|p| p[s].len()).sum());
            for p in &splits {
                keys.extend_from_slice(&p[s]);
            }
            let want = table.len() + keys.len();
            let mask = if table.capacity() >= want {
                bucket_mask(table.capacity())
            } else {
                buckets_for(want) - 1
            };
            group_by_bucket(&mut keys, mask, |&(h, _)| spread(h));
            (keys, mask)
        })
        .collect();
    drop(splits);
    drop(hashes);
    by_shard
}

/// Indexes pending sheets from their keys by shard, each shard's grouped by the buckets of
/// `mask` ([`group_keys`]), the shards on every core: each shard is given room for its keys
/// (and its keys grouped again, from push order, when hashbrown sizes it otherwise than
/// foreseen), then indexed ([`index_shard`]). The (first sheet, repeat) pairs found, by shard.
#[cfg(feature = "parallel")]
fn find_in_shards(
    index: &mut index::TableIndex,
    ids: &StrColumn,
    by_shard: Vec<(Vec<(u32, u32)>, u64)>,
) -> Vec<Vec<(usize, usize)>> {
    use rayon::prelude::*;
    index
        .shards
        .par_iter_mut()
        .zip(by_shard)
        .map(|(table, (mut keys, mask))| {
            table.reserve(keys.len(), |&(_, h)| spread(h));
            let room = bucket_mask(table.capacity());
            if room != mask {
                keys.sort_unstable_by_key(|&(_, sheet)| sheet);
                group_by_bucket(&mut keys, room, |&(h, _)| spread(h));
            }
            index_shard(table, ids, &keys)
        })
        .collect()
}

/// Makes `mine` (a set's count columns) hold the parts' counts after their own, each column on
/// a task: closed up from the slots the parts wrote them into (`counts`), or appended from the
/// parts' columns (`added` values in all), each part's dropped once appended.
#[cfg(feature = "parallel")]
fn append_columns(
    mine: Vec<&mut OptColumn>,
    parts: Vec<Vec<OptColumn>>,
    counts: Option<PlacedCounts>,
    added: usize,
) {
    use rayon::prelude::*;
    if let Some(PlacedCounts { starts, columns }) = counts {
        debug_assert_eq!(columns.len(), mine.len());
        mine.into_par_iter()
            .zip(columns)
            .for_each(|(column, (slots, parts))| {
                *column = close_up(slots, &starts, parts);
            });
        return;
    }
    let mut columns: Vec<Vec<OptColumn>> = (0..parts.first().map_or(0, Vec::len))
        .map(|_| Vec::with_capacity(parts.len()))
        .collect();
    for part in parts {
        for (k, c) in part.into_iter().enumerate() {
            columns[k].push(c);
        }
    }
    mine.into_par_iter()
        .zip(columns)
        .for_each(|(column, from)| {
            column.reserve(added);
            for part in from {
                column.extend(&part);
            }
        });
}

/// Interns the places of `parts` in `geography` (parents before children, part by part) and
/// appends their sheets' places to `geo`.
#[cfg(feature = "parallel")]
fn append_places(
    geography: &mut Geography,
    geo: &mut Vec<Option<NonZeroU32>>,
    parts: &[ActaSet],
) -> Result<()> {
    let places: usize = parts.iter().map(|p| p.geography.len()).sum();
    let text: usize = parts.iter().map(|p| p.geography.text_len()).sum();
    geography.reserve(places, text);
    geo.reserve(parts.iter().map(ActaSet::len).sum());
    for other in parts {
        let map = geography.merge(&other.geography)?;
        geo.extend(
            other
                .geo
                .iter()
                .map(|g| g.map(|g| map[g.get() as usize - 1])),
        );
    }
    Ok(())
}

/// Appends the ids and images of parts (their sheets, ids and images) to those of a set of
/// `before` sheets, each part's taken as it is (no string is copied).
#[cfg(feature = "parallel")]
fn append_texts(
    ids: &mut StrColumn,
    images: &mut StrColumn,
    before: usize,
    parts: Vec<(usize, StrColumn, StrColumn)>,
) {
    let mut at = before;
    for (len, other_ids, other_images) in parts {
        ids.append(other_ids);
        if !other_images.is_empty() {
            images.pad_to(at);
            images.append(other_images);
        }
        at += len;
    }
    if !images.is_empty() {
        images.pad_to(at);
    }
}

/// Indexes one shard's pending sheets from their keys (hash, sheet), grouped by the shard's
/// buckets and in push order within a bin ([`group_by_bucket`]): a first reading goes into the
/// shard, and a sheet whose id is there already makes a (first sheet, repeat) pair. Ids are read
/// only when another sheet shares the hash.
fn index_shard(
    table: &mut index::Shard,
    ids: &StrColumn,
    keys: &[(u32, u32)],
) -> Vec<(usize, usize)> {
    let mut new_repeats: Vec<(usize, usize)> = Vec::new();
    for &(h, i) in keys {
        let same = |&(j, hj): &(u32, u32)| {
            hj == h && ids.get(j as usize) == Some(ids.get(i as usize).unwrap_or(""))
        };
        match table.entry(spread(h), same, |&(_, hh)| spread(hh)) {
            Entry::Occupied(first) => new_repeats.push((first.get().0 as usize, i as usize)),
            Entry::Vacant(room) => {
                room.insert((i, h));
            }
        }
    }
    new_repeats
}

/// The keys (hash, sheet) of sheets `start..` whose ids hash to `pending`.
fn keys_of(pending: &[u32], start: usize) -> Vec<(u32, u32)> {
    pending
        .iter()
        .zip(start..)
        .map(|(&h, i)| (h, i as u32))
        .collect()
}

#[cfg(all(test, feature = "parallel"))]
mod tests {
    use super::*;
    use hashbrown::HashTable;

    /// The foreseen buckets are hashbrown's from 8 entries up, so that a file read in parts is
    /// not grouped twice.
    #[test]
    fn the_foreseen_buckets_are_hashbrowns() {
        for n in (8..2_000).chain([917_504, 917_505, 1_000_000, 1_002_069]) {
            let t: HashTable<(u32, u32)> = HashTable::with_capacity(n);
            assert_eq!(buckets_for(n), bucket_mask(t.capacity()) + 1, "{n}");
        }
    }
}
