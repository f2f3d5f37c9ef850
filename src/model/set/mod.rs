// Over 600 lines with its unit tests (485 of code); adding sheets is in `build.rs`.
//! The columnar collection of sheets.
//!
//! In files: this one holds the types, the accessors and the tests; `build` adds sheets to a
//! set and indexes their table ids.

mod build;
#[cfg(feature = "parallel")]
pub(crate) use build::PlacedCounts;
mod index;

use std::hash::BuildHasher;
use std::num::NonZeroU32;

use hashbrown::DefaultHashBuilder;

use super::buckets::{bucket_mask, spread};
use super::column::{Bits, OptColumn, StrColumn};
use super::contest::Contest;
use super::geo::{GeoPath, Geography};
use super::sheet::{ActaSheet, Field};
use super::table;
use super::view::SheetRef;
use crate::error::{Error, ErrorKind, Result};

/// Whether a repeated reading of a table agrees with the first one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RepeatKind {
    /// Every count is the same as in the first reading.
    Identical,
    /// At least one count differs: a conflict for the audit to report.
    Conflicting,
}

/// A sheet whose table already had a sheet in the set.
///
/// Both readings stay in the set; totals count each table once, with its first reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Repeat {
    /// The index of the table's first sheet.
    pub first: usize,
    /// The index of the repeated sheet.
    pub sheet: usize,
    /// Whether the numbers agree.
    pub kind: RepeatKind,
}

/// The borrowed parts of one sheet, as the CSV reader pushes them without allocating.
pub(crate) struct RawSheet<'a> {
    pub id: &'a str,
    pub geo: Option<GeoPath>,
    /// Electors, voters, valid, null, blank.
    pub standard: [Option<u32>; 5],
    pub votes: &'a [Option<u32>],
    pub extra: &'a [Option<u32>],
    pub image: Option<&'a str>,
}

/// Count columns, for a reader to push a row's counts into straight from its cells: a set's
/// ([`ActaSet::row_columns`]), or the slots of a part of a file read on every core.
pub(crate) struct RowColumns<'a, C = OptColumn> {
    /// Electors, voters, valid, null, blank.
    pub standard: &'a mut [C],
    /// One per ballot line.
    pub lines: &'a mut [C],
    /// One per further field.
    pub extra: &'a mut [C],
}

/// A collection of tally sheets of one contest, stored by column and built for millions of
/// sheets.
///
/// Invariants: every sheet has one vote entry per ballot line of the contest and one entry per
/// further field; every sheet's place is of the set's geography; every sheet's table id is a valid
/// [`TableId`](crate::TableId). Several sheets may share a table id (a repeated reading): all are kept, each
/// repeat is listed in [`ActaSet::repeats`] as identical or conflicting, and totals count each
/// table once, with its first sheet.
///
/// Sheets go in as [`ActaSheet`] values and come out as [`ActaSheet`] values; the columns stay
/// inside. A count takes 4 bytes plus a bit when absent; there is no allocation per sheet.
///
/// # Example
///
/// ```
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("mayor", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["district"])?);
/// let north = set.add_place(None, "N", Some("North"))?;
/// set.push(ActaSheet::new(TableId::new("001")?).with_geo(north).with_valid(10).with_votes([Some(6), Some(4)]))?;
/// set.push(ActaSheet::new(TableId::new("002")?).with_geo(north).with_valid(7).with_votes([Some(2), Some(5)]))?;
///
/// assert_eq!(set.len(), 2);
/// assert_eq!(set.find("002"), Some(1));
/// assert_eq!(set.sheet(1).unwrap().votes().collect::<Vec<_>>(), [Some(2), Some(5)]);
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ActaSet {
    contest: Contest,
    geography: Geography,
    source: Option<String>,
    ids: StrColumn,
    /// Each sheet's place, as the geography's stored index (4 bytes with the absent case).
    geo: Vec<Option<NonZeroU32>>,
    standard: [OptColumn; 5],
    lines: Vec<OptColumn>,
    extra_names: Vec<String>,
    extra: Vec<OptColumn>,
    /// Each sheet's image reference ("" for none); no entry at all while no sheet has one.
    images: StrColumn,
    hasher: DefaultHashBuilder,
    /// First sheet of each table: (sheet index, 32 bits of the id's hash). Keeping the hash bits
    /// lets the table grow without reading every id again.
    index: index::TableIndex,
    /// Sheets `..indexed` are in the index and the repeats; later ones were pushed in bulk and
    /// wait for [`ActaSet::index_pending`].
    indexed: usize,
    /// 32 bits of the hash of each sheet's id from `indexed` on, taken while the id was in cache
    /// (pushed in bulk); emptied, and its memory given back, when they are indexed.
    pending: Vec<u32>,
    repeats: Vec<Repeat>,
    repeated: Bits,
}

fn standard_slot(field: Field) -> Option<usize> {
    Field::STANDARD.iter().position(|f| *f == field)
}

impl ActaSet {
    /// An empty set of sheets of `contest`, placed in `geography`.
    pub fn new(contest: Contest, geography: Geography) -> Self {
        let lines = vec![OptColumn::default(); contest.lines().len()];
        ActaSet {
            contest,
            geography,
            source: None,
            ids: StrColumn::default(),
            geo: Vec::new(),
            standard: Default::default(),
            lines,
            extra_names: Vec::new(),
            extra: Vec::new(),
            images: StrColumn::default(),
            hasher: DefaultHashBuilder::default(),
            index: index::TableIndex::default(),
            indexed: 0,
            pending: Vec::new(),
            repeats: Vec::new(),
            repeated: Bits::default(),
        }
    }

    /// The same set, naming where its sheets come from (`"ConVzla V1"`).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Where the sheets come from, when known.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// Declares further named fields (ballots received, ...) in this order, before any sheet is
    /// pushed. A name already declared is skipped.
    pub fn declare_extra<S: AsRef<str>>(&mut self, names: impl IntoIterator<Item = S>) {
        for n in names {
            self.extra_index_or_add(n.as_ref());
        }
    }

    fn extra_index_or_add(&mut self, name: &str) -> usize {
        if let Some(i) = self.extra_names.iter().position(|n| n == name) {
            return i;
        }
        self.extra_names.push(name.to_owned());
        self.extra.push(OptColumn::absent(self.len()));
        self.extra_names.len() - 1
    }

    /// Reserves room for `n` more sheets.
    pub fn reserve(&mut self, n: usize) {
        self.reserve_rows(n, true);
        self.index.reserve(n);
    }

    /// Reserves exactly room for `n` more sheets in the columns a reader fills (not the index,
    /// which is sized when the sheets are indexed), with ids as long as those read so far (8
    /// bytes before the first); in the count columns only when `counts` (a part of a file read
    /// on every core writes its counts elsewhere).
    pub(crate) fn reserve_rows(&mut self, n: usize, counts: bool) {
        let id_bytes = match self.len() {
            0 => 8,
            len => self.ids.bytes() / len,
        };
        self.ids.reserve(n, n.saturating_mul(id_bytes));
        self.geo.reserve_exact(n);
        self.pending.reserve_exact(n);
        if counts {
            for c in self.count_columns_mut() {
                c.reserve(n);
            }
        }
    }

    /// The number of ballot lines and of further fields: with the five standard fields, the
    /// count columns.
    #[cfg(feature = "parallel")]
    pub(crate) fn count_shape(&self) -> (usize, usize) {
        (self.lines.len(), self.extra.len())
    }

    /// Every count column: the standard fields, the ballot lines, the further fields.
    pub(crate) fn count_columns(&self) -> impl Iterator<Item = &OptColumn> {
        self.standard.iter().chain(&self.lines).chain(&self.extra)
    }

    /// Every count column, to change.
    fn count_columns_mut(&mut self) -> impl Iterator<Item = &mut OptColumn> {
        self.standard
            .iter_mut()
            .chain(&mut self.lines)
            .chain(&mut self.extra)
    }

    /// Gives back the room the set grew beyond its sheets (vectors grow by doubling), at the cost
    /// of one copy of each column. The CSV reader calls it when it has read everything.
    pub fn shrink_to_fit(&mut self) {
        self.ids.shrink_to_fit();
        self.images.shrink_to_fit();
        self.geo.shrink_to_fit();
        for c in self.count_columns_mut() {
            c.shrink_to_fit();
        }
        self.index.shrink_to_fit();
        self.pending.shrink_to_fit();
        self.repeats.shrink_to_fit();
        // Last, when the rest holds least: its table is rebuilt beside the old one.
        self.geography.shrink_to_fit();
    }

    /// The contest.
    pub fn contest(&self) -> &Contest {
        &self.contest
    }

    /// The geography the sheets are placed in.
    pub fn geography(&self) -> &Geography {
        &self.geography
    }

    /// The geography, to add places (the readers). Not public: a caller could replace it and
    /// leave the sheets' places pointing nowhere.
    pub(crate) fn geography_mut(&mut self) -> &mut Geography {
        &mut self.geography
    }

    /// The place with code `code` under `parent` (`None`: at the top level) in the set's
    /// geography, added if new, to place sheets there. See [`Geography::intern`].
    ///
    /// # Errors
    ///
    /// As [`Geography::intern`]: a `parent` of another geography is an [`ErrorKind::Shape`](crate::ErrorKind::Shape).
    pub fn add_place(
        &mut self,
        parent: Option<GeoPath>,
        code: &str,
        name: Option<&str>,
    ) -> Result<GeoPath> {
        self.geography.intern(parent, code, name)
    }

    /// The place at the end of `path` (codes and names from the top level down), added with its
    /// ancestors where new. See [`Geography::intern_path`].
    ///
    /// # Errors
    ///
    /// As [`Geography::intern_path`].
    pub fn add_path(&mut self, path: &[(&str, Option<&str>)]) -> Result<GeoPath> {
        self.geography.intern_path(path)
    }

    /// The names of the further fields, in [`Field::Extra`] order.
    pub fn extra_fields(&self) -> &[String] {
        &self.extra_names
    }

    /// The number of sheets, repeats included.
    pub fn len(&self) -> usize {
        self.geo.len()
    }

    /// Whether there is no sheet.
    pub fn is_empty(&self) -> bool {
        self.geo.is_empty()
    }

    /// Sheet `i`, read in place, or `None` past the end.
    pub fn sheet(&self, i: usize) -> Option<SheetRef<'_>> {
        (i < self.len()).then(|| SheetRef::new(self, i))
    }

    /// Every sheet in order, repeats included, read in place.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = SheetRef<'_>> + '_ {
        (0..self.len()).map(|i| SheetRef::new(self, i))
    }

    /// The table id of sheet `i`.
    pub fn table_id(&self, i: usize) -> Option<&str> {
        self.ids.get(i)
    }

    /// The place of sheet `i`.
    pub fn geo(&self, i: usize) -> Option<GeoPath> {
        self.geo
            .get(i)
            .copied()
            .flatten()
            .map(|raw| self.geography.handle(raw))
    }

    /// Each sheet's place as stored: its index plus one, `None` for no place.
    pub(crate) fn geo_raw(&self) -> &[Option<NonZeroU32>] {
        &self.geo
    }

    /// The image reference of sheet `i`.
    pub fn image(&self, i: usize) -> Option<&str> {
        self.images.get(i).filter(|s| !s.is_empty())
    }

    /// The value of `field` on sheet `i`; `None` when absent, past the end or for an unknown
    /// field.
    pub fn count(&self, i: usize, field: Field) -> Option<u32> {
        self.column(field)?.get(i)
    }

    /// The number of sheets on which `field` is present.
    pub fn present(&self, field: Field) -> usize {
        self.column(field).map_or(0, OptColumn::present)
    }

    pub(crate) fn column(&self, field: Field) -> Option<&OptColumn> {
        match field {
            Field::Line(i) => self.lines.get(i),
            Field::Extra(i) => self.extra.get(i),
            f => standard_slot(f).map(|k| &self.standard[k]),
        }
    }

    /// The index of the first sheet of table `id`.
    pub fn find(&self, id: &str) -> Option<usize> {
        let h32 = self.hasher.hash_one(id) as u32;
        self.index
            .find(h32, |&(i, h)| {
                h == h32 && self.ids.get(i as usize) == Some(id)
            })
            .map(|&(i, _)| i as usize)
    }

    /// The indices of every sheet of table `id`, first reading first.
    pub fn readings(&self, id: &str) -> Vec<usize> {
        let Some(first) = self.find(id) else {
            return Vec::new();
        };
        std::iter::once(first)
            .chain(
                self.repeats
                    .iter()
                    .filter(|r| r.first == first)
                    .map(|r| r.sheet),
            )
            .collect()
    }

    /// Empties the set of its sheets, keeping its contest, geography, further fields and the
    /// room it has grown, to be filled again (a chunk of a stream).
    pub(crate) fn clear_sheets(&mut self) {
        self.ids.clear();
        self.geo.clear();
        for c in self.count_columns_mut() {
            c.clear();
        }
        self.images.clear();
        self.index.clear();
        self.indexed = 0;
        self.pending.clear();
        self.repeats.clear();
        self.repeated = Bits::default();
    }

    /// Exchanges the sheets of two sets of the same contest and further fields (with their
    /// index and repeats); each keeps its geography. The stream reads a chunk into a set whose
    /// geography holds every place read so far, and hands the sheets to another set to audit
    /// while it reads the next chunk: that set's sheets are placed in the first set's
    /// geography, so it must not be asked for their places.
    pub(crate) fn swap_sheets(&mut self, other: &mut ActaSet) {
        debug_assert!(self.contest == other.contest && self.extra_names == other.extra_names);
        std::mem::swap(self, other);
        std::mem::swap(&mut self.geography, &mut other.geography);
    }

    /// Replaces the repeated readings (sheet indices of this set; `first` may point outside it,
    /// into earlier chunks of a stream).
    pub(crate) fn set_repeats(&mut self, repeats: Vec<Repeat>) {
        self.repeated = Bits::default();
        for r in &repeats {
            self.repeated.set(r.sheet);
        }
        self.repeats = repeats;
    }

    /// The repeated readings, in the order they were pushed.
    pub fn repeats(&self) -> &[Repeat] {
        &self.repeats
    }

    /// Whether sheet `i` repeats a table that an earlier sheet already has.
    #[inline]
    pub fn is_repeat(&self, i: usize) -> bool {
        self.repeated.get(i)
    }

    /// The runs of first readings, in order: the sheets between the repeated ones, as ranges of
    /// indices (none empty). Every sheet when nothing repeats.
    pub(crate) fn first_reading_runs(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        let mut start = 0;
        self.repeated
            .iter_ones()
            .chain(std::iter::once(self.len()))
            .filter_map(move |r| {
                let run = start..r;
                start = r + 1;
                (!run.is_empty()).then_some(run)
            })
    }

    /// The number of distinct tables (sheets less repeats).
    pub fn tables(&self) -> usize {
        self.len() - self.repeats.len()
    }

    /// The heap memory the set holds, in bytes: every allocation it owns (columns, ids, the
    /// table index, the geography, the contest), at its capacity, as requested from the
    /// allocator (the allocator's own rounding and bookkeeping are not counted). A counting
    /// allocator checks it against what was really allocated (`tests/memory.rs`).
    pub fn heap_bytes(&self) -> usize {
        let columns: usize = self.count_columns().map(OptColumn::heap_bytes).sum();
        let extra_names: usize = self.extra_names.iter().map(String::capacity).sum();
        columns
            + (self.lines.capacity() + self.extra.capacity()) * std::mem::size_of::<OptColumn>()
            + self.ids.heap_bytes()
            + self.images.heap_bytes()
            + self.geo.capacity() * std::mem::size_of::<Option<NonZeroU32>>()
            + self.index.allocation_size()
            + self.pending.capacity() * 4
            + self.repeated.heap_bytes()
            + self.repeats.capacity() * std::mem::size_of::<Repeat>()
            + self.extra_names.capacity() * std::mem::size_of::<String>()
            + extra_names
            + self.source.as_ref().map_or(0, String::capacity)
            + self.contest.heap_bytes()
            + self.geography.heap_bytes()
    }
}

#[cfg(test)]
impl ActaSet {
    /// The count columns as stored (values, absent bits and their count), to compare two sets
    /// beyond what `==` sees.
    pub(crate) fn stored_counts(&self) -> String {
        format!("{:?} {:?} {:?}", self.standard, self.lines, self.extra)
    }
}

#[cfg(all(test, feature = "synth"))]
impl ActaSet {
    /// The same set with every count column stored `bytes` bytes a value at least (1, 2 or 4).
    pub(crate) fn widened(&self, bytes: usize) -> ActaSet {
        let mut set = self.clone();
        for c in set.count_columns_mut() {
            *c = c.widened(bytes);
        }
        set
    }
}

impl PartialEq for ActaSet {
    /// Two sets are equal when they have the same contest, source, level names, further fields
    /// and the same sheets in the same order, with places compared by their codes and names
    /// (not by index).
    fn eq(&self, other: &Self) -> bool {
        let place = |set: &ActaSet, i: usize| {
            set.geo(i).map(|g| {
                set.geography
                    .ancestors(g)
                    .filter_map(|p| set.geography.node(p))
                    .map(|n| (n.code().to_owned(), n.name().map(str::to_owned)))
                    .collect::<Vec<_>>()
            })
        };
        self.contest == other.contest
            && self.source == other.source
            && self.geography.levels() == other.geography.levels()
            && self.extra_names == other.extra_names
            && self.len() == other.len()
            && (0..self.len()).all(|i| {
                let (mut a, mut b) = (
                    self.sheet(i).map(|s| s.to_sheet()),
                    other.sheet(i).map(|s| s.to_sheet()),
                );
                let same_place = place(self, i) == place(other, i);
                if let (Some(a), Some(b)) = (&mut a, &mut b) {
                    a.geo = None;
                    b.geo = None;
                }
                same_place && a == b
            })
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::*;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SetRepr {
        contest: Contest,
        geography: Geography,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        extra_fields: Vec<String>,
        sheets: Vec<ActaSheet>,
    }

    impl Serialize for ActaSet {
        /// A set serialises as its contest, geography, source, further field names and its
        /// sheets in order; repeats are recomputed when it is read back.
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            SetRepr {
                contest: self.contest.clone(),
                geography: self.geography.clone(),
                source: self.source.clone(),
                extra_fields: self.extra_names.clone(),
                sheets: self.iter().map(|s| s.to_sheet()).collect(),
            }
            .serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for ActaSet {
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            use serde::de::Error as _;
            let r = SetRepr::deserialize(d)?;
            let mut set = ActaSet::new(r.contest, r.geography);
            set.source = r.source;
            set.declare_extra(&r.extra_fields);
            // Pushed in bulk and indexed once: repeats are found as `push` would find them.
            for (i, mut sheet) in r.sheets.into_iter().enumerate() {
                // A place read from JSON is an index of the set's own geography.
                if let Some(g) = sheet.geo {
                    sheet.geo = Some(set.geography.place(g.index()).ok_or_else(|| {
                        D::Error::custom(format!(
                            "sheet {i}: place {} is not in the geography",
                            g.index()
                        ))
                    })?);
                }
                set.push_sheet_deferred(&sheet)
                    .map_err(|e| D::Error::custom(format!("sheet {i}: {e}")))?;
            }
            set.index_pending();
            Ok(set)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TableId;
    use crate::model::contest::Candidate;

    fn set() -> ActaSet {
        let c = Contest::new(
            "c",
            vec![Candidate::new("A", "a"), Candidate::new("B", "b")],
        )
        .unwrap();
        ActaSet::new(c, Geography::new(["state"]).unwrap())
    }

    fn sheet(id: &str, a: u32, b: u32) -> ActaSheet {
        ActaSheet::new(TableId::new(id).unwrap())
            .with_valid(a + b)
            .with_votes([Some(a), Some(b)])
    }

    #[test]
    fn repeats_are_kept_and_classified() {
        let mut s = set();
        s.push(sheet("1", 1, 2)).unwrap();
        s.push(sheet("2", 1, 2)).unwrap();
        s.push(sheet("1", 1, 2)).unwrap();
        s.push(sheet("1", 2, 1)).unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(s.tables(), 2);
        assert_eq!(
            s.repeats(),
            &[
                Repeat {
                    first: 0,
                    sheet: 2,
                    kind: RepeatKind::Identical
                },
                Repeat {
                    first: 0,
                    sheet: 3,
                    kind: RepeatKind::Conflicting
                },
            ]
        );
        assert_eq!(s.readings("1"), vec![0, 2, 3]);
        assert!(s.is_repeat(3) && !s.is_repeat(1));
    }

    #[test]
    fn bulk_indexing_equals_pushing_one_by_one() {
        bulk_indexing_at(2_000, 700);
        // Past the size at which the index sorts its keys in bins.
        bulk_indexing_at(20_000, 7_000);
    }

    fn bulk_indexing_at(n: usize, pool: u64) {
        // Ids from a small pool, so that tables repeat, some with other numbers.
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        let sheets: Vec<ActaSheet> = (0..n)
            .map(|_| {
                let id = format!("{}", next() % pool);
                let a = (next() % 3) as u32;
                sheet(&id, a, 1)
            })
            .collect();
        let mut one_by_one = set();
        for s in &sheets {
            one_by_one.push(s.clone()).unwrap();
        }
        let mut bulk = set();
        let mut rest = set();
        for (k, s) in sheets.iter().enumerate() {
            let raw = RawSheet {
                id: s.table.as_str(),
                geo: None,
                standard: [s.electors, s.voters, s.valid, s.null, s.blank],
                votes: &s.votes,
                extra: &[],
                image: None,
            };
            bulk.push_raw_deferred(&raw).unwrap();
            // Half indexed in the middle, as a chunked reader would.
            if k == n / 2 - 1 {
                bulk.index_pending();
            }
            rest.push_raw_deferred(&raw).unwrap();
        }
        bulk.index_pending();
        rest.index_pending();
        assert!(one_by_one.repeats().len() > n / 2);
        for b in [&bulk, &rest] {
            assert_eq!(b.repeats(), one_by_one.repeats());
            for id in 0..pool {
                let id = id.to_string();
                assert_eq!(b.find(&id), one_by_one.find(&id));
            }
        }
        // Pushing one more sheet after a bulk load indexes the pending ones first.
        let mut mixed = set();
        mixed
            .push_raw_deferred(&RawSheet {
                id: "x",
                geo: None,
                standard: [None; 5],
                votes: &[Some(1), Some(1)],
                extra: &[],
                image: None,
            })
            .unwrap();
        mixed.push(sheet("x", 1, 1)).unwrap();
        assert_eq!(mixed.repeats().len(), 1);
    }

    #[test]
    fn wrong_shapes_are_errors() {
        let mut s = set();
        let three =
            ActaSheet::new(TableId::new("1").unwrap()).with_votes([Some(1), Some(2), Some(3)]);
        assert_eq!(
            s.push(three).unwrap_err().to_string(),
            "sheet does not fit the set: table 1: 3 vote entries for 2 ballot lines"
        );
        let mut other = Geography::new(["x"]).unwrap();
        let p = other.intern(None, "9", None).unwrap();
        assert!(s.push(sheet("1", 0, 0).with_geo(p)).is_err());
        assert!(s.is_empty(), "a refused sheet leaves no trace");
        // Regression: a handle of another geography whose index is in range was accepted, and
        // put the sheet in this set's place of that index.
        let mine = s.add_place(None, "1", None).unwrap();
        assert_eq!(mine.index(), p.index());
        assert_eq!(
            s.push(sheet("1", 0, 0).with_geo(p))
                .unwrap_err()
                .to_string(),
            "sheet does not fit the set: table 1: its place is not of this set's geography"
        );
        s.push(sheet("1", 0, 0).with_geo(mine)).unwrap();
        // A copy of the set places its sheets in its own geography; the original's handles
        // are not its places.
        let mut copy = s.clone();
        assert_eq!(copy, s);
        assert!(copy.geography().contains(copy.geo(0).unwrap()));
        assert!(copy.push(sheet("2", 0, 0).with_geo(mine)).is_err());
        assert_eq!(
            copy.geography().codes(copy.geo(0).unwrap()),
            s.geography().codes(mine)
        );
    }

    /// The image column stays empty until a sheet has an image, and every sheet reads back its
    /// own, also after sets are joined with images on one side only.
    #[test]
    fn images_start_when_a_sheet_has_one() {
        let with = |id: &str, image: Option<&str>| {
            let mut s = sheet(id, 1, 1);
            s.image = image.map(str::to_owned);
            s
        };
        let mut s = set();
        s.push(with("1", None)).unwrap();
        s.push(with("2", None)).unwrap();
        assert!(s.images.is_empty(), "no column while no sheet has an image");
        s.push(with("3", Some("img3.jpg"))).unwrap();
        s.push(with("4", None)).unwrap();
        s.push(with("5", Some(""))).unwrap();
        let images: Vec<Option<&str>> = (0..6).map(|i| s.image(i)).collect();
        assert_eq!(images, [None, None, Some("img3.jpg"), None, None, None]);
        #[cfg(feature = "parallel")]
        {
            let mut none = set();
            none.push(with("6", None)).unwrap();
            // Images on the left only, on the right only, on neither.
            let mut left = s.clone();
            left.append_parts(vec![none.clone()], None).unwrap();
            assert_eq!(left.image(2), Some("img3.jpg"));
            assert_eq!(left.image(5), None);
            let mut right = none.clone();
            right.append_parts(vec![s.clone()], None).unwrap();
            assert_eq!(
                (0..6).map(|i| right.image(i)).collect::<Vec<_>>(),
                [None, None, None, Some("img3.jpg"), None, None]
            );
            let mut neither = none.clone();
            neither.append_parts(vec![none.clone()], None).unwrap();
            assert!(neither.images.is_empty());
            // The ids' hashes came along: table 6 twice is found a repeat.
            for (joined, repeats) in [(&mut left, 0), (&mut right, 0), (&mut neither, 1)] {
                joined.index_pending();
                assert_eq!(joined.repeats().len(), repeats);
                assert_eq!(joined.find("6"), joined.readings("6").first().copied());
            }
        }
    }

    #[test]
    fn extra_fields_grow_as_columns() {
        let mut s = set();
        s.push(sheet("1", 1, 1)).unwrap();
        s.push(sheet("2", 1, 1).with_extra("received", 5)).unwrap();
        assert_eq!(s.extra_fields(), &["received".to_string()]);
        assert_eq!(s.count(0, Field::Extra(0)), None);
        assert_eq!(s.count(1, Field::Extra(0)), Some(5));
        assert_eq!(s.sheet(1).unwrap().extra("received"), Some(5));
    }
}
