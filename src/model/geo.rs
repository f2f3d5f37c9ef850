//! Geography: named levels and an interned tree of places.

use std::fmt;
use std::num::NonZeroU32;

use hashbrown::HashMap;

use crate::error::{Error, Result};

/// A handle to one place of a [`Geography`] (a state, a parish, a voting centre), and through its
/// parents the whole path from the top level down to it.
///
/// Invariant: it belongs to the geography that made it; it is cheap to copy and compare (4 bytes,
/// and `Option<GeoPath>` is 4 bytes too). Resolve it with [`Geography::node`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GeoPath(NonZeroU32);

impl GeoPath {
    /// The place's index in its geography (0-based, in order of first appearance).
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }

    /// The place of index `i`, or an overflow error past `u32::MAX - 1` places.
    #[cfg(feature = "parallel")]
    pub(crate) fn from_index_checked(i: usize) -> crate::Result<GeoPath> {
        GeoPath::from_index(i).ok_or_else(|| crate::Error::overflow("number of places"))
    }

    fn from_index(i: usize) -> Option<GeoPath> {
        u32::try_from(i + 1)
            .ok()
            .and_then(NonZeroU32::new)
            .map(GeoPath)
    }
}

/// One place: its level, code, name and parent.
///
/// Invariant: the code is unique among its parent's children.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GeoNode {
    level: usize,
    code: String,
    name: Option<String>,
    parent: Option<GeoPath>,
}

impl GeoNode {
    /// The index of its level in [`Geography::levels`].
    pub fn level(&self) -> usize {
        self.level
    }

    /// Its code as the data wrote it (`"01"`), unique among its siblings.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Its name, when the data gave one (`"DTTO. CAPITAL"`).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Its parent, `None` at the top level.
    pub fn parent(&self) -> Option<GeoPath> {
        self.parent
    }
}

/// The places of a set of sheets, as a tree of levels whose names come from the data
/// (state > municipality > parish > centre in Venezuela; department > province > municipality >
/// precinct in Bolivia).
///
/// Invariant: level names are unique and non-empty; each node's level is its parent's plus one
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
#[derive(Debug, Clone, Default)]
pub struct Geography {
    levels: Vec<String>,
    nodes: Vec<GeoNode>,
    /// Children of the root (index 0) and of node `i` (index `i + 1`), by code.
    children: Vec<HashMap<Box<str>, GeoPath>>,
}

impl PartialEq for Geography {
    fn eq(&self, other: &Self) -> bool {
        self.levels == other.levels && self.nodes == other.nodes
    }
}

impl Eq for Geography {}

impl Geography {
    /// A geography with these levels, from the top down, and no places yet.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for an empty or repeated level name, or more than 255 levels.
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
            nodes: Vec::new(),
            children: vec![HashMap::new()],
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
    pub fn node(&self, path: GeoPath) -> Option<&GeoNode> {
        self.nodes.get(path.index())
    }

    /// Whether `path` is a place of this geography.
    pub fn contains(&self, path: GeoPath) -> bool {
        path.index() < self.nodes.len()
    }

    /// The place with code `code` under `parent` (`None`: at the top level), added if new.
    ///
    /// When the place exists, its first name is kept and `name` is ignored.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for an empty code or a place below the last level;
    /// [`Error::Shape`] when `parent` is not of this geography; [`Error::Overflow`] past
    /// `u32::MAX - 1` places.
    pub fn intern(
        &mut self,
        parent: Option<GeoPath>,
        code: &str,
        name: Option<&str>,
    ) -> Result<GeoPath> {
        let slot = match parent {
            None => 0,
            Some(p) if self.contains(p) => p.index() + 1,
            Some(_) => {
                return Err(Error::Shape {
                    message: "the parent place is not of this geography".into(),
                });
            }
        };
        if let Some(&found) = self.children[slot].get(code) {
            return Ok(found);
        }
        let level = parent.map_or(0, |p| self.nodes[p.index()].level + 1);
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
        let path = GeoPath::from_index(self.nodes.len())
            .ok_or_else(|| Error::overflow("number of places"))?;
        self.nodes.push(GeoNode {
            level,
            code: code.to_owned(),
            name: name.filter(|n| !n.is_empty()).map(str::to_owned),
            parent,
        });
        self.children.push(HashMap::new());
        self.children[slot].insert(code.into(), path);
        Ok(path)
    }

    /// The place at the end of a path of `(code, name)` pairs from the top level, adding what is
    /// new.
    ///
    /// # Errors
    ///
    /// As [`Geography::intern`]; an empty path is an [`Error::InvalidValue`].
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
        for code in codes {
            let p = *self.children[slot].get(*code)?;
            slot = p.index() + 1;
            found = Some(p);
        }
        found
    }

    /// `path` and its ancestors, from `path` up to the top level.
    pub fn ancestors(&self, path: GeoPath) -> impl Iterator<Item = GeoPath> + '_ {
        std::iter::successors(Some(path).filter(|p| self.contains(*p)), move |p| {
            self.nodes[p.index()].parent
        })
    }

    /// The ancestor of `path` at level `level` (`path` itself at its own level), or `None` when
    /// `path` is above that level or not of this geography.
    pub fn ancestor_at(&self, path: GeoPath, level: usize) -> Option<GeoPath> {
        self.ancestors(path)
            .find(|p| self.nodes[p.index()].level == level)
    }

    /// The places of one level, in order of first appearance.
    pub fn at_level(&self, level: usize) -> impl Iterator<Item = GeoPath> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.level == level)
            .filter_map(|(i, _)| GeoPath::from_index(i))
    }

    /// For every place, its ancestor at `level` (itself at that level), `None` above it.
    pub(crate) fn ancestor_table(&self, level: usize) -> Vec<Option<GeoPath>> {
        let mut table: Vec<Option<GeoPath>> = Vec::with_capacity(self.nodes.len());
        for (i, n) in self.nodes.iter().enumerate() {
            // Parents precede children, so the parent's entry is already known.
            let a = if n.level == level {
                GeoPath::from_index(i)
            } else if n.level > level {
                n.parent.and_then(|p| table[p.index()])
            } else {
                None
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
            .map(|p| self.nodes[p.index()].code.as_str())
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
            let n = &self.geo.nodes[p.index()];
            f.write_str(&n.code)?;
            if let Some(name) = &n.name {
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
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            let i = usize::deserialize(d)?;
            GeoPath::from_index(i).ok_or_else(|| serde::de::Error::custom("place index too large"))
        }
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct NodeRepr {
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<GeoPath>,
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
                nodes: self
                    .nodes
                    .iter()
                    .map(|n| NodeRepr {
                        code: n.code.clone(),
                        name: n.name.clone(),
                        parent: n.parent,
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
                if n.parent.is_some_and(|p| p.index() >= i) {
                    return Err(D::Error::custom(format!(
                        "place {i}: its parent must come before it"
                    )));
                }
                let before = geo.len();
                geo.intern(n.parent, &n.code, n.name.as_deref())
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
        assert!(g.contains(foreign));
    }
}
