//! Audit any country's tally sheets with the library: read a CSV of sheets through its layout,
//! audit the announcements against them, and print the report.
//!
//! The `actas` command (the `cli/` crate: `cargo install --path cli`, then `actas audit --help`)
//! does this job with every option (a register, a second reading, streaming, JSON, exit
//! statuses); this example is the same job in a few lines of library code.
//!
//! ```text
//! cargo run --release --example audit -- SHEETS.csv LAYOUT.json [ANNOUNCEMENTS.json]
//! cargo run --release --example audit -- data/ve2024/RESULTADOS_2024_CSV_V1.csv \
//!     data/ve2024/layout_v1.json data/ve2024/bulletins.json
//! ```

use std::error::Error;
use std::io::Write;

use actas::Announcements;
use actas::audit::{Audit, AuditOptions};
use actas::io::{InputSummary, Layout, read_announcements, read_csv_path};

/// Reads `sheets` through `layout`, audits the announcements in `bulletins` (if any) against
/// them, and writes the report to `out`; returns whether every row was read.
pub fn run(
    sheets: &str,
    layout: &str,
    bulletins: Option<&str>,
    out: &mut dyn Write,
) -> Result<bool, Box<dyn Error>> {
    let layout = Layout::from_path(layout)?;
    let announcements = match bulletins {
        Some(path) => read_announcements(path)?,
        None => Announcements::default(),
    };
    let read = read_csv_path(sheets, &layout)?;
    // The layout's own rules, and the election's rule from the announcements.
    let options = AuditOptions::default()
        .with_rules(layout.rule_set())
        .with_rule(announcements.rule.clone());
    let mut report = Audit::new(&read.set)
        .register(&announcements.register)
        .bulletins(&announcements.bulletins)
        .options(options)
        .run()?;
    // The read report goes into the audit's: rows rejected open the report, loudly.
    report.add_input(InputSummary::new(sheets, &read.report));
    write!(out, "{report}")?;
    Ok(report.rows_rejected() == 0)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (sheets, layout, bulletins) = match &args[..] {
        [s, l] => (s, l, None),
        [s, l, b] => (s, l, Some(b.as_str())),
        _ => return Err("usage: audit SHEETS.csv LAYOUT.json [ANNOUNCEMENTS.json]".into()),
    };
    if !run(sheets, layout, bulletins, &mut std::io::stdout().lock())? {
        return Err("rows were rejected: the report covers only the rows read".into());
    }
    Ok(())
}
