//! Two readings of the same tables, side by side.

use crate::error::{Error, ErrorKind, Result};
use crate::model::column::OptColumn;
use crate::model::{ActaSet, Field};
use crate::par::{self, Execution};
use crate::report::{Code, Finding, Subject};

/// One field that differs between two readings of a table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FieldDiff {
    /// The field's name: a standard field, a ballot line code or a further field's name.
    pub field: String,
    /// Its value in the first set.
    pub a: Option<u32>,
    /// Its value in the second set.
    pub b: Option<u32>,
}

/// A table whose two readings differ in at least one compared field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SheetDiff {
    /// The table id.
    pub table: String,
    /// Its sheet index in the first set.
    pub a: usize,
    /// Its sheet index in the second set.
    pub b: usize,
    /// The fields that differ.
    pub fields: Vec<FieldDiff>,
}

/// Two sets of sheets compared table by table.
///
/// Invariant: every table of the first set (first readings) is in `only_in_a`, `identical` or
/// `different`, and likewise for the second set with `only_in_b`; so
/// `a.tables() == only_in_a.len() + identical + different.len()`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Comparison {
    /// The fields compared: those both sets carry (a field absent from a whole set, such as
    /// electors in a file without that column, is not compared).
    pub fields_compared: Vec<String>,
    /// Sheet indices (in the first set) of tables only in the first set, in order.
    pub only_in_a: Vec<usize>,
    /// Sheet indices (in the second set) of tables only in the second set, in order.
    pub only_in_b: Vec<usize>,
    /// The table id of the first table only in the first set, and of the first only in the
    /// second: when the two share almost no table, they show how the keys differ.
    pub examples: (Option<String>, Option<String>),
    /// Tables whose compared fields are all equal.
    pub identical: u64,
    /// Of those, how many have a different image reference, among the tables where both
    /// readings carry one (a reading without images changes none).
    pub identical_other_image: u64,
    /// Tables whose readings differ, in the first set's order.
    pub different: Vec<SheetDiff>,
    /// Per candidate (contest order): the votes the second reading gives minus the first's,
    /// over the differing tables.
    pub net_per_candidate: Vec<i64>,
}

/// Compares two readings of the same tables (two sources, or a preliminary and a final count),
/// matching sheets by table id and using each table's first reading.
///
/// # Errors
///
/// [`ErrorKind::Mismatch`](crate::ErrorKind::Mismatch) when the two sets do not have the same ballot line codes;
/// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a net change does not fit an `i64`.
///
/// # Example
///
/// ```
/// use actas::audit::compare;
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("mayor", vec![Candidate::new("A", "Ana")])?;
/// let sheet = |id: &str, v: u32| ActaSheet::new(TableId::new(id).unwrap()).with_votes([Some(v)]);
/// let mut a = ActaSet::new(contest.clone(), Geography::new(["x"])?);
/// let mut b = ActaSet::new(contest, Geography::new(["x"])?);
/// a.push(sheet("1", 5))?;
/// a.push(sheet("2", 5))?;
/// b.push(sheet("2", 7))?;
/// b.push(sheet("3", 1))?;
/// let c = compare(&a, &b)?;
/// assert_eq!((c.only_in_a.len(), c.only_in_b.len(), c.identical), (1, 1, 0));
/// assert_eq!(c.net_per_candidate, vec![2]);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn compare(a: &ActaSet, b: &ActaSet) -> Result<Comparison> {
    compare_with(a, b, Execution::default())
}

/// Sheets per task of [`compare_with`].
const CHUNK: usize = 1 << 13;

/// What one chunk of the first reading's sheets compares to.
struct Part {
    only_in_a: Vec<usize>,
    identical: u64,
    identical_other_image: u64,
    different: Vec<SheetDiff>,
    net: Vec<i128>,
}

/// [`compare`], run as `execution` says (a chunk of sheets per task); the comparison is the same
/// either way.
///
/// # Errors
///
/// As [`compare`].
pub fn compare_with(a: &ActaSet, b: &ActaSet, execution: Execution) -> Result<Comparison> {
    let (ca, cb) = (a.contest(), b.contest());
    let codes = |c: &crate::Contest| {
        c.lines()
            .iter()
            .map(|l| l.code().to_owned())
            .collect::<Vec<_>>()
    };
    let (la, lb) = (codes(ca), codes(cb));
    let mut sorted_a = la.clone();
    let mut sorted_b = lb.clone();
    sorted_a.sort();
    sorted_b.sort();
    if sorted_a != sorted_b {
        return Err(Error::new(ErrorKind::Mismatch {
            message: format!(
                "ballot lines differ: [{}] and [{}]",
                la.join(", "),
                lb.join(", ")
            ),
        }));
    }
    // Pairs of fields to compare: (name, field in a, field in b).
    let mut pairs: Vec<(String, Field, Field)> = Vec::new();
    for f in Field::STANDARD {
        if a.present(f) > 0 && b.present(f) > 0 {
            pairs.push((f.to_string(), f, f));
        }
    }
    // The second reading's index of each of the first reading's ballot lines.
    let mut line_map = Vec::with_capacity(la.len());
    for (i, code) in la.iter().enumerate() {
        // The codes were checked equal as sets above; a missing one is a mismatch all the same.
        let j = lb.iter().position(|c| c == code).ok_or_else(|| {
            Error::new(ErrorKind::Mismatch {
                message: format!("ballot line {code} is not in the second reading"),
            })
        })?;
        line_map.push(j);
        pairs.push((code.clone(), Field::Line(i), Field::Line(j)));
    }
    for (i, name) in a.extra_fields().iter().enumerate() {
        if let Some(j) = b.extra_fields().iter().position(|n| n == name) {
            pairs.push((name.clone(), Field::Extra(i), Field::Extra(j)));
        }
    }

    let mut out = Comparison {
        fields_compared: pairs.iter().map(|p| p.0.clone()).collect(),
        only_in_a: Vec::new(),
        only_in_b: Vec::new(),
        examples: (None, None),
        identical: 0,
        identical_other_image: 0,
        different: Vec::new(),
        net_per_candidate: vec![0; ca.candidates().len()],
    };
    // The columns of each compared pair, looked up once.
    let columns: Vec<(&String, Option<&OptColumn>, Option<&OptColumn>)> = pairs
        .iter()
        .map(|(name, fa, fb)| (name, a.column(*fa), b.column(*fb)))
        .collect();
    let get = |c: Option<&OptColumn>, i: usize| c.and_then(|c| c.get(i));
    let candidates = ca.candidates().len();
    let parts = par::map(execution, a.len().div_ceil(CHUNK), |k| {
        let mut part = Part {
            only_in_a: Vec::new(),
            identical: 0,
            identical_other_image: 0,
            different: Vec::new(),
            net: vec![0; candidates],
        };
        for i in k * CHUNK..((k + 1) * CHUNK).min(a.len()) {
            if a.is_repeat(i) {
                continue;
            }
            let id = a.table_id(i).unwrap_or_default();
            let Some(j) = b.find(id) else {
                part.only_in_a.push(i);
                continue;
            };
            let other_image = matches!((a.image(i), b.image(j)), (Some(x), Some(y)) if x != y);
            if columns.iter().all(|(_, ca, cb)| get(*ca, i) == get(*cb, j)) {
                part.identical += 1;
                part.identical_other_image += u64::from(other_image);
                continue;
            }
            let fields: Vec<FieldDiff> = columns
                .iter()
                .filter_map(|(name, ca, cb)| {
                    let (va, vb) = (get(*ca, i), get(*cb, j));
                    (va != vb).then(|| FieldDiff {
                        field: (*name).clone(),
                        a: va,
                        b: vb,
                    })
                })
                .collect();
            for (l, line) in ca.lines().iter().enumerate() {
                let jl = line_map[l];
                if let (Some(va), Some(vb)) =
                    (a.count(i, Field::Line(l)), b.count(j, Field::Line(jl)))
                {
                    // At most 2^32 sheets of differences under 2^32: an i128 cannot overflow.
                    part.net[line.candidate()] += i128::from(vb) - i128::from(va);
                }
            }
            part.different.push(SheetDiff {
                table: id.to_owned(),
                a: i,
                b: j,
                fields,
            });
        }
        part
    });
    let mut net = vec![0i128; candidates];
    for part in parts {
        out.only_in_a.extend(part.only_in_a);
        out.identical += part.identical;
        out.identical_other_image += part.identical_other_image;
        out.different.extend(part.different);
        for (n, p) in net.iter_mut().zip(part.net) {
            *n += p;
        }
    }
    out.net_per_candidate = net
        .into_iter()
        .map(|n| i64::try_from(n).map_err(|_| Error::overflow("net change per candidate")))
        .collect::<Result<_>>()?;
    let only_in_b = par::map(execution, b.len().div_ceil(CHUNK), |k| {
        (k * CHUNK..((k + 1) * CHUNK).min(b.len()))
            .filter(|&j| !b.is_repeat(j) && a.find(b.table_id(j).unwrap_or_default()).is_none())
            .collect::<Vec<usize>>()
    });
    out.only_in_b = only_in_b.into_iter().flatten().collect();
    out.examples = (
        out.only_in_a
            .first()
            .and_then(|&i| a.table_id(i))
            .map(str::to_owned),
        out.only_in_b
            .first()
            .and_then(|&i| b.table_id(i))
            .map(str::to_owned),
    );
    Ok(out)
}

impl Comparison {
    /// What the comparison found, as the audit reports it: `C001` to `C004`.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        // Two readings of the same tables that share almost none: the keys are likely written
        // differently (`01` and `1`); show an id from each side.
        let common = self.identical + self.different.len() as u64;
        let smaller =
            (common + self.only_in_a.len() as u64).min(common + self.only_in_b.len() as u64);
        if smaller > 0 && common * 10 < smaller {
            let example = |e: &Option<String>| e.clone().unwrap_or_else(|| "-".to_owned());
            out.push(
                Finding::new(
                    Code::ReadingsBarelyOverlap,
                    Subject::Set,
                    "the two readings share almost no table: are their keys written alike (a numeric key part, a padding)?",
                )
                .with("tables_in_common", common)
                .with("example_only_in_first", example(&self.examples.0))
                .with("example_only_in_second", example(&self.examples.1)),
            );
        }
        for (code, n, which) in [
            (Code::OnlyInFirstReading, self.only_in_a.len(), "first"),
            (Code::OnlyInSecondReading, self.only_in_b.len(), "second"),
        ] {
            if n > 0 {
                out.push(
                    Finding::new(
                        code,
                        Subject::Set,
                        format!("tables only in the {which} reading"),
                    )
                    .with("tables", n),
                );
            }
        }
        for d in &self.different {
            let show = |v: Option<u32>| v.map_or_else(|| "absent".to_owned(), |v| v.to_string());
            let changes: Vec<String> = d
                .fields
                .iter()
                .map(|fd| format!("{}: {} -> {}", fd.field, show(fd.a), show(fd.b)))
                .collect();
            out.push(
                Finding::new(
                    Code::ReadingsDiffer,
                    Subject::Sheet {
                        index: d.a,
                        table: d.table.clone(),
                    },
                    "the two readings differ",
                )
                .with("fields", d.fields.len())
                .with("changes", changes.join(", ")),
            );
        }
        out
    }
}
