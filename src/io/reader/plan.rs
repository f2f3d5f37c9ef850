//! A layout resolved against a header: the column of every part of a sheet.

use super::split::Record;
use crate::error::{Error, ErrorKind, Result};
use crate::io::layout::{Encoding, Layout, Source};

use super::row::*;

/// A layout resolved against a header: column indices.
#[derive(Clone)]
pub(super) struct Plan {
    pub(super) key: Vec<KeyPlan>,
    pub(super) geo: Vec<GeoPlan>,
    pub(super) standard: [Option<SourcePlan>; 5],
    pub(super) lines: Vec<usize>,
    /// The first of `lines` when they are consecutive columns (candidates side by side, the
    /// common sheet): their cells are then read in one pass over the record's cell ends.
    pub(super) lines_run: Option<usize>,
    /// The key's column when the key is that one cell as it is (one part, no substring, not
    /// numeric, no padding: the common key): a cell of printable ASCII is then the table id
    /// itself, with nothing to convert or check further.
    pub(super) plain_key: Option<usize>,
    pub(super) extra: Vec<SourcePlan>,
    pub(super) image: Option<usize>,
    pub(super) encoding: Encoding,
    pub(super) separator: String,
    pub(super) names: Vec<String>,
    /// The geography levels whose places are interned; the cells of the levels below are
    /// checked as the reader of the whole layout checks them, and their places left out (the
    /// stream keeps only the levels it totals by).
    pub(super) intern_levels: usize,
}

#[derive(Clone)]
pub(super) struct KeyPlan {
    pub(super) col: usize,
    pub(super) start: Option<usize>,
    pub(super) len: Option<usize>,
    pub(super) pad: Option<usize>,
    pub(super) numeric: bool,
}

#[derive(Clone)]
pub(super) struct GeoPlan {
    pub(super) code: usize,
    pub(super) name: Option<usize>,
    pub(super) pad: Option<usize>,
    pub(super) optional: bool,
}

#[derive(Clone)]
pub(super) enum SourcePlan {
    Column(usize),
    /// The columns added up, and the field's name (for the error when the sum is too large).
    Sum(Vec<usize>, String),
}

impl SourcePlan {
    /// The field's value on the row: the column's count, or the sum of the columns' counts
    /// (absent when any is absent).
    #[inline]
    pub(super) fn read(
        &self,
        rec: &Record,
        last: usize,
    ) -> std::result::Result<Option<u32>, BadCount> {
        match self {
            SourcePlan::Column(c) => count_at(rec, *c, last),
            SourcePlan::Sum(cols, _) => {
                let mut total: Option<u32> = Some(0);
                for &c in cols {
                    match (count_at(rec, c, last)?, total) {
                        (Some(v), Some(t)) => {
                            total = Some(t.checked_add(v).ok_or(BadCount {
                                col: c,
                                why: BadCountWhy::SumTooLarge,
                            })?);
                        }
                        _ => total = None,
                    }
                }
                Ok(total)
            }
        }
    }
}

pub(super) fn decode_header(enc: Encoding, bytes: &[u8]) -> String {
    match enc {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

impl Plan {
    pub(super) fn new(layout: &Layout, header: &Record) -> Result<(Plan, Vec<String>)> {
        let names: Vec<String> = header
            .iter()
            .map(|f| {
                decode_header(layout.encoding, strip_cr(f))
                    .trim()
                    .to_owned()
            })
            .collect();
        let mut used = vec![false; names.len()];
        let mut find = |column: &str, role: String| -> Result<usize> {
            let mut hits = names
                .iter()
                .enumerate()
                .filter(|(_, n)| n.as_str() == column);
            let Some((i, _)) = hits.next() else {
                return Err(Error::new(ErrorKind::MissingColumn {
                    column: column.to_owned(),
                    role,
                }));
            };
            if hits.next().is_some() {
                return Err(Error::new(ErrorKind::AmbiguousColumn {
                    column: column.to_owned(),
                }));
            }
            used[i] = true;
            Ok(i)
        };
        let mut key = Vec::new();
        for (i, p) in layout.key.parts.iter().enumerate() {
            key.push(KeyPlan {
                col: find(&p.column, format!("key part {}", i + 1))?,
                start: p.start,
                len: p.len,
                pad: p.pad,
                numeric: p.numeric,
            });
        }
        let mut geo = Vec::new();
        for g in &layout.geography {
            geo.push(GeoPlan {
                code: find(&g.code, format!("the code of level {}", g.level))?,
                name: match &g.name {
                    Some(n) => Some(find(n, format!("the name of level {}", g.level))?),
                    None => None,
                },
                pad: g.pad,
                optional: g.optional,
            });
        }
        let mut resolve = |source: &Source, role: String, name: &str| -> Result<SourcePlan> {
            Ok(match source {
                Source::Column(c) => SourcePlan::Column(find(c, role)?),
                Source::Sum { sum } => SourcePlan::Sum(
                    sum.iter()
                        .map(|c| find(c, role.clone()))
                        .collect::<Result<Vec<_>>>()?,
                    name.to_owned(),
                ),
            })
        };
        let mut standard: [Option<SourcePlan>; 5] = Default::default();
        for (slot, (field, source)) in standard.iter_mut().zip(layout.fields.all()) {
            *slot = match source {
                None => None,
                Some(s) => Some(resolve(s, format!("field {field}"), field)?),
            };
        }
        let extra = layout
            .extra
            .iter()
            .map(|e| resolve(&e.column, format!("further field {}", e.name), &e.name))
            .collect::<Result<Vec<_>>>()?;
        let lines = layout
            .line_columns()
            .into_iter()
            .map(|(role, c)| find(c, role))
            .collect::<Result<Vec<_>>>()?;
        let lines_run = match lines.first() {
            Some(&first) if lines.iter().zip(first..).all(|(&c, k)| c == k) => Some(first),
            _ => None,
        };
        let plain_key = match key.as_slice() {
            [
                KeyPlan {
                    col,
                    start: None,
                    len: None,
                    pad: None,
                    numeric: false,
                },
            ] => Some(*col),
            _ => None,
        };
        let image = match &layout.image {
            Some(c) => Some(find(c, "the image reference".to_owned())?),
            None => None,
        };
        let unused = names
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(n, _)| n.clone())
            .collect();
        Ok((
            Plan {
                key,
                geo,
                standard,
                lines,
                lines_run,
                plain_key,
                extra,
                image,
                encoding: layout.encoding,
                separator: layout.key.separator.clone(),
                names,
                intern_levels: usize::MAX,
            },
            unused,
        ))
    }
}
