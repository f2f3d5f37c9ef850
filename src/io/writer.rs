//! Writing a set of sheets as CSV.

use std::io::Write;

use super::layout::Source;
use super::layout::{CandidateColumn, ExtraColumn, Fields, GeoLevel, Layout, LineColumn};
use crate::error::{Error, Result};
use crate::model::{ActaSet, Field};

fn csv_error(e: csv::Error) -> Error {
    Error::csv(e, None)
}

/// The canonical layout of a set: one column per field, named without collisions
/// (`table`, `geo:LEVEL`, `geo:LEVEL:name`, the standard field names, `line:CODE`,
/// `extra:NAME`, `image`).
fn canonical_layout(set: &ActaSet) -> Layout {
    let contest = set.contest();
    let per_candidate = contest.lines_are_candidates()
        && contest
            .lines()
            .iter()
            .zip(contest.candidates())
            .all(|(l, c)| l.code() == c.code && l.name().is_none());
    let candidates = contest
        .candidates()
        .iter()
        .map(|c| CandidateColumn {
            code: c.code.clone(),
            name: c.name.clone(),
            column: per_candidate.then(|| format!("line:{}", c.code)),
        })
        .collect();
    let mut layout = Layout::new(contest.name(), "table");
    layout.candidates = candidates;
    if !per_candidate {
        layout.lines = contest
            .lines()
            .iter()
            .map(|l| LineColumn {
                code: l.code().to_owned(),
                name: l.name().map(str::to_owned),
                candidate: contest.candidates()[l.candidate()].code.clone(),
                column: format!("line:{}", l.code()),
            })
            .collect();
    }
    layout.source = set.source().map(str::to_owned);
    // A level that some place skips (its parent is higher up) is optional.
    let geo = set.geography();
    let mut skipped = vec![false; geo.levels().len()];
    for p in (0..geo.len()).filter_map(|i| geo.place(i)) {
        let level = geo.node(p).map_or(0, crate::GeoNode::level);
        let above = geo
            .parent(p)
            .and_then(|q| geo.node(q))
            .map_or(0, |n| n.level() + 1);
        for s in &mut skipped[above..level] {
            *s = true;
        }
    }
    layout.geography = geo
        .levels()
        .iter()
        .zip(skipped)
        .map(|(l, optional)| GeoLevel {
            level: l.clone(),
            code: format!("geo:{l}"),
            name: Some(format!("geo:{l}:name")),
            pad: None,
            optional,
        })
        .collect();
    layout.fields = Fields::named_as_fields();
    layout.extra = set
        .extra_fields()
        .iter()
        .map(|n| ExtraColumn {
            name: n.clone(),
            column: Source::Column(format!("extra:{n}")),
        })
        .collect();
    layout.image = Some("image".into());
    layout
}

/// Writes a set as UTF-8 CSV, one row per sheet in order (repeats included), absent counts as
/// empty cells, and returns the layout that reads it back into an equal set.
///
/// # Errors
///
/// [`ErrorKind::Io`](crate::ErrorKind::Io) when writing fails.
///
/// # Example
///
/// ```
/// use actas::io::{read_csv, write_csv};
/// use actas::{ActaSet, ActaSheet, Candidate, Contest, Geography, TableId};
///
/// let contest = Contest::new("mayor", vec![Candidate::new("A", "Ana")])?;
/// let mut set = ActaSet::new(contest, Geography::new(["district"])?);
/// set.push(ActaSheet::new(TableId::new("007")?).with_valid(3).with_votes([Some(3)]))?;
///
/// let mut csv = Vec::new();
/// let layout = write_csv(&set, &mut csv)?;
/// assert_eq!(read_csv(&csv[..], &layout)?.set, set);
/// # Ok::<(), actas::Error>(())
/// ```
pub fn write_csv<W: Write>(set: &ActaSet, writer: W) -> Result<Layout> {
    let layout = canonical_layout(set);
    let mut w = csv::Writer::from_writer(writer);
    let mut header: Vec<String> = vec!["table".into()];
    for g in &layout.geography {
        header.push(g.code.clone());
        header.push(g.name.clone().unwrap_or_default());
    }
    for f in Field::STANDARD {
        header.push(f.to_string());
    }
    header.extend(layout.line_columns().into_iter().map(|(_, c)| c.to_owned()));
    header.extend(
        layout
            .extra
            .iter()
            .flat_map(|e| e.column.columns())
            .map(str::to_owned),
    );
    header.push("image".into());
    w.write_record(&header).map_err(csv_error)?;

    let levels = set.geography().levels().len();
    let lines = set.contest().lines().len();
    let extras = set.extra_fields().len();
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for i in 0..set.len() {
        row.clear();
        row.push(set.table_id(i).unwrap_or_default().to_owned());
        // Each place in its level's cells; a level the sheet has no place at stays empty.
        let mut places: Vec<(String, String)> = vec![(String::new(), String::new()); levels];
        if let Some(g) = set.geo(i) {
            for n in set
                .geography()
                .ancestors(g)
                .filter_map(|p| set.geography().node(p))
            {
                places[n.level()] = (n.code().to_owned(), n.name().unwrap_or_default().to_owned());
            }
        }
        for (code, name) in places {
            row.push(code);
            row.push(name);
        }
        let fields = Field::STANDARD
            .into_iter()
            .chain((0..lines).map(Field::Line))
            .chain((0..extras).map(Field::Extra));
        for f in fields {
            row.push(set.count(i, f).map(|v| v.to_string()).unwrap_or_default());
        }
        row.push(set.image(i).unwrap_or_default().to_owned());
        w.write_record(&row).map_err(csv_error)?;
    }
    w.flush().map_err(|e| Error::io(e, None))?;
    Ok(layout)
}
