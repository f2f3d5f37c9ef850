//! A borrowed view of one sheet of a set: its numbers read from the set's columns, nothing
//! copied.

use std::fmt;

use super::set::ActaSet;
use super::sheet::{ActaSheet, Field};
use super::{GeoPath, TableId};

/// One sheet of an [`ActaSet`], read in place: what [`ActaSet::sheet`] and [`ActaSet::iter`]
/// hand out. Reading a field costs a column lookup; nothing is allocated until
/// [`SheetRef::to_sheet`].
///
/// # Example
///
/// ```
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana"), Candidate::new("B", "Bo")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// set.push(ActaSheet::new(TableId::new("7")?).with_valid(9).with_votes([Some(5), Some(4)]))?;
/// let sheet = set.sheet(0).unwrap();
/// assert_eq!((sheet.table(), sheet.valid()), ("7", Some(9)));
/// assert_eq!(sheet.votes().collect::<Vec<_>>(), [Some(5), Some(4)]);
/// let valid: u32 = set.iter().filter_map(|s| s.valid()).sum();
/// assert_eq!(valid, 9);
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct SheetRef<'a> {
    set: &'a ActaSet,
    index: usize,
}

impl<'a> SheetRef<'a> {
    pub(crate) fn new(set: &'a ActaSet, index: usize) -> Self {
        SheetRef { set, index }
    }

    /// Its index in the set.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Its table id.
    pub fn table(&self) -> &'a str {
        self.set.table_id(self.index).unwrap_or_default()
    }

    /// Its place, when it has one.
    pub fn geo(&self) -> Option<GeoPath> {
        self.set.geo(self.index)
    }

    /// The value of `field`; `None` when absent.
    pub fn count(&self, field: Field) -> Option<u32> {
        self.set.count(self.index, field)
    }

    /// The electors.
    pub fn electors(&self) -> Option<u32> {
        self.count(Field::Electors)
    }

    /// The voters.
    pub fn voters(&self) -> Option<u32> {
        self.count(Field::Voters)
    }

    /// The valid votes.
    pub fn valid(&self) -> Option<u32> {
        self.count(Field::Valid)
    }

    /// The null votes.
    pub fn null(&self) -> Option<u32> {
        self.count(Field::Null)
    }

    /// The blank votes.
    pub fn blank(&self) -> Option<u32> {
        self.count(Field::Blank)
    }

    /// The votes of each ballot line, in the contest's order.
    pub fn votes(&self) -> impl ExactSizeIterator<Item = Option<u32>> + 'a {
        let (set, i) = (self.set, self.index);
        (0..set.contest().lines().len()).map(move |l| set.count(i, Field::Line(l)))
    }

    /// The further field `name`, when the set declares it and the sheet carries it.
    pub fn extra(&self, name: &str) -> Option<u32> {
        let k = self.set.extra_fields().iter().position(|n| n == name)?;
        self.count(Field::Extra(k))
    }

    /// The reference of its image.
    pub fn image(&self) -> Option<&'a str> {
        self.set.image(self.index)
    }

    /// The sheet as an owned value.
    pub fn to_sheet(&self) -> ActaSheet {
        let extra = self
            .set
            .extra_fields()
            .iter()
            .enumerate()
            .filter_map(|(k, n)| self.count(Field::Extra(k)).map(|v| (n.clone(), v)))
            .collect();
        ActaSheet {
            // The set validated the id when the sheet was pushed.
            table: TableId::new(self.table()).unwrap_or_else(|_| unreachable_id()),
            geo: self.geo(),
            electors: self.electors(),
            voters: self.voters(),
            valid: self.valid(),
            null: self.null(),
            blank: self.blank(),
            votes: self.votes().collect(),
            extra,
            image: self.image().map(str::to_owned),
        }
    }
}

/// A set only holds valid table ids; this is never reached.
#[cold]
fn unreachable_id() -> TableId {
    TableId::new("?").unwrap_or_else(|_| unreachable!("\"?\" is a valid table id"))
}

impl fmt::Debug for SheetRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SheetRef")
            .field("index", &self.index)
            .field("sheet", &self.to_sheet())
            .finish()
    }
}

impl PartialEq for SheetRef<'_> {
    /// Two views are equal when the sheets they show are.
    fn eq(&self, other: &Self) -> bool {
        self.to_sheet() == other.to_sheet()
    }
}
