//! One tally sheet and the names of its count fields.

use std::collections::BTreeMap;
use std::fmt;

use super::geo::GeoPath;
use super::table::TableId;

/// A count field of a sheet.
///
/// The five standard fields are named; `Line(i)` is the votes of ballot line `i` of the contest;
/// `Extra(i)` is further field `i` of the set (ballots received, cancelled, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// Electors registered at the table.
    Electors,
    /// Voters: ballots cast.
    Voters,
    /// Valid votes.
    Valid,
    /// Null (spoilt) votes.
    Null,
    /// Blank votes.
    Blank,
    /// The votes of ballot line `i` of the contest.
    Line(usize),
    /// Further field `i` of the set, see [`ActaSet::extra_fields`](crate::ActaSet::extra_fields).
    Extra(usize),
}

impl Field {
    /// The five standard fields, in a fixed order.
    pub const STANDARD: [Field; 5] = [
        Field::Electors,
        Field::Voters,
        Field::Valid,
        Field::Null,
        Field::Blank,
    ];

    /// The name of a standard field as used in layouts and rules (`"electors"`), `None` for lines
    /// and further fields, whose names come from the data.
    pub fn standard_name(self) -> Option<&'static str> {
        Some(match self {
            Field::Electors => "electors",
            Field::Voters => "voters",
            Field::Valid => "valid",
            Field::Null => "null",
            Field::Blank => "blank",
            Field::Line(_) | Field::Extra(_) => return None,
        })
    }

    /// The standard field with this name.
    pub fn standard(name: &str) -> Option<Field> {
        Field::STANDARD
            .into_iter()
            .find(|f| f.standard_name() == Some(name))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.standard_name(), self) {
            (Some(n), _) => f.write_str(n),
            (None, Field::Line(i)) => write!(f, "line #{i}"),
            (None, Field::Extra(i)) => write!(f, "extra field #{i}"),
            (None, _) => unreachable!("every standard field has a name"),
        }
    }
}

/// One tally sheet ("acta"): the numbers signed at one polling table.
///
/// Invariant: none beyond its field types. A sheet may break every rule of arithmetic (more votes
/// than voters, turnout over 100%): that is for an audit to find and report, so it must be
/// representable. Absent fields are `None`, never 0.
///
/// `votes` has one entry per ballot line of the contest, in [`Contest::lines`](crate::Contest::lines)
/// order. `geo` is a place of the geography of the [`ActaSet`](crate::ActaSet) the sheet belongs to.
///
/// # Example
///
/// ```
/// use actas::{ActaSheet, TableId};
///
/// let sheet = ActaSheet::new(TableId::new("010113042-1")?)
///     .with_electors(666)
///     .with_valid(364)
///     .with_null(0)
///     .with_votes([Some(232), Some(120), Some(12)]);
/// assert_eq!(sheet.voters, None); // absent, not 0
/// assert_eq!(sheet.vote_sum(), Some(364));
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ActaSheet {
    /// The table the sheet belongs to.
    pub table: TableId,
    /// Its place, in the geography of its set.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub geo: Option<GeoPath>,
    /// Electors registered at the table.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub electors: Option<u32>,
    /// Voters (ballots cast).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub voters: Option<u32>,
    /// Valid votes.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub valid: Option<u32>,
    /// Null votes.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub null: Option<u32>,
    /// Blank votes.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub blank: Option<u32>,
    /// Votes per ballot line, in the contest's line order.
    pub votes: Vec<Option<u32>>,
    /// Further named fields of the form (ballots received, cancelled, ...); absent when not a key.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "BTreeMap::is_empty")
    )]
    pub extra: BTreeMap<String, u32>,
    /// Where the sheet can be seen: the photograph's URL or a path or hash of the image.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub image: Option<String>,
}

impl ActaSheet {
    /// A sheet of table `table` with every field absent.
    pub fn new(table: TableId) -> Self {
        ActaSheet {
            table,
            geo: None,
            electors: None,
            voters: None,
            valid: None,
            null: None,
            blank: None,
            votes: Vec::new(),
            extra: BTreeMap::new(),
            image: None,
        }
    }

    /// With this place.
    #[must_use]
    pub fn with_geo(mut self, geo: GeoPath) -> Self {
        self.geo = Some(geo);
        self
    }

    /// With this many electors.
    #[must_use]
    pub fn with_electors(mut self, n: u32) -> Self {
        self.electors = Some(n);
        self
    }

    /// With this many voters.
    #[must_use]
    pub fn with_voters(mut self, n: u32) -> Self {
        self.voters = Some(n);
        self
    }

    /// With this many valid votes.
    #[must_use]
    pub fn with_valid(mut self, n: u32) -> Self {
        self.valid = Some(n);
        self
    }

    /// With this many null votes.
    #[must_use]
    pub fn with_null(mut self, n: u32) -> Self {
        self.null = Some(n);
        self
    }

    /// With this many blank votes.
    #[must_use]
    pub fn with_blank(mut self, n: u32) -> Self {
        self.blank = Some(n);
        self
    }

    /// With these votes per ballot line.
    #[must_use]
    pub fn with_votes(mut self, votes: impl IntoIterator<Item = Option<u32>>) -> Self {
        self.votes = votes.into_iter().collect();
        self
    }

    /// With a further named field.
    #[must_use]
    pub fn with_extra(mut self, name: impl Into<String>, n: u32) -> Self {
        self.extra.insert(name.into(), n);
        self
    }

    /// With an image reference.
    #[must_use]
    pub fn with_image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    /// The value of a standard field or a ballot line; `None` when absent, and for
    /// [`Field::Extra`], whose names only the set knows (use `extra`).
    pub fn count(&self, field: Field) -> Option<u32> {
        match field {
            Field::Electors => self.electors,
            Field::Voters => self.voters,
            Field::Valid => self.valid,
            Field::Null => self.null,
            Field::Blank => self.blank,
            Field::Line(i) => self.votes.get(i).copied().flatten(),
            Field::Extra(_) => None,
        }
    }

    /// The sum of the votes of all lines, `None` when a line is absent or there are none.
    /// Computed in `u64`, so it cannot overflow.
    pub fn vote_sum(&self) -> Option<u64> {
        if self.votes.is_empty() {
            return None;
        }
        self.votes.iter().map(|v| v.map(u64::from)).sum()
    }
}
