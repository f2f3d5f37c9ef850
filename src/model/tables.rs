//! A register of tables: every table that should have a sheet, with its electors.

use std::collections::HashMap;
use std::io::Read;

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
/// let csv = "table,electors\n001,500\n002,\n";
/// let register = TableRegister::read_csv(csv.as_bytes())?;
/// assert_eq!(register.len(), 2);
/// assert_eq!(register.electors("001"), Some(Some(500)));
/// assert_eq!(register.electors("002"), Some(None)); // known table, unknown electors
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
    /// [`Error::InvalidValue`] when the table is already registered.
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

    /// Reads a register from CSV with a header naming a `table` column and, optionally, an
    /// `electors` column (UTF-8; other columns are ignored).
    ///
    /// # Errors
    ///
    /// [`Error::MissingColumn`] without a `table` column; [`Error::Csv`] with the line of a
    /// malformed row, an invalid table id, a bad electors count or a repeated table.
    pub fn read_csv<R: Read>(reader: R) -> Result<Self> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(reader);
        let csv_error = |e: csv::Error| Error::Csv {
            line: e.position().map(|p| p.line()),
            message: e.to_string(),
        };
        let header = rdr.headers().map_err(csv_error)?.clone();
        let col = |name: &str| header.iter().position(|h| h.trim() == name);
        let table = col("table").ok_or_else(|| Error::MissingColumn {
            column: "table".into(),
            role: "the register's table ids".into(),
        })?;
        let electors = col("electors");
        let mut out = TableRegister::new();
        for rec in rdr.records() {
            let rec = rec.map_err(csv_error)?;
            let line = rec.position().map_or(0, |p| p.line());
            let at = |message: String| Error::Csv {
                line: Some(line),
                message,
            };
            let id =
                TableId::new(rec.get(table).unwrap_or("").trim()).map_err(|e| at(e.to_string()))?;
            let e = match electors.map(|c| rec.get(c).unwrap_or("").trim()) {
                None | Some("") => None,
                Some(s) => Some(
                    s.parse::<u32>()
                        .map_err(|_| at(format!("electors \"{s}\" is not a count")))?,
                ),
            };
            out.push(id, e).map_err(|e| at(e.to_string()))?;
        }
        Ok(out)
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
