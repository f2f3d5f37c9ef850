//! Finding a row's places while reading: a place under a place this read has just added is
//! looked up among that parent's children seen so far (a small table), not in the geography's
//! table, and a new one goes into the geography's table later, in a batch, in the order of its
//! buckets. In a file sorted by place nearly every new place is such a child, and a lookup and
//! an insert in the geography's table cost a cache miss each at national scale.

use std::hash::BuildHasher;
use std::num::NonZeroU32;

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::error::Result;
use crate::model::{GeoPath, Geography};

/// The children at one level of one parent, when they are all known.
#[derive(Default)]
struct Run {
    /// The parent (`None`: the top, or no parent above a level whose levels above are empty).
    parent: Option<GeoPath>,
    /// Whether every child of `parent` at this level is in `children`: the parent was added by
    /// this read (so had no children), and every child since was added here.
    complete: bool,
    /// The children's stored indices, by the hash of their codes.
    children: HashTable<NonZeroU32>,
}

impl Run {
    /// Forgets the children. A large table is given back rather than cleared: clearing costs
    /// its whole size, and a level whose parent changes every few rows would pay that size each
    /// time after one parent with many children.
    fn forget(&mut self) {
        if self.children.capacity() > 64 {
            self.children = HashTable::new();
        } else {
            self.children.clear();
        }
    }
}

/// The word and bit of `parent` in [`PlaceRuns::parents`] (the top is place 0).
fn parent_bit(parent: Option<GeoPath>) -> (usize, u64) {
    let p = parent.map_or(0, |p| p.raw().get() as usize);
    (p / 64, 1 << (p % 64))
}

/// The places of the rows being read, per level ([`PlaceRuns::intern`]).
#[derive(Default)]
pub(super) struct PlaceRuns {
    runs: Vec<Run>,
    /// Places added without going into the geography's table, until [`PlaceRuns::flush`].
    pending: Vec<NonZeroU32>,
    /// Bit `i` for the place of stored index `i` (0 for the top) with a child in `pending`.
    parents: Vec<u64>,
    hasher: DefaultHashBuilder,
}

impl PlaceRuns {
    /// Starts a batch of rows read into `geography`: no parent's children are known but the
    /// top's in an empty geography.
    pub(super) fn start(&mut self, geography: &Geography, levels: usize) {
        debug_assert!(self.pending.is_empty());
        self.runs.resize_with(levels, Run::default);
        for run in &mut self.runs {
            run.parent = None;
            run.complete = geography.is_empty();
            run.forget();
        }
    }

    /// The place with code `code` at level `level` under `parent`, added if new, as
    /// [`Geography::intern_at`] gives it.
    pub(super) fn intern(
        &mut self,
        geography: &mut Geography,
        parent: Option<GeoPath>,
        level: usize,
        code: &str,
        name: Option<&str>,
    ) -> Result<GeoPath> {
        let Some(run) = self.runs.get_mut(level) else {
            return geography.intern_at(parent, level, code, name);
        };
        let (path, new) = if run.complete && run.parent == parent {
            let h = self.hasher.hash_one(code);
            let same = |raw: &NonZeroU32| {
                geography
                    .node(geography.handle(*raw))
                    .is_some_and(|n| n.code() == code)
            };
            if let Some(&raw) = run.children.find(h, same) {
                (geography.handle(raw), false)
            } else {
                let path = geography.push_unindexed(parent, level, code, name)?;
                let hasher = &self.hasher;
                run.children.insert_unique(h, path.raw(), |raw| {
                    geography
                        .node(geography.handle(*raw))
                        .map_or(0, |n| hasher.hash_one(n.code()))
                });
                self.pending.push(path.raw());
                let (word, bit) = parent_bit(parent);
                if self.parents.len() <= word {
                    self.parents.resize(word + 1, 0);
                }
                self.parents[word] |= bit;
                (path, true)
            }
        } else {
            // A parent whose children were added here and wait to be indexed: indexed first,
            // so that the lookup finds them.
            let (word, bit) = parent_bit(parent);
            if self.parents.get(word).is_some_and(|w| w & bit != 0) {
                self.flush(geography);
            }
            let before = geography.len();
            let path = geography.intern_at(parent, level, code, name)?;
            let run = &mut self.runs[level];
            if run.parent != parent {
                run.parent = parent;
                run.complete = false;
                run.forget();
            }
            (path, geography.len() > before)
        };
        // A new place starts the runs of the levels below: it has no children yet. (Under a
        // place found, a level's run is taken up by the next place added there.)
        if new {
            for run in &mut self.runs[level + 1..] {
                run.parent = Some(path);
                run.complete = true;
                run.forget();
            }
        }
        Ok(path)
    }

    /// Puts the places added without a lookup into the geography's table.
    pub(super) fn flush(&mut self, geography: &mut Geography) {
        if self.pending.is_empty() {
            return;
        }
        geography.index_places(&self.pending);
        self.pending.clear();
        self.parents.iter_mut().for_each(|w| *w = 0);
    }
}

#[cfg(test)]
mod runs {
    use super::*;

    /// After a parent with many children, a level's table is given back when the run moves to
    /// another parent, not kept (and cleared at its whole size at every later move).
    #[test]
    fn a_large_run_is_given_back() {
        let mut geo = Geography::new(["district", "centre"]).unwrap();
        let mut runs = PlaceRuns::default();
        runs.start(&geo, 2);
        let big = runs.intern(&mut geo, None, 0, "D1", None).unwrap();
        for c in 0..1_000 {
            runs.intern(&mut geo, Some(big), 1, &c.to_string(), None)
                .unwrap();
        }
        assert!(runs.runs[1].children.capacity() >= 1_000);
        let small = runs.intern(&mut geo, None, 0, "D2", None).unwrap();
        assert!(runs.runs[1].children.capacity() <= 64);
        let c = runs.intern(&mut geo, Some(small), 1, "1", None).unwrap();
        runs.flush(&mut geo);
        // Every place found again, each once.
        assert_eq!(geo.len(), 1_003);
        assert_eq!(geo.intern_at(Some(small), 1, "1", None).unwrap(), c);
        assert_eq!(
            geo.intern_at(Some(big), 1, "999", None).unwrap(),
            geo.place(1_000).unwrap()
        );
        assert_eq!(geo.len(), 1_003);
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::super::{Lines, Rows};
    use crate::io::{Layout, read_csv};
    use crate::model::ActaSet;

    const LAYOUT: &str = r#"{
        "contest": "law",
        "key": { "parts": [ { "column": "table" } ] },
        "geography": [
            { "level": "state", "code": "state", "optional": true },
            { "level": "town", "code": "town", "name": "town_name" },
            { "level": "village", "code": "village", "optional": true }
        ],
        "fields": { "valid": "valid" },
        "candidates": [ { "code": "A", "name": "Ana", "column": "A" } ]
    }"#;

    /// Rows in any order, their places from small pools (so that parents come back after
    /// others, and optional levels are empty now and then), one with a bad count now and then.
    fn rows() -> impl Strategy<Value = Vec<(u8, u8, u8, bool)>> {
        proptest::collection::vec(
            (0u8..3, 0u8..4, 0u8..3, proptest::bool::weighted(0.1)),
            1..60,
        )
    }

    fn csv(rows: &[(u8, u8, u8, bool)]) -> Vec<u8> {
        let mut out = b"table,state,town,town_name,village,valid,A\n".to_vec();
        for (i, &(state, town, village, bad)) in rows.iter().enumerate() {
            let code = |c: u8| if c == 0 { String::new() } else { c.to_string() };
            let count = if bad { "x" } else { "1" };
            out.extend_from_slice(
                format!(
                    "{i},{},{town},T{town},{},1,{count}\n",
                    code(state),
                    code(village)
                )
                .as_bytes(),
            );
        }
        out
    }

    /// Every sheet is in the place its row names, no place is there twice, and every place is
    /// found again by a lookup (none left out of the geography's table).
    fn check(set: &ActaSet, rows: &[(u8, u8, u8, bool)]) -> Result<(), TestCaseError> {
        let geo = set.geography();
        let accepted: Vec<_> = rows.iter().filter(|r| !r.3).collect();
        prop_assert_eq!(set.len(), accepted.len());
        for (i, &&(state, town, village, _)) in accepted.iter().enumerate() {
            let mut want = Vec::new();
            if state > 0 {
                want.push(state.to_string());
            }
            want.push(town.to_string());
            if village > 0 {
                want.push(village.to_string());
            }
            let path = set.geo(i).expect("a place");
            prop_assert_eq!(
                geo.codes(path),
                want.iter().map(String::as_str).collect::<Vec<_>>()
            );
        }
        let mut g = geo.clone();
        let mut seen = HashSet::new();
        for i in 0..g.len() {
            let place = g.place(i).expect("a place");
            let node = g.node(place).expect("a node");
            let parent = node.parent_index().and_then(|p| g.place(p));
            let key = (node.parent_index(), node.level(), node.code().to_owned());
            prop_assert!(seen.insert(key.clone()), "twice: {:?}", key);
            let (level, code) = (node.level(), node.code().to_owned());
            prop_assert_eq!(
                g.intern_at(parent, level, &code, None).expect("found"),
                place
            );
            prop_assert_eq!(g.len(), geo.len());
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The law of the reader's places, read at once and a chunk of 1, 2 or 3 sheets at a
        /// time into one set (each chunk ends with its places indexed).
        #[test]
        fn sheets_are_in_their_places_once(rows in rows()) {
            let layout = Layout::from_json(LAYOUT).unwrap();
            let bytes = csv(&rows);
            let whole = read_csv(&bytes[..], &layout).unwrap();
            check(&whole.set, &rows)?;
            for chunk in [1, 2, 3] {
                let (mut reader, mut set) = Rows::open(&bytes[..], &layout, None).unwrap();
                while reader.fill(&mut set, chunk, Lines::Keep).unwrap() {}
                check(&set, &rows)?;
                prop_assert!(set.geography() == whole.set.geography());
            }
        }
    }
}
