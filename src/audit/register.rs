//! Sheets against a register of tables.

use crate::model::{ActaSet, Field, TableRegister};
use crate::report::{Code, Finding, Subject};

/// Sheets whose table is not registered (`D003`), registered tables without a sheet (`D004`, one
/// finding with their number and the first few ids) and sheets whose electors differ from the
/// register's (`D005`).
///
/// # Example
///
/// ```
/// use actas::audit::check_register;
/// use actas::io::read_table_register;
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("c", vec![Candidate::new("A", "Ana")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["x"])?);
/// set.push(ActaSheet::new(TableId::new("1")?).with_electors(90).with_votes([Some(5)]))?;
/// set.push(ActaSheet::new(TableId::new("9")?).with_votes([Some(5)]))?;
/// let register = read_table_register("table,electors\n1,100\n2,100\n".as_bytes())?;
/// let codes: Vec<&str> = check_register(&set, &register).iter().map(|f| f.code.as_str()).collect();
/// assert_eq!(codes, ["D005", "D003", "D004"]);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn check_register(set: &ActaSet, register: &TableRegister) -> Vec<Finding> {
    let mut out = Vec::new();
    for i in 0..set.len() {
        let id = set.table_id(i).unwrap_or_default();
        let subject = || Subject::Sheet {
            index: i,
            table: id.to_owned(),
        };
        match register.electors(id) {
            None => out.push(Finding::new(
                Code::TableNotRegistered,
                subject(),
                "the table is not in the register",
            )),
            Some(Some(registered)) => {
                if let Some(on_sheet) = set.count(i, Field::Electors).filter(|e| *e != registered) {
                    out.push(
                        Finding::new(
                            Code::ElectorsDifferFromRegister,
                            subject(),
                            "electors differ from the register's",
                        )
                        .with("on_sheet", on_sheet)
                        .with("registered", registered),
                    );
                }
            }
            Some(None) => {}
        }
    }
    let missing: Vec<&str> = register
        .iter()
        .filter(|(id, _)| set.find(id.as_str()).is_none())
        .map(|(id, _)| id.as_str())
        .collect();
    if !missing.is_empty() {
        let first: Vec<&str> = missing.iter().take(5).copied().collect();
        out.push(
            Finding::new(
                Code::RegisteredWithoutSheet,
                Subject::Set,
                "registered tables have no sheet",
            )
            .with("tables", missing.len())
            .with("first", first.join(", ")),
        );
    }
    out
}
