//! Venezuela, presidential election of 28 July 2024: the council's announced results audited
//! against the tally sheets published by the opposition.
//!
//! Loads the two publications of the sheets (V1, V2) and the council's two bulletins, and prints
//! the audit: the verdict on each bulletin (its own arithmetic, its round-percentage signature,
//! whether it is possible given the sheets, by how many votes it is not and how many sheets would
//! have to be false), whether the sheets settle the outcome, the sequence from bulletin 1 to 2,
//! the totals per state, and V1 against V2.
//!
//! Run it with `cargo run --release --example venezuela_2024`.

use std::error::Error;
use std::io::Write;
use std::path::Path;

use actas::audit::{Audit, BoundOptions, Verdict, feasibility};
use actas::audit::{Totals, totals, totals_by_level};
use actas::io::{Layout, ReadOutcome, read_announcements, read_csv_path};
use actas::{Rounding, percent_of};

mod common;
use common::thousands;

/// `part / whole` as a percentage with two decimals, half-up, or `-` when `whole` is 0.
fn share(part: u64, whole: u64) -> String {
    percent_of(part, whole, 2, Rounding::HalfUp).map_or_else(|_| "-".into(), |p| format!("{p}%"))
}

fn load(dir: &Path, version: &str) -> Result<ReadOutcome, Box<dyn Error>> {
    let layout = Layout::from_path(dir.join(format!("layout_{}.json", version.to_lowercase())))?;
    Ok(read_csv_path(
        dir.join(format!("RESULTADOS_2024_CSV_{version}.csv")),
        &layout,
    )?)
}

fn candidate_table(out: &mut dyn Write, read: &ReadOutcome, t: &Totals) -> std::io::Result<()> {
    let contest = read.set.contest();
    let mut order: Vec<usize> = (0..contest.candidates().len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(t.candidates[c].sum));
    writeln!(out, "  {:<28} {:>12} {:>8}", "candidate", "votes", "share")?;
    for c in order {
        let votes = t.candidates[c].sum;
        writeln!(
            out,
            "  {:<28} {:>12} {:>8}",
            contest.candidates()[c].name,
            thousands(votes),
            share(votes, t.valid.sum)
        )?;
    }
    writeln!(
        out,
        "  {:<28} {:>12}\n  {:<28} {:>12}\n  {:<28} {:>12}",
        "valid votes",
        thousands(t.valid.sum),
        "null votes",
        thousands(t.null.sum),
        "voters (valid + null)",
        thousands(t.voters.sum)
    )?;
    Ok(())
}

/// Runs the whole example, writing its report to `out`.
pub fn run(out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/ve2024");
    let v1 = load(&dir, "V1")?;
    let v2 = load(&dir, "V2")?;
    let announcements = read_announcements(dir.join("bulletins.json"))?;
    let register = &announcements.register;

    writeln!(out, "Venezuela, presidential election of 28 July 2024")?;
    writeln!(
        out,
        "Tally sheets published by Comando ConVzla; data and provenance in data/ve2024\n"
    )?;

    writeln!(out, "Reading")?;
    for (name, read) in [("V1", &v1), ("V2", &v2)] {
        let r = &read.report;
        writeln!(
            out,
            "  {name}: {:>7} rows read, {:>7} accepted, {} rejected, {} repeated tables, {} blank lines",
            thousands(r.rows_read),
            thousands(r.accepted),
            r.rejected.len(),
            r.repeats.len(),
            r.blank_lines
        )?;
        for rejected in r.rejected.iter().take(5) {
            writeln!(out, "      {rejected}")?;
        }
    }

    let report = Audit::new(&v1.set)
        .register(register)
        .bulletins(&announcements.bulletins)
        .second_reading(&v2.set)
        .run()?;
    writeln!(out, "\n{report}")?;

    writeln!(
        out,
        "Against V2: the second publication has no electors column, so only the tables-basis"
    )?;
    writeln!(out, "bound of bulletin 1 applies")?;
    if let Some(b1) = announcements.bulletins.first() {
        let checked = feasibility(&v2.set, b1, register, &BoundOptions::default())?;
        let Some(f) = checked.as_done() else {
            let why = checked.not_applicable().map(ToString::to_string);
            writeln!(out, "  no bounds: {}", why.unwrap_or_default())?;
            return Ok(());
        };
        for b in f.bounds.iter().filter(|b| b.verdict != Verdict::Within) {
            writeln!(
                out,
                "  {} {}: announced {}, the V2 sheets hold at least {} (off by {} votes; {} sheets would have to be false)",
                b1.label,
                b.subject,
                thousands(b.announced),
                thousands(b.lower),
                thousands(b.gap),
                b.false_sheets
                    .map_or_else(|| "no number of".into(), thousands)
            )?;
        }
    }

    let contest = v1.set.contest();
    let eg = contest.candidate_index("EG").ok_or("no candidate EG")?;
    let nm = contest.candidate_index("NM").ok_or("no candidate NM")?;
    let states = totals_by_level(&v1.set, 0)?;
    let geo = v1.set.geography();
    writeln!(out, "\nBy state (V1)")?;
    writeln!(
        out,
        "  {:<18} {:>7} {:>11} {:>11} {:>10} {:>10} {:>9} {:>9} {:>8}",
        "state",
        "tables",
        "electors",
        "valid",
        "González",
        "Maduro",
        "González",
        "Maduro",
        "turnout"
    )?;
    let mut places = states.places.clone();
    places.sort_by_key(|(p, _)| {
        geo.node(*p)
            .map(|n| n.code().parse::<u32>().unwrap_or(u32::MAX))
    });
    for (place, t) in &places {
        let name = geo.node(*place).and_then(|n| n.name()).unwrap_or("?");
        writeln!(
            out,
            "  {:<18} {:>7} {:>11} {:>11} {:>10} {:>10} {:>9} {:>9} {:>8}",
            name,
            thousands(t.tables),
            thousands(t.electors.sum),
            thousands(t.valid.sum),
            thousands(t.candidates[eg].sum),
            thousands(t.candidates[nm].sum),
            share(t.candidates[eg].sum, t.valid.sum),
            share(t.candidates[nm].sum, t.valid.sum),
            t.turnout().map_or("-".into(), |x| x.to_string())
        )?;
    }

    let t2 = totals(&v2.set)?;
    writeln!(out, "\nTotals of V2 ({} tables)", thousands(t2.tables))?;
    candidate_table(out, &v2, &t2)?;

    writeln!(out, "\nV1 against V2, table by table")?;
    let cmp = report
        .comparison
        .as_ref()
        .ok_or("the audit compared V1 with V2")?;
    writeln!(out, "  fields compared: {}", cmp.fields_compared.join(", "))?;
    writeln!(
        out,
        "  identical:  {:>7} ({} of them with a different image URL)",
        thousands(cmp.identical),
        cmp.identical_other_image
    )?;
    writeln!(out, "  different:  {:>7}", cmp.different.len())?;
    writeln!(out, "  only in V1: {:>7}", cmp.only_in_a.len())?;
    for &i in &cmp.only_in_a {
        writeln!(
            out,
            "      table {} {}",
            v1.set.table_id(i).unwrap_or("?"),
            v1.set.image(i).unwrap_or("")
        )?;
    }
    writeln!(out, "  only in V2: {:>7}", cmp.only_in_b.len())?;
    let eg_lines: Vec<usize> = v2.set.contest().lines_of(eg).collect();
    let gained: u64 = cmp
        .only_in_b
        .iter()
        .flat_map(|&j| {
            let set = &v2.set;
            eg_lines
                .iter()
                .filter_map(move |&l| set.count(j, actas::Field::Line(l)))
        })
        .map(u64::from)
        .sum();
    writeln!(
        out,
        "      the {} sheets added in V2 give González {} more votes",
        cmp.only_in_b.len(),
        thousands(gained)
    )?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    run(&mut lock)
}
