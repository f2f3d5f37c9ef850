//! A register of tables: every table that should have a sheet, with its electors. Reading one
//! from CSV is [`crate::io::read_table_register`].

use std::collections::HashMap;

use super::bulletin::Register;
use super::table::TableId;
use crate::error::{Error, Result};

/// The tables of an election and their electors, as the authority registered them.
///
/// Invariant: table ids are unique.
///
/// # Example
///
/// ```
/// use actas::{TableId, TableRegister};
///
/// let mut register = TableRegister::new();
/// register.push(TableId::new("001")?, Some(500))?;
/// register.push(TableId::new("002")?, None)?;
/// assert_eq!(register.len(), 2);
/// assert_eq!(register.electors("001"), Some(Some(500)));
/// assert_eq!(register.electors("002"), Some(None)); // known table, unknown electors
/// assert!(register.push(TableId::new("001")?, None).is_err()); // registered twice
/// assert_eq!(register.summary().tables, Some(2));
/// # Ok::<(), actas::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableRegister {
    ids: Vec<TableId>,
    electors: Vec<Option<u32>>,
    index: HashMap<String, usize>,
}

impl TableRegister {
    /// An empty register.
    pub fn new() -> Self {
        TableRegister::default()
    }

    /// Adds a table.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) when the table is already registered.
    pub fn push(&mut self, id: TableId, electors: Option<u32>) -> Result<()> {
        if self.index.contains_key(id.as_str()) {
            return Err(Error::invalid(
                "table id",
                id.as_str(),
                "is registered twice",
            ));
        }
        self.index.insert(id.as_str().to_owned(), self.ids.len());
        self.ids.push(id);
        self.electors.push(electors);
        Ok(())
    }

    /// The number of tables.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no table is registered.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// `Some(electors)` when the table is registered (electors may be unknown), `None` otherwise.
    pub fn electors(&self, id: &str) -> Option<Option<u32>> {
        self.index.get(id).map(|&i| self.electors[i])
    }

    /// The tables in order, with their electors.
    pub fn iter(&self) -> impl Iterator<Item = (&TableId, Option<u32>)> + '_ {
        self.ids.iter().zip(self.electors.iter().copied())
    }

    /// The register's totals: its number of tables and, when every table has them, its electors.
    pub fn summary(&self) -> Register {
        Register {
            tables: Some(self.ids.len() as u64),
            electors: self.electors.iter().map(|e| e.map(u64::from)).sum(),
            notes: None,
            sources: Vec::new(),
        }
    }
}
