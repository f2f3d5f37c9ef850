// Over 600 lines with its unit tests (577 of code): one type, the interned tree of places, whose
// interning, skipped levels and handles check one another; splitting it would scatter one invariant.
//! Geography: named levels and an interned tree of places.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

use super::buckets::{bucket_mask, group_by_bucket, spread};
use crate::error::{Error, ErrorKind, Result};

/// A handle to one place of a [`Geography`] (a state, a parish, a voting centre), and through its
/// parents the whole path from the top level down to it.
///
/// Invariant: it belongs to the geography that made it, and carries that geography's identity:
/// a handle of another geography (or of a copy of this one) is refused by every call that takes
/// one, never read as a place of this one. It is cheap to copy and compare (8 bytes, and
/// `Option<GeoPath>` is 8 bytes too). Resolve it with [`Geography::node`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GeoPath {
    index: NonZeroU32,
    geography: u32,
}

/// The identity of a new geography. Identities are never 0 (the identity of a handle read from
/// JSON before it is bound to its geography); they wrap after 2^32 - 1 geographies.
fn next_identity() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    loop {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        if id != 0 {
            return id;
        }
    }
}

impl GeoPath {
    /// The place's index in its geography (0-based, in order of first appearance).
    pub fn index(self) -> usize {
        self.index.get() as usize - 1
    }

    /// The place of index `i` of the geography with identity `geography`.
    pub(crate) fn new(i: usize, geography: u32) -> Option<GeoPath> {
        raw_index(i).map(|index| GeoPath { index, geography })
    }

    /// The place of index `i`, or an overflow error past `u32::MAX - 1` places.
    pub(crate) fn new_checked(i: usize, geography: u32) -> crate::Result<GeoPath> {
        GeoPath::new(i, geography).ok_or_else(|| crate::Error::overflow("number of places"))
    }

    /// The index as stored (1-based), without the geography.
    pub(crate) fn raw(self) -> NonZeroU32 {
        self.index
    }

    /// The handle of stored index `raw` in the geography with identity `geography`.
    pub(crate) fn from_raw(raw: NonZeroU32, geography: u32) -> GeoPath {
        GeoPath {
            index: raw,
            geography,
        }
    }
}

/// The stored (1-based) form of index `i`.
fn raw_index(i: usize) -> Option<NonZeroU32> {
    u32::try_from(i + 1).ok().and_then(NonZeroU32::new)
}

/// One place: its level, code, name and parent, as [`Geography::node`] gives it (a view of
/// the geography, which stores every code and name end to end in one buffer).
///
/// Invariant: the code is unique among its parent's children.
///
/// # Example
///
/// ```
/// use actas::Geography;
///
/// let mut geo = Geography::new(["state", "municipality"])?;
/// let state = geo.intern(None, "01", Some("DTTO. CAPITAL"))?;
/// let town = geo.intern(Some(state), "01", None)?;
/// let node = geo.node(town).expect("a place of geo");
/// assert_eq!((node.level(), node.code(), node.name()), (1, "01", None));
/// assert_eq!(node.parent_index(), Some(state.index()));
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GeoNode<'a> {
    level: u32,
    code: &'a str,
    name: Option<&'a str>,
    /// The parent's stored index: a node does not know its geography's identity, so that a
    /// copy of the geography can take a new one.
    parent: Option<NonZeroU32>,
}

impl<'a> GeoNode<'a> {
    /// The index of its level in [`Geography::levels`].
    pub fn level(self) -> usize {
        self.level as usize
    }

    /// Its code as the data wrote it (`"01"`), unique among its siblings.
    pub fn code(self) -> &'a str {
        self.code
    }

    /// Its name, when the data gave one (`"DTTO. CAPITAL"`).
    pub fn name(self) -> Option<&'a str> {
        self.name
    }

    /// The index of its parent in its geography, `None` at the top level (the handle is
    /// [`Geography::parent`]).
    pub fn parent_index(self) -> Option<usize> {
        self.parent.map(|p| p.get() as usize - 1)
    }
}

/// One place as stored: 16 bytes, its code and name in the geography's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    level: u32,
    parent: Option<NonZeroU32>,
    /// The code's length; the name (empty for none) follows it.
    code_len: u32,
    /// Where the name ends in the text, which is where the next place's code starts.
    end: u32,
}

/// The places of a set of sheets, as a tree of levels whose names come from the data
/// (state > municipality > parish > centre in Venezuela; department > province > municipality >
/// precinct in Bolivia).
///
/// Invariant: level names are unique and non-empty; each node's level is below its parent's
/// (its parent's plus one, unless levels were skipped with [`Geography::intern_at`])
/// (0 at the top); sibling codes are unique. Codes are interned: each place is stored once,
/// whatever the number of sheets in it.
///
/// # Example
///
/// ```
/// use actas::Geography;
///
/// let mut geo = Geography::new(["state", "municipality"])?;
/// let capital = geo.intern(None, "01", Some("DTTO. CAPITAL"))?;
/// let libertador = geo.intern(Some(capital), "01", Some("MP. BLVNO LIBERTADOR"))?;
/// assert_eq!(geo.intern(None, "01", None)?, capital); // the same place again
/// assert_eq!(geo.ancestor_at(libertador, 0), Some(capital));
/// assert_eq!(geo.display(libertador).to_string(), "01 DTTO. CAPITAL > 01 MP. BLVNO LIBERTADOR");
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug)]
pub struct Geography {
    /// Its identity, carried by its handles. A clone is another geography, with its own.
    id: u32,
    levels: Vec<String>,
    nodes: Vec<Place>,
    /// Every place's code and name, end to end, in the order of the places.
    text: String,
    /// Every place's stored index, found by its parent's stored index (0 at the top), its
    /// level and its code, which the place itself holds: one table for the whole geography,
    /// with no key stored twice.
    places: HashTable<(NonZeroU32, u32)>,
    hasher: DefaultHashBuilder,
}

/// The key a place is found by: its parent's stored index (0 at the top), level and code.
#[derive(Hash)]
struct PlaceKey<'a>(u32, u32, &'a str);

impl Geography {
    fn key_hash(&self, key: &PlaceKey<'_>) -> u32 {
        self.hasher.hash_one(key) as u32
    }

    /// The stored place of index `i` (which is in range) as a node.
    #[inline]
    fn view(&self, i: usize) -> GeoNode<'_> {
        let p = self.nodes[i];
        let start = match i {
            0 => 0,
            _ => self.nodes[i - 1].end as usize,
        };
        let (end, code_end) = (p.end as usize, start + p.code_len as usize);
        GeoNode {
            level: p.level,
            code: &self.text[start..code_end],
            name: (end > code_end).then(|| &self.text[code_end..end]),
            parent: p.parent,
        }
    }

    /// The place with this key.
    fn lookup(&self, key: &PlaceKey<'_>) -> Option<NonZeroU32> {
        let h = self.key_hash(key);
        self.places
            .find(spread(h), |&(raw, hr)| {
                let i = raw.get() as usize - 1;
                let n = self.nodes[i];
                hr == h
                    && n.parent.map_or(0, NonZeroU32::get) == key.0
                    && n.level == key.1
                    && n.code_len as usize == key.2.len()
                    && self.view(i).code == key.2
            })
            .map(|&(raw, _)| raw)
    }
}

impl Geography {
    /// The bytes it owns on the heap: levels, places with their codes and names, and the table
    /// that finds them (as allocated).
    pub(crate) fn heap_bytes(&self) -> usize {
        let levels: usize = self.levels.iter().map(String::capacity).sum();
        self.levels.capacity() * std::mem::size_of::<String>()
            + levels
            + self.nodes.capacity() * std::mem::size_of::<Place>()
            + self.text.capacity()
            + self.places.allocation_size()
    }

    /// The bytes of every place's code and name.
    #[cfg(feature = "parallel")]
    pub(crate) fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Room for `places` more places with `text` bytes of codes and names between them.
    #[cfg(feature = "parallel")]
    pub(crate) fn reserve(&mut self, places: usize, text: usize) {
        self.nodes.reserve(places);
        self.text.reserve(text);
        self.places.reserve(places, |&(_, h)| spread(h));
    }

    /// Gives back the room the places grew beyond their number (the vector of places doubles
    /// as it grows; the table keeps a power of two of buckets).
    pub(crate) fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.text.shrink_to_fit();
        self.places.shrink_to_fit(|&(_, h)| spread(h));
    }
}

impl Default for Geography {
    fn default() -> Self {
        Geography {
            id: next_identity(),
            levels: Vec::new(),
            nodes: Vec::new(),
            text: String::new(),
            places: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
        }
    }
}

impl Clone for Geography {
    /// An equal geography with an identity of its own: the handles of the original are not
    /// places of the copy (the two may grow apart).
    fn clone(&self) -> Self {
        Geography {
            id: next_identity(),
            levels: self.levels.clone(),
            nodes: self.nodes.clone(),
            text: self.text.clone(),
            places: self.places.clone(),
            hasher: self.hasher.clone(),
        }
    }
}

impl PartialEq for Geography {
    fn eq(&self, other: &Self) -> bool {
        // Places are stored one way only (a name left out or empty is no name), so equal
        // places in equal order are equal vectors and texts.
        self.levels == other.levels && self.nodes == other.nodes && self.text == other.text
    }
}

impl Eq for Geography {}

impl Geography {
    /// A geography with these levels, from the top down, and no places yet.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an empty or repeated level name, or more than 255 levels.
    pub fn new<S: Into<String>>(levels: impl IntoIterator<Item = S>) -> Result<Self> {
        let levels: Vec<String> = levels.into_iter().map(Into::into).collect();
        for (i, l) in levels.iter().enumerate() {
            if l.trim().is_empty() {
                return Err(Error::invalid("geography level", l, "is empty"));
            }
            if levels[..i].contains(l) {
                return Err(Error::invalid("geography level", l, "is repeated"));
            }
        }
        if levels.len() > 255 {
            return Err(Error::invalid(
                "geography",
                levels.len().to_string(),
                "has more than 255 levels",
            ));
        }
        Ok(Geography {
            levels,
            ..Geography::default()
        })
    }

    /// The level names, from the top down.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// The index of the level with this name.
    pub fn level_index(&self, name: &str) -> Option<usize> {
        self.levels.iter().position(|l| l == name)
    }

    /// The number of places.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there are no places.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The place `path` points at, or `None` when `path` is not of this geography.
    pub fn node(&self, path: GeoPath) -> Option<GeoNode<'_>> {
        self.contains(path).then(|| self.view(path.index()))
    }

    /// Whether `path` is a place of this geography (made by it, not by another geography or a
    /// copy of this one).
    pub fn contains(&self, path: GeoPath) -> bool {
        path.geography == self.id && path.index() < self.nodes.len()
    }

    /// The parent of `path`, `None` at the top level or when `path` is not of this geography.
    pub fn parent(&self, path: GeoPath) -> Option<GeoPath> {
        self.node(path)?
            .parent
            .map(|p| GeoPath::from_raw(p, self.id))
    }

    /// The handle of stored index `raw` of this geography.
    pub(crate) fn handle(&self, raw: NonZeroU32) -> GeoPath {
        GeoPath::from_raw(raw, self.id)
    }

    /// The handle of the place of index `i`, if there is one.
    pub fn place(&self, i: usize) -> Option<GeoPath> {
        (i < self.nodes.len())
            .then(|| GeoPath::new(i, self.id))
            .flatten()
    }

    /// The place with code `code` under `parent` (`None`: at the top level), added if new.
    ///
    /// When the place exists, its first name is kept and `name` is ignored.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an empty code or a place below the last level;
    /// [`ErrorKind::Shape`](crate::ErrorKind::Shape) when `parent` is not of this geography; [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) past
    /// `u32::MAX - 1` places.
    pub fn intern(
        &mut self,
        parent: Option<GeoPath>,
        code: &str,
        name: Option<&str>,
    ) -> Result<GeoPath> {
        let level = match parent {
            None => 0,
            Some(p) => self.node(p).map_or(0, |n| n.level() + 1),
        };
        self.intern_at(parent, level, code, name)
    }

    /// The place with code `code` at level `level` under `parent`, added if new: as
    /// [`Geography::intern`], but the levels between the parent's and `level` may be skipped (a
    /// rural table that has a region and a commune but no district or zone). Codes are unique
    /// per parent and level.
    ///
    /// # Example
    ///
    /// ```
    /// use actas::Geography;
    ///
    /// let mut geo = Geography::new(["region", "district", "commune"])?;
    /// let region = geo.intern(None, "R1", None)?;
    /// let district = geo.intern(Some(region), "01", None)?;
    /// // A commune straight under its region: it has no district.
    /// let rural = geo.intern_at(Some(region), 2, "01", Some("Rural"))?;
    /// assert_ne!(rural, district, "same code, another level");
    /// assert_eq!(geo.ancestor_at(rural, 1), None);
    /// assert_eq!(geo.ancestor_at(rural, 0), Some(region));
    /// # Ok::<(), actas::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Geography::intern`]; [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) when `level` is not below the
    /// parent's.
    pub fn intern_at(
        &mut self,
        parent: Option<GeoPath>,
        level: usize,
        code: &str,
        name: Option<&str>,
    ) -> Result<GeoPath> {
        let key = self.parent_key(parent, level, code)?;
        if let Some(found) = self.lookup(&key) {
            return Ok(self.handle(found));
        }
        self.check_new(level, code)?;
        self.push_new(parent, key, name)
    }

    /// The key of a place with code `code` at level `level` under `parent`, or why there
    /// cannot be one (a parent of another geography, a level not below the parent's).
    fn parent_key<'c>(
        &self,
        parent: Option<GeoPath>,
        level: usize,
        code: &'c str,
    ) -> Result<PlaceKey<'c>> {
        let (slot, next) = match parent {
            None => (0, 0),
            Some(p) if self.contains(p) => {
                (p.index() + 1, self.nodes[p.index()].level as usize + 1)
            }
            Some(_) => {
                return Err(Error::new(ErrorKind::Shape {
                    message: "the parent place is not of this geography".into(),
                }));
            }
        };
        if level < next {
            return Err(Error::invalid(
                "geography level",
                level.to_string(),
                "is not below the parent's level",
            ));
        }
        // Below 256 levels (`Geography::new`), or past them and refused by `check_new`.
        Ok(PlaceKey(
            slot as u32,
            u32::try_from(level).unwrap_or(u32::MAX),
            code,
        ))
    }

    /// Why a new place cannot have this level and code: past the last level, or an empty code.
    fn check_new(&self, level: usize, code: &str) -> Result<()> {
        if level >= self.levels.len() {
            return Err(Error::invalid(
                "geography code",
                code,
                format!("is below the last level (there are {})", self.levels.len()),
            ));
        }
        if code.is_empty() {
            return Err(Error::invalid(
                "geography code",
                code,
                format!("is empty at level {}", self.levels[level]),
            ));
        }
        Ok(())
    }

    /// [`Geography::parent_key`] and [`Geography::check_new`].
    fn checked_key<'c>(
        &self,
        parent: Option<GeoPath>,
        level: usize,
        code: &'c str,
    ) -> Result<PlaceKey<'c>> {
        let key = self.parent_key(parent, level, code)?;
        self.check_new(level, code)?;
        Ok(key)
    }

    /// Adds a place known to be new (no sibling has its code: its parent was added by the
    /// caller, which added every child of it since) without looking it up, and leaves it out of
    /// the table that finds places until [`Geography::index_places`] puts it in: lookups do not
    /// find it meanwhile, so the caller indexes it before any lookup under its parent. The
    /// reader adds the places under a place it has just added so, and the merge of a file's
    /// parts those under a place the merge has just added; both index them in batches, in the
    /// order of their buckets, instead of one lookup and one insert (two cache misses) a place.
    ///
    /// # Errors
    ///
    /// As [`Geography::intern_at`], but for the lookup.
    pub(crate) fn push_unindexed(
        &mut self,
        parent: Option<GeoPath>,
        level: usize,
        code: &str,
        name: Option<&str>,
    ) -> Result<GeoPath> {
        let key = self.checked_key(parent, level, code)?;
        debug_assert!(self.lookup(&key).is_none(), "{code} is not new");
        self.push_place(parent, &key, name)
    }

    /// Adds the places of `other`, a geography with the same levels (a part of the same file
    /// read apart), parents before children as `other` holds them, and gives the stored index
    /// here of each of its places (`other`'s place `i` is `map[i]` here).
    ///
    /// A place of `other` under a place that is new here is new too. Such places come in runs
    /// (in a file sorted by place, nearly all of a part's places): a run's codes and names are
    /// copied in one piece, its places with their parents renumbered, and they go into the table
    /// that finds places together, in the order of its buckets ([`Geography::index_places`]).
    /// Every other place is interned, found if it is here already.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Shape`](crate::ErrorKind::Shape) when the levels differ; an overflow past
    /// `u32::MAX - 1` places or 4 GiB of codes and names.
    #[cfg(feature = "parallel")]
    pub(crate) fn merge(&mut self, other: &Geography) -> Result<Vec<NonZeroU32>> {
        if self.levels != other.levels {
            return Err(Error::new(ErrorKind::Shape {
                message: "the geographies to merge have different levels".into(),
            }));
        }
        let n = other.nodes.len();
        let mut map: Vec<NonZeroU32> = Vec::with_capacity(n);
        // Whether each of `other`'s places is new here.
        let mut new: Vec<bool> = Vec::with_capacity(n);
        let mut unindexed: Vec<NonZeroU32> = Vec::new();
        // A parent's index in `other`, and whether it is new here (its children are then new).
        let under_new = |new: &[bool], place: &Place| {
            place
                .parent
                .is_some_and(|p| new.get(p.get() as usize - 1) == Some(&true))
        };
        let mut i = 0;
        while i < n {
            if under_new(&new, &other.nodes[i]) {
                // The run of places under new parents from `i` on, copied in one piece.
                let mut j = i;
                while j < n && under_new(&new, &other.nodes[j]) {
                    new.push(true);
                    j += 1;
                }
                let from = other.start(i);
                let to = other.nodes[j - 1].end as usize;
                let base = self.text.len();
                let too_long = || Error::overflow("bytes of place codes and names (4 GiB)");
                u32::try_from(base + (to - from)).map_err(|_| too_long())?;
                self.text.push_str(&other.text[from..to]);
                for place in &other.nodes[i..j] {
                    let raw = GeoPath::new_checked(self.nodes.len(), self.id)?.raw();
                    // Below the text's length, which was checked above.
                    let end = (place.end as usize - from + base) as u32;
                    let parent = place.parent.map(|p| map[p.get() as usize - 1]);
                    self.nodes.push(Place {
                        parent,
                        end,
                        ..*place
                    });
                    map.push(raw);
                    unindexed.push(raw);
                }
                i = j;
                continue;
            }
            let node = other.view(i);
            let parent = node.parent.map(|p| self.handle(map[p.get() as usize - 1]));
            let before = self.nodes.len();
            let place = self.intern_at(parent, node.level(), node.code, node.name)?;
            new.push(self.nodes.len() > before);
            map.push(place.raw());
            i += 1;
        }
        self.index_places(&unindexed);
        Ok(map)
    }

    /// Where the code of the place of index `i` (which is in range) starts in the text.
    #[cfg(feature = "parallel")]
    fn start(&self, i: usize) -> usize {
        match i {
            0 => 0,
            _ => self.nodes[i - 1].end as usize,
        }
    }

    /// Puts the places that [`Geography::push_unindexed`] added into the table that finds
    /// places, in the order of their buckets.
    pub(crate) fn index_places(&mut self, places: &[NonZeroU32]) {
        let mut keys: Vec<(u32, u32)> = places
            .iter()
            .map(|raw| {
                let i = raw.get() as usize - 1;
                let n = self.view(i);
                let parent = n.parent.map_or(0, NonZeroU32::get);
                (self.key_hash(&PlaceKey(parent, n.level, n.code)), raw.get())
            })
            .collect();
        self.places.reserve(keys.len(), |&(_, h)| spread(h));
        let mask = bucket_mask(self.places.capacity());
        group_by_bucket(&mut keys, mask, |&(h, _)| spread(h));
        for (hash, raw) in keys {
            debug_assert!(
                self.lookup(&{
                    let n = self.view(raw as usize - 1);
                    PlaceKey(n.parent.map_or(0, NonZeroU32::get), n.level, n.code)
                })
                .is_none()
            );
            // The index of a place pushed, so not zero.
            let raw = NonZeroU32::new(raw).unwrap_or(NonZeroU32::MIN);
            self.places
                .insert_unique(spread(hash), (raw, hash), |&(_, h)| spread(h));
        }
    }

    /// Adds the place of `key`, which is new and valid, and puts it in the table that finds
    /// places.
    fn push_new(
        &mut self,
        parent: Option<GeoPath>,
        key: PlaceKey<'_>,
        name: Option<&str>,
    ) -> Result<GeoPath> {
        let hash = self.key_hash(&key);
        let path = self.push_place(parent, &key, name)?;
        self.places
            .insert_unique(spread(hash), (path.raw(), hash), |&(_, h)| spread(h));
        Ok(path)
    }

    /// Stores the place of `key`, which is new and valid, with its code and name.
    fn push_place(
        &mut self,
        parent: Option<GeoPath>,
        key: &PlaceKey<'_>,
        name: Option<&str>,
    ) -> Result<GeoPath> {
        let code = key.2;
        let path = GeoPath::new_checked(self.nodes.len(), self.id)?;
        let name = name.unwrap_or_default();
        let end = u32::try_from(self.text.len() + code.len() + name.len())
            .map_err(|_| Error::overflow("bytes of place codes and names (4 GiB)"))?;
        self.text.push_str(code);
        self.text.push_str(name);
        self.nodes.push(Place {
            level: key.1,
            parent: parent.map(GeoPath::raw),
            // No longer than the text, which `end` holds.
            code_len: code.len() as u32,
            end,
        });
        Ok(path)
    }

    /// The place at the end of a path of `(code, name)` pairs from the top level, adding what is
    /// new.
    ///
    /// # Errors
    ///
    /// As [`Geography::intern`]; an empty path is an [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue).
    pub fn intern_path(&mut self, path: &[(&str, Option<&str>)]) -> Result<GeoPath> {
        let mut parent = None;
        for (code, name) in path {
            parent = Some(self.intern(parent, code, *name)?);
        }
        parent.ok_or_else(|| Error::invalid("geography path", "", "is empty"))
    }

    /// The place at the end of a path of codes from the top level, if it exists.
    pub fn find(&self, codes: &[&str]) -> Option<GeoPath> {
        let mut slot = 0;
        let mut found = None;
        for (level, code) in codes.iter().enumerate() {
            let p = self.handle(self.lookup(&PlaceKey(slot, level as u32, code))?);
            slot = p.raw().get();
            found = Some(p);
        }
        found
    }

    /// `path` and its ancestors, from `path` up to the top level.
    pub fn ancestors(&self, path: GeoPath) -> impl Iterator<Item = GeoPath> + '_ {
        std::iter::successors(Some(path).filter(|p| self.contains(*p)), move |p| {
            self.nodes[p.index()].parent.map(|raw| self.handle(raw))
        })
    }

    /// The ancestor of `path` at level `level` (`path` itself at its own level), or `None` when
    /// `path` is above that level or not of this geography.
    pub fn ancestor_at(&self, path: GeoPath, level: usize) -> Option<GeoPath> {
        self.ancestors(path)
            .find(|p| self.nodes[p.index()].level as usize == level)
    }

    /// The places of one level, in order of first appearance.
    pub fn at_level(&self, level: usize) -> impl Iterator<Item = GeoPath> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.level as usize == level)
            .filter_map(|(i, _)| GeoPath::new(i, self.id))
    }

    /// For every place, its ancestor at `level` (itself at that level), `None` above it.
    pub(crate) fn ancestor_table(&self, level: usize) -> Vec<Option<GeoPath>> {
        let mut table: Vec<Option<GeoPath>> = Vec::with_capacity(self.nodes.len());
        for (i, n) in self.nodes.iter().enumerate() {
            // Parents precede children, so the parent's entry is already known.
            let a = match (n.level as usize).cmp(&level) {
                std::cmp::Ordering::Equal => GeoPath::new(i, self.id),
                std::cmp::Ordering::Greater => n.parent.and_then(|p| table[p.get() as usize - 1]),
                std::cmp::Ordering::Less => None,
            };
            table.push(a);
        }
        table
    }

    /// A value that displays `path` as `code name > code name > ...`.
    pub fn display(&self, path: GeoPath) -> DisplayPath<'_> {
        DisplayPath { geo: self, path }
    }

    /// The codes from the top level down to `path`.
    pub fn codes(&self, path: GeoPath) -> Vec<&str> {
        let mut codes: Vec<&str> = self
            .ancestors(path)
            .map(|p| self.view(p.index()).code)
            .collect();
        codes.reverse();
        codes
    }
}

/// Displays a [`GeoPath`] with the codes and names of its places; made by [`Geography::display`].
#[derive(Debug, Clone, Copy)]
pub struct DisplayPath<'a> {
    geo: &'a Geography,
    path: GeoPath,
}

impl fmt::Display for DisplayPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chain: Vec<GeoPath> = self.geo.ancestors(self.path).collect();
        chain.reverse();
        for (i, p) in chain.iter().enumerate() {
            if i > 0 {
                f.write_str(" > ")?;
            }
            let n = self.geo.view(p.index());
            f.write_str(n.code)?;
            if let Some(name) = n.name {
                write!(f, " {name}")?;
            }
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::*;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    impl Serialize for GeoPath {
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            s.serialize_u64(self.index() as u64)
        }
    }

    impl<'de> Deserialize<'de> for GeoPath {
        /// A handle read alone is of no geography yet (identity 0): a set read from JSON binds
        /// its sheets' places to its own geography.
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            let i = usize::deserialize(d)?;
            GeoPath::new(i, 0).ok_or_else(|| serde::de::Error::custom("place index too large"))
        }
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct NodeRepr {
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<usize>,
        /// Only when levels are skipped: the place's level.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        level: Option<usize>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct GeographyRepr {
        levels: Vec<String>,
        nodes: Vec<NodeRepr>,
    }

    impl Serialize for Geography {
        /// A geography serialises as its levels and its places in order, each place with the
        /// index of its parent.
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            GeographyRepr {
                levels: self.levels.clone(),
                nodes: (0..self.nodes.len())
                    .map(|i| {
                        let n = self.view(i);
                        NodeRepr {
                            code: n.code.to_owned(),
                            name: n.name.map(str::to_owned),
                            parent: n.parent_index(),
                            level: {
                                let next = n
                                    .parent_index()
                                    .map_or(0, |p| self.nodes[p].level as usize + 1);
                                (n.level() != next).then_some(n.level())
                            },
                        }
                    })
                    .collect(),
            }
            .serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for Geography {
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            use serde::de::Error as _;
            let r = GeographyRepr::deserialize(d)?;
            let mut geo = Geography::new(r.levels).map_err(D::Error::custom)?;
            for (i, n) in r.nodes.into_iter().enumerate() {
                if n.parent.is_some_and(|p| p >= i) {
                    return Err(D::Error::custom(format!(
                        "place {i}: its parent must come before it"
                    )));
                }
                let before = geo.len();
                let parent = n.parent.and_then(|p| geo.place(p));
                let next = parent
                    .and_then(|p| geo.node(p))
                    .map_or(0, |p| p.level() + 1);
                geo.intern_at(parent, n.level.unwrap_or(next), &n.code, n.name.as_deref())
                    .map_err(D::Error::custom)?;
                if geo.len() == before {
                    return Err(D::Error::custom(format!(
                        "place {i}: code \"{}\" is repeated under one parent",
                        n.code
                    )));
                }
            }
            Ok(geo)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_per_parent() {
        let mut g = Geography::new(["state", "municipality"]).unwrap();
        let a = g
            .intern_path(&[("1", Some("A")), ("1", Some("A1"))])
            .unwrap();
        let b = g
            .intern_path(&[("2", Some("B")), ("1", Some("B1"))])
            .unwrap();
        assert_ne!(a, b);
        assert_eq!(g.len(), 4);
        assert_eq!(g.find(&["2", "1"]), Some(b));
        assert_eq!(g.find(&["3"]), None);
        assert_eq!(g.codes(b), vec!["2", "1"]);
        assert_eq!(g.at_level(0).count(), 2);
        let t = g.ancestor_table(0);
        assert_eq!(t[b.index()], g.find(&["2"]));
    }

    /// Every place gives back its own code and name from the shared text: empty names are no
    /// names, codes and names of several bytes a character keep their bounds, and places that
    /// differ only in where the code ends and the name begins stay apart.
    #[test]
    fn nodes_read_their_own_code_and_name() {
        let mut g = Geography::new(["state", "town"]).unwrap();
        let cases: [(&str, Option<&str>); 6] = [
            ("01", Some("MÉRIDA")),
            ("010", None),
            ("0", Some("10")),
            ("Ñ", Some("")),
            ("日本", Some("東京")),
            ("01M", Some("ÉRIDA")),
        ];
        let mut paths = Vec::new();
        for (code, name) in cases {
            let state = g.intern(None, code, name).unwrap();
            let town = g.intern(Some(state), code, Some("t")).unwrap();
            paths.push((state, town));
        }
        assert_eq!(g.len(), 12);
        for ((code, name), (state, town)) in cases.iter().zip(&paths) {
            let n = g.node(*state).unwrap();
            assert_eq!(
                (n.code(), n.name(), n.level()),
                (*code, name.filter(|n| !n.is_empty()), 0)
            );
            let t = g.node(*town).unwrap();
            assert_eq!(
                (t.code(), t.name(), t.parent_index()),
                (*code, Some("t"), Some(state.index()))
            );
            assert_eq!(g.find(&[code]), Some(*state));
            assert_eq!(g.find(&[code, code]), Some(*town));
        }
        assert_eq!(g.find(&["01MÉRIDA"]), None);
        assert_eq!(g.display(paths[0].1).to_string(), "01 MÉRIDA > 01 t");
    }

    /// Shrunk, the geography holds no room beyond its places, and finds every place as before.
    #[test]
    fn shrinking_keeps_every_place_and_no_room() {
        let mut g = Geography::new(["state", "town"]).unwrap();
        let paths: Vec<GeoPath> = (0..100)
            .map(|i| {
                g.intern_path(&[(&(i % 7).to_string(), None), (&i.to_string(), None)])
                    .unwrap()
            })
            .collect();
        let before = g.heap_bytes();
        g.shrink_to_fit();
        assert_eq!(g.nodes.capacity(), g.nodes.len());
        assert!(g.heap_bytes() < before, "{} {before}", g.heap_bytes());
        for (i, p) in paths.iter().enumerate() {
            let (state, town) = ((i % 7).to_string(), i.to_string());
            assert_eq!(g.find(&[state.as_str(), town.as_str()]), Some(*p));
        }
        // And it grows again.
        let more = g.intern_path(&[("0", None), ("new", None)]).unwrap();
        assert_eq!(g.find(&["0", "new"]), Some(more));
    }

    #[test]
    fn refuses_what_cannot_be() {
        assert!(Geography::new(["a", "a"]).is_err());
        assert!(Geography::new([""]).is_err());
        let mut g = Geography::new(["state"]).unwrap();
        let s = g.intern(None, "1", None).unwrap();
        assert!(
            g.intern(Some(s), "x", None).is_err(),
            "below the last level"
        );
        assert!(g.intern(None, "", None).is_err());
        let mut other = Geography::new(["x"]).unwrap();
        let foreign = other.intern(None, "1", None).unwrap();
        let _ = other.intern(None, "2", None).unwrap();
        let far = other.intern(None, "3", None).unwrap();
        assert!(g.intern(Some(far), "y", None).is_err());
        // Regression: a handle of another geography was taken for a place of this one when its
        // index was in range.
        assert!(!g.contains(foreign));
        assert!(g.node(foreign).is_none());
        assert!(g.intern(Some(foreign), "y", None).is_err());
        // A copy is another geography: the handles of one are not places of the other.
        let copy = g.clone();
        assert_eq!(copy, g);
        assert!(!copy.contains(s) && g.contains(s));
        assert_eq!(copy.find(&["1"]).map(|p| copy.contains(p)), Some(true));
    }

    /// Merging a geography is interning its places in order: shared places are found, runs
    /// under new places are copied (at the start, in the middle, at the end), skipped levels
    /// and names are kept, and each place maps to its copy.
    #[cfg(feature = "parallel")]
    #[test]
    fn merging_is_interning_in_order() {
        type Path = Vec<(usize, &'static str, Option<&'static str>)>;
        let build = |paths: &[Path]| {
            let mut g = Geography::new(["a", "b", "c"]).unwrap();
            for path in paths {
                let mut parent = None;
                for &(level, code, name) in path {
                    parent = Some(g.intern_at(parent, level, code, name).unwrap());
                }
            }
            g
        };
        let first: Vec<Path> = vec![
            vec![(0, "1", Some("One")), (1, "1", None), (2, "x", None)],
            vec![(0, "1", None), (1, "2", Some("Two"))],
        ];
        let second: Vec<Path> = vec![
            // New at the top, then a run under it.
            vec![(0, "9", Some("Nine")), (1, "1", Some("é")), (2, "y", None)],
            // A place shared, then a new child of a shared place, with a level skipped.
            vec![(0, "1", None), (1, "1", None), (2, "x", None)],
            vec![(0, "1", None), (2, "z", Some("skip"))],
            // A run at the end.
            vec![(0, "1", None), (1, "3", None), (2, "w", None)],
        ];
        for (a, b) in [(&first, &second), (&second, &first), (&first, &first)] {
            let mut merged = build(a);
            let other = build(b);
            let map = merged.merge(&other).unwrap();
            let all: Vec<Path> = a.iter().chain(b.iter()).cloned().collect();
            let expected = build(&all);
            assert_eq!(merged, expected);
            assert_eq!(map.len(), other.len());
            for (i, &raw) in map.iter().enumerate() {
                let mine = other.place(i).unwrap();
                let there = merged.handle(raw);
                assert_eq!(other.codes(mine), merged.codes(there), "place {i}");
            }
            // Every place is found again by its path, so the table was filled.
            for i in 0..merged.len() {
                let p = merged.place(i).unwrap();
                let node = merged.node(p).unwrap();
                let parent = merged.parent(p);
                let key = merged
                    .parent_key(parent, node.level(), node.code())
                    .unwrap();
                assert_eq!(merged.lookup(&key), Some(p.raw()), "place {i}");
            }
        }
        // Into an empty geography, and of an empty one.
        let mut empty = Geography::new(["a", "b", "c"]).unwrap();
        let other = build(&second);
        assert_eq!(empty.merge(&other).unwrap().len(), other.len());
        assert_eq!(empty, build(&second));
        let none = Geography::new(["a", "b", "c"]).unwrap();
        assert!(empty.merge(&none).unwrap().is_empty());
        assert_eq!(empty, build(&second));
        // Other levels are refused.
        let mut g = Geography::new(["a", "b"]).unwrap();
        assert!(g.merge(&other).is_err());
    }
}
