//! Reading a register of tables (every table that should have a sheet, with its electors) from
//! CSV.

use std::io::Read;
use std::path::Path;

use csv::ByteRecord;

use super::reader::{RecordLimit, record_line};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{TableId, TableRegister};

/// The longest record a register may have, in bytes (a line of a register is a few dozen).
const MAX_RECORD_BYTES: usize = 1 << 20;

/// Reads a register of tables from CSV: a header naming a `table` column and, optionally, an
/// `electors` column (UTF-8, comma-separated; other columns are ignored; cells are trimmed;
/// an empty electors cell is an unknown figure).
///
/// # Errors
///
/// [`ErrorKind::MissingColumn`] without a `table` column; [`ErrorKind::InvalidValue`] with the
/// line ([`Error::position`](crate::Error::position)) of an invalid table id, a bad electors count or a table
/// registered twice; [`ErrorKind::Csv`] for a row of another width than the header (the CSV
/// parser's error is the cause); [`ErrorKind::RecordTooLong`] for a record over 1 MiB;
/// [`ErrorKind::EmptyInput`]; [`ErrorKind::Io`].
///
/// # Example
///
/// ```
/// use actas::io::read_table_register;
///
/// let csv = "table,electors\n001,500\n002,\n";
/// let register = read_table_register(csv.as_bytes())?;
/// assert_eq!(register.len(), 2);
/// assert_eq!(register.electors("001"), Some(Some(500)));
/// assert_eq!(register.electors("002"), Some(None)); // known table, unknown electors
/// assert_eq!(register.summary().tables, Some(2));
/// # Ok::<(), actas::Error>(())
/// ```
pub fn read_table_register<R: Read>(reader: R) -> Result<TableRegister> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(RecordLimit::new(reader, MAX_RECORD_BYTES, b','));
    let csv_error = |e: csv::Error| super::reader::csv_error(e, None);
    let mut rec = ByteRecord::new();
    if !rdr.read_byte_record(&mut rec).map_err(csv_error)? {
        return Err(Error::new(ErrorKind::EmptyInput));
    }
    let cell = |rec: &ByteRecord, i: usize| -> std::result::Result<String, Error> {
        let raw = rec.get(i).unwrap_or_default();
        std::str::from_utf8(raw)
            .map(|s| s.trim().to_owned())
            .map_err(|_| Error::invalid("cell", String::from_utf8_lossy(raw), "is not UTF-8"))
    };
    let header: Vec<String> = (0..rec.len())
        .map(|i| cell(&rec, i))
        .collect::<Result<_>>()?;
    let col = |name: &str| header.iter().position(|h| h == name);
    let table = col("table").ok_or_else(|| {
        Error::new(ErrorKind::MissingColumn {
            column: "table".into(),
            role: "the register's table ids".into(),
        })
    })?;
    let electors = col("electors");
    let mut out = TableRegister::new();
    while rdr.read_byte_record(&mut rec).map_err(csv_error)? {
        let line = record_line(&rec, rdr.position().line(), rdr.get_ref().ends_open());
        let at = |field: &'static str| move |e: Error| e.at_line(line).at_field(field);
        let id = TableId::new(cell(&rec, table).map_err(at("table"))?).map_err(at("table"))?;
        let e = match electors {
            None => None,
            Some(c) => match cell(&rec, c).map_err(at("electors"))?.as_str() {
                "" => None,
                s => Some(s.parse::<u32>().map_err(|_| {
                    at("electors")(Error::invalid("electors", s, "is not a count"))
                })?),
            },
        };
        out.push(id, e).map_err(at("table"))?;
    }
    Ok(out)
}

/// Reads a register of tables from a CSV file, as [`read_table_register`].
///
/// # Errors
///
/// As [`read_table_register`]; the errors carry the path ([`Error::position`](crate::Error::position)).
///
/// # Example
///
/// ```
/// use actas::io::read_table_register_path;
///
/// let path = std::env::temp_dir().join(format!("actas-register-{}.csv", std::process::id()));
/// std::fs::write(&path, "table,electors\n1,300\n2,x\n")?;
/// let err = read_table_register_path(&path).unwrap_err();
/// std::fs::remove_file(&path)?;
/// let at = err.position().unwrap();
/// assert_eq!((at.path(), at.line(), at.field()), (Some(path.as_path()), Some(3), Some("electors")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_table_register_path(path: impl AsRef<Path>) -> Result<TableRegister> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(e, Some(path)))?;
    read_table_register(std::io::BufReader::new(file)).map_err(|e| e.with_path(path))
}
