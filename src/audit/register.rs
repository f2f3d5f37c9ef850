//! Sheets against a register of tables.

use crate::model::{ActaSet, Field, TableRegister};
use crate::par::{self, Execution};
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
    check_register_with(set, register, Execution::default())
}

/// Sheets or registered tables per task of [`check_register_with`].
const CHUNK: usize = 1 << 13;

/// [`check_register`], run as `execution` says (a chunk of sheets per task); the findings are
/// the same either way.
pub fn check_register_with(
    set: &ActaSet,
    register: &TableRegister,
    execution: Execution,
) -> Vec<Finding> {
    let parts = par::map(execution, set.len().div_ceil(CHUNK), |k| {
        let mut out = Vec::new();
        for i in k * CHUNK..((k + 1) * CHUNK).min(set.len()) {
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
                    if let Some(on_sheet) =
                        set.count(i, Field::Electors).filter(|e| *e != registered)
                    {
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
        out
    });
    let mut out: Vec<Finding> = parts.into_iter().flatten().collect();
    let ids: Vec<&str> = register.iter().map(|(id, _)| id.as_str()).collect();
    let missing: Vec<&str> = par::map(execution, ids.len().div_ceil(CHUNK), |k| {
        ids[k * CHUNK..((k + 1) * CHUNK).min(ids.len())]
            .iter()
            .copied()
            .filter(|id| set.find(id).is_none())
            .collect::<Vec<&str>>()
    })
    .into_iter()
    .flatten()
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
