//! `actas totals`: the totals of the sheets, nationally and by place at one level.

use std::io::Write;

use actas::audit::{FieldTotal, LevelTotals, Totals, totals, totals_by_level};
use actas::io::{InputSummary, Layout, ReadOutcome};
use actas::{ActaSet, GeoPath, Geography, Rounding, percent_of};

use crate::{EXIT_CLEAN, TotalsArgs};

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `part` as a percentage of `whole` to two decimals, rounded half up (exact, in decimals), or
/// `-` for a whole of 0.
pub(crate) fn share(part: u64, whole: u64) -> String {
    match percent_of(part, whole, 2, Rounding::HalfUp) {
        Ok(p) if whole > 0 => format!("{p}%"),
        _ => "-".to_owned(),
    }
}

/// The level `name` names in the layout: a level's name, or its index from 0.
fn level_of(layout: &Layout, name: &str) -> Result<usize, String> {
    let levels: Vec<&str> = layout.geography.iter().map(|g| g.level.as_str()).collect();
    levels
        .iter()
        .position(|&l| l == name)
        .or_else(|| name.parse().ok().filter(|&i: &usize| i < levels.len()))
        .ok_or_else(|| {
            format!(
                "the layout has no geography level {name:?}; its levels are {}",
                if levels.is_empty() {
                    "none".to_owned()
                } else {
                    levels.join(", ")
                }
            )
        })
}

/// The base of the shares: the valid votes when every table counted carries them, else the
/// candidates' votes; and what to call it.
pub(crate) fn base(t: &Totals) -> (u64, &'static str) {
    if t.valid.sheets == t.tables && t.tables > 0 {
        (t.valid.sum, "valid votes")
    } else {
        (
            t.candidates.iter().map(|c| c.sum).sum(),
            "the candidates' votes",
        )
    }
}

/// The national totals as text: each candidate's votes and share, most votes first, then the
/// standard fields with the tables that carry them.
fn write_totals(out: &mut dyn Write, set: &ActaSet, t: &Totals) -> std::io::Result<()> {
    let (base, base_name) = base(t);
    writeln!(
        out,
        "Totals on {} tables (each table once; shares of {base_name})",
        thousands(t.tables)
    )?;
    let candidates = set.contest().candidates();
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(t.candidates.get(c).map_or(0, |x| x.sum)));
    for c in order {
        let votes = t.candidates.get(c).map_or(0, |x| x.sum);
        writeln!(
            out,
            "  {:<30} {:>12} {:>8}",
            candidates[c].name,
            thousands(votes),
            share(votes, base)
        )?;
    }
    for (name, total) in t.fields() {
        write_field(out, name, total, t.tables)?;
    }
    Ok(())
}

fn write_field(
    out: &mut dyn Write,
    name: &str,
    total: FieldTotal,
    tables: u64,
) -> std::io::Result<()> {
    if total.sheets == 0 {
        writeln!(out, "  {name:<30} {:>12} (on no table)", "-")
    } else {
        writeln!(
            out,
            "  {name:<30} {:>12} (on {} of {} tables)",
            thousands(total.sum),
            thousands(total.sheets),
            thousands(tables)
        )
    }
}

/// A place as its code and name ("01 DTTO. CAPITAL"), or its code alone.
pub(crate) fn place_label(geo: &Geography, path: GeoPath) -> String {
    match geo.node(path) {
        Some(n) => match n.name() {
            Some(name) => format!("{} {name}", n.code()),
            None => n.code().to_owned(),
        },
        None => "?".to_owned(),
    }
}

/// The totals by place as text: one line per place, in order of first appearance, with its
/// tables, its base of shares and each candidate's votes and share, in the contest's order.
fn write_level(out: &mut dyn Write, set: &ActaSet, lt: &LevelTotals) -> std::io::Result<()> {
    let geo = set.geography();
    let candidates = set.contest().candidates();
    writeln!(
        out,
        "\nBy {} ({} places; votes and shares of each place's valid votes, or of its candidates' votes where tables lack them)",
        geo.levels()[lt.level],
        thousands(lt.places.len() as u64)
    )?;
    let place_line = |out: &mut dyn Write, label: String, t: &Totals| -> std::io::Result<()> {
        let (b, _) = base(t);
        write!(out, "  {label}: {} tables", thousands(t.tables))?;
        for (c, x) in candidates.iter().zip(&t.candidates) {
            write!(
                out,
                "; {} {} ({})",
                c.code,
                thousands(x.sum),
                share(x.sum, b)
            )?;
        }
        writeln!(out)
    };
    for (path, t) in &lt.places {
        place_line(out, place_label(geo, *path), t)?;
    }
    if lt.unplaced.tables > 0 {
        place_line(out, "(no place at this level)".to_owned(), &lt.unplaced)?;
    }
    Ok(())
}

/// The JSON document: the read summary, the national totals, and the level's places by code and
/// name.
fn json(
    set: &ActaSet,
    input: &InputSummary,
    t: &Totals,
    level: Option<&LevelTotals>,
) -> Result<String, serde_json::Error> {
    let geo = set.geography();
    let level = match level {
        Some(lt) => {
            let places: Vec<serde_json::Value> = lt
                .places
                .iter()
                .map(|(path, t)| {
                    let node = geo.node(*path);
                    Ok(serde_json::json!({
                        "code": node.map(|n| n.code()),
                        "name": node.and_then(|n| n.name()),
                        "totals": serde_json::to_value(t)?,
                    }))
                })
                .collect::<Result<_, serde_json::Error>>()?;
            serde_json::json!({
                "level": geo.levels()[lt.level],
                "places": places,
                "unplaced": serde_json::to_value(&lt.unplaced)?,
            })
        }
        None => serde_json::Value::Null,
    };
    let candidates: Vec<serde_json::Value> = set
        .contest()
        .candidates()
        .iter()
        .map(|c| serde_json::json!({ "code": c.code, "name": c.name }))
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "input": serde_json::to_value(input)?,
        "candidates": candidates,
        "totals": serde_json::to_value(t)?,
        "by_level": level,
    }))
}

/// `actas totals`: the totals on standard output, and the exit status.
pub(crate) fn run(args: &TotalsArgs) -> u8 {
    crate::run(|| {
        let layout = Layout::from_path(&args.layout)?;
        // The level is checked before the sheets are read.
        let level = args
            .level
            .as_deref()
            .map(|l| level_of(&layout, l))
            .transpose()?;
        let ReadOutcome { set, report, .. } =
            crate::progress::read_sheets(&args.sheets, &layout, args.output.quiet)?;
        let national = totals(&set)?;
        let by_level = level.map(|l| totals_by_level(&set, l)).transpose()?;
        let input = InputSummary::new(args.sheets.display().to_string(), &report);
        args.output.print(
            |out| {
                writeln!(out, "{}: {report}\n", input.name)?;
                write_totals(out, &set, &national)?;
                match &by_level {
                    Some(lt) => write_level(out, &set, lt),
                    None => Ok(()),
                }
            },
            || Ok(json(&set, &input, &national, by_level.as_ref())?),
        )?;
        let covers = "the totals cover";
        Ok(args
            .output
            .rejected(input.rejected, input.rows_read, covers)
            .unwrap_or(EXIT_CLEAN))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_shares() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(share(1, 3), "33.33%");
        assert_eq!(share(2, 3), "66.67%");
        assert_eq!(share(1, 0), "-");
        assert_eq!(share(u64::MAX, u64::MAX), "100.00%");
    }
}
